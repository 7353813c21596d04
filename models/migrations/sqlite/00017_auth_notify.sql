-- +goose Up
-- PostgreSQL's 00017 adds the triggers that notify replicas of changed accounts, tokens and
-- sessions, for their authentication caches. SQLite has no notifications and its service
-- does not cache authentication (other processes, such as `credence users`, write the same
-- file unseen), so it has nothing to add; the version is kept in step with PostgreSQL's.
SELECT 1;

-- +goose Down
SELECT 1;
