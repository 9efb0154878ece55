package sqlstore_test

import (
	"testing"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/ports"
	"github.com/kente-gov/kente/ports/porttest"
)

func TestSubscriptionStore(t *testing.T) {
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			porttest.SubscriptionStore(t, func(t *testing.T) (ports.UserStore, ports.SubscriptionStore) {
				db := sqltest.Fresh(t, d)
				return sqlstore.NewUserStore(db), sqlstore.NewSubscriptionStore(db)
			})
		})
	}
}

func TestUsageStore(t *testing.T) {
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			porttest.UsageStore(t, func(t *testing.T) ports.UsageStore {
				return sqlstore.NewUsageStore(sqltest.Fresh(t, d))
			})
		})
	}
}

func TestPaymentStore(t *testing.T) {
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			porttest.PaymentStore(t, func(t *testing.T) (ports.UserStore, ports.PaymentStore) {
				db := sqltest.Fresh(t, d)
				return sqlstore.NewUserStore(db), sqlstore.NewPaymentStore(db)
			})
		})
	}
}
