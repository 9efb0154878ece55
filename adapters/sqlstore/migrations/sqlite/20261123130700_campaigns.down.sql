DROP TABLE IF EXISTS distribution_events;

--bun:split

DROP TABLE IF EXISTS engine_usage;

--bun:split

DROP TABLE IF EXISTS cards;

--bun:split

DROP TABLE IF EXISTS card_job_artifacts;

--bun:split

DROP TABLE IF EXISTS card_jobs;

--bun:split

DROP TABLE IF EXISTS campaigns;
