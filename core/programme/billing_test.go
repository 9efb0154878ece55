package programme_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/programme"
)

func plan(t testing.TB, name string) programme.QuotaPlan {
	t.Helper()
	p, ok := programme.DefaultQuotaPlan(name)
	require.True(t, ok, name)
	return p
}

func TestQuoteUsage(t *testing.T) {
	ident := programme.MeterIdentities
	tests := []struct {
		name    string
		plan    string
		give    programme.Usage
		balance int64
		want    programme.Quote
		code    string // "" when accepted
	}{
		{"within quota is free with a zero balance", programme.PlanStarter, programme.Usage{Meter: ident, Used: 0, Units: 2000}, 0,
			programme.Quote{Free: 2000, UnitPriceFCFA: 8, Description: "2000 within quota"}, ""},
		{"exactly the quota is free", programme.PlanStarter, programme.Usage{Meter: ident, Used: 9000, Units: 1000}, 0,
			programme.Quote{Free: 1000, UnitPriceFCFA: 8, Description: "1000 within quota"}, ""},
		{"§7.2 example: partly free, partly billed", programme.PlanStarter, programme.Usage{Meter: ident, Used: 9800, Units: 2000}, 14_400,
			programme.Quote{Free: 200, Billed: 1800, UnitPriceFCFA: 8, CostFCFA: 14_400, Description: "1800 billed at 8 FCFA, 200 within quota"}, ""},
		{"one FCFA short is 402", programme.PlanStarter, programme.Usage{Meter: ident, Used: 9800, Units: 2000}, 14_399,
			programme.Quote{Free: 200, Billed: 1800, UnitPriceFCFA: 8, CostFCFA: 14_400, Description: "1800 billed at 8 FCFA, 200 within quota"}, programme.CodeInsufficientBalance},
		{"quota spent: all billed", programme.PlanStarter, programme.Usage{Meter: ident, Used: 10_000, Units: 100}, 800,
			programme.Quote{Billed: 100, UnitPriceFCFA: 8, CostFCFA: 800, Description: "100 billed at 8 FCFA"}, ""},
		{"used past the quota: all billed", programme.PlanStarter, programme.Usage{Meter: ident, Used: 15_000, Units: 100}, 10_000,
			programme.Quote{Billed: 100, UnitPriceFCFA: 8, CostFCFA: 800, Description: "100 billed at 8 FCFA"}, ""},
		{"studio 450 DPI: no surcharge", programme.PlanStarter, programme.Usage{Meter: ident, DPI: 450, Used: 10_000, Units: 10}, 1000,
			programme.Quote{Billed: 10, UnitPriceFCFA: 8, CostFCFA: 80, Description: "10 billed at 8 FCFA"}, ""},
		{"studio 600 DPI: +2 surcharge", programme.PlanStarter, programme.Usage{Meter: ident, Source: programme.SourceStudio, DPI: 600, Used: 10_000, Units: 10}, 1000,
			programme.Quote{Billed: 10, UnitPriceFCFA: 10, CostFCFA: 100, Description: "10 billed at 10 FCFA"}, ""},
		{"dhis2 300 DPI", programme.PlanStarter, programme.Usage{Meter: ident, Source: programme.SourceDHIS2, DPI: 300, Used: 10_000, Units: 10}, 1000,
			programme.Quote{Billed: 10, UnitPriceFCFA: 9, CostFCFA: 90, Description: "10 billed at 9 FCFA"}, ""},
		{"dhis2 450 DPI: +2 surcharge", programme.PlanStarter, programme.Usage{Meter: ident, Source: programme.SourceDHIS2, DPI: 450, Used: 10_000, Units: 10}, 1000,
			programme.Quote{Billed: 10, UnitPriceFCFA: 11, CostFCFA: 110, Description: "10 billed at 11 FCFA"}, ""},
		{"regional_ops per-card price", programme.PlanRegionalOps, programme.Usage{Meter: ident, Used: 99_990, Units: 20}, 100,
			programme.Quote{Free: 10, Billed: 10, UnitPriceFCFA: 10, CostFCFA: 100, Description: "10 billed at 10 FCFA, 10 within quota"}, ""},
		{"national_campaign dhis2 600 DPI", programme.PlanNationalCampaign, programme.Usage{Meter: ident, Source: programme.SourceDHIS2, DPI: 600, Used: 1_000_000, Units: 1}, 18,
			programme.Quote{Billed: 1, UnitPriceFCFA: 18, CostFCFA: 18, Description: "1 billed at 18 FCFA"}, ""},
		{"sms overage", programme.PlanStarter, programme.Usage{Meter: programme.MeterSMS, Used: 49_999, Units: 3}, 16,
			programme.Quote{Free: 1, Billed: 2, UnitPriceFCFA: 8, CostFCFA: 16, Description: "2 billed at 8 FCFA, 1 within quota"}, ""},
		{"whatsapp overage", programme.PlanStarter, programme.Usage{Meter: programme.MeterWhatsApp, Used: 10_000, Units: 5}, 70,
			programme.Quote{Billed: 5, UnitPriceFCFA: 14, CostFCFA: 70, Description: "5 billed at 14 FCFA"}, ""},
		{"reaching exactly 3× the quota is allowed", programme.PlanStarter, programme.Usage{Meter: ident, Used: 29_000, Units: 1000}, 8000,
			programme.Quote{Billed: 1000, UnitPriceFCFA: 8, CostFCFA: 8000, Description: "1000 billed at 8 FCFA"}, ""},
		{"passing 3× the quota is 402 whatever the balance", programme.PlanStarter, programme.Usage{Meter: ident, Used: 29_000, Units: 1001}, 1_000_000_000,
			programme.Quote{Billed: 1001, UnitPriceFCFA: 8, CostFCFA: 8008, Description: "1001 billed at 8 FCFA"}, programme.CodeQuotaHardLimit},
		{"one job larger than 3× the quota is 402", programme.PlanStarter, programme.Usage{Meter: programme.MeterSMS, Used: 0, Units: 150_001}, 1_000_000_000,
			programme.Quote{Free: 50_000, Billed: 100_001, UnitPriceFCFA: 8, CostFCFA: 800_008, Description: "100001 billed at 8 FCFA, 50000 within quota"}, programme.CodeQuotaHardLimit},
		{"unlimited quota bills nothing and never blocks", programme.PlanSovereignEnterprise, programme.Usage{Meter: ident, Used: 50_000_000, Units: 9_000_000}, 0,
			programme.Quote{Free: 9_000_000, Description: "9000000 within quota (unlimited)"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := programme.QuoteUsage(plan(t, tt.plan), tt.give, tt.balance)
			assert.Equal(t, tt.want, got)
			if tt.code == "" {
				require.NoError(t, err)
				return
			}
			fe, ok := fault.As(err)
			require.True(t, ok, "%v", err)
			assert.Equal(t, fault.PaymentRequired, fe.Kind)
			assert.Equal(t, tt.code, fe.Code)
			assert.Equal(t, tt.want.CostFCFA, fe.Extra["expected_cost_fcfa"])
			assert.Equal(t, tt.balance, fe.Extra["balance_fcfa"])
		})
	}
}

