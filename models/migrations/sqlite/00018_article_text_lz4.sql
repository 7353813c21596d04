-- +goose Up
-- PostgreSQL's 00018 compresses article texts with lz4 instead of pglz. SQLite does not
-- compress values, so it has nothing to change; the version is kept in step with PostgreSQL's.
SELECT 1;

-- +goose Down
SELECT 1;
