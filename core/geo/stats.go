package geo

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kente-gov/kente/core/fault"
)

func round(x float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}

// Period returns the current month of now in UTC, "YYYY-MM".
func Period(now time.Time) string { return now.UTC().Format("2006-01") }

// CampaignFacts are one campaign's figures the geo module reads.
type CampaignFacts struct {
	Prefix     string
	RegionCode string // explicit region (§15.8); empty to derive it from Prefix
	// TargetPopulation is the campaign's target; 0 when unknown (the
	// campaign then counts for no coverage).
	TargetPopulation int64
	Beneficiaries    int64 // distinct beneficiaries of the campaign
	CardsGenerated   int64 // Σ cards_generated of its completed jobs
}

// EventType is a distribution event's outcome.
type EventType string

// The distribution event types of §4.7.
const (
	EventSent      EventType = "sent"
	EventDelivered EventType = "delivered"
	EventFailed    EventType = "failed"
)

// EventCount is a number of distribution events of one type in a region
// (a GeoDistributionEvent row, or a sum of them).
type EventCount struct {
	Region string // a region name or map key
	Type   EventType
	Count  int64
}

// RegionStats are the figures of one region (GET /geo/regions).
type RegionStats struct {
	Region                  string
	Country                 string
	Period                  string
	CampaignsCount          int
	CardsGenerated          int64
	BeneficiariesCount      int64
	CoveragePct             float64 // one decimal
	DistributionSuccessRate float64 // delivered ÷ (delivered + failed), one decimal
	RiskScore               float64
	RiskLevel               RiskLevel
}

// Regions groups a programme's campaigns by region (see RegionMap.Region) and
// returns each region's figures, by cards generated (descending) then name.
// Coverage is Σ beneficiaries ÷ Σ targets over the region's campaigns that
// have a target; distribution success counts delivered against failed events
// (sent ones are still in flight). Events of regions without campaigns are
// ignored.
func Regions(m RegionMap, country string, now time.Time, campaigns []CampaignFacts, events []EventCount) []RegionStats {
	type acc struct {
		RegionStats
		targeted, target, delivered, failed int64
	}
	byName := map[string]*acc{}
	order := []*acc{}
	for _, c := range campaigns {
		name := m.Region(c.RegionCode, c.Prefix)
		a := byName[name]
		if a == nil {
			a = &acc{RegionStats: RegionStats{Region: name}}
			byName[name] = a
			order = append(order, a)
		}
		a.CampaignsCount++
		a.CardsGenerated += max(c.CardsGenerated, 0)
		a.BeneficiariesCount += max(c.Beneficiaries, 0)
		if c.TargetPopulation > 0 {
			a.targeted += max(c.Beneficiaries, 0)
			a.target += c.TargetPopulation
		}
	}
	for _, e := range events {
		a := byName[m.Normalize(e.Region)]
		if a == nil {
			continue
		}
		switch e.Type {
		case EventDelivered:
			a.delivered += max(e.Count, 0)
		case EventFailed:
			a.failed += max(e.Count, 0)
		}
	}
	period := Period(now)
	out := make([]RegionStats, len(order))
	for i, a := range order {
		s := a.RegionStats
		s.Country, s.Period = country, period
		s.CoveragePct = Coverage(a.targeted, a.target)
		s.DistributionSuccessRate = SuccessRate(a.delivered, a.failed)
		s.RiskScore = RiskScore(s.CoveragePct, s.DistributionSuccessRate, s.CardsGenerated)
		s.RiskLevel = Level(s.RiskScore)
		out[i] = s
	}
	slices.SortFunc(out, func(a, b RegionStats) int {
		if a.CardsGenerated != b.CardsGenerated {
			if a.CardsGenerated > b.CardsGenerated {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Region, b.Region)
	})
	return out
}

// RiskZones returns the regions that are risk zones (IsRiskZone), highest
// score first, in the order of regions otherwise.
func RiskZones(regions []RegionStats) []RegionStats {
	out := []RegionStats{}
	for _, r := range regions {
		if IsRiskZone(r.RiskScore, r.CoveragePct) {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(a, b RegionStats) int {
		switch {
		case a.RiskScore > b.RiskScore:
			return -1
		case a.RiskScore < b.RiskScore:
			return 1
		}
		return 0
	})
	return out
}

// Overview is the programme's geographical summary (GET /geo/overview).
type Overview struct {
	Country        string
	Period         string
	TotalCampaigns int
	TotalJobs      int64
	TotalCards     int64   // Σ cards of the regions (cards, not lots)
	SuccessRate    float64 // completed ÷ all jobs × 100, one decimal; 0 without jobs
	ActiveRegions  int     // distinct regions, Unknown excluded
	CoverageScore  int     // active regions with coverage ≥ 40%
}

// NewOverview summarises the regions of Regions with the programme's job counts.
func NewOverview(country string, now time.Time, regions []RegionStats, jobsTotal, jobsCompleted int64) Overview {
	o := Overview{Country: country, Period: Period(now), TotalJobs: max(jobsTotal, 0)}
	if jobsTotal > 0 {
		o.SuccessRate = round(100*float64(min(max(jobsCompleted, 0), jobsTotal))/float64(jobsTotal), 1)
	}
	for _, r := range regions {
		o.TotalCampaigns += r.CampaignsCount
		o.TotalCards += r.CardsGenerated
		if r.Region == Unknown {
			continue
		}
		o.ActiveRegions++
		if r.CoveragePct >= RiskZoneCoverage {
			o.CoverageScore++
		}
	}
	return o
}

// The live-events limit of GET /geo/live-events.
const (
	DefaultEventsLimit = 20
	MaxEventsLimit     = 100
)

// LiveEventsLimit parses the `limit` query value: empty → 20; an integer
// 1–100 otherwise, else fault.Invalid naming "limit".
func LiveEventsLimit(raw string) (int, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return DefaultEventsLimit, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > MaxEventsLimit {
		return 0, fault.Field("limit", "geo.limit_invalid", "limit must be an integer between 1 and 100")
	}
	return n, nil
}
