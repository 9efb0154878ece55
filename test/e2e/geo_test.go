package e2e

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/test/testkit"
)

// The expected figures of the geo tests are computed here from the spec's
// text (oomus-platform §5.2, §15.8–§15.10), not with core/geo.

func round1(x float64) float64 { return math.Round(x*10) / 10 }

func wantCoverage(beneficiaries, target int64) float64 {
	if target == 0 {
		return 0
	}
	return round1(100 * float64(beneficiaries) / float64(target))
}

func wantSuccess(delivered, failed int64) float64 {
	if delivered+failed == 0 {
		return 0
	}
	return round1(100 * float64(delivered) / float64(delivered+failed))
}

// wantRisk is the §5.2 table.
func wantRisk(coverage, success float64, cards int64) float64 {
	var s float64
	switch {
	case coverage < 20:
		s += 40
	case coverage < 40:
		s += 25
	case coverage < 60:
		s += 10
	}
	switch {
	case success < 60:
		s += 35
	case success < 75:
		s += 20
	case success < 85:
		s += 8
	}
	switch {
	case cards < 100:
		s += 25
	case cards < 500:
		s += 15
	case cards < 1000:
		s += 5
	}
	return s
}

// wantLevel is §15.10: HIGH ≥ 60, MEDIUM 30–59, LOW below.
func wantLevel(score float64) string {
	switch {
	case score >= 60:
		return "HIGH"
	case score >= 30:
		return "MEDIUM"
	}
	return "LOW"
}

// wantRegion is the test's model of one region.
type wantRegion struct {
	name                    string
	campaigns               int
	cards, beneficiaries    int64
	target                  int64
	delivered, failed       int64
	coverage, success, risk float64
	level                   string
	riskZone                bool
	metricValues            map[string]float64
}

func (r *wantRegion) derive() {
	r.coverage = wantCoverage(r.beneficiaries, r.target)
	r.success = wantSuccess(r.delivered, r.failed)
	r.risk = wantRisk(r.coverage, r.success, r.cards)
	r.level = wantLevel(r.risk)
	r.riskZone = r.risk > 30 || r.coverage < 40
	r.metricValues = map[string]float64{"cards_generated": float64(r.cards), "coverage_pct": r.coverage, "risk_score": r.risk,
		"distribution_success_rate": r.success, "beneficiaries_count": float64(r.beneficiaries)}
}

