package billingv1svc_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/app/auditsvc"
	"github.com/kente-gov/kente/app/billingv1svc"
	"github.com/kente-gov/kente/core/audit"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/programme"
	"github.com/kente-gov/kente/ports"
	"github.com/kente-gov/kente/test/testkit"
)

var (
	ctx        = context.Background()
	invoiceKey = []byte(strings.Repeat("k", 32))
	start      = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	errAudit   = errors.New("audit log unavailable")
)

// failingAuditor writes through the real audit service but fails the
// action named failOn, to prove an action's writes roll back together.
type failingAuditor struct {
	*auditsvc.Service
	failOn atomic.Value // string
}

func (f *failingAuditor) Record(ctx context.Context, r audit.Record) error {
	if s, _ := f.failOn.Load().(string); s == r.Action {
		return errAudit
	}
	return f.Service.Record(ctx, r)
}

type fixture struct {
	db      *sqlstore.DB
	svc     *billingv1svc.Service
	clock   *testkit.Clock
	progs   *sqlstore.ProgrammeStore
	billing *sqlstore.BillingStore
	checker *sqlstore.ModuleChecker
	log     *sqlstore.AuditLog
	auditor *failingAuditor
}

func newFixture(t testing.TB, d sqlstore.Dialect) fixture {
	db := sqltest.Fresh(t, d)
	clock := testkit.NewClock(start)
	f := fixture{db: db, clock: clock, progs: sqlstore.NewProgrammeStore(db), billing: sqlstore.NewBillingStore(db),
		checker: sqlstore.NewModuleChecker(db), log: sqlstore.NewAuditLog(db)}
	f.auditor = &failingAuditor{Service: auditsvc.New(f.log, clock, rand.Reader, nil)}
	f.svc = billingv1svc.New(billingv1svc.Deps{Programmes: f.progs, Plans: f.billing, Ledger: f.billing, Invoices: f.billing,
		Recharges: f.billing, Modules: f.billing, Tx: db, Audit: f.auditor, Clock: clock, Rand: rand.Reader},
		billingv1svc.Options{InvoiceKey: invoiceKey})
	return f
}

var seq atomic.Int64

// programme creates a starter programme with 0 FCFA and returns its
// programme_admin (or platform super_admin) actor.
func (f fixture) programme(t testing.TB, isAdmin bool) billingv1svc.Actor {
	t.Helper()
	id, err := programme.NewUUID(rand.Reader)
	require.NoError(t, err)
	n := seq.Add(1)
	require.NoError(t, f.progs.CreateProgramme(ctx, programme.Programme{ID: id, Email: fmt.Sprintf("pev%d@sante.sn", n), Name: "PEV",
		Country: "SN", Currency: "XOF", Plan: programme.PlanStarter, Status: programme.StatusActive, IsAdmin: isAdmin,
		CreatedAt: start, UpdatedAt: start}))
	role := programme.RoleProgrammeAdmin
	if isAdmin {
		role = programme.RoleSuperAdmin
	}
	return billingv1svc.Actor{ProgrammeID: id, UserID: fmt.Sprintf("user-%d", n), Role: role, IsAdmin: isAdmin, IP: "196.1.95.10", UserAgent: "oomus-web/6.2"}
}

// fund credits a through a validated recharge request.
func (f fixture) fund(t testing.TB, a, admin billingv1svc.Actor, amount int64) {
	t.Helper()
	r, err := f.svc.RequestRecharge(ctx, a, billingv1svc.RechargeInput{AmountFCFA: amount, PaymentMethod: "Mobile Money", Reference: "OM-1"})
	require.NoError(t, err)
	_, err = f.svc.ValidateRecharge(ctx, admin, r.ID, "")
	require.NoError(t, err)
}

func (f fixture) balance(t testing.TB, id string) int64 {
	t.Helper()
	p, err := f.progs.ProgrammeByID(ctx, id)
	require.NoError(t, err)
	return p.BalanceFCFA
}

// audits returns the stored audit records of action.
func (f fixture) audits(t testing.TB, action string) []audit.Record {
	t.Helper()
	rs, _, err := f.log.ListAudit(ctx, ports.AuditFilter{Action: action, Limit: 100})
	require.NoError(t, err)
	return rs
}

