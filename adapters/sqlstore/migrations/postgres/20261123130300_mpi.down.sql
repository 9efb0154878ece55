DROP TABLE IF EXISTS mpi_trust_history;

--bun:split

DROP TABLE IF EXISTS mpi_external_ids;

--bun:split

DROP TABLE IF EXISTS mpi_blocking_keys;

--bun:split

DROP TABLE IF EXISTS mpi_records;
