package porttest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/programme"
	"github.com/kente-gov/kente/ports"
)

// BillingStores are the Oomus billing ports of one backend, sharing one
// database with its ProgrammeStore, ModuleChecker and Tx.
type BillingStores struct {
	Programmes ports.ProgrammeStore
	Plans      ports.QuotaPlanStore
	Ledger     ports.LedgerStore
	Invoices   ports.InvoiceStore
	Recharges  ports.RechargeRequestStore
	Modules    ports.ModuleStore
	Checker    ports.ModuleChecker
	Tx         ports.Tx
}

// ProgrammeBilling is the contract of the Oomus billing stores: quota plans,
// the balance ledger with its atomic balance change (rollback and parallel
// debits included), invoices, recharge requests and programme modules.
func ProgrammeBilling(t *testing.T, fresh func(t *testing.T) BillingStores) {
	ctx := context.Background()
	uuid := func(t *testing.T) string {
		id, err := programme.NewUUID(rand.Reader)
		require.NoError(t, err)
		return id
	}
	seed := func(t *testing.T, s BillingStores) programme.Programme {
		p := newProgramme(t)
		require.NoError(t, s.Programmes.CreateProgramme(ctx, p))
		return p
	}
	entry := func(t *testing.T, programmeID string, typ programme.TxType, amount int64) programme.LedgerEntry {
		return programme.LedgerEntry{ID: uuid(t), ProgrammeID: programmeID, Type: typ, AmountFCFA: amount,
			Description: "Recharge validée — « Mobile Money » 🇸🇳", Reference: "RCH:" + uuid(t), CardCount: 3, CreatedAt: base}
	}
	invoice := func(t *testing.T, programmeID string, total int64, at time.Time) *programme.Invoice {
		num, err := programme.InvoiceNumber(programme.InvoiceSubscription, at, rand.Reader)
		require.NoError(t, err)
		inv := &programme.Invoice{ID: uuid(t), ProgrammeID: programmeID, Number: num, Type: programme.InvoiceSubscription,
			Status: programme.InvoicePaid, TotalFCFA: total, BillingPeriod: programme.BillingPeriod(at), IssuedAt: at}
		inv.SignatureHash = programme.SignInvoice([]byte("k"), *inv)
		return inv
	}
	balance := func(t *testing.T, s BillingStores, id string) int64 {
		p, err := s.Programmes.ProgrammeByID(ctx, id)
		require.NoError(t, err)
		return p.BalanceFCFA
	}

	t.Run("QuotaPlansPutReplaceList", func(t *testing.T) {
		s := fresh(t)
		list, err := s.Plans.QuotaPlans(ctx)
		require.NoError(t, err)
		assert.Empty(t, list)
		p, _ := programme.DefaultQuotaPlan(programme.PlanRegionalOps)
		p.DisplayName, p.InfraFactor, p.UpdatedAt = "Commandement régional", 1.35, base
		require.NoError(t, s.Plans.PutQuotaPlan(ctx, p))
		p.MonthlySubscriptionFCFA = 80_000
		require.NoError(t, s.Plans.PutQuotaPlan(ctx, p))
		q, _ := programme.DefaultQuotaPlan(programme.PlanSovereignEnterprise)
		q.UpdatedAt = base
		require.NoError(t, s.Plans.PutQuotaPlan(ctx, q))
		list, err = s.Plans.QuotaPlans(ctx)
		require.NoError(t, err)
		require.Len(t, list, 2)
		byPlan := map[string]programme.QuotaPlan{}
		for _, x := range list {
			assertTime(t, base, x.UpdatedAt, "UpdatedAt")
			x.UpdatedAt = time.Time{}
			byPlan[x.Plan] = x
		}
		p.UpdatedAt, q.UpdatedAt = time.Time{}, time.Time{}
		assert.Equal(t, p, byPlan[programme.PlanRegionalOps])
		assert.Equal(t, q, byPlan[programme.PlanSovereignEnterprise])
		assert.Equal(t, programme.Unlimited, byPlan[programme.PlanSovereignEnterprise].SMSQuota)
	})

	t.Run("CreditThenDebitWithInvoice", func(t *testing.T) {
		s := fresh(t)
		p := seed(t, s)
		e1 := entry(t, p.ID, programme.TxTopup, 100_000)
		got, err := s.Ledger.ApplyBalanceChange(ctx, ports.BalanceChange{Entry: e1})
		require.NoError(t, err)
		assert.Equal(t, int64(100_000), got.BalanceAfterFCFA)
		assert.Empty(t, got.InvoiceID)
		inv := invoice(t, p.ID, 75_000, base.Add(time.Minute))
		e2 := entry(t, p.ID, programme.TxSubscription, -75_000)
		e2.CreatedAt = base.Add(time.Minute)
		got, err = s.Ledger.ApplyBalanceChange(ctx, ports.BalanceChange{Entry: e2, Invoice: inv})
		require.NoError(t, err)
		assert.Equal(t, int64(25_000), got.BalanceAfterFCFA)
		assert.Equal(t, inv.ID, got.InvoiceID)
		assert.Equal(t, int64(25_000), balance(t, s, p.ID))

		list, total, err := s.Ledger.LedgerEntries(ctx, p.ID, "", 50, 0)
		require.NoError(t, err)
		require.Equal(t, 2, total)
		require.Len(t, list, 2)
		assert.Equal(t, e2.ID, list[0].ID, "newest first")
		assert.Equal(t, int64(-75_000), list[0].AmountFCFA)
		assert.Equal(t, programme.TxSubscription, list[0].Type)
		assert.Equal(t, e1.Description, list[1].Description)
		assert.Equal(t, e1.Reference, list[1].Reference)
		assert.Equal(t, int64(3), list[1].CardCount)
		assertTime(t, base, list[1].CreatedAt, "CreatedAt")
		only, total, err := s.Ledger.LedgerEntries(ctx, p.ID, programme.TxTopup, 50, 0)
		require.NoError(t, err)
		assert.Equal(t, 1, total)
		require.Len(t, only, 1)
		assert.Equal(t, e1.ID, only[0].ID)
		page, total, err := s.Ledger.LedgerEntries(ctx, p.ID, "", 1, 1)
		require.NoError(t, err)
		assert.Equal(t, 2, total)
		require.Len(t, page, 1)
		assert.Equal(t, e1.ID, page[0].ID)

		stored, err := s.Invoices.Invoice(ctx, inv.ID)
		require.NoError(t, err)
		assertTime(t, inv.IssuedAt, stored.IssuedAt, "IssuedAt")
		stored.IssuedAt = inv.IssuedAt
		assert.Equal(t, *inv, stored)
		assert.True(t, programme.VerifyInvoice([]byte("k"), stored))
		invs, n, err := s.Invoices.Invoices(ctx, p.ID, 10, 0)
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		require.Len(t, invs, 1)
		assert.Equal(t, inv.Number, invs[0].Number)

		debits, err := s.Ledger.DebitTotal(ctx)
		require.NoError(t, err)
		assert.Equal(t, int64(75_000), debits)
	})

	t.Run("OverdraftRefusedWritesNothing", func(t *testing.T) {
		s := fresh(t)
		p := seed(t, s)
		_, err := s.Ledger.ApplyBalanceChange(ctx, ports.BalanceChange{Entry: entry(t, p.ID, programme.TxTopup, 10_000)})
		require.NoError(t, err)
		inv := invoice(t, p.ID, 25_000, base)
		_, err = s.Ledger.ApplyBalanceChange(ctx, ports.BalanceChange{Entry: entry(t, p.ID, programme.TxSubscription, -25_000), Invoice: inv})
		fe := requireFault(t, err, fault.PaymentRequired, programme.CodeInsufficientBalance)
		assert.Equal(t, int64(25_000), fe.Extra["expected_cost_fcfa"])
		assert.Equal(t, int64(10_000), fe.Extra["balance_fcfa"])
		assert.Equal(t, int64(10_000), balance(t, s, p.ID))
		_, n, err := s.Ledger.LedgerEntries(ctx, p.ID, "", 50, 0)
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		_, err = s.Invoices.Invoice(ctx, inv.ID)
		requireFault(t, err, fault.NotFound, "")
	})

	t.Run("UnknownProgrammeAndInvoice", func(t *testing.T) {
		s := fresh(t)
		_, err := s.Ledger.ApplyBalanceChange(ctx, ports.BalanceChange{Entry: entry(t, uuid(t), programme.TxTopup, 1)})
		requireFault(t, err, fault.NotFound, "")
		_, err = s.Invoices.Invoice(ctx, uuid(t))
		requireFault(t, err, fault.NotFound, "")
		_, err = s.Recharges.RechargeRequest(ctx, uuid(t))
		requireFault(t, err, fault.NotFound, "")
		_, err = s.Recharges.DecideRechargeRequest(ctx, uuid(t), func(*programme.RechargeRequest) error { return nil })
		requireFault(t, err, fault.NotFound, "")
		err = s.Modules.SetModule(ctx, uuid(t), programme.ModuleState{Key: "mpi_registry", Status: programme.ModuleActive})
		requireFault(t, err, fault.NotFound, "")
	})

	t.Run("RollbackInsideTx", func(t *testing.T) {
		s := fresh(t)
		p := seed(t, s)
		boom := errors.New("boom")
		err := s.Tx.WithinTx(ctx, func(ctx context.Context) error {
			if _, err := s.Ledger.ApplyBalanceChange(ctx, ports.BalanceChange{Entry: entry(t, p.ID, programme.TxTopup, 5_000)}); err != nil {
				return err
			}
			if err := s.Modules.SetModule(ctx, p.ID, programme.ModuleState{Key: "mpi_registry", Status: programme.ModuleActive}); err != nil {
				return err
			}
			return boom
		})
		require.ErrorIs(t, err, boom)
		assert.Equal(t, int64(0), balance(t, s, p.ID))
		_, n, err := s.Ledger.LedgerEntries(ctx, p.ID, "", 50, 0)
		require.NoError(t, err)
		assert.Equal(t, 0, n)
		mods, err := s.Modules.ProgrammeModules(ctx, p.ID)
		require.NoError(t, err)
		assert.Empty(t, mods)
	})

	t.Run("ParallelDebitsNeverOverdraw", func(t *testing.T) {
		s := fresh(t)
		p := seed(t, s)
		_, err := s.Ledger.ApplyBalanceChange(ctx, ports.BalanceChange{Entry: entry(t, p.ID, programme.TxTopup, 1_000)})
		require.NoError(t, err)
		const workers, debit = 24, 70 // 14 fit in 1,000
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, refused := 0, 0
		var other []error
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				e := entry(t, p.ID, programme.TxDebit, -debit)
				_, err := s.Ledger.ApplyBalanceChange(ctx, ports.BalanceChange{Entry: e, Invoice: invoice(t, p.ID, debit, base)})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case fault.Is(err, fault.PaymentRequired):
					refused++
				default:
					other = append(other, err)
				}
			}()
		}
		wg.Wait()
		require.Empty(t, other)
		assert.Equal(t, 14, ok)
		assert.Equal(t, workers-14, refused)
		bal := balance(t, s, p.ID)
		assert.Equal(t, int64(1_000-14*debit), bal)
		entries, n, err := s.Ledger.LedgerEntries(ctx, p.ID, "", 500, 0)
		require.NoError(t, err)
		require.Equal(t, 15, n)
		var sum int64
		for _, e := range entries {
			sum += e.AmountFCFA
			assert.GreaterOrEqual(t, e.BalanceAfterFCFA, int64(0))
		}
		assert.Equal(t, bal, sum, "the ledger sums to the balance")
		assert.Equal(t, bal, entries[0].BalanceAfterFCFA, "the newest entry carries the balance")
		_, ninv, err := s.Invoices.Invoices(ctx, p.ID, 500, 0)
		require.NoError(t, err)
		assert.Equal(t, 14, ninv, "one invoice per successful debit")
	})

	t.Run("RechargeRequests", func(t *testing.T) {
		s := fresh(t)
		p, q := seed(t, s), seed(t, s)
		mk := func(programmeID string, at time.Time) programme.RechargeRequest {
			return programme.RechargeRequest{ID: uuid(t), ProgrammeID: programmeID, RequestedBy: uuid(t), AmountFCFA: 150_000,
				PaymentMethod: "mobile_money", Reference: "OM-2026-0042 — Dakar", Notes: "Virement « urgent »", Status: programme.RechargePending, CreatedAt: at}
		}
		r1, r2, r3 := mk(p.ID, base), mk(p.ID, base.Add(time.Hour)), mk(q.ID, base.Add(2*time.Hour))
		for _, r := range []programme.RechargeRequest{r1, r2, r3} {
			require.NoError(t, s.Recharges.CreateRechargeRequest(ctx, r))
		}
		requireFault(t, s.Recharges.CreateRechargeRequest(ctx, r1), fault.Conflict, "")
		got, err := s.Recharges.RechargeRequest(ctx, r1.ID)
		require.NoError(t, err)
		assertTime(t, r1.CreatedAt, got.CreatedAt, "CreatedAt")
		got.CreatedAt = r1.CreatedAt
		assert.Equal(t, r1, got)

		list, n, err := s.Recharges.RechargeRequests(ctx, ports.RechargeFilter{ProgrammeID: p.ID, Limit: 50})
		require.NoError(t, err)
		assert.Equal(t, 2, n)
		require.Len(t, list, 2)
		assert.Equal(t, r2.ID, list[0].ID, "newest first")

		_, err = s.Recharges.DecideRechargeRequest(ctx, r1.ID, func(r *programme.RechargeRequest) error {
			r.Status = programme.RechargeRejected
			return errors.New("abort")
		})
		require.Error(t, err)
		at := base.Add(3 * time.Hour)
		decided, err := s.Recharges.DecideRechargeRequest(ctx, r1.ID, func(r *programme.RechargeRequest) error {
			r.Status, r.DecidedBy, r.DecisionNotes, r.DecidedAt = programme.RechargeValidated, "admin-1", "Reçu vérifié", &at
			r.AmountFCFA = 1 // not a decision field: ignored
			return nil
		})
		require.NoError(t, err)
		assert.Equal(t, programme.RechargeValidated, decided.Status)
		assert.Equal(t, int64(150_000), decided.AmountFCFA)
		assert.Equal(t, r1.Reference, decided.Reference)
		got, err = s.Recharges.RechargeRequest(ctx, r1.ID)
		require.NoError(t, err)
		assert.Equal(t, programme.RechargeValidated, got.Status)
		assert.Equal(t, "admin-1", got.DecidedBy)
		assert.Equal(t, "Reçu vérifié", got.DecisionNotes)
		assert.Equal(t, int64(150_000), got.AmountFCFA)
		require.NotNil(t, got.DecidedAt)
		assertTime(t, at, *got.DecidedAt, "DecidedAt")

		pending, n, err := s.Recharges.RechargeRequests(ctx, ports.RechargeFilter{Status: programme.RechargePending, Limit: 50})
		require.NoError(t, err)
		assert.Equal(t, 2, n)
		require.Len(t, pending, 2)
		assert.Equal(t, r3.ID, pending[0].ID)
		all, n, err := s.Recharges.RechargeRequests(ctx, ports.RechargeFilter{Limit: 1, Offset: 2})
		require.NoError(t, err)
		assert.Equal(t, 3, n)
		require.Len(t, all, 1)
		assert.Equal(t, r1.ID, all[0].ID)
	})

	t.Run("ConcurrentDecisionsSerialise", func(t *testing.T) {
		s := fresh(t)
		p := seed(t, s)
		r := programme.RechargeRequest{ID: uuid(t), ProgrammeID: p.ID, RequestedBy: uuid(t), AmountFCFA: 500, PaymentMethod: "cash",
			Status: programme.RechargePending, CreatedAt: base}
		require.NoError(t, s.Recharges.CreateRechargeRequest(ctx, r))
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.Recharges.DecideRechargeRequest(ctx, r.ID, func(x *programme.RechargeRequest) error {
					if x.Status != programme.RechargePending {
						return fault.New(fault.Conflict, "billing.recharge_decided", "already decided")
					}
					x.Status, x.DecidedBy = programme.RechargeValidated, fmt.Sprint("admin-", i)
					return nil
				})
				if err == nil {
					mu.Lock()
					wins++
					mu.Unlock()
				} else {
					assert.True(t, fault.Is(err, fault.Conflict), "unexpected %v", err)
				}
			}()
		}
		wg.Wait()
		assert.Equal(t, 1, wins)
	})

	t.Run("Modules", func(t *testing.T) {
		s := fresh(t)
		p, q := seed(t, s), seed(t, s)
		at := base
		require.NoError(t, s.Modules.SetModule(ctx, p.ID, programme.ModuleState{Key: "mpi_registry", Status: programme.ModuleActive, ActivatedAt: &at}))
		require.NoError(t, s.Modules.SetModule(ctx, p.ID, programme.ModuleState{Key: "geo_command_center", Status: programme.ModuleActive, ActivatedAt: &at, IncludedInPlan: true}))
		on, err := s.Checker.ModuleActive(ctx, p.ID, "mpi_registry")
		require.NoError(t, err)
		assert.True(t, on)
		on, err = s.Checker.ModuleActive(ctx, q.ID, "mpi_registry")
		require.NoError(t, err)
		assert.False(t, on, "another programme's module")
		require.NoError(t, s.Modules.SetModule(ctx, p.ID, programme.ModuleState{Key: "mpi_registry", Status: programme.ModuleInactive}))
		on, err = s.Checker.ModuleActive(ctx, p.ID, "mpi_registry")
		require.NoError(t, err)
		assert.False(t, on)
		mods, err := s.Modules.ProgrammeModules(ctx, p.ID)
		require.NoError(t, err)
		require.Len(t, mods, 2)
		byKey := map[string]programme.ModuleState{}
		for _, m := range mods {
			byKey[m.Key] = m
		}
		assert.Equal(t, programme.ModuleInactive, byKey["mpi_registry"].Status)
		assert.Nil(t, byKey["mpi_registry"].ActivatedAt)
		g := byKey["geo_command_center"]
		assert.True(t, g.IncludedInPlan)
		require.NotNil(t, g.ActivatedAt)
		assertTime(t, at, *g.ActivatedAt, "ActivatedAt")
		none, err := s.Modules.ProgrammeModules(ctx, q.ID)
		require.NoError(t, err)
		assert.Empty(t, none)
	})
}
