package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/uptrace/bun"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/programme"
	"github.com/kente-gov/kente/ports"
)

var (
	_ ports.QuotaPlanStore       = (*BillingStore)(nil)
	_ ports.LedgerStore          = (*BillingStore)(nil)
	_ ports.InvoiceStore         = (*BillingStore)(nil)
	_ ports.RechargeRequestStore = (*BillingStore)(nil)
	_ ports.ModuleStore          = (*BillingStore)(nil)
)

// BillingStore keeps the Oomus billing data: quota plans, the ledger and
// balances, invoices, recharge requests and programme_modules. It
// implements ports.QuotaPlanStore, ports.LedgerStore, ports.InvoiceStore,
// ports.RechargeRequestStore and ports.ModuleStore. Ledger, invoice and
// recharge rows have no foreign key to programmes on purpose: financial
// records outlive a deleted programme.
type BillingStore struct{ db *DB }

// NewBillingStore returns a BillingStore on db, which must be migrated.
func NewBillingStore(db *DB) *BillingStore { return &BillingStore{db: db} }

type quotaPlanRow struct {
	bun.BaseModel `bun:"table:quota_plans"`

	Plan                    string    `bun:"plan,pk"`
	DisplayName             string    `bun:"display_name"`
	MonthlySubscriptionFCFA int64     `bun:"monthly_subscription_fcfa"`
	StudioPrintQuota        int64     `bun:"studio_print_quota"`
	BeneficiaryQuota        int64     `bun:"beneficiary_quota"`
	SMSQuota                int64     `bun:"sms_quota"`
	WhatsAppQuota           int64     `bun:"whatsapp_quota"`
	VerificationsQuota      int64     `bun:"verifications_quota"`
	StorageGB               int64     `bun:"storage_gb"`
	OverageBeneficiaryFCFA  int64     `bun:"overage_beneficiary_fcfa"`
	OverageSMSFCFA          int64     `bun:"overage_sms_fcfa"`
	OverageWhatsAppFCFA     int64     `bun:"overage_whatsapp_fcfa"`
	InfraFactor             float64   `bun:"infra_factor"`
	SPPricePerCard          int64     `bun:"sp_price_per_card"`
	SPDHIS2Price            int64     `bun:"sp_dhis2_price"`
	SPQualitySurcharge      int64     `bun:"sp_quality_surcharge"`
	UpdatedAt               time.Time `bun:"updated_at"`
}

func (r quotaPlanRow) plan() programme.QuotaPlan {
	return programme.QuotaPlan{Plan: r.Plan, DisplayName: r.DisplayName, MonthlySubscriptionFCFA: r.MonthlySubscriptionFCFA,
		StudioPrintQuota: r.StudioPrintQuota, BeneficiaryQuota: r.BeneficiaryQuota, SMSQuota: r.SMSQuota, WhatsAppQuota: r.WhatsAppQuota,
		VerificationsQuota: r.VerificationsQuota, StorageGB: r.StorageGB, OverageBeneficiaryFCFA: r.OverageBeneficiaryFCFA,
		OverageSMSFCFA: r.OverageSMSFCFA, OverageWhatsAppFCFA: r.OverageWhatsAppFCFA, InfraFactor: r.InfraFactor,
		SPPricePerCard: r.SPPricePerCard, SPDHIS2Price: r.SPDHIS2Price, SPQualitySurcharge: r.SPQualitySurcharge, UpdatedAt: r.UpdatedAt.UTC()}
}

// QuotaPlans returns every stored plan, by plan name.
func (s *BillingStore) QuotaPlans(ctx context.Context) ([]programme.QuotaPlan, error) {
	var rows []quotaPlanRow
	if err := s.db.idb(ctx).NewSelect().Model(&rows).Order("plan").Scan(ctx); err != nil && !isNoRows(err) {
		return nil, s.db.wrapErr(err, "list quota plans")
	}
	out := make([]programme.QuotaPlan, len(rows))
	for i, r := range rows {
		out[i] = r.plan()
	}
	return out, nil
}

