package geo

import (
	"slices"
	"strings"
	"time"
)

// ProgrammeFigures are one programme's inputs to the cross-programme
// overview: its regions (from Regions) and its job counts.
type ProgrammeFigures struct {
	ProgrammeID   string
	Country       string // the display name, as in Overview
	Regions       []RegionStats
	JobsTotal     int64
	JobsCompleted int64
}

// ProgrammeOverview is one programme's Overview with its id.
type ProgrammeOverview struct {
	ProgrammeID string
	Overview
}

// AdminOverview is the cross-programme summary (GET /geo/admin/overview).
type AdminOverview struct {
	TotalProgrammes   int
	TotalCards        int64   // Σ cards of every programme
	TotalRegions      int     // distinct region names over the programmes, Unknown excluded
	GlobalSuccessRate float64 // Σ completed ÷ Σ jobs × 100, one decimal; 0 without jobs
	Programmes        []ProgrammeOverview
}

// NewAdminOverview summarises every programme: each one's Overview (in the
// order given, cards descending then id), and the totals. The global
// success rate weighs programmes by their jobs (a rate of the pooled jobs,
// not a mean of the rates).
func NewAdminOverview(now time.Time, progs []ProgrammeFigures) AdminOverview {
	a := AdminOverview{TotalProgrammes: len(progs), Programmes: make([]ProgrammeOverview, len(progs))}
	regions := map[string]bool{}
	var jobs, completed int64
	for i, p := range progs {
		o := NewOverview(p.Country, now, p.Regions, p.JobsTotal, p.JobsCompleted)
		a.Programmes[i] = ProgrammeOverview{ProgrammeID: p.ProgrammeID, Overview: o}
		a.TotalCards += o.TotalCards
		jobs += max(p.JobsTotal, 0)
		completed += min(max(p.JobsCompleted, 0), max(p.JobsTotal, 0))
		for _, r := range p.Regions {
			if r.Region != Unknown {
				regions[r.Region] = true
			}
		}
	}
	a.TotalRegions = len(regions)
	if jobs > 0 {
		a.GlobalSuccessRate = round(100*float64(completed)/float64(jobs), 1)
	}
	slices.SortStableFunc(a.Programmes, func(x, y ProgrammeOverview) int {
		switch {
		case x.TotalCards > y.TotalCards:
			return -1
		case x.TotalCards < y.TotalCards:
			return 1
		}
		return strings.Compare(x.ProgrammeID, y.ProgrammeID)
	})
	return a
}
