CREATE TABLE IF NOT EXISTS webauthn_credentials (
    id                 VARCHAR(40)     NOT NULL,
    user_id            VARCHAR(40)     NOT NULL,
    credential_key     CHAR(64)        NOT NULL,
    credential_id      VARBINARY(1023) NOT NULL,
    public_key         BLOB            NOT NULL,
    sign_count         BIGINT          NOT NULL DEFAULT 0,
    aaguid             VARBINARY(16)   NULL,
    transports         VARCHAR(255)    NOT NULL DEFAULT '',
    backup_eligible    BOOLEAN         NOT NULL DEFAULT FALSE,
    backup_state       BOOLEAN         NOT NULL DEFAULT FALSE,
    attestation_format VARCHAR(32)     NOT NULL DEFAULT '',
    name               VARCHAR(255)    NOT NULL,
    created_at         DATETIME(6)     NOT NULL,
    last_used_at       DATETIME(6)     NULL,
    PRIMARY KEY (id),
    UNIQUE KEY webauthn_credentials_credential_key_key (credential_key),
    KEY webauthn_credentials_user_id_idx (user_id),
    CONSTRAINT webauthn_credentials_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

CREATE TABLE IF NOT EXISTS webauthn_challenges (
    id         CHAR(64)    NOT NULL,
    purpose    VARCHAR(16) NOT NULL,
    user_id    VARCHAR(40) NOT NULL DEFAULT '',
    created_at DATETIME(6) NOT NULL,
    expires_at DATETIME(6) NOT NULL,
    PRIMARY KEY (id),
    KEY webauthn_challenges_expires_at_idx (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
