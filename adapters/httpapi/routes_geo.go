package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/geo"
	"github.com/kente-gov/kente/core/identity"
)

// GeoModule is the premium module key that gates the Geospatial Command
// Center routes (oomus-platform §7.4).
const GeoModule = "geo_command_center"

var errGeoUnavailable = fault.New(fault.Unavailable, "geo.unavailable", "The geospatial command center is not configured")

// registerGeo adds the Geospatial Command Center routes (enterprise
// modules, module 2; openapi/geo.yaml): five programme routes behind the
// geo_command_center module, and the cross-programme overview for platform
// administrators (403 to anyone else, no module needed).
func registerGeo(r *router, s *server) {
	mod := withModule(GeoModule)
	r.handleV1(http.MethodGet, "/api/v1/geo/overview", identity.Authenticated, s.geoOverview, mod)
	r.handleV1(http.MethodGet, "/api/v1/geo/regions", identity.Authenticated, s.geoRegions, mod)
	r.handleV1(http.MethodGet, "/api/v1/geo/heatmap", identity.Authenticated, s.geoHeatmap, mod)
	r.handleV1(http.MethodGet, "/api/v1/geo/risk-zones", identity.Authenticated, s.geoRiskZones, mod)
	r.handleV1(http.MethodGet, "/api/v1/geo/live-events", identity.Authenticated, s.geoLiveEvents, mod)
	r.handleV1(http.MethodGet, "/api/v1/geo/admin/overview", identity.Admin, s.geoAdminOverview)
}

// geoCaller returns the caller's programme, or renders 503 (no geo
// service) or 401 and returns false.
func (s *server) geoCaller(c *gin.Context) (string, bool) {
	if s.geo == nil {
		fail(c, errGeoUnavailable)
		return "", false
	}
	p, ok := v1Principal(c)
	return p.ProgrammeID, ok
}

// geoOverviewOut is the body of GET /geo/overview, and an item of the
// admin overview's programmes.
type geoOverviewOut struct {
	ProgrammeID    string  `json:"programme_id"`
	Country        string  `json:"country"`
	Period         string  `json:"period"`
	TotalCampaigns int     `json:"total_campaigns"`
	TotalJobs      int64   `json:"total_jobs"`
	TotalCards     int64   `json:"total_cards"`
	SuccessRate    float64 `json:"success_rate"`
	ActiveRegions  int     `json:"active_regions"`
	CoverageScore  int     `json:"coverage_score"`
}

func toGeoOverviewOut(o geo.ProgrammeOverview) geoOverviewOut {
	return geoOverviewOut{ProgrammeID: o.ProgrammeID, Country: o.Country, Period: o.Period, TotalCampaigns: o.TotalCampaigns,
		TotalJobs: o.TotalJobs, TotalCards: o.TotalCards, SuccessRate: o.SuccessRate, ActiveRegions: o.ActiveRegions,
		CoverageScore: o.CoverageScore}
}

// geoRegionOut is a region of GET /geo/regions, with Kente's risk_level.
type geoRegionOut struct {
	Region                  string  `json:"region"`
	Country                 string  `json:"country"`
	Period                  string  `json:"period"`
	CampaignsCount          int     `json:"campaigns_count"`
	CardsGenerated          int64   `json:"cards_generated"`
	BeneficiariesCount      int64   `json:"beneficiaries_count"`
	CoveragePct             float64 `json:"coverage_pct"`
	DistributionSuccessRate float64 `json:"distribution_success_rate"`
	RiskScore               float64 `json:"risk_score"`
	RiskLevel               string  `json:"risk_level"`
}

// geoZoneOut is a zone of GET /geo/risk-zones.
type geoZoneOut struct {
	Region                  string  `json:"region"`
	RiskScore               float64 `json:"risk_score"`
	RiskLevel               string  `json:"risk_level"`
	CoveragePct             float64 `json:"coverage_pct"`
	DistributionSuccessRate float64 `json:"distribution_success_rate"`
	CardsGenerated          int64   `json:"cards_generated"`
}

type geoCellOut struct {
	Region    string  `json:"region"`
	Value     float64 `json:"value"`
	Intensity float64 `json:"intensity"`
	Color     string  `json:"color"`
}

type geoHeatmapOut struct {
	Cells    []geoCellOut `json:"cells"`
	MaxValue float64      `json:"max_value"`
	Metric   string       `json:"metric"`
	Label    string       `json:"label"`
}

