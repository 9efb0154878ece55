package memory_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/ratelimit/memory"
	"github.com/kente-gov/kente/core/ratelimit"
	"github.com/kente-gov/kente/ports"
	"github.com/kente-gov/kente/ports/porttest"
)

func TestContract(t *testing.T) {
	porttest.RateLimitStore(t, func(t *testing.T) ports.RateLimitStore { return memory.New() })
}

func TestSweepForgetsRefilledKeys(t *testing.T) {
	s := memory.New()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := ratelimit.PerMinute(10)
	for i := range 64 * 1024 {
		_, err := s.Take(context.Background(), fmt.Sprintf("k%d", i), l, 1, now)
		require.NoError(t, err)
	}
	before := s.Len()
	later := now.Add(time.Hour)
	for i := range 64 * 1024 {
		_, err := s.Take(context.Background(), fmt.Sprintf("n%d", i), l, 1, later)
		require.NoError(t, err)
	}
	assert.Less(t, s.Len(), before+64*1024, "refilled keys are swept")
}

// BenchmarkTake is the in-memory check on the request path.
func BenchmarkTake(b *testing.B) {
	s := memory.New()
	l := ratelimit.PerMinute(600)
	keys := make([]string, 1000)
	for i := range keys {
		keys[i] = fmt.Sprintf("rl:gen:usr_%016x", i)
	}
	now := time.Now()
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			_, _ = s.Take(ctx, keys[i%len(keys)], l, 1, now)
			i++
		}
	})
}
