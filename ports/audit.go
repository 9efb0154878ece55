package ports

import (
	"context"
	"time"

	"github.com/kente-gov/kente/core/audit"
)

// AuditLog is the append-only audit log shared by both API families.
type AuditLog interface {
	// AppendAudit seals r after the newest record (audit.Seal: Seq, PrevHash,
	// Hash) and stores it. Appends are serialised so the chain never forks,
	// also across server instances. r.ID and r.At are set by the caller.
	// An invalid record is fault.Invalid.
	AppendAudit(ctx context.Context, r audit.Record) (audit.Record, error)
	// ListAudit returns the records matching f, newest first, and how many
	// match in all.
	ListAudit(ctx context.Context, f AuditFilter) ([]audit.Record, int, error)
	// AuditChain returns up to limit records with Seq > afterSeq, in chain
	// order, for verification.
	AuditChain(ctx context.Context, afterSeq int64, limit int) ([]audit.Record, error)
}

// AuditFilter selects audit records. Zero fields match everything.
type AuditFilter struct {
	Action  string
	ActorID string
	From    time.Time // inclusive
	To      time.Time // exclusive
	Limit   int       // 1–100; the store applies 50 when zero
	Offset  int
}
