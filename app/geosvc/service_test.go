package geosvc_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/app/geosvc"
	"github.com/kente-gov/kente/core/campaign"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/geo"
	"github.com/kente-gov/kente/core/programme"
	"github.com/kente-gov/kente/test/testkit"
)

var t0 = time.Date(2026, 5, 17, 10, 0, 0, 0, time.UTC)

// world is a SQLite database with seeding helpers.
type world struct {
	t     *testing.T
	db    *sqlstore.DB
	camps *sqlstore.CampaignStore
	n     int
}

func newWorld(t *testing.T) *world {
	db := sqltest.Fresh(t, sqlstore.SQLite)
	return &world{t: t, db: db, camps: sqlstore.NewCampaignStore(db)}
}

func (w *world) id() string {
	w.n++
	return fmt.Sprintf("00000000-0000-4000-8000-%012d", w.n)
}

func (w *world) programme(country string) string {
	id := w.id()
	require.NoError(w.t, sqlstore.NewProgrammeStore(w.db).CreateProgramme(context.Background(), programme.Programme{ID: id,
		Email: id + "@sante.sn", Name: "Programme " + id, Country: country, Currency: "XOF", Plan: programme.PlanRegionalOps,
		Status: programme.StatusActive, CreatedAt: t0, UpdatedAt: t0}))
	return id
}

func (w *world) campaign(programmeID, prefix, regionCode string, target int64) string {
	c := campaign.Campaign{ID: w.id(), ProgrammeID: programmeID, Name: "Campagne " + prefix, Type: "vaccination", Prefix: prefix,
		Language: "fr", Status: campaign.StatusDraft, RegionCode: regionCode, CreatedAt: t0, UpdatedAt: t0}
	if target > 0 {
		c.TargetPopulation = &target
	}
	require.NoError(w.t, w.camps.CreateCampaign(context.Background(), c))
	return c.ID
}

// job stores a job with n cards for n distinct beneficiaries when
// completed (and none otherwise).
func (w *world) job(programmeID, campaignID string, status campaign.JobStatus, n int) {
	ctx := context.Background()
	j := campaign.Job{ID: w.id(), CampaignID: campaignID, ProgrammeID: programmeID, Status: status, TotalCards: int64(max(n, 1)),
		DPI: 300, RenderScale: 1, TotalLots: 1, CreatedAt: t0}
	if status == campaign.JobCompleted {
		j.CardsGenerated = int64(n)
	}
	require.NoError(w.t, w.camps.CreateCardJob(ctx, j, nil))
	if status != campaign.JobCompleted {
		return
	}
	cards := make([]campaign.Card, n)
	for i := range cards {
		ref, err := campaign.NewRef(rand.Reader)
		require.NoError(w.t, err)
		code := campaign.CardCode("GEO", ref)
		cards[i] = campaign.Card{Code: code, Ref: ref, JobID: j.ID, CampaignID: campaignID, ProgrammeID: programmeID, Row: i,
			BeneficiaryID: fmt.Sprintf("%s-B%d", campaignID, i), TokenHash: campaign.Hash(code), Status: campaign.CardValid, IssuedAt: t0}
	}
	require.NoError(w.t, w.camps.AddCards(ctx, cards))
}

func (w *world) event(programmeID, region, typ string, count int64, at time.Time) {
	_, err := w.camps.AddDistributionEvents(context.Background(), []campaign.DistributionEvent{{ID: w.id(), ProgrammeID: programmeID,
		ClientEventID: w.id(), Region: region, Channel: "sms", EventType: typ, Count: count, CreatedAt: at}})
	require.NoError(w.t, err)
}

func (w *world) service(clock *testkit.Clock, o geosvc.Options) *geosvc.Service {
	s, err := geosvc.New(sqlstore.NewGeoStore(w.db), clock, o)
	require.NoError(w.t, err)
	return s
}

