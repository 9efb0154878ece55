package sqlstore_test

import (
	"testing"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/ports/porttest"
)

func TestInsightsStore(t *testing.T) {
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			porttest.Insights(t, func(t *testing.T) porttest.InsightsStores {
				db := sqltest.Fresh(t, d)
				c := sqlstore.NewCampaignStore(db)
				b := sqlstore.NewBillingStore(db)
				return porttest.InsightsStores{Insights: sqlstore.NewInsightsStore(db), Programmes: sqlstore.NewProgrammeStore(db), Ledger: b,
					Campaigns: c, Jobs: c, Cards: c, Usage: c, Distribution: c}
			})
		})
	}
}
