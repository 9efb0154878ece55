package mpi_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kente-gov/kente/core/mpi"
	"github.com/kente-gov/kente/core/mpi/mpitest"
)

// linkageResult counts how registering records in order, each matched
// against the earlier records that share a blocking key, finds the planted
// duplicates.
type linkageResult struct {
	records, duplicates         int // duplicates: records whose person came earlier
	tp, fp                      int // at the Certain band
	tpProbable, fpProbable      int // at the Probable band
	comparisons                 int
	missedByBlocking            int
	missedKinds, falseProbables map[string]int
}

func (r linkageResult) precision() float64 { return float64(r.tp) / float64(max(1, r.tp+r.fp)) }
func (r linkageResult) recall() float64    { return float64(r.tp) / float64(max(1, r.duplicates)) }
func (r linkageResult) precisionProbable() float64 {
	return float64(r.tpProbable) / float64(max(1, r.tpProbable+r.fpProbable))
}
func (r linkageResult) recallProbable() float64 {
	return float64(r.tpProbable) / float64(max(1, r.duplicates))
}

// link runs the matcher over ds with an in-memory blocking index. A record
// is predicted a duplicate when its best match scores in the band; the
// prediction is right when that best match is the same person.
func link(ds []mpitest.Labelled, bands mpi.Bands) linkageResult {
	res := linkageResult{records: len(ds), missedKinds: map[string]int{}, falseProbables: map[string]int{}}
	index := map[string][]int{}
	profiles := make([]mpi.Profile, len(ds))
	seen := map[int]bool{}
	for i, l := range ds {
		profiles[i] = mpi.Prepare(l.Record)
		isDup := seen[l.Person]
		seen[l.Person] = true
		if isDup {
			res.duplicates++
		}
		keys := profiles[i].BlockingKeys(l.Record.PhoneNumber)
		cands := map[int]bool{}
		for _, k := range profiles[i].MatchKeys(l.Record.PhoneNumber) {
			for _, j := range index[k] {
				cands[j] = true
			}
		}
		best, bestScore, blockedTruth := -1, 0.0, false
		var bestMatch mpi.Match
		for j := range cands {
			res.comparisons++
			blockedTruth = blockedTruth || ds[j].Person == l.Person
			if m := mpi.Score(profiles[i], profiles[j], mpi.DefaultWeights()); m.Score > bestScore {
				best, bestScore, bestMatch = j, m.Score, m
			}
		}
		if isDup && !blockedTruth {
			res.missedByBlocking++
		}
		same := best >= 0 && ds[best].Person == l.Person
		band := bands.Decide(bestMatch)
		switch {
		case band == mpi.BandCertain && same:
			res.tp++
			res.tpProbable++
		case band == mpi.BandCertain:
			res.fp++
			res.fpProbable++
		case band == mpi.BandProbable && same:
			res.tpProbable++
		case band == mpi.BandProbable:
			res.fpProbable++
		}
		if isDup && !(same && band == mpi.BandCertain) {
			res.missedKinds[l.Kind]++
		}
		for _, k := range keys {
			index[k] = append(index[k], i)
		}
	}
	return res
}

// TestLinkagePrecisionRecall measures the matcher on 20,000 synthetic
// records (5% planted duplicates, households, twins) at the default bands.
// Floors are set a little under the measured values (see the log).
func TestLinkagePrecisionRecall(t *testing.T) {
	ds := mpitest.Generate(mpitest.Defaults(20261123, 20_000))
	res := link(ds, mpi.DefaultBands())
	t.Logf("records %d, planted duplicates %d, comparisons %d (%.1f per record), missed by blocking %d",
		res.records, res.duplicates, res.comparisons, float64(res.comparisons)/float64(res.records), res.missedByBlocking)
	t.Logf("certain (≥0.95): precision %.4f recall %.4f (tp %d fp %d); probable (≥0.75): precision %.4f recall %.4f",
		res.precision(), res.recall(), res.tp, res.fp, res.precisionProbable(), res.recallProbable())
	t.Logf("missed at certain, by kind: %v", res.missedKinds)
	assert.Greater(t, res.duplicates, 900)
	assert.GreaterOrEqual(t, res.precision(), 0.98, "measured 0.9945")
	assert.GreaterOrEqual(t, res.recall(), 0.90, "measured 0.910")
	assert.GreaterOrEqual(t, res.recallProbable(), res.recall())
	assert.Less(t, res.comparisons, res.records*20, "blocking compares far fewer than all pairs")
}

func TestGeneratorIsDeterministic(t *testing.T) {
	a := mpitest.Generate(mpitest.Defaults(7, 500))
	b := mpitest.Generate(mpitest.Defaults(7, 500))
	assert.Equal(t, a, b)
	assert.Len(t, a, 500)
	seen := map[int]bool{}
	dups, households := 0, map[string]int{}
	for _, l := range a {
		if seen[l.Person] {
			dups++
			assert.NotEmpty(t, l.Kind, "a duplicate says how it was made")
		} else {
			assert.Empty(t, l.Kind)
		}
		seen[l.Person] = true
		if l.Record.PhoneNumber != "" {
			households[l.Record.PhoneNumber]++
		}
	}
	assert.Equal(t, 25, dups)
	shared := 0
	for _, n := range households {
		if n > 1 {
			shared++
		}
	}
	assert.Greater(t, shared, 10, "households share phones")
	assert.NotEqual(t, a, mpitest.Generate(mpitest.Defaults(8, 500)))
}