func TestProgrammeFigures(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	p := w.programme("SN")
	other := w.programme("GN")
	// Dakar by region code: 2 campaigns, 150 cards for a target of 1,000
	// (15%), 3 jobs of which 2 completed.
	d1 := w.campaign(p, "VAC-A", "DKR", 600)
	w.job(p, d1, campaign.JobCompleted, 100)
	w.job(p, d1, campaign.JobFailed, 5)
	d2 := w.campaign(p, "SN-NUT", "", 400) // SN → Dakar by prefix
	w.job(p, d2, campaign.JobCompleted, 50)
	// Kédougou: 36 cards, target 288 (12.5%): the seed's risk-zone example.
	k := w.campaign(p, "KED-MILD", "", 288)
	w.job(p, k, campaign.JobCompleted, 36)
	// Unknown prefix, no target.
	u := w.campaign(p, "KAO-VAC", "", 0)
	w.job(p, u, campaign.JobPending, 3)
	// Events: Dakar 90 delivered, 10 failed (90%); Kédougou 43 delivered
	// and 7 failed (86%) through its map key; a sent event counts for
	// neither; another programme's events stay apart.
	w.event(p, "Dakar", "delivered", 90, t0.Add(-40*24*time.Hour))
	w.event(p, "Dakar", "failed", 10, t0.Add(-time.Hour))
	w.event(p, "KED", "delivered", 43, t0.Add(-2*time.Hour))
	w.event(p, "Kédougou", "failed", 7, t0.Add(-3*time.Hour))
	w.event(p, "Dakar", "sent", 500, t0.Add(-4*time.Hour))
	w.event(other, "Dakar", "failed", 1000, t0.Add(-time.Hour))
	oc := w.campaign(other, "DKR-X", "", 10)
	w.job(other, oc, campaign.JobCompleted, 2000)

	clock := testkit.NewClock(t0)
	s := w.service(clock, geosvc.Options{})

	regions, err := s.Regions(ctx, p)
	require.NoError(t, err)
	require.Len(t, regions, 3)
	dakar, ked, unknown := regions[0], regions[1], regions[2]
	assert.Equal(t, geo.RegionStats{Region: "Dakar", Country: "Senegal", Period: "2026-05", CampaignsCount: 2, CardsGenerated: 150,
		BeneficiariesCount: 150, CoveragePct: 15, DistributionSuccessRate: 90, RiskScore: 40 + 0 + 15, RiskLevel: geo.RiskMedium}, dakar)
	assert.Equal(t, geo.RegionStats{Region: "Kédougou", Country: "Senegal", Period: "2026-05", CampaignsCount: 1, CardsGenerated: 36,
		BeneficiariesCount: 36, CoveragePct: 12.5, DistributionSuccessRate: 86, RiskScore: 65, RiskLevel: geo.RiskHigh}, ked)
	assert.Equal(t, geo.RegionStats{Region: geo.Unknown, Country: "Senegal", Period: "2026-05", CampaignsCount: 1, RiskScore: 100,
		RiskLevel: geo.RiskHigh}, unknown)

	o, err := s.Overview(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, geo.ProgrammeOverview{ProgrammeID: p, Overview: geo.Overview{Country: "Senegal", Period: "2026-05", TotalCampaigns: 4,
		TotalJobs: 5, TotalCards: 186, SuccessRate: 60, ActiveRegions: 2, CoverageScore: 0}}, o)

	h, err := s.Heatmap(ctx, p, "coverage_pct")
	require.NoError(t, err)
	assert.Equal(t, geo.Heatmap{Metric: geo.MetricCoveragePct, Label: "Coverage (%)", MaxValue: 15, Cells: []geo.Cell{
		{Region: "Dakar", Value: 15, Intensity: 1, Color: "#08BCF1"},
		{Region: "Kédougou", Value: 12.5, Intensity: 0.8333, Color: "#08BCF1D4"},
		{Region: geo.Unknown, Value: 0, Intensity: 0, Color: "#08BCF100"},
	}}, h)
	h, err = s.Heatmap(ctx, p, "")
	require.NoError(t, err)
	assert.Equal(t, geo.MetricCardsGenerated, h.Metric)
	assert.Equal(t, 150.0, h.MaxValue)

	zones, err := s.RiskZones(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, []string{geo.Unknown, "Kédougou", "Dakar"}, []string{zones[0].Region, zones[1].Region, zones[2].Region})

	// A 30-day window drops Dakar's old 90 deliveries: 0 of 10 succeed.
	windowed := w.service(clock, geosvc.Options{EventWindow: 30 * 24 * time.Hour})
	regions, err = windowed.Regions(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, 0.0, regions[0].DistributionSuccessRate)
	assert.Equal(t, 40.0+35+15, regions[0].RiskScore)

	// The deployment's map: KAO → Kaolack makes the unknown campaign a region.
	custom, err := geo.MergeRegionSpec(geo.DefaultRegionEntries(), "KAO=Kaolack")
	require.NoError(t, err)
	regions, err = w.service(clock, geosvc.Options{Regions: custom}).Regions(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, "Kaolack", regions[2].Region)
}

