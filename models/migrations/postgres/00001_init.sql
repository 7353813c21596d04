-- +goose Up
CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    email         TEXT NOT NULL,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'reviewer', 'researcher')),
    password_hash TEXT NOT NULL,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    deleted_at    TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email);

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,              -- SHA-256 of the cookie value
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           BIGSERIAL PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens (token_hash);

CREATE TABLE login_attempts (
    key          TEXT PRIMARY KEY,              -- "email:..." or "ip:..."
    window_start TIMESTAMPTZ NOT NULL,
    failures     INTEGER NOT NULL
);

CREATE TABLE outlets (
    id         BIGSERIAL PRIMARY KEY,
    name       TEXT NOT NULL,
    slug       TEXT NOT NULL,
    homepage   TEXT NOT NULL DEFAULT '',
    country    TEXT NOT NULL DEFAULT '',
    notes      TEXT NOT NULL DEFAULT '',
    version    INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX outlets_slug ON outlets (slug);

-- Every name an outlet answers to (its own name and its aliases), unique across outlets
-- case-insensitively through name_key.
CREATE TABLE outlet_names (
    id        BIGSERIAL PRIMARY KEY,
    outlet_id BIGINT NOT NULL REFERENCES outlets (id) ON DELETE CASCADE,
    name      TEXT NOT NULL,
    name_key  TEXT NOT NULL,
    is_alias  BOOLEAN NOT NULL
);
CREATE UNIQUE INDEX outlet_names_key ON outlet_names (name_key);
CREATE INDEX outlet_names_outlet ON outlet_names (outlet_id);

CREATE TABLE outlet_domains (
    id        BIGSERIAL PRIMARY KEY,
    outlet_id BIGINT NOT NULL REFERENCES outlets (id) ON DELETE CASCADE,
    domain    TEXT NOT NULL
);
CREATE UNIQUE INDEX outlet_domains_domain ON outlet_domains (domain);
CREATE INDEX outlet_domains_outlet ON outlet_domains (outlet_id);

CREATE TABLE articles (
    id           BIGSERIAL PRIMARY KEY,
    outlet_id    BIGINT NOT NULL REFERENCES outlets (id),
    title        TEXT NOT NULL,
    url          TEXT NOT NULL DEFAULT '',
    author       TEXT NOT NULL DEFAULT '',
    published_at TIMESTAMPTZ,
    text         TEXT NOT NULL,
    text_sha256  TEXT NOT NULL,
    text_length  INTEGER NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX articles_url ON articles (url) WHERE url <> '';
CREATE UNIQUE INDEX articles_outlet_sha ON articles (outlet_id, text_sha256);
CREATE INDEX articles_outlet ON articles (outlet_id, id);

CREATE TABLE annotations (
    id          BIGSERIAL PRIMARY KEY,
    article_id  BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    label       TEXT NOT NULL CHECK (label IN ('sourced_fact', 'speculation', 'opinion', 'loaded_language')),
    start_cp    INTEGER NOT NULL,
    end_cp      INTEGER NOT NULL,
    exact       TEXT NOT NULL,
    prefix      TEXT NOT NULL DEFAULT '',
    suffix      TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    source_text TEXT NOT NULL DEFAULT '',
    source_url  TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'anchored',
    suggestion_rule TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    CHECK (start_cp >= 0 AND end_cp > start_cp)
);
CREATE INDEX annotations_article ON annotations (article_id, user_id);
CREATE INDEX annotations_user ON annotations (user_id);

CREATE TABLE regions (
    id               BIGSERIAL PRIMARY KEY,
    article_id       BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('quote', 'comments')),
    start_cp         INTEGER NOT NULL,
    end_cp           INTEGER NOT NULL,
    origin_outlet_id BIGINT REFERENCES outlets (id),
    origin           TEXT NOT NULL CHECK (origin IN ('manual', 'detected')),
    status           TEXT NOT NULL CHECK (status IN ('proposed', 'accepted', 'rejected')),
    reason           TEXT NOT NULL DEFAULT '',
    relation         TEXT NOT NULL DEFAULT '',
    other_article_id BIGINT,
    created_by       BIGINT REFERENCES users (id),
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    CHECK (start_cp >= 0 AND end_cp > start_cp)
);
CREATE INDEX regions_article ON regions (article_id);
CREATE INDEX regions_origin ON regions (origin_outlet_id);

-- One row per (article, reviewer): assignment and completion.
CREATE TABLE reviews (
    article_id   BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    user_id      BIGINT NOT NULL REFERENCES users (id),
    assigned     BOOLEAN NOT NULL DEFAULT FALSE,
    assigned_at  TIMESTAMPTZ,
    completed_at TIMESTAMPTZ,
    updated_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (article_id, user_id)
);
CREATE INDEX reviews_user ON reviews (user_id, completed_at);

CREATE TABLE audit_log (
    id        BIGSERIAL PRIMARY KEY,
    at        TIMESTAMPTZ NOT NULL,
    actor_id  BIGINT,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    before    TEXT,
    after     TEXT
);
CREATE INDEX audit_entity ON audit_log (entity, id);
CREATE INDEX audit_actor ON audit_log (actor_id, id);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE reviews;
DROP TABLE regions;
DROP TABLE annotations;
DROP TABLE articles;
DROP TABLE outlet_domains;
DROP TABLE outlet_names;
DROP TABLE outlets;
DROP TABLE login_attempts;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
