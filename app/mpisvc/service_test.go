package mpisvc_test

import (
	"context"
	"crypto/rand"
	"flag"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/app/auditsvc"
	"github.com/kente-gov/kente/app/mpisvc"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/mpi"
	"github.com/kente-gov/kente/core/mpi/mpitest"
	"github.com/kente-gov/kente/ports"
	"github.com/kente-gov/kente/test/testkit"
)

var benchSize = flag.Int("mpi.size", 10_000, "records registered by BenchmarkRegisterSynthetic (100000 for the full run)")

type fixture struct {
	svc   *mpisvc.Service
	db    *sqlstore.DB
	audit *sqlstore.AuditLog
	clock *testkit.Clock
}

func newFixture(t testing.TB, d sqlstore.Dialect) fixture {
	db := sqltest.Fresh(t, d)
	clock := testkit.NewClock(time.Date(2026, 11, 23, 13, 3, 0, 0, time.UTC))
	log := sqlstore.NewAuditLog(db)
	store := sqlstore.NewMPIStore(db)
	svc := mpisvc.New(store, store, db, auditsvc.New(log, clock, rand.Reader, nil), nil, clock, rand.Reader, mpisvc.DefaultConfig())
	return fixture{svc: svc, db: db, audit: log, clock: clock}
}

func reg(first, last string) mpisvc.Registration {
	return mpisvc.Registration{FirstName: first, LastName: last, DateOfBirth: "1990-05-03", Gender: "F",
		RegionCode: "dkr", CountryCode: "sn", PhoneNumber: "+221771234567", ActorID: "pu_1"}
}

func TestRegisterDuplicateMergeTrust(t *testing.T) {
	f := newFixture(t, sqlstore.SQLite)
	ctx := context.Background()

	a, err := f.svc.Register(ctx, "prog_a", reg("Fatou", "Diallo"))
	require.NoError(t, err)
	assert.Regexp(t, `^SN-DKR-26-[0-9A-Z]{8}$`, a.Record.MPIID)

	_, err = f.svc.Register(ctx, "prog_a", reg("Diallo", "FATOU"))
	fe, ok := fault.As(err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, fault.Conflict, fe.Kind)
	assert.Equal(t, "mpi.duplicate_detected", fe.Code)
	assert.Equal(t, a.Record.MPIID, fe.Extra["existing_mpi_id"])
	assert.Equal(t, 1.0, fe.Extra["similarity_score"])
	assert.Contains(t, fe.Extra["matched_fields"], "name_swapped")

	_, err = f.svc.Register(ctx, "prog_b", reg("Fatou", "Diallo"))
	require.NoError(t, err, "another programme is another tenant")

	forced := reg("Fatou", "Jallow")
	forced.ForceCreate = true
	b, err := f.svc.Register(ctx, "prog_a", forced)
	require.NoError(t, err)
	recs, _, err := f.audit.ListAudit(ctx, ports.AuditFilter{Action: "mpi.register_forced"})
	require.NoError(t, err)
	require.Len(t, recs, 1)
	assert.Equal(t, b.Record.MPIID, recs[0].TargetID)

	tr, err := f.svc.ComputeTrust(ctx, "prog_a", b.Record.MPIID)
	require.NoError(t, err)
	assert.Equal(t, 0.0, tr.Score, "phone 10 + dob 10 − duplicate 20")
	require.Len(t, tr.Risks, 1)
	assert.Equal(t, mpi.RiskProbableDuplicate, tr.Risks[0].Type)
	assert.Contains(t, tr.Risks[0].Description, "score 100/100")

	_, err = f.svc.Merge(ctx, "prog_a", b.Record.MPIID, a.Record.MPIID, " ", "pu_1")
	assert.Equal(t, "reason", mustFault(t, err).Field)
	merged, err := f.svc.Merge(ctx, "prog_a", b.Record.MPIID, a.Record.MPIID, "same person", "pu_1")
	require.NoError(t, err)
	assert.Equal(t, a.Record.MPIID, merged.MPIID)
	got, err := f.svc.Get(ctx, "prog_a", b.Record.MPIID)
	require.NoError(t, err)
	assert.Equal(t, a.Record.MPIID, got.MPIID, "merged_into redirect")

	tr, err = f.svc.ComputeTrust(ctx, "prog_a", a.Record.MPIID)
	require.NoError(t, err)
	assert.Equal(t, 20.0, tr.Score, "no duplicate once merged")
	hist, err := f.svc.TrustHistory(ctx, "prog_a", a.Record.MPIID, 10)
	require.NoError(t, err)
	assert.Len(t, hist, 1)

	_, err = f.svc.LinkDHIS2(ctx, "prog_a", a.Record.MPIID, "dhisUID0001", "https://dhis2.example.org")
	require.NoError(t, err)
	res, err := f.svc.ResolveDHIS2(ctx, "prog_a", "dhisUID0001")
	require.NoError(t, err)
	assert.Equal(t, a.Record.MPIID, res.MPIID)

	out, err := f.svc.RecomputeAll(ctx, "prog_a")
	require.NoError(t, err)
	assert.Equal(t, 1, out.Recomputed)
}