func TestQuoteUsageInvalid(t *testing.T) {
	p := plan(t, programme.PlanStarter)
	tests := []struct {
		give  programme.Usage
		field string
	}{
		{programme.Usage{Meter: "", Units: 1}, "meter"},
		{programme.Usage{Meter: "storage", Units: 1}, "meter"},
		{programme.Usage{Meter: programme.MeterIdentities, Source: "scanner", Units: 1}, "source"},
		{programme.Usage{Meter: programme.MeterIdentities, Units: 0}, "units"},
		{programme.Usage{Meter: programme.MeterIdentities, Units: -5}, "units"},
		{programme.Usage{Meter: programme.MeterIdentities, Used: -1, Units: 1}, "used"},
		{programme.Usage{Meter: programme.MeterIdentities, Units: programme.MaxAmountFCFA + 1}, "used"},
	}
	for _, tt := range tests {
		_, err := programme.QuoteUsage(p, tt.give, 1_000_000)
		fe, ok := fault.As(err)
		require.True(t, ok, "%+v: %v", tt.give, err)
		assert.Equal(t, fault.Invalid, fe.Kind, "%+v", tt.give)
		assert.Equal(t, tt.field, fe.Field, "%+v", tt.give)
	}
}

var invoiceNumberRE = regexp.MustCompile(`^INV-(SUB|MOD|PVC|GEN|PLT)-\d{6}-[A-Z0-9]{6}$`)

