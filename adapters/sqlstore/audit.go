package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/kente-gov/kente/core/audit"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/ports"
)

var _ ports.AuditLog = (*AuditLog)(nil)

// AuditLog keeps the hash-chained audit log in the audit_log table, with
// the chain head (newest seq and hash) in the one-row audit_head table. It
// implements ports.AuditLog and takes part in the transaction of a ctx from
// DB.WithinTx, so a service can audit inside its own transaction: the record
// then commits or rolls back with the audited change.
//
// Appends are serialised through the head row: PostgreSQL and MySQL lock it
// FOR UPDATE, SQLite's immediate transactions hold the database write lock.
// Every append in the cluster therefore waits for the previous appending
// transaction to commit; audit inside short transactions, as late as
// possible.
type AuditLog struct {
	db *DB
}

// NewAuditLog returns an AuditLog on db, which must be migrated.
func NewAuditLog(db *DB) *AuditLog { return &AuditLog{db: db} }

type auditRow struct {
	bun.BaseModel `bun:"table:audit_log"`

	Seq        int64     `bun:"seq,pk"`
	ID         string    `bun:"id"`
	At         time.Time `bun:"at"`
	ActorID    string    `bun:"actor_id"`
	Action     string    `bun:"action"`
	TargetType string    `bun:"target_type"`
	TargetID   string    `bun:"target_id"`
	IP         string    `bun:"ip"`
	UserAgent  string    `bun:"user_agent"`
	Outcome    string    `bun:"outcome"`
	Details    string    `bun:"details"`
	PrevHash   string    `bun:"prev_hash"`
	Hash       string    `bun:"hash"`
}

func newAuditRow(r audit.Record) auditRow {
	return auditRow{
		Seq: r.Seq, ID: r.ID, At: dbTime(r.At), ActorID: r.ActorID, Action: r.Action,
		TargetType: r.TargetType, TargetID: r.TargetID, IP: r.IP, UserAgent: r.UserAgent,
		Outcome: string(r.Outcome), Details: string(r.Details), PrevHash: r.PrevHash, Hash: r.Hash,
	}
}

func (r *auditRow) record() audit.Record {
	var details json.RawMessage
	if r.Details != "" {
		details = json.RawMessage(r.Details)
	}
	return audit.Record{
		Seq: r.Seq, ID: r.ID, At: r.At.UTC(), ActorID: r.ActorID, Action: r.Action,
		TargetType: r.TargetType, TargetID: r.TargetID, IP: r.IP, UserAgent: r.UserAgent,
		Outcome: audit.Outcome(r.Outcome), Details: details, PrevHash: r.PrevHash, Hash: r.Hash,
	}
}

type auditHeadRow struct {
	bun.BaseModel `bun:"table:audit_head"`

	ID   int    `bun:"id,pk"`
	Seq  int64  `bun:"seq"`
	Hash string `bun:"hash"`
}

// Limits of ListAudit and AuditChain.
const (
	defaultAuditLimit = 50
	maxAuditLimit     = 100
	maxChainLimit     = 10_000
	// maxSeqResyncs bounds how often one append re-reads the head after
	// finding its seq taken (a writer that bypassed the head lock).
	maxSeqResyncs = 3
)

var (
	errAuditDuplicateID = fault.New(fault.Conflict, "audit.duplicate_id", "An audit record with this id already exists")
	errAuditSeqTaken    = fault.New(fault.Unavailable, "audit.chain_busy", "The audit log is busy; try again")
)

func invalidAudit(err error) error {
	return fault.Wrap(err, fault.Invalid, "audit.invalid", "Invalid audit record: "+err.Error())
}

// AppendAudit seals r after the chain head and stores it, in the caller's
// transaction when ctx carries one and in a new one otherwise. It locks the
// head row, seals with audit.Seal, inserts, and moves the head, so
// concurrent appends (also from other instances) queue and never fork. If
// the next seq is already taken (a row written without the head lock), it
// re-reads the newest stored record and seals again instead of forking.
// r.ID and r.At are required; an invalid record or text that SQL cannot
// store is fault.Invalid; a reused ID is fault.Conflict "audit.duplicate_id".
func (s *AuditLog) AppendAudit(ctx context.Context, r audit.Record) (audit.Record, error) {
	if err := r.Validate(); err != nil {
		return audit.Record{}, invalidAudit(err)
	}
	if r.ID == "" || r.At.IsZero() {
		return audit.Record{}, fault.New(fault.Invalid, "audit.invalid", "Invalid audit record: id and time are required")
	}
	if err := checkText(r.ID, r.ActorID, r.Action, r.TargetType, r.TargetID, r.IP, r.UserAgent,
		string(r.Outcome), string(r.Details)); err != nil {
		return audit.Record{}, err
	}
	var out audit.Record
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		prev, err := s.lockHead(ctx)
		if err != nil {
			return err
		}
		for attempt := 0; ; attempt++ {
			sealed := audit.Seal(r, prev)
			inserted, err := s.insert(ctx, sealed)
			if err != nil {
				return err
			}
			if inserted {
				out = sealed
				return s.moveHead(ctx, sealed)
			}
			if attempt == maxSeqResyncs {
				return errAuditSeqTaken
			}
			if prev, err = s.newest(ctx); err != nil {
				return err
			}
		}
	})
	if err != nil {
		return audit.Record{}, err
	}
	return out, nil
}

