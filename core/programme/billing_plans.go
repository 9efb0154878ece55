package programme

import (
	"fmt"
	"time"

	"github.com/kente-gov/kente/core/fault"
)

// Unlimited is the quota value of "no limit" (-1 in the §7.1 table).
const Unlimited int64 = -1

// QuotaPlan is one plan's prices, quotas and over-quota rates (oomus-platform
// §4.7 QuotaPlan). Plans are data: the §7.1 v5.14 table seeds them and
// platform administrators edit them.
type QuotaPlan struct {
	Plan                    string // starter, regional_ops, national_campaign, sovereign_enterprise
	DisplayName             string
	MonthlySubscriptionFCFA int64
	StudioPrintQuota        int64 // identities (cards, Studio + DHIS2) per month
	BeneficiaryQuota        int64
	SMSQuota                int64
	WhatsAppQuota           int64
	VerificationsQuota      int64
	StorageGB               int64
	OverageBeneficiaryFCFA  int64 // per beneficiary beyond the quota
	OverageSMSFCFA          int64 // per SMS beyond the quota
	OverageWhatsAppFCFA     int64 // per WhatsApp message beyond the quota
	InfraFactor             float64
	SPPricePerCard          int64 // per Studio card beyond the quota
	SPDHIS2Price            int64 // per DHIS2 card beyond the quota
	SPQualitySurcharge      int64 // added per billed card at high resolution
	UpdatedAt               time.Time
}

// DefaultQuotaPlans returns the §7.1 v5.14 table (prices and quotas) with
// the v5.1 per-card prices and the §6.4 engine per-message rates as overage
// rates, cheapest first. A fresh deployment bills with these until an
// administrator edits a plan.
func DefaultQuotaPlans() []QuotaPlan {
	return []QuotaPlan{
		{Plan: PlanStarter, DisplayName: "Essential", MonthlySubscriptionFCFA: 25_000,
			StudioPrintQuota: 10_000, BeneficiaryQuota: 10_000, SMSQuota: 50_000, WhatsAppQuota: 10_000, VerificationsQuota: 5_000, StorageGB: 10,
			OverageBeneficiaryFCFA: 8, OverageSMSFCFA: 8, OverageWhatsAppFCFA: 14, InfraFactor: 1.0,
			SPPricePerCard: 8, SPDHIS2Price: 9, SPQualitySurcharge: 2},
		{Plan: PlanRegionalOps, DisplayName: "Regional Command", MonthlySubscriptionFCFA: 75_000,
			StudioPrintQuota: 100_000, BeneficiaryQuota: 100_000, SMSQuota: 250_000, WhatsAppQuota: 100_000, VerificationsQuota: 50_000, StorageGB: 50,
			OverageBeneficiaryFCFA: 10, OverageSMSFCFA: 8, OverageWhatsAppFCFA: 14, InfraFactor: 1.0,
			SPPricePerCard: 10, SPDHIS2Price: 10, SPQualitySurcharge: 3},
		{Plan: PlanNationalCampaign, DisplayName: "National Infrastructure", MonthlySubscriptionFCFA: 250_000,
			StudioPrintQuota: 1_000_000, BeneficiaryQuota: 1_000_000, SMSQuota: 3_000_000, WhatsAppQuota: 1_000_000, VerificationsQuota: 500_000, StorageGB: 500,
			OverageBeneficiaryFCFA: 12, OverageSMSFCFA: 8, OverageWhatsAppFCFA: 14, InfraFactor: 1.0,
			SPPricePerCard: 12, SPDHIS2Price: 15, SPQualitySurcharge: 3},
		{Plan: PlanSovereignEnterprise, DisplayName: "Sovereign Cloud", MonthlySubscriptionFCFA: 750_000,
			StudioPrintQuota: Unlimited, BeneficiaryQuota: Unlimited, SMSQuota: Unlimited, WhatsAppQuota: Unlimited, VerificationsQuota: Unlimited, StorageGB: Unlimited,
			OverageBeneficiaryFCFA: 15, OverageSMSFCFA: 8, OverageWhatsAppFCFA: 14, InfraFactor: 2.2,
			SPPricePerCard: 15, SPDHIS2Price: 20, SPQualitySurcharge: 4},
	}
}

// DefaultQuotaPlan returns the default of one plan.
func DefaultQuotaPlan(plan string) (QuotaPlan, bool) {
	for _, p := range DefaultQuotaPlans() {
		if p.Plan == plan {
			return p, true
		}
	}
	return QuotaPlan{}, false
}

// PlanRank orders plans from 1 (starter) to 4 (sovereign_enterprise); 0 for
// an unknown plan. Module bundling follows it: a plan includes every module
// bundled from its rank or below.
func PlanRank(plan string) int {
	switch plan {
	case PlanStarter:
		return 1
	case PlanRegionalOps:
		return 2
	case PlanNationalCampaign:
		return 3
	case PlanSovereignEnterprise:
		return 4
	}
	return 0
}

// maxDisplayName bounds a plan's display name.
const maxDisplayName = 100

// Validate reports a plan that cannot be stored, naming the field at fault
// by its JSON name: quotas are -1 (unlimited) or ≥ 0, prices and rates ≥ 0,
// the infra factor in (0, 100].
func (p QuotaPlan) Validate() error {
	if PlanRank(p.Plan) == 0 {
		return fault.Field("plan", "billing.unknown_plan", "plan must be one of starter, regional_ops, national_campaign, sovereign_enterprise")
	}
	if p.DisplayName == "" || len([]rune(p.DisplayName)) > maxDisplayName {
		return fault.Field("display_name", "billing.invalid_display_name", fmt.Sprintf("display_name must be 1–%d characters", maxDisplayName))
	}
	quotas := []struct {
		name string
		v    int64
	}{
		{"studio_print_quota", p.StudioPrintQuota}, {"beneficiary_quota", p.BeneficiaryQuota}, {"sms_quota", p.SMSQuota},
		{"whatsapp_quota", p.WhatsAppQuota}, {"verifications_quota", p.VerificationsQuota}, {"storage_gb", p.StorageGB},
	}
	for _, q := range quotas {
		if q.v < Unlimited {
			return fault.Field(q.name, "billing.invalid_quota", q.name+" must be -1 (unlimited) or a non-negative integer")
		}
	}
	prices := []struct {
		name string
		v    int64
	}{
		{"monthly_subscription_fcfa", p.MonthlySubscriptionFCFA}, {"overage_beneficiary_fcfa", p.OverageBeneficiaryFCFA},
		{"overage_sms_fcfa", p.OverageSMSFCFA}, {"overage_whatsapp_fcfa", p.OverageWhatsAppFCFA},
		{"sp_price_per_card", p.SPPricePerCard}, {"sp_dhis2_price", p.SPDHIS2Price}, {"sp_quality_surcharge", p.SPQualitySurcharge},
	}
	for _, q := range prices {
		if q.v < 0 || q.v > MaxAmountFCFA {
			return fault.Field(q.name, "billing.invalid_price", q.name+" must be a non-negative amount in FCFA")
		}
	}
	if !(p.InfraFactor > 0 && p.InfraFactor <= 100) {
		return fault.Field("infra_factor", "billing.invalid_infra_factor", "infra_factor must be greater than 0 and at most 100")
	}
	return nil
}

// MaxAmountFCFA bounds any single amount (10^13 FCFA), far above any real
// figure and far below int64 overflow when amounts are summed.
const MaxAmountFCFA int64 = 10_000_000_000_000
