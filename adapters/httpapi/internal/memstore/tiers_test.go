package memstore_test

import (
	"testing"

	"github.com/kente-gov/kente/adapters/httpapi/internal/memstore"
	"github.com/kente-gov/kente/ports"
	"github.com/kente-gov/kente/ports/porttest"
)

func TestBillingContracts(t *testing.T) {
	porttest.SubscriptionStore(t, func(t *testing.T) (ports.UserStore, ports.SubscriptionStore) {
		return memstore.New(), memstore.NewBilling()
	})
	porttest.UsageStore(t, func(t *testing.T) ports.UsageStore { return memstore.NewBilling() })
	porttest.PaymentStore(t, func(t *testing.T) (ports.UserStore, ports.PaymentStore) {
		return memstore.New(), memstore.NewBilling()
	})
}
