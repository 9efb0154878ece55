CREATE TABLE IF NOT EXISTS wallet_passes (
    id                TEXT NOT NULL PRIMARY KEY,
    pass_id           TEXT NOT NULL,
    programme         TEXT NOT NULL,
    mpi_id            TEXT NOT NULL,
    holder_name       TEXT NOT NULL DEFAULT '',
    holder_id         TEXT NOT NULL DEFAULT '',
    campaign_id       TEXT NOT NULL DEFAULT '',
    campaign_name     TEXT NOT NULL DEFAULT '',
    pass_type         TEXT NOT NULL,
    qr_payload        TEXT NOT NULL,
    qr_signature      TEXT NOT NULL,
    signature_ed25519 TEXT NOT NULL,
    key_id            TEXT NOT NULL,
    issued_at         TEXT NOT NULL,
    expires_at        TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    revoked_at        TEXT,
    revoke_reason     TEXT NOT NULL DEFAULT '',
    active_key        TEXT
) STRICT;

--bun:split

CREATE UNIQUE INDEX IF NOT EXISTS wallet_passes_pass_id_key ON wallet_passes (pass_id);

--bun:split

CREATE UNIQUE INDEX IF NOT EXISTS wallet_passes_active_key_key ON wallet_passes (active_key);

--bun:split

CREATE INDEX IF NOT EXISTS wallet_passes_programme_created_idx ON wallet_passes (programme, created_at);

--bun:split

CREATE INDEX IF NOT EXISTS wallet_passes_programme_updated_idx ON wallet_passes (programme, updated_at);

--bun:split

CREATE TABLE IF NOT EXISTS wallet_devices (
    id            TEXT NOT NULL PRIMARY KEY,
    programme     TEXT NOT NULL,
    device_token  TEXT NOT NULL,
    device_name   TEXT NOT NULL DEFAULT '',
    platform      TEXT NOT NULL DEFAULT '',
    secret_sealed TEXT NOT NULL,
    registered_at TEXT NOT NULL,
    last_sync     TEXT
) STRICT;

--bun:split

CREATE UNIQUE INDEX IF NOT EXISTS wallet_devices_programme_token_key ON wallet_devices (programme, device_token);

--bun:split

CREATE TABLE IF NOT EXISTS wallet_syncs (
    sync_token    TEXT    NOT NULL PRIMARY KEY,
    programme     TEXT    NOT NULL,
    device_token  TEXT    NOT NULL,
    passes_synced INTEGER NOT NULL,
    synced_at     TEXT    NOT NULL
) STRICT;

--bun:split

CREATE INDEX IF NOT EXISTS wallet_syncs_programme_synced_idx ON wallet_syncs (programme, synced_at);

--bun:split

CREATE TABLE IF NOT EXISTS wallet_signing_keys (
    id             TEXT NOT NULL PRIMARY KEY,
    algorithm      TEXT NOT NULL,
    public_key     BLOB NOT NULL,
    private_sealed TEXT NOT NULL,
    status         TEXT NOT NULL,
    active_slot    TEXT,
    created_at     TEXT NOT NULL,
    retired_at     TEXT
) STRICT;

--bun:split

CREATE UNIQUE INDEX IF NOT EXISTS wallet_signing_keys_active_slot_key ON wallet_signing_keys (active_slot);
