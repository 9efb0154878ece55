package config_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/app/config"
	"github.com/kente-gov/kente/core/geo"
)

func TestGeoRegionMap(t *testing.T) {
	c, err := config.Load(env(nil))
	require.NoError(t, err)
	assert.Equal(t, geo.DefaultRegionEntries(), c.GeoRegions)

	c, err = config.Load(env(map[string]string{"KENTE_GEO_REGION_MAP": "kao=Kaolack, GN="}))
	require.NoError(t, err)
	assert.Equal(t, "Kaolack", c.GeoRegions["KAO"])
	assert.NotContains(t, c.GeoRegions, "GN")
	assert.Equal(t, "Dakar", c.GeoRegions["DKR"])

	_, err = config.Load(env(map[string]string{"KENTE_GEO_REGION_MAP": "KAO-X=Kaolack"}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "KENTE_GEO_REGION_MAP")
}