func TestInvoiceNumber(t *testing.T) {
	// 23:30 on 30 Nov in UTC-1 is 00:30 on 1 Dec UTC: the UTC month counts.
	at := time.Date(2026, 11, 30, 23, 30, 0, 0, time.FixedZone("AZOT", -3600))
	types := map[programme.InvoiceType]string{
		programme.InvoiceSubscription: "SUB", programme.InvoiceModuleActivation: "MOD", programme.InvoicePVCOrder: "PVC",
		programme.InvoiceGeneration: "GEN", programme.InvoicePlatformCreation: "PLT",
	}
	for typ, code := range types {
		n, err := programme.InvoiceNumber(typ, at, bytes.NewReader([]byte{0, 1, 2, 25, 26, 35}))
		require.NoError(t, err)
		assert.Equal(t, "INV-"+code+"-202612-ABCZ09", n)
		assert.Regexp(t, invoiceNumberRE, n)
	}
	// Bytes ≥ 252 are rejected so the draw stays uniform; 36 wraps to A.
	n, err := programme.InvoiceNumber(programme.InvoiceSubscription, at, bytes.NewReader([]byte{252, 255, 36, 71, 72, 251, 1, 2}))
	require.NoError(t, err)
	assert.Equal(t, "INV-SUB-202612-A9A9BC", n)

	_, err = programme.InvoiceNumber("refund", at, bytes.NewReader(make([]byte, 6)))
	require.Error(t, err)
	_, err = programme.InvoiceNumber(programme.InvoiceGeneration, at, bytes.NewReader([]byte{1, 2, 3}))
	require.Error(t, err, "a short random source is an error, not a short number")
	_, err = programme.InvoiceNumber(programme.InvoiceGeneration, at, iotest.ErrReader(assert.AnError))
	require.ErrorIs(t, err, assert.AnError)
	assert.Equal(t, "2026-12", programme.BillingPeriod(at))
}

func TestSignInvoice(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	inv := programme.Invoice{ID: "0b9d3c4e-1f2a-4b5c-8d6e-7f8091a2b3c4", ProgrammeID: "p1", Number: "INV-SUB-202611-AB12CD",
		Type: programme.InvoiceSubscription, Status: programme.InvoicePaid, TotalFCFA: 75_000, BillingPeriod: "2026-11"}
	assert.Equal(t, inv.ID+":INV-SUB-202611-AB12CD:75000:2026-11", programme.InvoiceSignedMessage(inv))

	m := hmac.New(sha256.New, key)
	m.Write([]byte(inv.ID + ":INV-SUB-202611-AB12CD:75000:2026-11"))
	want := "sha256:" + hex.EncodeToString(m.Sum(nil))
	inv.SignatureHash = programme.SignInvoice(key, inv)
	assert.Equal(t, want, inv.SignatureHash)
	assert.True(t, programme.VerifyInvoice(key, inv))
	assert.False(t, programme.VerifyInvoice([]byte("another key, also 32 bytes long!"), inv))

	tamper := map[string]func(*programme.Invoice){
		"id":            func(i *programme.Invoice) { i.ID = "0b9d3c4e-1f2a-4b5c-8d6e-7f8091a2b3c5" },
		"number":        func(i *programme.Invoice) { i.Number = "INV-SUB-202611-AB12CE" },
		"total":         func(i *programme.Invoice) { i.TotalFCFA = 7_500 },
		"total negated": func(i *programme.Invoice) { i.TotalFCFA = -75_000 },
		"period":        func(i *programme.Invoice) { i.BillingPeriod = "2026-12" },
		"signature":     func(i *programme.Invoice) { i.SignatureHash = i.SignatureHash[:len(i.SignatureHash)-1] + "0" },
		"no prefix":     func(i *programme.Invoice) { i.SignatureHash = i.SignatureHash[len("sha256:"):] },
		"empty":         func(i *programme.Invoice) { i.SignatureHash = "" },
	}
	for name, f := range tamper {
		c := inv
		f(&c)
		if c.SignatureHash == inv.SignatureHash && name == "signature" {
			c.SignatureHash = inv.SignatureHash[:len(inv.SignatureHash)-1] + "1"
		}
		assert.False(t, programme.VerifyInvoice(key, c), name)
	}
	// Fields outside §7.5's message are not covered by the signature.
	c := inv
	c.Type, c.ProgrammeID, c.Status = programme.InvoiceGeneration, "p2", "void"
	assert.True(t, programme.VerifyInvoice(key, c))
}

