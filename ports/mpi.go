package ports

import (
	"context"
	"time"

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
	// keys: those sharing the most keys first, then the most recently
	// registered, then by MPI id, so the cut of a large block is
	// deterministic and keeps the likeliest matches.
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

// MPIBulkStore is the optional bulk capability of an MPIRecordStore, used
// by imports to match and store a chunk of records with a few statements
// instead of several per record. It takes part in the transaction of a ctx
// from Tx.WithinTx.
type MPIBulkStore interface {
	// BlockedRecords returns the active records of the programme filed
	// under any of keys: for each key held by at least one, the MPI ids
	// under it (in MPI id order), and each such record once (in MPI id
	// order), carrying only what record linkage reads (MPI id, programme,
	// names, birth date, gender, region, district, country, phone,
	// external ids, status); its other fields are zero. A key holding more
	// than perKey records (1–1000; 1000 when zero) gives its perKey most
	// recently registered, ties by MPI id: a deterministic cut that keeps
	// the records a re-registration most likely repeats.
	BlockedRecords(ctx context.Context, programmeID string, keys []string, perKey int) (map[string][]string, []mpi.Record, error)
	// CreateRecords stores new records as CreateRecord does, all or
	// nothing, with the same fault.Conflict codes.
	CreateRecords(ctx context.Context, rs []mpi.Record) error
}

// MPIRegistryStore is the optional cross-programme read capability of an
// MPIRecordStore, for platform administrators (GET /mpi/admin/stats/global
// and /mpi/admin/all). Unlike every other MPI method it is not scoped to
// one programme.
type MPIRegistryStore interface {
	// RegistryStats counts the records of every programme; merges counts
	// the records merged at or after since.
	RegistryStats(ctx context.Context, since time.Time) (MPIStats, error)
	// AllRecords returns the records (active and merged) of every
	// programme matching f, ordered by MPI id, and how many match in all.
	AllRecords(ctx context.Context, f MPIAdminFilter) ([]mpi.Record, int, error)
}

// MPIStats are registry-wide counts.
type MPIStats struct {
	TotalRecords    int // active records
	VerifiedRecords int // active and KYC-verified
	LinkedRecords   int // active with at least one link to another system (DHIS2)
	Programmes      int // programmes with at least one active record
	MergesSince     int // records merged at or after the given time
}

// MPIAdminFilter selects records across programmes. Zero fields match
// everything.
type MPIAdminFilter struct {
	Name        string // normalised words that must all appear in the name
	Verified    *bool
	ProgrammeID string
	CountryCode string
	Limit       int // 1–100; the store applies 20 when zero
	Offset      int
}

// MPIFederationStore is the optional cross-programme linkage capability of
// an MPIRecordStore, for platform administrators (GET, POST and DELETE
// /mpi/admin/federation/...). Like MPIRegistryStore it is not scoped to
// one programme: MPI ids are unique across the registry.
type MPIFederationStore interface {
	// RecordAnyProgramme returns the record (active or merged) with MPI id
	// mpiID, whatever its programme; fault.NotFound when absent.
	RecordAnyProgramme(ctx context.Context, mpiID string) (mpi.Record, error)
	// CrossProgrammePairs returns up to limit pairs of active records of
	// different programmes filed under at least one common blocking key and
	// not already joined by a federation link (of any type: the pair has
	// been reviewed), each pair once with A < B by MPI id, in (A, B) order, starting after
	// the pair after (the zero MPIPair starts at the beginning): a keyset
	// page. Each record of the page is returned once in recs, carrying
	// what record linkage reads, as MPIBulkStore.BlockedRecords does, and
	// its programme id.
	CrossProgrammePairs(ctx context.Context, after MPIPair, limit int) (pairs []MPIPair, recs []mpi.Record, err error)
	// CreateFederationLink stores a link. A link already joining the same
	// two records (in either direction, of any type) is fault.Conflict
	// "mpi.federation_link_exists".
	CreateFederationLink(ctx context.Context, l mpi.FederationLink) error
	// FederationLinks returns the links with mpiID at either end, oldest
	// first (ties by link id); empty when there are none.
	FederationLinks(ctx context.Context, mpiID string) ([]mpi.FederationLink, error)
	// DeleteFederationLink removes a link and returns it; fault.NotFound
	// when absent.
	DeleteFederationLink(ctx context.Context, linkID string) (mpi.FederationLink, error)
}

// MPIPair names two records by MPI id, A < B.
type MPIPair struct{ A, B string }
