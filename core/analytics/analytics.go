package analytics

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kente-gov/kente/core/fault"
)

// The `days` and `limit` parameters' defaults and bounds.
const (
	DefaultDays  = 30
	MinDays      = 1
	MaxDays      = 3650
	DefaultLimit = 5 // top-campaigns
	MaxLimit     = 100
)

// ParseDays parses the `days` query value: empty → 30; an integer 1–3650
// otherwise, else fault.Invalid naming "days".
func ParseDays(raw string) (int, error) {
	return parseInt(raw, DefaultDays, MinDays, MaxDays, "days", "analytics.days_invalid", "days must be an integer between 1 and 3650")
}

// ParseLimit parses the top-campaigns `limit` query value: empty → 5; an
// integer 1–100 otherwise, else fault.Invalid naming "limit".
func ParseLimit(raw string) (int, error) {
	return parseInt(raw, DefaultLimit, 1, MaxLimit, "limit", "analytics.limit_invalid", "limit must be an integer between 1 and 100")
}

func parseInt(raw string, def, lo, hi int, field, code, msg string) (int, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < lo || n > hi {
		return 0, fault.Field(field, code, msg)
	}
	return n, nil
}

// Day returns the UTC midnight of t's UTC calendar day.
func Day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Window returns the reporting window of the last `days` UTC days ending
// today: [From, To), From the midnight days−1 days ago and To tomorrow's
// midnight. Stores select rows with From ≤ t < To. days outside 1–3650 is
// fault.Invalid naming "days".
func Window(now time.Time, days int) (from, to time.Time, err error) {
	if days < MinDays || days > MaxDays {
		return time.Time{}, time.Time{}, fault.Field("days", "analytics.days_invalid", "days must be an integer between 1 and 3650")
	}
	today := Day(now)
	return today.AddDate(0, 0, -(days - 1)), today.AddDate(0, 0, 1), nil
}

// Amount is a dated quantity: cards of a DHIS2 usage record, a spend in FCFA.
// Rows already summed per day work as well as single events.
type Amount struct {
	At    time.Time
	Value int64
}

// JobStatus is a generation job's status (oomus-platform §4.3).
type JobStatus string

// The job statuses; pending, processing, generating and packaging are active.
const (
	JobPending    JobStatus = "pending"
	JobProcessing JobStatus = "processing"
	JobGenerating JobStatus = "generating"
	JobPackaging  JobStatus = "packaging"
	JobCompleted  JobStatus = "completed"
	JobFailed     JobStatus = "failed"
	JobCancelled  JobStatus = "cancelled"
)

// Active reports whether s is one of the active statuses, shown as "running".
func (s JobStatus) Active() bool {
	switch s {
	case JobPending, JobProcessing, JobGenerating, JobPackaging:
		return true
	}
	return false
}

// Job is what the timelines read of a generation job.
type Job struct {
	CreatedAt   time.Time
	CompletedAt time.Time // zero unless completed
	Status      JobStatus
	Cards       int64 // cards_generated
}

// TimelineDay is one day of GET /analytics/campaigns-timeline. Cards is Studio
// plus DHIS2 cards.
type TimelineDay struct {
	Date       time.Time // UTC midnight
	Jobs       int64     // jobs created that day
	Cards      int64     // Studio cards of jobs completed that day + DHIS2Cards
	DHIS2Cards int64     // DHIS2 cards recorded that day
}

// SpendDay is one day of GET /analytics/spend-timeline.
type SpendDay struct {
	Date       time.Time
	AmountFCFA int64
}

// index returns t's position in the window starting at from, or −1.
func index(from time.Time, days int, t time.Time) int {
	d := Day(t)
	if d.Before(from) {
		return -1
	}
	i := int(d.Sub(from) / (24 * time.Hour))
	if i >= days {
		return -1
	}
	return i
}