// ledger returns a's entries newest first and checks they sum to the
// balance, each balance_after following the previous one.
func (f fixture) ledger(t testing.TB, id string) []programme.LedgerEntry {
	t.Helper()
	es, total, err := f.billing.LedgerEntries(ctx, id, "", 500, 0)
	require.NoError(t, err)
	require.Len(t, es, total)
	var sum int64
	for i := len(es) - 1; i >= 0; i-- {
		sum += es[i].AmountFCFA
		assert.Equal(t, sum, es[i].BalanceAfterFCFA, "entry %s", es[i].ID)
	}
	assert.Equal(t, f.balance(t, id), sum, "the ledger sums to the balance")
	return es
}

func requireFault(t testing.TB, err error, kind fault.Kind, code, field string) *fault.Error {
	t.Helper()
	fe, ok := fault.As(err)
	require.Truef(t, ok, "want fault %s, got %v", kind, err)
	assert.Equal(t, kind, fe.Kind, "%v", err)
	if code != "" {
		assert.Equal(t, code, fe.Code)
	}
	assert.Equal(t, field, fe.Field, "field of %v", err)
	return fe
}

var invoiceNumber = regexp.MustCompile(`^INV-(SUB|MOD)-\d{6}-[A-Z0-9]{6}$`)

func TestRechargeValidatedByAdmin(t *testing.T) {
	f := newFixture(t, sqlstore.SQLite)
	a, admin := f.programme(t, false), f.programme(t, true)
	assert.Zero(t, f.balance(t, a.ProgrammeID), "a new programme starts at 0 FCFA")

	r, err := f.svc.RequestRecharge(ctx, a, billingv1svc.RechargeInput{AmountFCFA: 100_000, PaymentMethod: "Bank Transfer", Reference: " VIR-42 "})
	require.NoError(t, err)
	assert.Equal(t, programme.RechargePending, r.Status)
	assert.Equal(t, "bank_transfer", r.PaymentMethod)
	assert.Equal(t, "VIR-42", r.Reference)
	reqAudit := f.audits(t, "billing.recharge_request")
	require.Len(t, reqAudit, 1)
	assert.Equal(t, a.UserID, reqAudit[0].ActorID)
	assert.Zero(t, f.balance(t, a.ProgrammeID), "a request credits nothing")

	_, err = f.svc.ValidateRecharge(ctx, a, r.ID, "")
	requireFault(t, err, fault.Forbidden, billingv1svc.CodeAdminRequired, "")

	f.clock.Add(time.Hour)
	d, err := f.svc.ValidateRecharge(ctx, admin, r.ID, "  received  ")
	require.NoError(t, err)
	assert.Equal(t, programme.RechargeValidated, d.Request.Status)
	assert.Equal(t, admin.UserID, d.Request.DecidedBy)
	assert.Equal(t, "received", d.Request.DecisionNotes)
	require.NotNil(t, d.Request.DecidedAt)
	assert.Equal(t, start.Add(time.Hour), d.Request.DecidedAt.UTC())
	require.NotNil(t, d.Entry)
	assert.Equal(t, int64(100_000), d.Entry.AmountFCFA)
	assert.Equal(t, int64(100_000), d.Entry.BalanceAfterFCFA)
	assert.Equal(t, programme.TxTopup, d.Entry.Type)
	assert.Equal(t, "RCH:"+r.ID, d.Entry.Reference)
	assert.Equal(t, int64(100_000), f.balance(t, a.ProgrammeID))
	assert.Len(t, f.ledger(t, a.ProgrammeID), 1)

	recs := f.audits(t, "admin.recharge_validated")
	require.Len(t, recs, 1, "one balance change, one audit record")
	assert.Equal(t, admin.UserID, recs[0].ActorID, "the admin is the actor")
	assert.Equal(t, r.ID, recs[0].TargetID)
	assert.Equal(t, audit.Success, recs[0].Outcome)
	assert.JSONEq(t, fmt.Sprintf(`{"amount_fcfa":100000,"programme_id":%q,"balance_after_fcfa":100000}`, a.ProgrammeID), string(recs[0].Details))

	// Decided once: validating again or rejecting is a conflict, with no
	// second credit and no second record.
	_, err = f.svc.ValidateRecharge(ctx, admin, r.ID, "")
	requireFault(t, err, fault.Conflict, billingv1svc.CodeRechargeDecided, "")
	_, err = f.svc.RejectRecharge(ctx, admin, r.ID, "")
	requireFault(t, err, fault.Conflict, billingv1svc.CodeRechargeDecided, "")
	assert.Equal(t, int64(100_000), f.balance(t, a.ProgrammeID))
	assert.Len(t, f.audits(t, "admin.recharge_validated"), 1)
	assert.Empty(t, f.audits(t, "admin.recharge_rejected"))

	_, err = f.svc.ValidateRecharge(ctx, admin, "00000000-0000-4000-8000-000000000000", "")
	requireFault(t, err, fault.NotFound, billingv1svc.CodeRechargeNotFound, "")
	_, err = f.svc.ValidateRecharge(ctx, admin, "not-a-uuid", "")
	requireFault(t, err, fault.NotFound, billingv1svc.CodeRechargeNotFound, "")
}

