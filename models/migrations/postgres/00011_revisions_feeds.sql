-- +goose Up
-- Article revisions: an article whose text changed on re-import keeps its id and gets a new
-- revision; the superseded texts stay here for audit. Regions carry their quote and context
-- (as annotations do) and whether they could be found again in the new text.
ALTER TABLE articles ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
CREATE TABLE article_revisions (
    id           BIGSERIAL PRIMARY KEY,
    article_id   BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    revision     INTEGER NOT NULL,
    title        TEXT NOT NULL,
    author       TEXT NOT NULL DEFAULT '',
    published_at TIMESTAMPTZ,
    text         TEXT NOT NULL,
    text_sha256  TEXT NOT NULL,
    text_length  INTEGER NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    replaced_at  TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX article_revisions_article ON article_revisions (article_id, revision);
ALTER TABLE regions ADD COLUMN anchor TEXT NOT NULL DEFAULT 'anchored' CHECK (anchor IN ('anchored', 'orphaned'));
ALTER TABLE regions ADD COLUMN exact TEXT NOT NULL DEFAULT '';
ALTER TABLE regions ADD COLUMN prefix TEXT NOT NULL DEFAULT '';
ALTER TABLE regions ADD COLUMN suffix TEXT NOT NULL DEFAULT '';

-- Feeds of outlets and what each poll found, shared by every replica.
CREATE TABLE outlet_feeds (
    id             BIGSERIAL PRIMARY KEY,
    outlet_id      BIGINT NOT NULL REFERENCES outlets (id) ON DELETE CASCADE,
    url            TEXT NOT NULL,
    etag           TEXT NOT NULL DEFAULT '',
    last_modified  TEXT NOT NULL DEFAULT '',
    last_polled_at TIMESTAMPTZ,
    last_status    TEXT NOT NULL DEFAULT 'never',
    last_error     TEXT NOT NULL DEFAULT '',
    polls          INTEGER NOT NULL DEFAULT 0,
    not_modified   INTEGER NOT NULL DEFAULT 0,
    created        INTEGER NOT NULL DEFAULT 0,
    updated        INTEGER NOT NULL DEFAULT 0,
    duplicates     INTEGER NOT NULL DEFAULT 0,
    errors         INTEGER NOT NULL DEFAULT 0,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX outlet_feeds_url ON outlet_feeds (outlet_id, url);
-- The entries a feed listed, so a re-poll fetches only new or changed pages.
CREATE TABLE feed_items (
    feed_id    BIGINT NOT NULL REFERENCES outlet_feeds (id) ON DELETE CASCADE,
    url        TEXT NOT NULL,
    item_key   TEXT NOT NULL,
    fetched_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (feed_id, url)
);
-- One poll per outlet at a time across replicas: a lease, taken and released by the poller.
CREATE TABLE outlet_polls (
    outlet_id    BIGINT PRIMARY KEY REFERENCES outlets (id) ON DELETE CASCADE,
    holder       TEXT NOT NULL DEFAULT '',
    lease_until  TIMESTAMPTZ NOT NULL,
    last_poll_at TIMESTAMPTZ
);

-- +goose Down
DROP TABLE outlet_polls;
DROP TABLE feed_items;
DROP TABLE outlet_feeds;
ALTER TABLE regions DROP COLUMN suffix;
ALTER TABLE regions DROP COLUMN prefix;
ALTER TABLE regions DROP COLUMN exact;
ALTER TABLE regions DROP COLUMN anchor;
DROP TABLE article_revisions;
ALTER TABLE articles DROP COLUMN revision;
