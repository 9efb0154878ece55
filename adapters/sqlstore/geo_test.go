package sqlstore_test

import (
	"testing"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/ports/porttest"
)

func TestGeoStore(t *testing.T) {
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			porttest.GeoStore(t, func(t *testing.T) porttest.GeoStores {
				db := sqltest.Fresh(t, d)
				c := sqlstore.NewCampaignStore(db)
				return porttest.GeoStores{Geo: sqlstore.NewGeoStore(db), Programmes: sqlstore.NewProgrammeStore(db),
					Campaigns: c, Jobs: c, Cards: c, Distribution: c}
			})
		})
	}
}
