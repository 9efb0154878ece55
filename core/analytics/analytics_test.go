package analytics_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/analytics"
	"github.com/kente-gov/kente/core/fault"
)

var now = time.Date(2026, 5, 20, 9, 0, 0, 0, time.UTC)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func requireField(t *testing.T, err error, field string) {
	t.Helper()
	fe, ok := fault.As(err)
	require.True(t, ok, "want a fault, got %v", err)
	assert.Equal(t, fault.Invalid, fe.Kind)
	assert.Equal(t, field, fe.Field)
}

func TestParseDaysAndLimit(t *testing.T) {
	days := []struct {
		give string
		want int
	}{{"", 30}, {"1", 1}, {"30", 30}, {"3650", 3650}, {" 7", 7}}
	for _, tt := range days {
		got, err := analytics.ParseDays(tt.give)
		require.NoError(t, err, tt.give)
		assert.Equal(t, tt.want, got)
	}
	for _, bad := range []string{"0", "3651", "100000", "-5", "x", "3.5"} {
		_, err := analytics.ParseDays(bad)
		requireField(t, err, "days")
	}
	n, err := analytics.ParseLimit("")
	require.NoError(t, err)
	assert.Equal(t, 5, n)
	for _, bad := range []string{"0", "101", "ten"} {
		_, err := analytics.ParseLimit(bad)
		requireField(t, err, "limit")
	}
}

func TestWindow(t *testing.T) {
	from, to, err := analytics.Window(now, 30)
	require.NoError(t, err)
	assert.Equal(t, date(2026, 4, 21), from)
	assert.Equal(t, date(2026, 5, 21), to)
	from, to, err = analytics.Window(time.Date(2026, 5, 20, 23, 30, 0, 0, time.FixedZone("", -2*3600)), 1)
	require.NoError(t, err)
	assert.Equal(t, date(2026, 5, 21), from, "23:30 at UTC−2 is already the 21st in UTC")
	assert.Equal(t, date(2026, 5, 22), to)
	_, _, err = analytics.Window(now, 0)
	requireField(t, err, "days")
	_, _, err = analytics.Window(now, 100000)
	requireField(t, err, "days")
}

func TestCampaignsTimeline(t *testing.T) {
	jobs := []analytics.Job{
		{CreatedAt: time.Date(2026, 5, 18, 10, 0, 0, 0, time.UTC), CompletedAt: time.Date(2026, 5, 19, 0, 30, 0, 0, time.UTC), Status: analytics.JobCompleted, Cards: 300},
		{CreatedAt: time.Date(2026, 5, 18, 23, 59, 0, 0, time.UTC), Status: analytics.JobFailed, Cards: 40},
		{CreatedAt: time.Date(2026, 5, 20, 8, 0, 0, 0, time.UTC), Status: analytics.JobGenerating, Cards: 10},
		{CreatedAt: date(2026, 5, 17), CompletedAt: date(2026, 5, 17), Status: analytics.JobCompleted, Cards: 999}, // before the window
	}
	dhis2 := []analytics.Amount{{At: time.Date(2026, 5, 19, 12, 0, 0, 0, time.UTC), Value: 200}, {At: date(2026, 5, 21), Value: 7}}
	got, err := analytics.CampaignsTimeline(now, 3, jobs, dhis2)
	require.NoError(t, err)
	assert.Equal(t, []analytics.TimelineDay{
		{Date: date(2026, 5, 18), Jobs: 2},
		{Date: date(2026, 5, 19), Cards: 500, DHIS2Cards: 200},
		{Date: date(2026, 5, 20), Jobs: 1},
	}, got)

	empty, err := analytics.CampaignsTimeline(now, 30, nil, nil)
	require.NoError(t, err)
	require.Len(t, empty, 30, "zero-filled")
	assert.Equal(t, date(2026, 4, 21), empty[0].Date)
	assert.Equal(t, analytics.TimelineDay{Date: date(2026, 5, 20)}, empty[29])

	_, err = analytics.CampaignsTimeline(now, 0, nil, nil)
	requireField(t, err, "days")
}

func TestSpend(t *testing.T) {
	assert.Equal(t, int64(4750), analytics.Spend("debit", -4750))
	assert.Equal(t, int64(25000), analytics.Spend("subscription", -25000))
	assert.Equal(t, int64(900), analytics.Spend("pvc_order", -900))
	assert.Equal(t, int64(-300), analytics.Spend("refund", 300))
	assert.Equal(t, int64(0), analytics.Spend("topup", 100000))
	assert.Equal(t, int64(0), analytics.Spend("credit", 5000))

	spend := []analytics.Amount{
		{At: time.Date(2026, 5, 20, 1, 0, 0, 0, time.UTC), Value: 4750},
		{At: time.Date(2026, 5, 20, 2, 0, 0, 0, time.UTC), Value: -750},
		{At: date(2026, 5, 19), Value: 100},
		{At: date(2026, 1, 1), Value: 1e6},
	}
	got, err := analytics.SpendTimeline(now, 2, spend)
	require.NoError(t, err)
	assert.Equal(t, []analytics.SpendDay{{Date: date(2026, 5, 19), AmountFCFA: 100}, {Date: date(2026, 5, 20), AmountFCFA: 4000}}, got)
	_, err = analytics.SpendTimeline(now, 3651, spend)
	requireField(t, err, "days")
}

