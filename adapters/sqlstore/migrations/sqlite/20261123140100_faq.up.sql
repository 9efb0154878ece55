CREATE TABLE IF NOT EXISTS knowledge_base (
    id         TEXT    NOT NULL PRIMARY KEY,
    category   TEXT    NOT NULL DEFAULT 'general',
    question   TEXT    NOT NULL,
    answer     TEXT    NOT NULL,
    keywords   TEXT    NOT NULL DEFAULT '',
    priority   INTEGER NOT NULL DEFAULT 0,
    active     INTEGER NOT NULL DEFAULT 1,
    created_by TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
) STRICT;

--bun:split

CREATE INDEX IF NOT EXISTS knowledge_base_rank_idx ON knowledge_base (active, priority, created_at);
