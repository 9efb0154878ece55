// Package ratelimit holds the arithmetic of Kente's rate limits: the generic
// cell rate algorithm (GCRA) over a single stored number, the theoretical
// arrival time (TAT). It does no I/O and reads no clock; stores
// (ports.RateLimitStore) keep the TAT and call Check, or replicate it
// exactly (the Redis adapter runs the same integer arithmetic in Lua).
//
// Times are integer microseconds since the Unix epoch, so every store
// computes the same result (Lua numbers are doubles: exact to 2^53 µs, far
// beyond any date Kente will see).
package ratelimit

import (
	"errors"
	"time"
)

// Limit admits Burst requests at once from rest, refilled at Burst per
// Period (one every Period/Burst). The zero value is not usable.
type Limit struct {
	// Burst is how many requests are admitted at once after a quiet Period,
	// and the figure reported as the limit (X-RateLimit-Limit).
	Burst int
	// Period is how long a full refill takes (a minute for "per minute").
	Period time.Duration
}

// PerMinute returns a limit of n requests a minute.
func PerMinute(n int) Limit { return Limit{Burst: n, Period: time.Minute} }

// Validate reports a limit Check cannot use.
func (l Limit) Validate() error {
	switch {
	case l.Burst < 1:
		return errors.New("ratelimit: burst must be at least 1")
	case l.Period < time.Millisecond:
		return errors.New("ratelimit: period must be at least 1ms")
	case l.Period.Microseconds()/int64(l.Burst) < 1:
		return errors.New("ratelimit: period / burst must be at least 1µs")
	}
	return nil
}

// Interval is the emission interval in microseconds: the time one request
// takes to refill.
func (l Limit) Interval() int64 { return l.Period.Microseconds() / int64(l.Burst) }

// Result is the outcome of one Check.
type Result struct {
	// Allowed reports whether the request is admitted.
	Allowed bool
	// Limit is the limit's Burst.
	Limit int
	// Remaining is how many more requests would be admitted right now.
	Remaining int
	// ResetAfter is how long until the limit is fully refilled (Remaining
	// back to Limit).
	ResetAfter time.Duration
	// RetryAfter is, when not Allowed, how long until this request would
	// be; zero when Allowed.
	RetryAfter time.Duration
}

// Check applies GCRA: tat is the stored theoretical arrival time (0 for a
// key never seen), now the current time, both in Unix microseconds; cost
// is how many requests this one counts for (0 only inspects). It returns
// the TAT to store (unchanged when the request is refused) and the result.
//
// The guarantee: over any interval of length d, at most
// Burst + ⌊d / Interval⌋ requests are admitted, and a client that waits
// Period after its last admitted request gets a full Burst again.
func Check(l Limit, tat, now int64, cost int) (newTAT int64, r Result) {
	t := l.Interval()
	tolerance := t * int64(l.Burst)
	if tat < now {
		tat = now
	}
	next := tat + t*int64(cost)
	r.Limit = l.Burst
	if next-now > tolerance {
		// Refused: the state is unchanged.
		r.RetryAfter = micros(next - now - tolerance)
		r.Remaining = int((now + tolerance - tat) / t)
		r.ResetAfter = micros(tat - now)
		return tat, r
	}
	r.Allowed = true
	r.Remaining = int((now + tolerance - next) / t)
	r.ResetAfter = micros(next - now)
	return next, r
}

func micros(us int64) time.Duration { return time.Duration(us) * time.Microsecond }

// Seconds rounds d up to whole seconds, the unit of Retry-After and the
// rate-limit headers.
func Seconds(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	return int((d + time.Second - 1) / time.Second)
}
