-- The append-only audit log. seq is assigned by AppendAudit (the newest
-- record's seq + 1, read from audit_head), never by the database, so the
-- hash chain's order is the seq order.
CREATE TABLE IF NOT EXISTS audit_log (
    seq         INTEGER NOT NULL PRIMARY KEY,
    id          TEXT    NOT NULL,
    at          TEXT    NOT NULL,
    actor_id    TEXT    NOT NULL DEFAULT '',
    action      TEXT    NOT NULL,
    target_type TEXT    NOT NULL DEFAULT '',
    target_id   TEXT    NOT NULL DEFAULT '',
    ip          TEXT    NOT NULL DEFAULT '',
    user_agent  TEXT    NOT NULL DEFAULT '',
    outcome     TEXT    NOT NULL,
    details     TEXT    NOT NULL DEFAULT '',
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL
) STRICT;

--bun:split

CREATE UNIQUE INDEX IF NOT EXISTS audit_log_id_key ON audit_log (id);

--bun:split

CREATE INDEX IF NOT EXISTS audit_log_action_idx ON audit_log (action, seq);

--bun:split

CREATE INDEX IF NOT EXISTS audit_log_actor_idx ON audit_log (actor_id, seq);

--bun:split

CREATE INDEX IF NOT EXISTS audit_log_at_idx ON audit_log (at);

--bun:split

-- The chain head: one row holding the newest record's seq and hash. Appends
-- lock it (SQLite: the immediate transaction's write lock) and update it in
-- the same transaction, so the chain never forks and a deleted newest
-- record still leaves a detectable gap.
CREATE TABLE IF NOT EXISTS audit_head (
    id   INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT    NOT NULL
) STRICT;

--bun:split

INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000')
ON CONFLICT (id) DO NOTHING;
