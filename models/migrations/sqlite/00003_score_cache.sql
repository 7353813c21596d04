-- +goose Up
-- Per-article score results (annotate/score.ArticleResult as JSON), shared by every replica.
-- A row is valid only while the article's data_version and publisher are those it was computed
-- from, under the same methodology and the same excluded reviewers (sorted ids, comma-separated).
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

-- Every change that can alter an article's scores, in commit order on SQLite (one writer),
-- so that a server holding rolled-up scores re-scores only the changed articles. Filled by the
-- triggers below, whatever code path made the change.
CREATE TABLE score_changes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id INTEGER NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER score_change_article AFTER UPDATE OF data_version, outlet_id, published_at ON articles
BEGIN
    INSERT INTO score_changes (article_id) VALUES (NEW.id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER score_change_article_delete AFTER DELETE ON articles
BEGIN
    INSERT INTO score_changes (article_id) VALUES (OLD.id);
END;
-- +goose StatementEnd

-- A region re-credited without a data_version bump (an outlet merge moves origins) must not
-- leave a cached result keyed by an unchanged version.
-- +goose StatementBegin
CREATE TRIGGER score_change_region_origin AFTER UPDATE OF origin_outlet_id ON regions
BEGIN
    INSERT INTO score_changes (article_id) VALUES (NEW.article_id);
    DELETE FROM article_score_cache WHERE article_id = NEW.article_id;
END;
-- +goose StatementEnd

-- Lets the scores read article metadata without stepping through the texts' overflow pages.
CREATE INDEX articles_score_meta ON articles (id, outlet_id, data_version, published_at, text_length);

-- +goose Down
DROP INDEX articles_score_meta;
DROP TRIGGER score_change_region_origin;
DROP TRIGGER score_change_article_delete;
DROP TRIGGER score_change_article;
DROP TABLE score_changes;
DROP TABLE article_score_cache;
