package mpisvc_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/app/mpisvc"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/mpi"
	"github.com/kente-gov/kente/ports"
)

func ptr(s string) *string { return &s }

func TestPatchValidatesAndAudits(t *testing.T) {
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d)
			ctx := context.Background()
			a, err := f.svc.Register(ctx, "prog_a", reg("Awa", "Sow"))
			require.NoError(t, err)

			_, err = f.svc.Patch(ctx, "prog_a", a.Record.MPIID, mpisvc.Patch{PhoneNumber: ptr("0771")})
			assert.Equal(t, "phone_number", mustFault(t, err).Field)
			_, err = f.svc.Patch(ctx, "prog_a", a.Record.MPIID, mpisvc.Patch{RegionCode: ptr("DK")})
			assert.Equal(t, "region_code", mustFault(t, err).Field)
			_, err = f.svc.Patch(ctx, "prog_a", a.Record.MPIID, mpisvc.Patch{})
			assert.Equal(t, fault.Invalid, mustFault(t, err).Kind)
			_, err = f.svc.Patch(ctx, "prog_b", a.Record.MPIID, mpisvc.Patch{District: ptr("Pikine")})
			assert.Equal(t, fault.NotFound, mustFault(t, err).Kind, "another programme's record")

			got, err := f.svc.Patch(ctx, "prog_a", a.Record.MPIID, mpisvc.Patch{RegionCode: ptr("thi"), PhoneNumber: ptr(""),
				ExternalIDs: map[string]string{mpi.ExtNIN: "1234567890123"}, ActorID: "pu_1"})
			require.NoError(t, err)
			assert.Equal(t, a.Record.MPIID, got.MPIID, "the id never changes")
			assert.Equal(t, "THI", got.RegionCode)
			assert.Empty(t, got.PhoneNumber)
			assert.Equal(t, "1234567890123", got.ExternalIDs[mpi.ExtNIN])
			assert.Equal(t, a.Record.DateOfBirth, got.DateOfBirth, "untouched fields stay")

			recs, _, err := f.audit.ListAudit(ctx, ports.AuditFilter{Action: "mpi.update"})
			require.NoError(t, err)
			require.Len(t, recs, 1)
			assert.Contains(t, string(recs[0].Details), "external_ids.nin")
			assert.NotContains(t, string(recs[0].Details), "1234567890123", "values stay out of the audit log")
		})
	}
}

func TestImportCatchesDuplicatesWithinAndAcrossChunks(t *testing.T) {
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d)
			ctx := context.Background()
			first, err := f.svc.Register(ctx, "prog_a", reg("Fatou", "Diallo"))
			require.NoError(t, err)

			bad := reg("Awa", "Sow")
			bad.RegionCode = "DK"
			nin := reg("Moussa", "Ba")
			nin.PhoneNumber, nin.ExternalIDs = "+221770000001", map[string]string{mpi.ExtNIN: "N1"}
			ninDup := reg("Khady", "Ndiaye")
			ninDup.PhoneNumber, ninDup.DateOfBirth, ninDup.ExternalIDs = "+221770000002", "1970-01-01", map[string]string{mpi.ExtNIN: "N1"}
			forced := reg("Fatou", "Diallo")
			forced.ForceCreate = true
			res, err := f.svc.Import(ctx, "prog_a", []mpisvc.Registration{
				reg("Diallo", "Fatou"), // 0: duplicate of a stored record
				reg("Ibrahima", "Ndiaye"),
				reg("Ibrahim", "NDIAYE"), // 2: duplicate of 1, in the same chunk
				bad,                      // 3: invalid
				nin,                      // 4
				ninDup,                   // 5: NIN held by 4
				forced,                   // 6: forced
			}, "pu_1")
			require.NoError(t, err)
			require.Len(t, res.Duplicates, 2)
			assert.Equal(t, 0, res.Duplicates[0].Index)
			assert.Equal(t, first.Record.MPIID, res.Duplicates[0].ExistingID)
			assert.Equal(t, 2, res.Duplicates[1].Index)
			require.Len(t, res.Created, 3)
			assert.Equal(t, res.Created[0].MPIID, res.Duplicates[1].ExistingID, "matched the chunk's own new record")
			assert.True(t, res.Created[2].Forced)
			require.Len(t, res.Rejected, 2)
			assert.Equal(t, "region_code", res.Rejected[0].Err.Field)
			assert.Equal(t, "mpi.external_id_taken", res.Rejected[1].Err.Code)

			got, err := f.svc.ResolveDHIS2(ctx, "prog_a", "none")
			assert.Error(t, err)
			_ = got
			r, err := f.svc.Get(ctx, "prog_a", res.Created[1].MPIID)
			require.NoError(t, err)
			assert.Equal(t, "N1", r.ExternalIDs[mpi.ExtNIN])
			recs, _, err := f.audit.ListAudit(ctx, ports.AuditFilter{Action: "mpi.import"})
			require.NoError(t, err)
			require.Len(t, recs, 1, "one audit record per chunk")
			assert.Contains(t, string(recs[0].Details), res.Created[2].MPIID)
		})
	}
}

func TestTrustMeRisksAndRecompute(t *testing.T) {
	f := newFixture(t, sqlstore.SQLite)
	ctx := context.Background()
	_, err := f.svc.Me(ctx, "prog_a", "pu_1")
	assert.Equal(t, "mpi.no_linked_record", mustFault(t, err).Code)

	mine := reg("Awa", "Sow")
	mine.ExternalIDs = map[string]string{mpisvc.ExtProgrammeUser: "pu_1"}
	a, err := f.svc.Register(ctx, "prog_a", mine)
	require.NoError(t, err)
	tr, err := f.svc.Me(ctx, "prog_a", "pu_1")
	require.NoError(t, err)
	assert.Equal(t, a.Record.MPIID, tr.MPIID)
	assert.Equal(t, 20.0, tr.Score, "phone 10 + dob 10")
	assert.Equal(t, mpi.LevelCritical, tr.Level)

	near := reg("Awa", "Sow")
	near.DateOfBirth, near.PhoneNumber = "1991-02-01", "+221770009999"
	_, err = f.svc.Register(ctx, "prog_a", near)
	require.NoError(t, err)
	risks, err := f.svc.Risks(ctx, "prog_a", a.Record.MPIID)
	require.NoError(t, err)
	require.Len(t, risks, 1)
	assert.Equal(t, mpi.RiskProbableDuplicate, risks[0].Type)
	assert.Equal(t, mpi.SeverityHigh, risks[0].Severity)
	h, err := f.svc.TrustHistory(ctx, "prog_a", a.Record.MPIID, 10)
	require.NoError(t, err)
	assert.Len(t, h, 1, "reading risks does not append to the history")

	out, err := f.svc.RecomputeAll(ctx, "prog_a")
	require.NoError(t, err)
	assert.Equal(t, 2, out.Recomputed)
	h, err = f.svc.TrustHistory(ctx, "prog_a", a.Record.MPIID, 10)
	require.NoError(t, err)
	require.Len(t, h, 2)
	assert.Equal(t, 0.0, h[1].Score, "20 − duplicate 20 after the near twin arrived")
}
