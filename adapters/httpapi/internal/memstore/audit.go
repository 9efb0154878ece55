package memstore

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/kente-gov/kente/core/audit"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/ports"
)

var _ ports.AuditLog = (*AuditLog)(nil)

// AuditLog is an in-memory ports.AuditLog for tests. It passes the porttest
// AuditLog suite. It ignores transactions: an append inside a rolled-back
// transaction stays.
type AuditLog struct {
	mu      sync.Mutex
	records []audit.Record // in seq order
	ids     map[string]bool
}

// NewAuditLog returns an empty AuditLog.
func NewAuditLog() *AuditLog { return &AuditLog{ids: map[string]bool{}} }

func invalid(err error) error {
	return fault.Wrap(err, fault.Invalid, "audit.invalid", "Invalid audit record: "+err.Error())
}

// AppendAudit implements ports.AuditLog.
func (l *AuditLog) AppendAudit(_ context.Context, r audit.Record) (audit.Record, error) {
	if err := r.Validate(); err != nil {
		return audit.Record{}, invalid(err)
	}
	if r.ID == "" || r.At.IsZero() {
		return audit.Record{}, invalid(errors.New("id and time are required"))
	}
	for _, s := range []string{r.ID, r.ActorID, r.Action, r.TargetType, r.TargetID, r.IP, r.UserAgent, string(r.Details)} {
		if strings.IndexByte(s, 0) >= 0 || !utf8.ValidString(s) {
			return audit.Record{}, invalid(errors.New("text must be valid UTF-8 without NUL"))
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ids[r.ID] {
		return audit.Record{}, fault.New(fault.Conflict, "audit.duplicate_id", "An audit record with this id already exists")
	}
	var prev *audit.Record
	if n := len(l.records); n > 0 {
		prev = &l.records[n-1]
	}
	r.Details = append([]byte(nil), r.Details...)
	sealed := audit.Seal(r, prev)
	l.records = append(l.records, sealed)
	l.ids[r.ID] = true
	return sealed, nil
}

// ListAudit implements ports.AuditLog.
func (l *AuditLog) ListAudit(_ context.Context, f ports.AuditFilter) ([]audit.Record, int, error) {
	if f.Limit < 0 || f.Offset < 0 {
		return nil, 0, fault.New(fault.Invalid, "audit.invalid_page", "Limit and offset must not be negative")
	}
	if strings.IndexByte(f.Action, 0) >= 0 || strings.IndexByte(f.ActorID, 0) >= 0 {
		return nil, 0, fault.New(fault.Invalid, "store.invalid_text", "Text must not contain NUL")
	}
	limit := f.Limit
	if limit == 0 {
		limit = 50
	}
	limit = min(limit, 100)
	l.mu.Lock()
	defer l.mu.Unlock()
	var match []audit.Record
	for i := len(l.records) - 1; i >= 0; i-- {
		r := l.records[i]
		switch {
		case f.Action != "" && r.Action != f.Action,
			f.ActorID != "" && r.ActorID != f.ActorID,
			!f.From.IsZero() && r.At.Before(f.From.UTC().Truncate(time.Microsecond)),
			!f.To.IsZero() && !r.At.Before(f.To.UTC().Truncate(time.Microsecond)):
			continue
		}
		match = append(match, r)
	}
	total := len(match)
	if f.Offset >= total {
		return []audit.Record{}, total, nil
	}
	return append([]audit.Record(nil), match[f.Offset:min(total, f.Offset+limit)]...), total, nil
}

// AuditChain implements ports.AuditLog.
func (l *AuditLog) AuditChain(_ context.Context, afterSeq int64, limit int) ([]audit.Record, error) {
	if limit <= 0 {
		return nil, fault.New(fault.Invalid, "audit.invalid_page", "Limit must be positive")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	out := []audit.Record{}
	for _, r := range l.records {
		if r.Seq > afterSeq && len(out) < limit {
			out = append(out, r)
		}
	}
	return out, nil
}

// Tamper edits the stored record at seq with fn, bypassing the chain (test
// helper). It reports whether the record exists.
func (l *AuditLog) Tamper(seq int64, fn func(*audit.Record)) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := range l.records {
		if l.records[i].Seq == seq {
			fn(&l.records[i])
			return true
		}
	}
	return false
}
