package sqlstore_test

import (
	"testing"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/ports/porttest"
)

func TestWalletStore(t *testing.T) {
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			porttest.WalletStore(t, func(t *testing.T) porttest.WalletStores {
				s := sqlstore.NewWalletStore(sqltest.Fresh(t, d))
				return porttest.WalletStores{Passes: s, Devices: s, Syncs: s, Keys: s}
			})
		})
	}
}