// PutQuotaPlan creates or replaces p's row.
func (s *BillingStore) PutQuotaPlan(ctx context.Context, p programme.QuotaPlan) error {
	if err := checkText(p.Plan, p.DisplayName); err != nil {
		return err
	}
	row := quotaPlanRow{Plan: p.Plan, DisplayName: p.DisplayName, MonthlySubscriptionFCFA: p.MonthlySubscriptionFCFA,
		StudioPrintQuota: p.StudioPrintQuota, BeneficiaryQuota: p.BeneficiaryQuota, SMSQuota: p.SMSQuota, WhatsAppQuota: p.WhatsAppQuota,
		VerificationsQuota: p.VerificationsQuota, StorageGB: p.StorageGB, OverageBeneficiaryFCFA: p.OverageBeneficiaryFCFA,
		OverageSMSFCFA: p.OverageSMSFCFA, OverageWhatsAppFCFA: p.OverageWhatsAppFCFA, InfraFactor: p.InfraFactor,
		SPPricePerCard: p.SPPricePerCard, SPDHIS2Price: p.SPDHIS2Price, SPQualitySurcharge: p.SPQualitySurcharge, UpdatedAt: dbTime(p.UpdatedAt)}
	return s.db.WithinTx(ctx, func(ctx context.Context) error {
		idb := s.db.idb(ctx)
		if _, err := idb.NewDelete().Model((*quotaPlanRow)(nil)).Where("plan = ?", p.Plan).Exec(ctx); err != nil {
			return s.db.wrapErr(err, "replace quota plan")
		}
		if _, err := idb.NewInsert().Model(&row).Exec(ctx); err != nil {
			return s.db.wrapErr(err, "store quota plan")
		}
		return nil
	})
}

type ledgerRow struct {
	bun.BaseModel `bun:"table:programme_ledger"`

	ID               string         `bun:"id"`
	ProgrammeID      string         `bun:"programme_id"`
	TxType           string         `bun:"tx_type"`
	AmountFCFA       int64          `bun:"amount_fcfa"`
	Description      string         `bun:"description"`
	CardCount        int64          `bun:"card_count"`
	Reference        string         `bun:"reference"`
	BalanceAfterFCFA int64          `bun:"balance_after_fcfa"`
	InvoiceID        sql.NullString `bun:"invoice_id"`
	CreatedAt        time.Time      `bun:"created_at"`
}

func (r ledgerRow) entry() programme.LedgerEntry {
	return programme.LedgerEntry{ID: r.ID, ProgrammeID: r.ProgrammeID, Type: programme.TxType(r.TxType), AmountFCFA: r.AmountFCFA,
		Description: r.Description, CardCount: r.CardCount, Reference: r.Reference, BalanceAfterFCFA: r.BalanceAfterFCFA,
		InvoiceID: r.InvoiceID.String, CreatedAt: r.CreatedAt.UTC()}
}

type invoiceRow struct {
	bun.BaseModel `bun:"table:programme_invoices"`

	ID            string    `bun:"id,pk"`
	ProgrammeID   string    `bun:"programme_id"`
	Number        string    `bun:"invoice_number"`
	Type          string    `bun:"invoice_type"`
	Status        string    `bun:"status"`
	TotalFCFA     int64     `bun:"total_fcfa"`
	BillingPeriod string    `bun:"billing_period"`
	IssuedAt      time.Time `bun:"issued_at"`
	SignatureHash string    `bun:"signature_hash"`
}

func (r invoiceRow) invoice() programme.Invoice {
	return programme.Invoice{ID: r.ID, ProgrammeID: r.ProgrammeID, Number: r.Number, Type: programme.InvoiceType(r.Type), Status: r.Status,
		TotalFCFA: r.TotalFCFA, BillingPeriod: r.BillingPeriod, IssuedAt: r.IssuedAt.UTC(), SignatureHash: r.SignatureHash}
}

var errInvoiceNotFound = fault.New(fault.NotFound, "billing.invoice_not_found", "Invoice not found")

