package geo_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/geo"
)

var now = time.Date(2026, 5, 16, 14, 30, 0, 0, time.UTC)

func TestRegionFromPrefix(t *testing.T) {
	m := geo.DefaultRegionMap()
	tests := []struct{ give, want string }{
		{"DKR-2026-VAC-01", "Dakar"}, // the §5.2 example
		{"DKR-VAC", "Dakar"},
		{"dkr-vac", "Dakar"},
		{"SN-VAC", "Dakar"},
		{"THIS-MILD", "Thiès"}, // exact THIS, not TH
		{"THS-MILD", "Thiès"},  // the examples' prefix
		{"THI-VAC", "Thiès"},   // the MPI code
		{"THX-VAC", "Thiès"},   // longest key it starts with: TH
		{"ZIG-NUT", "Ziguinchor"},
		{"DIOU-VAC", "Diourbel"}, // starts with DIO
		{"SLV-VAC", "Saint-Louis"},
		{"MAT-VAC", "Matam"},
		{"LOU-VAC", "Louga"},
		{"KED-VAC", "Kédougou"},
		{"GN-HIV", "Conakry"},
		{"ML-VAC", "Bamako"},
		{"KAO-VAC", "Unknown"}, // Kaolack is not in the documented map
		{"VAC-DKR", "Unknown"}, // only the first token counts
		{"S-VAC", "Unknown"},   // a token shorter than every key it could start
		{"", "Unknown"},
		{"-DKR", "Unknown"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, m.FromPrefix(tt.give), tt.give)
	}
}

func TestRegionPrefersRegionCode(t *testing.T) {
	m := geo.DefaultRegionMap()
	assert.Equal(t, "Kédougou", m.Region("ked", "DKR-VAC"), "explicit code wins")
	assert.Equal(t, "KAO", m.Region("kao", "DKR-VAC"), "an unmapped code is kept, not Unknown")
	assert.Equal(t, "Dakar", m.Region("  ", "DKR-VAC"), "blank code falls back to the prefix")
	assert.Equal(t, "Dakar", m.Normalize("DKR"))
	assert.Equal(t, "Thiès", m.Normalize("Thiès"))
	assert.Equal(t, "Unknown", m.Normalize(""))
}

func TestCustomRegionMap(t *testing.T) {
	entries := geo.DefaultRegionEntries()
	entries["kao"] = "Kaolack"
	entries["KAOL"] = "Kaolack"
	m, err := geo.NewRegionMap(entries)
	require.NoError(t, err)
	assert.Equal(t, "Kaolack", m.FromPrefix("KAO-VAC"))
	assert.Equal(t, "Kaolack", m.FromPrefix("KAOLACK-VAC"))
	assert.Equal(t, "Unknown", geo.DefaultRegionMap().FromPrefix("KAO-VAC"), "the default is not changed")

	for _, bad := range []map[string]string{{"": "X"}, {"DK-R": "X"}, {"DKR": " "}, {"ÉTÉ": "X"}, {"DKR": "Dakar", "dkr": "Other"}} {
		_, err := geo.NewRegionMap(bad)
		fe, ok := fault.As(err)
		require.True(t, ok, "%v", bad)
		assert.Equal(t, fault.Invalid, fe.Kind)
		assert.Equal(t, "region_map", fe.Field)
	}
}

