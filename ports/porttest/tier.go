package porttest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/ratelimit"
	"github.com/kente-gov/kente/core/tier"
	"github.com/kente-gov/kente/ports"
)

// rlKey returns a key no other test uses (stores may be shared servers).
func rlKey(name string) string {
	return fmt.Sprintf("porttest:%s:%d:%d", name, time.Now().UnixNano(), seq.Add(1))
}

// RateLimitStore runs the contract of ports.RateLimitStore. fresh returns a
// store for one subtest; it may share a server with other tests, so the
// suite uses keys of its own.
func RateLimitStore(t *testing.T, fresh func(t *testing.T) ports.RateLimitStore) {
	ctx := context.Background()

	t.Run("MatchesCheck", func(t *testing.T) {
		t.Parallel()
		s := fresh(t)
		rng := rand.New(rand.NewPCG(7, 11))
		for _, l := range []ratelimit.Limit{ratelimit.PerMinute(3), ratelimit.PerMinute(30), {Burst: 7, Period: 10 * time.Second}} {
			key := rlKey("match")
			now := base
			var tat int64
			for i := range 60 {
				now = now.Add(time.Duration(rng.Int64N(int64(l.Period) / int64(l.Burst))))
				cost := 1
				if i%9 == 0 {
					cost = 0
				}
				var want ratelimit.Result
				tat, want = ratelimit.Check(l, tat, now.UnixMicro(), cost)
				got, err := s.Take(ctx, key, l, cost, now)
				require.NoError(t, err)
				require.Equal(t, want, got, "limit %+v step %d", l, i)
			}
		}
	})

	t.Run("KeysAreIndependent", func(t *testing.T) {
		t.Parallel()
		s := fresh(t)
		l := ratelimit.PerMinute(1)
		a, b := rlKey("a"), rlKey("b")
		r, err := s.Take(ctx, a, l, 1, base)
		require.NoError(t, err)
		require.True(t, r.Allowed)
		r, err = s.Take(ctx, a, l, 1, base)
		require.NoError(t, err)
		assert.False(t, r.Allowed)
		assert.Equal(t, time.Minute, r.RetryAfter)
		r, err = s.Take(ctx, b, l, 1, base)
		require.NoError(t, err)
		assert.True(t, r.Allowed)
	})

	t.Run("RefillsAfterPeriod", func(t *testing.T) {
		t.Parallel()
		s := fresh(t)
		l := ratelimit.PerMinute(5)
		key := rlKey("refill")
		for range 5 {
			r, err := s.Take(ctx, key, l, 1, base)
			require.NoError(t, err)
			require.True(t, r.Allowed)
		}
		r, err := s.Take(ctx, key, l, 0, base.Add(time.Minute))
		require.NoError(t, err)
		assert.Equal(t, 5, r.Remaining)
		assert.Zero(t, r.ResetAfter)
	})

	t.Run("ConcurrentTakesNeverOverAdmit", func(t *testing.T) {
		t.Parallel()
		s := fresh(t)
		l := ratelimit.PerMinute(10)
		key := rlKey("race")
		var admitted atomic.Int64
		var wg sync.WaitGroup
		for range 40 {
			wg.Go(func() {
				r, err := s.Take(ctx, key, l, 1, base)
				assert.NoError(t, err)
				if r.Allowed {
					admitted.Add(1)
				}
			})
		}
		wg.Wait()
		assert.Equal(t, int64(10), admitted.Load())
	})
}

// SubscriptionStore runs the contract of ports.SubscriptionStore. fresh
// returns empty stores for one subtest; users must exist before their
// subscription is stored.
func SubscriptionStore(t *testing.T, fresh func(t *testing.T) (ports.UserStore, ports.SubscriptionStore)) {
	ctx := context.Background()
	create := func(t *testing.T, users ports.UserStore) string {
		u := newUser()
		require.NoError(t, users.CreateUser(ctx, u))
		return u.ID
	}

	t.Run("AbsentIsZero", func(t *testing.T) {
		t.Parallel()
		users, s := fresh(t)
		id := create(t, users)
		got, err := s.Subscription(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, tier.Subscription{UserID: id}, got)
	})

	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()
		users, s := fresh(t)
		id := create(t, users)
		exp, start, end := base.Add(30*24*time.Hour), base.Add(-time.Hour), base.Add(71*time.Hour)
		want := tier.Subscription{UserID: id, Tier: tier.Professional, Cycle: tier.Yearly, ExpiresAt: &exp,
			TrialTier: tier.Professional, TrialStartedAt: &start, TrialEndsAt: &end, UpdatedAt: base}
		got, err := s.UpdateSubscription(ctx, id, func(sub *tier.Subscription) error {
			assert.Equal(t, tier.Subscription{UserID: id}, *sub)
			*sub = want
			return nil
		})
		require.NoError(t, err)
		assertSubscription(t, want, got)
		got, err = s.Subscription(ctx, id)
		require.NoError(t, err)
		assertSubscription(t, want, got)

		// Clearing the expiry (a manual grant) stores NULL.
		_, err = s.UpdateSubscription(ctx, id, func(sub *tier.Subscription) error {
			sub.Tier, sub.ExpiresAt = tier.Enterprise, nil
			return nil
		})
		require.NoError(t, err)
		got, err = s.Subscription(ctx, id)
		require.NoError(t, err)
		assert.Nil(t, got.ExpiresAt)
		assert.Equal(t, tier.Enterprise, got.Tier)
		assertTimePtr(t, &start, got.TrialStartedAt, "TrialStartedAt")
	})

	t.Run("ErrorAborts", func(t *testing.T) {
		t.Parallel()
		users, s := fresh(t)
		id := create(t, users)
		boom := fault.New(fault.Invalid, "test.boom", "boom")
		_, err := s.UpdateSubscription(ctx, id, func(sub *tier.Subscription) error {
			sub.Tier = tier.Enterprise
			return boom
		})
		assert.ErrorIs(t, err, boom)
		got, err := s.Subscription(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, "", got.Tier)
	})

	t.Run("ConcurrentUpdatesSerialise", func(t *testing.T) {
		t.Parallel()
		users, s := fresh(t)
		id := create(t, users)
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				_, err := s.UpdateSubscription(ctx, id, func(sub *tier.Subscription) error {
					// Each update adds one day to the expiry it read.
					end := base
					if sub.ExpiresAt != nil {
						end = *sub.ExpiresAt
					}
					end = end.Add(24 * time.Hour)
					sub.Tier, sub.ExpiresAt = tier.Starter, &end
					return nil
				})
				assert.NoError(t, err)
			})
		}
		wg.Wait()
		got, err := s.Subscription(ctx, id)
		require.NoError(t, err)
		assertTimePtr(t, new(base.Add(8*24*time.Hour)), got.ExpiresAt, "ExpiresAt after 8 serial updates")
	})
}

