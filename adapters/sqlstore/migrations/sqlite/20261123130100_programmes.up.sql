CREATE TABLE IF NOT EXISTS programmes (
    id              TEXT    NOT NULL PRIMARY KEY,
    email           TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    country         TEXT    NOT NULL,
    currency        TEXT    NOT NULL,
    phone           TEXT    NOT NULL DEFAULT '',
    plan            TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    balance_fcfa    INTEGER NOT NULL DEFAULT 0,
    cards_generated INTEGER NOT NULL DEFAULT 0,
    is_admin        INTEGER NOT NULL DEFAULT 0,
    logo_url        TEXT    NOT NULL DEFAULT '',
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
) STRICT;

--bun:split

CREATE INDEX IF NOT EXISTS programmes_created_idx ON programmes (created_at);

--bun:split

CREATE TABLE IF NOT EXISTS programme_users (
    id             TEXT    NOT NULL PRIMARY KEY,
    programme_id   TEXT    NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    email          TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    role           TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    password_hash  TEXT    NOT NULL,
    token_version  INTEGER NOT NULL DEFAULT 0,
    totp_secret    TEXT    NOT NULL DEFAULT '',
    totp_enabled   INTEGER NOT NULL DEFAULT 0,
    totp_last_step INTEGER NOT NULL DEFAULT 0,
    failed_logins  INTEGER NOT NULL DEFAULT 0,
    locked_until   TEXT,
    last_login     TEXT,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
) STRICT;

--bun:split

CREATE UNIQUE INDEX IF NOT EXISTS programme_users_email_key ON programme_users (email);

--bun:split

CREATE INDEX IF NOT EXISTS programme_users_programme_idx ON programme_users (programme_id);

--bun:split

CREATE TABLE IF NOT EXISTS programme_sessions (
    id           TEXT NOT NULL PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES programme_users (id) ON DELETE CASCADE,
    programme_id TEXT NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    revoked_at   TEXT
) STRICT;

--bun:split

CREATE INDEX IF NOT EXISTS programme_sessions_user_idx ON programme_sessions (user_id);

--bun:split

CREATE TABLE IF NOT EXISTS programme_refresh_tokens (
    token_hash TEXT NOT NULL PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES programme_sessions (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL,
    issued_at  TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
) STRICT;

--bun:split

CREATE INDEX IF NOT EXISTS programme_refresh_tokens_session_idx ON programme_refresh_tokens (session_id);

--bun:split

CREATE TABLE IF NOT EXISTS programme_modules (
    programme_id     TEXT    NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    module_key       TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    activated_at     TEXT,
    included_in_plan INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (programme_id, module_key)
) STRICT;