func TestRechargeRejected(t *testing.T) {
	f := newFixture(t, sqlstore.SQLite)
	a, admin := f.programme(t, false), f.programme(t, true)
	r, err := f.svc.RequestRecharge(ctx, a, billingv1svc.RechargeInput{AmountFCFA: 5_000, PaymentMethod: "cash"})
	require.NoError(t, err)
	_, err = f.svc.RejectRecharge(ctx, a, r.ID, "")
	requireFault(t, err, fault.Forbidden, billingv1svc.CodeAdminRequired, "")
	got, err := f.svc.RejectRecharge(ctx, admin, r.ID, "no such payment")
	require.NoError(t, err)
	assert.Equal(t, programme.RechargeRejected, got.Status)
	assert.Equal(t, admin.UserID, got.DecidedBy)
	assert.Zero(t, f.balance(t, a.ProgrammeID))
	assert.Empty(t, f.ledger(t, a.ProgrammeID))
	recs := f.audits(t, "admin.recharge_rejected")
	require.Len(t, recs, 1)
	assert.Equal(t, admin.UserID, recs[0].ActorID)
	assert.Equal(t, r.ID, recs[0].TargetID)
	_, err = f.svc.ValidateRecharge(ctx, admin, r.ID, "")
	requireFault(t, err, fault.Conflict, billingv1svc.CodeRechargeDecided, "")
	assert.Zero(t, f.balance(t, a.ProgrammeID), "a rejected request is never credited")
}

func TestRechargeInputErrors(t *testing.T) {
	f := newFixture(t, sqlstore.SQLite)
	a := f.programme(t, false)
	tests := []struct {
		give  billingv1svc.RechargeInput
		field string
	}{
		{billingv1svc.RechargeInput{AmountFCFA: 0, PaymentMethod: "cash"}, "amount_fcfa"},
		{billingv1svc.RechargeInput{AmountFCFA: -1, PaymentMethod: "cash"}, "amount_fcfa"},
		{billingv1svc.RechargeInput{AmountFCFA: 10, PaymentMethod: "paypal"}, "payment_method"},
		{billingv1svc.RechargeInput{AmountFCFA: 10, PaymentMethod: "cash", Notes: strings.Repeat("n", 501)}, "notes"},
	}
	for _, tt := range tests {
		_, err := f.svc.RequestRecharge(ctx, a, tt.give)
		requireFault(t, err, fault.Invalid, "", tt.field)
	}
	op := a
	op.Role = programme.RoleProgrammeUser
	_, err := f.svc.RequestRecharge(ctx, op, billingv1svc.RechargeInput{AmountFCFA: 10, PaymentMethod: "cash"})
	requireFault(t, err, fault.Forbidden, billingv1svc.CodeForbidden, "")
	assert.Empty(t, f.audits(t, "billing.recharge_request"), "refusals write nothing")
}

func TestAdminValidatesOwnRequest(t *testing.T) {
	f := newFixture(t, sqlstore.SQLite)
	admin := f.programme(t, true)
	f.fund(t, admin, admin, 42_000)
	assert.Equal(t, int64(42_000), f.balance(t, admin.ProgrammeID))
	recs := f.audits(t, "admin.recharge_validated")
	require.Len(t, recs, 1)
	assert.Equal(t, admin.UserID, recs[0].ActorID)
}

