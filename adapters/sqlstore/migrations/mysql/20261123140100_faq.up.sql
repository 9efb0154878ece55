CREATE TABLE IF NOT EXISTS knowledge_base (
    id         VARCHAR(40) NOT NULL,
    category   VARCHAR(64) NOT NULL DEFAULT 'general',
    question   TEXT        NOT NULL,
    answer     MEDIUMTEXT  NOT NULL,
    keywords   TEXT        NOT NULL,
    priority   INT         NOT NULL DEFAULT 0,
    active     BOOLEAN     NOT NULL DEFAULT TRUE,
    created_by VARCHAR(40) NOT NULL DEFAULT '',
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    PRIMARY KEY (id),
    KEY knowledge_base_rank_idx (active, priority, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
