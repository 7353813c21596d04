-- +goose Up
-- A client's Idempotency-Key for a create, so that a retried request whose first answer was
-- lost creates the annotation or region exactly once.
ALTER TABLE annotations ADD COLUMN idempotency_key TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX annotations_idempotency ON annotations (user_id, idempotency_key) WHERE idempotency_key <> '';
ALTER TABLE regions ADD COLUMN idempotency_key TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX regions_idempotency ON regions (created_by, idempotency_key) WHERE idempotency_key <> '';

-- +goose Down
DROP INDEX regions_idempotency;
ALTER TABLE regions DROP COLUMN idempotency_key;
DROP INDEX annotations_idempotency;
ALTER TABLE annotations DROP COLUMN idempotency_key;
