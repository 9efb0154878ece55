package mpisvc

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/mpi"
	"github.com/kente-gov/kente/ports"
)

// MaxImportChunk bounds the registrations of one Import call: one
// transaction, one candidate read and one audit record per chunk.
const MaxImportChunk = 1000

// ImportResult says what became of each registration of an Import chunk,
// by its index in the chunk.
type ImportResult struct {
	Created    []Imported
	Duplicates []ImportDuplicate
	Rejected   []ImportRejected
}

// Imported is a registration that became a record.
type Imported struct {
	Index  int
	MPIID  string
	Forced bool // created although a certain duplicate exists (ForceCreate)
}

// ImportDuplicate is a registration not created because an active record
// (already stored, or created earlier in the same chunk) is certainly the
// same person.
type ImportDuplicate struct {
	Index      int
	ExistingID string
	Match      mpi.Match
}

// ImportRejected is a registration refused: invalid input
// (fault.Invalid naming the field) or an external id another record holds
// (fault.Conflict "mpi.external_id_taken").
type ImportRejected struct {
	Index int
	Err   *fault.Error
}

var errNoBulk = fault.New(fault.NotImplemented, "mpi.bulk_unsupported", "This MPI store has no bulk import")

// Import registers a chunk of at most MaxImportChunk records with the
// rules of Register, in one transaction: the candidates of the whole chunk
// are read with a few statements, records earlier in the chunk are matched
// through an in-memory blocking index (so duplicates within a chunk are
// caught), the new records are written with multi-row inserts, and one
// summary audit record "mpi.import" lists the created, forced, duplicate
// and rejected counts and the forced MPI ids. Per-record outcomes are in
// the result; an error aborts the chunk with nothing written. The store
// must implement ports.MPIBulkStore (fault.NotImplemented otherwise).
func (s *Service) Import(ctx context.Context, programmeID string, in []Registration, actorID string) (ImportResult, error) {
	bulk, ok := s.records.(ports.MPIBulkStore)
	if !ok {
		return ImportResult{}, errNoBulk
	}
	if len(in) > MaxImportChunk {
		return ImportResult{}, fault.Field("records", "mpi.import_too_large", fmt.Sprintf("at most %d records per import", MaxImportChunk))
	}
	now := s.clock.Now()
	var res ImportResult
	recs := make([]mpi.Record, len(in))
	ok2 := make([]bool, len(in))
	for i, r := range in {
		rec, err := s.validate(programmeID, r, now)
		if err != nil {
			fe, _ := fault.As(err)
			res.Rejected = append(res.Rejected, ImportRejected{Index: i, Err: fe})
			continue
		}
		recs[i], ok2[i] = rec, true
	}
	rejected := res.Rejected
	for attempt := 1; ; attempt++ {
		res = ImportResult{Rejected: slices.Clone(rejected)}
		err := s.tx.WithinTx(ctx, func(ctx context.Context) error {
			return s.importChunk(ctx, bulk, programmeID, in, recs, ok2, actorID, &res)
		})
		if fe, isF := fault.As(err); isF && fe.Code == "mpi.id_taken" && attempt < idAttempts {
			continue
		}
		if err != nil {
			return ImportResult{}, err
		}
		slices.SortFunc(res.Rejected, func(a, b ImportRejected) int { return a.Index - b.Index })
		return res, nil
	}
}

// chunkIndex is the in-memory blocking index of one chunk: the stored
// candidates read for it, then the chunk's new records as they are
// accepted.
type chunkIndex struct {
	byKey    map[string][]string // blocking key → MPI ids
	profiles map[string]mpi.Profile
}

func (s *Service) loadIndex(ctx context.Context, bulk ports.MPIBulkStore, programmeID string, keys []string) (chunkIndex, error) {
	slices.Sort(keys)
	keys = slices.Compact(keys)
	ix := chunkIndex{profiles: map[string]mpi.Profile{}}
	byKey, stored, err := bulk.BlockedRecords(ctx, programmeID, keys, s.cfg.Candidates)
	if err != nil {
		return ix, err
	}
	ix.byKey = byKey
	for _, r := range stored {
		ix.profiles[r.MPIID] = mpi.Prepare(r)
	}
	return ix, nil
}

// best returns the best-scoring indexed record against p under keys,
// skipping self; ties go to the smaller MPI id.
func (ix chunkIndex) best(p mpi.Profile, keys []string, self string, w mpi.Weights) (string, mpi.Match) {
	var bestID string
	var bestM mpi.Match
	seen := map[string]bool{self: true}
	for _, k := range keys {
		for _, id := range ix.byKey[k] {
			if seen[id] {
				continue
			}
			seen[id] = true
			q, ok := ix.profiles[id]
			if !ok {
				continue
			}
			m := mpi.Score(p, q, w)
			if m.Score > bestM.Score || m.Score == bestM.Score && bestID != "" && id < bestID {
				bestID, bestM = id, m
			}
		}
	}
	return bestID, bestM
}

