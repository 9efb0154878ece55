package campaign

import "fmt"

// Category is the area a recommendation is about.
type Category string

// The recommendation categories of §5.1.
const (
	CategoryQuota        Category = "quota"
	CategoryBudget       Category = "budget"
	CategoryRisk         Category = "risk"
	CategoryDHIS2        Category = "dhis2"
	CategoryDistribution Category = "distribution"
)

// Priority is a recommendation's urgency.
type Priority string

// The priorities of §5.1, most urgent first.
const (
	PriorityCritical Priority = "critical"
	PriorityHigh     Priority = "high"
	PriorityMedium   Priority = "medium"
	PriorityLow      Priority = "low"
)

// rank orders priorities, most urgent first.
func (p Priority) rank() int {
	switch p {
	case PriorityCritical:
		return 0
	case PriorityHigh:
		return 1
	case PriorityMedium:
		return 2
	}
	return 3
}

// The action URLs of §5.1; ActionNone renders as null.
const (
	ActionBilling = "billing"
	ActionMonitor = "monitor"
	ActionDHIS2   = "dhis2"
	ActionNone    = ""
)

// The thresholds of the recommendation rules (§5.1).
const (
	QuotaCriticalPct       = 90.0
	QuotaHighPct           = 75.0
	SaturationCriticalDays = 7
	SuccessCriticalPct     = 70.0
	SuccessHighPct         = 90.0
	DefaultLowBalanceFCFA  = 50_000
	MaxFailedSyncs         = 5
	MaxFailedDistributions = 10
)

// Signals are the facts the recommendation rules read.
type Signals struct {
	QuotaPct            float64 // month's card usage ÷ quota × 100; 0 when unlimited
	DaysUntilSaturation *int    // from QuotaSaturation; nil when it will not saturate
	BalanceFCFA         int64
	// ProjectedBalanceFCFA is the balance less the spend projected until the
	// end of the month (see ProjectedUntilMonthEnd).
	ProjectedBalanceFCFA int64
	// LowBalanceFCFA is the "low balance" threshold; 0 means
	// DefaultLowBalanceFCFA.
	LowBalanceFCFA      int64
	Jobs                int64   // jobs of the last 30 days
	JobSuccessRate      float64 // completed ÷ jobs × 100 over the same jobs
	FailedSyncs         int64   // failed DHIS2 syncs (GeoSyncLog)
	FailedDistributions int64   // failed distribution events (GeoDistributionEvent counts)
}

func (s Signals) lowBalance() int64 {
	if s.LowBalanceFCFA > 0 {
		return s.LowBalanceFCFA
	}
	return DefaultLowBalanceFCFA
}

// Recommendation is one contextual recommendation. ActionURL is ActionNone
// (rendered null) or one of the Action constants.
type Recommendation struct {
	Rule      string // the rule's ID, stable
	Category  Category
	Priority  Priority
	Title     string
	Body      string
	ActionURL string
}

// Rule is a row of the recommendation table: when Applies holds, it
// recommends Text with its category, priority and action.
type Rule struct {
	ID        string
	Category  Category
	Priority  Priority
	ActionURL string
	Trigger   string // the condition, in words
	Applies   func(Signals) bool
	Text      func(Signals) (title, body string)
}