// lockHead reads the head row, locked until the transaction ends, and
// returns the newest record's seq and hash (nil for an empty chain).
func (s *AuditLog) lockHead(ctx context.Context) (*audit.Record, error) {
	var head auditHeadRow
	q := s.db.idb(ctx).NewSelect().Model(&head).Where("id = 1")
	if s.db.Dialect != SQLite {
		q = q.For("UPDATE")
	}
	if err := q.Scan(ctx); isNoRows(err) {
		return nil, errors.New("lock audit head: the audit_head row is missing (run the migrations)")
	} else if err != nil {
		return nil, s.db.wrapErr(err, "lock audit head")
	}
	if head.Seq == 0 {
		return nil, nil
	}
	return &audit.Record{Seq: head.Seq, Hash: head.Hash}, nil
}

// newest returns the stored record with the highest seq, read with a lock
// so MySQL's repeatable-read snapshot cannot hide a newer one.
func (s *AuditLog) newest(ctx context.Context) (*audit.Record, error) {
	var row auditRow
	q := s.db.idb(ctx).NewSelect().Model(&row).Column("seq", "hash").OrderExpr("seq DESC").Limit(1)
	if s.db.Dialect != SQLite {
		q = q.For("UPDATE")
	}
	if err := q.Scan(ctx); isNoRows(err) {
		return nil, nil
	} else if err != nil {
		return nil, s.db.wrapErr(err, "read newest audit record")
	}
	return &audit.Record{Seq: row.Seq, Hash: row.Hash}, nil
}

// insert stores r and reports false, without failing the transaction, when
// its seq is taken. PostgreSQL and SQLite skip the conflicting row (ON
// CONFLICT DO NOTHING, so PostgreSQL's transaction stays usable); MySQL
// reports a duplicate key, which leaves its transaction usable, and the id
// tells the two keys apart.
func (s *AuditLog) insert(ctx context.Context, r audit.Record) (bool, error) {
	row := newAuditRow(r)
	q := s.db.idb(ctx).NewInsert().Model(&row)
	if s.db.Dialect != MySQL {
		q = q.On("CONFLICT (seq) DO NOTHING")
	}
	res, err := q.Exec(ctx)
	if err != nil {
		if class, _ := classify(err); class == classUnique {
			if s.db.Dialect == MySQL {
				n, qerr := s.db.idb(ctx).NewSelect().Model((*auditRow)(nil)).Where("id = ?", r.ID).Count(ctx)
				if qerr == nil && n == 0 {
					return false, nil // the seq was taken
				}
			}
			return false, &fault.Error{Kind: fault.Conflict, Code: errAuditDuplicateID.Code, Msg: errAuditDuplicateID.Msg,
				Field: "id", Err: fmt.Errorf("append audit record: %w", err)}
		}
		return false, s.db.wrapErr(err, "append audit record")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, s.db.wrapErr(err, "append audit record")
	}
	return n == 1, nil
}

func (s *AuditLog) moveHead(ctx context.Context, r audit.Record) error {
	_, err := s.db.idb(ctx).NewUpdate().Model((*auditHeadRow)(nil)).
		Set("seq = ?", r.Seq).Set("hash = ?", r.Hash).Where("id = 1").Exec(ctx)
	if err != nil {
		return s.db.wrapErr(err, "move audit head")
	}
	return nil
}

// ListAudit returns the records matching f, newest (highest seq) first, and
// how many match in all. A zero Limit means 50 and larger than 100 means
// 100; a negative Limit or Offset, or text SQL cannot store, is
// fault.Invalid.
func (s *AuditLog) ListAudit(ctx context.Context, f ports.AuditFilter) ([]audit.Record, int, error) {
	if f.Limit < 0 || f.Offset < 0 {
		return nil, 0, fault.New(fault.Invalid, "audit.invalid_page", "Limit and offset must not be negative")
	}
	if err := checkText(f.Action, f.ActorID); err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	switch {
	case limit == 0:
		limit = defaultAuditLimit
	case limit > maxAuditLimit:
		limit = maxAuditLimit
	}
	filter := func(q *bun.SelectQuery) *bun.SelectQuery {
		if f.Action != "" {
			q = q.Where("action = ?", f.Action)
		}
		if f.ActorID != "" {
			q = q.Where("actor_id = ?", f.ActorID)
		}
		if !f.From.IsZero() {
			q = q.Where("at >= ?", dbTime(f.From))
		}
		if !f.To.IsZero() {
			q = q.Where("at < ?", dbTime(f.To))
		}
		return q
	}
	var rows []auditRow
	total, err := filter(s.db.idb(ctx).NewSelect().Model(&rows)).
		OrderExpr("seq DESC").Limit(int64(limit)).Offset(int64(f.Offset)).
		ScanAndCount(ctx)
	if err != nil && !isNoRows(err) {
		return nil, 0, s.db.wrapErr(err, "list audit records")
	}
	out := make([]audit.Record, len(rows))
	for i := range rows {
		out[i] = rows[i].record()
	}
	return out, int(total), nil
}

// AuditChain returns up to limit records with Seq > afterSeq in seq order.
// limit must be positive; more than 10,000 is capped there.
func (s *AuditLog) AuditChain(ctx context.Context, afterSeq int64, limit int) ([]audit.Record, error) {
	if limit <= 0 {
		return nil, fault.New(fault.Invalid, "audit.invalid_page", "Limit must be positive")
	}
	limit = min(limit, maxChainLimit)
	var rows []auditRow
	err := s.db.idb(ctx).NewSelect().Model(&rows).
		Where("seq > ?", afterSeq).OrderExpr("seq ASC").Limit(int64(limit)).
		Scan(ctx)
	if err != nil && !isNoRows(err) {
		return nil, s.db.wrapErr(err, "read audit chain")
	}
	out := make([]audit.Record, len(rows))
	for i := range rows {
		out[i] = rows[i].record()
	}
	return out, nil
}
