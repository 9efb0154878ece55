package campaign_test

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/campaign"
	"github.com/kente-gov/kente/core/fault"
)

// now is a fixed instant: 2026-05-16 14:30 UTC (index 89 = 2026-05-16).
var now = time.Date(2026, 5, 16, 14, 30, 0, 0, time.UTC)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestHealthSeedExample(t *testing.T) {
	// The seed: components 86.1 / 100 / 99.9 → 94.4 HIGH (0.4·86.1 + 0.3·100 + 0.3·99.9 = 94.41).
	h := campaign.NewHealth(campaign.Components{JobSuccess: 86.1, QuotaHealth: 100, BalanceHealth: 99.9})
	assert.Equal(t, 94.4, h.Score)
	assert.Equal(t, campaign.LevelHigh, h.Level)

	// The same from raw facts: 31 of 36 jobs, 370 of 3,000 cards, 1,248,500 FCFA
	// against a 1,250,000 FCFA monthly reference.
	h = campaign.NewHealth(campaign.Components{
		JobSuccess:    campaign.JobSuccessRate(31, 36),
		QuotaHealth:   campaign.QuotaHealth(campaign.QuotaPct(370, 3000)),
		BalanceHealth: campaign.BalanceHealth(1_248_500, 1_250_000),
	})
	assert.Equal(t, campaign.Health{Score: 94.4, Level: campaign.LevelHigh,
		Components: campaign.Components{JobSuccess: 86.1, QuotaHealth: 100, BalanceHealth: 99.9}}, h)
}

func TestHealthLevels(t *testing.T) {
	tests := []struct {
		give float64
		want campaign.Level
	}{
		{100, campaign.LevelHigh}, {75, campaign.LevelHigh}, {74.9, campaign.LevelMedium},
		{60, campaign.LevelMedium}, {59.9, campaign.LevelLow}, {40, campaign.LevelLow},
		{39.9, campaign.LevelCritical}, {0, campaign.LevelCritical},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, campaign.HealthLevel(tt.give), "score %v", tt.give)
	}
	// 74.96 is shown as 75.0, and its level is that of the shown score.
	h := campaign.NewHealth(campaign.Components{JobSuccess: 74.9, QuotaHealth: 75, BalanceHealth: 75})
	assert.Equal(t, 75.0, h.Score)
	assert.Equal(t, campaign.LevelHigh, h.Level)
}

func TestSubScores(t *testing.T) {
	quota := []struct{ give, want float64 }{
		{0, 100}, {12.3, 100}, {75, 100}, {80, 80}, {87.5, 50}, {99, 4}, {100, 0}, {250, 0},
	}
	for _, tt := range quota {
		assert.InDelta(t, tt.want, campaign.QuotaHealth(tt.give), 1e-9, "usage %v%%", tt.give)
	}
	assert.Equal(t, 100.0, campaign.JobSuccessRate(0, 0), "no jobs: nothing failed")
	assert.InDelta(t, 50.0, campaign.JobSuccessRate(5, 10), 1e-12)
	assert.Equal(t, 100.0, campaign.JobSuccessRate(12, 10), "clamped")
	assert.Equal(t, 0.0, campaign.QuotaPct(500, -1), "unlimited")
	assert.InDelta(t, 12.3333, campaign.QuotaPct(370, 3000), 1e-4)

	assert.Equal(t, 0.0, campaign.BalanceHealth(-10, 1000))
	assert.Equal(t, 0.0, campaign.BalanceHealth(0, 1000))
	assert.Equal(t, 100.0, campaign.BalanceHealth(5, 0), "no reference")
	assert.Equal(t, 100.0, campaign.BalanceHealth(3_000_000, 1_250_000), "capped")
	assert.Equal(t, 40.0, campaign.BalanceHealth(400, 1000))
	assert.Equal(t, int64(130_000), campaign.BalanceReference(100_000, 30_000, 999))
	assert.Equal(t, int64(999), campaign.BalanceReference(0, 0, 999))
	assert.Equal(t, int64(0), campaign.BalanceReference(0, -5, -1))
}

