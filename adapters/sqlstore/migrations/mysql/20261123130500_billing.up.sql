CREATE TABLE IF NOT EXISTS quota_plans (
    plan                      VARCHAR(40)  NOT NULL,
    display_name              VARCHAR(255) NOT NULL,
    monthly_subscription_fcfa BIGINT       NOT NULL,
    studio_print_quota        BIGINT       NOT NULL,
    beneficiary_quota         BIGINT       NOT NULL,
    sms_quota                 BIGINT       NOT NULL,
    whatsapp_quota            BIGINT       NOT NULL,
    verifications_quota       BIGINT       NOT NULL,
    storage_gb                BIGINT       NOT NULL,
    overage_beneficiary_fcfa  BIGINT       NOT NULL,
    overage_sms_fcfa          BIGINT       NOT NULL,
    overage_whatsapp_fcfa     BIGINT       NOT NULL,
    infra_factor              DOUBLE       NOT NULL,
    sp_price_per_card         BIGINT       NOT NULL,
    sp_dhis2_price            BIGINT       NOT NULL,
    sp_quality_surcharge      BIGINT       NOT NULL,
    updated_at                DATETIME(6)  NOT NULL,
    PRIMARY KEY (plan)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

CREATE TABLE IF NOT EXISTS programme_invoices (
    id             VARCHAR(40) NOT NULL,
    programme_id   VARCHAR(40) NOT NULL,
    invoice_number VARCHAR(40) NOT NULL,
    invoice_type   VARCHAR(32) NOT NULL,
    status         VARCHAR(16) NOT NULL,
    total_fcfa     BIGINT      NOT NULL,
    billing_period VARCHAR(7)  NOT NULL,
    issued_at      DATETIME(6) NOT NULL,
    signature_hash VARCHAR(80) NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY programme_invoices_number_key (invoice_number),
    KEY programme_invoices_programme_idx (programme_id, issued_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

CREATE TABLE IF NOT EXISTS programme_ledger (
    seq                BIGINT        NOT NULL AUTO_INCREMENT,
    id                 VARCHAR(40)   NOT NULL,
    programme_id       VARCHAR(40)   NOT NULL,
    tx_type            VARCHAR(16)   NOT NULL,
    amount_fcfa        BIGINT        NOT NULL,
    description        VARCHAR(1000) NOT NULL DEFAULT '',
    card_count         BIGINT        NOT NULL DEFAULT 0,
    reference          VARCHAR(128)  NOT NULL DEFAULT '',
    balance_after_fcfa BIGINT        NOT NULL,
    invoice_id         VARCHAR(40),
    created_at         DATETIME(6)   NOT NULL,
    PRIMARY KEY (seq),
    UNIQUE KEY programme_ledger_id_key (id),
    KEY programme_ledger_programme_idx (programme_id, seq),
    CONSTRAINT programme_ledger_invoice_fkey FOREIGN KEY (invoice_id) REFERENCES programme_invoices (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

CREATE TABLE IF NOT EXISTS recharge_requests (
    id             VARCHAR(40)   NOT NULL,
    programme_id   VARCHAR(40)   NOT NULL,
    requested_by   VARCHAR(40)   NOT NULL,
    amount_fcfa    BIGINT        NOT NULL,
    payment_method VARCHAR(32)   NOT NULL,
    reference      VARCHAR(2000) NOT NULL DEFAULT '',
    notes          VARCHAR(2000) NOT NULL DEFAULT '',
    status         VARCHAR(16)   NOT NULL,
    decided_by     VARCHAR(40)   NOT NULL DEFAULT '',
    decision_notes VARCHAR(2000) NOT NULL DEFAULT '',
    decided_at     DATETIME(6),
    created_at     DATETIME(6)   NOT NULL,
    PRIMARY KEY (id),
    KEY recharge_requests_programme_idx (programme_id, created_at),
    KEY recharge_requests_status_idx (status, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
