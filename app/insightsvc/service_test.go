package insightsvc_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/app/insightsvc"
	"github.com/kente-gov/kente/core/analytics"
	"github.com/kente-gov/kente/core/campaign"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/programme"
	"github.com/kente-gov/kente/ports"
	"github.com/kente-gov/kente/test/testkit"
)

var ctx = context.Background()

// now is 16 May 2026, 15:00 UTC: 16 days to the quota reset.
var now = time.Date(2026, 5, 16, 15, 0, 0, 0, time.UTC)

// plans serves the default plans with a 3,000-card starter quota (the
// seed's quota_total) at 10 FCFA a card beyond it.
type plans struct{}

func (plans) QuotaPlan(_ context.Context, plan string) (programme.QuotaPlan, error) {
	p, ok := programme.DefaultQuotaPlan(plan)
	if !ok {
		return p, fault.New(fault.NotFound, "billing.unknown_plan", "unknown plan")
	}
	p.StudioPrintQuota, p.SPPricePerCard = 3000, 10
	return p, nil
}

type fixture struct {
	svc   *insightsvc.Service
	progs *sqlstore.ProgrammeStore
	camps *sqlstore.CampaignStore
	bill  *sqlstore.BillingStore
	n     int
}

func newFixture(t *testing.T) *fixture {
	db := sqltest.Fresh(t, sqlstore.SQLite)
	f := &fixture{progs: sqlstore.NewProgrammeStore(db), camps: sqlstore.NewCampaignStore(db), bill: sqlstore.NewBillingStore(db)}
	f.svc = insightsvc.New(insightsvc.Deps{Store: sqlstore.NewInsightsStore(db), Usage: f.camps, Programmes: f.progs, Plans: plans{},
		Clock: testkit.NewClock(now)})
	return f
}

func (f *fixture) id(kind string) string {
	f.n++
	return fmt.Sprintf("%s-%04d", kind, f.n)
}

func (f *fixture) programme(t *testing.T) string {
	id := f.id("prog")
	require.NoError(t, f.progs.CreateProgramme(ctx, programme.Programme{ID: id, Email: id + "@sante.sn", Name: "PEV", Country: "SN", Currency: "XOF",
		Plan: programme.PlanStarter, Status: programme.StatusActive, CreatedAt: now.AddDate(0, -6, 0), UpdatedAt: now.AddDate(0, -6, 0)}))
	return id
}

func (f *fixture) campaign(t *testing.T, programmeID, name string, typ campaign.Type, created time.Time) campaign.Campaign {
	c := campaign.Campaign{ID: f.id("camp"), ProgrammeID: programmeID, Name: name, Type: typ, Prefix: fmt.Sprintf("P%03d", f.n), Language: "fr",
		TemplateID: string(typ), Status: campaign.StatusDraft, CreatedAt: created, UpdatedAt: created}
	require.NoError(t, f.camps.CreateCampaign(ctx, c))
	return c
}

// job stores a job created at created; a completed job completes an hour
// later with cards cards and consumes them from the month's quota.
func (f *fixture) job(t *testing.T, c campaign.Campaign, status campaign.JobStatus, cards int64, created time.Time) {
	j := campaign.Job{ID: f.id("job"), CampaignID: c.ID, ProgrammeID: c.ProgrammeID, Status: status, TotalCards: max(cards, 1), CardsGenerated: cards,
		DPI: 300, RenderScale: 1, TotalLots: 1, QuotaConsumed: cards, CreatedAt: created}
	if status == campaign.JobCompleted {
		done := created.Add(time.Hour)
		j.CompletedAt = &done
	}
	require.NoError(t, f.camps.CreateCardJob(ctx, j, nil))
	require.NoError(t, f.camps.AddEngineUsage(ctx, c.ProgrammeID, campaign.EngineStudioPrint, programme.BillingPeriod(created), cards, created))
}

func (f *fixture) ledger(t *testing.T, programmeID string, typ programme.TxType, amount int64, at time.Time) {
	_, err := f.bill.ApplyBalanceChange(ctx, ports.BalanceChange{Entry: programme.LedgerEntry{ID: f.id("tx"), ProgrammeID: programmeID, Type: typ,
		AmountFCFA: amount, CreatedAt: at}})
	require.NoError(t, err)
}

func day(d int) time.Time { return time.Date(2026, 5, d, 0, 0, 0, 0, time.UTC) }

