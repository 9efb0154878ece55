package campaign

import (
	"math"
	"time"
)

// Metrics are the quota and balance figures of the insights report.
type Metrics struct {
	QuotaPct       float64 // one decimal; 0 when the quota is unlimited
	CardsUsedMonth int64
	QuotaTotal     int64 // −1 = unlimited
	JobSuccessRate float64
	BalanceFCFA    int64
	DaysUntilReset int
}

// Facts are what the insights report is computed from, gathered by the
// service from its stores.
type Facts struct {
	// CardPoints are cards generated per job (or per day) and SpendPoints
	// debits in FCFA (positive), dated; older or future points are ignored.
	CardPoints  []DayPoint
	SpendPoints []DayPoint

	JobsCompleted30d int64 // completed jobs created in the last 30 days
	Jobs30d          int64 // all jobs created in the last 30 days

	CardsUsedMonth int64 // identities used this month (Studio + DHIS2)
	QuotaTotal     int64 // the plan's monthly identity quota; −1 = unlimited

	BalanceFCFA int64
	// BalanceReferenceFCFA is what the balance is measured against (see
	// BalanceReference).
	BalanceReferenceFCFA int64
	LowBalanceFCFA       int64 // 0 = DefaultLowBalanceFCFA

	FailedSyncs         int64
	FailedDistributions int64
}

// Insights is the full AI report of GET /ai/insights.
type Insights struct {
	Health          Health
	CardForecast    Forecast
	SpendForecast   Forecast
	QuotaSaturation Saturation
	CardAnomalies   []Anomaly
	SpendAnomalies  []Anomaly
	Recommendations []Recommendation
	Metrics         Metrics
}

// NewInsights computes the whole report from f at now. It fails only on
// non-finite points (fault.Invalid, field "points").
func NewInsights(f Facts, now time.Time) (Insights, error) {
	cards, err := Window(f.CardPoints, now)
	if err != nil {
		return Insights{}, err
	}
	spend, err := Window(f.SpendPoints, now)
	if err != nil {
		return Insights{}, err
	}
	cardFc, spendFc := NewForecast(cards, now), NewForecast(spend, now)
	sat := QuotaSaturation(f.CardsUsedMonth, f.QuotaTotal, cardFc, now)
	quotaPct := QuotaPct(f.CardsUsedMonth, f.QuotaTotal)
	success := JobSuccessRate(f.JobsCompleted30d, f.Jobs30d)
	health := NewHealth(Components{
		JobSuccess:    success,
		QuotaHealth:   QuotaHealth(quotaPct),
		BalanceHealth: BalanceHealth(f.BalanceFCFA, f.BalanceReferenceFCFA),
	})
	projected := f.BalanceFCFA - int64(math.Round(ProjectedUntilMonthEnd(spendFc, now)))
	recs := Recommend(Signals{
		QuotaPct:             quotaPct,
		DaysUntilSaturation:  sat.DaysUntilSaturation,
		BalanceFCFA:          f.BalanceFCFA,
		ProjectedBalanceFCFA: projected,
		LowBalanceFCFA:       f.LowBalanceFCFA,
		Jobs:                 f.Jobs30d,
		JobSuccessRate:       success,
		FailedSyncs:          f.FailedSyncs,
		FailedDistributions:  f.FailedDistributions,
	})
	return Insights{
		Health:          health,
		CardForecast:    cardFc,
		SpendForecast:   spendFc,
		QuotaSaturation: sat,
		CardAnomalies:   Anomalies(cards),
		SpendAnomalies:  Anomalies(spend),
		Recommendations: recs,
		Metrics: Metrics{
			QuotaPct:       round(quotaPct, 1),
			CardsUsedMonth: f.CardsUsedMonth,
			QuotaTotal:     f.QuotaTotal,
			JobSuccessRate: health.Components.JobSuccess,
			BalanceFCFA:    f.BalanceFCFA,
			DaysUntilReset: DaysUntilReset(now),
		},
	}, nil
}
