DROP TABLE IF EXISTS recharge_requests;

--bun:split

DROP TABLE IF EXISTS programme_ledger;

--bun:split

DROP TABLE IF EXISTS programme_invoices;

--bun:split

DROP TABLE IF EXISTS quota_plans;
