package sqlstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/ports"
	"github.com/kente-gov/kente/ports/porttest"
)

func TestProgrammeStore(t *testing.T) {
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			porttest.ProgrammeStore(t, func(t *testing.T) ports.ProgrammeStore {
				return sqlstore.NewProgrammeStore(sqltest.Fresh(t, d))
			})
		})
	}
}

func TestProgrammeUserStore(t *testing.T) {
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			porttest.ProgrammeUserStore(t, func(t *testing.T) (ports.ProgrammeStore, ports.ProgrammeUserStore) {
				db := sqltest.Fresh(t, d)
				return sqlstore.NewProgrammeStore(db), sqlstore.NewProgrammeUserStore(db)
			})
		})
	}
}

func TestRefreshTokenStore(t *testing.T) {
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			porttest.RefreshTokenStore(t, func(t *testing.T) (ports.ProgrammeStore, ports.ProgrammeUserStore, ports.RefreshTokenStore) {
				db := sqltest.Fresh(t, d)
				return sqlstore.NewProgrammeStore(db), sqlstore.NewProgrammeUserStore(db), sqlstore.NewRefreshTokenStore(db)
			})
		})
	}
}

func TestModuleChecker(t *testing.T) {
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			porttest.ModuleChecker(t, func(t *testing.T) (ports.ProgrammeStore, ports.ModuleChecker, func(string, string, string)) {
				db := sqltest.Fresh(t, d)
				set := func(programmeID, key, status string) {
					_, err := db.Bun.ExecContext(context.Background(),
						"INSERT INTO programme_modules (programme_id, module_key, status) VALUES (?, ?, ?)", programmeID, key, status)
					require.NoError(t, err)
				}
				return sqlstore.NewProgrammeStore(db), sqlstore.NewModuleChecker(db), set
			})
		})
	}
}