func TestLiveEvents(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	p := w.programme("SN")
	for i := range 25 {
		w.event(p, []string{"DKR", "Thiès", "Fatick"}[i%3], "delivered", int64(i+1), t0.Add(time.Duration(i)*time.Minute))
	}
	s := w.service(testkit.NewClock(t0), geosvc.Options{})
	evs, err := s.LiveEvents(ctx, p, 20)
	require.NoError(t, err)
	require.Len(t, evs, 20)
	assert.Equal(t, int64(25), evs[0].Count, "newest first")
	assert.Equal(t, "Dakar", evs[0].Region, "event 24 was labelled DKR: the map names it")
	assert.Equal(t, "Fatick", evs[1].Region, "a label the map does not know stays")
	assert.Equal(t, int64(6), evs[19].Count)
	for _, bad := range []int{0, 101, -5} {
		_, err := s.LiveEvents(ctx, p, bad)
		fe, ok := fault.As(err)
		require.True(t, ok, "%d: %v", bad, err)
		assert.Equal(t, "limit", fe.Field)
		assert.Equal(t, fault.Invalid, fe.Kind)
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	s := w.service(testkit.NewClock(t0), geosvc.Options{})
	_, err := s.Heatmap(ctx, "no-such-programme", "population")
	fe, ok := fault.As(err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, "metric", fe.Field, "the metric is checked first")
	_, err = s.Overview(ctx, "no-such-programme")
	assert.True(t, fault.Is(err, fault.NotFound), "%v", err)
	_, err = s.Regions(ctx, "")
	assert.True(t, fault.Is(err, fault.NotFound), "%v", err)

	_, err = geosvc.New(sqlstore.NewGeoStore(w.db), testkit.NewClock(t0), geosvc.Options{Regions: map[string]string{"A-B": "x"}})
	assert.True(t, fault.Is(err, fault.Invalid), "%v", err)
	_, err = geosvc.New(sqlstore.NewGeoStore(w.db), testkit.NewClock(t0), geosvc.Options{EventWindow: -time.Hour})
	assert.True(t, fault.Is(err, fault.Invalid), "%v", err)
}

func TestAdminOverview(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	a, b, empty := w.programme("SN"), w.programme("GN"), w.programme("ML")
	ca := w.campaign(a, "DKR-VAC", "", 100)
	w.job(a, ca, campaign.JobCompleted, 30)
	w.job(a, ca, campaign.JobFailed, 1)
	cb := w.campaign(b, "GN-VAC", "", 0)
	w.job(b, cb, campaign.JobCompleted, 12)
	cb2 := w.campaign(b, "DKR-NUT", "", 0)
	w.job(b, cb2, campaign.JobCompleted, 1)
	w.job(b, cb2, campaign.JobCompleted, 2)

	got, err := w.service(testkit.NewClock(t0), geosvc.Options{}).AdminOverview(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, got.TotalProgrammes)
	assert.Equal(t, int64(45), got.TotalCards)
	assert.Equal(t, 2, got.TotalRegions, "Dakar (in both) and Conakry")
	assert.Equal(t, 80.0, got.GlobalSuccessRate, "4 of 5 jobs")
	require.Len(t, got.Programmes, 3)
	assert.Equal(t, a, got.Programmes[0].ProgrammeID)
	assert.Equal(t, "Senegal", got.Programmes[0].Country)
	assert.Equal(t, 50.0, got.Programmes[0].SuccessRate)
	assert.Equal(t, b, got.Programmes[1].ProgrammeID)
	assert.Equal(t, "Guinea", got.Programmes[1].Country)
	assert.Equal(t, int64(15), got.Programmes[1].TotalCards)
	assert.Equal(t, empty, got.Programmes[2].ProgrammeID)
	assert.Equal(t, "Mali", got.Programmes[2].Country)
}