// CampaignsTimeline buckets jobs (by creation day; their cards by completion
// day, completed jobs only) and DHIS2 usage by UTC day over the window, one
// entry per day, oldest first, days without activity at 0.
func CampaignsTimeline(now time.Time, days int, jobs []Job, dhis2 []Amount) ([]TimelineDay, error) {
	from, _, err := Window(now, days)
	if err != nil {
		return nil, err
	}
	out := make([]TimelineDay, days)
	for i := range out {
		out[i].Date = from.AddDate(0, 0, i)
	}
	for _, j := range jobs {
		if i := index(from, days, j.CreatedAt); i >= 0 {
			out[i].Jobs++
		}
		if j.Status == JobCompleted && !j.CompletedAt.IsZero() {
			if i := index(from, days, j.CompletedAt); i >= 0 {
				out[i].Cards += max(j.Cards, 0)
			}
		}
	}
	for _, a := range dhis2 {
		if i := index(from, days, a.At); i >= 0 {
			out[i].DHIS2Cards += max(a.Value, 0)
			out[i].Cards += max(a.Value, 0)
		}
	}
	return out, nil
}

// SpendTimeline sums spend (see Spend) by UTC day over the window, one entry
// per day, oldest first, days without spend at 0.
func SpendTimeline(now time.Time, days int, spend []Amount) ([]SpendDay, error) {
	from, _, err := Window(now, days)
	if err != nil {
		return nil, err
	}
	out := make([]SpendDay, days)
	for i := range out {
		out[i].Date = from.AddDate(0, 0, i)
	}
	for _, a := range spend {
		if i := index(from, days, a.At); i >= 0 {
			out[i].AmountFCFA += a.Value
		}
	}
	return out, nil
}

// Spend returns a ledger transaction's contribution to spend in FCFA: the
// magnitude of a debit, subscription or PVC order (stored negative), minus
// that of a refund; credits and top-ups are not spend.
func Spend(txType string, amountFCFA int64) int64 {
	abs := amountFCFA
	if abs < 0 {
		abs = -abs
	}
	switch txType {
	case "debit", "subscription", "pvc_order":
		return abs
	case "refund":
		return -abs
	}
	return 0
}

// SummaryCounts are the figures of GET /analytics/summary, counted by the
// store over the window (Window) or all time as noted.
type SummaryCounts struct {
	CampaignsInWindow int64 // campaigns created in the window
	AllCampaigns      int64 // all time, archived included
	JobsInWindow      int64 // jobs created in the window
	CompletedJobs     int64 // of those
	FailedJobs        int64 // of those
	CardsInWindow     int64 // Studio cards of completed jobs + DHIS2 cards, in the window
	SpendFCFA         int64 // Σ Spend over the window
	BalanceFCFA       int64
	CardsAllTime      int64 // Studio + DHIS2, all time
}

// Summary is the body of GET /analytics/summary.
type Summary struct {
	PeriodDays     int
	TotalCampaigns int64
	AllCampaigns   int64
	TotalJobs      int64
	TotalCards     int64
	CompletedJobs  int64
	FailedJobs     int64
	SuccessRate    float64 // completed ÷ jobs × 100, one decimal; 0 without jobs
	TotalSpendFCFA int64
	BalanceFCFA    int64
	CardsTotal     int64
}

// NewSummary validates days and assembles the summary; negative counts are
// read as 0.
func NewSummary(days int, c SummaryCounts) (Summary, error) {
	if days < MinDays || days > MaxDays {
		return Summary{}, fault.Field("days", "analytics.days_invalid", "days must be an integer between 1 and 3650")
	}
	return Summary{
		PeriodDays:     days,
		TotalCampaigns: max(c.CampaignsInWindow, 0),
		AllCampaigns:   max(c.AllCampaigns, 0),
		TotalJobs:      max(c.JobsInWindow, 0),
		TotalCards:     max(c.CardsInWindow, 0),
		CompletedJobs:  max(c.CompletedJobs, 0),
		FailedJobs:     max(c.FailedJobs, 0),
		SuccessRate:    Rate(c.CompletedJobs, c.JobsInWindow),
		TotalSpendFCFA: c.SpendFCFA,
		BalanceFCFA:    c.BalanceFCFA,
		CardsTotal:     max(c.CardsAllTime, 0),
	}, nil
}