func TestRiskScore(t *testing.T) {
	tests := []struct {
		name      string
		cov, succ float64
		cards     int64
		want      float64
		wantLevel geo.RiskLevel
	}{
		{"seed Kédougou", 12.5, 86.1, 36, 65, geo.RiskHigh},
		{"seed Dakar by the formula", 33.2, 86.1, 108, 40, geo.RiskMedium},
		{"no data", 0, 0, 0, 100, geo.RiskHigh},
		{"all good", 60, 85, 1000, 0, geo.RiskLow},
		{"coverage 19.9", 19.9, 85, 1000, 40, geo.RiskMedium},
		{"coverage 20", 20, 85, 1000, 25, geo.RiskLow},
		{"coverage 39.9", 39.9, 85, 1000, 25, geo.RiskLow},
		{"coverage 40", 40, 85, 1000, 10, geo.RiskLow},
		{"coverage 59.9", 59.9, 85, 1000, 10, geo.RiskLow},
		{"success 59.9", 60, 59.9, 1000, 35, geo.RiskMedium},
		{"success 60", 60, 60, 1000, 20, geo.RiskLow},
		{"success 74.9", 60, 74.9, 1000, 20, geo.RiskLow},
		{"success 75", 60, 75, 1000, 8, geo.RiskLow},
		{"success 84.9", 60, 84.9, 1000, 8, geo.RiskLow},
		{"cards 99", 60, 85, 99, 25, geo.RiskLow},
		{"cards 100", 60, 85, 100, 15, geo.RiskLow},
		{"cards 499", 60, 85, 499, 15, geo.RiskLow},
		{"cards 500", 60, 85, 500, 5, geo.RiskLow},
		{"cards 999", 60, 85, 999, 5, geo.RiskLow},
		{"level 30 is MEDIUM", 39, 80, 999, 38, geo.RiskMedium},
		{"level 59 is MEDIUM", 10, 90, 999, 45, geo.RiskMedium},
		{"level 50 is MEDIUM", 30, 70, 999, 50, geo.RiskMedium},
		{"level exactly 60", 10, 80, 100, 63, geo.RiskHigh},
	}
	for _, tt := range tests {
		got := geo.RiskScore(tt.cov, tt.succ, tt.cards)
		assert.Equal(t, tt.want, got, tt.name)
		assert.Equal(t, tt.wantLevel, geo.Level(got), tt.name)
	}
	levels := []struct {
		give float64
		want geo.RiskLevel
	}{{0, geo.RiskLow}, {29.9, geo.RiskLow}, {30, geo.RiskMedium}, {59.9, geo.RiskMedium}, {60, geo.RiskHigh}, {100, geo.RiskHigh}}
	for _, tt := range levels {
		assert.Equal(t, tt.want, geo.Level(tt.give), "%v", tt.give)
	}
	assert.True(t, geo.IsRiskZone(30.5, 90))
	assert.False(t, geo.IsRiskZone(30, 40))
	assert.True(t, geo.IsRiskZone(0, 39.9))
}

func TestCoverageAndSuccess(t *testing.T) {
	assert.Equal(t, 33.3, geo.Coverage(1, 3))
	assert.Equal(t, 0.0, geo.Coverage(50, 0), "no target")
	assert.Equal(t, 125.0, geo.Coverage(125, 100), "not capped")
	assert.Equal(t, 86.1, geo.SuccessRate(31, 5))
	assert.Equal(t, 0.0, geo.SuccessRate(0, 0))
}

func TestRegions(t *testing.T) {
	m := geo.DefaultRegionMap()
	campaigns := []geo.CampaignFacts{
		{Prefix: "DKR-VAC", TargetPopulation: 1000, Beneficiaries: 500, CardsGenerated: 600},
		{Prefix: "DKR-NUT", TargetPopulation: 1000, Beneficiaries: 300, CardsGenerated: 400},
		{Prefix: "DKR-HIV", Beneficiaries: 50, CardsGenerated: 50}, // no target: cards count, coverage does not
		{Prefix: "XYZ-VAC", RegionCode: "KED", TargetPopulation: 800, Beneficiaries: 100, CardsGenerated: 36},
		{Prefix: "KAO-VAC", CardsGenerated: 10},
	}
	events := []geo.EventCount{
		{Region: "Dakar", Type: geo.EventDelivered, Count: 90},
		{Region: "DKR", Type: geo.EventFailed, Count: 10},  // a key normalises to its name
		{Region: "Dakar", Type: geo.EventSent, Count: 500}, // in flight: not counted
		{Region: "Kédougou", Type: geo.EventDelivered, Count: 7},
		{Region: "Matam", Type: geo.EventFailed, Count: 3}, // no campaign there: ignored
	}
	got := geo.Regions(m, "Senegal", now, campaigns, events)
	require.Len(t, got, 3)
	assert.Equal(t, geo.RegionStats{
		Region: "Dakar", Country: "Senegal", Period: "2026-05", CampaignsCount: 3, CardsGenerated: 1050,
		BeneficiariesCount: 850, CoveragePct: 40, DistributionSuccessRate: 90, RiskScore: 10, RiskLevel: geo.RiskLow,
	}, got[0])
	assert.Equal(t, geo.RegionStats{
		Region: "Kédougou", Country: "Senegal", Period: "2026-05", CampaignsCount: 1, CardsGenerated: 36,
		BeneficiariesCount: 100, CoveragePct: 12.5, DistributionSuccessRate: 100, RiskScore: 65, RiskLevel: geo.RiskHigh,
	}, got[1])
	assert.Equal(t, "Unknown", got[2].Region)
	assert.Equal(t, 100.0, got[2].RiskScore, "no data: shown as HIGH, not hidden")

	zones := geo.RiskZones(got)
	require.Len(t, zones, 2)
	assert.Equal(t, []string{"Unknown", "Kédougou"}, []string{zones[0].Region, zones[1].Region})

	o := geo.NewOverview("Senegal", now, got, 36, 31)
	assert.Equal(t, geo.Overview{Country: "Senegal", Period: "2026-05", TotalCampaigns: 5, TotalJobs: 36,
		TotalCards: 1096, SuccessRate: 86.1, ActiveRegions: 2, CoverageScore: 1}, o)

	empty := geo.Regions(m, "Senegal", now, nil, events)
	assert.NotNil(t, empty)
	assert.Empty(t, empty)
	assert.Equal(t, geo.Overview{Country: "Senegal", Period: "2026-05"}, geo.NewOverview("Senegal", now, empty, 0, 0))
	assert.Empty(t, geo.RiskZones(empty))
}