func TestChangePlan(t *testing.T) {
	f := newFixture(t, sqlstore.SQLite)
	a, admin := f.programme(t, false), f.programme(t, true)

	// 0 FCFA cannot pay national_campaign: 402 with the figures, nothing
	// written.
	_, err := f.svc.ChangePlan(ctx, a, "enterprise")
	fe := requireFault(t, err, fault.PaymentRequired, programme.CodeInsufficientBalance, "")
	assert.Equal(t, int64(250_000), fe.Extra["expected_cost_fcfa"])
	assert.Equal(t, int64(0), fe.Extra["balance_fcfa"])
	p, err := f.progs.ProgrammeByID(ctx, a.ProgrammeID)
	require.NoError(t, err)
	assert.Equal(t, programme.PlanStarter, p.Plan, "a refused change leaves the plan")
	assert.Empty(t, f.audits(t, "billing.change_plan"))

	f.fund(t, a, admin, 300_000)
	f.clock.Set(time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC))
	ch, err := f.svc.ChangePlan(ctx, a, "enterprise") // the §15 legacy alias of national_campaign
	require.NoError(t, err)
	assert.Equal(t, programme.PlanStarter, ch.PreviousPlan)
	assert.Equal(t, programme.PlanNationalCampaign, ch.NewPlan)
	assert.Equal(t, []string{"whatsapp_bsp", "offline_sync", "geo_command_center", "advanced_analytics", "ai_fraud_detection",
		"sovereign_wallet", "mpi_registry", "dedicated_verify_platform", "advanced_sla", "ai_optimizer", "trust_score"}, ch.ModulesActivated)
	require.NotNil(t, ch.Invoice)
	assert.Regexp(t, invoiceNumber, ch.Invoice.Number)
	assert.True(t, strings.HasPrefix(ch.Invoice.Number, "INV-SUB-202612-"), ch.Invoice.Number)
	assert.Equal(t, "2026-12", ch.Invoice.BillingPeriod)
	assert.Equal(t, int64(250_000), ch.Invoice.TotalFCFA)
	assert.True(t, programme.VerifyInvoice(invoiceKey, *ch.Invoice))
	assert.Equal(t, int64(-250_000), ch.Entry.AmountFCFA)
	assert.Equal(t, int64(50_000), ch.Entry.BalanceAfterFCFA)
	assert.Equal(t, ch.Invoice.ID, ch.Entry.InvoiceID)
	assert.Equal(t, int64(50_000), f.balance(t, a.ProgrammeID))
	assert.Len(t, f.ledger(t, a.ProgrammeID), 2)
	_, ok, err := f.svc.VerifyInvoice(ctx, a, ch.Invoice.ID)
	require.NoError(t, err)
	assert.True(t, ok)

	debits, plans := f.audits(t, "billing.debit"), f.audits(t, "billing.change_plan")
	require.Len(t, debits, 1, "one balance change, one debit record")
	require.Len(t, plans, 1)
	assert.Equal(t, a.UserID, plans[0].ActorID)
	assert.Equal(t, a.ProgrammeID, plans[0].TargetID)
	assert.Contains(t, string(plans[0].Details), ch.Invoice.Number)
	for _, key := range []string{"ai_optimizer", "trust_score", "sms_gateway", "mpi_registry"} {
		on, err := f.checker.ModuleActive(ctx, a.ProgrammeID, key)
		require.NoError(t, err)
		assert.True(t, on, key)
	}

	_, err = f.svc.ChangePlan(ctx, a, programme.PlanNationalCampaign)
	requireFault(t, err, fault.Conflict, billingv1svc.CodePlanActive, "")
	_, err = f.svc.ChangePlan(ctx, a, "gold")
	requireFault(t, err, fault.Invalid, billingv1svc.CodeUnknownPlan, "plan_alias")
	op := a
	op.Role = programme.RoleProgrammeUser
	_, err = f.svc.ChangePlan(ctx, op, programme.PlanStarter)
	requireFault(t, err, fault.Forbidden, billingv1svc.CodeForbidden, "")

	// Down to starter: 25,000 FCFA, and what only the bigger plan bundled
	// goes off.
	ch, err = f.svc.ChangePlan(ctx, a, programme.PlanStarter)
	require.NoError(t, err)
	assert.Empty(t, ch.ModulesActivated)
	assert.Equal(t, int64(25_000), f.balance(t, a.ProgrammeID))
	for key, want := range map[string]bool{"whatsapp_bsp": false, "trust_score": false, "sms_gateway": true, "pvc_studio": true} {
		on, err := f.checker.ModuleActive(ctx, a.ProgrammeID, key)
		require.NoError(t, err)
		assert.Equal(t, want, on, key)
	}
	assert.Len(t, f.audits(t, "billing.debit"), 2)
	assert.Len(t, f.audits(t, "billing.change_plan"), 2)
	f.ledger(t, a.ProgrammeID)
}

