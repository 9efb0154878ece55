DROP TABLE IF EXISTS webauthn_challenges;

--bun:split

DROP TABLE IF EXISTS webauthn_credentials;
