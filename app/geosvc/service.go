// Package geosvc holds the use cases of the Oomus Geospatial Command Center
// (enterprise module 2): a programme's geographical overview, its regions,
// heatmaps, risk zones and live distribution events, and the
// cross-programme overview of platform administrators. The figures are
// aggregated by the store (ports.GeoStore) and shaped by the pure rules of
// core/geo with the deployment's region map. It speaks core types and
// core/fault errors and knows nothing of HTTP or SQL.
package geosvc

import (
	"context"
	"fmt"
	"time"

	"github.com/kente-gov/kente/core/campaign"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/geo"
	"github.com/kente-gov/kente/ports"
)

// Options configure the service. The zero value uses the documented region
// map and all-time figures.
type Options struct {
	// Regions is the deployment's region map (KENTE_GEO_REGION_MAP);
	// geo.DefaultRegionMap() when it has no entry.
	Regions map[string]string
	// EventWindow, when positive, limits the distribution events behind the
	// regional success rates (and so the risk scores) to the last
	// EventWindow before now; 0 counts every event, like the all-time
	// card figures.
	EventWindow time.Duration
}

// Service runs the geo use cases.
type Service struct {
	store   ports.GeoStore
	clock   ports.Clock
	regions geo.RegionMap
	window  time.Duration
}

// New returns a Service reading store, with time from clock. Invalid
// region entries or a negative window are an error (fault.Invalid naming
// the field).
func New(store ports.GeoStore, clock ports.Clock, o Options) (*Service, error) {
	if store == nil || clock == nil {
		return nil, fmt.Errorf("geosvc: store and clock are required")
	}
	m := geo.DefaultRegionMap()
	if len(o.Regions) > 0 {
		var err error
		if m, err = geo.NewRegionMap(o.Regions); err != nil {
			return nil, err
		}
	}
	if o.EventWindow < 0 {
		return nil, fault.Field("event_window", "geo.window_invalid", "the event window must not be negative")
	}
	return &Service{store: store, clock: clock, regions: m, window: o.EventWindow}, nil
}

var errProgrammeNotFound = fault.New(fault.NotFound, "programme.not_found", "Programme not found")

// figures loads the programmes (one, or all when programmeID is empty) with
// their regions and job counts, computed at now.
func (s *Service) figures(ctx context.Context, programmeID string, now time.Time) ([]geo.ProgrammeFigures, error) {
	progs, err := s.store.GeoProgrammes(ctx, programmeID)
	if err != nil {
		return nil, err
	}
	if programmeID != "" && len(progs) == 0 {
		return nil, errProgrammeNotFound
	}
	camps, err := s.store.GeoCampaigns(ctx, programmeID)
	if err != nil {
		return nil, err
	}
	f := ports.GeoEventFilter{ProgrammeID: programmeID}
	if s.window > 0 {
		f.From = now.Add(-s.window)
	}
	counts, err := s.store.GeoEventCounts(ctx, f)
	if err != nil {
		return nil, err
	}
	type acc struct {
		facts  []geo.CampaignFacts
		events []geo.EventCount
		jobs   int64
		done   int64
	}
	by := make(map[string]*acc, len(progs))
	for _, p := range progs {
		by[p.ID] = &acc{}
	}
	for _, c := range camps {
		if a := by[c.ProgrammeID]; a != nil {
			a.facts = append(a.facts, c.CampaignFacts)
			a.jobs += c.JobsTotal
			a.done += c.JobsCompleted
		}
	}
	for _, e := range counts {
		if a := by[e.ProgrammeID]; a != nil {
			a.events = append(a.events, geo.EventCount{Region: e.Region, Type: e.Type, Count: e.Count})
		}
	}
	out := make([]geo.ProgrammeFigures, len(progs))
	for i, p := range progs {
		a := by[p.ID]
		country := geo.CountryName(p.Country)
		out[i] = geo.ProgrammeFigures{ProgrammeID: p.ID, Country: country, JobsTotal: a.jobs, JobsCompleted: a.done,
			Regions: geo.Regions(s.regions, country, now, a.facts, a.events)}
	}
	return out, nil
}

// one returns the figures of one programme.
func (s *Service) one(ctx context.Context, programmeID string) (geo.ProgrammeFigures, time.Time, error) {
	if programmeID == "" {
		return geo.ProgrammeFigures{}, time.Time{}, errProgrammeNotFound
	}
	now := s.clock.Now().UTC()
	fs, err := s.figures(ctx, programmeID, now)
	if err != nil {
		return geo.ProgrammeFigures{}, time.Time{}, err
	}
	return fs[0], now, nil
}

// Overview returns the programme's geographical overview (GET
// /geo/overview). fault.NotFound for an unknown programme.
func (s *Service) Overview(ctx context.Context, programmeID string) (geo.ProgrammeOverview, error) {
	f, now, err := s.one(ctx, programmeID)
	if err != nil {
		return geo.ProgrammeOverview{}, err
	}
	return geo.ProgrammeOverview{ProgrammeID: f.ProgrammeID,
		Overview: geo.NewOverview(f.Country, now, f.Regions, f.JobsTotal, f.JobsCompleted)}, nil
}

// Regions returns the programme's regions, most cards first (GET
// /geo/regions).
func (s *Service) Regions(ctx context.Context, programmeID string) ([]geo.RegionStats, error) {
	f, _, err := s.one(ctx, programmeID)
	return f.Regions, err
}

// Heatmap returns the programme's heatmap of metric (GET /geo/heatmap);
// empty means cards_generated, an unknown name is fault.Invalid naming
// "metric" (checked before any read).
func (s *Service) Heatmap(ctx context.Context, programmeID, metric string) (geo.Heatmap, error) {
	m, err := geo.ParseMetric(metric)
	if err != nil {
		return geo.Heatmap{}, err
	}
	f, _, err := s.one(ctx, programmeID)
	if err != nil {
		return geo.Heatmap{}, err
	}
	return geo.NewHeatmap(f.Regions, m), nil
}

// RiskZones returns the programme's regions whose risk score exceeds 30 or
// whose coverage is below 40%, highest score first (GET /geo/risk-zones).
func (s *Service) RiskZones(ctx context.Context, programmeID string) ([]geo.RegionStats, error) {
	f, _, err := s.one(ctx, programmeID)
	if err != nil {
		return nil, err
	}
	return geo.RiskZones(f.Regions), nil
}

// LiveEvents returns the programme's latest distribution events, newest
// first, each region label turned into its region name through the map
// (GET /geo/live-events). limit outside 1–100 is fault.Invalid naming
// "limit".
func (s *Service) LiveEvents(ctx context.Context, programmeID string, limit int) ([]campaign.DistributionEvent, error) {
	if limit < 1 || limit > geo.MaxEventsLimit {
		return nil, fault.Field("limit", "geo.limit_invalid", "limit must be an integer between 1 and 100")
	}
	if programmeID == "" {
		return nil, errProgrammeNotFound
	}
	evs, err := s.store.LatestEvents(ctx, programmeID, limit)
	if err != nil {
		return nil, err
	}
	for i := range evs {
		evs[i].Region = s.regions.Normalize(evs[i].Region)
	}
	return evs, nil
}

// AdminOverview returns the cross-programme overview of every programme
// (GET /geo/admin/overview). The caller must be a platform administrator;
// the HTTP layer checks it.
func (s *Service) AdminOverview(ctx context.Context) (geo.AdminOverview, error) {
	now := s.clock.Now().UTC()
	fs, err := s.figures(ctx, "", now)
	if err != nil {
		return geo.AdminOverview{}, err
	}
	return geo.NewAdminOverview(now, fs), nil
}