// Rate returns part ÷ whole × 100 with one decimal, 0 when whole ≤ 0.
func Rate(part, whole int64) float64 {
	if whole <= 0 || part <= 0 {
		return 0
	}
	return math.Round(1000*float64(min(part, whole))/float64(whole)) / 10
}

// JobsByStatus folds counts per job status into the studio-stats buckets:
// the active statuses become "running"; completed, failed and cancelled stay.
// Unknown statuses are dropped. Never nil.
func JobsByStatus(counts map[JobStatus]int64) map[string]int64 {
	out := map[string]int64{}
	for s, n := range counts {
		if n <= 0 {
			continue
		}
		switch {
		case s.Active():
			out["running"] += n
		case s == JobCompleted, s == JobFailed, s == JobCancelled:
			out[string(s)] += n
		}
	}
	return out
}

// DPIRow is the jobs and cards of one render scale.
type DPIRow struct {
	RenderScale float64 // 1.0, 1.4, 2.0 (300, 450, 600 DPI)
	Jobs        int64
	Cards       int64
}

// DPIDistribution merges rows of the same render scale and orders them by
// scale. Never nil.
func DPIDistribution(rows []DPIRow) []DPIRow {
	out := []DPIRow{}
	for _, r := range rows {
		if i := slices.IndexFunc(out, func(o DPIRow) bool { return o.RenderScale == r.RenderScale }); i >= 0 {
			out[i].Jobs += r.Jobs
			out[i].Cards += r.Cards
			continue
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b DPIRow) int { return cmp.Compare(a.RenderScale, b.RenderScale) })
	return out
}

// CampaignFacts are one campaign's all-time figures.
type CampaignFacts struct {
	ID    string
	Name  string
	Type  string // campaign_type
	Jobs  int64
	Cards int64 // Studio cards of its completed jobs
}

// TypeStats are the figures of one campaign type (GET /analytics/campaign-types).
type TypeStats struct {
	Type      string
	Campaigns int64
	Jobs      int64
	Cards     int64
}

// CampaignTypes groups campaigns by type, most campaigns first, then by
// cards, then by type name. Never nil.
func CampaignTypes(campaigns []CampaignFacts) []TypeStats {
	out := []TypeStats{}
	for _, c := range campaigns {
		i := slices.IndexFunc(out, func(t TypeStats) bool { return t.Type == c.Type })
		if i < 0 {
			out = append(out, TypeStats{Type: c.Type})
			i = len(out) - 1
		}
		out[i].Campaigns++
		out[i].Jobs += max(c.Jobs, 0)
		out[i].Cards += max(c.Cards, 0)
	}
	slices.SortFunc(out, func(a, b TypeStats) int {
		return cmp.Or(cmp.Compare(b.Campaigns, a.Campaigns), cmp.Compare(b.Cards, a.Cards), strings.Compare(a.Type, b.Type))
	})
	return out
}

// TopCampaigns returns at most limit campaigns (1–100, else fault.Invalid
// naming "limit"), most cards first, then most jobs, then by name and id.
// The input is not modified. Never nil.
func TopCampaigns(campaigns []CampaignFacts, limit int) ([]CampaignFacts, error) {
	if limit < 1 || limit > MaxLimit {
		return nil, fault.Field("limit", "analytics.limit_invalid", "limit must be an integer between 1 and 100")
	}
	out := slices.Clone(campaigns)
	if out == nil {
		out = []CampaignFacts{}
	}
	slices.SortFunc(out, func(a, b CampaignFacts) int {
		return cmp.Or(cmp.Compare(b.Cards, a.Cards), cmp.Compare(b.Jobs, a.Jobs), strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
	return out[:min(limit, len(out))], nil
}
