-- +goose Up
-- The shared reprint index: each article's LSH keys (annotate/reprint Matcher.Keys, stored
-- as signed 64-bit integers), so that every replica looks candidates up in the same index, a
-- new article is visible to all of them at once, and no replica holds or rebuilds the index
-- in memory. The primary key serves the look-up by key; reprint_bands_article serves the
-- rewrite of one article's keys.
CREATE TABLE reprint_bands (
    band_hash  INTEGER NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (band_hash, article_id)
);
CREATE INDEX reprint_bands_article ON reprint_bands (article_id);
-- Which text of an article its keys were computed from (articles.text_sha256 then), so the
-- idempotent backfill (credence serve at start, POST /api/v1/reprints/rebuild) indexes
-- exactly the articles that are missing or changed, including those with no keys at all.
CREATE TABLE reprint_indexed (
    article_id  INTEGER NOT NULL PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    text_sha256 TEXT NOT NULL
);

-- +goose Down
DROP TABLE reprint_indexed;
DROP TABLE reprint_bands;