// ApplyBalanceChange locks the programme row (FOR UPDATE on PostgreSQL and
// MySQL; SQLite's immediate transaction holds the write lock), moves the
// balance and writes the invoice and the ledger entry in one transaction.
func (s *BillingStore) ApplyBalanceChange(ctx context.Context, ch ports.BalanceChange) (programme.LedgerEntry, error) {
	e := ch.Entry
	if err := checkText(e.ID, e.ProgrammeID, string(e.Type), e.Description, e.Reference); err != nil {
		return programme.LedgerEntry{}, err
	}
	if ch.Invoice != nil {
		inv := ch.Invoice
		if err := checkText(inv.ID, inv.Number, string(inv.Type), inv.Status, inv.BillingPeriod, inv.SignatureHash); err != nil {
			return programme.LedgerEntry{}, err
		}
		e.InvoiceID = inv.ID
	}
	var out programme.LedgerEntry
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		idb := s.db.idb(ctx)
		var bal struct {
			BalanceFCFA int64 `bun:"balance_fcfa"`
		}
		q := idb.NewSelect().Table("programmes").Column("balance_fcfa").Where("id = ?", e.ProgrammeID)
		if s.db.Dialect != SQLite {
			q = q.For("UPDATE")
		}
		if err := q.Scan(ctx, &bal); isNoRows(err) {
			return errProgrammeNotFound
		} else if err != nil {
			return s.db.wrapErr(err, "lock programme balance")
		}
		next := bal.BalanceFCFA + e.AmountFCFA
		if e.AmountFCFA < 0 && next < 0 {
			return programme.InsufficientFunds(programme.CodeInsufficientBalance, "Insufficient balance", -e.AmountFCFA, bal.BalanceFCFA)
		}
		if _, err := idb.NewUpdate().Table("programmes").Set("balance_fcfa = ?", next).Where("id = ?", e.ProgrammeID).Exec(ctx); err != nil {
			return s.db.wrapErr(err, "update balance")
		}
		if ch.Invoice != nil {
			inv := ch.Invoice
			row := invoiceRow{ID: inv.ID, ProgrammeID: e.ProgrammeID, Number: inv.Number, Type: string(inv.Type), Status: inv.Status,
				TotalFCFA: inv.TotalFCFA, BillingPeriod: inv.BillingPeriod, IssuedAt: dbTime(inv.IssuedAt), SignatureHash: inv.SignatureHash}
			if _, err := idb.NewInsert().Model(&row).Exec(ctx); err != nil {
				return conflictOr(s.db, err, "billing.invoice_taken", "store invoice")
			}
		}
		e.BalanceAfterFCFA = next
		row := ledgerRow{ID: e.ID, ProgrammeID: e.ProgrammeID, TxType: string(e.Type), AmountFCFA: e.AmountFCFA, Description: e.Description,
			CardCount: e.CardCount, Reference: e.Reference, BalanceAfterFCFA: next,
			InvoiceID: sql.NullString{String: e.InvoiceID, Valid: e.InvoiceID != ""}, CreatedAt: dbTime(e.CreatedAt)}
		if _, err := idb.NewInsert().Model(&row).Exec(ctx); err != nil {
			return conflictOr(s.db, err, "billing.entry_taken", "store ledger entry")
		}
		out = row.entry()
		return nil
	})
	return out, err
}

// LedgerEntries lists a programme's entries newest first.
func (s *BillingStore) LedgerEntries(ctx context.Context, programmeID string, txType programme.TxType, limit, offset int) ([]programme.LedgerEntry, int, error) {
	if err := checkText(programmeID, string(txType)); err != nil {
		return nil, 0, err
	}
	limit, offset = min(max(limit, 1), 500), max(offset, 0)
	var rows []ledgerRow
	q := s.db.idb(ctx).NewSelect().Model(&rows).Where("programme_id = ?", programmeID)
	if txType != "" {
		q = q.Where("tx_type = ?", string(txType))
	}
	n, err := q.OrderExpr("seq DESC").Limit(int64(limit)).Offset(int64(offset)).ScanAndCount(ctx)
	if err != nil && !isNoRows(err) {
		return nil, 0, s.db.wrapErr(err, "list ledger")
	}
	out := make([]programme.LedgerEntry, len(rows))
	for i, r := range rows {
		out[i] = r.entry()
	}
	return out, int(n), nil
}

// DebitTotal sums every negative amount, as a positive number.
func (s *BillingStore) DebitTotal(ctx context.Context) (int64, error) {
	var total sql.NullInt64
	err := s.db.idb(ctx).NewSelect().Table("programme_ledger").ColumnExpr("SUM(amount_fcfa)").Where("amount_fcfa < 0").Scan(ctx, &total)
	if err != nil && !isNoRows(err) {
		return 0, s.db.wrapErr(err, "sum debits")
	}
	return -total.Int64, nil
}

// Invoice returns fault.NotFound when absent.
func (s *BillingStore) Invoice(ctx context.Context, id string) (programme.Invoice, error) {
	if err := checkText(id); err != nil {
		return programme.Invoice{}, err
	}
	var row invoiceRow
	err := s.db.idb(ctx).NewSelect().Model(&row).Where("id = ?", id).Limit(1).Scan(ctx)
	if isNoRows(err) {
		return programme.Invoice{}, errInvoiceNotFound
	}
	if err != nil {
		return programme.Invoice{}, s.db.wrapErr(err, "load invoice")
	}
	return row.invoice(), nil
}

