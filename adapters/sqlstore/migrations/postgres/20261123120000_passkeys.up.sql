CREATE TABLE IF NOT EXISTS webauthn_credentials (
    id                 VARCHAR(40)  NOT NULL,
    user_id            VARCHAR(40)  NOT NULL,
    credential_key     CHAR(64)     NOT NULL,
    credential_id      BYTEA        NOT NULL,
    public_key         BYTEA        NOT NULL,
    sign_count         BIGINT       NOT NULL DEFAULT 0,
    aaguid             BYTEA,
    transports         VARCHAR(255) NOT NULL DEFAULT '',
    backup_eligible    BOOLEAN      NOT NULL DEFAULT FALSE,
    backup_state       BOOLEAN      NOT NULL DEFAULT FALSE,
    attestation_format VARCHAR(32)  NOT NULL DEFAULT '',
    name               VARCHAR(255) NOT NULL,
    created_at         TIMESTAMPTZ  NOT NULL,
    last_used_at       TIMESTAMPTZ,
    CONSTRAINT webauthn_credentials_pkey PRIMARY KEY (id),
    CONSTRAINT webauthn_credentials_credential_key_key UNIQUE (credential_key),
    CONSTRAINT webauthn_credentials_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);

--bun:split

CREATE INDEX IF NOT EXISTS webauthn_credentials_user_id_idx ON webauthn_credentials (user_id);

--bun:split

CREATE TABLE IF NOT EXISTS webauthn_challenges (
    id         CHAR(64)    NOT NULL,
    purpose    VARCHAR(16) NOT NULL,
    user_id    VARCHAR(40) NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT webauthn_challenges_pkey PRIMARY KEY (id)
);

--bun:split

CREATE INDEX IF NOT EXISTS webauthn_challenges_expires_at_idx ON webauthn_challenges (expires_at);
