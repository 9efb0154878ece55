package mpisvc_test

import (
	"context"
	"flag"
	"runtime"
	"testing"
	"time"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/app/mpisvc"
	"github.com/kente-gov/kente/core/mpi"
	"github.com/kente-gov/kente/core/mpi/mpitest"
)

// importChunk is the chunk size of the import benchmark: records per
// Import call (at most mpisvc.MaxImportChunk).
var importChunk = flag.Int("mpi.chunk", 500, "records per Import call in BenchmarkImportSynthetic (1–1000)")

func registrationOf(r mpi.Record) mpisvc.Registration {
	in := mpisvc.Registration{FirstName: r.FirstName, LastName: r.LastName, Gender: string(r.Gender),
		RegionCode: r.RegionCode, District: r.District, CountryCode: r.CountryCode, PhoneNumber: r.PhoneNumber,
		ExternalIDs: r.ExternalIDs}
	if !r.DateOfBirth.IsZero() {
		in.DateOfBirth = r.DateOfBirth.Format("2006-01-02")
	}
	return in
}

// BenchmarkImportSynthetic imports -mpi.size synthetic records (5% planted
// duplicates, households, twins) through Import on SQLite in chunks of -mpi.chunk
// (500 by default; one transaction and one audit record each), then recomputes every trust
// score, and reports import records/s, recompute records/s, peak heap, and
// the precision and recall of the duplicates found. Run:
//
//	go test -tags nomsgpack -run '^$' -bench ImportSynthetic -benchtime 1x ./app/mpisvc/ -args -mpi.size=100000
func BenchmarkImportSynthetic(b *testing.B) {
	ds := mpitest.Generate(mpitest.Defaults(20261123, *benchSize))
	for b.Loop() {
		b.StopTimer()
		f := newFixture(b, sqlstore.SQLite)
		ctx := context.Background()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		base, peak := ms.HeapInuse, ms.HeapInuse
		b.StartTimer()
		start := time.Now()
		seen := map[int]bool{}
		owner := map[string]int{}
		dups, tp, fp, rejected := 0, 0, 0, 0
		chunk := make([]mpisvc.Registration, 0, *importChunk)
		for lo := 0; lo < len(ds); lo += *importChunk {
			part := ds[lo:min(lo+*importChunk, len(ds))]
			chunk = chunk[:0]
			for _, l := range part {
				if seen[l.Person] {
					dups++
				}
				seen[l.Person] = true
				chunk = append(chunk, registrationOf(l.Record))
			}
			res, err := f.svc.Import(ctx, "prog_bench", chunk, "pu_bench")
			if err != nil {
				b.Fatal(err)
			}
			for _, c := range res.Created {
				owner[c.MPIID] = part[c.Index].Person
			}
			for _, d := range res.Duplicates {
				if owner[d.ExistingID] == part[d.Index].Person {
					tp++
				} else {
					fp++
				}
			}
			rejected += len(res.Rejected)
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
		elapsed := time.Since(start)
		rstart := time.Now()
		out, err := f.svc.RecomputeAll(ctx, "prog_bench")
		if err != nil {
			b.Fatal(err)
		}
		relapsed := time.Since(rstart)
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
		b.ReportMetric(float64(len(ds))/elapsed.Seconds(), "records/s")
		b.ReportMetric(float64(out.Recomputed)/relapsed.Seconds(), "recomputed/s")
		b.ReportMetric(float64(peak-base)/(1<<20), "peak-heap-MiB")
		b.ReportMetric(float64(tp)/float64(max(1, tp+fp)), "precision")
		b.ReportMetric(float64(tp)/float64(max(1, dups)), "recall")
		b.ReportMetric(float64(rejected), "rejected")
		b.ReportMetric(float64(dups), "planted")
	}
}
