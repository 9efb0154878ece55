package programme

import "time"

// Module is a premium module of the catalogue (§7.4, §15.20).
type Module struct {
	Key         string
	Label       string
	Description string
	// BundledFrom is the lowest plan that includes the module; every higher
	// plan includes it too. Empty: never bundled.
	BundledFrom string
	// AddOnFCFA is the monthly add-on price (v5.1). Zero means the module
	// has no published price: it is sold on quote only.
	AddOnFCFA int64
	// PerCard says AddOnFCFA is charged per card, not per month (pvc_studio);
	// activation itself is then free.
	PerCard bool
}

// Module statuses (PremiumModuleActivation.status, §4.7).
const (
	ModuleActive        = "active"
	ModuleInactive      = "inactive"
	ModuleQuoteRequired = "quote_required"
)

// modules is the catalogue, in the order of §7.4 with the two keys §15.20
// adds.
var modules = []Module{
	{Key: "sms_gateway", Label: "SMS gateways", Description: "Extra SMS gateways (Orange, Africa's Talking)", BundledFrom: PlanStarter, AddOnFCFA: 25_000},
	{Key: "pvc_studio", Label: "PVC Studio", Description: "Physical PVC cards", BundledFrom: PlanStarter, AddOnFCFA: 350, PerCard: true},
	{Key: "whatsapp_bsp", Label: "WhatsApp BSP", Description: "Dedicated WhatsApp BSP channel", BundledFrom: PlanRegionalOps, AddOnFCFA: 75_000},
	{Key: "offline_sync", Label: "Offline sync", Description: "Offline field sync with conflict resolution", BundledFrom: PlanRegionalOps, AddOnFCFA: 20_000},
	{Key: "geo_command_center", Label: "Geospatial Command Center", Description: "Regional heatmaps, risk zones and live events", BundledFrom: PlanRegionalOps},
	{Key: "advanced_analytics", Label: "Advanced analytics", Description: "Analytics and exports", BundledFrom: PlanRegionalOps, AddOnFCFA: 35_000},
	{Key: "ai_fraud_detection", Label: "AI fraud detection", Description: "Scan anomaly detection", BundledFrom: PlanNationalCampaign, AddOnFCFA: 60_000},
	{Key: "sovereign_wallet", Label: "Sovereign Wallet", Description: "Wallet passes", BundledFrom: PlanNationalCampaign},
	{Key: "mpi_registry", Label: "MPI registry", Description: "Master patient index", BundledFrom: PlanNationalCampaign, AddOnFCFA: 45_000},
	{Key: "dedicated_verify_platform", Label: "Dedicated verification portal", Description: "Verification portal on the customer's own domain", BundledFrom: PlanNationalCampaign, AddOnFCFA: 85_000},
	{Key: "advanced_sla", Label: "Advanced SLA", Description: "SLA with penalties", BundledFrom: PlanNationalCampaign, AddOnFCFA: 50_000},
	{Key: "ai_optimizer", Label: "AI Campaign Optimizer", Description: "Forecasts, anomalies and recommendations", BundledFrom: PlanNationalCampaign},
	{Key: "trust_score", Label: "Health Trust Score", Description: "Trust score per MPI identity", BundledFrom: PlanNationalCampaign},
	{Key: "sovereign_hosting", Label: "Sovereign hosting", Description: "In-country dedicated hosting", BundledFrom: PlanSovereignEnterprise, AddOnFCFA: 150_000},
	{Key: "biometric_signature", Label: "Biometric signature", Description: "Biometric signing of card issuance", BundledFrom: PlanSovereignEnterprise, AddOnFCFA: 45_000},
	{Key: "dedicated_provisioning", Label: "Dedicated provisioning", Description: "Dedicated infrastructure", BundledFrom: PlanSovereignEnterprise, AddOnFCFA: 200_000},
	{Key: "advanced_simulation", Label: "Advanced simulation", Description: "Advanced simulation and proforma", AddOnFCFA: 15_000},
}

// Modules returns the module catalogue.
func Modules() []Module {
	out := make([]Module, len(modules))
	copy(out, modules)
	return out
}

// ModuleByKey returns the catalogue entry of key.
func ModuleByKey(key string) (Module, bool) {
	for _, m := range modules {
		if m.Key == key {
			return m, true
		}
	}
	return Module{}, false
}

// IncludedIn reports whether plan bundles m.
func (m Module) IncludedIn(plan string) bool {
	return m.BundledFrom != "" && PlanRank(plan) >= PlanRank(m.BundledFrom)
}

// ActivationCost is what switching m on costs a programme on plan: 0 when
// the plan bundles it or it is priced per card, the add-on price otherwise;
// ok is false when the module is sold on quote only.
func (m Module) ActivationCost(plan string) (cost int64, ok bool) {
	switch {
	case m.IncludedIn(plan), m.PerCard:
		return 0, true
	case m.AddOnFCFA == 0:
		return 0, false
	}
	return m.AddOnFCFA, true
}

// BundledModules returns the keys plan includes, in catalogue order.
func BundledModules(plan string) []string {
	var out []string
	for _, m := range modules {
		if m.IncludedIn(plan) {
			out = append(out, m.Key)
		}
	}
	return out
}

// ModuleState is one programme_modules row: a module's state for one
// programme.
type ModuleState struct {
	Key            string
	Status         string // ModuleActive or ModuleInactive
	ActivatedAt    *time.Time
	IncludedInPlan bool // switched on by a plan, not bought as an add-on
}

// ModuleOn is the one rule of whether module key is switched on for a
// programme on plan, given its programme_modules row (nil when it has
// none): a row that switches the module off wins; a row of a bought add-on
// (IncludedInPlan false) keeps it on whatever the plan; otherwise (no row,
// or a row a plan switched on) the module is on exactly when plan bundles
// it. A plan's bundled modules are therefore on from the programme's first
// day and follow every plan change, however the plan was changed.
func ModuleOn(plan, key string, row *ModuleState) bool {
	if row != nil {
		if row.Status != ModuleActive {
			return false
		}
		if !row.IncludedInPlan {
			return true
		}
	}
	m, ok := ModuleByKey(key)
	return ok && m.IncludedIn(plan)
}
