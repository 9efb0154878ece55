ALTER TABLE users
    ADD COLUMN totp_secret        VARCHAR(255) NOT NULL DEFAULT '',
    ADD COLUMN totp_pending       VARCHAR(255) NOT NULL DEFAULT '',
    ADD COLUMN totp_enabled       BOOLEAN      NOT NULL DEFAULT FALSE,
    ADD COLUMN totp_last_step     BIGINT       NOT NULL DEFAULT 0,
    ADD COLUMN recovery_code_hash VARCHAR(255) NOT NULL DEFAULT '',
    ADD COLUMN failed_logins      INT          NOT NULL DEFAULT 0,
    ADD COLUMN locked_until       DATETIME(6)  NULL,
    ADD INDEX users_role_idx (role);

--bun:split

CREATE TABLE IF NOT EXISTS auth_counters (
    counter_key  VARCHAR(255) NOT NULL,
    window_start DATETIME(6)  NOT NULL,
    count        BIGINT       NOT NULL,
    expires_at   DATETIME(6)  NOT NULL,
    PRIMARY KEY (counter_key, window_start),
    KEY auth_counters_expires_idx (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
