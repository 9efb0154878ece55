CREATE TABLE IF NOT EXISTS quota_plans (
    plan                      TEXT    NOT NULL PRIMARY KEY,
    display_name              TEXT    NOT NULL,
    monthly_subscription_fcfa INTEGER NOT NULL,
    studio_print_quota        INTEGER NOT NULL,
    beneficiary_quota         INTEGER NOT NULL,
    sms_quota                 INTEGER NOT NULL,
    whatsapp_quota            INTEGER NOT NULL,
    verifications_quota       INTEGER NOT NULL,
    storage_gb                INTEGER NOT NULL,
    overage_beneficiary_fcfa  INTEGER NOT NULL,
    overage_sms_fcfa          INTEGER NOT NULL,
    overage_whatsapp_fcfa     INTEGER NOT NULL,
    infra_factor              REAL    NOT NULL,
    sp_price_per_card         INTEGER NOT NULL,
    sp_dhis2_price            INTEGER NOT NULL,
    sp_quality_surcharge      INTEGER NOT NULL,
    updated_at                TEXT    NOT NULL
) STRICT;

--bun:split

CREATE TABLE IF NOT EXISTS programme_invoices (
    id             TEXT    NOT NULL PRIMARY KEY,
    programme_id   TEXT    NOT NULL,
    invoice_number TEXT    NOT NULL,
    invoice_type   TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    total_fcfa     INTEGER NOT NULL,
    billing_period TEXT    NOT NULL,
    issued_at      TEXT    NOT NULL,
    signature_hash TEXT    NOT NULL
) STRICT;

--bun:split

CREATE UNIQUE INDEX IF NOT EXISTS programme_invoices_number_key ON programme_invoices (invoice_number);

--bun:split

CREATE INDEX IF NOT EXISTS programme_invoices_programme_idx ON programme_invoices (programme_id, issued_at);

--bun:split

CREATE TABLE IF NOT EXISTS programme_ledger (
    seq                INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    id                 TEXT    NOT NULL,
    programme_id       TEXT    NOT NULL,
    tx_type            TEXT    NOT NULL,
    amount_fcfa        INTEGER NOT NULL,
    description        TEXT    NOT NULL DEFAULT '',
    card_count         INTEGER NOT NULL DEFAULT 0,
    reference          TEXT    NOT NULL DEFAULT '',
    balance_after_fcfa INTEGER NOT NULL,
    invoice_id         TEXT    REFERENCES programme_invoices (id),
    created_at         TEXT    NOT NULL
) STRICT;

--bun:split

CREATE UNIQUE INDEX IF NOT EXISTS programme_ledger_id_key ON programme_ledger (id);

--bun:split

CREATE INDEX IF NOT EXISTS programme_ledger_programme_idx ON programme_ledger (programme_id, seq);

--bun:split

CREATE TABLE IF NOT EXISTS recharge_requests (
    id             TEXT    NOT NULL PRIMARY KEY,
    programme_id   TEXT    NOT NULL,
    requested_by   TEXT    NOT NULL,
    amount_fcfa    INTEGER NOT NULL,
    payment_method TEXT    NOT NULL,
    reference      TEXT    NOT NULL DEFAULT '',
    notes          TEXT    NOT NULL DEFAULT '',
    status         TEXT    NOT NULL,
    decided_by     TEXT    NOT NULL DEFAULT '',
    decision_notes TEXT    NOT NULL DEFAULT '',
    decided_at     TEXT,
    created_at     TEXT    NOT NULL
) STRICT;

--bun:split

CREATE INDEX IF NOT EXISTS recharge_requests_programme_idx ON recharge_requests (programme_id, created_at);

--bun:split

CREATE INDEX IF NOT EXISTS recharge_requests_status_idx ON recharge_requests (status, created_at);
