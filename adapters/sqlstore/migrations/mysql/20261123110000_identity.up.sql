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
    referred_by             VARCHAR(40)  NULL,
    submitted_referral_code VARCHAR(255) NOT NULL DEFAULT '',
    created_at              DATETIME(6)  NOT NULL,
    updated_at              DATETIME(6)  NOT NULL,
    last_login              DATETIME(6)  NULL,
    PRIMARY KEY (id),
    UNIQUE KEY users_email_key (email),
    UNIQUE KEY users_access_code_key_key (access_code_key),
    UNIQUE KEY users_referral_code_key (referral_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

CREATE TABLE IF NOT EXISTS sessions (
    id           VARCHAR(40)  NOT NULL,
    user_id      VARCHAR(40)  NOT NULL,
    token_hash   VARCHAR(128) NOT NULL,
    ip           VARCHAR(64)  NOT NULL DEFAULT '',
    user_agent   VARCHAR(512) NOT NULL DEFAULT '',
    created_at   DATETIME(6)  NOT NULL,
    last_seen_at DATETIME(6)  NOT NULL,
    expires_at   DATETIME(6)  NOT NULL,
    revoked_at   DATETIME(6)  NULL,
    PRIMARY KEY (id),
    UNIQUE KEY sessions_token_hash_key (token_hash),
    KEY sessions_user_id_idx (user_id),
    CONSTRAINT sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