// Anscombe, F. J. (1973), "Graphs in Statistical Analysis", The American
// Statistician 27(1): 17–21, data set I. Published fit: y = 3.0001 + 0.5001·x,
// r² = 0.6665 (all four sets share these figures).
func TestFitOLSAnscombeI(t *testing.T) {
	xs := []float64{10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5}
	ys := []float64{8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68}
	l, err := campaign.FitOLS(xs, ys)
	require.NoError(t, err)
	assert.InDelta(t, 0.5001, l.Slope, 5e-5)
	assert.InDelta(t, 3.0001, l.Intercept, 5e-5)
	assert.InDelta(t, 0.6665, l.RSquared, 5e-5)
	assert.Equal(t, 11, l.N)
	assert.InDelta(t, 3.0001+0.5001*20, l.At(20), 2e-3)
}

func TestFitOLSInvalid(t *testing.T) {
	tests := []struct {
		name   string
		xs, ys []float64
		code   string
	}{
		{"mismatch", []float64{1, 2}, []float64{1}, "campaign.ols_mismatch"},
		{"one point", []float64{1}, []float64{1}, "campaign.ols_too_few"},
		{"same x", []float64{3, 3, 3}, []float64{1, 2, 3}, "campaign.ols_degenerate"},
		{"NaN", []float64{1, 2, 3}, []float64{1, math.NaN(), 3}, "campaign.point_invalid"},
		{"Inf", []float64{1, math.Inf(1), 3}, []float64{1, 2, 3}, "campaign.point_invalid"},
	}
	for _, tt := range tests {
		_, err := campaign.FitOLS(tt.xs, tt.ys)
		fe, ok := fault.As(err)
		require.True(t, ok, tt.name)
		assert.Equal(t, fault.Invalid, fe.Kind, tt.name)
		assert.Equal(t, tt.code, fe.Code, tt.name)
		assert.Equal(t, "points", fe.Field, tt.name)
	}
}

func TestFitOLSProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 500 {
		n := 3 + rng.IntN(88)
		xs, ys := make([]float64, n), make([]float64, n)
		for i := range n {
			xs[i] = float64(i)
			ys[i] = rng.Float64()*1000 - 200
		}
		l, err := campaign.FitOLS(xs, ys)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, l.RSquared, 0.0, "trial %d", trial)
		assert.LessOrEqual(t, l.RSquared, 1.0, "trial %d", trial)

		// A perfect line: r² = 1, exact slope and intercept.
		a, b := rng.Float64()*100, rng.Float64()*10-5
		for i := range n {
			ys[i] = a + b*xs[i]
		}
		l, err = campaign.FitOLS(xs, ys)
		require.NoError(t, err)
		assert.InDelta(t, 1.0, l.RSquared, 1e-9, "trial %d", trial)
		assert.InDelta(t, b, l.Slope, 1e-9, "trial %d", trial)
		assert.InDelta(t, a, l.Intercept, 1e-7, "trial %d", trial)
	}
	// A constant series is a perfect (flat) line.
	l, err := campaign.FitOLS([]float64{0, 1, 2}, []float64{7, 7, 7})
	require.NoError(t, err)
	assert.Equal(t, campaign.Line{Slope: 0, Intercept: 7, RSquared: 1, N: 3}, l)
}

func TestWindow(t *testing.T) {
	pts := []campaign.DayPoint{
		{Date: time.Date(2026, 5, 16, 1, 0, 0, 0, time.UTC), Value: 10},                    // today: index 89
		{Date: time.Date(2026, 5, 16, 23, 0, 0, 0, time.UTC), Value: 5},                    // same day, summed
		{Date: time.Date(2026, 5, 17, 0, 0, 0, 0, time.UTC), Value: 99},                    // tomorrow: ignored
		{Date: date(2026, 2, 16), Value: 3},                                                // 89 days ago: index 0
		{Date: date(2026, 2, 15), Value: 99},                                               // 90 days ago: ignored
		{Date: time.Date(2026, 5, 15, 23, 0, 0, 0, time.FixedZone("", -3*3600)), Value: 4}, // 2026-05-16T02:00Z
		{Date: date(2026, 4, 1), Value: 0},                                                 // an active day with nothing generated still counts
	}
	got, err := campaign.Window(pts, now)
	require.NoError(t, err)
	assert.Equal(t, []campaign.IndexedPoint{
		{Index: 0, Date: date(2026, 2, 16), Value: 3},
		{Index: 44, Date: date(2026, 4, 1), Value: 0},
		{Index: 89, Date: date(2026, 5, 16), Value: 19},
	}, got)

	_, err = campaign.Window([]campaign.DayPoint{{Date: now, Value: math.NaN()}}, now)
	assert.True(t, fault.Is(err, fault.Invalid))
}

