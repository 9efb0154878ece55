package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/core/mpi"
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

// TestMPIReindexStaleKeys plants keys of an unknown version (0, as the
// migration records for a database that predates the version) and checks
// that a new store re-derives them before its first match, once.
func TestMPIReindexStaleKeys(t *testing.T) {
	ctx := context.Background()
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			db := sqltest.Fresh(t, d)
			s := sqlstore.NewMPIStore(db)
			base := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
			recs := []mpi.Record{
				{MPIID: "SN-DKR-26-RRRRRRR1", ProgrammeID: "prog_a", FirstName: "Fatou", LastName: "Diallo",
					DateOfBirth: time.Date(1990, 5, 3, 0, 0, 0, 0, time.UTC), RegionCode: "DKR", CountryCode: "SN",
					PhoneNumber: "+221771234567", Status: mpi.StatusActive, CreatedAt: base, UpdatedAt: base},
				{MPIID: "SN-DKR-26-RRRRRRR2", ProgrammeID: "prog_b", FirstName: "Awa", LastName: "Sow",
					RegionCode: "DKR", CountryCode: "SN", Status: mpi.StatusActive, CreatedAt: base, UpdatedAt: base},
				{MPIID: "SN-DKR-26-RRRRRRR3", ProgrammeID: "prog_a", FirstName: "Fatou", LastName: "Diallo",
					RegionCode: "DKR", CountryCode: "SN", Status: mpi.StatusMerged, MergedInto: "SN-DKR-26-RRRRRRR1",
					CreatedAt: base, UpdatedAt: base},
			}
			for _, r := range recs {
				require.NoError(t, s.CreateRecord(ctx, r))
			}
			// The migration records version 0 (it cannot tell a new database
			// from an old one): the first call re-derives, the next finds
			// the keys current.
			n, err := s.ReindexBlockingKeys(ctx)
			require.NoError(t, err)
			assert.Equal(t, 2, n, "the active records")
			n, err = s.ReindexBlockingKeys(ctx)
			require.NoError(t, err)
			assert.Equal(t, 0, n, "current now")

			// Keys of an older derivation: one stale key, the real ones gone.
			_, err = db.Bun.ExecContext(ctx, "DELETE FROM mpi_blocking_keys")
			require.NoError(t, err)
			_, err = db.Bun.ExecContext(ctx, "INSERT INTO mpi_blocking_keys (block_key, programme_id, mpi_id) VALUES (?, ?, ?)",
				"old:fatou", "prog_a", recs[0].MPIID)
			require.NoError(t, err)
			_, err = db.Bun.ExecContext(ctx, "UPDATE mpi_index_state SET version = 0 WHERE name = 'blocking_keys'")
			require.NoError(t, err)

			again := sqlstore.NewMPIStore(db) // a restarted process
			got, err := again.Candidates(ctx, "prog_a", mpi.BlockingKeys(recs[0]), 10)
			require.NoError(t, err)
			require.Len(t, got, 1, "the first match re-indexed the stored records")
			assert.Equal(t, recs[0].MPIID, got[0].MPIID)
			got, err = again.Candidates(ctx, "prog_a", []string{"old:fatou"}, 10)
			require.NoError(t, err)
			assert.Empty(t, got, "keys of the old derivation are gone")
			var keys int
			require.NoError(t, db.Bun.NewSelect().Table("mpi_blocking_keys").ColumnExpr("COUNT(*)").Scan(ctx, &keys))
			assert.Equal(t, len(mpi.BlockingKeys(recs[0]))+len(mpi.BlockingKeys(recs[1])), keys, "active records only")
			n, err = again.ReindexBlockingKeys(ctx)
			require.NoError(t, err)
			assert.Equal(t, 0, n, "once")

			_, err = db.Bun.ExecContext(ctx, "UPDATE mpi_index_state SET version = 0 WHERE name = 'blocking_keys'")
			require.NoError(t, err)
			n, err = sqlstore.NewMPIStore(db).ReindexBlockingKeys(ctx)
			require.NoError(t, err)
			assert.Equal(t, 2, n, "every active record of every programme")
		})
	}
}
