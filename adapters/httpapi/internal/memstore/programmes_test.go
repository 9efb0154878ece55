package memstore_test

import (
	"testing"

	"github.com/kente-gov/kente/adapters/httpapi/internal/memstore"
	"github.com/kente-gov/kente/ports"
	"github.com/kente-gov/kente/ports/porttest"
)

func TestProgrammesContracts(t *testing.T) {
	porttest.ProgrammeStore(t, func(*testing.T) ports.ProgrammeStore { return memstore.NewProgrammes() })
	porttest.ProgrammeUserStore(t, func(*testing.T) (ports.ProgrammeStore, ports.ProgrammeUserStore) {
		s := memstore.NewProgrammes()
		return s, s
	})
	porttest.RefreshTokenStore(t, func(*testing.T) (ports.ProgrammeStore, ports.ProgrammeUserStore, ports.RefreshTokenStore) {
		s := memstore.NewProgrammes()
		return s, s, s
	})
	porttest.ModuleChecker(t, func(*testing.T) (ports.ProgrammeStore, ports.ModuleChecker, func(string, string, string)) {
		s := memstore.NewProgrammes()
		return s, s, s.SetModule
	})
}