func TestForecastPerfectLine(t *testing.T) {
	// Cards on every third day following 12 + 0.5·index exactly.
	var pts []campaign.DayPoint
	start := date(2026, 2, 16)
	for i := 0; i < 90; i += 3 {
		pts = append(pts, campaign.DayPoint{Date: start.AddDate(0, 0, i), Value: 12 + 0.5*float64(i)})
	}
	series, err := campaign.Window(pts, now)
	require.NoError(t, err)
	require.Len(t, series, 30)
	f := campaign.NewForecast(series, now)
	require.True(t, f.Sufficient)
	assert.Equal(t, 1.0, f.RSquared)
	assert.Equal(t, 0.95, f.Confidence, "capped at 0.95")
	assert.Equal(t, 0.5, f.Slope)
	assert.Equal(t, 12.0, f.Intercept)
	require.Len(t, f.Predictions, 30)
	for k, p := range f.Predictions {
		assert.Equal(t, date(2026, 5, 17).AddDate(0, 0, k), p.Date)
		assert.Equal(t, 12+0.5*float64(90+k), p.Value)
	}
}

func TestForecastShapes(t *testing.T) {
	two := []campaign.IndexedPoint{{Index: 1, Value: 3}, {Index: 5, Value: 4}}
	f := campaign.NewForecast(two, now)
	assert.False(t, f.Sufficient)
	assert.NotNil(t, f.Predictions)
	assert.Empty(t, f.Predictions)
	assert.Zero(t, f.Confidence+f.RSquared+f.Slope)

	// A falling line predicts 0, never a negative amount; a poor fit keeps
	// confidence at 0.1.
	down := []campaign.IndexedPoint{{Index: 80, Value: 100}, {Index: 84, Value: 60}, {Index: 89, Value: 10}}
	f = campaign.NewForecast(down, now)
	require.True(t, f.Sufficient)
	assert.Less(t, f.Slope, 0.0)
	for _, p := range f.Predictions {
		assert.GreaterOrEqual(t, p.Value, 0.0)
	}
	assert.Equal(t, 0.0, f.Predictions[29].Value)

	noisy := []campaign.IndexedPoint{{Index: 0, Value: 5}, {Index: 1, Value: 0}, {Index: 2, Value: 5}, {Index: 3, Value: 0}, {Index: 4, Value: 5}}
	f = campaign.NewForecast(noisy, now)
	assert.Equal(t, 0.1, f.Confidence)
	assert.Equal(t, 0.0, f.RSquared)
}

func flat(perDay float64) campaign.Forecast {
	var s []campaign.IndexedPoint
	for i := 80; i < 90; i++ {
		s = append(s, campaign.IndexedPoint{Index: i, Value: perDay})
	}
	return campaign.NewForecast(s, now)
}

func TestQuotaSaturation(t *testing.T) {
	ten := 10
	zero := 0
	tests := []struct {
		name        string
		used, quota int64
		fc          campaign.Forecast
		want        campaign.Saturation
	}{
		// 100 cards/day from tomorrow: 1,000 left are used on day 10 (May 26).
		{"saturates", 0, 1000, flat(100), campaign.Saturation{WillSaturate: true, DaysUntilSaturation: &ten, SaturationPct: 0}},
		// 15 days are left in May: 1,500 more cards, not 2,000.
		{"not this month", 0, 2000, flat(100), campaign.Saturation{SaturationPct: 0}},
		{"last day reaches", 500, 2000, flat(100), campaign.Saturation{WillSaturate: true, DaysUntilSaturation: ptr(15), SaturationPct: 25}},
		{"already used up", 3100, 3000, flat(0), campaign.Saturation{WillSaturate: true, DaysUntilSaturation: &zero, SaturationPct: 103.3}},
		{"seed pct", 370, 3000, campaign.NewForecast(nil, now), campaign.Saturation{SaturationPct: 12.3}},
		{"unlimited", 1_000_000, -1, flat(1e6), campaign.Saturation{}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, campaign.QuotaSaturation(tt.used, tt.quota, tt.fc, now), tt.name)
	}
	assert.Equal(t, 1500.0, campaign.ProjectedUntilMonthEnd(flat(100), now))
	assert.Equal(t, 0.0, campaign.ProjectedUntilMonthEnd(campaign.NewForecast(nil, now), now))
}

