CREATE TABLE IF NOT EXISTS programmes (
    id              VARCHAR(40)  NOT NULL,
    email           VARCHAR(254) NOT NULL,
    name            VARCHAR(255) NOT NULL,
    country         VARCHAR(2)   NOT NULL,
    currency        VARCHAR(3)   NOT NULL,
    phone           VARCHAR(32)  NOT NULL DEFAULT '',
    plan            VARCHAR(40)  NOT NULL,
    status          VARCHAR(16)  NOT NULL,
    balance_fcfa    BIGINT       NOT NULL DEFAULT 0,
    cards_generated BIGINT       NOT NULL DEFAULT 0,
    is_admin        BOOLEAN      NOT NULL DEFAULT FALSE,
    logo_url        TEXT         NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ  NOT NULL,
    updated_at      TIMESTAMPTZ  NOT NULL,
    CONSTRAINT programmes_pkey PRIMARY KEY (id)
);

--bun:split

CREATE INDEX IF NOT EXISTS programmes_created_idx ON programmes (created_at);

--bun:split

CREATE TABLE IF NOT EXISTS programme_users (
    id             VARCHAR(40)  NOT NULL,
    programme_id   VARCHAR(40)  NOT NULL,
    email          VARCHAR(254) NOT NULL,
    name           VARCHAR(255) NOT NULL,
    role           VARCHAR(32)  NOT NULL,
    status         VARCHAR(16)  NOT NULL,
    password_hash  VARCHAR(255) NOT NULL,
    token_version  BIGINT       NOT NULL DEFAULT 0,
    totp_secret    TEXT         NOT NULL DEFAULT '',
    totp_enabled   BOOLEAN      NOT NULL DEFAULT FALSE,
    totp_last_step BIGINT       NOT NULL DEFAULT 0,
    failed_logins  INTEGER      NOT NULL DEFAULT 0,
    locked_until   TIMESTAMPTZ,
    last_login     TIMESTAMPTZ,
    created_at     TIMESTAMPTZ  NOT NULL,
    updated_at     TIMESTAMPTZ  NOT NULL,
    CONSTRAINT programme_users_pkey PRIMARY KEY (id),
    CONSTRAINT programme_users_email_key UNIQUE (email),
    CONSTRAINT programme_users_programme_fkey FOREIGN KEY (programme_id) REFERENCES programmes (id) ON DELETE CASCADE
);

--bun:split

CREATE INDEX IF NOT EXISTS programme_users_programme_idx ON programme_users (programme_id);

--bun:split

CREATE TABLE IF NOT EXISTS programme_sessions (
    id           VARCHAR(40)  NOT NULL,
    user_id      VARCHAR(40)  NOT NULL,
    programme_id VARCHAR(40)  NOT NULL,
    ip           VARCHAR(64)  NOT NULL DEFAULT '',
    user_agent   VARCHAR(512) NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ  NOT NULL,
    expires_at   TIMESTAMPTZ  NOT NULL,
    revoked_at   TIMESTAMPTZ,
    CONSTRAINT programme_sessions_pkey PRIMARY KEY (id),
    CONSTRAINT programme_sessions_user_fkey FOREIGN KEY (user_id) REFERENCES programme_users (id) ON DELETE CASCADE
);

--bun:split

CREATE INDEX IF NOT EXISTS programme_sessions_user_idx ON programme_sessions (user_id);

--bun:split

CREATE TABLE IF NOT EXISTS programme_refresh_tokens (
    token_hash VARCHAR(128) NOT NULL,
    session_id VARCHAR(40)  NOT NULL,
    user_id    VARCHAR(40)  NOT NULL,
    issued_at  TIMESTAMPTZ  NOT NULL,
    expires_at TIMESTAMPTZ  NOT NULL,
    used_at    TIMESTAMPTZ,
    CONSTRAINT programme_refresh_tokens_pkey PRIMARY KEY (token_hash),
    CONSTRAINT programme_refresh_tokens_session_fkey FOREIGN KEY (session_id) REFERENCES programme_sessions (id) ON DELETE CASCADE
);

--bun:split

CREATE INDEX IF NOT EXISTS programme_refresh_tokens_session_idx ON programme_refresh_tokens (session_id);

--bun:split

CREATE TABLE IF NOT EXISTS programme_modules (
    programme_id     VARCHAR(40) NOT NULL,
    module_key       VARCHAR(64) NOT NULL,
    status           VARCHAR(32) NOT NULL,
    activated_at     TIMESTAMPTZ,
    included_in_plan BOOLEAN     NOT NULL DEFAULT FALSE,
    CONSTRAINT programme_modules_pkey PRIMARY KEY (programme_id, module_key),
    CONSTRAINT programme_modules_programme_fkey FOREIGN KEY (programme_id) REFERENCES programmes (id) ON DELETE CASCADE
);
