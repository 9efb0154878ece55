// Package billingv1svc holds the Oomus (/api/v1) billing use cases: quota
// plans, the balance and its ledger, recharge requests validated by platform
// administrators, plan changes, premium modules, signed invoices and the
// platform statistics. Every balance change is one transaction with its
// ledger row, its invoice and its audit record. It speaks core types and
// core/fault errors and knows nothing of HTTP or SQL. (The AskOzzy Paystack
// context is app/billingsvc.)
package billingv1svc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/kente-gov/kente/core/audit"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/programme"
	"github.com/kente-gov/kente/ports"
)

// Auditor records billing actions; records written with a transaction's
// ctx commit with it. *auditsvc.Service implements it.
type Auditor interface {
	Record(ctx context.Context, r audit.Record) error
}

// Deps are the ports the service drives.
type Deps struct {
	Programmes ports.ProgrammeStore
	Plans      ports.QuotaPlanStore
	Ledger     ports.LedgerStore
	Invoices   ports.InvoiceStore
	Recharges  ports.RechargeRequestStore
	Modules    ports.ModuleStore
	Tx         ports.Tx
	Audit      Auditor
	Clock      ports.Clock
	Rand       io.Reader // a CSPRNG
	Log        *slog.Logger
}

// Options tune the service.
type Options struct {
	// InvoiceKey keys the HMAC-SHA256 of invoices (KENTE_INVOICE_HMAC_KEY).
	// At least 16 bytes.
	InvoiceKey []byte
}

// Validate reports unusable options.
func (o Options) Validate() error {
	if len(o.InvoiceKey) < 16 {
		return errors.New("invoice HMAC key must be at least 16 bytes")
	}
	return nil
}

// Actor is the authenticated caller, as the inbound adapter resolved it.
type Actor struct {
	ProgrammeID string
	UserID      string
	Role        programme.Role
	IsAdmin     bool // the programme's platform-administrator flag
	IP          string
	UserAgent   string
}

// Service runs the billing use cases.
type Service struct {
	d    Deps
	opts Options
}

