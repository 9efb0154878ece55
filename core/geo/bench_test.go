package geo_test

import (
	"fmt"
	"testing"

	"github.com/kente-gov/kente/core/geo"
)

func BenchmarkRiskScore(b *testing.B) {
	var sink float64
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		sink += geo.RiskScore(float64(i%100), float64(i%97), int64(i%1200))
	}
	_ = sink
}

func BenchmarkRegions1000Campaigns(b *testing.B) {
	m := geo.DefaultRegionMap()
	prefixes := []string{"DKR", "THS", "ZIG", "KED", "KAO", "MAT", "SLV"}
	campaigns := make([]geo.CampaignFacts, 1000)
	for i := range campaigns {
		campaigns[i] = geo.CampaignFacts{Prefix: fmt.Sprintf("%s-%d", prefixes[i%len(prefixes)], i),
			TargetPopulation: 1000, Beneficiaries: int64(i % 900), CardsGenerated: int64(i % 500)}
	}
	b.ReportAllocs()
	for b.Loop() {
		geo.NewHeatmap(geo.Regions(m, "Senegal", now, campaigns, nil), geo.MetricRiskScore)
	}
}
