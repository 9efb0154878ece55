CREATE TABLE IF NOT EXISTS jobs (
    id           VARCHAR(40)  NOT NULL,
    kind         VARCHAR(64)  NOT NULL,
    payload      MEDIUMTEXT   NOT NULL,
    status       VARCHAR(16)  NOT NULL,
    attempt      INT          NOT NULL DEFAULT 0,
    max_attempts INT          NOT NULL,
    run_at       DATETIME(6)  NOT NULL,
    locked_by    VARCHAR(128) NOT NULL DEFAULT '',
    locked_until DATETIME(6)  NULL,
    last_error   TEXT         NOT NULL,
    created_at   DATETIME(6)  NOT NULL,
    updated_at   DATETIME(6)  NOT NULL,
    finished_at  DATETIME(6)  NULL,
    PRIMARY KEY (id),
    KEY jobs_claim_idx (status, kind, run_at),
    KEY jobs_lease_idx (status, locked_until)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