// New returns a Service. It panics on missing dependencies or invalid
// options, both programmer errors caught at wiring time.
func New(d Deps, opts Options) *Service {
	if err := opts.Validate(); err != nil {
		panic("billingv1svc: " + err.Error())
	}
	if d.Programmes == nil || d.Plans == nil || d.Ledger == nil || d.Invoices == nil || d.Recharges == nil || d.Modules == nil ||
		d.Tx == nil || d.Audit == nil || d.Clock == nil || d.Rand == nil {
		panic("billingv1svc: every dependency but Log is required")
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{d: d, opts: opts}
}

// Stable fault codes callers may branch on.
const (
	CodeAdminRequired    = "programme.admin_required"
	CodeForbidden        = "billing.forbidden"
	CodeUnknownPlan      = "billing.unknown_plan"
	CodePlanActive       = "billing.plan_already_active"
	CodeUnknownModule    = "billing.unknown_module"
	CodeQuoteRequired    = "billing.module_quote_required"
	CodeModuleActive     = "billing.module_already_active"
	CodeModuleInactive   = "billing.module_not_active"
	CodeModuleBundled    = "billing.module_bundled"
	CodeRechargeDecided  = "billing.recharge_already_decided"
	CodeRechargeNotFound = "billing.recharge_not_found"
	CodeInvoiceNotFound  = "billing.invoice_not_found"
)

var (
	errAdminOnly       = fault.New(fault.Forbidden, CodeAdminRequired, "Platform administrator rights are required")
	errCannotManage    = fault.New(fault.Forbidden, CodeForbidden, "Your role may not manage this programme's billing")
	errRechargeMissing = fault.New(fault.NotFound, CodeRechargeNotFound, "Recharge request not found")
	errInvoiceMissing  = fault.New(fault.NotFound, CodeInvoiceNotFound, "Invoice not found")
)

// requireAdmin refuses a non-administrator.
func requireAdmin(a Actor) error {
	if !a.IsAdmin {
		return errAdminOnly
	}
	return nil
}

// requireManager refuses roles that may not change billing (§3.2:
// programme_user is an operator).
func requireManager(a Actor) error {
	if !a.Role.CanConfigure() {
		return errCannotManage
	}
	return nil
}

// page checks limit (1–max, def when 0) and offset.
func page(limit, offset, def, maxLimit int) (int, int, error) {
	if limit == 0 {
		limit = def
	}
	if limit < 1 || limit > maxLimit {
		return 0, 0, fault.Field("limit", "request.invalid_limit", fmt.Sprintf("limit must be between 1 and %d", maxLimit))
	}
	if offset < 0 {
		return 0, 0, fault.Field("offset", "request.invalid_offset", "offset must not be negative")
	}
	return limit, offset, nil
}

// event builds an audit record of a successful action by a.
func (s *Service) event(a Actor, action, targetType, targetID string, details map[string]any) audit.Record {
	var raw json.RawMessage
	if len(details) > 0 {
		raw, _ = json.Marshal(details)
	}
	ua := a.UserAgent
	if len(ua) > 512 {
		ua = ua[:512]
	}
	return audit.Record{At: s.d.Clock.Now(), ActorID: a.UserID, Action: action, TargetType: targetType, TargetID: targetID,
		IP: a.IP, UserAgent: ua, Outcome: audit.Success, Details: raw}
}

func (s *Service) uuid() (string, error) { return programme.NewUUID(s.d.Rand) }

// issueInvoice builds and signs an invoice of total FCFA issued at now.
func (s *Service) issueInvoice(programmeID string, t programme.InvoiceType, total int64, now time.Time) (*programme.Invoice, error) {
	id, err := s.uuid()
	if err != nil {
		return nil, err
	}
	num, err := programme.InvoiceNumber(t, now, s.d.Rand)
	if err != nil {
		return nil, err
	}
	inv := &programme.Invoice{ID: id, ProgrammeID: programmeID, Number: num, Type: t, Status: programme.InvoicePaid, TotalFCFA: total,
		BillingPeriod: programme.BillingPeriod(now), IssuedAt: now}
	inv.SignatureHash = programme.SignInvoice(s.opts.InvoiceKey, *inv)
	return inv, nil
}

// Debit is a billed debit another context (jobs, PVC orders) asks for.
type Debit struct {
	ProgrammeID string
	AmountFCFA  int64 // positive: what to take
	TxType      programme.TxType
	InvoiceType programme.InvoiceType
	Description string
	CardCount   int64
	Reference   string // e.g. "JOB:{id}"; "INV:{number}" when empty
}

// ApplyDebit takes d.AmountFCFA from the balance with its ledger entry, a
// signed invoice and an audit record, in one transaction (joining the
// caller's when ctx carries one). A balance that cannot cover it is
// fault.PaymentRequired with the expected cost and the balance.
func (s *Service) ApplyDebit(ctx context.Context, a Actor, d Debit) (programme.LedgerEntry, *programme.Invoice, error) {
	if d.AmountFCFA <= 0 || d.AmountFCFA > programme.MaxAmountFCFA {
		return programme.LedgerEntry{}, nil, fault.Field("amount_fcfa", "billing.invalid_amount", "amount_fcfa must be positive")
	}
	if !d.TxType.Valid() || d.InvoiceType.Code() == "" {
		return programme.LedgerEntry{}, nil, fault.Field("tx_type", "billing.invalid_type", "unknown transaction or invoice type")
	}
	now := s.d.Clock.Now()
	var entry programme.LedgerEntry
	var inv *programme.Invoice
	err := s.d.Tx.WithinTx(ctx, func(ctx context.Context) error {
		var err error
		entry, inv, err = s.debit(ctx, a, d, now)
		return err
	})
	return entry, inv, err
}

// debit runs inside a transaction: invoice, ledger entry and audit record.
func (s *Service) debit(ctx context.Context, a Actor, d Debit, now time.Time) (programme.LedgerEntry, *programme.Invoice, error) {
	inv, err := s.issueInvoice(d.ProgrammeID, d.InvoiceType, d.AmountFCFA, now)
	if err != nil {
		return programme.LedgerEntry{}, nil, err
	}
	id, err := s.uuid()
	if err != nil {
		return programme.LedgerEntry{}, nil, err
	}
	ref := d.Reference
	if ref == "" {
		ref = "INV:" + inv.Number
	}
	e := programme.LedgerEntry{ID: id, ProgrammeID: d.ProgrammeID, Type: d.TxType, AmountFCFA: -d.AmountFCFA, Description: d.Description,
		CardCount: d.CardCount, Reference: ref, CreatedAt: now}
	stored, err := s.d.Ledger.ApplyBalanceChange(ctx, ports.BalanceChange{Entry: e, Invoice: inv})
	if err != nil {
		return programme.LedgerEntry{}, nil, err
	}
	err = s.d.Audit.Record(ctx, s.event(a, "billing.debit", "programme", d.ProgrammeID, map[string]any{
		"amount_fcfa": -d.AmountFCFA, "tx_type": d.TxType, "invoice_number": inv.Number, "balance_after_fcfa": stored.BalanceAfterFCFA}))
	if err != nil {
		return programme.LedgerEntry{}, nil, fmt.Errorf("audit debit: %w", err)
	}
	return stored, inv, nil
}