// Invoices lists a programme's invoices newest first.
func (s *BillingStore) Invoices(ctx context.Context, programmeID string, limit, offset int) ([]programme.Invoice, int, error) {
	if err := checkText(programmeID); err != nil {
		return nil, 0, err
	}
	limit, offset = min(max(limit, 1), 500), max(offset, 0)
	var rows []invoiceRow
	n, err := s.db.idb(ctx).NewSelect().Model(&rows).Where("programme_id = ?", programmeID).
		OrderExpr("issued_at DESC, invoice_number DESC").Limit(int64(limit)).Offset(int64(offset)).ScanAndCount(ctx)
	if err != nil && !isNoRows(err) {
		return nil, 0, s.db.wrapErr(err, "list invoices")
	}
	out := make([]programme.Invoice, len(rows))
	for i, r := range rows {
		out[i] = r.invoice()
	}
	return out, int(n), nil
}

type rechargeRow struct {
	bun.BaseModel `bun:"table:recharge_requests"`

	ID            string     `bun:"id,pk"`
	ProgrammeID   string     `bun:"programme_id"`
	RequestedBy   string     `bun:"requested_by"`
	AmountFCFA    int64      `bun:"amount_fcfa"`
	PaymentMethod string     `bun:"payment_method"`
	Reference     string     `bun:"reference"`
	Notes         string     `bun:"notes"`
	Status        string     `bun:"status"`
	DecidedBy     string     `bun:"decided_by"`
	DecisionNotes string     `bun:"decision_notes"`
	DecidedAt     *time.Time `bun:"decided_at"`
	CreatedAt     time.Time  `bun:"created_at"`
}

func newRechargeRow(r programme.RechargeRequest) (rechargeRow, error) {
	if err := checkText(r.ID, r.ProgrammeID, r.RequestedBy, r.PaymentMethod, r.Reference, r.Notes, r.Status, r.DecidedBy, r.DecisionNotes); err != nil {
		return rechargeRow{}, err
	}
	return rechargeRow{ID: r.ID, ProgrammeID: r.ProgrammeID, RequestedBy: r.RequestedBy, AmountFCFA: r.AmountFCFA, PaymentMethod: r.PaymentMethod,
		Reference: r.Reference, Notes: r.Notes, Status: r.Status, DecidedBy: r.DecidedBy, DecisionNotes: r.DecisionNotes,
		DecidedAt: dbTimePtr(r.DecidedAt), CreatedAt: dbTime(r.CreatedAt)}, nil
}

func (r rechargeRow) request() programme.RechargeRequest {
	out := programme.RechargeRequest{ID: r.ID, ProgrammeID: r.ProgrammeID, RequestedBy: r.RequestedBy, AmountFCFA: r.AmountFCFA,
		PaymentMethod: r.PaymentMethod, Reference: r.Reference, Notes: r.Notes, Status: r.Status, DecidedBy: r.DecidedBy,
		DecisionNotes: r.DecisionNotes, CreatedAt: r.CreatedAt.UTC()}
	if r.DecidedAt != nil {
		t := r.DecidedAt.UTC()
		out.DecidedAt = &t
	}
	return out
}

var errRechargeNotFound = fault.New(fault.NotFound, "billing.recharge_not_found", "Recharge request not found")

// CreateRechargeRequest stores a new request.
func (s *BillingStore) CreateRechargeRequest(ctx context.Context, r programme.RechargeRequest) error {
	row, err := newRechargeRow(r)
	if err != nil {
		return err
	}
	if _, err := s.db.idb(ctx).NewInsert().Model(&row).Exec(ctx); err != nil {
		return conflictOr(s.db, err, "billing.recharge_taken", "create recharge request")
	}
	return nil
}

// RechargeRequest returns fault.NotFound when absent.
func (s *BillingStore) RechargeRequest(ctx context.Context, id string) (programme.RechargeRequest, error) {
	if err := checkText(id); err != nil {
		return programme.RechargeRequest{}, err
	}
	var row rechargeRow
	err := s.db.idb(ctx).NewSelect().Model(&row).Where("id = ?", id).Limit(1).Scan(ctx)
	if isNoRows(err) {
		return programme.RechargeRequest{}, errRechargeNotFound
	}
	if err != nil {
		return programme.RechargeRequest{}, s.db.wrapErr(err, "load recharge request")
	}
	return row.request(), nil
}

