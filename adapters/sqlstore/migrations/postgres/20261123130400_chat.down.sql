DROP TABLE IF EXISTS user_memories;

--bun:split

DROP TABLE IF EXISTS message_ratings;

--bun:split

DROP TABLE IF EXISTS messages;

--bun:split

DROP TABLE IF EXISTS conversations;

--bun:split

DROP TABLE IF EXISTS folders;

--bun:split

DROP TABLE IF EXISTS agents;

--bun:split

DROP FUNCTION IF EXISTS kente_unaccent(text);
