CREATE TABLE IF NOT EXISTS wallet_passes (
    id                VARCHAR(40)  NOT NULL,
    pass_id           CHAR(16)     NOT NULL,
    programme         VARCHAR(64)  NOT NULL,
    mpi_id            VARCHAR(64)  NOT NULL,
    holder_name       VARCHAR(255) NOT NULL DEFAULT '',
    holder_id         VARCHAR(64)  NOT NULL DEFAULT '',
    campaign_id       VARCHAR(64)  NOT NULL DEFAULT '',
    campaign_name     VARCHAR(255) NOT NULL DEFAULT '',
    pass_type         VARCHAR(16)  NOT NULL,
    qr_payload        VARCHAR(128) NOT NULL,
    qr_signature      CHAR(64)     NOT NULL,
    signature_ed25519 VARCHAR(160) NOT NULL,
    key_id            VARCHAR(16)  NOT NULL,
    issued_at         TIMESTAMPTZ  NOT NULL,
    expires_at        TIMESTAMPTZ  NOT NULL,
    created_at        TIMESTAMPTZ  NOT NULL,
    updated_at        TIMESTAMPTZ  NOT NULL,
    revoked_at        TIMESTAMPTZ,
    revoke_reason     VARCHAR(500) NOT NULL DEFAULT '',
    active_key        VARCHAR(200),
    CONSTRAINT wallet_passes_pkey PRIMARY KEY (id),
    CONSTRAINT wallet_passes_pass_id_key UNIQUE (pass_id),
    CONSTRAINT wallet_passes_active_key_key UNIQUE (active_key)
);

--bun:split

CREATE INDEX IF NOT EXISTS wallet_passes_programme_created_idx ON wallet_passes (programme, created_at);

--bun:split

CREATE INDEX IF NOT EXISTS wallet_passes_programme_updated_idx ON wallet_passes (programme, updated_at);

--bun:split

CREATE TABLE IF NOT EXISTS wallet_devices (
    id            VARCHAR(40)  NOT NULL,
    programme     VARCHAR(64)  NOT NULL,
    device_token  VARCHAR(255) NOT NULL,
    device_name   VARCHAR(255) NOT NULL DEFAULT '',
    platform      VARCHAR(16)  NOT NULL DEFAULT '',
    secret_sealed TEXT         NOT NULL,
    registered_at TIMESTAMPTZ  NOT NULL,
    last_sync     TIMESTAMPTZ,
    CONSTRAINT wallet_devices_pkey PRIMARY KEY (id),
    CONSTRAINT wallet_devices_programme_token_key UNIQUE (programme, device_token)
);

--bun:split

CREATE TABLE IF NOT EXISTS wallet_syncs (
    sync_token    VARCHAR(40)  NOT NULL,
    programme     VARCHAR(64)  NOT NULL,
    device_token  VARCHAR(255) NOT NULL,
    passes_synced INTEGER      NOT NULL,
    synced_at     TIMESTAMPTZ  NOT NULL,
    CONSTRAINT wallet_syncs_pkey PRIMARY KEY (sync_token)
);

--bun:split

CREATE INDEX IF NOT EXISTS wallet_syncs_programme_synced_idx ON wallet_syncs (programme, synced_at);

--bun:split

CREATE TABLE IF NOT EXISTS wallet_signing_keys (
    id             VARCHAR(16) NOT NULL,
    algorithm      VARCHAR(16) NOT NULL,
    public_key     BYTEA       NOT NULL,
    private_sealed TEXT        NOT NULL,
    status         VARCHAR(16) NOT NULL,
    active_slot    VARCHAR(8),
    created_at     TIMESTAMPTZ NOT NULL,
    retired_at     TIMESTAMPTZ,
    CONSTRAINT wallet_signing_keys_pkey PRIMARY KEY (id),
    CONSTRAINT wallet_signing_keys_active_slot_key UNIQUE (active_slot)
);
