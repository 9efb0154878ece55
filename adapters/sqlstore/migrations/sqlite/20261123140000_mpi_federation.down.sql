CREATE TABLE IF NOT EXISTS mpi_blocking_keys_prev (
    programme_id TEXT NOT NULL,
    block_key    TEXT NOT NULL,
    mpi_id       TEXT NOT NULL,
    PRIMARY KEY (programme_id, block_key, mpi_id)
) STRICT, WITHOUT ROWID;

--bun:split

INSERT INTO mpi_blocking_keys_prev (programme_id, block_key, mpi_id)
SELECT programme_id, block_key, mpi_id FROM mpi_blocking_keys;

--bun:split

DROP TABLE mpi_blocking_keys;

--bun:split

ALTER TABLE mpi_blocking_keys_prev RENAME TO mpi_blocking_keys;

--bun:split

CREATE INDEX IF NOT EXISTS mpi_blocking_keys_record_idx ON mpi_blocking_keys (mpi_id);

--bun:split

DROP TABLE IF EXISTS mpi_index_state;

--bun:split

DROP TABLE IF EXISTS mpi_federation_links;
