-- unaccent is a trusted extension (PostgreSQL 13+): a database owner may
-- create it. Say clearly what to do when the role may not.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'Kente chat search needs the PostgreSQL extension "unaccent", and this role may not create it: ask a superuser to run CREATE EXTENSION unaccent SCHEMA public; in this database, then migrate again'
        USING DETAIL = SQLERRM, ERRCODE = 'insufficient_privilege';
END
$$;

--bun:split

-- unaccent() is only STABLE (its dictionary could change); search columns
-- need an IMMUTABLE expression, so wrap it with the dictionary fixed and
-- every name schema-qualified.
CREATE OR REPLACE FUNCTION kente_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;

--bun:split

CREATE TABLE IF NOT EXISTS agents (
    id                 VARCHAR(40)  NOT NULL,
    name               VARCHAR(120) NOT NULL,
    description        TEXT         NOT NULL DEFAULT '',
    system_prompt      TEXT         NOT NULL DEFAULT '',
    avatar             VARCHAR(64)  NOT NULL DEFAULT '',
    category           VARCHAR(64)  NOT NULL DEFAULT '',
    department         VARCHAR(255) NOT NULL DEFAULT '',
    knowledge_category VARCHAR(64)  NOT NULL DEFAULT '',
    model              VARCHAR(128) NOT NULL DEFAULT '',
    audience           VARCHAR(16)  NOT NULL DEFAULT 'all',
    requires_paid      BOOLEAN      NOT NULL DEFAULT FALSE,
    active             BOOLEAN      NOT NULL DEFAULT TRUE,
    created_by         VARCHAR(40)  NOT NULL DEFAULT '',
    created_at         TIMESTAMPTZ  NOT NULL,
    updated_at         TIMESTAMPTZ  NOT NULL,
    CONSTRAINT agents_pkey PRIMARY KEY (id),
    CONSTRAINT agents_name_key UNIQUE (name)
);

--bun:split

CREATE TABLE IF NOT EXISTS folders (
    id         VARCHAR(40)  NOT NULL,
    user_id    VARCHAR(40)  NOT NULL,
    name       VARCHAR(120) NOT NULL,
    color      VARCHAR(16)  NOT NULL DEFAULT '#FCD116',
    sort_order INTEGER      NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ  NOT NULL,
    updated_at TIMESTAMPTZ  NOT NULL,
    CONSTRAINT folders_pkey PRIMARY KEY (id),
    CONSTRAINT folders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);

--bun:split

CREATE INDEX IF NOT EXISTS folders_user_id_idx ON folders (user_id, sort_order);

--bun:split

CREATE TABLE IF NOT EXISTS conversations (
    id               VARCHAR(40)  NOT NULL,
    user_id          VARCHAR(40)  NOT NULL,
    title            VARCHAR(255) NOT NULL,
    model            VARCHAR(128) NOT NULL DEFAULT '',
    template_id      VARCHAR(64)  NOT NULL DEFAULT '',
    agent_id         VARCHAR(40),
    folder_id        VARCHAR(40),
    pinned           BOOLEAN      NOT NULL DEFAULT FALSE,
    share_token_hash VARCHAR(128),
    shared_at        TIMESTAMPTZ,
    created_at       TIMESTAMPTZ  NOT NULL,
    updated_at       TIMESTAMPTZ  NOT NULL,
    title_search     TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, kente_unaccent(title))) STORED,
    CONSTRAINT conversations_pkey PRIMARY KEY (id),
    CONSTRAINT conversations_share_token_hash_key UNIQUE (share_token_hash),
    CONSTRAINT conversations_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT conversations_agent_id_fkey FOREIGN KEY (agent_id) REFERENCES agents (id) ON DELETE SET NULL,
    CONSTRAINT conversations_folder_id_fkey FOREIGN KEY (folder_id) REFERENCES folders (id) ON DELETE SET NULL
);

--bun:split

CREATE INDEX IF NOT EXISTS conversations_user_list_idx ON conversations (user_id, pinned, updated_at);

--bun:split

CREATE INDEX IF NOT EXISTS conversations_folder_id_idx ON conversations (folder_id);

--bun:split

CREATE INDEX IF NOT EXISTS conversations_agent_id_idx ON conversations (agent_id);

--bun:split

CREATE INDEX IF NOT EXISTS conversations_title_search_idx ON conversations USING GIN (title_search);

--bun:split

CREATE TABLE IF NOT EXISTS messages (
    id                VARCHAR(40)  NOT NULL,
    conversation_id   VARCHAR(40)  NOT NULL,
    user_id           VARCHAR(40)  NOT NULL,
    role              VARCHAR(16)  NOT NULL,
    content           TEXT         NOT NULL,
    model             VARCHAR(128) NOT NULL DEFAULT '',
    prompt_tokens     INTEGER      NOT NULL DEFAULT 0,
    completion_tokens INTEGER      NOT NULL DEFAULT 0,
    created_at        TIMESTAMPTZ  NOT NULL,
    content_search    TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, kente_unaccent(content))) STORED,
    CONSTRAINT messages_pkey PRIMARY KEY (id),
    CONSTRAINT messages_conversation_id_fkey FOREIGN KEY (conversation_id) REFERENCES conversations (id) ON DELETE CASCADE,
    CONSTRAINT messages_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);

--bun:split

CREATE INDEX IF NOT EXISTS messages_conversation_idx ON messages (conversation_id, created_at, id);

--bun:split

CREATE INDEX IF NOT EXISTS messages_user_id_idx ON messages (user_id);

--bun:split

CREATE INDEX IF NOT EXISTS messages_content_search_idx ON messages USING GIN (content_search);

--bun:split

CREATE TABLE IF NOT EXISTS message_ratings (
    user_id         VARCHAR(40) NOT NULL,
    message_id      VARCHAR(40) NOT NULL,
    conversation_id VARCHAR(40) NOT NULL,
    rating          SMALLINT    NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    CONSTRAINT message_ratings_pkey PRIMARY KEY (user_id, message_id),
    CONSTRAINT message_ratings_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT message_ratings_message_id_fkey FOREIGN KEY (message_id) REFERENCES messages (id) ON DELETE CASCADE
);

--bun:split

CREATE INDEX IF NOT EXISTS message_ratings_message_id_idx ON message_ratings (message_id);

--bun:split

CREATE TABLE IF NOT EXISTS user_memories (
    id         VARCHAR(40)  NOT NULL,
    user_id    VARCHAR(40)  NOT NULL,
    memory_key VARCHAR(100) NOT NULL,
    value      TEXT         NOT NULL,
    type       VARCHAR(16)  NOT NULL,
    created_at TIMESTAMPTZ  NOT NULL,
    updated_at TIMESTAMPTZ  NOT NULL,
    CONSTRAINT user_memories_pkey PRIMARY KEY (id),
    CONSTRAINT user_memories_user_key_key UNIQUE (user_id, memory_key),
    CONSTRAINT user_memories_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
