-- +goose NO TRANSACTION
-- +goose Up
-- Curators, the consensus layer and the provenance of annotations (issue 14).
--
-- SQLite cannot widen a CHECK constraint in place, so the users table is rebuilt to admit the
-- curator role (the procedure of https://www.sqlite.org/lang_altertable.html#otheralter).
-- Foreign keys must be off while the parent table is swapped, and that pragma is a no-op inside
-- a transaction: hence no goose transaction, and an explicit one around the work.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE users_new (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT NOT NULL,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'reviewer', 'researcher', 'curator')),
    password_hash TEXT NOT NULL,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    deleted_at    DATETIME,
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
);
INSERT INTO users_new (id, email, name, role, password_hash, disabled, deleted_at, created_at, updated_at)
    SELECT id, email, name, role, password_hash, disabled, deleted_at, created_at, updated_at FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE UNIQUE INDEX users_email ON users (email);

-- Where an annotation came from: typed by hand, or an accepted machine suggestion (and which
-- model made it). Annotations accepted from a suggestion before this column existed carry their
-- rule, which says so.
ALTER TABLE annotations ADD COLUMN origin TEXT NOT NULL DEFAULT 'manual' CHECK (origin IN ('manual', 'suggestion'));
ALTER TABLE annotations ADD COLUMN suggestion_model TEXT NOT NULL DEFAULT '';
UPDATE annotations SET origin = 'suggestion', suggestion_model = CASE WHEN suggestion_rule = 'external' THEN 'external' ELSE 'credence-rules' END
    WHERE suggestion_rule <> '';

-- The layer an annotation or region belongs to: a reviewer's own review, or a curator's
-- consensus (the adjudicated gold standard).
ALTER TABLE annotations ADD COLUMN layer TEXT NOT NULL DEFAULT 'review' CHECK (layer IN ('review', 'consensus'));
CREATE INDEX annotations_layer ON annotations (layer, article_id);
ALTER TABLE regions ADD COLUMN layer TEXT NOT NULL DEFAULT 'review' CHECK (layer IN ('review', 'consensus'));

-- The study arm of a review: an assignment can hide machine suggestions from its reviewer.
ALTER TABLE reviews ADD COLUMN suggestions_hidden BOOLEAN NOT NULL DEFAULT FALSE;

-- One row per article a curator works on: opened early by an admin, pre-merged once, and
-- adjudicated (completed) by a curator.
CREATE TABLE adjudications (
    article_id   INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    opened_by    INTEGER REFERENCES users (id),
    opened_at    DATETIME,
    premerged_at DATETIME,
    completed_by INTEGER REFERENCES users (id),
    completed_at DATETIME,
    updated_at   DATETIME NOT NULL
);
CREATE INDEX adjudications_completed ON adjudications (completed_at);

-- Cached per-article score results now also depend on the variant scored (the layer and the
-- suggestion arm); the cache is derived data, so it is rebuilt empty with the variant in its key.
DROP TABLE article_score_cache;
CREATE TABLE article_score_cache (
    article_id   INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    excluded     TEXT NOT NULL,
    variant      TEXT NOT NULL DEFAULT '',
    methodology  TEXT NOT NULL,
    data_version INTEGER NOT NULL,
    outlet_id    INTEGER NOT NULL,
    result       TEXT NOT NULL,
    computed_at  DATETIME NOT NULL,
    PRIMARY KEY (article_id, excluded, variant, methodology)
);
CREATE INDEX article_score_cache_key ON article_score_cache (excluded, variant, methodology, article_id);
COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
DROP TABLE article_score_cache;
CREATE TABLE article_score_cache (
    article_id   INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    excluded     TEXT NOT NULL,
    methodology  TEXT NOT NULL,
    data_version INTEGER NOT NULL,
    outlet_id    INTEGER NOT NULL,
    result       TEXT NOT NULL,
    computed_at  DATETIME NOT NULL,
    PRIMARY KEY (article_id, excluded, methodology)
);
CREATE INDEX article_score_cache_key ON article_score_cache (excluded, methodology, article_id);
DROP TABLE adjudications;
ALTER TABLE reviews DROP COLUMN suggestions_hidden;
ALTER TABLE regions DROP COLUMN layer;
DROP INDEX annotations_layer;
ALTER TABLE annotations DROP COLUMN layer;
ALTER TABLE annotations DROP COLUMN suggestion_model;
ALTER TABLE annotations DROP COLUMN origin;
COMMIT;
PRAGMA foreign_keys = ON;