func TestChangePlanRollsBackWithItsAudit(t *testing.T) {
	f := newFixture(t, sqlstore.SQLite)
	a, admin := f.programme(t, false), f.programme(t, true)
	f.fund(t, a, admin, 100_000)
	f.auditor.failOn.Store("billing.change_plan")
	_, err := f.svc.ChangePlan(ctx, a, programme.PlanRegionalOps)
	require.ErrorIs(t, err, errAudit)

	p, err := f.progs.ProgrammeByID(ctx, a.ProgrammeID)
	require.NoError(t, err)
	assert.Equal(t, programme.PlanStarter, p.Plan)
	assert.Equal(t, int64(100_000), p.BalanceFCFA)
	assert.Len(t, f.ledger(t, a.ProgrammeID), 1, "only the topup")
	invs, total, err := f.billing.Invoices(ctx, a.ProgrammeID, 10, 0)
	require.NoError(t, err)
	assert.Zero(t, total)
	assert.Empty(t, invs)
	assert.Empty(t, f.audits(t, "billing.debit"), "the debit's audit record rolled back with it")
	on, err := f.checker.ModuleActive(ctx, a.ProgrammeID, "whatsapp_bsp")
	require.NoError(t, err)
	assert.False(t, on, "no module switched on")
}

func TestValidateRollsBackWithItsAudit(t *testing.T) {
	f := newFixture(t, sqlstore.SQLite)
	a, admin := f.programme(t, false), f.programme(t, true)
	r, err := f.svc.RequestRecharge(ctx, a, billingv1svc.RechargeInput{AmountFCFA: 7_000, PaymentMethod: "cheque"})
	require.NoError(t, err)
	f.auditor.failOn.Store("admin.recharge_validated")
	_, err = f.svc.ValidateRecharge(ctx, admin, r.ID, "")
	require.ErrorIs(t, err, errAudit)
	assert.Zero(t, f.balance(t, a.ProgrammeID))
	assert.Empty(t, f.ledger(t, a.ProgrammeID))
	got, err := f.billing.RechargeRequest(ctx, r.ID)
	require.NoError(t, err)
	assert.Equal(t, programme.RechargePending, got.Status, "the request stays pending")

	f.auditor.failOn.Store("")
	_, err = f.svc.ValidateRecharge(ctx, admin, r.ID, "")
	require.NoError(t, err)
	assert.Equal(t, int64(7_000), f.balance(t, a.ProgrammeID))
	assert.Len(t, f.audits(t, "admin.recharge_validated"), 1)
}

