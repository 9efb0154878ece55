package memstore

import (
	"context"
	"sync"
	"time"

	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/ports"
)

var _ ports.Counters = (*Counters)(nil)

// CountUsersByRole returns how many users hold role.
func (s *Store) CountUsersByRole(_ context.Context, role identity.Role) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, u := range s.users {
		if u.Role == role {
			n++
		}
	}
	return n, nil
}

// Counters is an in-memory ports.Counters for tests.
type Counters struct {
	mu sync.Mutex
	m  map[counterKey]int64
}

type counterKey struct {
	key    string
	window int64
}

// NewCounters returns empty counters.
func NewCounters() *Counters { return &Counters{m: map[counterKey]int64{}} }

// IncrCounter adds one and returns the new count.
func (c *Counters) IncrCounter(_ context.Context, key string, window, _ time.Time) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := counterKey{key, window.UnixNano()}
	c.m[k]++
	return c.m[k], nil
}

// Counter returns the count, 0 when none.
func (c *Counters) Counter(_ context.Context, key string, window time.Time) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[counterKey{key, window.UnixNano()}], nil
}
