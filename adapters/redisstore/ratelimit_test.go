package redisstore_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/redisstore"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/ratelimit"
	"github.com/kente-gov/kente/ports"
	"github.com/kente-gov/kente/ports/porttest"
)

func openRedis(t testing.TB, url string) *redisstore.DB {
	db, err := redisstore.Open(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func TestRateLimitContract(t *testing.T) {
	url := redisURL(t)
	porttest.RateLimitStore(t, func(t *testing.T) ports.RateLimitStore {
		return redisstore.NewRateLimitStore(openRedis(t, url))
	})
}

func TestRateLimitKeyExpires(t *testing.T) {
	db := openRedis(t, redisURL(t))
	s := redisstore.NewRateLimitStore(db)
	key := fmt.Sprintf("expiry-%d", time.Now().UnixNano())
	_, err := s.Take(context.Background(), key, ratelimit.PerMinute(2), 1, time.Now())
	require.NoError(t, err)
	ttl, err := db.Client().PTTL(context.Background(), redisstore.KeyPrefix+key).Result()
	require.NoError(t, err)
	assert.Greater(t, ttl, 29*time.Second)
	assert.LessOrEqual(t, ttl, 31*time.Second, "kept until the limit has fully refilled")
}

func TestRateLimitDownIsUnavailable(t *testing.T) {
	db := openRedis(t, redisURL(t))
	s := redisstore.NewRateLimitStore(db)
	require.NoError(t, db.Close())
	_, err := s.Take(context.Background(), "k", ratelimit.PerMinute(1), 1, time.Now())
	assert.Equal(t, fault.Unavailable, fault.KindOf(err))
}

// countHook counts the commands (round trips) sent to Redis.
type countHook struct{ n atomic.Int64 }

func (h *countHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *countHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { h.n.Add(1); return next(ctx, cmd) }
}
func (h *countHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error { h.n.Add(1); return next(ctx, cmds) }
}

// BenchmarkRedisTake reports the round trips of one check (after the
// script is cached on the server) and its latency on this Redis.
func BenchmarkRedisTake(b *testing.B) {
	url := redisURLB(b)
	db := openRedis(b, url)
	hook := &countHook{}
	db.Client().AddHook(hook)
	s := redisstore.NewRateLimitStore(db)
	l := ratelimit.PerMinute(600)
	ctx := context.Background()
	key := fmt.Sprintf("bench-%d", time.Now().UnixNano())
	_, err := s.Take(ctx, key, l, 1, time.Now()) // loads the script
	require.NoError(b, err)
	hook.n.Store(0)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		_, _ = s.Take(ctx, key, l, 1, time.Now())
		n++
	}
	b.ReportMetric(float64(hook.n.Load())/float64(n), "roundtrips/op")
}

func redisURLB(b *testing.B) string {
	u := envRedis()
	if u == "" {
		b.Skip("redis: KENTE_TEST_REDIS_URL not set")
	}
	return u
}
