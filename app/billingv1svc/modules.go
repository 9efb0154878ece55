package billingv1svc

import (
	"context"
	"fmt"
	"time"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/programme"
)

// PlanChange is the outcome of POST /billing/change-plan.
type PlanChange struct {
	PreviousPlan     string
	NewPlan          string
	EffectiveDate    time.Time
	ModulesActivated []string
	Invoice          *programme.Invoice
	Entry            programme.LedgerEntry
}

// ChangePlan moves the caller's programme to planAlias (a legacy alias
// included) as v5.14 does (§7.3, §15.23): the target plan's full monthly
// price is debited with a signed subscription invoice, the plan's bundled
// modules are switched on and the modules the old plan bundled but the new
// one does not are switched off, all with the audit record in one
// transaction. An unknown plan is fault.Invalid (field plan_alias), the
// current plan fault.Conflict, a balance that cannot cover the price
// fault.PaymentRequired with the expected cost and the balance.
func (s *Service) ChangePlan(ctx context.Context, a Actor, planAlias string) (PlanChange, error) {
	if err := requireManager(a); err != nil {
		return PlanChange{}, err
	}
	target, ok := programme.NormalisePlan(planAlias)
	if !ok {
		return PlanChange{}, fault.Field("plan_alias", CodeUnknownPlan,
			"plan_alias must be one of starter, regional_ops, national_campaign, sovereign_enterprise")
	}
	plan, err := s.QuotaPlan(ctx, target)
	if err != nil {
		return PlanChange{}, err
	}
	now := s.d.Clock.Now()
	var out PlanChange
	err = s.d.Tx.WithinTx(ctx, func(ctx context.Context) error {
		out = PlanChange{NewPlan: target, EffectiveDate: now}
		// UpdateProgramme locks the programme row first, so concurrent
		// changes of one programme run one after the other.
		_, err := s.d.Programmes.UpdateProgramme(ctx, a.ProgrammeID, func(p *programme.Programme) error {
			if p.Plan == target {
				return fault.New(fault.Conflict, CodePlanActive, "The plan '"+target+"' is already active")
			}
			out.PreviousPlan = p.Plan
			p.Plan, p.UpdatedAt = target, now
			return nil
		})
		if err != nil {
			return err
		}
		if plan.MonthlySubscriptionFCFA > 0 {
			e, inv, err := s.debit(ctx, a, Debit{ProgrammeID: a.ProgrammeID, AmountFCFA: plan.MonthlySubscriptionFCFA,
				TxType: programme.TxSubscription, InvoiceType: programme.InvoiceSubscription,
				Description: fmt.Sprintf("Plan %s (%s), %s", plan.Plan, plan.DisplayName, programme.BillingPeriod(now))}, now)
			if err != nil {
				return err
			}
			out.Entry, out.Invoice = e, inv
		}
		if out.ModulesActivated, err = s.syncBundled(ctx, a.ProgrammeID, out.PreviousPlan, target, now); err != nil {
			return err
		}
		details := map[string]any{"previous_plan": out.PreviousPlan, "new_plan": target, "modules_activated": out.ModulesActivated}
		if out.Invoice != nil {
			details["invoice_number"] = out.Invoice.Number
		}
		return s.d.Audit.Record(ctx, s.event(a, "billing.change_plan", "programme", a.ProgrammeID, details))
	})
	if err != nil {
		return PlanChange{}, err
	}
	if out.ModulesActivated == nil {
		out.ModulesActivated = []string{}
	}
	return out, nil
}

// syncBundled switches on, for a move from plan from to plan to, every
// module to bundles that was off under from (not bundled then, or switched
// off by the programme), with a plan-included row dated now, and returns
// their keys. Nothing needs switching off: plan-included rows follow the
// plan (programme.ModuleOn), so the modules only from bundled go off with
// it, and bought add-ons stay as they are.
func (s *Service) syncBundled(ctx context.Context, programmeID, from, to string, now time.Time) ([]string, error) {
	have, err := s.moduleRows(ctx, programmeID)
	if err != nil {
		return nil, err
	}
	var on []string
	for _, key := range programme.BundledModules(to) {
		if programme.ModuleOn(from, key, have[key]) {
			continue
		}
		at := now
		if err := s.d.Modules.SetModule(ctx, programmeID, programme.ModuleState{Key: key, Status: programme.ModuleActive, ActivatedAt: &at, IncludedInPlan: true}); err != nil {
			return nil, err
		}
		on = append(on, key)
	}
	return on, nil
}

