CREATE TABLE IF NOT EXISTS agents (
    id                 TEXT    NOT NULL PRIMARY KEY,
    name               TEXT    NOT NULL,
    description        TEXT    NOT NULL DEFAULT '',
    system_prompt      TEXT    NOT NULL DEFAULT '',
    avatar             TEXT    NOT NULL DEFAULT '',
    category           TEXT    NOT NULL DEFAULT '',
    department         TEXT    NOT NULL DEFAULT '',
    knowledge_category TEXT    NOT NULL DEFAULT '',
    model              TEXT    NOT NULL DEFAULT '',
    audience           TEXT    NOT NULL DEFAULT 'all',
    requires_paid      INTEGER NOT NULL DEFAULT 0,
    active             INTEGER NOT NULL DEFAULT 1,
    created_by         TEXT    NOT NULL DEFAULT '',
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL
) STRICT;

--bun:split

CREATE UNIQUE INDEX IF NOT EXISTS agents_name_key ON agents (name);

--bun:split

CREATE TABLE IF NOT EXISTS folders (
    id         TEXT    NOT NULL PRIMARY KEY,
    user_id    TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    color      TEXT    NOT NULL DEFAULT '#FCD116',
    sort_order INTEGER NOT NULL DEFAULT 0,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
) STRICT;

--bun:split

CREATE INDEX IF NOT EXISTS folders_user_id_idx ON folders (user_id, sort_order);

--bun:split

CREATE TABLE IF NOT EXISTS conversations (
    seq              INTEGER NOT NULL PRIMARY KEY,
    id               TEXT    NOT NULL,
    user_id          TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title            TEXT    NOT NULL,
    model            TEXT    NOT NULL DEFAULT '',
    template_id      TEXT    NOT NULL DEFAULT '',
    agent_id         TEXT    REFERENCES agents (id) ON DELETE SET NULL,
    folder_id        TEXT    REFERENCES folders (id) ON DELETE SET NULL,
    pinned           INTEGER NOT NULL DEFAULT 0,
    share_token_hash TEXT,
    shared_at        TEXT,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
) STRICT;

--bun:split

CREATE UNIQUE INDEX IF NOT EXISTS conversations_id_key ON conversations (id);

--bun:split

CREATE UNIQUE INDEX IF NOT EXISTS conversations_share_token_hash_key ON conversations (share_token_hash);

--bun:split

CREATE INDEX IF NOT EXISTS conversations_user_list_idx ON conversations (user_id, pinned, updated_at);

--bun:split

CREATE INDEX IF NOT EXISTS conversations_folder_id_idx ON conversations (folder_id);

--bun:split

CREATE INDEX IF NOT EXISTS conversations_agent_id_idx ON conversations (agent_id);

--bun:split

CREATE TABLE IF NOT EXISTS messages (
    seq               INTEGER NOT NULL PRIMARY KEY,
    id                TEXT    NOT NULL,
    conversation_id   TEXT    NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id           TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role              TEXT    NOT NULL,
    content           TEXT    NOT NULL,
    model             TEXT    NOT NULL DEFAULT '',
    prompt_tokens     INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    created_at        TEXT    NOT NULL
) STRICT;

--bun:split

CREATE UNIQUE INDEX IF NOT EXISTS messages_id_key ON messages (id);

--bun:split

CREATE INDEX IF NOT EXISTS messages_conversation_idx ON messages (conversation_id, created_at, id);

--bun:split

CREATE INDEX IF NOT EXISTS messages_user_id_idx ON messages (user_id);

--bun:split

CREATE TABLE IF NOT EXISTS message_ratings (
    user_id         TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    message_id      TEXT    NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    conversation_id TEXT    NOT NULL,
    rating          INTEGER NOT NULL,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    PRIMARY KEY (user_id, message_id)
) STRICT;

--bun:split

CREATE INDEX IF NOT EXISTS message_ratings_message_id_idx ON message_ratings (message_id);

--bun:split

CREATE TABLE IF NOT EXISTS user_memories (
    id         TEXT NOT NULL PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    memory_key TEXT NOT NULL,
    value      TEXT NOT NULL,
    type       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

--bun:split

CREATE UNIQUE INDEX IF NOT EXISTS user_memories_user_key_key ON user_memories (user_id, memory_key);

--bun:split

CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5 (
    content, content = 'messages', content_rowid = 'seq', tokenize = 'unicode61 remove_diacritics 2'
);

--bun:split

CREATE TRIGGER IF NOT EXISTS messages_fts_ai AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, content) VALUES (new.seq, new.content);
END;

--bun:split

CREATE TRIGGER IF NOT EXISTS messages_fts_ad AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.seq, old.content);
END;

--bun:split

CREATE TRIGGER IF NOT EXISTS messages_fts_au AFTER UPDATE OF content ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.seq, old.content);
    INSERT INTO messages_fts (rowid, content) VALUES (new.seq, new.content);
END;

--bun:split

CREATE VIRTUAL TABLE IF NOT EXISTS conversations_fts USING fts5 (
    title, content = 'conversations', content_rowid = 'seq', tokenize = 'unicode61 remove_diacritics 2'
);

--bun:split

CREATE TRIGGER IF NOT EXISTS conversations_fts_ai AFTER INSERT ON conversations BEGIN
    INSERT INTO conversations_fts (rowid, title) VALUES (new.seq, new.title);
END;

--bun:split

CREATE TRIGGER IF NOT EXISTS conversations_fts_ad AFTER DELETE ON conversations BEGIN
    INSERT INTO conversations_fts (conversations_fts, rowid, title) VALUES ('delete', old.seq, old.title);
END;

--bun:split

CREATE TRIGGER IF NOT EXISTS conversations_fts_au AFTER UPDATE OF title ON conversations BEGIN
    INSERT INTO conversations_fts (conversations_fts, rowid, title) VALUES ('delete', old.seq, old.title);
    INSERT INTO conversations_fts (rowid, title) VALUES (new.seq, new.title);
END;
