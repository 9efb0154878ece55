package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/ratelimit"
	"github.com/kente-gov/kente/ports"
)

var _ ports.RateLimitStore = (*RateLimitStore)(nil)

// RateLimitStore keeps GCRA state in Redis, shared by every server
// instance. Each Take is one round trip: a Lua script (EVALSHA; EVAL once
// after the server forgets it) reads the stored theoretical arrival time,
// runs the integer arithmetic of ratelimit.Check, and writes the new state
// with an expiry at full refill, atomically.
type RateLimitStore struct {
	client *redis.Client
	prefix string
}

// KeyPrefix is put before every key the store writes.
const KeyPrefix = "kente:rl:"

// NewRateLimitStore returns a store on db.
func NewRateLimitStore(db *DB) *RateLimitStore {
	return &RateLimitStore{client: db.client, prefix: KeyPrefix}
}

// gcraScript is ratelimit.Check in Lua. Redis's Lua numbers are doubles,
// exact for integers below 2^53; times are Unix microseconds (about 2^51
// today), so the results equal Check's bit for bit.
var gcraScript = redis.NewScript(`
local now = tonumber(ARGV[1])
local t = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local tolerance = t * burst
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local nxt = tat + t * cost
if nxt - now > tolerance then
  return {0, math.floor((now + tolerance - tat) / t), tat - now, nxt - now - tolerance}
end
if cost > 0 then
  redis.call('SET', KEYS[1], string.format('%d', nxt), 'PX', math.ceil((nxt - now) / 1000) + 1)
end
return {1, math.floor((now + tolerance - nxt) / t), nxt - now, 0}
`)

// Take implements ports.RateLimitStore.
func (s *RateLimitStore) Take(ctx context.Context, key string, limit ratelimit.Limit, cost int, now time.Time) (ratelimit.Result, error) {
	if err := limit.Validate(); err != nil {
		return ratelimit.Result{}, err
	}
	v, err := gcraScript.Run(ctx, s.client, []string{s.prefix + key},
		now.UnixMicro(), limit.Interval(), limit.Burst, cost).Int64Slice()
	if err != nil {
		return ratelimit.Result{}, fault.Wrap(fmt.Errorf("rate limit %s: %w", key, err), fault.Unavailable,
			"ratelimit.unavailable", "The rate limiter is not available")
	}
	if len(v) != 4 {
		return ratelimit.Result{}, fmt.Errorf("rate limit %s: script returned %d values", key, len(v))
	}
	return ratelimit.Result{
		Allowed:    v[0] == 1,
		Limit:      limit.Burst,
		Remaining:  int(v[1]),
		ResetAfter: time.Duration(v[2]) * time.Microsecond,
		RetryAfter: time.Duration(v[3]) * time.Microsecond,
	}, nil
}
