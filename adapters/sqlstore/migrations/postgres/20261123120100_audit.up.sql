-- The append-only audit log. seq is assigned by AppendAudit (the newest
-- record's seq + 1, read from audit_head), never by the database, so the
-- hash chain's order is the seq order. details is TEXT, not JSONB, so the
-- JSON is kept byte for byte (the hash covers its bytes).
CREATE TABLE IF NOT EXISTS audit_log (
    seq         BIGINT       NOT NULL,
    id          VARCHAR(40)  NOT NULL,
    at          TIMESTAMPTZ(6) NOT NULL,
    actor_id    VARCHAR(40)  NOT NULL DEFAULT '',
    action      VARCHAR(100) NOT NULL,
    target_type VARCHAR(64)  NOT NULL DEFAULT '',
    target_id   VARCHAR(128) NOT NULL DEFAULT '',
    ip          VARCHAR(64)  NOT NULL DEFAULT '',
    user_agent  VARCHAR(512) NOT NULL DEFAULT '',
    outcome     VARCHAR(16)  NOT NULL,
    details     TEXT         NOT NULL DEFAULT '',
    prev_hash   CHAR(64)     NOT NULL,
    hash        CHAR(64)     NOT NULL,
    CONSTRAINT audit_log_pkey PRIMARY KEY (seq),
    CONSTRAINT audit_log_id_key UNIQUE (id)
);

--bun:split

CREATE INDEX IF NOT EXISTS audit_log_action_idx ON audit_log (action, seq);

--bun:split

CREATE INDEX IF NOT EXISTS audit_log_actor_idx ON audit_log (actor_id, seq);

--bun:split

CREATE INDEX IF NOT EXISTS audit_log_at_idx ON audit_log (at);

--bun:split

-- The chain head: one row holding the newest record's seq and hash. Appends
-- lock it FOR UPDATE and update it in the same transaction, so the chain
-- never forks across instances (an empty log has a row to lock too) and a
-- deleted newest record still leaves a detectable gap.
CREATE TABLE IF NOT EXISTS audit_head (
    id   SMALLINT NOT NULL,
    seq  BIGINT   NOT NULL,
    hash CHAR(64) NOT NULL,
    CONSTRAINT audit_head_pkey PRIMARY KEY (id),
    CONSTRAINT audit_head_single CHECK (id = 1)
);

--bun:split

INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000')
ON CONFLICT (id) DO NOTHING;