// TestGeoCommandCenter builds a programme through the API over simulated
// days (campaigns in four regions by region code and by prefix, jobs that
// complete, fail and wait, distribution events) and checks every geo
// endpoint against figures computed here; another programme's data must
// not leak in, and bad input answers 4xx.
func TestGeoCommandCenter(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d sqlstore.Dialect) {
		url := sqltest.URL(t, d)
		clock := testkit.NewClock(time.Now().Add(-10 * 24 * time.Hour))
		s := startWithClock(t, campaignConfig(t, url), clock)
		c := s.client
		require.NoError(t, s.runner.Stop(context.Background()), "the test drives the worker with RunDue")
		runDue := func(want int) { // the runner takes as many jobs as it has slots per call
			t.Helper()
			total := 0
			for {
				n, err := s.runner.RunDue(context.Background())
				require.NoError(t, err)
				if n == 0 {
					break
				}
				total += n
			}
			require.Equal(t, want, total)
		}
		admin := billingLogin(t, c, url, true)
		user := billingLogin(t, c, url, false)
		other := billingLogin(t, c, url, false)
		me := c.do("GET", "/api/v1/auth/me", user, nil).JSON(t)
		userID := me["id"].(string)

		// Without the module: 403 naming it; without a token: 401.
		res := c.do("GET", "/api/v1/geo/overview", user, nil)
		requireV1Error(t, res, 403, "programme.module_required", "")
		assert.Contains(t, res.JSON(t)["detail"], "geo_command_center")
		assert.Equal(t, 401, c.do("GET", "/api/v1/geo/regions", "", nil).Status)

		// regional_ops bundles geo_command_center: recharge, validate, upgrade.
		rr := c.do("POST", "/api/v1/billing/recharge-requests", user, map[string]any{"amount_fcfa": 100_000, "payment_method": "cash"})
		require.Equal(t, 202, rr.Status, "%s", rr.Body)
		require.Equal(t, 200, c.do("PATCH", "/api/v1/admin/recharge-requests/"+rr.JSON(t)["request_id"].(string)+"/validate", admin, map[string]any{}).Status)
		res = c.do("POST", "/api/v1/billing/change-plan", user, map[string]any{"plan_alias": "regional_ops"})
		require.Equal(t, 200, res.Status, "%s", res.Body)
		assert.Contains(t, res.JSON(t)["modules_activated"], "geo_command_center")

		// An empty programme: zeros, no regions.
		res = c.do("GET", "/api/v1/geo/overview", user, nil)
		require.Equal(t, 200, res.Status, "%s", res.Body)
		assert.Equal(t, map[string]any{"programme_id": userID, "country": "Senegal", "period": clock.Now().UTC().Format("2006-01"),
			"total_campaigns": float64(0), "total_jobs": float64(0), "total_cards": float64(0), "success_rate": float64(0),
			"active_regions": float64(0), "coverage_score": float64(0)}, res.JSON(t))
		assert.Equal(t, map[string]any{"regions": []any{}, "count": float64(0)}, c.do("GET", "/api/v1/geo/regions", user, nil).JSON(t))

		campaignOf := func(tok, name, prefix, regionCode string, target int64) string {
			t.Helper()
			body := map[string]any{"name": name, "campaign_type": "vaccination", "prefix": prefix}
			if regionCode != "" {
				body["region_code"] = regionCode
			}
			if target > 0 {
				body["target_population"] = target
			}
			res := c.do("POST", "/api/v1/campaigns", tok, body)
			require.Equal(t, 201, res.Status, "%s", res.Body)
			return res.JSON(t)["id"].(string)
		}
		jobOf := func(tok, campaignID string, n int) string {
			t.Helper()
			res := c.do("POST", "/api/v1/campaigns/"+campaignID+"/jobs", tok, map[string]any{"beneficiaries": beneficiaries(n)})
			require.Equal(t, 202, res.Status, "%s", res.Body)
			return res.JSON(t)["job_id"].(string)
		}
		events := func(tok string, evs ...map[string]any) {
			t.Helper()
			list := make([]any, len(evs))
			for i, e := range evs {
				list[i] = e
			}
			res := c.do("POST", "/api/v1/distribution/events", tok, map[string]any{"events": list})
			require.Equal(t, 200, res.Status, "%s", res.Body)
			require.Equal(t, float64(len(evs)), res.JSON(t)["accepted"])
		}
		seq := 0
		ev := func(region, channel, typ string, count int64) map[string]any {
			seq++
			return map[string]any{"client_event_id": fmt.Sprintf("geo-%d", seq), "region": region, "channel": channel, "event_type": typ, "count": count}
		}

		// Day 0: Dakar by region code and by prefix (SN → Dakar), Thiès by
		// prefix, Kédougou by prefix, and a prefix the map does not know.
		dakarA := campaignOf(user, "Vaccination Dakar", "VAC-DK", "DKR", 10)
		dakarB := campaignOf(user, "VIH Dakar", "SN-HIV", "", 30)
		thies := campaignOf(user, "Nutrition Thiès", "THS-NUT", "", 20)
		ked := campaignOf(user, "MILD Kédougou", "KED-MILD", "", 3)
		kao := campaignOf(user, "Vaccination Kaolack", "KAO-VAC", "", 0)
		foreign := campaignOf(other, "Autre programme", "DKR-VAC", "", 10)

		// Day 1: jobs complete.
		clock.Add(24 * time.Hour)
		for _, j := range []struct {
			camp string
			n    int
		}{{dakarA, 4}, {dakarB, 5}, {thies, 6}, {ked, 2}} {
			jobOf(user, j.camp, j.n)
		}
		jobOf(other, foreign, 50)
		runDue(5)

		// Day 2: a Thiès job fails (its campaign is archived before it
		// runs, then restored), and Kaolack's job waits in the queue.
		clock.Add(24 * time.Hour)
		failed := jobOf(user, thies, 3)
		require.Equal(t, 204, c.do("DELETE", "/api/v1/campaigns/"+thies, user, nil).Status)
		runDue(1)
		assert.Equal(t, "failed", c.do("GET", "/api/v1/jobs/"+failed, user, nil).JSON(t)["status"])
		require.Equal(t, 200, c.do("POST", "/api/v1/campaigns/"+thies+"/restore", user, nil).Status)
		pending := jobOf(user, kao, 1)

		// Days 3–5: distribution events under names and map keys.
		clock.Add(24 * time.Hour)
		events(user, ev("Dakar", "sms", "delivered", 40), ev("DKR", "whatsapp", "failed", 5), ev("Thiès", "sms", "delivered", 10))
		events(other, ev("Dakar", "sms", "failed", 1000), ev("Kédougou", "qr", "failed", 500))
		clock.Add(24 * time.Hour)
		events(user, ev("THS", "whatsapp", "failed", 10), ev("Kédougou", "qr", "delivered", 9), ev("KED", "sms", "failed", 1))
		sent := make([]map[string]any, 14)
		for i := range sent {
			sent[i] = ev("Dakar", "sms", "sent", int64(i+1)) // in flight: neither delivered nor failed
		}
		events(user, sent...)
		clock.Add(24 * time.Hour)
		events(user, ev("Fatick", "sms", "delivered", 3)) // no campaign there: ignored by the regions
		clock.Add(time.Minute)
		events(user, ev("THS", "qr", "sent", 2))
		clock.Add(time.Minute)
		events(user, ev("DKR", "sms", "sent", 1))
		const userEvents = 3 + 3 + 14 + 1 + 1 + 1

		// The model.
		regions := []*wantRegion{
			{name: "Dakar", campaigns: 2, cards: 9, beneficiaries: 9, target: 40, delivered: 40, failed: 5},
			{name: "Thiès", campaigns: 1, cards: 6, beneficiaries: 6, target: 20, delivered: 10, failed: 10},
			{name: "Kédougou", campaigns: 1, cards: 2, beneficiaries: 2, target: 3, delivered: 9, failed: 1},
			{name: "Unknown", campaigns: 1},
		}
		for _, r := range regions {
			r.derive()
		}
		require.Equal(t, 50.0, regions[0].risk, "Dakar: 22.5%% coverage (25) + 88.9%% success (0) + 9 cards (25)")
		require.Equal(t, 25.0, regions[2].risk, "Kédougou: 66.7%% (0) + 90%% (0) + 2 cards (25)")

		// GET /geo/regions.
		res = c.do("GET", "/api/v1/geo/regions", user, nil)
		require.Equal(t, 200, res.Status, "%s", res.Body)
		body := res.JSON(t)
		assert.Equal(t, float64(len(regions)), body["count"])
		got := body["regions"].([]any)
		require.Len(t, got, len(regions))
		period := clock.Now().UTC().Format("2006-01")
		for i, r := range regions {
			assert.Equal(t, map[string]any{"region": r.name, "country": "Senegal", "period": period, "campaigns_count": float64(r.campaigns),
				"cards_generated": float64(r.cards), "beneficiaries_count": float64(r.beneficiaries), "coverage_pct": r.coverage,
				"distribution_success_rate": r.success, "risk_score": r.risk, "risk_level": r.level}, got[i], "region %d", i)
		}

		// GET /geo/overview.
		res = c.do("GET", "/api/v1/geo/overview", user, nil)
		require.Equal(t, 200, res.Status, "%s", res.Body)
		var cards int64
		coverageScore := 0
		for _, r := range regions {
			cards += r.cards
			if r.name != "Unknown" && r.coverage >= 40 {
				coverageScore++
			}
		}
		// Jobs: 4 completed, 1 failed (Thiès), 1 pending (Kaolack).
		assert.Equal(t, "pending", c.do("GET", "/api/v1/jobs/"+pending, user, nil).JSON(t)["status"])
		assert.Equal(t, map[string]any{"programme_id": userID, "country": "Senegal", "period": period, "total_campaigns": float64(5),
			"total_jobs": float64(6), "total_cards": float64(cards), "success_rate": round1(100 * 4.0 / 6), "active_regions": float64(3),
			"coverage_score": float64(coverageScore)}, res.JSON(t))
		assert.Equal(t, int64(17), cards)
		assert.Equal(t, 1, coverageScore)

		// GET /geo/heatmap, every metric.
		labels := map[string]string{"cards_generated": "Cards generated", "coverage_pct": "Coverage (%)", "risk_score": "Risk score",
			"distribution_success_rate": "Distribution success rate (%)", "beneficiaries_count": "Beneficiaries"}
		for metric, label := range labels {
			res = c.do("GET", "/api/v1/geo/heatmap?metric="+metric, user, nil)
			require.Equal(t, 200, res.Status, "%s", res.Body)
			h := res.JSON(t)
			maxV := 0.0
			for _, r := range regions {
				maxV = math.Max(maxV, r.metricValues[metric])
			}
			assert.Equal(t, metric, h["metric"])
			assert.Equal(t, label, h["label"])
			assert.Equal(t, maxV, h["max_value"], metric)
			cells := h["cells"].([]any)
			require.Len(t, cells, len(regions))
			prev := math.Inf(1)
			for _, cell := range cells {
				cm := cell.(map[string]any)
				var r *wantRegion
				for _, x := range regions {
					if x.name == cm["region"] {
						r = x
					}
				}
				require.NotNil(t, r, "%v", cm)
				v := r.metricValues[metric]
				assert.Equal(t, v, cm["value"], "%s %s", metric, r.name)
				assert.LessOrEqual(t, v, prev, "highest value first")
				prev = v
				intensity := 0.0
				if maxV > 0 {
					intensity = math.Round(v/maxV*10000) / 10000
				}
				assert.Equal(t, intensity, cm["intensity"], "%s %s", metric, r.name)
				color := "#08BCF1"
				if a := int(math.Round(255 * intensity)); a != 255 {
					color += fmt.Sprintf("%02X", a)
				}
				assert.Equal(t, color, cm["color"], "%s %s", metric, r.name)
			}
		}
		h := c.do("GET", "/api/v1/geo/heatmap", user, nil).JSON(t)
		assert.Equal(t, "cards_generated", h["metric"], "the default metric")
		cell := h["cells"].([]any)[1].(map[string]any)
		assert.Equal(t, "Thiès", cell["region"])
		assert.Equal(t, "#08BCF1AA", cell["color"], "6 ÷ 9 → round(255 × 0.6667) = 170 = AA")

		// GET /geo/risk-zones: every region but Kédougou (25 points, 66.7%).
		res = c.do("GET", "/api/v1/geo/risk-zones", user, nil)
		require.Equal(t, 200, res.Status, "%s", res.Body)
		zones := res.JSON(t)
		var wantZones []any
		for _, name := range []string{"Unknown", "Thiès", "Dakar"} { // 100, 85, 50
			for _, r := range regions {
				if r.name == name {
					require.True(t, r.riskZone)
					wantZones = append(wantZones, map[string]any{"region": r.name, "risk_score": r.risk, "risk_level": r.level,
						"coverage_pct": r.coverage, "distribution_success_rate": r.success, "cards_generated": float64(r.cards)})
				}
			}
		}
		assert.False(t, regions[2].riskZone)
		assert.Equal(t, map[string]any{"zones": wantZones, "count": float64(3)}, zones)

		// GET /geo/live-events: newest first, map keys named, limit 1–100.
		res = c.do("GET", "/api/v1/geo/live-events?limit=3", user, nil)
		require.Equal(t, 200, res.Status, "%s", res.Body)
		live := res.JSON(t)
		assert.Equal(t, float64(3), live["count"])
		evs := live["events"].([]any)
		require.Len(t, evs, 3)
		first, second, third := evs[0].(map[string]any), evs[1].(map[string]any), evs[2].(map[string]any)
		assert.Equal(t, []any{"Dakar", "sms", "sent", float64(1)}, []any{first["region"], first["channel"], first["event_type"], first["count"]}, "DKR is named Dakar")
		assert.Equal(t, []any{"Thiès", "qr", "sent", float64(2)}, []any{second["region"], second["channel"], second["event_type"], second["count"]})
		assert.Equal(t, []any{"Fatick", "delivered", float64(3)}, []any{third["region"], third["event_type"], third["count"]}, "an unknown label stays")
		assert.Equal(t, clock.Now().UTC().Format(time.RFC3339), first["created_at"])
		assert.NotEmpty(t, first["id"])
		def := c.do("GET", "/api/v1/geo/live-events", user, nil).JSON(t)
		assert.Equal(t, float64(20), def["count"], "the default limit")
		all := c.do("GET", "/api/v1/geo/live-events?limit=100", user, nil).JSON(t)
		assert.Equal(t, float64(userEvents), all["count"], "only the caller's events")
		for _, e := range all["events"].([]any) {
			assert.NotEqual(t, float64(1000), e.(map[string]any)["count"], "another programme's event")
		}

		// Bad input: 422 naming the parameter.
		for _, q := range []string{"limit=0", "limit=101", "limit=abc", "limit=-1"} {
			requireV1Error(t, c.do("GET", "/api/v1/geo/live-events?"+q, user, nil), 422, "geo.limit_invalid", "limit")
		}
		for _, m := range []string{"population", "CARDS_GENERATED", "risk"} {
			requireV1Error(t, c.do("GET", "/api/v1/geo/heatmap?metric="+m, user, nil), 422, "geo.metric_unknown", "metric")
		}

		// The other programme has no module: 403, whatever its data.
		requireV1Error(t, c.do("GET", "/api/v1/geo/regions", other, nil), 403, "programme.module_required", "")

		// GET /geo/admin/overview: 403 unless is_admin.
		requireV1Error(t, c.do("GET", "/api/v1/geo/admin/overview", user, nil), 403, "", "")
		res = c.do("GET", "/api/v1/geo/admin/overview", admin, nil)
		require.Equal(t, 200, res.Status, "%s", res.Body)
		a := res.JSON(t)
		assert.Equal(t, float64(3), a["total_programmes"], "the admin's, the user's and the other's")
		assert.Equal(t, float64(cards+50), a["total_cards"])
		assert.Equal(t, float64(3), a["total_regions"], "Dakar, Thiès, Kédougou; the other's Dakar is the same region")
		assert.Equal(t, round1(100*5.0/7), a["global_success_rate"], "5 completed of 7 jobs pooled")
		progs := a["programmes"].([]any)
		require.Len(t, progs, 3)
		top := progs[0].(map[string]any)
		assert.Equal(t, float64(50), top["total_cards"], "most cards first")
		assert.Equal(t, float64(100), top["success_rate"])
		assert.Equal(t, float64(1), top["active_regions"])
		mine := progs[1].(map[string]any)
		assert.Equal(t, userID, mine["programme_id"])
		assert.Equal(t, float64(cards), mine["total_cards"])
		assert.Equal(t, float64(6), mine["total_jobs"])
		assert.Equal(t, float64(0), progs[2].(map[string]any)["total_campaigns"])
	})
}
