DROP TABLE IF EXISTS auth_counters;

--bun:split

DROP INDEX IF EXISTS users_role_idx;

--bun:split

ALTER TABLE users DROP COLUMN locked_until;

--bun:split

ALTER TABLE users DROP COLUMN failed_logins;

--bun:split

ALTER TABLE users DROP COLUMN recovery_code_hash;

--bun:split

ALTER TABLE users DROP COLUMN totp_last_step;

--bun:split

ALTER TABLE users DROP COLUMN totp_enabled;

--bun:split

ALTER TABLE users DROP COLUMN totp_pending;

--bun:split

ALTER TABLE users DROP COLUMN totp_secret;
