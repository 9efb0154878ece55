package insightsvc

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/kente-gov/kente/core/analytics"
	"github.com/kente-gov/kente/core/campaign"
	"github.com/kente-gov/kente/ports"
)

// dhis2Cards returns the DHIS2 cards of each month, dated by the month's
// latest usage-record update: the studio_print usage beyond the quota the
// month's Studio jobs still hold (DHIS2-sourced cards are recorded as
// studio_print, oomus-platform §4.3, and so are Studio jobs in Kente).
func (s *Service) dhis2Cards(ctx context.Context, programmeID string) ([]analytics.Amount, error) {
	periods, err := s.d.Store.UsageByPeriod(ctx, programmeID)
	if err != nil {
		return nil, err
	}
	out := make([]analytics.Amount, 0, len(periods))
	for _, p := range periods {
		if n := p.StudioPrint - p.JobsNetQuota; n > 0 && !p.LastUpdated.IsZero() {
			out = append(out, analytics.Amount{At: p.LastUpdated, Value: n})
		}
	}
	return out, nil
}

func sumIn(amounts []analytics.Amount, from, to time.Time) int64 {
	var n int64
	for _, a := range amounts {
		if !a.At.Before(from) && a.At.Before(to) {
			n += a.Value
		}
	}
	return n
}

func sumAll(amounts []analytics.Amount) int64 {
	var n int64
	for _, a := range amounts {
		n += a.Value
	}
	return n
}

// Summary returns GET /analytics/summary over the last days (1–3650, else
// fault.Invalid naming "days") UTC days ending today.
func (s *Service) Summary(ctx context.Context, programmeID string, days int) (analytics.Summary, error) {
	now := s.d.Clock.Now().UTC()
	from, to, err := analytics.Window(now, days)
	if err != nil {
		return analytics.Summary{}, err
	}
	p, err := s.d.Programmes.ProgrammeByID(ctx, programmeID)
	if err != nil {
		return analytics.Summary{}, fmt.Errorf("load programme: %w", err)
	}
	totals, err := s.d.Store.ProgrammeTotals(ctx, programmeID, from, to)
	if err != nil {
		return analytics.Summary{}, err
	}
	inWindow, err := s.d.Store.JobTotals(ctx, programmeID, from, to)
	if err != nil {
		return analytics.Summary{}, err
	}
	allTime, err := s.d.Store.JobTotals(ctx, programmeID, time.Time{}, time.Time{})
	if err != nil {
		return analytics.Summary{}, err
	}
	daily, err := s.d.Store.DailyActivity(ctx, programmeID, from, to)
	if err != nil {
		return analytics.Summary{}, err
	}
	dhis2, err := s.dhis2Cards(ctx, programmeID)
	if err != nil {
		return analytics.Summary{}, err
	}
	c := analytics.SummaryCounts{
		CampaignsInWindow: totals.CampaignsInWindow,
		AllCampaigns:      totals.CampaignsAllTime,
		SpendFCFA:         totals.SpendInWindowFCFA,
		BalanceFCFA:       p.BalanceFCFA,
		CardsInWindow:     sumIn(dhis2, from, to),
		CardsAllTime:      sumAll(dhis2),
	}
	for _, j := range inWindow {
		c.JobsInWindow += j.Jobs
		switch j.Status {
		case campaign.JobCompleted:
			c.CompletedJobs += j.Jobs
		case campaign.JobFailed:
			c.FailedJobs += j.Jobs
		}
	}
	for _, d := range daily.CardsCompleted {
		c.CardsInWindow += d.Value
	}
	for _, j := range allTime {
		if j.Status == campaign.JobCompleted {
			c.CardsAllTime += j.Cards
		}
	}
	return analytics.NewSummary(days, c)
}

// StudioStats are the all-time figures of GET /analytics/studio-stats.
type StudioStats struct {
	TotalCards      int64            // Studio cards: Σ cards_generated of completed jobs
	DHIS2Cards      int64            // see dhis2Cards
	JobsByStatus    map[string]int64 // analytics.JobsByStatus buckets
	CardsByStatus   map[string]int64 // cards_generated in the same buckets
	DPIDistribution []analytics.DPIRow
	SMSSent         int64
	WhatsAppSent    int64
	QRVerified      int64   // verifications (scans) of the programme's cards
	StorageMB       float64 // stored job artifacts, MiB, two decimals
	PDFExports      int64
	CostFCFA        int64 // generation cost of the completed jobs
	TotalCostFCFA   int64 // all spend (analytics.Spend) of the programme
}