func mustFault(t *testing.T, err error) *fault.Error {
	t.Helper()
	fe, ok := fault.As(err)
	require.True(t, ok, "%v", err)
	return fe
}

func TestRegisterValidation(t *testing.T) {
	f := newFixture(t, sqlstore.SQLite)
	tests := []struct {
		field string
		give  func(*mpisvc.Registration)
	}{
		{"first_name", func(r *mpisvc.Registration) { r.FirstName = " " }},
		{"last_name", func(r *mpisvc.Registration) { r.LastName = "123" }},
		{"region_code", func(r *mpisvc.Registration) { r.RegionCode = "DK" }},
		{"country_code", func(r *mpisvc.Registration) { r.CountryCode = "XX" }},
		{"phone_number", func(r *mpisvc.Registration) { r.PhoneNumber = "0771234567" }},
		{"date_of_birth", func(r *mpisvc.Registration) { r.DateOfBirth = "2030-01-01" }},
		{"date_of_birth", func(r *mpisvc.Registration) { r.DateOfBirth = "03/05/1990" }},
		{"gender", func(r *mpisvc.Registration) { r.Gender = "X" }},
		{"external_ids.a=b", func(r *mpisvc.Registration) { r.ExternalIDs = map[string]string{"a=b": "1"} }},
	}
	for _, tt := range tests {
		r := reg("Awa", "Sow")
		tt.give(&r)
		_, err := f.svc.Register(context.Background(), "prog_a", r)
		fe := mustFault(t, err)
		assert.Equal(t, fault.Invalid, fe.Kind)
		assert.Equal(t, tt.field, fe.Field)
	}
}

// BenchmarkRegisterSynthetic registers -mpi.size synthetic records (5%
// planted duplicates) through Register on SQLite, one transaction and one
// audit record each, and reports records/s, peak heap, and precision and
// recall of the 409s. Run: go test -tags nomsgpack -run '^$' -bench
// RegisterSynthetic -benchtime 1x ./app/mpisvc/ [-args -mpi.size=100000].
func BenchmarkRegisterSynthetic(b *testing.B) {
	ds := mpitest.Generate(mpitest.Defaults(20261123, *benchSize))
	for b.Loop() {
		b.StopTimer()
		f := newFixture(b, sqlstore.SQLite)
		ctx := context.Background()
		runtime.GC()
		var peak uint64
		var ms runtime.MemStats
		b.StartTimer()
		start := time.Now()
		seen := map[int]bool{}
		owner := map[string]int{}
		dups, tp, fp := 0, 0, 0
		for i, l := range ds {
			r := l.Record
			in := mpisvc.Registration{FirstName: r.FirstName, LastName: r.LastName, Gender: string(r.Gender),
				RegionCode: r.RegionCode, District: r.District, CountryCode: r.CountryCode, PhoneNumber: r.PhoneNumber,
				ExternalIDs: r.ExternalIDs}
			if !r.DateOfBirth.IsZero() {
				in.DateOfBirth = r.DateOfBirth.Format("2006-01-02")
			}
			if seen[l.Person] {
				dups++
			}
			seen[l.Person] = true
			got, err := f.svc.Register(ctx, "prog_bench", in)
			if fe, ok := fault.As(err); ok && fe.Code == "mpi.duplicate_detected" {
				if owner[fe.Extra["existing_mpi_id"].(string)] == l.Person {
					tp++
				} else {
					fp++
				}
				continue
			} else if fe, ok := fault.As(err); ok && fe.Code == "mpi.external_id_taken" {
				continue // a re-entered NIN of an undetected duplicate
			} else if err != nil {
				b.Fatal(err)
			}
			owner[got.Record.MPIID] = l.Person
			if i%1000 == 0 {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
		}
		elapsed := time.Since(start)
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
		b.ReportMetric(float64(len(ds))/elapsed.Seconds(), "records/s")
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		b.ReportMetric(float64(tp)/float64(max(1, tp+fp)), "precision")
		b.ReportMetric(float64(tp)/float64(max(1, dups)), "recall")
	}
}
