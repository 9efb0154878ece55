package sqlstore_test

import (
	"testing"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/ports"
	"github.com/kente-gov/kente/ports/porttest"
)

func TestJobQueue(t *testing.T) {
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			porttest.JobQueue(t, func(t *testing.T) (ports.JobQueue, ports.Tx) {
				db := sqltest.Fresh(t, d)
				return sqlstore.NewJobQueue(db), db
			})
		})
	}
}
