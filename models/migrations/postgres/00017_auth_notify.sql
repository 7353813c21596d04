-- +goose Up
-- Every replica caches who is behind a token or session (authcache.go). A change to an account,
-- a token or a session, by any process (another replica, `credence users`, psql), notifies
-- the channel credence_auth with the user's id when it commits, and each replica drops that
-- user's entries; TRUNCATE notifies an empty payload, which drops every entry. A token's
-- last_used_at is noted at most once a minute, so its notification costs a replica one query.
-- +goose StatementBegin
CREATE FUNCTION credence_auth_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_LEVEL = 'STATEMENT' THEN
        PERFORM pg_notify('credence_auth', '');
    ELSIF TG_TABLE_NAME = 'users' THEN
        PERFORM pg_notify('credence_auth', OLD.id::text);
    ELSE
        PERFORM pg_notify('credence_auth', OLD.user_id::text);
        IF TG_OP = 'UPDATE' AND NEW.user_id <> OLD.user_id THEN
            PERFORM pg_notify('credence_auth', NEW.user_id::text);
        END IF;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER users_auth_notify AFTER UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION credence_auth_notify();
CREATE TRIGGER sessions_auth_notify AFTER UPDATE OR DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION credence_auth_notify();
CREATE TRIGGER api_tokens_auth_notify AFTER UPDATE OR DELETE ON api_tokens
    FOR EACH ROW EXECUTE FUNCTION credence_auth_notify();
CREATE TRIGGER users_auth_truncate AFTER TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION credence_auth_notify();
CREATE TRIGGER sessions_auth_truncate AFTER TRUNCATE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION credence_auth_notify();
CREATE TRIGGER api_tokens_auth_truncate AFTER TRUNCATE ON api_tokens
    FOR EACH STATEMENT EXECUTE FUNCTION credence_auth_notify();

-- +goose Down
DROP TRIGGER users_auth_notify ON users;
DROP TRIGGER sessions_auth_notify ON sessions;
DROP TRIGGER api_tokens_auth_notify ON api_tokens;
DROP TRIGGER users_auth_truncate ON users;
DROP TRIGGER sessions_auth_truncate ON sessions;
DROP TRIGGER api_tokens_auth_truncate ON api_tokens;
DROP FUNCTION credence_auth_notify();