func TestApplyDebitJoinsCallerTx(t *testing.T) {
	f := newFixture(t, sqlstore.SQLite)
	a, admin := f.programme(t, false), f.programme(t, true)
	f.fund(t, a, admin, 10_000)
	d := billingv1svc.Debit{ProgrammeID: a.ProgrammeID, AmountFCFA: 1_800, TxType: programme.TxDebit,
		InvoiceType: programme.InvoiceGeneration, Description: "1800 billed at 1 FCFA", CardCount: 1_800, Reference: "JOB:j1"}
	boom := errors.New("job insert failed")
	err := f.db.WithinTx(ctx, func(ctx context.Context) error {
		e, _, err := f.svc.ApplyDebit(ctx, a, d)
		require.NoError(t, err)
		assert.Equal(t, int64(8_200), e.BalanceAfterFCFA)
		return boom
	})
	require.ErrorIs(t, err, boom)
	assert.Equal(t, int64(10_000), f.balance(t, a.ProgrammeID))
	assert.Len(t, f.ledger(t, a.ProgrammeID), 1)
	assert.Empty(t, f.audits(t, "billing.debit"), "no audit row for a rolled-back debit")

	e, inv, err := f.svc.ApplyDebit(ctx, a, d)
	require.NoError(t, err)
	assert.Equal(t, "JOB:j1", e.Reference)
	assert.Equal(t, int64(1_800), e.CardCount)
	assert.True(t, strings.HasPrefix(inv.Number, "INV-GEN-202611-"), inv.Number)
	recs := f.audits(t, "billing.debit")
	require.Len(t, recs, 1)
	assert.JSONEq(t, fmt.Sprintf(`{"amount_fcfa":-1800,"tx_type":"debit","invoice_number":%q,"balance_after_fcfa":8200}`, inv.Number), string(recs[0].Details))

	d.AmountFCFA = 8_201
	_, _, err = f.svc.ApplyDebit(ctx, a, d)
	fe := requireFault(t, err, fault.PaymentRequired, programme.CodeInsufficientBalance, "")
	assert.EqualValues(t, 8_201, fe.Extra["expected_cost_fcfa"])
	assert.EqualValues(t, 8_200, fe.Extra["balance_fcfa"])
	assert.Len(t, f.audits(t, "billing.debit"), 1)
	d.AmountFCFA = 0
	_, _, err = f.svc.ApplyDebit(ctx, a, d)
	requireFault(t, err, fault.Invalid, "", "amount_fcfa")
	f.ledger(t, a.ProgrammeID)
}

func TestModules(t *testing.T) {
	f := newFixture(t, sqlstore.SQLite)
	a, admin := f.programme(t, false), f.programme(t, true)

	// starter's bundle is on from the start, without an activation.
	act, err := f.svc.ActiveModules(ctx, a)
	require.NoError(t, err)
	var keys []string
	for _, v := range act {
		keys = append(keys, v.Module.Key)
		assert.True(t, v.IncludedInPlan)
	}
	assert.Equal(t, []string{"sms_gateway", "pvc_studio"}, keys)
	_, err = f.svc.ActivateModule(ctx, a, "sms_gateway")
	requireFault(t, err, fault.Conflict, billingv1svc.CodeModuleActive, "")

	// A bundled module switched off stays off, and comes back for free.
	require.NoError(t, f.svc.DeactivateModule(ctx, a, "sms_gateway"))
	on, err := f.checker.ModuleActive(ctx, a.ProgrammeID, "sms_gateway")
	require.NoError(t, err)
	assert.False(t, on)
	requireFault(t, f.svc.DeactivateModule(ctx, a, "sms_gateway"), fault.Conflict, billingv1svc.CodeModuleInactive, "")
	deact := f.audits(t, "billing.module_deactivate")
	require.Len(t, deact, 1)
	assert.Equal(t, a.UserID, deact[0].ActorID)
	assert.Equal(t, "sms_gateway", deact[0].TargetID)
	m, err := f.svc.ActivateModule(ctx, a, "sms_gateway")
	require.NoError(t, err)
	assert.Nil(t, m.Invoice)
	assert.True(t, m.View.IncludedInPlan)
	assert.Zero(t, f.balance(t, a.ProgrammeID))

	// A priced add-on needs the balance, then debits it with a MOD invoice.
	_, err = f.svc.ActivateModule(ctx, a, "advanced_simulation")
	fe := requireFault(t, err, fault.PaymentRequired, programme.CodeInsufficientBalance, "")
	assert.EqualValues(t, 15_000, fe.Extra["expected_cost_fcfa"])
	f.fund(t, a, admin, 20_000)
	m, err = f.svc.ActivateModule(ctx, a, "advanced_simulation")
	require.NoError(t, err)
	require.NotNil(t, m.Invoice)
	assert.Regexp(t, invoiceNumber, m.Invoice.Number)
	assert.Equal(t, programme.InvoiceModuleActivation, m.Invoice.Type)
	assert.Equal(t, int64(5_000), f.balance(t, a.ProgrammeID))
	act2 := f.audits(t, "billing.module_activate")
	require.Len(t, act2, 2)
	assert.Equal(t, a.UserID, act2[0].ActorID)
	assert.Len(t, f.audits(t, "billing.debit"), 1, "only the paid activation moved money")
	_, err = f.svc.ActivateModule(ctx, a, "advanced_simulation")
	requireFault(t, err, fault.Conflict, billingv1svc.CodeModuleActive, "")
	assert.Equal(t, int64(5_000), f.balance(t, a.ProgrammeID))

	// Quote-only and unknown modules, operators.
	_, err = f.svc.ActivateModule(ctx, a, "trust_score")
	requireFault(t, err, fault.Invalid, billingv1svc.CodeQuoteRequired, "module_key")
	_, err = f.svc.ActivateModule(ctx, a, "nope")
	requireFault(t, err, fault.Invalid, billingv1svc.CodeUnknownModule, "module_key")
	requireFault(t, f.svc.DeactivateModule(ctx, a, "nope"), fault.NotFound, billingv1svc.CodeUnknownModule, "")
	op := a
	op.Role = programme.RoleProgrammeUser
	_, err = f.svc.ActivateModule(ctx, op, "whatsapp_bsp")
	requireFault(t, err, fault.Forbidden, billingv1svc.CodeForbidden, "")
	requireFault(t, f.svc.DeactivateModule(ctx, op, "sms_gateway"), fault.Forbidden, billingv1svc.CodeForbidden, "")
	assert.Len(t, f.audits(t, "billing.module_deactivate"), 1)

	all, err := f.svc.Modules(ctx, a)
	require.NoError(t, err)
	status := map[string]string{}
	for _, v := range all {
		status[v.Module.Key] = v.Status
	}
	assert.Equal(t, programme.ModuleActive, status["advanced_simulation"])
	assert.Equal(t, programme.ModuleActive, status["pvc_studio"])
	assert.Equal(t, programme.ModuleInactive, status["whatsapp_bsp"])
	assert.Equal(t, programme.ModuleQuoteRequired, status["trust_score"])
	f.ledger(t, a.ProgrammeID)
}