// RechargeRequests lists matching requests newest first.
func (s *BillingStore) RechargeRequests(ctx context.Context, f ports.RechargeFilter) ([]programme.RechargeRequest, int, error) {
	if err := checkText(f.ProgrammeID, f.Status); err != nil {
		return nil, 0, err
	}
	limit, offset := min(max(f.Limit, 1), 500), max(f.Offset, 0)
	var rows []rechargeRow
	q := s.db.idb(ctx).NewSelect().Model(&rows)
	if f.ProgrammeID != "" {
		q = q.Where("programme_id = ?", f.ProgrammeID)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	n, err := q.OrderExpr("created_at DESC, id DESC").Limit(int64(limit)).Offset(int64(offset)).ScanAndCount(ctx)
	if err != nil && !isNoRows(err) {
		return nil, 0, s.db.wrapErr(err, "list recharge requests")
	}
	out := make([]programme.RechargeRequest, len(rows))
	for i, r := range rows {
		out[i] = r.request()
	}
	return out, int(n), nil
}

// DecideRechargeRequest locks the request, applies fn and writes the status
// and decision columns.
func (s *BillingStore) DecideRechargeRequest(ctx context.Context, id string, fn func(*programme.RechargeRequest) error) (programme.RechargeRequest, error) {
	if err := checkText(id); err != nil {
		return programme.RechargeRequest{}, err
	}
	var out programme.RechargeRequest
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		idb := s.db.idb(ctx)
		var row rechargeRow
		q := idb.NewSelect().Model(&row).Where("id = ?", id)
		if s.db.Dialect != SQLite {
			q = q.For("UPDATE")
		}
		if err := q.Scan(ctx); isNoRows(err) {
			return errRechargeNotFound
		} else if err != nil {
			return s.db.wrapErr(err, "lock recharge request")
		}
		r := row.request()
		if err := fn(&r); err != nil {
			return err
		}
		r.ID, r.ProgrammeID, r.RequestedBy, r.AmountFCFA, r.CreatedAt = row.ID, row.ProgrammeID, row.RequestedBy, row.AmountFCFA, row.CreatedAt
		next, err := newRechargeRow(r)
		if err != nil {
			return err
		}
		if _, err := idb.NewUpdate().Model(&next).Column("status", "decided_by", "decision_notes", "decided_at").WherePK().Exec(ctx); err != nil {
			return s.db.wrapErr(err, "decide recharge request")
		}
		out = next.request()
		out.PaymentMethod, out.Reference, out.Notes = row.PaymentMethod, row.Reference, row.Notes
		return nil
	})
	return out, err
}

type moduleRow struct {
	bun.BaseModel `bun:"table:programme_modules"`

	ProgrammeID    string     `bun:"programme_id,pk"`
	Key            string     `bun:"module_key,pk"`
	Status         string     `bun:"status"`
	ActivatedAt    *time.Time `bun:"activated_at"`
	IncludedInPlan bool       `bun:"included_in_plan"`
}

// ProgrammeModules returns the programme's module rows by key.
func (s *BillingStore) ProgrammeModules(ctx context.Context, programmeID string) ([]programme.ModuleState, error) {
	if err := checkText(programmeID); err != nil {
		return nil, err
	}
	var rows []moduleRow
	if err := s.db.idb(ctx).NewSelect().Model(&rows).Where("programme_id = ?", programmeID).Order("module_key").Scan(ctx); err != nil && !isNoRows(err) {
		return nil, s.db.wrapErr(err, "list programme modules")
	}
	out := make([]programme.ModuleState, len(rows))
	for i, r := range rows {
		out[i] = programme.ModuleState{Key: r.Key, Status: r.Status, IncludedInPlan: r.IncludedInPlan}
		if r.ActivatedAt != nil {
			t := r.ActivatedAt.UTC()
			out[i].ActivatedAt = &t
		}
	}
	return out, nil
}

// SetModule replaces the row of m.Key.
func (s *BillingStore) SetModule(ctx context.Context, programmeID string, m programme.ModuleState) error {
	if err := checkText(programmeID, m.Key, m.Status); err != nil {
		return err
	}
	row := moduleRow{ProgrammeID: programmeID, Key: m.Key, Status: m.Status, ActivatedAt: dbTimePtr(m.ActivatedAt), IncludedInPlan: m.IncludedInPlan}
	return s.db.WithinTx(ctx, func(ctx context.Context) error {
		idb := s.db.idb(ctx)
		if _, err := idb.NewDelete().Model((*moduleRow)(nil)).Where("programme_id = ?", programmeID).Where("module_key = ?", m.Key).Exec(ctx); err != nil {
			return s.db.wrapErr(err, "replace module")
		}
		if _, err := idb.NewInsert().Model(&row).Exec(ctx); err != nil {
			if c, _ := classify(err); c == classForeignKey {
				return errProgrammeNotFound
			}
			return s.db.wrapErr(err, "store module")
		}
		return nil
	})
}