type geoEventOut struct {
	ID        string `json:"id"`
	Region    string `json:"region"`
	Channel   string `json:"channel"`
	EventType string `json:"event_type"`
	Count     int64  `json:"count"`
	CreatedAt string `json:"created_at"`
}

type geoAdminOut struct {
	TotalProgrammes   int              `json:"total_programmes"`
	TotalCards        int64            `json:"total_cards"`
	TotalRegions      int              `json:"total_regions"`
	GlobalSuccessRate float64          `json:"global_success_rate"`
	Programmes        []geoOverviewOut `json:"programmes"`
}

func (s *server) geoOverview(c *gin.Context) {
	prog, ok := s.geoCaller(c)
	if !ok {
		return
	}
	o, err := s.geo.Overview(c.Request.Context(), prog)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toGeoOverviewOut(o))
}

func (s *server) geoRegions(c *gin.Context) {
	prog, ok := s.geoCaller(c)
	if !ok {
		return
	}
	rs, err := s.geo.Regions(c.Request.Context(), prog)
	if err != nil {
		fail(c, err)
		return
	}
	out := make([]geoRegionOut, len(rs))
	for i, r := range rs {
		out[i] = geoRegionOut{Region: r.Region, Country: r.Country, Period: r.Period, CampaignsCount: r.CampaignsCount,
			CardsGenerated: r.CardsGenerated, BeneficiariesCount: r.BeneficiariesCount, CoveragePct: r.CoveragePct,
			DistributionSuccessRate: r.DistributionSuccessRate, RiskScore: r.RiskScore, RiskLevel: string(r.RiskLevel)}
	}
	c.JSON(http.StatusOK, gin.H{"regions": out, "count": len(out)})
}

func (s *server) geoHeatmap(c *gin.Context) {
	prog, ok := s.geoCaller(c)
	if !ok {
		return
	}
	h, err := s.geo.Heatmap(c.Request.Context(), prog, c.Query("metric"))
	if err != nil {
		fail(c, err)
		return
	}
	out := geoHeatmapOut{Cells: make([]geoCellOut, len(h.Cells)), MaxValue: h.MaxValue, Metric: string(h.Metric), Label: h.Label}
	for i, cell := range h.Cells {
		out.Cells[i] = geoCellOut(cell)
	}
	c.JSON(http.StatusOK, out)
}

func (s *server) geoRiskZones(c *gin.Context) {
	prog, ok := s.geoCaller(c)
	if !ok {
		return
	}
	zs, err := s.geo.RiskZones(c.Request.Context(), prog)
	if err != nil {
		fail(c, err)
		return
	}
	out := make([]geoZoneOut, len(zs))
	for i, z := range zs {
		out[i] = geoZoneOut{Region: z.Region, RiskScore: z.RiskScore, RiskLevel: string(z.RiskLevel), CoveragePct: z.CoveragePct,
			DistributionSuccessRate: z.DistributionSuccessRate, CardsGenerated: z.CardsGenerated}
	}
	c.JSON(http.StatusOK, gin.H{"zones": out, "count": len(out)})
}

func (s *server) geoLiveEvents(c *gin.Context) {
	prog, ok := s.geoCaller(c)
	if !ok {
		return
	}
	limit, err := geo.LiveEventsLimit(c.Query("limit"))
	if err != nil {
		fail(c, err)
		return
	}
	evs, err := s.geo.LiveEvents(c.Request.Context(), prog, limit)
	if err != nil {
		fail(c, err)
		return
	}
	out := make([]geoEventOut, len(evs))
	for i, e := range evs {
		out[i] = geoEventOut{ID: e.ID, Region: e.Region, Channel: e.Channel, EventType: e.EventType, Count: e.Count, CreatedAt: rfc3339(e.CreatedAt)}
	}
	c.JSON(http.StatusOK, gin.H{"events": out, "count": len(out)})
}

func (s *server) geoAdminOverview(c *gin.Context) {
	if _, ok := s.geoCaller(c); !ok {
		return
	}
	a, err := s.geo.AdminOverview(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	out := geoAdminOut{TotalProgrammes: a.TotalProgrammes, TotalCards: a.TotalCards, TotalRegions: a.TotalRegions,
		GlobalSuccessRate: a.GlobalSuccessRate, Programmes: make([]geoOverviewOut, len(a.Programmes))}
	for i, p := range a.Programmes {
		out.Programmes[i] = toGeoOverviewOut(p)
	}
	c.JSON(http.StatusOK, out)
}
