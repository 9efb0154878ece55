package sqlstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
)

func TestMigrationFoldersMatch(t *testing.T) {
	want, err := sqlstore.MigrationNames(sqlstore.SQLite)
	require.NoError(t, err)
	require.NotEmpty(t, want)
	for _, name := range want {
		assert.Regexp(t, `^\d{14}_[a-z0-9_]+\.(up|down)\.sql$`, name)
	}
	for _, d := range []sqlstore.Dialect{sqlstore.Postgres, sqlstore.MySQL} {
		got, err := sqlstore.MigrationNames(d)
		require.NoError(t, err)
		assert.Equal(t, want, got, "migrations of %s must match sqlite's", d)
	}
}

func TestMigrateUpDownUp(t *testing.T) {
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			db, err := sqlstore.Open(ctx, sqltest.URL(t, d))
			require.NoError(t, err)
			t.Cleanup(func() { _ = db.Close() })

			st, err := db.MigrationStatus(ctx)
			require.NoError(t, err)
			require.NotEmpty(t, st)
			for _, m := range st {
				assert.False(t, m.Applied, m.Name)
				assert.True(t, m.AppliedAt.IsZero())
			}

			require.NoError(t, db.Migrate(ctx))
			require.NoError(t, db.Migrate(ctx), "Migrate is idempotent")
			requireApplied(t, db, true)
			users := sqlstore.NewUserStore(db)
			require.NoError(t, users.CreateUser(ctx, testUser("usr_1")))

			require.NoError(t, sqlstore.RollbackMigrations(ctx, db))
			requireApplied(t, db, false)
			_, err = users.UserByID(ctx, "usr_1")
			require.Error(t, err, "the users table must be gone")

			require.NoError(t, db.Migrate(ctx))
			requireApplied(t, db, true)
			require.NoError(t, users.CreateUser(ctx, testUser("usr_1")))
		})
	}
}

func requireApplied(t *testing.T, db *sqlstore.DB, applied bool) {
	t.Helper()
	st, err := db.MigrationStatus(context.Background())
	require.NoError(t, err)
	names, err := sqlstore.MigrationNames(db.Dialect)
	require.NoError(t, err)
	var want []string
	for _, n := range names {
		if name, ok := strings.CutSuffix(n, ".up.sql"); ok {
			want = append(want, name)
		}
	}
	got := make([]string, len(st))
	for i, m := range st {
		got[i] = m.Name
		assert.Equal(t, applied, m.Applied, m.Name)
		assert.Equal(t, !applied, m.AppliedAt.IsZero(), m.Name)
	}
	assert.Equal(t, want, got)
}
