// Package testkit holds the small fakes every service test needs: a
// settable clock and an audit recorder. They are real implementations of
// the ports they stand in for, not call-order mocks.
package testkit

import (
	"context"
	"sync"
	"time"

	"github.com/kente-gov/kente/core/audit"
)

// Clock is a ports.Clock that only moves when told to. It is safe for
// concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock stopped at now (in UTC).
func NewClock(now time.Time) *Clock { return &Clock{now: now.UTC()} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Add moves the clock forward by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t.UTC()
	c.mu.Unlock()
}

// AuditRecorder keeps audit records in memory, in order. It implements the
// Auditor interfaces services declare (Record(ctx, audit.Record) error).
type AuditRecorder struct {
	mu      sync.Mutex
	records []audit.Record
}

// Record appends r.
func (a *AuditRecorder) Record(_ context.Context, r audit.Record) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.records = append(a.records, r)
	return nil
}

// Records returns a copy of what was recorded.
func (a *AuditRecorder) Records() []audit.Record {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]audit.Record(nil), a.records...)
}

// Last returns the newest record, or a zero record when there is none.
func (a *AuditRecorder) Last() audit.Record {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.records) == 0 {
		return audit.Record{}
	}
	return a.records[len(a.records)-1]
}

// Actions returns "action:outcome" for every record, in order.
func (a *AuditRecorder) Actions() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]string, len(a.records))
	for i, r := range a.records {
		out[i] = r.Action + ":" + string(r.Outcome)
	}
	return out
}