// The admin PATCH of a plan writes programmes.plan only; the bundled
// modules follow it all the same (programme.ModuleOn).
func TestPlanFieldCorrectionFollowsBundle(t *testing.T) {
	f := newFixture(t, sqlstore.SQLite)
	a := f.programme(t, false)
	_, err := f.progs.UpdateProgramme(ctx, a.ProgrammeID, func(p *programme.Programme) error {
		p.Plan = programme.PlanNationalCampaign
		return nil
	})
	require.NoError(t, err)
	for _, key := range []string{"ai_optimizer", "trust_score", "whatsapp_bsp"} {
		on, err := f.checker.ModuleActive(ctx, a.ProgrammeID, key)
		require.NoError(t, err)
		assert.True(t, on, key)
	}
	act, err := f.svc.ActiveModules(ctx, a)
	require.NoError(t, err)
	assert.Len(t, act, len(programme.BundledModules(programme.PlanNationalCampaign)))
	assert.Zero(t, f.balance(t, a.ProgrammeID), "no charge")
	assert.Empty(t, f.ledger(t, a.ProgrammeID))
}

func benchApply(b *testing.B, d sqlstore.Dialect) {
	f := newFixture(b, d)
	a, admin := f.programme(b, false), f.programme(b, true)
	f.fund(b, a, admin, programme.MaxRechargeFCFA)
	ch := ports.BalanceChange{Entry: programme.LedgerEntry{ProgrammeID: a.ProgrammeID, Type: programme.TxDebit, AmountFCFA: -1,
		Description: "bench", CreatedAt: start}}
	b.ResetTimer()
	for b.Loop() {
		id, err := programme.NewUUID(rand.Reader)
		if err != nil {
			b.Fatal(err)
		}
		ch.Entry.ID = id
		if _, err := f.billing.ApplyBalanceChange(ctx, ch); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkApplyBalanceChange(b *testing.B) {
	for _, d := range sqltest.Dialects() {
		b.Run(string(d), func(b *testing.B) { benchApply(b, d) })
	}
}
