-- +goose Up
-- Curators, the consensus layer and the provenance of annotations (issue 14).
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'reviewer', 'researcher', 'curator'));

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
    article_id   BIGINT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    opened_by    BIGINT REFERENCES users (id),
    opened_at    TIMESTAMPTZ,
    premerged_at TIMESTAMPTZ,
    completed_by BIGINT REFERENCES users (id),
    completed_at TIMESTAMPTZ,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX adjudications_completed ON adjudications (completed_at);

-- Cached per-article score results now also depend on the variant scored (the layer and the
-- suggestion arm); the cache is derived data, so it is rebuilt empty with the variant in its key.
DROP TABLE article_score_cache;
CREATE TABLE article_score_cache (
    article_id   BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    excluded     TEXT NOT NULL,
    variant      TEXT NOT NULL DEFAULT '',
    methodology  TEXT NOT NULL,
    data_version BIGINT NOT NULL,
    outlet_id    BIGINT NOT NULL,
    result       TEXT NOT NULL,
    computed_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (article_id, excluded, variant, methodology)
);
CREATE INDEX article_score_cache_key ON article_score_cache (excluded, variant, methodology, article_id);

-- +goose Down
DROP TABLE article_score_cache;
CREATE TABLE article_score_cache (
    article_id   BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    excluded     TEXT NOT NULL,
    methodology  TEXT NOT NULL,
    data_version BIGINT NOT NULL,
    outlet_id    BIGINT NOT NULL,
    result       TEXT NOT NULL,
    computed_at  TIMESTAMPTZ NOT NULL,
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
UPDATE users SET role = 'reviewer' WHERE role = 'curator';
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'reviewer', 'researcher'));
