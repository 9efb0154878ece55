package geo_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/geo"
)

func TestCountryName(t *testing.T) {
	tests := []struct{ give, want string }{
		{"SN", "Senegal"}, {"sn", "Senegal"}, {" GN ", "Guinea"}, {"CI", "Côte d'Ivoire"}, {"GH", "Ghana"},
		{"XX", "XX"}, {"fr", "FR"}, {"", ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, geo.CountryName(tt.give), tt.give)
	}
}

func TestAdminOverview(t *testing.T) {
	m := geo.DefaultRegionMap()
	// Programme a: Dakar 300 cards, Unknown 10; 10 jobs, 9 completed.
	a := geo.Regions(m, "Senegal", now, []geo.CampaignFacts{
		{Prefix: "DKR-VAC", TargetPopulation: 100, Beneficiaries: 50, CardsGenerated: 300},
		{Prefix: "KAO-VAC", CardsGenerated: 10},
	}, nil)
	// Programme b: Dakar 5 cards and Thiès 20; 30 jobs, 15 completed.
	b := geo.Regions(m, "Senegal", now, []geo.CampaignFacts{
		{RegionCode: "DKR", Prefix: "X-1", CardsGenerated: 5},
		{Prefix: "THS-NUT", CardsGenerated: 20},
	}, nil)
	got := geo.NewAdminOverview(now, []geo.ProgrammeFigures{
		{ProgrammeID: "b", Country: "Senegal", Regions: b, JobsTotal: 30, JobsCompleted: 15},
		{ProgrammeID: "a", Country: "Senegal", Regions: a, JobsTotal: 10, JobsCompleted: 9},
		{ProgrammeID: "c", Country: "Guinea"},
	})
	assert.Equal(t, 3, got.TotalProgrammes)
	assert.Equal(t, int64(335), got.TotalCards)
	assert.Equal(t, 2, got.TotalRegions, "Dakar and Thiès; Unknown is not a region")
	assert.Equal(t, 60.0, got.GlobalSuccessRate, "24 of 40 pooled jobs, not the mean of 90 and 50")
	require.Len(t, got.Programmes, 3)
	assert.Equal(t, []string{"a", "b", "c"}, []string{got.Programmes[0].ProgrammeID, got.Programmes[1].ProgrammeID, got.Programmes[2].ProgrammeID})
	pa := got.Programmes[0]
	assert.Equal(t, int64(310), pa.TotalCards)
	assert.Equal(t, 90.0, pa.SuccessRate)
	assert.Equal(t, 1, pa.ActiveRegions)
	assert.Equal(t, 1, pa.CoverageScore, "Dakar's 50% ≥ 40%")
	assert.Equal(t, "2026-05", pa.Period)
	assert.Equal(t, geo.ProgrammeOverview{ProgrammeID: "c", Overview: geo.Overview{Country: "Guinea", Period: "2026-05"}}, got.Programmes[2])

	empty := geo.NewAdminOverview(now, nil)
	assert.Equal(t, geo.AdminOverview{Programmes: []geo.ProgrammeOverview{}}, empty)
}

func TestMergeRegionSpec(t *testing.T) {
	base := geo.DefaultRegionEntries()
	got, err := geo.MergeRegionSpec(base, "KAO=Kaolack, fat = Fatick ,GN=,DKR=Dakar Plateau,")
	require.NoError(t, err)
	m, err := geo.NewRegionMap(got)
	require.NoError(t, err)
	assert.Equal(t, "Kaolack", m.FromPrefix("KAO-VAC"))
	assert.Equal(t, "Fatick", m.FromPrefix("FAT-VAC"))
	assert.Equal(t, "Unknown", m.FromPrefix("GN-HIV"), "GN removed")
	assert.Equal(t, "Dakar Plateau", m.FromPrefix("DKR-VAC"))
	assert.Equal(t, "Dakar", m.FromPrefix("SN-VAC"), "other defaults kept")
	assert.Equal(t, geo.DefaultRegionEntries(), base, "the base is not changed")

	empty, err := geo.MergeRegionSpec(nil, "")
	require.NoError(t, err)
	assert.Empty(t, empty)

	for _, bad := range []string{"KAO", "=Kaolack", "K-O=Kaolack", "KAO=x,ABCDEFGHIJKLMNOPQ=Y"} {
		_, err := geo.MergeRegionSpec(geo.DefaultRegionEntries(), bad)
		if fe, ok := fault.As(err); assert.True(t, ok, "%q: %v", bad, err) {
			assert.Equal(t, fault.Invalid, fe.Kind)
			assert.Equal(t, "region_map", fe.Field)
		}
	}
}
