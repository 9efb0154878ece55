CREATE TABLE IF NOT EXISTS agents (
    id                 VARCHAR(40)  NOT NULL,
    name               VARCHAR(120) NOT NULL,
    description        TEXT         NOT NULL,
    system_prompt      TEXT         NOT NULL,
    avatar             VARCHAR(64)  NOT NULL DEFAULT '',
    category           VARCHAR(64)  NOT NULL DEFAULT '',
    department         VARCHAR(255) NOT NULL DEFAULT '',
    knowledge_category VARCHAR(64)  NOT NULL DEFAULT '',
    model              VARCHAR(128) NOT NULL DEFAULT '',
    audience           VARCHAR(16)  NOT NULL DEFAULT 'all',
    requires_paid      BOOLEAN      NOT NULL DEFAULT FALSE,
    active             BOOLEAN      NOT NULL DEFAULT TRUE,
    created_by         VARCHAR(40)  NOT NULL DEFAULT '',
    created_at         DATETIME(6)  NOT NULL,
    updated_at         DATETIME(6)  NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY agents_name_key (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

CREATE TABLE IF NOT EXISTS folders (
    id         VARCHAR(40)  NOT NULL,
    user_id    VARCHAR(40)  NOT NULL,
    name       VARCHAR(120) NOT NULL,
    color      VARCHAR(16)  NOT NULL DEFAULT '#FCD116',
    sort_order INT          NOT NULL DEFAULT 0,
    created_at DATETIME(6)  NOT NULL,
    updated_at DATETIME(6)  NOT NULL,
    PRIMARY KEY (id),
    KEY folders_user_id_idx (user_id, sort_order),
    CONSTRAINT folders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

-- title and content use an accent- and case-insensitive collation so the
-- FULLTEXT indexes and the LIKE fallback fold "Kwamé" to "kwame".
CREATE TABLE IF NOT EXISTS conversations (
    id               VARCHAR(40)  NOT NULL,
    user_id          VARCHAR(40)  NOT NULL,
    title            VARCHAR(255) COLLATE utf8mb4_unicode_520_ci NOT NULL,
    model            VARCHAR(128) NOT NULL DEFAULT '',
    template_id      VARCHAR(64)  NOT NULL DEFAULT '',
    agent_id         VARCHAR(40)  NULL,
    folder_id        VARCHAR(40)  NULL,
    pinned           BOOLEAN      NOT NULL DEFAULT FALSE,
    share_token_hash VARCHAR(128) NULL,
    shared_at        DATETIME(6)  NULL,
    created_at       DATETIME(6)  NOT NULL,
    updated_at       DATETIME(6)  NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY conversations_share_token_hash_key (share_token_hash),
    KEY conversations_user_list_idx (user_id, pinned, updated_at),
    FULLTEXT KEY conversations_title_ft (title),
    CONSTRAINT conversations_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT conversations_agent_id_fkey FOREIGN KEY (agent_id) REFERENCES agents (id) ON DELETE SET NULL,
    CONSTRAINT conversations_folder_id_fkey FOREIGN KEY (folder_id) REFERENCES folders (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

CREATE TABLE IF NOT EXISTS messages (
    id                VARCHAR(40)  NOT NULL,
    conversation_id   VARCHAR(40)  NOT NULL,
    user_id           VARCHAR(40)  NOT NULL,
    role              VARCHAR(16)  NOT NULL,
    content           MEDIUMTEXT   COLLATE utf8mb4_unicode_520_ci NOT NULL,
    model             VARCHAR(128) NOT NULL DEFAULT '',
    prompt_tokens     INT          NOT NULL DEFAULT 0,
    completion_tokens INT          NOT NULL DEFAULT 0,
    created_at        DATETIME(6)  NOT NULL,
    PRIMARY KEY (id),
    KEY messages_conversation_idx (conversation_id, created_at, id),
    KEY messages_user_id_idx (user_id),
    FULLTEXT KEY messages_content_ft (content),
    CONSTRAINT messages_conversation_id_fkey FOREIGN KEY (conversation_id) REFERENCES conversations (id) ON DELETE CASCADE,
    CONSTRAINT messages_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

CREATE TABLE IF NOT EXISTS message_ratings (
    user_id         VARCHAR(40) NOT NULL,
    message_id      VARCHAR(40) NOT NULL,
    conversation_id VARCHAR(40) NOT NULL,
    rating          SMALLINT    NOT NULL,
    created_at      DATETIME(6) NOT NULL,
    updated_at      DATETIME(6) NOT NULL,
    PRIMARY KEY (user_id, message_id),
    KEY message_ratings_message_id_idx (message_id),
    CONSTRAINT message_ratings_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT message_ratings_message_id_fkey FOREIGN KEY (message_id) REFERENCES messages (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

CREATE TABLE IF NOT EXISTS user_memories (
    id         VARCHAR(40)  NOT NULL,
    user_id    VARCHAR(40)  NOT NULL,
    memory_key VARCHAR(100) NOT NULL,
    value      TEXT         NOT NULL,
    type       VARCHAR(16)  NOT NULL,
    created_at DATETIME(6)  NOT NULL,
    updated_at DATETIME(6)  NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY user_memories_user_key_key (user_id, memory_key),
    CONSTRAINT user_memories_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
