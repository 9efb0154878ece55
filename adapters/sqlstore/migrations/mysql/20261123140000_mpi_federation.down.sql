CREATE TABLE IF NOT EXISTS mpi_blocking_keys_prev (
    programme_id VARCHAR(64)  NOT NULL,
    block_key    VARCHAR(200) NOT NULL,
    mpi_id       VARCHAR(32)  NOT NULL,
    PRIMARY KEY (programme_id, block_key, mpi_id),
    KEY mpi_blocking_keys_record_idx (mpi_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

INSERT INTO mpi_blocking_keys_prev (programme_id, block_key, mpi_id)
SELECT programme_id, block_key, mpi_id FROM mpi_blocking_keys;

--bun:split

DROP TABLE mpi_blocking_keys;

--bun:split

ALTER TABLE mpi_blocking_keys_prev RENAME TO mpi_blocking_keys;

--bun:split

DROP TABLE IF EXISTS mpi_index_state;

--bun:split

DROP TABLE IF EXISTS mpi_federation_links;
