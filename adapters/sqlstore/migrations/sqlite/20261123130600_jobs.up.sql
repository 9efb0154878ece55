CREATE TABLE IF NOT EXISTS jobs (
    id           TEXT    NOT NULL PRIMARY KEY,
    kind         TEXT    NOT NULL,
    payload      TEXT    NOT NULL DEFAULT '',
    status       TEXT    NOT NULL,
    attempt      INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    run_at       TEXT    NOT NULL,
    locked_by    TEXT    NOT NULL DEFAULT '',
    locked_until TEXT,
    last_error   TEXT    NOT NULL DEFAULT '',
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    finished_at  TEXT
) STRICT;

--bun:split

CREATE INDEX IF NOT EXISTS jobs_claim_idx ON jobs (status, kind, run_at);

--bun:split

CREATE INDEX IF NOT EXISTS jobs_lease_idx ON jobs (status, locked_until);
