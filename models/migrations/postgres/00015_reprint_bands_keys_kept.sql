-- +goose Up
-- An article's reprint keys are kept with its mark too (reprint_indexed.band_hashes), and
-- the index on reprint_bands(article_id) goes: maintaining it beside the primary key cost
-- about as much again as the primary key on every key written (an import writes about 600
-- an article). Rewriting or dropping an article's keys finds them by their known keys, one
-- probe of the primary key each, instead of by article.
ALTER TABLE reprint_indexed ADD COLUMN band_hashes BIGINT[];
UPDATE reprint_indexed ri SET band_hashes = g.hs
    FROM (SELECT article_id, array_agg(band_hash ORDER BY band_hash) AS hs FROM reprint_bands GROUP BY article_id) g
    WHERE g.article_id = ri.article_id;
UPDATE reprint_indexed SET band_hashes = '{}' WHERE band_hashes IS NULL;
ALTER TABLE reprint_indexed ALTER COLUMN band_hashes SET NOT NULL;
-- Keys without a mark could no longer be found by article: the backfill stores them again.
DELETE FROM reprint_bands b WHERE NOT EXISTS (SELECT 1 FROM reprint_indexed ri WHERE ri.article_id = b.article_id);
DROP INDEX reprint_bands_article;
-- The trigger of 00014 now runs before the article's row goes, while its mark (which the
-- foreign key of reprint_indexed cascades away after) still names the keys.
DROP TRIGGER reprint_bands_article_delete ON articles;
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION drop_reprint_bands() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    hs BIGINT[];
BEGIN
    SELECT band_hashes INTO hs FROM reprint_indexed WHERE article_id = OLD.id;
    IF FOUND THEN
        DELETE FROM reprint_bands WHERE band_hash = ANY (hs) AND article_id = OLD.id;
    END IF;
    RETURN OLD;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER reprint_bands_article_delete BEFORE DELETE ON articles
    FOR EACH ROW EXECUTE FUNCTION drop_reprint_bands();

-- +goose Down
DROP TRIGGER reprint_bands_article_delete ON articles;
CREATE INDEX reprint_bands_article ON reprint_bands (article_id);
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION drop_reprint_bands() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM reprint_bands WHERE article_id = OLD.id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER reprint_bands_article_delete AFTER DELETE ON articles
    FOR EACH ROW EXECUTE FUNCTION drop_reprint_bands();
ALTER TABLE reprint_indexed DROP COLUMN band_hashes;
