CREATE TABLE IF NOT EXISTS subscriptions (
    user_id          VARCHAR(40) NOT NULL PRIMARY KEY,
    tier             VARCHAR(32) NOT NULL DEFAULT '',
    cycle            VARCHAR(16) NOT NULL DEFAULT '',
    expires_at       DATETIME(6) NULL,
    trial_tier       VARCHAR(32) NOT NULL DEFAULT '',
    trial_started_at DATETIME(6) NULL,
    trial_ends_at    DATETIME(6) NULL,
    updated_at       DATETIME(6) NULL,
    CONSTRAINT subscriptions_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

CREATE TABLE IF NOT EXISTS usage_daily (
    user_id  VARCHAR(40) NOT NULL,
    day      VARCHAR(10) NOT NULL,
    messages INT         NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

CREATE TABLE IF NOT EXISTS payments (
    reference    VARCHAR(64)  NOT NULL PRIMARY KEY,
    user_id      VARCHAR(40)  NOT NULL,
    plan         VARCHAR(32)  NOT NULL,
    cycle        VARCHAR(16)  NOT NULL,
    amount       BIGINT       NOT NULL,
    currency     VARCHAR(3)   NOT NULL,
    channel      VARCHAR(32)  NOT NULL DEFAULT '',
    status       VARCHAR(16)  NOT NULL,
    note         VARCHAR(255) NOT NULL DEFAULT '',
    created_at   DATETIME(6)  NOT NULL,
    processed_at DATETIME(6)  NULL,
    KEY payments_user_idx (user_id, created_at),
    CONSTRAINT payments_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

CREATE TABLE IF NOT EXISTS payment_events (
    id          VARCHAR(64)  NOT NULL PRIMARY KEY,
    event_type  VARCHAR(100) NOT NULL,
    reference   VARCHAR(100) NOT NULL DEFAULT '',
    payload     MEDIUMTEXT   NOT NULL,
    received_at DATETIME(6)  NOT NULL,
    KEY payment_events_reference_idx (reference)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
