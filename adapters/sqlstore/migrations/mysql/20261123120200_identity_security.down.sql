DROP TABLE IF EXISTS auth_counters;

--bun:split

ALTER TABLE users
    DROP INDEX users_role_idx,
    DROP COLUMN locked_until,
    DROP COLUMN failed_logins,
    DROP COLUMN recovery_code_hash,
    DROP COLUMN totp_last_step,
    DROP COLUMN totp_enabled,
    DROP COLUMN totp_pending,
    DROP COLUMN totp_secret;
