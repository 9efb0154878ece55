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
    issued_at         DATETIME(6)  NOT NULL,
    expires_at        DATETIME(6)  NOT NULL,
    created_at        DATETIME(6)  NOT NULL,
    updated_at        DATETIME(6)  NOT NULL,
    revoked_at        DATETIME(6)  NULL,
    revoke_reason     VARCHAR(500) NOT NULL DEFAULT '',
    active_key        VARCHAR(200) NULL,
    PRIMARY KEY (id),
    UNIQUE KEY wallet_passes_pass_id_key (pass_id),
    UNIQUE KEY wallet_passes_active_key_key (active_key),
    KEY wallet_passes_programme_created_idx (programme, created_at),
    KEY wallet_passes_programme_updated_idx (programme, updated_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

CREATE TABLE IF NOT EXISTS wallet_devices (
    id            VARCHAR(40)  NOT NULL,
    programme     VARCHAR(64)  NOT NULL,
    device_token  VARCHAR(255) NOT NULL,
    device_name   VARCHAR(255) NOT NULL DEFAULT '',
    platform      VARCHAR(16)  NOT NULL DEFAULT '',
    secret_sealed TEXT         NOT NULL,
    registered_at DATETIME(6)  NOT NULL,
    last_sync     DATETIME(6)  NULL,
    PRIMARY KEY (id),
    UNIQUE KEY wallet_devices_programme_token_key (programme, device_token)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

CREATE TABLE IF NOT EXISTS wallet_syncs (
    sync_token    VARCHAR(40)  NOT NULL,
    programme     VARCHAR(64)  NOT NULL,
    device_token  VARCHAR(255) NOT NULL,
    passes_synced INT          NOT NULL,
    synced_at     DATETIME(6)  NOT NULL,
    PRIMARY KEY (sync_token),
    KEY wallet_syncs_programme_synced_idx (programme, synced_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

CREATE TABLE IF NOT EXISTS wallet_signing_keys (
    id             VARCHAR(16) NOT NULL,
    algorithm      VARCHAR(16) NOT NULL,
    public_key     VARBINARY(32) NOT NULL,
    private_sealed TEXT        NOT NULL,
    status         VARCHAR(16) NOT NULL,
    active_slot    VARCHAR(8)  NULL,
    created_at     DATETIME(6) NOT NULL,
    retired_at     DATETIME(6) NULL,
    PRIMARY KEY (id),
    UNIQUE KEY wallet_signing_keys_active_slot_key (active_slot)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