// moduleRows returns the programme's programme_modules rows by key.
func (s *Service) moduleRows(ctx context.Context, programmeID string) (map[string]*programme.ModuleState, error) {
	rows, err := s.d.Modules.ProgrammeModules(ctx, programmeID)
	if err != nil {
		return nil, fmt.Errorf("list modules: %w", err)
	}
	have := make(map[string]*programme.ModuleState, len(rows))
	for i := range rows {
		have[rows[i].Key] = &rows[i]
	}
	return have, nil
}

// ModuleView is one catalogue module as a programme sees it.
type ModuleView struct {
	Module         programme.Module
	Plan           string
	IncludedInPlan bool
	MonthlyCost    int64  // 0 when included
	Status         string // active, inactive or quote_required
	ActivatedAt    *time.Time
}

// Modules returns the catalogue with the caller's state of each module.
func (s *Service) Modules(ctx context.Context, a Actor) ([]ModuleView, error) {
	p, err := s.d.Programmes.ProgrammeByID(ctx, a.ProgrammeID)
	if err != nil {
		return nil, fmt.Errorf("load programme: %w", err)
	}
	have, err := s.moduleRows(ctx, a.ProgrammeID)
	if err != nil {
		return nil, err
	}
	cat := programme.Modules()
	out := make([]ModuleView, len(cat))
	for i, m := range cat {
		v := ModuleView{Module: m, Plan: p.Plan, IncludedInPlan: m.IncludedIn(p.Plan), Status: programme.ModuleInactive}
		cost, priced := m.ActivationCost(p.Plan)
		v.MonthlyCost = cost
		if !priced {
			v.Status = programme.ModuleQuoteRequired
		}
		if r := have[m.Key]; programme.ModuleOn(p.Plan, m.Key, r) {
			v.Status = programme.ModuleActive
			if r != nil {
				v.ActivatedAt = r.ActivatedAt
			}
		}
		out[i] = v
	}
	return out, nil
}

// ActiveModules returns the caller's active modules (bundled and add-ons).
func (s *Service) ActiveModules(ctx context.Context, a Actor) ([]ModuleView, error) {
	all, err := s.Modules(ctx, a)
	if err != nil {
		return nil, err
	}
	out := []ModuleView{}
	for _, v := range all {
		if v.Status == programme.ModuleActive {
			out = append(out, v)
		}
	}
	return out, nil
}

// ModuleActivation is the outcome of activating a module.
type ModuleActivation struct {
	View        ModuleView
	Invoice     *programme.Invoice // nil when the activation was free
	BillingNote string
}

// ActivateModule switches module key on for the caller's programme: free
// when the plan bundles it (or it is priced per card), otherwise its add-on
// price is debited with a module_activation invoice, in one transaction with
// the audit record. An unknown key is fault.Invalid (field module_key), a
// module sold on quote only fault.Invalid, an active one fault.Conflict, a
// balance too low fault.PaymentRequired.
func (s *Service) ActivateModule(ctx context.Context, a Actor, key string) (ModuleActivation, error) {
	if err := requireManager(a); err != nil {
		return ModuleActivation{}, err
	}
	m, ok := programme.ModuleByKey(key)
	if !ok {
		return ModuleActivation{}, fault.Field("module_key", CodeUnknownModule, "Unknown module '"+key+"'")
	}
	now := s.d.Clock.Now()
	var out ModuleActivation
	err := s.d.Tx.WithinTx(ctx, func(ctx context.Context) error {
		out = ModuleActivation{}
		// Lock the programme row before reading the module state, so two
		// activations of one module cannot both debit.
		p, err := s.d.Programmes.UpdateProgramme(ctx, a.ProgrammeID, func(*programme.Programme) error { return nil })
		if err != nil {
			return err
		}
		cost, priced := m.ActivationCost(p.Plan)
		if !priced {
			return fault.Field("module_key", CodeQuoteRequired, "The module '"+key+"' is sold on quote only; contact the platform team")
		}
		have, err := s.moduleRows(ctx, a.ProgrammeID)
		if err != nil {
			return err
		}
		if programme.ModuleOn(p.Plan, key, have[key]) {
			return fault.New(fault.Conflict, CodeModuleActive, "The module '"+key+"' is already active")
		}
		included := m.IncludedIn(p.Plan)
		out.BillingNote = "Included in the " + p.Plan + " plan: no charge"
		switch {
		case cost > 0:
			_, inv, err := s.debit(ctx, a, Debit{ProgrammeID: a.ProgrammeID, AmountFCFA: cost, TxType: programme.TxDebit,
				InvoiceType: programme.InvoiceModuleActivation, Description: fmt.Sprintf("Module %s, %s", m.Label, programme.BillingPeriod(now))}, now)
			if err != nil {
				return err
			}
			out.Invoice = inv
			out.BillingNote = fmt.Sprintf("%d FCFA debited; invoice %s", cost, inv.Number)
		case m.PerCard && !included:
			out.BillingNote = fmt.Sprintf("Charged %d FCFA per card ordered", m.AddOnFCFA)
		}
		at := now
		if err := s.d.Modules.SetModule(ctx, a.ProgrammeID, programme.ModuleState{Key: key, Status: programme.ModuleActive, ActivatedAt: &at, IncludedInPlan: included}); err != nil {
			return err
		}
		out.View = ModuleView{Module: m, Plan: p.Plan, IncludedInPlan: included, MonthlyCost: cost, Status: programme.ModuleActive, ActivatedAt: &at}
		return s.d.Audit.Record(ctx, s.event(a, "billing.module_activate", "module", key, map[string]any{"cost_fcfa": cost, "programme_id": a.ProgrammeID}))
	})
	if err != nil {
		return ModuleActivation{}, err
	}
	return out, nil
}

