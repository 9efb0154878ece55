package ports

import (
	"context"

	"github.com/kente-gov/kente/core/mpi"
)

// MPIRecordStore keeps master patient index records of one or more
// programmes. Every method is scoped to programmeID, the tenant: a record
// of another programme is fault.NotFound. The store derives each active
// record's blocking keys (mpi.BlockingKeys) and external-id index itself on
// every write, so they never drift from the record. It takes part in the
// transaction of a ctx from Tx.WithinTx.
type MPIRecordStore interface {
	// CreateRecord stores a new record. A taken MPI id is fault.Conflict
	// "mpi.id_taken" (callers retry with a fresh id); an external id value
	// already held by another active record of the programme under the same
	// key is fault.Conflict "mpi.external_id_taken".
	CreateRecord(ctx context.Context, r mpi.Record) error
	// Record returns the record, active or merged; fault.NotFound when absent.
	Record(ctx context.Context, programmeID, mpiID string) (mpi.Record, error)
	// Candidates returns up to limit active records sharing at least one of
	// keys, ordered by MPI id.
	Candidates(ctx context.Context, programmeID string, keys []string, limit int) ([]mpi.Record, error)
	// SearchRecords returns the active records matching f, ordered by MPI
	// id, and how many match in all.
	SearchRecords(ctx context.Context, programmeID string, f MPIFilter) ([]mpi.Record, int, error)
	// UpdateRecord loads the record with its row locked, applies fn and
	// stores the result (keys re-derived). fn may run more than once and
	// must have no side effects; its error aborts with nothing written. fn
	// cannot change the MPI id or programme. fault.NotFound when absent;
	// fault.Conflict as CreateRecord.
	UpdateRecord(ctx context.Context, programmeID, mpiID string, fn func(*mpi.Record) error) (mpi.Record, error)
	// RecordByExternalID returns the active record holding external id
	// key=value; fault.NotFound when none does.
	RecordByExternalID(ctx context.Context, programmeID, key, value string) (mpi.Record, error)
	// RecordsAfter returns up to limit records (active and merged) with an
	// MPI id greater than afterID, in MPI id order: a keyset page.
	RecordsAfter(ctx context.Context, programmeID, afterID string, limit int) ([]mpi.Record, error)
	// RepointMerged sets merged_into to toID on every record whose
	// merged_into is fromID (earlier merges into a record now merged
	// itself), and returns how many it changed.
	RepointMerged(ctx context.Context, programmeID, fromID, toID string) (int, error)
}

// MPIFilter selects records. Zero fields match everything.
type MPIFilter struct {
	Name        string // normalised words that must all appear in the name
	MPIID       string
	RegionCode  string
	PhoneNumber string
	DateOfBirth string // YYYY-MM-DD
	Limit       int    // 1–100; the store applies 20 when zero
	Offset      int
}

// TrustStore keeps the history of Health Trust Scores.
type TrustStore interface {
	// AppendTrust stores one computed score of a record of programmeID.
	AppendTrust(ctx context.Context, programmeID string, t mpi.Trust) error
	// TrustHistory returns the newest limit scores of mpiID, oldest first
	// (ties in insertion order); empty when there are none.
	TrustHistory(ctx context.Context, programmeID, mpiID string, limit int) ([]mpi.Trust, error)
}
