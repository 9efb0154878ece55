package ports

import (
	"context"
	"time"

	"github.com/kente-gov/kente/core/analytics"
	"github.com/kente-gov/kente/core/campaign"
)

// DayTotal is an amount on one UTC calendar day (Day is its UTC midnight).
type DayTotal struct {
	Day   time.Time
	Value int64
}

// DaySpend is one UTC day's spend: Σ analytics.Spend of its ledger entries
// (debits, subscriptions and PVC orders less refunds) and how many of them
// were debits (debit, subscription, pvc_order).
type DaySpend struct {
	Day       time.Time
	SpendFCFA int64
	Debits    int64
}

// DailyActivity is a programme's activity per UTC day of a window, oldest
// first; a day without activity of a kind is absent from that list.
type DailyActivity struct {
	JobsCreated    []DayTotal // jobs created that day
	CardsCompleted []DayTotal // Σ cards_generated of the jobs completed that day (completed status)
	Spend          []DaySpend // days with at least one spend entry
}

// JobTotal is a group of a programme's jobs of one status and render scale.
type JobTotal struct {
	Status      campaign.JobStatus
	RenderScale float64
	Jobs        int64
	Cards       int64 // Σ cards_generated
	CostFCFA    int64 // Σ cost_fcfa
}

// ProgrammeTotals are a programme's counters; "in window" figures count rows
// created in [From, To), the others all time.
type ProgrammeTotals struct {
	CampaignsInWindow           int64 // archived included
	CampaignsAllTime            int64 // archived included
	SpendInWindowFCFA           int64 // Σ analytics.Spend
	SpendAllTimeFCFA            int64
	FailedDistributionsInWindow int64 // Σ count of "failed" distribution events
	SMSSent                     int64 // Σ count of sms events "sent" or "delivered", all time
	WhatsAppSent                int64 // the same for whatsapp
	QRScans                     int64 // Σ scans of the programme's cards
	StorageBytes                int64 // bytes of the programme's stored job artifacts
	PDFExports                  int64 // stored "pdf" artifacts
}

// PeriodUsage is one billing month (YYYY-MM) of a programme's usage
// records, beside the quota its Studio jobs created that month still hold
// (quota_consumed − quota_refunded).
type PeriodUsage struct {
	Period       string
	StudioPrint  int64     // Σ cards_generated of the studio_print records
	OtherModes   int64     // Σ of the other engine modes' records
	LastUpdated  time.Time // the latest last_updated of the month's records; zero when none
	JobsNetQuota int64
}

// InsightsStore answers the read-only aggregate queries of the AI optimizer
// and the analytics (oomus-enterprise-modules 1 and 5). Every method is
// scoped to one programme; an unknown programme has no rows and answers
// zeros and empty lists, never fault.NotFound. Windows are [from, to) with
// from and to UTC midnights; a bad window (to before from) is
// fault.Invalid. Days and months are UTC calendar days and months.
type InsightsStore interface {
	// DailyActivity buckets the programme's jobs, completed cards and spend
	// by UTC day over [from, to).
	DailyActivity(ctx context.Context, programmeID string, from, to time.Time) (DailyActivity, error)
	// JobTotals groups the programme's jobs created in [from, to) (all time
	// when both are zero) by status and render scale.
	JobTotals(ctx context.Context, programmeID string, from, to time.Time) ([]JobTotal, error)
	// ProgrammeTotals counts the programme's campaigns, spend, distribution
	// events, scans and artifacts (see ProgrammeTotals for the windows).
	ProgrammeTotals(ctx context.Context, programmeID string, from, to time.Time) (ProgrammeTotals, error)
	// CampaignFacts returns every campaign of the programme (archived
	// included) with its job count and the cards of its completed jobs, in
	// no particular order.
	CampaignFacts(ctx context.Context, programmeID string) ([]analytics.CampaignFacts, error)
	// UsageByPeriod returns the programme's usage per billing month, oldest
	// first: every month with a usage record or a job.
	UsageByPeriod(ctx context.Context, programmeID string) ([]PeriodUsage, error)
}
