package ratelimit_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/ratelimit"
)

const sec = int64(time.Second / time.Microsecond)

func TestCheckBurstThenRefuse(t *testing.T) {
	l := ratelimit.PerMinute(3)
	now := int64(1_700_000_000) * sec
	var tat int64
	for i := range 3 {
		var r ratelimit.Result
		tat, r = ratelimit.Check(l, tat, now, 1)
		require.True(t, r.Allowed, "request %d", i)
		assert.Equal(t, 3, r.Limit)
		assert.Equal(t, 2-i, r.Remaining)
		assert.Equal(t, time.Duration(i+1)*20*time.Second, r.ResetAfter)
		assert.Zero(t, r.RetryAfter)
	}
	stored := tat
	tat, r := ratelimit.Check(l, tat, now, 1)
	assert.False(t, r.Allowed)
	assert.Equal(t, stored, tat, "a refusal stores nothing")
	assert.Equal(t, 0, r.Remaining)
	assert.Equal(t, 20*time.Second, r.RetryAfter)
	assert.Equal(t, time.Minute, r.ResetAfter)

	// One slot refills after one interval, not before.
	_, r = ratelimit.Check(l, tat, now+20*sec-1, 1)
	assert.False(t, r.Allowed)
	assert.Equal(t, time.Microsecond, r.RetryAfter)
	tat, r = ratelimit.Check(l, tat, now+20*sec, 1)
	assert.True(t, r.Allowed)
	assert.Equal(t, 0, r.Remaining)

	// A quiet period refills the whole burst.
	_, r = ratelimit.Check(l, tat, now+20*sec+60*sec, 0)
	assert.True(t, r.Allowed)
	assert.Equal(t, 3, r.Remaining)
	assert.Zero(t, r.ResetAfter)
}

func TestCheckCostZeroInspects(t *testing.T) {
	l := ratelimit.PerMinute(10)
	tat, _ := ratelimit.Check(l, 0, 100*sec, 1)
	got, r := ratelimit.Check(l, tat, 100*sec, 0)
	assert.Equal(t, tat, got)
	assert.True(t, r.Allowed)
	assert.Equal(t, 9, r.Remaining)
}

func TestValidate(t *testing.T) {
	tests := []struct {
		give ratelimit.Limit
		ok   bool
	}{
		{ratelimit.PerMinute(3), true},
		{ratelimit.Limit{Burst: 0, Period: time.Minute}, false},
		{ratelimit.Limit{Burst: 1, Period: 0}, false},
		{ratelimit.Limit{Burst: 5000, Period: time.Millisecond}, false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.ok, tt.give.Validate() == nil, "%+v", tt.give)
	}
}

// TestCheckProperties drives random request times against random limits
// and checks the GCRA guarantee on every interval: never more than
// Burst + ⌊d/Interval⌋ admitted in an interval of length d (so never more
// than Burst within one interval, and never more than Burst per Period in
// the long run), a refusal exactly when admitting would break that bound
// from the stored state, and a full Burst after a quiet Period.
func TestCheckProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 100 {
		l := ratelimit.Limit{Burst: 1 + rng.IntN(30), Period: time.Duration(1+rng.IntN(120)) * time.Second}
		require.NoError(t, l.Validate())
		iv := l.Interval()
		now := int64(1_700_000_000)*sec + rng.Int64N(sec)
		var tat int64
		var admitted []int64
		for range 250 {
			// Mostly bursts, sometimes pauses of up to two periods.
			if rng.IntN(10) == 0 {
				now += rng.Int64N(2 * l.Period.Microseconds())
			} else {
				now += rng.Int64N(iv/2 + 1)
			}
			var r ratelimit.Result
			tat, r = ratelimit.Check(l, tat, now, 1)
			if r.Allowed {
				admitted = append(admitted, now)
				require.Zero(t, r.RetryAfter)
			} else {
				require.Positive(t, r.RetryAfter, "round %d", round)
				// Waiting RetryAfter is enough, and necessary.
				_, again := ratelimit.Check(l, tat, now+r.RetryAfter.Microseconds(), 1)
				require.True(t, again.Allowed, "round %d: retry-after too short", round)
				_, early := ratelimit.Check(l, tat, now+r.RetryAfter.Microseconds()-1, 1)
				require.False(t, early.Allowed, "round %d: retry-after too long", round)
			}
			require.GreaterOrEqual(t, r.Remaining, 0)
			require.LessOrEqual(t, r.Remaining, l.Burst)
		}
		// The bound over every interval [admitted[i], admitted[j]].
		for i := range admitted {
			for j := i; j < len(admitted); j++ {
				d := admitted[j] - admitted[i]
				require.LessOrEqual(t, int64(j-i+1), int64(l.Burst)+d/iv,
					"round %d: %d admitted in %dµs with %+v", round, j-i+1, d, l)
			}
		}
		// Refill: after a quiet Period the full burst is admitted.
		now = max(now, tat) + l.Period.Microseconds()
		for k := range l.Burst {
			var r ratelimit.Result
			tat, r = ratelimit.Check(l, tat, now, 1)
			require.True(t, r.Allowed, "round %d: burst request %d after a quiet period", round, k)
		}
		_, r := ratelimit.Check(l, tat, now, 1)
		require.False(t, r.Allowed)
	}
}

func TestSeconds(t *testing.T) {
	assert.Equal(t, 0, ratelimit.Seconds(0))
	assert.Equal(t, 1, ratelimit.Seconds(time.Microsecond))
	assert.Equal(t, 20, ratelimit.Seconds(20*time.Second))
	assert.Equal(t, 21, ratelimit.Seconds(20*time.Second+1))
}

func BenchmarkCheck(b *testing.B) {
	l := ratelimit.PerMinute(30)
	var tat int64
	now := int64(1_700_000_000) * sec
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		tat, _ = ratelimit.Check(l, tat, now+int64(i)*2*sec, 1)
	}
}
