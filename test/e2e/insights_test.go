package e2e

import (
	"context"
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/test/testkit"
)

// TestInsightsAndAnalytics builds a programme through the API over four
// simulated days (jobs completed, failed and cancelled; a recharge; overage
// debits and a refund) and checks the AI optimizer and analytics figures
// against values computed here by hand, not by the core functions.
func TestInsightsAndAnalytics(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d sqlstore.Dialect) {
		url := sqltest.URL(t, d)
		real := time.Now().UTC()
		today := time.Date(real.Year(), real.Month(), real.Day(), 0, 0, 0, 0, time.UTC)
		clock := testkit.NewClock(real.AddDate(0, 0, -4))
		s := startWithClock(t, campaignConfig(t, url), clock)
		c := s.client
		require.NoError(t, s.runner.Stop(context.Background()), "the test drives the worker with RunDue")
		runDue := func(want int) {
			t.Helper()
			n, err := s.runner.RunDue(context.Background())
			require.NoError(t, err)
			require.Equal(t, want, n)
		}
		const quota, price = 10, 10
		admin := billingLogin(t, c, url, true)
		user := billingLogin(t, c, url, false)
		other := billingLogin(t, c, url, false)
		res := c.do("PUT", "/api/v1/billing/quota-plans/starter", admin, map[string]any{"studio_print_quota": quota, "sp_price_per_card": price})
		require.Equal(t, 200, res.Status, "%s", res.Body)
		me := c.do("GET", "/api/v1/auth/me", user, nil).JSON(t)

		// Unauthenticated, then module gating: summary is open to every
		// programme, the rest needs its module.
		requireV1Error(t, c.do("GET", "/api/v1/analytics/summary", "", nil), 401, "", "")
		requireV1Error(t, c.do("GET", "/api/v1/ai/insights", user, nil), 403, "programme.module_required", "")
		requireV1Error(t, c.do("GET", "/api/v1/analytics/studio-stats", user, nil), 403, "programme.module_required", "")
		res = c.do("GET", "/api/v1/analytics/summary", user, nil)
		require.Equal(t, 200, res.Status, "%s", res.Body)
		activateModules(t, url, me["id"].(string))

		// An empty programme: zeros and zero-filled series.
		sum := c.do("GET", "/api/v1/analytics/summary?days=7", user, nil).JSON(t)
		assert.Equal(t, map[string]any{"period_days": 7.0, "total_campaigns": 0.0, "all_campaigns": 0.0, "total_jobs": 0.0, "total_cards": 0.0,
			"completed_jobs": 0.0, "failed_jobs": 0.0, "success_rate": 0.0, "total_spend_fcfa": 0.0, "balance_fcfa": 0.0, "cards_total": 0.0}, sum)
		var series []map[string]any
		res = c.do("GET", "/api/v1/analytics/campaigns-timeline?days=3", user, nil)
		require.Equal(t, 200, res.Status, "%s", res.Body)
		require.NoError(t, json.Unmarshal(res.Body, &series))
		require.Len(t, series, 3)
		for _, e := range series {
			assert.Equal(t, 0.0, e["jobs"])
			assert.Equal(t, 0.0, e["cards"])
		}
		in := c.do("GET", "/api/v1/ai/insights", user, nil)
		require.Equal(t, 200, in.Status, "%s", in.Body)
		empty := in.JSON(t)
		assert.Equal(t, []any{}, empty["card_forecast"].(map[string]any)["predictions"])
		assert.Equal(t, 0.0, empty["card_forecast"].(map[string]any)["r_squared"])
		assert.Equal(t, []any{}, empty["card_anomalies"])
		res = c.do("GET", "/api/v1/analytics/top-campaigns", user, nil)
		require.Equal(t, 200, res.Status)
		assert.JSONEq(t, `[]`, string(res.Body))

		// Bad input: a clear 422 naming the parameter.
		for _, q := range []string{"days=0", "days=100000", "days=-1", "days=abc"} {
			for _, p := range []string{"summary", "campaigns-timeline", "spend-timeline"} {
				requireV1Error(t, c.do("GET", "/api/v1/analytics/"+p+"?"+q, user, nil), 422, "analytics.days_invalid", "days")
			}
		}
		for _, q := range []string{"limit=0", "limit=101", "limit=x"} {
			requireV1Error(t, c.do("GET", "/api/v1/analytics/top-campaigns?"+q, user, nil), 422, "analytics.limit_invalid", "limit")
		}

		// Money: 100,000 FCFA through a validated recharge (not spend).
		rr := c.do("POST", "/api/v1/billing/recharge-requests", user, map[string]any{"amount_fcfa": 100000, "payment_method": "cash"})
		require.Equal(t, 202, rr.Status, "%s", rr.Body)
		require.Equal(t, 200, c.do("PATCH", "/api/v1/admin/recharge-requests/"+rr.JSON(t)["request_id"].(string)+"/validate", admin, map[string]any{}).Status)

		// The test's own ledger of quota use per month, to price jobs.
		used := map[string]int64{}
		cost := func(n int64) int64 {
			p := clock.Now().Format("2006-01")
			free := max(0, min(n, quota-used[p]))
			used[p] += n
			return (n - free) * price
		}
		giveBack := func(n int64, created time.Time) { used[created.Format("2006-01")] -= n }
		job := func(campaignID string, n int) string {
			t.Helper()
			res := c.do("POST", "/api/v1/campaigns/"+campaignID+"/jobs", user, map[string]any{"beneficiaries": beneficiaries(n)})
			require.Equal(t, 202, res.Status, "%s", res.Body)
			assert.Equal(t, float64(cost(int64(n))), res.JSON(t)["cost"])
			return res.JSON(t)["job_id"].(string)
		}
		newCampaign := func(name, typ, prefix string) string {
			res := c.do("POST", "/api/v1/campaigns", user, map[string]any{"name": name, "campaign_type": typ, "prefix": prefix})
			require.Equal(t, 201, res.Status, "%s", res.Body)
			return res.JSON(t)["id"].(string)
		}
		day0 := clock.Now()
		a := newCampaign("Rougeole Dakar", "vaccination", "DKR-VAC")
		b := newCampaign("Nutrition Thiès", "nutrition", "THS-NUT")
		job(a, 3) // day 0: completed, 3 cards
		runDue(1)

		clock.Add(24 * time.Hour) // day 1
		day1 := clock.Now()
		job(a, 4) // completed, 4 cards
		job(b, 2) // fails: its campaign is archived before it runs
		require.Equal(t, 204, c.do("DELETE", "/api/v1/campaigns/"+b, user, nil).Status)
		runDue(2)
		giveBack(2, day1)
		require.Equal(t, 200, c.do("POST", "/api/v1/campaigns/"+b+"/restore", user, nil).Status)

		clock.Add(24 * time.Hour) // day 2
		usedBefore := used[clock.Now().Format("2006-01")]
		wantB2 := max(0, 5-max(0, quota-usedBefore)) * price
		job(b, 5) // completed, 5 cards, partly billed
		runDue(1)

		clock.Set(real) // today
		a3 := job(a, 2)
		res = c.do("POST", "/api/v1/jobs/"+a3+"/cancel", user, nil)
		require.Equal(t, 200, res.Status, "%s", res.Body)
		giveBack(2, real)

		// Spend: day 2's overage; today's cancelled job was debited and
		// refunded the same day (net 0).
		wantSpend := wantB2
		wantBalance := 100000 - wantB2
		bal := c.do("GET", "/api/v1/billing/balance", user, nil).JSON(t)
		require.Equal(t, float64(wantBalance), bal["balance_fcfa"])

		dayIdx := func(t0 time.Time) int {
			return int(today.Sub(time.Date(t0.Year(), t0.Month(), t0.Day(), 0, 0, 0, 0, time.UTC)).Hours() / 24)
		}
		require.Equal(t, 4, dayIdx(day0))

		// Analytics.
		sum = c.do("GET", "/api/v1/analytics/summary?days=30", user, nil).JSON(t)
		assert.Equal(t, map[string]any{"period_days": 30.0, "total_campaigns": 2.0, "all_campaigns": 2.0, "total_jobs": 5.0, "total_cards": 12.0,
			"completed_jobs": 3.0, "failed_jobs": 1.0, "success_rate": 60.0, "total_spend_fcfa": float64(wantSpend),
			"balance_fcfa": float64(wantBalance), "cards_total": 12.0}, sum)
		sum = c.do("GET", "/api/v1/analytics/summary?days=1", user, nil).JSON(t)
		assert.Equal(t, 1.0, sum["total_jobs"], "today: the cancelled job")
		assert.Equal(t, 0.0, sum["total_cards"])
		assert.Equal(t, 0.0, sum["total_campaigns"])
		assert.Equal(t, 0.0, sum["success_rate"])
		assert.Equal(t, 12.0, sum["cards_total"])

		res = c.do("GET", "/api/v1/analytics/campaigns-timeline?days=5", user, nil)
		require.Equal(t, 200, res.Status, "%s", res.Body)
		require.NoError(t, json.Unmarshal(res.Body, &series))
		require.Len(t, series, 5)
		wantJobs, wantCards := []float64{1, 2, 1, 0, 1}, []float64{3, 4, 5, 0, 0}
		for i, e := range series {
			assert.Equal(t, today.AddDate(0, 0, i-4).Format(time.DateOnly), e["date"])
			assert.Equal(t, wantJobs[i], e["jobs"], "day %d", i)
			assert.Equal(t, wantCards[i], e["cards"], "day %d", i)
			assert.Equal(t, 0.0, e["dhis2_cards"], "every studio_print card is a Studio job's")
		}
		res = c.do("GET", "/api/v1/analytics/spend-timeline?days=5", user, nil)
		require.Equal(t, 200, res.Status, "%s", res.Body)
		require.NoError(t, json.Unmarshal(res.Body, &series))
		require.Len(t, series, 5)
		for i, e := range series {
			want := 0.0
			if i == 2 {
				want = float64(wantSpend)
			}
			assert.Equal(t, want, e["amount_fcfa"], "day %d", i)
		}

		st := c.do("GET", "/api/v1/analytics/studio-stats", user, nil).JSON(t)
		assert.Equal(t, 12.0, st["total_cards"])
		assert.Equal(t, 0.0, st["dhis2_cards"])
		assert.Equal(t, map[string]any{"completed": 3.0, "failed": 1.0, "cancelled": 1.0}, st["jobs_by_status"])
		assert.Equal(t, map[string]any{"completed": 12.0}, st["cards_by_status"])
		assert.Equal(t, []any{map[string]any{"render_scale": 1.0, "jobs": 3.0, "cards": 12.0}}, st["dpi_distribution"])
		assert.Equal(t, float64(wantB2), st["cost_fcfa"])
		assert.Equal(t, float64(wantSpend), st["total_cost_fcfa"])
		assert.Equal(t, 0.0, st["pdf_exports"])
		assert.Greater(t, st["storage_mb"], 0.0, "manifests and registries are stored")

		res = c.do("GET", "/api/v1/analytics/campaign-types", user, nil)
		require.Equal(t, 200, res.Status, "%s", res.Body)
		assert.JSONEq(t, `[{"campaign_type":"vaccination","campaigns":1,"jobs":3,"cards":7},{"campaign_type":"nutrition","campaigns":1,"jobs":2,"cards":5}]`, string(res.Body))
		res = c.do("GET", "/api/v1/analytics/top-campaigns?limit=1", user, nil)
		require.Equal(t, 200, res.Status, "%s", res.Body)
		assert.JSONEq(t, `[{"campaign_id":"`+a+`","name":"Rougeole Dakar","campaign_type":"vaccination","jobs":3,"cards":7}]`, string(res.Body))

		// AI optimizer. Cards 3, 4, 5 on three consecutive days: slope 1,
		// r² 1, and tomorrow continues the line at 3 + (4 + 1) = 8.
		in = c.do("GET", "/api/v1/ai/insights", user, nil)
		require.Equal(t, 200, in.Status, "%s", in.Body)
		ins := in.JSON(t)
		cf := ins["card_forecast"].(map[string]any)
		assert.Equal(t, 1.0, cf["slope"])
		assert.Equal(t, 1.0, cf["r_squared"])
		assert.Equal(t, 0.95, cf["confidence"])
		preds := cf["predictions"].([]any)
		require.Len(t, preds, 30)
		assert.Equal(t, map[string]any{"date": today.AddDate(0, 0, 1).Format(time.DateOnly), "value": 8.0}, preds[0])
		assert.Equal(t, 37.0, preds[29].(map[string]any)["value"])
		assert.Equal(t, []any{}, ins["spend_forecast"].(map[string]any)["predictions"], "one day with debits is not a series")
		assert.Equal(t, []any{}, ins["card_anomalies"], "three points are too few")

		month := real.Format("2006-01")
		usedMonth := used[month]
		h := ins["health"].(map[string]any)
		comp := h["components"].(map[string]any)
		assert.Equal(t, 60.0, comp["job_success"], "3 of 5 jobs")
		wantQuotaHealth := 100.0
		if pct := 100 * float64(usedMonth) / quota; pct >= 100 {
			wantQuotaHealth = 0
		} else if pct > 75 {
			wantQuotaHealth = 100 * (100 - pct) / 25
		}
		assert.InDelta(t, wantQuotaHealth, comp["quota_health"], 0.05)
		bh := comp["balance_health"].(float64)
		assert.InDelta(t, 0.4*60+0.3*wantQuotaHealth+0.3*bh, h["score"], 0.06)
		m := ins["metrics"].(map[string]any)
		firstNext := time.Date(today.Year(), today.Month()+1, 1, 0, 0, 0, 0, time.UTC)
		assert.Equal(t, map[string]any{"quota_pct": math.Round(1000*float64(usedMonth)/quota) / 10, "cards_used_month": float64(usedMonth),
			"quota_total": float64(quota), "job_success_rate": 60.0, "balance_fcfa": float64(wantBalance),
			"days_until_reset": float64(firstNext.Sub(today).Hours() / 24)}, m)
		recs := ins["recommendations"].([]any)
		first := recs[0].(map[string]any)
		assert.Equal(t, "critical", first["priority"])
		var success map[string]any
		for _, r := range recs {
			if r.(map[string]any)["category"] == "risk" {
				success = r.(map[string]any)
			}
		}
		require.NotNil(t, success, "job success 60%% < 70%%: %v", recs)
		assert.Equal(t, "critical", success["priority"])
		assert.Equal(t, "monitor", success["action_url"])

		hs := c.do("GET", "/api/v1/ai/health-score", user, nil).JSON(t)
		assert.Equal(t, h, hs)
		fc := c.do("GET", "/api/v1/ai/forecast", user, nil).JSON(t)
		assert.Equal(t, cf, fc["card_forecast"])
		rc := c.do("GET", "/api/v1/ai/recommendations", user, nil).JSON(t)
		assert.Equal(t, float64(len(recs)), rc["count"])
		an := c.do("GET", "/api/v1/ai/anomalies", user, nil).JSON(t)
		assert.Equal(t, 0.0, an["total_anomalies"])

		// Another programme sees none of it: its own (empty) figures, and
		// 403 where it lacks the module.
		sum = c.do("GET", "/api/v1/analytics/summary", other, nil).JSON(t)
		assert.Equal(t, 0.0, sum["all_campaigns"])
		assert.Equal(t, 0.0, sum["cards_total"])
		requireV1Error(t, c.do("GET", "/api/v1/ai/insights", other, nil), 403, "programme.module_required", "")
		requireV1Error(t, c.do("GET", "/api/v1/analytics/top-campaigns", other, nil), 403, "programme.module_required", "")
	})
}
