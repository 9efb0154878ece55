package ports

import (
	"context"

	"github.com/kente-gov/kente/core/programme"
)

// QuotaPlanStore keeps the administrators' edits of the quota plans (one
// row per plan). A plan never stored is read from
// programme.DefaultQuotaPlans by the service.
type QuotaPlanStore interface {
	// QuotaPlans returns every stored plan, in any order.
	QuotaPlans(ctx context.Context) ([]programme.QuotaPlan, error)
	// PutQuotaPlan creates or replaces the row of p.Plan.
	PutQuotaPlan(ctx context.Context, p programme.QuotaPlan) error
}

// BalanceChange is one atomic movement of a programme's balance: its ledger
// entry and, for a debit that is billed, its invoice.
type BalanceChange struct {
	// Entry is the ledger row; its ProgrammeID names the programme and its
	// signed AmountFCFA the change. The store sets BalanceAfterFCFA (and
	// InvoiceID from Invoice).
	Entry programme.LedgerEntry
	// Invoice, when not nil, is stored with the entry (already signed).
	Invoice *programme.Invoice
}

// LedgerStore owns programmes' balances and their ledger.
type LedgerStore interface {
	// ApplyBalanceChange locks the programme's row, adds the signed amount
	// to its balance, and stores the ledger entry (with the new balance as
	// BalanceAfterFCFA) and the invoice, atomically; called with a ctx of
	// ports.Tx it joins that transaction. Concurrent calls on one programme
	// are serialised. A change that would leave the balance negative writes
	// nothing and is fault.PaymentRequired with code
	// programme.CodeInsufficientBalance and Extra "expected_cost_fcfa" and
	// "balance_fcfa". An unknown programme is fault.NotFound; a taken entry
	// id, invoice id or invoice number fault.Conflict. It returns the stored
	// entry.
	ApplyBalanceChange(ctx context.Context, ch BalanceChange) (programme.LedgerEntry, error)
	// LedgerEntries lists a programme's entries newest first (only those of
	// txType when it is not empty) and how many match. limit 1–500,
	// offset ≥ 0.
	LedgerEntries(ctx context.Context, programmeID string, txType programme.TxType, limit, offset int) ([]programme.LedgerEntry, int, error)
	// DebitTotal returns the sum of every programme's debits as a positive
	// number (the platform revenue of §6.4).
	DebitTotal(ctx context.Context) (int64, error)
}

// InvoiceStore reads the invoices LedgerStore issues.
type InvoiceStore interface {
	// Invoice returns fault.NotFound when there is no such invoice.
	Invoice(ctx context.Context, id string) (programme.Invoice, error)
	// Invoices lists a programme's invoices newest first and how many it
	// has. limit 1–500, offset ≥ 0.
	Invoices(ctx context.Context, programmeID string, limit, offset int) ([]programme.Invoice, int, error)
}

// RechargeFilter selects recharge requests: empty fields match all.
type RechargeFilter struct {
	ProgrammeID string
	Status      string
	Limit       int // 1–500
	Offset      int
}

// RechargeRequestStore keeps recharge requests.
type RechargeRequestStore interface {
	// CreateRechargeRequest stores a new request; a taken id is
	// fault.Conflict.
	CreateRechargeRequest(ctx context.Context, r programme.RechargeRequest) error
	// RechargeRequest returns fault.NotFound when absent.
	RechargeRequest(ctx context.Context, id string) (programme.RechargeRequest, error)
	// RechargeRequests lists matching requests newest first and how many
	// match.
	RechargeRequests(ctx context.Context, f RechargeFilter) ([]programme.RechargeRequest, int, error)
	// DecideRechargeRequest locks the request, applies fn and stores the
	// status and decision fields it set, atomically (joining a ports.Tx
	// transaction when ctx has one); of concurrent callers each sees the
	// previous one's result. fn's error aborts with nothing written.
	// fault.NotFound when absent.
	DecideRechargeRequest(ctx context.Context, id string, fn func(*programme.RechargeRequest) error) (programme.RechargeRequest, error)
}

// ModuleStore writes the programme_modules rows that ports.ModuleChecker
// reads.
type ModuleStore interface {
	// ProgrammeModules returns the programme's module rows, by key.
	ProgrammeModules(ctx context.Context, programmeID string) ([]programme.ModuleState, error)
	// SetModule creates or replaces the row of m.Key for programmeID. An
	// unknown programme is fault.NotFound.
	SetModule(ctx context.Context, programmeID string, m programme.ModuleState) error
}
