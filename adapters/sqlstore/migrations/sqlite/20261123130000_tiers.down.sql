DROP TABLE IF EXISTS payment_events;

--bun:split

DROP TABLE IF EXISTS payments;

--bun:split

DROP TABLE IF EXISTS usage_daily;

--bun:split

DROP TABLE IF EXISTS subscriptions;
