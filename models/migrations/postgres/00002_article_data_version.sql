-- +goose Up
-- Bumped in the same transaction as every change to an article's annotations, regions or
-- reviews, so that derived data (scores) can be cached per article and known to be fresh.
ALTER TABLE articles ADD COLUMN data_version INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE articles DROP COLUMN data_version;
