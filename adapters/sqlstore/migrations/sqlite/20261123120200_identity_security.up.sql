ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';

--bun:split

ALTER TABLE users ADD COLUMN totp_pending TEXT NOT NULL DEFAULT '';

--bun:split

ALTER TABLE users ADD COLUMN totp_enabled INTEGER NOT NULL DEFAULT 0;

--bun:split

ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;

--bun:split

ALTER TABLE users ADD COLUMN recovery_code_hash TEXT NOT NULL DEFAULT '';

--bun:split

ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;

--bun:split

ALTER TABLE users ADD COLUMN locked_until TEXT;

--bun:split

CREATE INDEX IF NOT EXISTS users_role_idx ON users (role);

--bun:split

CREATE TABLE IF NOT EXISTS auth_counters (
    counter_key  TEXT    NOT NULL,
    window_start TEXT    NOT NULL,
    count        INTEGER NOT NULL,
    expires_at   TEXT    NOT NULL,
    PRIMARY KEY (counter_key, window_start)
) STRICT;

--bun:split

CREATE INDEX IF NOT EXISTS auth_counters_expires_idx ON auth_counters (expires_at);