// StudioStats returns the programme's all-time Studio and DHIS2 figures.
func (s *Service) StudioStats(ctx context.Context, programmeID string) (StudioStats, error) {
	now := s.d.Clock.Now().UTC()
	jobs, err := s.d.Store.JobTotals(ctx, programmeID, time.Time{}, time.Time{})
	if err != nil {
		return StudioStats{}, err
	}
	from, to, _ := analytics.Window(now, analytics.DefaultDays)
	totals, err := s.d.Store.ProgrammeTotals(ctx, programmeID, from, to)
	if err != nil {
		return StudioStats{}, err
	}
	dhis2, err := s.dhis2Cards(ctx, programmeID)
	if err != nil {
		return StudioStats{}, err
	}
	jobCounts := map[analytics.JobStatus]int64{}
	cardCounts := map[analytics.JobStatus]int64{}
	var dpi []analytics.DPIRow
	out := StudioStats{DHIS2Cards: sumAll(dhis2), SMSSent: totals.SMSSent, WhatsAppSent: totals.WhatsAppSent, QRVerified: totals.QRScans,
		StorageMB: math.Round(float64(totals.StorageBytes)/(1<<20)*100) / 100, PDFExports: totals.PDFExports, TotalCostFCFA: totals.SpendAllTimeFCFA}
	for _, j := range jobs {
		st := analytics.JobStatus(j.Status)
		jobCounts[st] += j.Jobs
		cardCounts[st] += j.Cards
		if j.Status == campaign.JobCompleted {
			out.TotalCards += j.Cards
			out.CostFCFA += j.CostFCFA
			dpi = append(dpi, analytics.DPIRow{RenderScale: j.RenderScale, Jobs: j.Jobs, Cards: j.Cards})
		}
	}
	out.JobsByStatus = analytics.JobsByStatus(jobCounts)
	out.CardsByStatus = analytics.JobsByStatus(cardCounts)
	out.DPIDistribution = analytics.DPIDistribution(dpi)
	return out, nil
}

// CampaignsTimeline returns one entry per day of the last days days (jobs
// created, Studio cards completed plus DHIS2 cards, DHIS2 cards).
func (s *Service) CampaignsTimeline(ctx context.Context, programmeID string, days int) ([]analytics.TimelineDay, error) {
	now := s.d.Clock.Now().UTC()
	from, to, err := analytics.Window(now, days)
	if err != nil {
		return nil, err
	}
	daily, err := s.d.Store.DailyActivity(ctx, programmeID, from, to)
	if err != nil {
		return nil, err
	}
	dhis2, err := s.dhis2Cards(ctx, programmeID)
	if err != nil {
		return nil, err
	}
	return analytics.Timeline(now, days, amounts(daily.JobsCreated), amounts(daily.CardsCompleted), dhis2)
}

func amounts(ds []ports.DayTotal) []analytics.Amount {
	out := make([]analytics.Amount, len(ds))
	for i, d := range ds {
		out[i] = analytics.Amount{At: d.Day, Value: d.Value}
	}
	return out
}

// SpendTimeline returns the spend of each of the last days days.
func (s *Service) SpendTimeline(ctx context.Context, programmeID string, days int) ([]analytics.SpendDay, error) {
	now := s.d.Clock.Now().UTC()
	from, to, err := analytics.Window(now, days)
	if err != nil {
		return nil, err
	}
	daily, err := s.d.Store.DailyActivity(ctx, programmeID, from, to)
	if err != nil {
		return nil, err
	}
	spend := make([]analytics.Amount, len(daily.Spend))
	for i, d := range daily.Spend {
		spend[i] = analytics.Amount{At: d.Day, Value: d.SpendFCFA}
	}
	return analytics.SpendTimeline(now, days, spend)
}

// CampaignTypes groups the programme's campaigns by type.
func (s *Service) CampaignTypes(ctx context.Context, programmeID string) ([]analytics.TypeStats, error) {
	facts, err := s.d.Store.CampaignFacts(ctx, programmeID)
	if err != nil {
		return nil, err
	}
	return analytics.CampaignTypes(facts), nil
}

// TopCampaigns returns the limit (1–100, else fault.Invalid naming "limit")
// campaigns with the most cards.
func (s *Service) TopCampaigns(ctx context.Context, programmeID string, limit int) ([]analytics.CampaignFacts, error) {
	if _, err := analytics.TopCampaigns(nil, limit); err != nil {
		return nil, err
	}
	facts, err := s.d.Store.CampaignFacts(ctx, programmeID)
	if err != nil {
		return nil, err
	}
	return analytics.TopCampaigns(facts, limit)
}
