package billingv1svc

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/programme"
)

// QuotaPlans returns the four plans, cheapest first: the administrators'
// stored edits over the §7.1 defaults.
func (s *Service) QuotaPlans(ctx context.Context) ([]programme.QuotaPlan, error) {
	stored, err := s.d.Plans.QuotaPlans(ctx)
	if err != nil {
		return nil, fmt.Errorf("list quota plans: %w", err)
	}
	byPlan := map[string]programme.QuotaPlan{}
	for _, p := range stored {
		byPlan[p.Plan] = p
	}
	out := programme.DefaultQuotaPlans()
	for i, p := range out {
		if st, ok := byPlan[p.Plan]; ok {
			out[i] = st
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return programme.PlanRank(out[i].Plan) < programme.PlanRank(out[j].Plan) })
	return out, nil
}

// QuotaPlan returns one plan (a legacy alias included); an unknown plan is
// fault.NotFound.
func (s *Service) QuotaPlan(ctx context.Context, plan string) (programme.QuotaPlan, error) {
	name, ok := programme.NormalisePlan(plan)
	if !ok {
		return programme.QuotaPlan{}, fault.New(fault.NotFound, CodeUnknownPlan, "Unknown plan '"+plan+"'")
	}
	plans, err := s.QuotaPlans(ctx)
	if err != nil {
		return programme.QuotaPlan{}, err
	}
	for _, p := range plans {
		if p.Plan == name {
			return p, nil
		}
	}
	return programme.QuotaPlan{}, fault.New(fault.NotFound, CodeUnknownPlan, "Unknown plan '"+plan+"'")
}

// QuotaPlanChange holds the QuotaPlan fields PUT /billing/quota-plans/{plan}
// may change; nil leaves a field alone.
type QuotaPlanChange struct {
	DisplayName             *string
	MonthlySubscriptionFCFA *int64
	StudioPrintQuota        *int64
	BeneficiaryQuota        *int64
	SMSQuota                *int64
	WhatsAppQuota           *int64
	VerificationsQuota      *int64
	StorageGB               *int64
	OverageBeneficiaryFCFA  *int64
	OverageSMSFCFA          *int64
	OverageWhatsAppFCFA     *int64
	InfraFactor             *float64
	SPPricePerCard          *int64
	SPDHIS2Price            *int64
	SPQualitySurcharge      *int64
}

func (ch QuotaPlanChange) apply(p *programme.QuotaPlan) []string {
	var changed []string
	str := func(name string, dst *string, v *string) {
		if v != nil {
			*dst = *v
			changed = append(changed, name)
		}
	}
	num := func(name string, dst *int64, v *int64) {
		if v != nil {
			*dst = *v
			changed = append(changed, name)
		}
	}
	str("display_name", &p.DisplayName, ch.DisplayName)
	num("monthly_subscription_fcfa", &p.MonthlySubscriptionFCFA, ch.MonthlySubscriptionFCFA)
	num("studio_print_quota", &p.StudioPrintQuota, ch.StudioPrintQuota)
	num("beneficiary_quota", &p.BeneficiaryQuota, ch.BeneficiaryQuota)
	num("sms_quota", &p.SMSQuota, ch.SMSQuota)
	num("whatsapp_quota", &p.WhatsAppQuota, ch.WhatsAppQuota)
	num("verifications_quota", &p.VerificationsQuota, ch.VerificationsQuota)
	num("storage_gb", &p.StorageGB, ch.StorageGB)
	num("overage_beneficiary_fcfa", &p.OverageBeneficiaryFCFA, ch.OverageBeneficiaryFCFA)
	num("overage_sms_fcfa", &p.OverageSMSFCFA, ch.OverageSMSFCFA)
	num("overage_whatsapp_fcfa", &p.OverageWhatsAppFCFA, ch.OverageWhatsAppFCFA)
	if ch.InfraFactor != nil {
		p.InfraFactor = *ch.InfraFactor
		changed = append(changed, "infra_factor")
	}
	num("sp_price_per_card", &p.SPPricePerCard, ch.SPPricePerCard)
	num("sp_dhis2_price", &p.SPDHIS2Price, ch.SPDHIS2Price)
	num("sp_quality_surcharge", &p.SPQualitySurcharge, ch.SPQualitySurcharge)
	return changed
}