// DeactivateModule switches an active module off for the caller's programme,
// audited; nothing is refunded. An unknown key is fault.NotFound, a module
// that is not active fault.Conflict.
func (s *Service) DeactivateModule(ctx context.Context, a Actor, key string) error {
	if err := requireManager(a); err != nil {
		return err
	}
	if _, ok := programme.ModuleByKey(key); !ok {
		return fault.New(fault.NotFound, CodeUnknownModule, "Unknown module '"+key+"'")
	}
	return s.d.Tx.WithinTx(ctx, func(ctx context.Context) error {
		p, err := s.d.Programmes.UpdateProgramme(ctx, a.ProgrammeID, func(*programme.Programme) error { return nil })
		if err != nil {
			return err
		}
		have, err := s.moduleRows(ctx, a.ProgrammeID)
		if err != nil {
			return err
		}
		if !programme.ModuleOn(p.Plan, key, have[key]) {
			return fault.New(fault.Conflict, CodeModuleInactive, "The module '"+key+"' is not active")
		}
		if err := s.d.Modules.SetModule(ctx, a.ProgrammeID, programme.ModuleState{Key: key, Status: programme.ModuleInactive}); err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, s.event(a, "billing.module_deactivate", "module", key, map[string]any{"programme_id": a.ProgrammeID}))
	})
}

// InvoicePage is a page of invoices.
type InvoicePage struct {
	Items []programme.Invoice
	Total int
}

// Invoices lists the caller's invoices newest first.
func (s *Service) Invoices(ctx context.Context, a Actor, limit, offset int) (InvoicePage, error) {
	limit, offset, err := page(limit, offset, 50, 200)
	if err != nil {
		return InvoicePage{}, err
	}
	items, total, err := s.d.Invoices.Invoices(ctx, a.ProgrammeID, limit, offset)
	if err != nil {
		return InvoicePage{}, fmt.Errorf("list invoices: %w", err)
	}
	return InvoicePage{Items: items, Total: total}, nil
}

// Invoice returns one of the caller's invoices (any, for an
// administrator); another programme's is fault.NotFound.
func (s *Service) Invoice(ctx context.Context, a Actor, id string) (programme.Invoice, error) {
	if !programme.ValidUUID(id) {
		return programme.Invoice{}, errInvoiceMissing
	}
	inv, err := s.d.Invoices.Invoice(ctx, id)
	if fault.Is(err, fault.NotFound) || (err == nil && inv.ProgrammeID != a.ProgrammeID && !a.IsAdmin) {
		return programme.Invoice{}, errInvoiceMissing
	}
	if err != nil {
		return programme.Invoice{}, fmt.Errorf("load invoice: %w", err)
	}
	return inv, nil
}

// VerifyInvoice recomputes the invoice's HMAC-SHA256 and reports whether
// its stored signature matches (§7.3 verify).
func (s *Service) VerifyInvoice(ctx context.Context, a Actor, id string) (programme.Invoice, bool, error) {
	inv, err := s.Invoice(ctx, a, id)
	if err != nil {
		return programme.Invoice{}, false, err
	}
	return inv, programme.VerifyInvoice(s.opts.InvoiceKey, inv), nil
}

// InvoicePDF is not available until the card-rendering work lands: it
// checks the invoice is the caller's, then answers fault.NotImplemented.
func (s *Service) InvoicePDF(ctx context.Context, a Actor, id string) error {
	if _, err := s.Invoice(ctx, a, id); err != nil {
		return err
	}
	return fault.New(fault.NotImplemented, "billing.invoice_pdf_unavailable",
		"Invoice PDFs are not available yet: they arrive with the card-rendering (PDF) work")
}
