-- Federation links (platform §6.2): an administrator's statement that two
-- records, usually of different programmes, are the same person, members
-- of one household, or related. One link per unordered pair of records:
-- pair_low and pair_high are the two MPI ids in order.
CREATE TABLE IF NOT EXISTS mpi_federation_links (
    id                  TEXT NOT NULL PRIMARY KEY,
    source_mpi_id       TEXT NOT NULL,
    source_programme_id TEXT NOT NULL,
    target_mpi_id       TEXT NOT NULL,
    target_programme_id TEXT NOT NULL,
    pair_low            TEXT NOT NULL,
    pair_high           TEXT NOT NULL,
    link_type           TEXT NOT NULL,
    confidence          REAL NOT NULL,
    notes               TEXT NOT NULL DEFAULT '',
    created_by          TEXT NOT NULL DEFAULT '',
    created_at          TEXT NOT NULL
) STRICT;

--bun:split

CREATE UNIQUE INDEX IF NOT EXISTS mpi_federation_links_pair_idx ON mpi_federation_links (pair_low, pair_high);

--bun:split

CREATE INDEX IF NOT EXISTS mpi_federation_links_source_idx ON mpi_federation_links (source_mpi_id);

--bun:split

CREATE INDEX IF NOT EXISTS mpi_federation_links_target_idx ON mpi_federation_links (target_mpi_id);

--bun:split

-- The version of mpi.BlockingKeys the stored keys were derived with. The
-- MPI store re-derives every active record's keys when it differs from the
-- code's (mpi.BlockingKeysVersion); 0 means unknown, so a database migrated
-- from an earlier release is re-indexed once.
CREATE TABLE IF NOT EXISTS mpi_index_state (
    name    TEXT    NOT NULL PRIMARY KEY,
    version INTEGER NOT NULL
) STRICT;

--bun:split

INSERT INTO mpi_index_state (name, version) VALUES ('blocking_keys', 0);

--bun:split

-- Blocking keys keyed by block_key first: the per-programme look-up reads
-- the same primary key (block_key, programme_id), the cross-programme
-- federation join needs it, and one index instead of two makes each key
-- one B-tree insertion (the separate mpi_id index is gone: a record's keys
-- are deleted by their primary key, derived again from the stored record).
CREATE TABLE IF NOT EXISTS mpi_blocking_keys_next (
    block_key    TEXT NOT NULL,
    programme_id TEXT NOT NULL,
    mpi_id       TEXT NOT NULL,
    PRIMARY KEY (block_key, programme_id, mpi_id)
) STRICT, WITHOUT ROWID;

--bun:split

INSERT INTO mpi_blocking_keys_next (block_key, programme_id, mpi_id)
SELECT block_key, programme_id, mpi_id FROM mpi_blocking_keys;

--bun:split

DROP TABLE mpi_blocking_keys;

--bun:split

ALTER TABLE mpi_blocking_keys_next RENAME TO mpi_blocking_keys;
