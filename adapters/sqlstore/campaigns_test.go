package sqlstore_test

import (
	"testing"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/ports/porttest"
)

func TestCampaignStore(t *testing.T) {
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			porttest.Campaigns(t, func(t *testing.T) porttest.CampaignStores {
				db := sqltest.Fresh(t, d)
				s := sqlstore.NewCampaignStore(db)
				return porttest.CampaignStores{Campaigns: s, Jobs: s, Cards: s, Usage: s, Distribution: s, Tx: db}
			})
		})
	}
}
