-- +goose Up
-- A reviewer's decision on one machine suggestion, counted per rule so admins can prune weak rules.
CREATE TABLE suggestion_feedback (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    rule       TEXT NOT NULL,
    label      TEXT NOT NULL,
    start_cp   INTEGER NOT NULL,
    end_cp     INTEGER NOT NULL,
    decision   TEXT NOT NULL CHECK (decision IN ('accepted', 'rejected')),
    created_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX suggestion_feedback_once ON suggestion_feedback (article_id, user_id, rule, label, start_cp, end_cp);
CREATE INDEX suggestion_feedback_rule ON suggestion_feedback (rule, decision);

-- Rules an admin switched off, shared by every replica.
CREATE TABLE suggestion_rules (
    rule       TEXT PRIMARY KEY,
    disabled   BOOLEAN NOT NULL,
    updated_at DATETIME NOT NULL
);

-- +goose Down
DROP TABLE suggestion_rules;
DROP TABLE suggestion_feedback;
