CREATE TABLE IF NOT EXISTS jobs (
    id           VARCHAR(40)  NOT NULL PRIMARY KEY,
    kind         VARCHAR(64)  NOT NULL,
    payload      TEXT         NOT NULL DEFAULT '',
    status       VARCHAR(16)  NOT NULL,
    attempt      INTEGER      NOT NULL DEFAULT 0,
    max_attempts INTEGER      NOT NULL,
    run_at       TIMESTAMPTZ  NOT NULL,
    locked_by    VARCHAR(128) NOT NULL DEFAULT '',
    locked_until TIMESTAMPTZ,
    last_error   TEXT         NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ  NOT NULL,
    updated_at   TIMESTAMPTZ  NOT NULL,
    finished_at  TIMESTAMPTZ
);

--bun:split

CREATE INDEX IF NOT EXISTS jobs_claim_idx ON jobs (status, kind, run_at);

--bun:split

CREATE INDEX IF NOT EXISTS jobs_lease_idx ON jobs (status, locked_until);
