CREATE TABLE IF NOT EXISTS subscriptions (
    user_id          TEXT NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    tier             TEXT NOT NULL DEFAULT '',
    cycle            TEXT NOT NULL DEFAULT '',
    expires_at       TEXT,
    trial_tier       TEXT NOT NULL DEFAULT '',
    trial_started_at TEXT,
    trial_ends_at    TEXT,
    updated_at       TEXT
) STRICT;

--bun:split

CREATE TABLE IF NOT EXISTS usage_daily (
    user_id  TEXT    NOT NULL,
    day      TEXT    NOT NULL,
    messages INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, day)
) STRICT;

--bun:split

CREATE TABLE IF NOT EXISTS payments (
    reference    TEXT    NOT NULL PRIMARY KEY,
    user_id      TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    plan         TEXT    NOT NULL,
    cycle        TEXT    NOT NULL,
    amount       INTEGER NOT NULL,
    currency     TEXT    NOT NULL,
    channel      TEXT    NOT NULL DEFAULT '',
    status       TEXT    NOT NULL,
    note         TEXT    NOT NULL DEFAULT '',
    created_at   TEXT    NOT NULL,
    processed_at TEXT
) STRICT;

--bun:split

CREATE INDEX IF NOT EXISTS payments_user_idx ON payments (user_id, created_at);

--bun:split

CREATE TABLE IF NOT EXISTS payment_events (
    id          TEXT NOT NULL PRIMARY KEY,
    event_type  TEXT NOT NULL,
    reference   TEXT NOT NULL DEFAULT '',
    payload     TEXT NOT NULL,
    received_at TEXT NOT NULL
) STRICT;

--bun:split

CREATE INDEX IF NOT EXISTS payment_events_reference_idx ON payment_events (reference);
