-- +goose Up
-- reprint_bands becomes a WITHOUT ROWID table, stored as its primary key: each key written
-- goes into one B-tree instead of two (the table by rowid and the key's index), and a
-- look-up by key reads the index alone. (PostgreSQL's 00015 drops its index by article;
-- SQLite keeps it, as an article's ids grow, so its entries are appended, and the trigger of
-- 00014 deletes by it.)
DROP TRIGGER reprint_bands_article_delete;
CREATE TABLE reprint_bands_new (
    band_hash  INTEGER NOT NULL,
    article_id INTEGER NOT NULL,
    PRIMARY KEY (band_hash, article_id)
) WITHOUT ROWID;
INSERT INTO reprint_bands_new (band_hash, article_id) SELECT band_hash, article_id FROM reprint_bands ORDER BY band_hash, article_id;
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
    article_id INTEGER NOT NULL,
    PRIMARY KEY (band_hash, article_id)
);
INSERT INTO reprint_bands_old (band_hash, article_id) SELECT band_hash, article_id FROM reprint_bands;
DROP TABLE reprint_bands;
ALTER TABLE reprint_bands_old RENAME TO reprint_bands;
CREATE INDEX reprint_bands_article ON reprint_bands (article_id);
-- +goose StatementBegin
CREATE TRIGGER reprint_bands_article_delete AFTER DELETE ON articles
BEGIN
    DELETE FROM reprint_bands WHERE article_id = OLD.id;
END;
-- +goose StatementEnd