func TestColor(t *testing.T) {
	tests := []struct {
		give float64
		want string
	}{
		{0, "#08BCF100"}, {0.5, "#08BCF180"}, {1, "#08BCF1"}, {0.25, "#08BCF140"},
		{1.0 / 255, "#08BCF101"}, {0.998, "#08BCF1FE"}, {0.999, "#08BCF1"}, {0.996, "#08BCF1FE"}, {-1, "#08BCF100"}, {2, "#08BCF1"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, geo.Color(tt.give), "%v", tt.give)
	}
}

func TestHeatmap(t *testing.T) {
	regions := []geo.RegionStats{
		{Region: "Thiès", CardsGenerated: 54, CoveragePct: 20},
		{Region: "Dakar", CardsGenerated: 108, CoveragePct: 0},
		{Region: "Louga", CardsGenerated: 0, CoveragePct: 10},
	}
	h := geo.NewHeatmap(regions, geo.MetricCardsGenerated)
	assert.Equal(t, geo.Heatmap{
		Cells: []geo.Cell{
			{Region: "Dakar", Value: 108, Intensity: 1, Color: "#08BCF1"},
			{Region: "Thiès", Value: 54, Intensity: 0.5, Color: "#08BCF180"},
			{Region: "Louga", Value: 0, Intensity: 0, Color: "#08BCF100"},
		},
		MaxValue: 108, Metric: geo.MetricCardsGenerated, Label: "Cards generated",
	}, h)

	h = geo.NewHeatmap(regions, geo.MetricCoveragePct)
	assert.Equal(t, "Thiès", h.Cells[0].Region)
	assert.Equal(t, 20.0, h.MaxValue)
	assert.Equal(t, 0.5, h.Cells[1].Intensity)

	// Every metric reads its own field.
	r := geo.RegionStats{CardsGenerated: 1, CoveragePct: 2, RiskScore: 3, DistributionSuccessRate: 4, BeneficiariesCount: 5}
	for i, m := range geo.Metrics() {
		assert.Equal(t, float64(i+1), m.Value(r), string(m))
		assert.NotEmpty(t, m.Label(), string(m))
		got, err := geo.ParseMetric(string(m))
		require.NoError(t, err)
		assert.Equal(t, m, got)
	}

	zero := geo.NewHeatmap([]geo.RegionStats{{Region: "A"}}, geo.MetricRiskScore)
	assert.Equal(t, []geo.Cell{{Region: "A", Value: 0, Intensity: 0, Color: "#08BCF100"}}, zero.Cells)
	assert.NotNil(t, geo.NewHeatmap(nil, geo.MetricCardsGenerated).Cells)
}

func TestParseMetric(t *testing.T) {
	m, err := geo.ParseMetric("")
	require.NoError(t, err)
	assert.Equal(t, geo.MetricCardsGenerated, m)
	for _, bad := range []string{"cards", "CARDS_GENERATED", "risk-score"} {
		_, err := geo.ParseMetric(bad)
		fe, ok := fault.As(err)
		require.True(t, ok, bad)
		assert.Equal(t, fault.Invalid, fe.Kind)
		assert.Equal(t, "metric", fe.Field)
		assert.Equal(t, "geo.metric_unknown", fe.Code)
	}
}

func TestLiveEventsLimit(t *testing.T) {
	ok := []struct {
		give string
		want int
	}{{"", 20}, {"1", 1}, {"20", 20}, {"100", 100}, {" 7 ", 7}}
	for _, tt := range ok {
		got, err := geo.LiveEventsLimit(tt.give)
		require.NoError(t, err, tt.give)
		assert.Equal(t, tt.want, got)
	}
	for _, bad := range []string{"0", "101", "-1", "abc", "1.5", "99999999999999999999"} {
		_, err := geo.LiveEventsLimit(bad)
		fe, isFault := fault.As(err)
		require.True(t, isFault, bad)
		assert.Equal(t, fault.Invalid, fe.Kind, bad)
		assert.Equal(t, "limit", fe.Field, bad)
	}
}
