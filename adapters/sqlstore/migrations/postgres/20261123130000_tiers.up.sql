CREATE TABLE IF NOT EXISTS subscriptions (
    user_id          VARCHAR(40) NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    tier             VARCHAR(32) NOT NULL DEFAULT '',
    cycle            VARCHAR(16) NOT NULL DEFAULT '',
    expires_at       TIMESTAMPTZ NULL,
    trial_tier       VARCHAR(32) NOT NULL DEFAULT '',
    trial_started_at TIMESTAMPTZ NULL,
    trial_ends_at    TIMESTAMPTZ NULL,
    updated_at       TIMESTAMPTZ NULL
);

--bun:split

CREATE TABLE IF NOT EXISTS usage_daily (
    user_id  VARCHAR(40) NOT NULL,
    day      VARCHAR(10) NOT NULL,
    messages INTEGER     NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, day)
);

--bun:split

CREATE TABLE IF NOT EXISTS payments (
    reference    VARCHAR(64)  NOT NULL PRIMARY KEY,
    user_id      VARCHAR(40)  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    plan         VARCHAR(32)  NOT NULL,
    cycle        VARCHAR(16)  NOT NULL,
    amount       BIGINT       NOT NULL,
    currency     VARCHAR(3)   NOT NULL,
    channel      VARCHAR(32)  NOT NULL DEFAULT '',
    status       VARCHAR(16)  NOT NULL,
    note         VARCHAR(255) NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ  NOT NULL,
    processed_at TIMESTAMPTZ  NULL
);

--bun:split

CREATE INDEX IF NOT EXISTS payments_user_idx ON payments (user_id, created_at);

--bun:split

CREATE TABLE IF NOT EXISTS payment_events (
    id          VARCHAR(64)  NOT NULL PRIMARY KEY,
    event_type  VARCHAR(100) NOT NULL,
    reference   VARCHAR(100) NOT NULL DEFAULT '',
    payload     TEXT         NOT NULL,
    received_at TIMESTAMPTZ  NOT NULL
);

--bun:split

CREATE INDEX IF NOT EXISTS payment_events_reference_idx ON payment_events (reference);
