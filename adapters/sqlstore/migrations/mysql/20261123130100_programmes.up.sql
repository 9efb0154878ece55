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
    logo_url        MEDIUMTEXT   NOT NULL,
    created_at      DATETIME(6)  NOT NULL,
    updated_at      DATETIME(6)  NOT NULL,
    PRIMARY KEY (id),
    KEY programmes_created_idx (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

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
    totp_secret    VARCHAR(255) NOT NULL DEFAULT '',
    totp_enabled   BOOLEAN      NOT NULL DEFAULT FALSE,
    totp_last_step BIGINT       NOT NULL DEFAULT 0,
    failed_logins  INT          NOT NULL DEFAULT 0,
    locked_until   DATETIME(6)  NULL,
    last_login     DATETIME(6)  NULL,
    created_at     DATETIME(6)  NOT NULL,
    updated_at     DATETIME(6)  NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY programme_users_email_key (email),
    KEY programme_users_programme_idx (programme_id),
    CONSTRAINT programme_users_programme_fkey FOREIGN KEY (programme_id) REFERENCES programmes (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

CREATE TABLE IF NOT EXISTS programme_sessions (
    id           VARCHAR(40)  NOT NULL,
    user_id      VARCHAR(40)  NOT NULL,
    programme_id VARCHAR(40)  NOT NULL,
    ip           VARCHAR(64)  NOT NULL DEFAULT '',
    user_agent   VARCHAR(512) NOT NULL DEFAULT '',
    created_at   DATETIME(6)  NOT NULL,
    expires_at   DATETIME(6)  NOT NULL,
    revoked_at   DATETIME(6)  NULL,
    PRIMARY KEY (id),
    KEY programme_sessions_user_idx (user_id),
    CONSTRAINT programme_sessions_user_fkey FOREIGN KEY (user_id) REFERENCES programme_users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

CREATE TABLE IF NOT EXISTS programme_refresh_tokens (
    token_hash VARCHAR(128) NOT NULL,
    session_id VARCHAR(40)  NOT NULL,
    user_id    VARCHAR(40)  NOT NULL,
    issued_at  DATETIME(6)  NOT NULL,
    expires_at DATETIME(6)  NOT NULL,
    used_at    DATETIME(6)  NULL,
    PRIMARY KEY (token_hash),
    KEY programme_refresh_tokens_session_idx (session_id),
    CONSTRAINT programme_refresh_tokens_session_fkey FOREIGN KEY (session_id) REFERENCES programme_sessions (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

CREATE TABLE IF NOT EXISTS programme_modules (
    programme_id     VARCHAR(40) NOT NULL,
    module_key       VARCHAR(64) NOT NULL,
    status           VARCHAR(32) NOT NULL,
    activated_at     DATETIME(6) NULL,
    included_in_plan BOOLEAN     NOT NULL DEFAULT FALSE,
    PRIMARY KEY (programme_id, module_key),
    CONSTRAINT programme_modules_programme_fkey FOREIGN KEY (programme_id) REFERENCES programmes (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