func TestQuotaPlanValidate(t *testing.T) {
	for _, p := range programme.DefaultQuotaPlans() {
		require.NoError(t, p.Validate(), p.Plan)
	}
	tests := []struct {
		name  string
		edit  func(*programme.QuotaPlan)
		field string
	}{
		{"unknown plan", func(p *programme.QuotaPlan) { p.Plan = "gold" }, "plan"},
		{"empty name", func(p *programme.QuotaPlan) { p.DisplayName = "" }, "display_name"},
		{"long name", func(p *programme.QuotaPlan) { p.DisplayName = string(bytes.Repeat([]byte("é"), 101)) }, "display_name"},
		{"quota below -1", func(p *programme.QuotaPlan) { p.StudioPrintQuota = -2 }, "studio_print_quota"},
		{"beneficiary quota", func(p *programme.QuotaPlan) { p.BeneficiaryQuota = -3 }, "beneficiary_quota"},
		{"sms quota", func(p *programme.QuotaPlan) { p.SMSQuota = -2 }, "sms_quota"},
		{"whatsapp quota", func(p *programme.QuotaPlan) { p.WhatsAppQuota = -2 }, "whatsapp_quota"},
		{"verifications quota", func(p *programme.QuotaPlan) { p.VerificationsQuota = -2 }, "verifications_quota"},
		{"storage", func(p *programme.QuotaPlan) { p.StorageGB = -2 }, "storage_gb"},
		{"negative price", func(p *programme.QuotaPlan) { p.MonthlySubscriptionFCFA = -1 }, "monthly_subscription_fcfa"},
		{"huge price", func(p *programme.QuotaPlan) { p.MonthlySubscriptionFCFA = programme.MaxAmountFCFA + 1 }, "monthly_subscription_fcfa"},
		{"overage beneficiary", func(p *programme.QuotaPlan) { p.OverageBeneficiaryFCFA = -1 }, "overage_beneficiary_fcfa"},
		{"overage sms", func(p *programme.QuotaPlan) { p.OverageSMSFCFA = -1 }, "overage_sms_fcfa"},
		{"overage whatsapp", func(p *programme.QuotaPlan) { p.OverageWhatsAppFCFA = -1 }, "overage_whatsapp_fcfa"},
		{"card price", func(p *programme.QuotaPlan) { p.SPPricePerCard = -1 }, "sp_price_per_card"},
		{"dhis2 price", func(p *programme.QuotaPlan) { p.SPDHIS2Price = -1 }, "sp_dhis2_price"},
		{"surcharge", func(p *programme.QuotaPlan) { p.SPQualitySurcharge = -1 }, "sp_quality_surcharge"},
		{"zero infra factor", func(p *programme.QuotaPlan) { p.InfraFactor = 0 }, "infra_factor"},
		{"huge infra factor", func(p *programme.QuotaPlan) { p.InfraFactor = 100.5 }, "infra_factor"},
	}
	for _, tt := range tests {
		p := plan(t, programme.PlanStarter)
		tt.edit(&p)
		err := p.Validate()
		fe, ok := fault.As(err)
		require.True(t, ok, "%s: %v", tt.name, err)
		assert.Equal(t, fault.Invalid, fe.Kind, tt.name)
		assert.Equal(t, tt.field, fe.Field, tt.name)
	}
	p := plan(t, programme.PlanStarter)
	p.SMSQuota, p.InfraFactor, p.MonthlySubscriptionFCFA = programme.Unlimited, 100, 0
	assert.NoError(t, p.Validate(), "-1, a free plan and the top infra factor are valid")
}

func TestBundledModules(t *testing.T) {
	starter := []string{"sms_gateway", "pvc_studio"}
	regional := append(append([]string{}, starter[:2]...), "whatsapp_bsp", "offline_sync", "geo_command_center", "advanced_analytics")
	national := append(append([]string{}, regional...), "ai_fraud_detection", "sovereign_wallet", "mpi_registry",
		"dedicated_verify_platform", "advanced_sla", "ai_optimizer", "trust_score")
	sovereign := append(append([]string{}, national...), "sovereign_hosting", "biometric_signature", "dedicated_provisioning")
	assert.Equal(t, starter, programme.BundledModules(programme.PlanStarter))
	assert.Equal(t, regional, programme.BundledModules(programme.PlanRegionalOps))
	assert.Equal(t, national, programme.BundledModules(programme.PlanNationalCampaign))
	assert.Equal(t, sovereign, programme.BundledModules(programme.PlanSovereignEnterprise))
	assert.Empty(t, programme.BundledModules("gold"))
	assert.Empty(t, programme.BundledModules("pro"), "legacy aliases are normalised before, not here")
	assert.NotContains(t, sovereign, "advanced_simulation", "never bundled")
	assert.Len(t, programme.Modules(), len(sovereign)+1)
}

