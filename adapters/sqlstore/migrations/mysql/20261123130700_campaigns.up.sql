CREATE TABLE IF NOT EXISTS campaigns (
    id                VARCHAR(40)  NOT NULL,
    programme_id      VARCHAR(40)  NOT NULL,
    name              VARCHAR(255) NOT NULL,
    campaign_type     VARCHAR(32)  NOT NULL,
    prefix            VARCHAR(16)  NOT NULL,
    language          VARCHAR(8)   NOT NULL,
    template_id       VARCHAR(32)  NOT NULL DEFAULT '',
    description       TEXT         NOT NULL,
    status            VARCHAR(32)  NOT NULL,
    total_cards       BIGINT       NOT NULL DEFAULT 0,
    archived          BOOLEAN      NOT NULL DEFAULT FALSE,
    target_population BIGINT       NULL,
    region_code       VARCHAR(8)   NOT NULL DEFAULT '',
    doses_planned     BIGINT       NULL,
    budget_fcfa       BIGINT       NULL,
    created_at        DATETIME(6)  NOT NULL,
    updated_at        DATETIME(6)  NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY campaigns_prefix_key (programme_id, prefix),
    KEY campaigns_created_idx (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

CREATE TABLE IF NOT EXISTS card_jobs (
    id              VARCHAR(40)  NOT NULL,
    campaign_id     VARCHAR(40)  NOT NULL,
    programme_id    VARCHAR(40)  NOT NULL,
    queue_job_id    VARCHAR(40)  NOT NULL DEFAULT '',
    status          VARCHAR(16)  NOT NULL,
    total_cards     BIGINT       NOT NULL,
    cards_generated BIGINT       NOT NULL DEFAULT 0,
    progress        INT          NOT NULL DEFAULT 0,
    eta_seconds     BIGINT       NOT NULL DEFAULT 0,
    dpi             INT          NOT NULL,
    render_scale    DOUBLE       NOT NULL,
    total_lots      INT          NOT NULL,
    include_mpi_id  BOOLEAN      NOT NULL DEFAULT FALSE,
    cost_fcfa       BIGINT       NOT NULL DEFAULT 0,
    quota_consumed  BIGINT       NOT NULL DEFAULT 0,
    quota_refunded  BIGINT       NOT NULL DEFAULT 0,
    error_message   TEXT         NOT NULL,
    work_seconds    DOUBLE       NOT NULL DEFAULT 0,
    created_at      DATETIME(6)  NOT NULL,
    started_at      DATETIME(6)  NULL,
    completed_at    DATETIME(6)  NULL,
    failed_at       DATETIME(6)  NULL,
    cancelled_at    DATETIME(6)  NULL,
    PRIMARY KEY (id),
    KEY card_jobs_programme_idx (programme_id, created_at),
    KEY card_jobs_campaign_idx (campaign_id, created_at),
    CONSTRAINT card_jobs_campaign_fk FOREIGN KEY (campaign_id) REFERENCES campaigns (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

CREATE TABLE IF NOT EXISTS card_job_artifacts (
    job_id  VARCHAR(40) NOT NULL,
    name    VARCHAR(32) NOT NULL,
    content LONGTEXT    NOT NULL,
    PRIMARY KEY (job_id, name),
    CONSTRAINT card_job_artifacts_job_fk FOREIGN KEY (job_id) REFERENCES card_jobs (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

CREATE TABLE IF NOT EXISTS cards (
    code           VARCHAR(20)  NOT NULL,
    ref            CHAR(8)      NOT NULL,
    job_id         VARCHAR(40)  NOT NULL,
    campaign_id    VARCHAR(40)  NOT NULL,
    programme_id   VARCHAR(40)  NOT NULL,
    row_index      INT          NOT NULL,
    beneficiary_id VARCHAR(100) NOT NULL,
    mpi_id         VARCHAR(64)  NOT NULL DEFAULT '',
    token_hash     CHAR(64)     NOT NULL,
    status         VARCHAR(16)  NOT NULL,
    scans          BIGINT       NOT NULL DEFAULT 0,
    issued_at      DATETIME(6)  NOT NULL,
    first_scan_at  DATETIME(6)  NULL,
    last_scan_at   DATETIME(6)  NULL,
    PRIMARY KEY (code),
    UNIQUE KEY cards_ref_key (ref),
    UNIQUE KEY cards_token_key (token_hash),
    UNIQUE KEY cards_job_row_key (job_id, row_index),
    KEY cards_campaign_idx (campaign_id),
    CONSTRAINT cards_job_fk FOREIGN KEY (job_id) REFERENCES card_jobs (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

CREATE TABLE IF NOT EXISTS engine_usage (
    programme_id    VARCHAR(40) NOT NULL,
    engine_mode     VARCHAR(32) NOT NULL,
    period          CHAR(7)     NOT NULL,
    cards_generated BIGINT      NOT NULL DEFAULT 0,
    last_updated    DATETIME(6) NOT NULL,
    PRIMARY KEY (programme_id, engine_mode, period)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

CREATE TABLE IF NOT EXISTS distribution_events (
    id              VARCHAR(40)  NOT NULL,
    programme_id    VARCHAR(40)  NOT NULL,
    client_event_id VARCHAR(100) NOT NULL,
    campaign_id     VARCHAR(40)  NOT NULL DEFAULT '',
    region          VARCHAR(64)  NOT NULL,
    channel         VARCHAR(16)  NOT NULL,
    event_type      VARCHAR(16)  NOT NULL,
    count           BIGINT       NOT NULL,
    created_at      DATETIME(6)  NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY distribution_events_client_key (programme_id, client_event_id),
    KEY distribution_events_created_idx (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
