package memstore_test

import (
	"testing"

	"github.com/kente-gov/kente/adapters/httpapi/internal/memstore"
	"github.com/kente-gov/kente/ports"
	"github.com/kente-gov/kente/ports/porttest"
)

func TestUserStoreContract(t *testing.T) {
	porttest.UserStore(t, func(*testing.T) ports.UserStore { return memstore.New() })
}

func TestSessionStoreContract(t *testing.T) {
	porttest.SessionStore(t, func(*testing.T) (ports.UserStore, ports.SessionStore) {
		s := memstore.New()
		return s, s
	})
}

func TestAuditLogContract(t *testing.T) {
	porttest.AuditLog(t, func(*testing.T) ports.AuditLog { return memstore.NewAuditLog() })
}
