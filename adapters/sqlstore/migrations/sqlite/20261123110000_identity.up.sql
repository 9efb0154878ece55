CREATE TABLE IF NOT EXISTS users (
    id                      TEXT NOT NULL PRIMARY KEY,
    email                   TEXT NOT NULL,
    full_name               TEXT NOT NULL,
    department              TEXT NOT NULL DEFAULT '',
    role                    TEXT NOT NULL,
    tier                    TEXT NOT NULL,
    status                  TEXT NOT NULL,
    user_type               TEXT NOT NULL,
    access_code_key         TEXT NOT NULL,
    access_code_hash        TEXT NOT NULL,
    referral_code           TEXT NOT NULL,
    referred_by             TEXT,
    submitted_referral_code TEXT NOT NULL DEFAULT '',
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL,
    last_login              TEXT
) STRICT;

--bun:split

CREATE UNIQUE INDEX IF NOT EXISTS users_email_key ON users (email);

--bun:split

CREATE UNIQUE INDEX IF NOT EXISTS users_access_code_key_key ON users (access_code_key);

--bun:split

CREATE UNIQUE INDEX IF NOT EXISTS users_referral_code_key ON users (referral_code);

--bun:split

CREATE TABLE IF NOT EXISTS sessions (
    id           TEXT NOT NULL PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash   TEXT NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    revoked_at   TEXT
) STRICT;

--bun:split

CREATE UNIQUE INDEX IF NOT EXISTS sessions_token_hash_key ON sessions (token_hash);

--bun:split

CREATE INDEX IF NOT EXISTS sessions_user_id_idx ON sessions (user_id);
