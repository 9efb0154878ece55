CREATE TABLE IF NOT EXISTS campaigns (
    id                TEXT    NOT NULL PRIMARY KEY,
    programme_id      TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    campaign_type     TEXT    NOT NULL,
    prefix            TEXT    NOT NULL,
    language          TEXT    NOT NULL,
    template_id       TEXT    NOT NULL DEFAULT '',
    description       TEXT    NOT NULL DEFAULT '',
    status            TEXT    NOT NULL,
    total_cards       INTEGER NOT NULL DEFAULT 0,
    archived          INTEGER NOT NULL DEFAULT 0,
    target_population INTEGER,
    region_code       TEXT    NOT NULL DEFAULT '',
    doses_planned     INTEGER,
    budget_fcfa       INTEGER,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL
) STRICT;

--bun:split

CREATE UNIQUE INDEX IF NOT EXISTS campaigns_prefix_key ON campaigns (programme_id, prefix);

--bun:split

CREATE INDEX IF NOT EXISTS campaigns_created_idx ON campaigns (created_at);

--bun:split

CREATE TABLE IF NOT EXISTS card_jobs (
    id              TEXT    NOT NULL PRIMARY KEY,
    campaign_id     TEXT    NOT NULL REFERENCES campaigns (id),
    programme_id    TEXT    NOT NULL,
    queue_job_id    TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL,
    total_cards     INTEGER NOT NULL,
    cards_generated INTEGER NOT NULL DEFAULT 0,
    progress        INTEGER NOT NULL DEFAULT 0,
    eta_seconds     INTEGER NOT NULL DEFAULT 0,
    dpi             INTEGER NOT NULL,
    render_scale    REAL    NOT NULL,
    total_lots      INTEGER NOT NULL,
    include_mpi_id  INTEGER NOT NULL DEFAULT 0,
    cost_fcfa       INTEGER NOT NULL DEFAULT 0,
    quota_consumed  INTEGER NOT NULL DEFAULT 0,
    quota_refunded  INTEGER NOT NULL DEFAULT 0,
    error_message   TEXT    NOT NULL DEFAULT '',
    work_seconds    REAL    NOT NULL DEFAULT 0,
    created_at      TEXT    NOT NULL,
    started_at      TEXT,
    completed_at    TEXT,
    failed_at       TEXT,
    cancelled_at    TEXT
) STRICT;

--bun:split

CREATE INDEX IF NOT EXISTS card_jobs_programme_idx ON card_jobs (programme_id, created_at);

--bun:split

CREATE INDEX IF NOT EXISTS card_jobs_campaign_idx ON card_jobs (campaign_id, created_at);

--bun:split

CREATE TABLE IF NOT EXISTS card_job_artifacts (
    job_id  TEXT NOT NULL REFERENCES card_jobs (id),
    name    TEXT NOT NULL,
    content TEXT NOT NULL,
    PRIMARY KEY (job_id, name)
) STRICT;

--bun:split

CREATE TABLE IF NOT EXISTS cards (
    code           TEXT    NOT NULL PRIMARY KEY,
    ref            TEXT    NOT NULL,
    job_id         TEXT    NOT NULL REFERENCES card_jobs (id),
    campaign_id    TEXT    NOT NULL,
    programme_id   TEXT    NOT NULL,
    row_index      INTEGER NOT NULL,
    beneficiary_id TEXT    NOT NULL,
    mpi_id         TEXT    NOT NULL DEFAULT '',
    token_hash     TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    scans          INTEGER NOT NULL DEFAULT 0,
    issued_at      TEXT    NOT NULL,
    first_scan_at  TEXT,
    last_scan_at   TEXT
) STRICT;

--bun:split

CREATE UNIQUE INDEX IF NOT EXISTS cards_ref_key ON cards (ref);

--bun:split

CREATE UNIQUE INDEX IF NOT EXISTS cards_token_key ON cards (token_hash);

--bun:split

CREATE UNIQUE INDEX IF NOT EXISTS cards_job_row_key ON cards (job_id, row_index);

--bun:split

CREATE INDEX IF NOT EXISTS cards_campaign_idx ON cards (campaign_id);

--bun:split

CREATE TABLE IF NOT EXISTS engine_usage (
    programme_id    TEXT    NOT NULL,
    engine_mode     TEXT    NOT NULL,
    period          TEXT    NOT NULL,
    cards_generated INTEGER NOT NULL DEFAULT 0,
    last_updated    TEXT    NOT NULL,
    PRIMARY KEY (programme_id, engine_mode, period)
) STRICT;

--bun:split

CREATE TABLE IF NOT EXISTS distribution_events (
    id              TEXT    NOT NULL PRIMARY KEY,
    programme_id    TEXT    NOT NULL,
    client_event_id TEXT    NOT NULL,
    campaign_id     TEXT    NOT NULL DEFAULT '',
    region          TEXT    NOT NULL,
    channel         TEXT    NOT NULL,
    event_type      TEXT    NOT NULL,
    count           INTEGER NOT NULL,
    created_at      TEXT    NOT NULL
) STRICT;

--bun:split

CREATE UNIQUE INDEX IF NOT EXISTS distribution_events_client_key ON distribution_events (programme_id, client_event_id);

--bun:split

CREATE INDEX IF NOT EXISTS distribution_events_created_idx ON distribution_events (created_at);
