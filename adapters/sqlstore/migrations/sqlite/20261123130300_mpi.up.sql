-- Oomus master patient index. Records are keyed by mpi_id; programme_id
-- (the owning programme account, the tenant) is a plain indexed column.
-- Dates of birth are 'YYYY-MM-DD' text ('' when unknown): a calendar date,
-- free of time zones in every dialect.
CREATE TABLE IF NOT EXISTS mpi_records (
    mpi_id        TEXT    NOT NULL PRIMARY KEY,
    programme_id  TEXT    NOT NULL,
    first_name    TEXT    NOT NULL,
    last_name     TEXT    NOT NULL,
    search_name   TEXT    NOT NULL DEFAULT '',
    date_of_birth TEXT    NOT NULL DEFAULT '',
    gender        TEXT    NOT NULL DEFAULT 'U',
    region_code   TEXT    NOT NULL,
    district      TEXT    NOT NULL DEFAULT '',
    country_code  TEXT    NOT NULL,
    phone_number  TEXT    NOT NULL DEFAULT '',
    external_ids  TEXT    NOT NULL DEFAULT '{}',
    programmes    TEXT    NOT NULL DEFAULT '[]',
    links         TEXT    NOT NULL DEFAULT '[]',
    status        TEXT    NOT NULL,
    is_verified   INTEGER NOT NULL DEFAULT 0,
    verified_by   TEXT    NOT NULL DEFAULT '',
    merged_into   TEXT    NOT NULL DEFAULT '',
    merged_at     TEXT,
    merge_reason  TEXT    NOT NULL DEFAULT '',
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
) STRICT;

--bun:split

CREATE INDEX IF NOT EXISTS mpi_records_programme_idx ON mpi_records (programme_id, mpi_id);

--bun:split

CREATE INDEX IF NOT EXISTS mpi_records_phone_idx ON mpi_records (programme_id, phone_number);

--bun:split

CREATE INDEX IF NOT EXISTS mpi_records_dob_idx ON mpi_records (programme_id, date_of_birth);

--bun:split

CREATE INDEX IF NOT EXISTS mpi_records_merged_idx ON mpi_records (programme_id, merged_into);

--bun:split

-- Blocking keys (mpi.BlockingKeys) of active records: matching a new
-- record reads only the records under its keys.
CREATE TABLE IF NOT EXISTS mpi_blocking_keys (
    programme_id TEXT NOT NULL,
    block_key    TEXT NOT NULL,
    mpi_id       TEXT NOT NULL,
    PRIMARY KEY (programme_id, block_key, mpi_id)
) STRICT, WITHOUT ROWID;

--bun:split

CREATE INDEX IF NOT EXISTS mpi_blocking_keys_record_idx ON mpi_blocking_keys (mpi_id);

--bun:split

-- External ids (NIN, DHIS2 uid, ...) of active records, unique per
-- programme and key.
CREATE TABLE IF NOT EXISTS mpi_external_ids (
    programme_id TEXT NOT NULL,
    id_key       TEXT NOT NULL,
    id_value     TEXT NOT NULL,
    mpi_id       TEXT NOT NULL,
    PRIMARY KEY (programme_id, id_key, id_value)
) STRICT, WITHOUT ROWID;

--bun:split

CREATE INDEX IF NOT EXISTS mpi_external_ids_record_idx ON mpi_external_ids (mpi_id);

--bun:split

CREATE TABLE IF NOT EXISTS mpi_trust_history (
    id           INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    programme_id TEXT    NOT NULL,
    mpi_id       TEXT    NOT NULL,
    score        REAL    NOT NULL,
    level        TEXT    NOT NULL,
    components   TEXT    NOT NULL,
    risks        TEXT    NOT NULL,
    computed_at  TEXT    NOT NULL
) STRICT;

--bun:split

CREATE INDEX IF NOT EXISTS mpi_trust_history_record_idx ON mpi_trust_history (programme_id, mpi_id, id);