func TestEmptyProgramme(t *testing.T) {
	f := newFixture(t)
	p := f.programme(t)

	in, err := f.svc.Insights(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, campaign.Health{Score: 70, Level: campaign.LevelMedium, Components: campaign.Components{JobSuccess: 100, QuotaHealth: 100}},
		in.Health, "0.4·100 + 0.3·100 + 0.3·0: no jobs failed, no quota used, no balance")
	assert.Equal(t, []campaign.Prediction{}, in.CardForecast.Predictions)
	assert.Equal(t, []campaign.Prediction{}, in.SpendForecast.Predictions)
	assert.Empty(t, in.CardAnomalies)
	assert.Equal(t, campaign.Metrics{QuotaTotal: 3000, JobSuccessRate: 100, DaysUntilReset: 16}, in.Metrics)
	require.Len(t, in.Recommendations, 1)
	assert.Equal(t, "balance_low", in.Recommendations[0].Rule, "0 FCFA is below the low-balance threshold")

	sum, err := f.svc.Summary(ctx, p, 30)
	require.NoError(t, err)
	assert.Equal(t, analytics.Summary{PeriodDays: 30}, sum)
	tl, err := f.svc.CampaignsTimeline(ctx, p, 7)
	require.NoError(t, err)
	require.Len(t, tl, 7)
	assert.Equal(t, analytics.TimelineDay{Date: day(16)}, tl[6])
	sp, err := f.svc.SpendTimeline(ctx, p, 1)
	require.NoError(t, err)
	assert.Equal(t, []analytics.SpendDay{{Date: day(16)}}, sp)
	st, err := f.svc.StudioStats(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, insightsvc.StudioStats{JobsByStatus: map[string]int64{}, CardsByStatus: map[string]int64{}, DPIDistribution: []analytics.DPIRow{}}, st)
	types, err := f.svc.CampaignTypes(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, []analytics.TypeStats{}, types)
	top, err := f.svc.TopCampaigns(ctx, p, 5)
	require.NoError(t, err)
	assert.Equal(t, []analytics.CampaignFacts{}, top)
}

func TestBadInput(t *testing.T) {
	f := newFixture(t)
	p := f.programme(t)
	for _, days := range []int{0, -1, 3651, 100000} {
		_, err := f.svc.Summary(ctx, p, days)
		assertField(t, err, "days")
		_, err = f.svc.CampaignsTimeline(ctx, p, days)
		assertField(t, err, "days")
		_, err = f.svc.SpendTimeline(ctx, p, days)
		assertField(t, err, "days")
	}
	for _, limit := range []int{0, -1, 101} {
		_, err := f.svc.TopCampaigns(ctx, p, limit)
		assertField(t, err, "limit")
	}
	_, err := f.svc.Insights(ctx, "no-such-programme")
	assert.True(t, fault.Is(err, fault.NotFound), "got %v", err)
}

func assertField(t *testing.T, err error, field string) {
	t.Helper()
	fe, ok := fault.As(err)
	require.True(t, ok, "got %v", err)
	assert.Equal(t, fault.Invalid, fe.Kind)
	assert.Equal(t, field, fe.Field)
}