func assertSubscription(t *testing.T, want, got tier.Subscription) {
	t.Helper()
	assertTimePtr(t, want.ExpiresAt, got.ExpiresAt, "ExpiresAt")
	assertTimePtr(t, want.TrialStartedAt, got.TrialStartedAt, "TrialStartedAt")
	assertTimePtr(t, want.TrialEndsAt, got.TrialEndsAt, "TrialEndsAt")
	assertTime(t, want.UpdatedAt, got.UpdatedAt, "UpdatedAt")
	want.ExpiresAt, want.TrialStartedAt, want.TrialEndsAt, want.UpdatedAt = nil, nil, nil, time.Time{}
	got.ExpiresAt, got.TrialStartedAt, got.TrialEndsAt, got.UpdatedAt = nil, nil, nil, time.Time{}
	assert.Equal(t, want, got)
}

// UsageStore runs the contract of ports.UsageStore. fresh returns an empty
// store for one subtest.
func UsageStore(t *testing.T, fresh func(t *testing.T) ports.UsageStore) {
	ctx := context.Background()
	day := tier.Day(base)

	t.Run("CountsUpToLimit", func(t *testing.T) {
		t.Parallel()
		s := fresh(t)
		used, err := s.MessagesUsed(ctx, "usr_a", day)
		require.NoError(t, err)
		assert.Zero(t, used)
		for i := 1; i <= 3; i++ {
			used, ok, err := s.TakeMessage(ctx, "usr_a", day, 3)
			require.NoError(t, err)
			assert.True(t, ok)
			assert.Equal(t, i, used)
		}
		used, ok, err := s.TakeMessage(ctx, "usr_a", day, 3)
		require.NoError(t, err)
		assert.False(t, ok)
		assert.Equal(t, 3, used)
		used, err = s.MessagesUsed(ctx, "usr_a", day)
		require.NoError(t, err)
		assert.Equal(t, 3, used)

		// Another day and another user count apart.
		used, ok, err = s.TakeMessage(ctx, "usr_a", day.AddDate(0, 0, 1), 3)
		require.NoError(t, err)
		assert.True(t, ok)
		assert.Equal(t, 1, used)
		used, err = s.MessagesUsed(ctx, "usr_b", day)
		require.NoError(t, err)
		assert.Zero(t, used)
	})

	t.Run("Unlimited", func(t *testing.T) {
		t.Parallel()
		s := fresh(t)
		for i := 1; i <= 5; i++ {
			used, ok, err := s.TakeMessage(ctx, "usr_u", day, tier.Unlimited)
			require.NoError(t, err)
			require.True(t, ok)
			assert.Equal(t, i, used)
		}
	})

	t.Run("ReturnMessage", func(t *testing.T) {
		t.Parallel()
		s := fresh(t)
		require.NoError(t, s.ReturnMessage(ctx, "usr_r", day), "returning nothing is not an error")
		_, _, err := s.TakeMessage(ctx, "usr_r", day, 1)
		require.NoError(t, err)
		require.NoError(t, s.ReturnMessage(ctx, "usr_r", day))
		require.NoError(t, s.ReturnMessage(ctx, "usr_r", day))
		used, err := s.MessagesUsed(ctx, "usr_r", day)
		require.NoError(t, err)
		assert.Zero(t, used, "never below zero")
		_, ok, err := s.TakeMessage(ctx, "usr_r", day, 1)
		require.NoError(t, err)
		assert.True(t, ok)
	})

	t.Run("ConcurrentTakesNeverPassLimit", func(t *testing.T) {
		t.Parallel()
		s := fresh(t)
		var admitted atomic.Int64
		var wg sync.WaitGroup
		for range 24 {
			wg.Go(func() {
				_, ok, err := s.TakeMessage(ctx, "usr_c", day, 10)
				assert.NoError(t, err)
				if ok {
					admitted.Add(1)
				}
			})
		}
		wg.Wait()
		assert.Equal(t, int64(10), admitted.Load())
		used, err := s.MessagesUsed(ctx, "usr_c", day)
		require.NoError(t, err)
		assert.Equal(t, 10, used)
	})
}
