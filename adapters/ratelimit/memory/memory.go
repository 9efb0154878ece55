// Package memory is the in-process ports.RateLimitStore: GCRA state in a
// sharded map. It is the zero-set-up default for one server instance; a
// deployment running several instances uses the Redis store instead, so
// that one user's limits hold across them.
package memory

import (
	"context"
	"hash/maphash"
	"sync"
	"time"

	"github.com/kente-gov/kente/core/ratelimit"
	"github.com/kente-gov/kente/ports"
)

var _ ports.RateLimitStore = (*Store)(nil)

const shards = 64

// sweepEvery is how many new keys a shard takes between sweeps of keys
// whose limit has fully refilled (their state equals a fresh key's).
const sweepEvery = 1024

// Store keeps each key's theoretical arrival time. It is safe for
// concurrent use; the zero value is not, use New.
type Store struct {
	seed   maphash.Seed
	shards [shards]shard
}

type shard struct {
	mu    sync.Mutex
	tat   map[string]int64
	added int
}

// New returns an empty Store.
func New() *Store {
	s := &Store{seed: maphash.MakeSeed()}
	for i := range s.shards {
		s.shards[i].tat = map[string]int64{}
	}
	return s
}

// Take implements ports.RateLimitStore. It never fails.
func (s *Store) Take(_ context.Context, key string, limit ratelimit.Limit, cost int, now time.Time) (ratelimit.Result, error) {
	sh := &s.shards[maphash.String(s.seed, key)%shards]
	us := now.UnixMicro()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	old, seen := sh.tat[key]
	tat, r := ratelimit.Check(limit, old, us, cost)
	if tat != old {
		sh.tat[key] = tat
		if !seen {
			sh.added++
			if sh.added >= sweepEvery {
				sh.sweep(us)
			}
		}
	}
	return r, nil
}

// sweep forgets keys whose TAT has passed: Check treats them as new.
func (sh *shard) sweep(now int64) {
	for k, tat := range sh.tat {
		if tat <= now {
			delete(sh.tat, k)
		}
	}
	sh.added = 0
}

// Len returns how many keys are held, for tests and metrics.
func (s *Store) Len() int {
	n := 0
	for i := range s.shards {
		s.shards[i].mu.Lock()
		n += len(s.shards[i].tat)
		s.shards[i].mu.Unlock()
	}
	return n
}
