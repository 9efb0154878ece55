package campaign_test

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/campaign"
	"github.com/kente-gov/kente/core/fault"
)

func TestInsights(t *testing.T) {
	// 20 cards a day on the last 10 days (one outlier of 400), 1,000 FCFA of
	// spend a day on the last 5 days.
	var f campaign.Facts
	for i := range 10 {
		v := 20.0
		if i == 4 {
			v = 400
		}
		f.CardPoints = append(f.CardPoints, campaign.DayPoint{Date: now.AddDate(0, 0, -i), Value: v})
	}
	for i := range 5 {
		f.SpendPoints = append(f.SpendPoints, campaign.DayPoint{Date: now.AddDate(0, 0, -i), Value: 1000})
	}
	f.JobsCompleted30d, f.Jobs30d = 31, 36
	f.CardsUsedMonth, f.QuotaTotal = 370, 3000
	f.BalanceFCFA, f.BalanceReferenceFCFA = 1_248_500, 1_250_000

	in, err := campaign.NewInsights(f, now)
	require.NoError(t, err)
	assert.Equal(t, 94.4, in.Health.Score)
	assert.Equal(t, campaign.Metrics{QuotaPct: 12.3, CardsUsedMonth: 370, QuotaTotal: 3000,
		JobSuccessRate: 86.1, BalanceFCFA: 1_248_500, DaysUntilReset: 16}, in.Metrics)
	require.Len(t, in.CardAnomalies, 1)
	assert.Equal(t, campaign.Anomaly{Index: 85, Date: date(2026, 5, 12), Value: 400, ZScore: 3}, in.CardAnomalies[0])
	assert.Empty(t, in.SpendAnomalies)
	// Flat spend: slope 0, r² 1, 1,000 a day.
	assert.Equal(t, 1000.0, in.SpendForecast.Predictions[0].Value)
	assert.Equal(t, 1.0, in.SpendForecast.RSquared)
	assert.True(t, in.CardForecast.Sufficient)
	// 86.1% success is below 90%: the one recommendation.
	require.Len(t, in.Recommendations, 1)
	assert.Equal(t, "job_success_high", in.Recommendations[0].Rule)
	assert.Equal(t, campaign.Saturation{SaturationPct: 12.3}, in.QuotaSaturation)

	// Spend of 100,000 a day for the 15 days left in May exceeds the balance.
	f.SpendPoints = nil
	for i := range 5 {
		f.SpendPoints = append(f.SpendPoints, campaign.DayPoint{Date: now.AddDate(0, 0, -i), Value: 100_000})
	}
	in, err = campaign.NewInsights(f, now)
	require.NoError(t, err)
	assert.Equal(t, "balance_projected_negative", in.Recommendations[0].Rule)

	f.CardPoints = append(f.CardPoints, campaign.DayPoint{Date: now, Value: math.Inf(1)})
	_, err = campaign.NewInsights(f, now)
	assert.True(t, fault.Is(err, fault.Invalid))

	// An empty programme: empty forecasts, no anomalies, a nominal
	// recommendation, no division by zero.
	in, err = campaign.NewInsights(campaign.Facts{QuotaTotal: 10_000}, time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	assert.Empty(t, in.CardForecast.Predictions)
	assert.Empty(t, in.CardAnomalies)
	assert.Equal(t, 1, in.Metrics.DaysUntilReset)
	assert.Equal(t, 70.0, in.Health.Score, "0.4·100 + 0.3·100 + 0.3·0: no balance")
}
