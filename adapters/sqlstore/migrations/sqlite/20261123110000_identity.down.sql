DROP TABLE IF EXISTS sessions;

--bun:split

DROP TABLE IF EXISTS users;
