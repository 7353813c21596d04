-- +goose Up
-- Suggestion models trained from the project's reviews, shared by every replica. The weights are
-- the gzipped model file of package annotate/suggest; at most one model is active, and with none
-- the model built into the binary is used.
CREATE TABLE suggestion_models (
    id         BIGSERIAL PRIMARY KEY,
    status     TEXT NOT NULL CHECK (status IN ('active', 'retired', 'rejected')),
    base       TEXT NOT NULL,
    trained_on TEXT NOT NULL,
    figures    TEXT NOT NULL,
    weights    BYTEA NOT NULL,
    size_bytes BIGINT NOT NULL,
    job_id     BIGINT,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX suggestion_models_status ON suggestion_models (status);

-- Retraining jobs, so that any replica can report on a job another one runs.
CREATE TABLE suggestion_train_jobs (
    id         BIGSERIAL PRIMARY KEY,
    status     TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'kept', 'failed')),
    progress   DOUBLE PRECISION NOT NULL DEFAULT 0,
    message    TEXT NOT NULL DEFAULT '',
    model_id   BIGINT REFERENCES suggestion_models (id),
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE suggestion_train_jobs;
DROP TABLE suggestion_models;
