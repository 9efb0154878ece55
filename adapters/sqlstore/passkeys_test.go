package sqlstore_test

import (
	"testing"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/ports"
	"github.com/kente-gov/kente/ports/porttest"
)

func TestPasskeyStore(t *testing.T) {
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			porttest.PasskeyStore(t, func(t *testing.T) (ports.UserStore, ports.PasskeyStore) {
				db := sqltest.Fresh(t, d)
				return sqlstore.NewUserStore(db), sqlstore.NewPasskeyStore(db)
			})
		})
	}
}

func TestChallengeStore(t *testing.T) {
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			porttest.ChallengeStore(t, func(t *testing.T) ports.ChallengeStore {
				return sqlstore.NewChallengeStore(sqltest.Fresh(t, d))
			})
		})
	}
}
