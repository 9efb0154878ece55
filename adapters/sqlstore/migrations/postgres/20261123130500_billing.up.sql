CREATE TABLE IF NOT EXISTS quota_plans (
    plan                      VARCHAR(40)      NOT NULL,
    display_name              VARCHAR(255)     NOT NULL,
    monthly_subscription_fcfa BIGINT           NOT NULL,
    studio_print_quota        BIGINT           NOT NULL,
    beneficiary_quota         BIGINT           NOT NULL,
    sms_quota                 BIGINT           NOT NULL,
    whatsapp_quota            BIGINT           NOT NULL,
    verifications_quota       BIGINT           NOT NULL,
    storage_gb                BIGINT           NOT NULL,
    overage_beneficiary_fcfa  BIGINT           NOT NULL,
    overage_sms_fcfa          BIGINT           NOT NULL,
    overage_whatsapp_fcfa     BIGINT           NOT NULL,
    infra_factor              DOUBLE PRECISION NOT NULL,
    sp_price_per_card         BIGINT           NOT NULL,
    sp_dhis2_price            BIGINT           NOT NULL,
    sp_quality_surcharge      BIGINT           NOT NULL,
    updated_at                TIMESTAMPTZ      NOT NULL,
    CONSTRAINT quota_plans_pkey PRIMARY KEY (plan)
);

--bun:split

CREATE TABLE IF NOT EXISTS programme_invoices (
    id             VARCHAR(40)  NOT NULL,
    programme_id   VARCHAR(40)  NOT NULL,
    invoice_number VARCHAR(40)  NOT NULL,
    invoice_type   VARCHAR(32)  NOT NULL,
    status         VARCHAR(16)  NOT NULL,
    total_fcfa     BIGINT       NOT NULL,
    billing_period VARCHAR(7)   NOT NULL,
    issued_at      TIMESTAMPTZ  NOT NULL,
    signature_hash VARCHAR(80)  NOT NULL,
    CONSTRAINT programme_invoices_pkey PRIMARY KEY (id),
    CONSTRAINT programme_invoices_number_key UNIQUE (invoice_number)
);

--bun:split

CREATE INDEX IF NOT EXISTS programme_invoices_programme_idx ON programme_invoices (programme_id, issued_at);

--bun:split

CREATE TABLE IF NOT EXISTS programme_ledger (
    id                 VARCHAR(40)   NOT NULL,
    programme_id       VARCHAR(40)   NOT NULL,
    tx_type            VARCHAR(16)   NOT NULL,
    amount_fcfa        BIGINT        NOT NULL,
    description        VARCHAR(1000) NOT NULL DEFAULT '',
    card_count         BIGINT        NOT NULL DEFAULT 0,
    reference          VARCHAR(128)  NOT NULL DEFAULT '',
    balance_after_fcfa BIGINT        NOT NULL,
    invoice_id         VARCHAR(40),
    created_at         TIMESTAMPTZ   NOT NULL,
    seq                BIGSERIAL     NOT NULL,
    CONSTRAINT programme_ledger_pkey PRIMARY KEY (id),
    CONSTRAINT programme_ledger_invoice_fkey FOREIGN KEY (invoice_id) REFERENCES programme_invoices (id)
);

--bun:split

CREATE INDEX IF NOT EXISTS programme_ledger_programme_idx ON programme_ledger (programme_id, seq);

--bun:split

CREATE TABLE IF NOT EXISTS recharge_requests (
    id             VARCHAR(40)  NOT NULL,
    programme_id   VARCHAR(40)  NOT NULL,
    requested_by   VARCHAR(40)  NOT NULL,
    amount_fcfa    BIGINT       NOT NULL,
    payment_method VARCHAR(32)  NOT NULL,
    reference      VARCHAR(2000) NOT NULL DEFAULT '',
    notes          VARCHAR(2000) NOT NULL DEFAULT '',
    status         VARCHAR(16)  NOT NULL,
    decided_by     VARCHAR(40)  NOT NULL DEFAULT '',
    decision_notes VARCHAR(2000) NOT NULL DEFAULT '',
    decided_at     TIMESTAMPTZ,
    created_at     TIMESTAMPTZ  NOT NULL,
    CONSTRAINT recharge_requests_pkey PRIMARY KEY (id)
);

--bun:split

CREATE INDEX IF NOT EXISTS recharge_requests_programme_idx ON recharge_requests (programme_id, created_at);

--bun:split

CREATE INDEX IF NOT EXISTS recharge_requests_status_idx ON recharge_requests (status, created_at);
