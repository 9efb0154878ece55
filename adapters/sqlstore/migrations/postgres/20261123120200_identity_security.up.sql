ALTER TABLE users
    ADD COLUMN totp_secret        TEXT        NOT NULL DEFAULT '',
    ADD COLUMN totp_pending       TEXT        NOT NULL DEFAULT '',
    ADD COLUMN totp_enabled       BOOLEAN     NOT NULL DEFAULT FALSE,
    ADD COLUMN totp_last_step     BIGINT      NOT NULL DEFAULT 0,
    ADD COLUMN recovery_code_hash TEXT        NOT NULL DEFAULT '',
    ADD COLUMN failed_logins      INTEGER     NOT NULL DEFAULT 0,
    ADD COLUMN locked_until       TIMESTAMPTZ NULL;

--bun:split

CREATE INDEX IF NOT EXISTS users_role_idx ON users (role);

--bun:split

CREATE TABLE IF NOT EXISTS auth_counters (
    counter_key  VARCHAR(255) NOT NULL,
    window_start TIMESTAMPTZ  NOT NULL,
    count        BIGINT       NOT NULL,
    expires_at   TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (counter_key, window_start)
);

--bun:split

CREATE INDEX IF NOT EXISTS auth_counters_expires_idx ON auth_counters (expires_at);