// Rules returns the recommendation table of §5.1, in the order its
// recommendations are listed within one priority. Within a category the bands
// exclude each other, so a programme gets one quota, one budget and one
// job-success recommendation at most. "nominal" applies only when nothing
// else does.
func Rules() []Rule {
	return []Rule{
		{
			ID: "quota_critical", Category: CategoryQuota, Priority: PriorityCritical, ActionURL: ActionBilling,
			Trigger: "monthly quota used ≥ 90%",
			Applies: func(s Signals) bool { return s.QuotaPct >= QuotaCriticalPct },
			Text: func(s Signals) (string, string) {
				return fmt.Sprintf("Monthly quota at %.0f%%", s.QuotaPct),
					fmt.Sprintf("Usage: %.0f%% of the monthly quota. Generation will soon be billed as overage or refused: upgrade the plan or top up the balance.", s.QuotaPct)
			},
		},
		{
			ID: "quota_saturation", Category: CategoryQuota, Priority: PriorityCritical, ActionURL: ActionBilling,
			Trigger: "quota projected to run out within 7 days (and used < 90%)",
			Applies: func(s Signals) bool {
				return s.QuotaPct < QuotaCriticalPct && s.DaysUntilSaturation != nil && *s.DaysUntilSaturation <= SaturationCriticalDays
			},
			Text: func(s Signals) (string, string) {
				return fmt.Sprintf("Quota exhausted in %d days", *s.DaysUntilSaturation),
					fmt.Sprintf("At the current pace the monthly quota (%.0f%% used) runs out in %d days, before it resets.", s.QuotaPct, *s.DaysUntilSaturation)
			},
		},
		{
			ID: "balance_projected_negative", Category: CategoryBudget, Priority: PriorityCritical, ActionURL: ActionBilling,
			Trigger: "balance less projected spend to month end < 0",
			Applies: func(s Signals) bool { return s.ProjectedBalanceFCFA < 0 },
			Text: func(s Signals) (string, string) {
				return "Balance projected negative",
					fmt.Sprintf("Balance: %d FCFA; at the current spend rate it falls to %d FCFA before month end. Top up to keep generating.", s.BalanceFCFA, s.ProjectedBalanceFCFA)
			},
		},
		{
			ID: "job_success_critical", Category: CategoryRisk, Priority: PriorityCritical, ActionURL: ActionMonitor,
			Trigger: "job success < 70% (with jobs in the last 30 days)",
			Applies: func(s Signals) bool { return s.Jobs > 0 && s.JobSuccessRate < SuccessCriticalPct },
			Text: func(s Signals) (string, string) {
				return fmt.Sprintf("Job success at %.0f%%", s.JobSuccessRate),
					fmt.Sprintf("Only %.0f%% of the last 30 days' %d jobs completed. Check the failed jobs' errors.", s.JobSuccessRate, s.Jobs)
			},
		},
		{
			ID: "quota_high", Category: CategoryQuota, Priority: PriorityHigh, ActionURL: ActionBilling,
			Trigger: "75% ≤ monthly quota used < 90% (and no saturation alert)",
			Applies: func(s Signals) bool {
				return s.QuotaPct >= QuotaHighPct && s.QuotaPct < QuotaCriticalPct &&
					(s.DaysUntilSaturation == nil || *s.DaysUntilSaturation > SaturationCriticalDays)
			},
			Text: func(s Signals) (string, string) {
				return fmt.Sprintf("Monthly quota at %.0f%%", s.QuotaPct),
					fmt.Sprintf("Usage: %.0f%% of the monthly quota. Plan the rest of the month or upgrade the plan.", s.QuotaPct)
			},
		},
		{
			ID: "balance_low", Category: CategoryBudget, Priority: PriorityHigh, ActionURL: ActionBilling,
			Trigger: "balance < 50,000 FCFA (configurable) and not projected negative",
			Applies: func(s Signals) bool { return s.ProjectedBalanceFCFA >= 0 && s.BalanceFCFA < s.lowBalance() },
			Text: func(s Signals) (string, string) {
				return "Low balance",
					fmt.Sprintf("Balance: %d FCFA, below %d FCFA. Top up to avoid interrupted generation.", s.BalanceFCFA, s.lowBalance())
			},
		},
		{
			ID: "job_success_high", Category: CategoryRisk, Priority: PriorityHigh, ActionURL: ActionMonitor,
			Trigger: "70% ≤ job success < 90% (with jobs in the last 30 days)",
			Applies: func(s Signals) bool {
				return s.Jobs > 0 && s.JobSuccessRate >= SuccessCriticalPct && s.JobSuccessRate < SuccessHighPct
			},
			Text: func(s Signals) (string, string) {
				return fmt.Sprintf("Job success at %.0f%%", s.JobSuccessRate),
					fmt.Sprintf("%.0f%% of the last 30 days' %d jobs completed, below the 90%% target. Review the failed jobs.", s.JobSuccessRate, s.Jobs)
			},
		},
		{
			ID: "dhis2_sync_failures", Category: CategoryDHIS2, Priority: PriorityMedium, ActionURL: ActionDHIS2,
			Trigger: "more than 5 failed DHIS2 syncs",
			Applies: func(s Signals) bool { return s.FailedSyncs > MaxFailedSyncs },
			Text: func(s Signals) (string, string) {
				return fmt.Sprintf("%d failed DHIS2 syncs", s.FailedSyncs),
					"Several DHIS2 synchronisations failed. Check the DHIS2 connection settings and credentials."
			},
		},
		{
			ID: "distribution_failures", Category: CategoryDistribution, Priority: PriorityMedium, ActionURL: ActionMonitor,
			Trigger: "more than 10 failed distributions",
			Applies: func(s Signals) bool { return s.FailedDistributions > MaxFailedDistributions },
			Text: func(s Signals) (string, string) {
				return fmt.Sprintf("%d failed distributions", s.FailedDistributions),
					"Card distributions are failing. Check the WhatsApp/SMS channels and the beneficiaries' phone numbers."
			},
		},
	}
}

// nominal is the low-priority recommendation given when no rule applies.
func nominal() Recommendation {
	return Recommendation{
		Rule: "nominal", Category: CategoryRisk, Priority: PriorityLow, ActionURL: ActionNone,
		Title: "All indicators nominal",
		Body:  "Quota, balance, job success, DHIS2 syncs and distributions are within their targets.",
	}
}

// Recommend applies the rule table to s and returns the recommendations, most
// urgent first (table order within a priority); a single low-priority
// "nominal" recommendation when no rule applies. Never empty.
func Recommend(s Signals) []Recommendation {
	rules := Rules()
	out := make([]Recommendation, 0, 4)
	for p := range 3 {
		for _, r := range rules {
			if r.Priority.rank() != p || !r.Applies(s) {
				continue
			}
			title, body := r.Text(s)
			out = append(out, Recommendation{Rule: r.ID, Category: r.Category, Priority: r.Priority, Title: title, Body: body, ActionURL: r.ActionURL})
		}
	}
	if len(out) == 0 {
		out = append(out, nominal())
	}
	return out
}