func TestSummary(t *testing.T) {
	// The seed's figures: 31 of 34 jobs → 91.2%.
	s, err := analytics.NewSummary(30, analytics.SummaryCounts{
		CampaignsInWindow: 12, AllCampaigns: 48, JobsInWindow: 34, CompletedJobs: 31, FailedJobs: 1,
		CardsInWindow: 2850, SpendFCFA: 142500, BalanceFCFA: 857500, CardsAllTime: 12400,
	})
	require.NoError(t, err)
	assert.Equal(t, analytics.Summary{PeriodDays: 30, TotalCampaigns: 12, AllCampaigns: 48, TotalJobs: 34,
		TotalCards: 2850, CompletedJobs: 31, FailedJobs: 1, SuccessRate: 91.2, TotalSpendFCFA: 142500,
		BalanceFCFA: 857500, CardsTotal: 12400}, s)

	s, err = analytics.NewSummary(7, analytics.SummaryCounts{})
	require.NoError(t, err)
	assert.Equal(t, analytics.Summary{PeriodDays: 7}, s, "an empty programme is all zeros")
	_, err = analytics.NewSummary(0, analytics.SummaryCounts{})
	requireField(t, err, "days")
	assert.Equal(t, 66.7, analytics.Rate(2, 3))
	assert.Equal(t, 100.0, analytics.Rate(5, 3), "capped")
}

func TestStudioStats(t *testing.T) {
	got := analytics.JobsByStatus(map[analytics.JobStatus]int64{
		analytics.JobCompleted: 42, analytics.JobFailed: 2, analytics.JobPending: 1, analytics.JobPackaging: 2,
		analytics.JobCancelled: 0, "weird": 9,
	})
	assert.Equal(t, map[string]int64{"completed": 42, "failed": 2, "running": 3}, got)
	assert.NotNil(t, analytics.JobsByStatus(nil))

	dpi := analytics.DPIDistribution([]analytics.DPIRow{{RenderScale: 1.4, Jobs: 4, Cards: 800}, {RenderScale: 1.0, Jobs: 30, Cards: 7000}, {RenderScale: 1.0, Jobs: 8, Cards: 400}})
	assert.Equal(t, []analytics.DPIRow{{RenderScale: 1.0, Jobs: 38, Cards: 7400}, {RenderScale: 1.4, Jobs: 4, Cards: 800}}, dpi)
	assert.Equal(t, []analytics.DPIRow{}, analytics.DPIDistribution(nil))
}

func TestCampaignTypesAndTop(t *testing.T) {
	cs := []analytics.CampaignFacts{
		{ID: "a", Name: "Polio Dakar", Type: "vaccination", Jobs: 3, Cards: 900},
		{ID: "b", Name: "MILD Thiès", Type: "mild", Jobs: 1, Cards: 1500},
		{ID: "c", Name: "Measles", Type: "vaccination", Jobs: 2, Cards: 100},
		{ID: "d", Name: "Nutrition", Type: "nutrition", Jobs: 0, Cards: 0},
		{ID: "e", Name: "Antenatal", Type: "antenatal", Jobs: 5, Cards: 900},
	}
	assert.Equal(t, []analytics.TypeStats{
		{Type: "vaccination", Campaigns: 2, Jobs: 5, Cards: 1000},
		{Type: "mild", Campaigns: 1, Jobs: 1, Cards: 1500},
		{Type: "antenatal", Campaigns: 1, Jobs: 5, Cards: 900},
		{Type: "nutrition", Campaigns: 1},
	}, analytics.CampaignTypes(cs))
	assert.Equal(t, []analytics.TypeStats{}, analytics.CampaignTypes(nil))

	top, err := analytics.TopCampaigns(cs, 3)
	require.NoError(t, err)
	assert.Equal(t, []string{"b", "e", "a"}, []string{top[0].ID, top[1].ID, top[2].ID}, "900 cards: more jobs first")
	assert.Equal(t, "a", cs[0].ID, "input untouched")
	all, err := analytics.TopCampaigns(cs, 100)
	require.NoError(t, err)
	assert.Len(t, all, 5)
	none, err := analytics.TopCampaigns(nil, 5)
	require.NoError(t, err)
	assert.Equal(t, []analytics.CampaignFacts{}, none)
	_, err = analytics.TopCampaigns(cs, 0)
	requireField(t, err, "limit")
}
