package mpisvc

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/job"
	"github.com/kente-gov/kente/core/mpi"
	"github.com/kente-gov/kente/ports"
)

// ExtProgrammeUser is the external id key that links a record to a
// programme user account: the record whose external_ids.programme_user is
// the caller's user id is the caller's own record for /mpi/trust/me. Like
// every external id it is unique per programme.
const ExtProgrammeUser = "programme_user"

var errNoOwnRecord = fault.New(fault.NotFound, "mpi.no_linked_record",
	"No MPI record is linked to this account (set external_ids.programme_user to your user id)")

// Trust returns the record's latest trust score, computing (and recording)
// one when it has none yet. A merged id answers for its canonical record.
func (s *Service) Trust(ctx context.Context, programmeID, mpiID string) (mpi.Trust, error) {
	r, err := s.Get(ctx, programmeID, mpiID)
	if err != nil {
		return mpi.Trust{}, err
	}
	h, err := s.trust.TrustHistory(ctx, programmeID, r.MPIID, 1)
	if err != nil {
		return mpi.Trust{}, err
	}
	if len(h) == 1 {
		return h[0], nil
	}
	return s.computeTrust(ctx, r)
}

// Me returns the trust score of the record linked to the programme user
// userID (see ExtProgrammeUser); fault.NotFound "mpi.no_linked_record"
// when no active record is linked.
func (s *Service) Me(ctx context.Context, programmeID, userID string) (mpi.Trust, error) {
	r, err := s.records.RecordByExternalID(ctx, programmeID, ExtProgrammeUser, userID)
	if fault.Is(err, fault.NotFound) {
		return mpi.Trust{}, errNoOwnRecord
	}
	if err != nil {
		return mpi.Trust{}, err
	}
	return s.Trust(ctx, programmeID, r.MPIID)
}

// Risks returns the record's active risk signals, evaluated now from the
// record and its current duplicates. Reading risks does not append to the
// trust history; ComputeTrust does.
func (s *Service) Risks(ctx context.Context, programmeID, mpiID string) ([]mpi.Risk, error) {
	r, err := s.Get(ctx, programmeID, mpiID)
	if err != nil {
		return nil, err
	}
	t, err := s.evaluate(ctx, r)
	if err != nil {
		return nil, err
	}
	return t.Risks, nil
}

// evaluate computes r's trust now without recording it.
func (s *Service) evaluate(ctx context.Context, r mpi.Record) (mpi.Trust, error) {
	best, m, _, err := s.best(ctx, r)
	if err != nil {
		return mpi.Trust{}, err
	}
	legal, err := s.legal.RequiresLegalID(ctx, r.ProgrammeID)
	if err != nil {
		return mpi.Trust{}, err
	}
	return mpi.ComputeTrust(r, mpi.TrustInput{BestDuplicateScore: m.Score, DuplicateOf: best.MPIID,
		RequiresLegalID: legal, DuplicateThreshold: s.cfg.Bands.Probable}, s.clock.Now()), nil
}

// RecomputeKind is the job kind of a batch trust recompute; its payload is
// {"programme_id": "..."}.
const RecomputeKind = "mpi.trust_recompute"

type recomputePayload struct {
	ProgrammeID string `json:"programme_id"`
}

// EnqueueRecompute queues a batch recompute of programmeID's trust scores
// on q and returns the job id.
func (s *Service) EnqueueRecompute(ctx context.Context, q ports.JobQueue, programmeID string) (string, error) {
	if programmeID == "" {
		return "", fault.Field("programme_id", "mpi.invalid_programme", "programme_id is required")
	}
	b, err := json.Marshal(recomputePayload{ProgrammeID: programmeID})
	if err != nil {
		return "", fmt.Errorf("encode recompute payload: %w", err)
	}
	return q.Enqueue(ctx, RecomputeKind, b, job.Options{})
}

// RecomputeHandler runs a queued batch recompute (kind RecomputeKind).
// Running it twice only appends a second score per record, so it is safe
// to retry.
func (s *Service) RecomputeHandler(ctx context.Context, j job.Job) error {
	var p recomputePayload
	if err := json.Unmarshal(j.Payload, &p); err != nil || p.ProgrammeID == "" {
		return fmt.Errorf("recompute job %s: bad payload: %w", j.ID, errBadPayload)
	}
	_, err := s.RecomputeAll(ctx, p.ProgrammeID)
	return err
}

var errBadPayload = fault.New(fault.Invalid, "mpi.bad_job_payload", "The job payload has no programme_id")
