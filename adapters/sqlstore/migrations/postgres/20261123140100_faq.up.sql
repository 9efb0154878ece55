CREATE TABLE IF NOT EXISTS knowledge_base (
    id         VARCHAR(40) NOT NULL,
    category   VARCHAR(64) NOT NULL DEFAULT 'general',
    question   TEXT        NOT NULL,
    answer     TEXT        NOT NULL,
    keywords   TEXT        NOT NULL DEFAULT '',
    priority   INTEGER     NOT NULL DEFAULT 0,
    active     BOOLEAN     NOT NULL DEFAULT TRUE,
    created_by VARCHAR(40) NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT knowledge_base_pkey PRIMARY KEY (id)
);

--bun:split

CREATE INDEX IF NOT EXISTS knowledge_base_rank_idx ON knowledge_base (active, priority, created_at);
