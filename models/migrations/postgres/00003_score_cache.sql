-- +goose Up
-- Per-article score results (annotate/score.ArticleResult as JSON), shared by every replica.
-- A row is valid only while the article's data_version and publisher are those it was computed
-- from, under the same methodology and the same excluded reviewers (sorted ids, comma-separated).
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

-- Every change that can alter an article's scores, so that a server holding rolled-up scores
-- re-scores only the changed articles. Filled by the trigger below, whatever code path made the
-- change. Ids come from a sequence and may commit out of order; readers re-read a window of
-- recent ids (see api/scores.go).
CREATE TABLE score_changes (
    id         BIGSERIAL PRIMARY KEY,
    article_id BIGINT NOT NULL
);

-- +goose StatementBegin
CREATE FUNCTION note_score_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'regions' THEN
        -- A region re-credited without a data_version bump (an outlet merge moves origins)
        -- must not leave a cached result keyed by an unchanged version.
        INSERT INTO score_changes (article_id) VALUES (NEW.article_id);
        DELETE FROM article_score_cache WHERE article_id = NEW.article_id;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO score_changes (article_id) VALUES (OLD.id);
    ELSE
        INSERT INTO score_changes (article_id) VALUES (NEW.id);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER score_change_article AFTER UPDATE OF data_version, outlet_id, published_at ON articles
    FOR EACH ROW EXECUTE FUNCTION note_score_change();
CREATE TRIGGER score_change_article_delete AFTER DELETE ON articles
    FOR EACH ROW EXECUTE FUNCTION note_score_change();
CREATE TRIGGER score_change_region_origin AFTER UPDATE OF origin_outlet_id ON regions
    FOR EACH ROW EXECUTE FUNCTION note_score_change();

-- +goose Down
DROP TRIGGER score_change_region_origin ON regions;
DROP TRIGGER score_change_article_delete ON articles;
DROP TRIGGER score_change_article ON articles;
DROP FUNCTION note_score_change();
DROP TABLE score_changes;
DROP TABLE article_score_cache;
