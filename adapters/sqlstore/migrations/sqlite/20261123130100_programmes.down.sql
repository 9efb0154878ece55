DROP TABLE IF EXISTS programme_modules;

--bun:split

DROP TABLE IF EXISTS programme_refresh_tokens;

--bun:split

DROP TABLE IF EXISTS programme_sessions;

--bun:split

DROP TABLE IF EXISTS programme_users;

--bun:split

DROP TABLE IF EXISTS programmes;
