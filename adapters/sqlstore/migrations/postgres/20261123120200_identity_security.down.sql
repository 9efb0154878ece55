DROP TABLE IF EXISTS auth_counters;

--bun:split

DROP INDEX IF EXISTS users_role_idx;

--bun:split

ALTER TABLE users
    DROP COLUMN IF EXISTS locked_until,
    DROP COLUMN IF EXISTS failed_logins,
    DROP COLUMN IF EXISTS recovery_code_hash,
    DROP COLUMN IF EXISTS totp_last_step,
    DROP COLUMN IF EXISTS totp_enabled,
    DROP COLUMN IF EXISTS totp_pending,
    DROP COLUMN IF EXISTS totp_secret;