func (s *Service) importChunk(ctx context.Context, bulk ports.MPIBulkStore, programmeID string, in []Registration,
	recs []mpi.Record, valid []bool, actorID string, res *ImportResult) error {
	now := s.clock.Now()
	profiles := make([]mpi.Profile, len(recs))
	keys := make([][]string, len(recs))
	var all []string
	for i := range recs {
		if !valid[i] {
			continue
		}
		profiles[i] = mpi.Prepare(recs[i])
		keys[i] = profiles[i].MatchKeys(recs[i].PhoneNumber)
		all = append(all, keys[i]...)
	}
	ix, err := s.loadIndex(ctx, bulk, programmeID, all)
	if err != nil {
		return err
	}
	taken := map[string]bool{}
	var created []mpi.Record
	var forced []string
	for i := range recs {
		if !valid[i] {
			continue
		}
		r := recs[i]
		bestID, m := ix.best(profiles[i], keys[i], "", s.cfg.Weights)
		certain := bestID != "" && s.cfg.Bands.Decide(m) == mpi.BandCertain
		if certain && !in[i].ForceCreate {
			res.Duplicates = append(res.Duplicates, ImportDuplicate{Index: i, ExistingID: bestID, Match: m})
			continue
		}
		if k := heldExternal(ix, keys[i]); k != "" {
			res.Rejected = append(res.Rejected, ImportRejected{Index: i, Err: &fault.Error{Kind: fault.Conflict,
				Code: "mpi.external_id_taken", Msg: "Another record already holds this external id", Field: "external_ids." + k}})
			continue
		}
		for {
			if r.MPIID, err = mpi.NewID(s.rand, r.CountryCode, r.RegionCode, now); err != nil {
				return err
			}
			if !taken[r.MPIID] && ix.profiles[r.MPIID].Region == "" {
				break
			}
		}
		taken[r.MPIID] = true
		created = append(created, r)
		res.Created = append(res.Created, Imported{Index: i, MPIID: r.MPIID, Forced: certain})
		if certain {
			forced = append(forced, r.MPIID)
		}
		ix.profiles[r.MPIID] = profiles[i]
		for _, k := range profiles[i].BlockingKeys(r.PhoneNumber) {
			ix.byKey[k] = append(ix.byKey[k], r.MPIID)
		}
	}
	if err := bulk.CreateRecords(ctx, created); err != nil {
		return err
	}
	if forced == nil {
		forced = []string{}
	}
	return s.record(ctx, actorID, "mpi.import", programmeID, map[string]any{"programme_id": programmeID,
		"created": len(res.Created), "forced": len(forced), "forced_mpi_ids": forced,
		"duplicates": len(res.Duplicates), "rejected": len(res.Rejected)})
}

// heldExternal returns the key of an external id in keys ("x:key=value")
// that an indexed record already holds, or "".
func heldExternal(ix chunkIndex, keys []string) string {
	for _, k := range keys {
		if rest, ok := strings.CutPrefix(k, "x:"); ok && len(ix.byKey[k]) > 0 {
			name, _, _ := strings.Cut(rest, "=")
			return name
		}
	}
	return ""
}

// bestOfMany returns, for each active record of rs, its best-scoring other
// active record of the programme under its blocking keys, reading the
// candidates of all of rs at once when the store allows.
func (s *Service) bestOfMany(ctx context.Context, programmeID string, rs []mpi.Record) ([]scored, error) {
	out := make([]scored, len(rs))
	bulk, ok := s.records.(ports.MPIBulkStore)
	if !ok {
		for i, r := range rs {
			best, m, _, err := s.best(ctx, r)
			if err != nil {
				return nil, err
			}
			out[i] = scored{best, m}
		}
		return out, nil
	}
	profiles := make([]mpi.Profile, len(rs))
	keys := make([][]string, len(rs))
	var all []string
	for i, r := range rs {
		profiles[i] = mpi.Prepare(r)
		keys[i] = profiles[i].MatchKeys(r.PhoneNumber)
		all = append(all, keys[i]...)
	}
	ix, err := s.loadIndex(ctx, bulk, programmeID, all)
	if err != nil {
		return nil, err
	}
	for i, r := range rs {
		id, m := ix.best(profiles[i], keys[i], r.MPIID, s.cfg.Weights)
		out[i] = scored{mpi.Record{MPIID: id}, m}
	}
	return out, nil
}
