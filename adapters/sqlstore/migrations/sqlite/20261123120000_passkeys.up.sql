CREATE TABLE IF NOT EXISTS webauthn_credentials (
    id                 TEXT    NOT NULL PRIMARY KEY,
    user_id            TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_key     TEXT    NOT NULL,
    credential_id      BLOB    NOT NULL,
    public_key         BLOB    NOT NULL,
    sign_count         INTEGER NOT NULL DEFAULT 0,
    aaguid             BLOB,
    transports         TEXT    NOT NULL DEFAULT '',
    backup_eligible    INTEGER NOT NULL DEFAULT 0,
    backup_state       INTEGER NOT NULL DEFAULT 0,
    attestation_format TEXT    NOT NULL DEFAULT '',
    name               TEXT    NOT NULL,
    created_at         TEXT    NOT NULL,
    last_used_at       TEXT
) STRICT;

--bun:split

CREATE UNIQUE INDEX IF NOT EXISTS webauthn_credentials_credential_key_key ON webauthn_credentials (credential_key);

--bun:split

CREATE INDEX IF NOT EXISTS webauthn_credentials_user_id_idx ON webauthn_credentials (user_id);

--bun:split

CREATE TABLE IF NOT EXISTS webauthn_challenges (
    id         TEXT NOT NULL PRIMARY KEY,
    purpose    TEXT NOT NULL,
    user_id    TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) STRICT;

--bun:split

CREATE INDEX IF NOT EXISTS webauthn_challenges_expires_at_idx ON webauthn_challenges (expires_at);
