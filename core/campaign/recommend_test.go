package campaign_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/campaign"
)

// nominalSignals trigger no rule.
func nominalSignals() campaign.Signals {
	return campaign.Signals{
		QuotaPct: 12.3, BalanceFCFA: 1_248_500, ProjectedBalanceFCFA: 1_100_000,
		Jobs: 36, JobSuccessRate: 95, FailedSyncs: 5, FailedDistributions: 10,
	}
}

func TestRecommendRules(t *testing.T) {
	tests := []struct {
		name string
		give func(*campaign.Signals)
		want []string // rule IDs, in order
	}{
		{"nominal", func(*campaign.Signals) {}, []string{"nominal"}},
		{"quota 90%", func(s *campaign.Signals) { s.QuotaPct = 90 }, []string{"quota_critical"}},
		{"quota 89.9%", func(s *campaign.Signals) { s.QuotaPct = 89.9 }, []string{"quota_high"}},
		{"quota 75%", func(s *campaign.Signals) { s.QuotaPct = 75 }, []string{"quota_high"}},
		{"quota 74.9%", func(s *campaign.Signals) { s.QuotaPct = 74.9 }, []string{"nominal"}},
		{"saturation in 7 days", func(s *campaign.Signals) { s.QuotaPct = 60; s.DaysUntilSaturation = ptr(7) }, []string{"quota_saturation"}},
		{"saturation in 8 days", func(s *campaign.Signals) { s.QuotaPct = 60; s.DaysUntilSaturation = ptr(8) }, []string{"nominal"}},
		{"saturation soon at 80%", func(s *campaign.Signals) { s.QuotaPct = 80; s.DaysUntilSaturation = ptr(3) }, []string{"quota_saturation"}},
		{"saturation soon at 95%", func(s *campaign.Signals) { s.QuotaPct = 95; s.DaysUntilSaturation = ptr(1) }, []string{"quota_critical"}},
		{"projected negative", func(s *campaign.Signals) { s.ProjectedBalanceFCFA = -1 }, []string{"balance_projected_negative"}},
		{"projected negative and low", func(s *campaign.Signals) { s.BalanceFCFA = 10_000; s.ProjectedBalanceFCFA = -5_000 }, []string{"balance_projected_negative"}},
		{"low balance", func(s *campaign.Signals) { s.BalanceFCFA = 49_999; s.ProjectedBalanceFCFA = 0 }, []string{"balance_low"}},
		{"balance at threshold", func(s *campaign.Signals) { s.BalanceFCFA = 50_000; s.ProjectedBalanceFCFA = 0 }, []string{"nominal"}},
		{"custom threshold", func(s *campaign.Signals) { s.LowBalanceFCFA = 2_000_000 }, []string{"balance_low"}},
		{"success 69.9%", func(s *campaign.Signals) { s.JobSuccessRate = 69.9 }, []string{"job_success_critical"}},
		{"success 70%", func(s *campaign.Signals) { s.JobSuccessRate = 70 }, []string{"job_success_high"}},
		{"success 89.9%", func(s *campaign.Signals) { s.JobSuccessRate = 89.9 }, []string{"job_success_high"}},
		{"success 90%", func(s *campaign.Signals) { s.JobSuccessRate = 90 }, []string{"nominal"}},
		{"no jobs", func(s *campaign.Signals) { s.Jobs = 0; s.JobSuccessRate = 0 }, []string{"nominal"}},
		{"6 failed syncs", func(s *campaign.Signals) { s.FailedSyncs = 6 }, []string{"dhis2_sync_failures"}},
		{"11 failed distributions", func(s *campaign.Signals) { s.FailedDistributions = 11 }, []string{"distribution_failures"}},
		{"everything at once, most urgent first", func(s *campaign.Signals) {
			s.QuotaPct = 80
			s.BalanceFCFA, s.ProjectedBalanceFCFA = 100, -900
			s.JobSuccessRate = 50
			s.FailedSyncs, s.FailedDistributions = 9, 99
		}, []string{"balance_projected_negative", "job_success_critical", "quota_high", "dhis2_sync_failures", "distribution_failures"}},
	}
	for _, tt := range tests {
		s := nominalSignals()
		tt.give(&s)
		var ids []string
		for _, r := range campaign.Recommend(s) {
			ids = append(ids, r.Rule)
		}
		assert.Equal(t, tt.want, ids, tt.name)
	}
}

func TestRecommendationFields(t *testing.T) {
	want := map[string]struct {
		cat    campaign.Category
		prio   campaign.Priority
		action string
	}{
		"quota_critical":             {campaign.CategoryQuota, campaign.PriorityCritical, "billing"},
		"quota_saturation":           {campaign.CategoryQuota, campaign.PriorityCritical, "billing"},
		"balance_projected_negative": {campaign.CategoryBudget, campaign.PriorityCritical, "billing"},
		"job_success_critical":       {campaign.CategoryRisk, campaign.PriorityCritical, "monitor"},
		"quota_high":                 {campaign.CategoryQuota, campaign.PriorityHigh, "billing"},
		"balance_low":                {campaign.CategoryBudget, campaign.PriorityHigh, "billing"},
		"job_success_high":           {campaign.CategoryRisk, campaign.PriorityHigh, "monitor"},
		"dhis2_sync_failures":        {campaign.CategoryDHIS2, campaign.PriorityMedium, "dhis2"},
		"distribution_failures":      {campaign.CategoryDistribution, campaign.PriorityMedium, "monitor"},
	}
	rules := campaign.Rules()
	require.Len(t, rules, len(want))
	for _, r := range rules {
		w, ok := want[r.ID]
		require.True(t, ok, r.ID)
		assert.Equal(t, w.cat, r.Category, r.ID)
		assert.Equal(t, w.prio, r.Priority, r.ID)
		assert.Equal(t, w.action, r.ActionURL, r.ID)
		assert.NotEmpty(t, r.Trigger, r.ID)
	}

	s := nominalSignals()
	s.QuotaPct = 78
	recs := campaign.Recommend(s)
	require.Len(t, recs, 1)
	assert.Equal(t, campaign.Recommendation{
		Rule: "quota_high", Category: campaign.CategoryQuota, Priority: campaign.PriorityHigh,
		Title:     "Monthly quota at 78%",
		Body:      "Usage: 78% of the monthly quota. Plan the rest of the month or upgrade the plan.",
		ActionURL: campaign.ActionBilling,
	}, recs[0])

	n := campaign.Recommend(nominalSignals())[0]
	assert.Equal(t, campaign.PriorityLow, n.Priority)
	assert.Equal(t, campaign.ActionNone, n.ActionURL)
}
