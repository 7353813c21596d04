-- +goose Up
-- Sign-in limits counted in one atomic upsert (models/signin.go): every attempt takes a slot
-- before the password is checked, so simultaneous guesses cannot all pass a "still under the
-- limit" check. Times are Unix milliseconds so that one statement computes them on both
-- engines. The counters are short-lived, so the old table is dropped rather than converted.
DROP TABLE login_attempts;
CREATE TABLE login_attempts (
    key          TEXT PRIMARY KEY,      -- "email:...", "ip:..." or "device:..."
    window_start INTEGER NOT NULL,       -- Unix ms of the window's first attempt
    attempts     INTEGER NOT NULL,      -- attempts let through in the window
    not_before   INTEGER NOT NULL,       -- Unix ms before which no attempt is let through
    grant_id     TEXT NOT NULL          -- the last attempt let through, so its caller knows
);

-- Device cookies (OWASP "Slow down online guessing attacks with device cookies"): a browser
-- that signed in to an account holds one, and its sign-ins are limited on their own counter.
CREATE TABLE device_cookies (
    id         TEXT PRIMARY KEY,        -- SHA-256 of the cookie's value
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at DATETIME NOT NULL
);
CREATE INDEX device_cookies_user ON device_cookies (user_id);

-- +goose Down
DROP TABLE device_cookies;
DROP TABLE login_attempts;
CREATE TABLE login_attempts (
    key          TEXT PRIMARY KEY,
    window_start DATETIME NOT NULL,
    failures     INTEGER NOT NULL
);
