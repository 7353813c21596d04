-- +goose Up
-- An article's reprint keys go without a foreign key: checking it cost one look-up in
-- articles per key (about 600 an article). Writers check the article once instead (the keys
-- are written in the article's own transaction, or after finding it), and this trigger drops
-- an article's keys with it, as the cascade did. SQLite drops a foreign key by rebuilding
-- the table.
CREATE TABLE reprint_bands_new (
    band_hash  INTEGER NOT NULL,
    article_id INTEGER NOT NULL,
    PRIMARY KEY (band_hash, article_id)
);
INSERT INTO reprint_bands_new (band_hash, article_id) SELECT band_hash, article_id FROM reprint_bands;
DROP TABLE reprint_bands;
ALTER TABLE reprint_bands_new RENAME TO reprint_bands;
CREATE INDEX reprint_bands_article ON reprint_bands (article_id);
-- +goose StatementBegin
CREATE TRIGGER reprint_bands_article_delete AFTER DELETE ON articles
BEGIN
    DELETE FROM reprint_bands WHERE article_id = OLD.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER reprint_bands_article_delete;
CREATE TABLE reprint_bands_old (
    band_hash  INTEGER NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (band_hash, article_id)
);
INSERT INTO reprint_bands_old (band_hash, article_id)
    SELECT band_hash, article_id FROM reprint_bands WHERE article_id IN (SELECT id FROM articles);
DROP TABLE reprint_bands;
ALTER TABLE reprint_bands_old RENAME TO reprint_bands;
CREATE INDEX reprint_bands_article ON reprint_bands (article_id);
