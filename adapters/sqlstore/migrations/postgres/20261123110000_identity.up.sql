CREATE TABLE IF NOT EXISTS users (
    id                      VARCHAR(40)  NOT NULL,
    email                   VARCHAR(254) NOT NULL,
    full_name               VARCHAR(255) NOT NULL,
    department              VARCHAR(255) NOT NULL DEFAULT '',
    role                    VARCHAR(32)  NOT NULL,
    tier                    VARCHAR(32)  NOT NULL,
    status                  VARCHAR(32)  NOT NULL,
    user_type               VARCHAR(32)  NOT NULL,
    access_code_key         VARCHAR(128) NOT NULL,
    access_code_hash        VARCHAR(255) NOT NULL,
    referral_code           VARCHAR(64)  NOT NULL,
    referred_by             VARCHAR(40),
    submitted_referral_code VARCHAR(255) NOT NULL DEFAULT '',
    created_at              TIMESTAMPTZ  NOT NULL,
    updated_at              TIMESTAMPTZ  NOT NULL,
    last_login              TIMESTAMPTZ,
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT users_email_key UNIQUE (email),
    CONSTRAINT users_access_code_key_key UNIQUE (access_code_key),
    CONSTRAINT users_referral_code_key UNIQUE (referral_code)
);

--bun:split

CREATE TABLE IF NOT EXISTS sessions (
    id           VARCHAR(40)  NOT NULL,
    user_id      VARCHAR(40)  NOT NULL,
    token_hash   VARCHAR(128) NOT NULL,
    ip           VARCHAR(64)  NOT NULL DEFAULT '',
    user_agent   VARCHAR(512) NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ  NOT NULL,
    last_seen_at TIMESTAMPTZ  NOT NULL,
    expires_at   TIMESTAMPTZ  NOT NULL,
    revoked_at   TIMESTAMPTZ,
    CONSTRAINT sessions_pkey PRIMARY KEY (id),
    CONSTRAINT sessions_token_hash_key UNIQUE (token_hash),
    CONSTRAINT sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);

--bun:split

CREATE INDEX IF NOT EXISTS sessions_user_id_idx ON sessions (user_id);
