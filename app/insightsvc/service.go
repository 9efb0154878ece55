// Package insightsvc holds the Oomus AI Campaign Optimizer and Advanced
// Analytics use cases (oomus-enterprise-modules 1 and 5): it gathers a
// programme's figures through ports.InsightsStore, whose queries aggregate
// per day in SQL, and hands them to the pure maths of core/campaign (health,
// OLS forecasts, z-score anomalies, recommendations) and core/analytics
// (summaries, timelines). Every figure comes from stored data; an empty
// programme gets zeros and empty series. It speaks core types and core/fault
// errors and knows nothing of HTTP or SQL.
package insightsvc

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/kente-gov/kente/core/analytics"
	"github.com/kente-gov/kente/core/campaign"
	"github.com/kente-gov/kente/core/programme"
	"github.com/kente-gov/kente/ports"
)

// Plans returns a plan's effective quotas and prices;
// *billingv1svc.Service implements it.
type Plans interface {
	QuotaPlan(ctx context.Context, plan string) (programme.QuotaPlan, error)
}

// Deps are the ports the service reads. All are required.
type Deps struct {
	Store      ports.InsightsStore
	Usage      ports.EngineUsageStore
	Programmes ports.ProgrammeStore
	Plans      Plans
	Clock      ports.Clock
}

// Service runs the AI optimizer and analytics use cases. It only reads.
type Service struct{ d Deps }

// New returns a Service; it panics on a missing dependency (a programmer
// error caught at wiring time).
func New(d Deps) *Service {
	if d.Store == nil || d.Usage == nil || d.Programmes == nil || d.Plans == nil || d.Clock == nil {
		panic("insightsvc: every dependency is required")
	}
	return &Service{d: d}
}

// aiWindowDays is the window of job success and failed distributions (§5.1).
const aiWindowDays = 30

// Facts gathers, for programmeID at now, everything campaign.NewInsights
// reads: the 90-day daily series (cards of completed jobs by completion
// day; spend on days with a debit), the last 30 days' jobs and failed
// distributions, this month's identity usage against the plan's quota, and
// the balance with its reference. Exported for benchmarks that time the
// store apart from the maths.
func (s *Service) Facts(ctx context.Context, programmeID string, now time.Time) (campaign.Facts, error) {
	p, err := s.d.Programmes.ProgrammeByID(ctx, programmeID)
	if err != nil {
		return campaign.Facts{}, fmt.Errorf("load programme: %w", err)
	}
	plan, err := s.d.Plans.QuotaPlan(ctx, p.Plan)
	if err != nil {
		return campaign.Facts{}, fmt.Errorf("load plan: %w", err)
	}
	today := analytics.Day(now)
	to := today.AddDate(0, 0, 1)
	daily, err := s.d.Store.DailyActivity(ctx, programmeID, today.AddDate(0, 0, -(campaign.WindowDays-1)), to)
	if err != nil {
		return campaign.Facts{}, err
	}
	from30 := today.AddDate(0, 0, -(aiWindowDays - 1))
	jobs, err := s.d.Store.JobTotals(ctx, programmeID, from30, to)
	if err != nil {
		return campaign.Facts{}, err
	}
	totals, err := s.d.Store.ProgrammeTotals(ctx, programmeID, from30, to)
	if err != nil {
		return campaign.Facts{}, err
	}
	recs, err := s.d.Usage.EngineUsage(ctx, programmeID, programme.BillingPeriod(now))
	if err != nil {
		return campaign.Facts{}, err
	}
	f := campaign.Facts{
		QuotaTotal:          plan.StudioPrintQuota,
		BalanceFCFA:         p.BalanceFCFA,
		FailedDistributions: totals.FailedDistributionsInWindow,
		CardPoints:          make([]campaign.DayPoint, 0, len(daily.CardsCompleted)),
		SpendPoints:         make([]campaign.DayPoint, 0, len(daily.Spend)),
	}
	for _, d := range daily.CardsCompleted {
		f.CardPoints = append(f.CardPoints, campaign.DayPoint{Date: d.Day, Value: float64(d.Value)})
	}
	for _, d := range daily.Spend {
		if d.Debits > 0 { // a point is a day with a debit (§5.1)
			f.SpendPoints = append(f.SpendPoints, campaign.DayPoint{Date: d.Day, Value: float64(d.SpendFCFA)})
		}
	}
	for _, j := range jobs {
		f.Jobs30d += j.Jobs
		if j.Status == campaign.JobCompleted {
			f.JobsCompleted30d += j.Jobs
		}
	}
	for _, r := range recs {
		f.CardsUsedMonth += r.CardsGenerated
	}
	f.BalanceReferenceFCFA = campaign.BalanceReference(plan.MonthlySubscriptionFCFA, projectedOverage(f, plan, now), 0)
	return f, nil
}

// projectedOverage prices the cards the forecast adds until month end
// beyond the quota at the plan's Studio rate; 0 for an unlimited quota or
// too little history.
func projectedOverage(f campaign.Facts, plan programme.QuotaPlan, now time.Time) int64 {
	if f.QuotaTotal <= 0 {
		return 0
	}
	series, err := campaign.Window(f.CardPoints, now)
	if err != nil {
		return 0
	}
	projected := int64(math.Round(campaign.ProjectedUntilMonthEnd(campaign.NewForecast(series, now), now)))
	return max(0, f.CardsUsedMonth+projected-f.QuotaTotal) * plan.SPPricePerCard
}

// Insights returns the full AI report of GET /ai/insights for the caller's
// programme.
func (s *Service) Insights(ctx context.Context, programmeID string) (campaign.Insights, error) {
	now := s.d.Clock.Now().UTC()
	f, err := s.Facts(ctx, programmeID, now)
	if err != nil {
		return campaign.Insights{}, err
	}
	return campaign.NewInsights(f, now)
}

// HealthScore returns the composite health score of GET /ai/health-score.
func (s *Service) HealthScore(ctx context.Context, programmeID string) (campaign.Health, error) {
	in, err := s.Insights(ctx, programmeID)
	return in.Health, err
}

// Forecast returns the card and spend forecasts of GET /ai/forecast.
func (s *Service) Forecast(ctx context.Context, programmeID string) (cards, spend campaign.Forecast, err error) {
	in, err := s.Insights(ctx, programmeID)
	return in.CardForecast, in.SpendForecast, err
}

// Recommendations returns the active recommendations, most urgent first.
func (s *Service) Recommendations(ctx context.Context, programmeID string) ([]campaign.Recommendation, error) {
	in, err := s.Insights(ctx, programmeID)
	return in.Recommendations, err
}

// Anomalies returns the card and spend anomalies of the last 90 days.
func (s *Service) Anomalies(ctx context.Context, programmeID string) (cards, spend []campaign.Anomaly, err error) {
	in, err := s.Insights(ctx, programmeID)
	return in.CardAnomalies, in.SpendAnomalies, err
}
