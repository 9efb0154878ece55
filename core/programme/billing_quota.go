package programme

import (
	"fmt"

	"github.com/kente-gov/kente/core/fault"
)

// Meter is a monthly quota that over-quota rules apply to.
type Meter string

// The metered quotas of §7.1.
const (
	MeterIdentities Meter = "identities" // cards, Studio and DHIS2
	MeterSMS        Meter = "sms"
	MeterWhatsApp   Meter = "whatsapp"
)

// CardSource says where a generated card comes from; it picks the per-card
// overage price (§7.2).
type CardSource string

// Card sources.
const (
	SourceStudio CardSource = "studio"
	SourceDHIS2  CardSource = "dhis2"
)

// HardLimitFactor is the §7.2 block: a month's usage may not pass three
// times the quota, whatever the balance.
const HardLimitFactor = 3

// Usage is a request to consume units of a metered quota: Used is what the
// month has consumed so far, Units what the job or send adds.
type Usage struct {
	Meter  Meter
	Source CardSource // identities only; studio when empty
	DPI    int        // identities only; the high-resolution surcharge applies at 600 (Studio) or 450 (DHIS2)
	Used   int64
	Units  int64
}

// Quote is what a usage costs under the over-quota rules.
type Quote struct {
	Free          int64 // units within the quota
	Billed        int64 // units beyond it
	UnitPriceFCFA int64
	CostFCFA      int64 // Billed × UnitPriceFCFA
	Description   string
}

// Stable codes of the over-quota refusals (fault.PaymentRequired).
const (
	CodeQuotaHardLimit      = "billing.quota_hard_limit"
	CodeInsufficientBalance = "billing.insufficient_balance"
)

// Quota returns the plan's monthly quota for m (Unlimited for none).
func (p QuotaPlan) Quota(m Meter) int64 {
	switch m {
	case MeterIdentities:
		return p.StudioPrintQuota
	case MeterSMS:
		return p.SMSQuota
	case MeterWhatsApp:
		return p.WhatsAppQuota
	}
	return 0
}

// UnitPrice returns the FCFA price of one unit of u beyond the quota: the
// per-card Studio or DHIS2 price plus the quality surcharge at high
// resolution for identities, the plan's overage rate for messages.
func (p QuotaPlan) UnitPrice(u Usage) int64 {
	switch u.Meter {
	case MeterIdentities:
		if u.Source == SourceDHIS2 {
			if u.DPI >= 450 {
				return p.SPDHIS2Price + p.SPQualitySurcharge
			}
			return p.SPDHIS2Price
		}
		if u.DPI >= 600 {
			return p.SPPricePerCard + p.SPQualitySurcharge
		}
		return p.SPPricePerCard
	case MeterSMS:
		return p.OverageSMSFCFA
	case MeterWhatsApp:
		return p.OverageWhatsAppFCFA
	}
	return 0
}

// QuoteUsage applies the over-quota rules of §7.2 and §15.22 to u under
// plan p with balance: units within what remains of the quota are free, the
// rest are billed per unit; an unlimited quota (-1) bills nothing. It
// refuses with fault.PaymentRequired when the month's usage would pass
// HardLimitFactor × the quota (CodeQuotaHardLimit) or when the balance cannot
// cover the cost (CodeInsufficientBalance); both carry the expected cost and
// the balance in Extra ("expected_cost_fcfa", "balance_fcfa"). Bad input is
// fault.Invalid.
func QuoteUsage(p QuotaPlan, u Usage, balance int64) (Quote, error) {
	switch u.Meter {
	case MeterIdentities, MeterSMS, MeterWhatsApp:
	default:
		return Quote{}, fault.Field("meter", "billing.invalid_meter", "meter must be identities, sms or whatsapp")
	}
	if u.Source != "" && u.Source != SourceStudio && u.Source != SourceDHIS2 {
		return Quote{}, fault.Field("source", "billing.invalid_source", "source must be studio or dhis2")
	}
	if u.Units <= 0 {
		return Quote{}, fault.Field("units", "billing.invalid_units", "units must be a positive integer")
	}
	if u.Used < 0 || u.Units > MaxAmountFCFA || u.Used > MaxAmountFCFA {
		return Quote{}, fault.Field("used", "billing.invalid_usage", "usage must be a non-negative integer")
	}
	quota := p.Quota(u.Meter)
	if quota == Unlimited {
		return Quote{Free: u.Units, Description: fmt.Sprintf("%d within quota (unlimited)", u.Units)}, nil
	}
	remaining := max(quota-u.Used, 0)
	q := Quote{Free: min(u.Units, remaining), UnitPriceFCFA: p.UnitPrice(u)}
	q.Billed = u.Units - q.Free
	q.CostFCFA = q.Billed * q.UnitPriceFCFA
	switch {
	case q.Billed == 0:
		q.Description = fmt.Sprintf("%d within quota", q.Free)
	case q.Free == 0:
		q.Description = fmt.Sprintf("%d billed at %d FCFA", q.Billed, q.UnitPriceFCFA)
	default:
		q.Description = fmt.Sprintf("%d billed at %d FCFA, %d within quota", q.Billed, q.UnitPriceFCFA, q.Free)
	}
	if u.Used+u.Units > HardLimitFactor*quota {
		return q, InsufficientFunds(CodeQuotaHardLimit,
			fmt.Sprintf("This month's %s usage would pass %d× the plan quota of %d", u.Meter, HardLimitFactor, quota), q.CostFCFA, balance)
	}
	if q.CostFCFA > balance {
		return q, InsufficientFunds(CodeInsufficientBalance,
			fmt.Sprintf("Insufficient balance: the expected cost is %d FCFA and the balance is %d FCFA", q.CostFCFA, balance), q.CostFCFA, balance)
	}
	return q, nil
}

// InsufficientFunds returns the fault.PaymentRequired (402) refusal that
// carries the expected cost and the balance, as every billing refusal does.
func InsufficientFunds(code, msg string, expectedCost, balance int64) *fault.Error {
	return fault.New(fault.PaymentRequired, code, msg).With("expected_cost_fcfa", expectedCost).With("balance_fcfa", balance)
}
