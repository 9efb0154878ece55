DROP TABLE IF EXISTS audit_head;

--bun:split

DROP TABLE IF EXISTS audit_log;
