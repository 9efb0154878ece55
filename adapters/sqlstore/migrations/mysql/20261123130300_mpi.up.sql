-- Oomus master patient index. Records are keyed by mpi_id; programme_id
-- (the owning programme account, the tenant) is a plain indexed column.
-- Dates of birth are 'YYYY-MM-DD' text ('' when unknown): a calendar date,
-- free of time zones in every dialect.
CREATE TABLE IF NOT EXISTS mpi_records (
    mpi_id        VARCHAR(32)  NOT NULL,
    programme_id  VARCHAR(64)  NOT NULL,
    first_name    VARCHAR(200) NOT NULL,
    last_name     VARCHAR(200) NOT NULL,
    search_name   VARCHAR(400) NOT NULL DEFAULT '',
    date_of_birth VARCHAR(10)  NOT NULL DEFAULT '',
    gender        VARCHAR(1)   NOT NULL DEFAULT 'U',
    region_code   VARCHAR(3)   NOT NULL,
    district      VARCHAR(200) NOT NULL DEFAULT '',
    country_code  VARCHAR(2)   NOT NULL,
    phone_number  VARCHAR(16)  NOT NULL DEFAULT '',
    external_ids  TEXT         NOT NULL,
    programmes    TEXT         NOT NULL,
    links         TEXT         NOT NULL,
    status        VARCHAR(16)  NOT NULL,
    is_verified   BOOLEAN      NOT NULL DEFAULT FALSE,
    verified_by   VARCHAR(64)  NOT NULL DEFAULT '',
    merged_into   VARCHAR(32)  NOT NULL DEFAULT '',
    merged_at     DATETIME(6)  NULL,
    merge_reason  VARCHAR(500) NOT NULL DEFAULT '',
    created_at    DATETIME(6)  NOT NULL,
    updated_at    DATETIME(6)  NOT NULL,
    PRIMARY KEY (mpi_id),
    KEY mpi_records_programme_idx (programme_id, mpi_id),
    KEY mpi_records_phone_idx (programme_id, phone_number),
    KEY mpi_records_dob_idx (programme_id, date_of_birth),
    KEY mpi_records_merged_idx (programme_id, merged_into)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

-- Blocking keys (mpi.BlockingKeys) of active records: matching a new
-- record reads only the records under its keys.
CREATE TABLE IF NOT EXISTS mpi_blocking_keys (
    programme_id VARCHAR(64)  NOT NULL,
    block_key    VARCHAR(200) NOT NULL,
    mpi_id       VARCHAR(32)  NOT NULL,
    PRIMARY KEY (programme_id, block_key, mpi_id),
    KEY mpi_blocking_keys_record_idx (mpi_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

-- External ids (NIN, DHIS2 uid, ...) of active records, unique per
-- programme and key.
CREATE TABLE IF NOT EXISTS mpi_external_ids (
    programme_id VARCHAR(64)  NOT NULL,
    id_key       VARCHAR(32)  NOT NULL,
    id_value     VARCHAR(128) NOT NULL,
    mpi_id       VARCHAR(32)  NOT NULL,
    PRIMARY KEY (programme_id, id_key, id_value),
    KEY mpi_external_ids_record_idx (mpi_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

CREATE TABLE IF NOT EXISTS mpi_trust_history (
    id           BIGINT       NOT NULL AUTO_INCREMENT,
    programme_id VARCHAR(64)  NOT NULL,
    mpi_id       VARCHAR(32)  NOT NULL,
    score        DOUBLE       NOT NULL,
    level        VARCHAR(16)  NOT NULL,
    components   TEXT         NOT NULL,
    risks        TEXT         NOT NULL,
    computed_at  DATETIME(6)  NOT NULL,
    PRIMARY KEY (id),
    KEY mpi_trust_history_record_idx (programme_id, mpi_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