func TestInsightsFromStoredData(t *testing.T) {
	f := newFixture(t)
	p := f.programme(t)
	other := f.programme(t)
	vac := f.campaign(t, p, "Rougeole Dakar", "vaccination", day(1))
	old := day(2).AddDate(0, -4, 0) // 2 January: outside the 90-day window
	nut := f.campaign(t, p, "Nutrition Thiès", "nutrition", old)

	// Cards 10, 20, 30, 40, 50 completed on 12–16 May: a perfect line of
	// slope 10 over day indexes 85–89, so tomorrow (index 90) is 60.
	for i := range 5 {
		f.job(t, vac, campaign.JobCompleted, int64(10*(i+1)), day(12+i).Add(8*time.Hour))
	}
	f.job(t, nut, campaign.JobFailed, 0, day(14).Add(9*time.Hour))
	f.job(t, nut, campaign.JobCompleted, 5, old)
	f.job(t, f.campaign(t, other, "Other", "vaccination", day(1)), campaign.JobCompleted, 999, day(15))

	f.ledger(t, p, programme.TxTopup, 1_000_000, day(1))
	f.ledger(t, p, programme.TxDebit, -1_000, day(13).Add(time.Hour))
	f.ledger(t, p, programme.TxDebit, -2_000, day(14).Add(time.Hour))
	f.ledger(t, p, programme.TxDebit, -3_000, day(15).Add(time.Hour))
	f.ledger(t, p, programme.TxRefund, 500, day(15).Add(2*time.Hour))
	f.ledger(t, p, programme.TxCredit, 7, day(16)) // a credit is not spend

	in, err := f.svc.Insights(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, 1.0, in.CardForecast.RSquared)
	assert.Equal(t, 10.0, in.CardForecast.Slope)
	require.Len(t, in.CardForecast.Predictions, 30)
	assert.Equal(t, campaign.Prediction{Date: day(17), Value: 60}, in.CardForecast.Predictions[0])
	// Spend points 1,000 / 2,000 / 2,500 on indexes 86, 87, 88: slope 750,
	// r² = 0.964… (hand-computed: Sxy = 1500, Sxx = 2, Syy = 1,166,666.67).
	assert.Equal(t, 750.0, in.SpendForecast.Slope)
	assert.InDelta(t, 1500.0*1500/(2*1_166_666.6667), in.SpendForecast.RSquared, 1e-4)
	assert.Equal(t, 0.95, in.SpendForecast.Confidence, "capped at 0.95")

	// 7 jobs, 5 + 1 in the last 30 days (January's is older): 5 of 6.
	assert.Equal(t, 83.3, in.Health.Components.JobSuccess)
	used := int64(10 + 20 + 30 + 40 + 50)
	assert.Equal(t, used, in.Metrics.CardsUsedMonth, "May's usage; January's job is another month")
	assert.Equal(t, int64(1_000_000-6_000+500+7), in.Metrics.BalanceFCFA)
	assert.Equal(t, 5.0, in.Metrics.QuotaPct)
	assert.Equal(t, 100.0, in.Health.Components.QuotaHealth)
	assert.Equal(t, 100.0, in.Health.Components.BalanceHealth, "the balance exceeds the starter subscription")
	assert.Equal(t, "job_success_high", in.Recommendations[0].Rule)

	// Analytics over the last 7 days (10–16 May).
	sum, err := f.svc.Summary(ctx, p, 7)
	require.NoError(t, err)
	assert.Equal(t, analytics.Summary{PeriodDays: 7, TotalCampaigns: 0, AllCampaigns: 2, TotalJobs: 6, TotalCards: 150, CompletedJobs: 5, FailedJobs: 1,
		SuccessRate: 83.3, TotalSpendFCFA: 5_500, BalanceFCFA: 994_507, CardsTotal: 155}, sum)
	tl, err := f.svc.CampaignsTimeline(ctx, p, 3)
	require.NoError(t, err)
	assert.Equal(t, []analytics.TimelineDay{{Date: day(14), Jobs: 2, Cards: 30}, {Date: day(15), Jobs: 1, Cards: 40}, {Date: day(16), Jobs: 1, Cards: 50}}, tl)
	sp, err := f.svc.SpendTimeline(ctx, p, 3)
	require.NoError(t, err)
	assert.Equal(t, []analytics.SpendDay{{Date: day(14), AmountFCFA: 2_000}, {Date: day(15), AmountFCFA: 2_500}, {Date: day(16)}}, sp)
	st, err := f.svc.StudioStats(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, int64(155), st.TotalCards)
	assert.Equal(t, int64(0), st.DHIS2Cards, "every studio_print card is a Studio job's")
	assert.Equal(t, map[string]int64{"completed": 6, "failed": 1}, st.JobsByStatus)
	assert.Equal(t, map[string]int64{"completed": 155}, st.CardsByStatus)
	assert.Equal(t, []analytics.DPIRow{{RenderScale: 1, Jobs: 6, Cards: 155}}, st.DPIDistribution)
	assert.Equal(t, int64(5_500), st.TotalCostFCFA)
	top, err := f.svc.TopCampaigns(ctx, p, 1)
	require.NoError(t, err)
	assert.Equal(t, []analytics.CampaignFacts{{ID: vac.ID, Name: "Rougeole Dakar", Type: "vaccination", Jobs: 5, Cards: 150}}, top)
	types, err := f.svc.CampaignTypes(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, []analytics.TypeStats{{Type: "vaccination", Campaigns: 1, Jobs: 5, Cards: 150}, {Type: "nutrition", Campaigns: 1, Jobs: 2, Cards: 5}}, types)

	// DHIS2 cards: studio_print usage no job holds, dated by the record.
	require.NoError(t, f.camps.AddEngineUsage(ctx, p, campaign.EngineStudioPrint, "2026-05", 200, day(16).Add(time.Hour)))
	st, err = f.svc.StudioStats(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, int64(200), st.DHIS2Cards)
	tl, err = f.svc.CampaignsTimeline(ctx, p, 1)
	require.NoError(t, err)
	assert.Equal(t, []analytics.TimelineDay{{Date: day(16), Jobs: 1, Cards: 250, DHIS2Cards: 200}}, tl)
}
