package memstore_test

import (
	"testing"

	"github.com/kente-gov/kente/adapters/httpapi/internal/memstore"
	"github.com/kente-gov/kente/ports"
	"github.com/kente-gov/kente/ports/porttest"
)

func TestPasskeyStoreContract(t *testing.T) {
	porttest.PasskeyStore(t, func(*testing.T) (ports.UserStore, ports.PasskeyStore) {
		s := memstore.New()
		return s, memstore.NewPasskeyStore(s)
	})
}

func TestChallengeStoreContract(t *testing.T) {
	porttest.ChallengeStore(t, func(*testing.T) ports.ChallengeStore { return memstore.NewChallengeStore() })
}
