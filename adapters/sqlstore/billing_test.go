package sqlstore_test

import (
	"testing"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/ports/porttest"
)

func TestBillingStore(t *testing.T) {
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			porttest.ProgrammeBilling(t, func(t *testing.T) porttest.BillingStores {
				db := sqltest.Fresh(t, d)
				b := sqlstore.NewBillingStore(db)
				return porttest.BillingStores{Programmes: sqlstore.NewProgrammeStore(db), Plans: b, Ledger: b, Invoices: b,
					Recharges: b, Modules: b, Checker: sqlstore.NewModuleChecker(db), Tx: db}
			})
		})
	}
}