func ptr(i int) *int { return &i }

func TestDaysUntilReset(t *testing.T) {
	tests := []struct {
		give time.Time
		want int
	}{
		{now, 16},
		{date(2026, 5, 31), 1},
		{time.Date(2026, 5, 31, 23, 59, 59, 0, time.UTC), 1},
		{date(2026, 1, 1), 31},
		{date(2026, 12, 15), 17},
		{date(2028, 2, 28), 2}, // leap year
		{time.Date(2026, 5, 31, 23, 30, 0, 0, time.FixedZone("", -2*3600)), 30}, // 2026-06-01T01:30Z
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, campaign.DaysUntilReset(tt.give), tt.give.String())
	}
}

func series(vals ...float64) []campaign.IndexedPoint {
	out := make([]campaign.IndexedPoint, len(vals))
	for i, v := range vals {
		out[i] = campaign.IndexedPoint{Index: 2 * i, Date: date(2026, 2, 16).AddDate(0, 0, 2*i), Value: v}
	}
	return out
}

func TestAnomaliesHandComputed(t *testing.T) {
	// Nine 10s and one 40: mean 13, σ = √(810/10) = 9, z(40) = 27/9 = 3.00,
	// z(10) = −3/9 = −0.33.
	got := campaign.Anomalies(series(10, 10, 10, 10, 10, 10, 10, 10, 10, 40))
	assert.Equal(t, []campaign.Anomaly{{Index: 18, Date: date(2026, 3, 6), Value: 40, ZScore: 3}}, got)

	// Six points 0,0,0,0,0,6: mean 1, σ = √(30/6) = √5, z = 5/√5 = 2.236 > 2.2.
	got = campaign.Anomalies(series(0, 0, 0, 0, 0, 6))
	require.Len(t, got, 1)
	assert.Equal(t, 2.24, got[0].ZScore)

	// Five points 0,0,0,0,5: z = 4/2 = 2.0, below the threshold.
	assert.Empty(t, campaign.Anomalies(series(0, 0, 0, 0, 5)))
	// Four points are too few whatever the values.
	assert.Empty(t, campaign.Anomalies(series(0, 0, 0, 1000)))
	// A constant series has no anomalies (σ = 0), and the result is never nil.
	assert.NotNil(t, campaign.Anomalies(series(3, 3, 3, 3, 3, 3)))
	assert.Empty(t, campaign.Anomalies(series(3, 3, 3, 3, 3, 3)))

	// A low outlier: 20 × 100 and one 10: mean 95.714, σ = 19.166, z = −4.47.
	vals := make([]float64, 21)
	for i := range vals {
		vals[i] = 100
	}
	vals[7] = 10
	got = campaign.Anomalies(series(vals...))
	require.Len(t, got, 1)
	assert.Equal(t, 14, got[0].Index)
	assert.Equal(t, -4.47, got[0].ZScore)
}

func TestAnomaliesSymmetricUnderNegation(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	for trial := range 200 {
		n := 5 + rng.IntN(86)
		vals := make([]float64, n)
		neg := make([]float64, n)
		for i := range n {
			vals[i] = rng.NormFloat64()*20 + 100
			if rng.IntN(15) == 0 {
				vals[i] += 200
			}
			neg[i] = -vals[i]
		}
		a, b := campaign.Anomalies(series(vals...)), campaign.Anomalies(series(neg...))
		require.Len(t, b, len(a), "trial %d", trial)
		for i := range a {
			assert.Equal(t, a[i].Index, b[i].Index)
			assert.Equal(t, -a[i].Value, b[i].Value)
			assert.Equal(t, -a[i].ZScore, b[i].ZScore)
		}
	}
}
