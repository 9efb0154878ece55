package sqlstore_test

import (
	"testing"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/ports/porttest"
)

func TestMPIStore(t *testing.T) {
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			porttest.MPI(t, func(t *testing.T) porttest.MPIStores {
				s := sqlstore.NewMPIStore(sqltest.Fresh(t, d))
				return porttest.MPIStores{Records: s, Trust: s}
			})
		})
	}
}
