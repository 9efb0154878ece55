DROP TABLE IF EXISTS wallet_signing_keys;

--bun:split

DROP TABLE IF EXISTS wallet_syncs;

--bun:split

DROP TABLE IF EXISTS wallet_devices;

--bun:split

DROP TABLE IF EXISTS wallet_passes;