func TestActivationCost(t *testing.T) {
	tests := []struct {
		key, plan string
		cost      int64
		ok        bool
	}{
		{"whatsapp_bsp", programme.PlanStarter, 75_000, true},
		{"whatsapp_bsp", programme.PlanRegionalOps, 0, true},
		{"sms_gateway", programme.PlanStarter, 0, true},
		{"pvc_studio", programme.PlanStarter, 0, true},
		{"ai_optimizer", programme.PlanRegionalOps, 0, false},
		{"ai_optimizer", programme.PlanNationalCampaign, 0, true},
		{"trust_score", programme.PlanStarter, 0, false},
		{"trust_score", programme.PlanSovereignEnterprise, 0, true},
		{"geo_command_center", programme.PlanStarter, 0, false},
		{"ai_fraud_detection", programme.PlanRegionalOps, 60_000, true},
		{"sovereign_hosting", programme.PlanNationalCampaign, 150_000, true},
		{"advanced_simulation", programme.PlanSovereignEnterprise, 15_000, true},
	}
	for _, tt := range tests {
		m, found := programme.ModuleByKey(tt.key)
		require.True(t, found, tt.key)
		cost, ok := m.ActivationCost(tt.plan)
		assert.Equal(t, tt.cost, cost, "%s on %s", tt.key, tt.plan)
		assert.Equal(t, tt.ok, ok, "%s on %s", tt.key, tt.plan)
	}
	_, found := programme.ModuleByKey("geo_command")
	assert.False(t, found)
}

func TestModuleOn(t *testing.T) {
	active := func(included bool) *programme.ModuleState {
		return &programme.ModuleState{Status: programme.ModuleActive, IncludedInPlan: included}
	}
	off := &programme.ModuleState{Status: programme.ModuleInactive}
	tests := []struct {
		plan, key string
		row       *programme.ModuleState
		want      bool
	}{
		{programme.PlanStarter, "sms_gateway", nil, true},
		{programme.PlanStarter, "pvc_studio", nil, true},
		{programme.PlanStarter, "whatsapp_bsp", nil, false},
		{programme.PlanNationalCampaign, "ai_optimizer", nil, true},
		{programme.PlanNationalCampaign, "trust_score", nil, true},
		{programme.PlanRegionalOps, "trust_score", nil, false},
		{programme.PlanStarter, "sms_gateway", off, false},
		{programme.PlanStarter, "whatsapp_bsp", active(false), true},
		{programme.PlanStarter, "whatsapp_bsp", active(true), false},
		{programme.PlanRegionalOps, "whatsapp_bsp", active(true), true},
		{programme.PlanStarter, "geo_command", nil, false},
		{programme.PlanStarter, "geo_command", active(false), true},
		{"", "sms_gateway", nil, false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, programme.ModuleOn(tt.plan, tt.key, tt.row), "%s %s %+v", tt.plan, tt.key, tt.row)
	}
}

func TestNormalisePaymentMethod(t *testing.T) {
	ok := map[string]string{
		"mobile_money": "mobile_money", "Mobile Money": "mobile_money", "mobile-money": "mobile_money", " MOMO ": "mobile_money",
		"bank_transfer": "bank_transfer", "Bank Transfer": "bank_transfer", "cheque": "cheque", "CASH": "cash",
	}
	for give, want := range ok {
		got, err := programme.NormalisePaymentMethod(give)
		require.NoError(t, err, give)
		assert.Equal(t, want, got, give)
	}
	for _, give := range []string{"", "paypal", "mobile money transfer", "check", "cash\x00"} {
		_, err := programme.NormalisePaymentMethod(give)
		fe, ok := fault.As(err)
		require.True(t, ok, give)
		assert.Equal(t, fault.Invalid, fe.Kind, give)
		assert.Equal(t, "payment_method", fe.Field, give)
	}
}

func TestCheckRecharge(t *testing.T) {
	long := string(bytes.Repeat([]byte("x"), 501))
	assert.NoError(t, programme.CheckRecharge(1, "", ""))
	assert.NoError(t, programme.CheckRecharge(programme.MaxRechargeFCFA, string(bytes.Repeat([]byte("é"), 500)), ""))
	for _, tt := range []struct {
		amount     int64
		ref, notes string
		field      string
	}{{0, "", "", "amount_fcfa"}, {-10, "", "", "amount_fcfa"}, {programme.MaxRechargeFCFA + 1, "", "", "amount_fcfa"},
		{100, long, "", "reference"}, {100, "", long, "notes"}} {
		fe, ok := fault.As(programme.CheckRecharge(tt.amount, tt.ref, tt.notes))
		require.True(t, ok, tt.field)
		assert.Equal(t, tt.field, fe.Field)
	}
}

func BenchmarkQuoteUsage(b *testing.B) {
	p := plan(b, programme.PlanStarter)
	u := programme.Usage{Meter: programme.MeterIdentities, Source: programme.SourceDHIS2, DPI: 600, Used: 9800, Units: 2000}
	for b.Loop() {
		if _, err := programme.QuoteUsage(p, u, 1_000_000); err != nil {
			b.Fatal(err)
		}
	}
}