// UpdateQuotaPlan applies an administrator's edit to a plan at once (§7.3),
// audited in the same transaction.
func (s *Service) UpdateQuotaPlan(ctx context.Context, a Actor, plan string, ch QuotaPlanChange) (programme.QuotaPlan, error) {
	if err := requireAdmin(a); err != nil {
		return programme.QuotaPlan{}, err
	}
	p, err := s.QuotaPlan(ctx, plan)
	if err != nil {
		return programme.QuotaPlan{}, err
	}
	changed := ch.apply(&p)
	if err := p.Validate(); err != nil {
		return programme.QuotaPlan{}, err
	}
	p.UpdatedAt = s.d.Clock.Now()
	err = s.d.Tx.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.d.Plans.PutQuotaPlan(ctx, p); err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, s.event(a, "admin.quota_plan_update", "quota_plan", p.Plan, map[string]any{"fields": changed}))
	})
	if err != nil {
		return programme.QuotaPlan{}, fmt.Errorf("update quota plan: %w", err)
	}
	return p, nil
}

// BalanceView is GET /billing/balance: the programme, its plan and this
// month's usage.
type BalanceView struct {
	Programme      programme.Programme
	Plan           programme.QuotaPlan
	Usage          Usage
	QuotaResetDate time.Time // the 1st of next month, UTC
}

// Usage is a month's metered consumption (§7.3 my-usage). Until the jobs and
// messaging contexts record engine usage, every counter is 0.
type Usage struct {
	Period         string // YYYY-MM
	IdentitiesUsed int64
	StudioCards    int64
	DHIS2Cards     int64
	SMSSent        int64
	WhatsAppSent   int64
	StorageGBUsed  float64
}

// Balance returns the caller's balance, plan and quota.
func (s *Service) Balance(ctx context.Context, a Actor) (BalanceView, error) {
	p, err := s.d.Programmes.ProgrammeByID(ctx, a.ProgrammeID)
	if err != nil {
		return BalanceView{}, fmt.Errorf("load programme: %w", err)
	}
	plan, err := s.QuotaPlan(ctx, p.Plan)
	if err != nil {
		return BalanceView{}, err
	}
	now := s.d.Clock.Now().UTC()
	reset := time.Date(now.Year(), now.Month()+1, 1, 0, 0, 0, 0, time.UTC)
	return BalanceView{Programme: p, Plan: plan, Usage: s.usage(now), QuotaResetDate: reset}, nil
}

// MyUsage returns the caller's usage this month.
func (s *Service) MyUsage(_ context.Context, _ Actor) (Usage, error) {
	return s.usage(s.d.Clock.Now()), nil
}

func (s *Service) usage(now time.Time) Usage { return Usage{Period: programme.BillingPeriod(now)} }

// LedgerPage is a page of ledger entries with the invoice of each billed
// entry (by invoice id).
type LedgerPage struct {
	Entries  []programme.LedgerEntry
	Total    int
	Invoices map[string]programme.Invoice
}

// Ledger lists the caller's ledger newest first; txType filters when not
// empty; limit 1–200 (50 when 0).
func (s *Service) Ledger(ctx context.Context, a Actor, txType string, limit, offset int) (LedgerPage, error) {
	limit, offset, err := page(limit, offset, 50, 200)
	if err != nil {
		return LedgerPage{}, err
	}
	if txType != "" && !programme.TxType(txType).Valid() {
		return LedgerPage{}, fault.Field("tx_type", "billing.invalid_tx_type", "tx_type must be one of debit, credit, refund, subscription, topup, pvc_order")
	}
	entries, total, err := s.d.Ledger.LedgerEntries(ctx, a.ProgrammeID, programme.TxType(txType), limit, offset)
	if err != nil {
		return LedgerPage{}, fmt.Errorf("list ledger: %w", err)
	}
	out := LedgerPage{Entries: entries, Total: total, Invoices: map[string]programme.Invoice{}}
	for _, e := range entries {
		if e.InvoiceID == "" {
			continue
		}
		inv, err := s.d.Invoices.Invoice(ctx, e.InvoiceID)
		if err != nil {
			return LedgerPage{}, fmt.Errorf("load invoice %s: %w", e.InvoiceID, err)
		}
		out.Invoices[inv.ID] = inv
	}
	return out, nil
}

// Stats are the platform figures of GET /admin/stats.
type Stats struct {
	ProgrammesTotal int
	CampaignsTotal  int // 0 until the campaigns context lands
	JobsTotal       int // 0 until the campaigns context lands
	CardsTotal      int64
	RevenueFCFA     int64 // Σ of debits, as a positive amount
}

// Stats returns the platform figures (§6.4); administrators only.
func (s *Service) Stats(ctx context.Context, a Actor) (Stats, error) {
	if err := requireAdmin(a); err != nil {
		return Stats{}, err
	}
	_, total, err := s.d.Programmes.ListProgrammes(ctx, 1, 0)
	if err != nil {
		return Stats{}, fmt.Errorf("count programmes: %w", err)
	}
	rev, err := s.d.Ledger.DebitTotal(ctx)
	if err != nil {
		return Stats{}, fmt.Errorf("sum revenue: %w", err)
	}
	return Stats{ProgrammesTotal: total, RevenueFCFA: rev}, nil
}
