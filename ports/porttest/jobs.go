package porttest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/job"
	"github.com/kente-gov/kente/ports"
)

// JobQueue runs the contract suite of ports.JobQueue. fresh returns an
// empty queue and the Tx its enqueues can join.
func JobQueue(t *testing.T, fresh func(t *testing.T) (ports.JobQueue, ports.Tx)) {
	ctx := context.Background()
	t0 := time.Now().UTC().Truncate(time.Second).Add(time.Minute) // jobs enqueued now are due at t0
	lease := 30 * time.Second

	t.Run("EnqueueAndGet", func(t *testing.T) {
		q, _ := fresh(t)
		id, err := q.Enqueue(ctx, "test.kind", []byte(`{"n":1}`), job.Options{MaxAttempts: 3})
		require.NoError(t, err)
		j, err := q.Job(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, "test.kind", j.Kind)
		assert.JSONEq(t, `{"n":1}`, string(j.Payload))
		assert.Equal(t, job.Available, j.Status)
		assert.Equal(t, 0, j.Attempt)
		assert.Equal(t, 3, j.MaxAttempts)
		_, err = q.Job(ctx, "job_missing")
		assert.True(t, fault.Is(err, fault.NotFound), "%v", err)
		_, err = q.Enqueue(ctx, "", nil, job.Options{})
		assert.True(t, fault.Is(err, fault.Invalid), "%v", err)
	})

	t.Run("ClaimOrderKindsLimitAndRunAt", func(t *testing.T) {
		q, _ := fresh(t)
		later, _ := q.Enqueue(ctx, "a", nil, job.Options{RunAt: t0.Add(time.Hour)})
		first, _ := q.Enqueue(ctx, "a", nil, job.Options{RunAt: t0.Add(-2 * time.Second)})
		second, _ := q.Enqueue(ctx, "a", nil, job.Options{RunAt: t0.Add(-time.Second)})
		other, _ := q.Enqueue(ctx, "b", nil, job.Options{RunAt: t0.Add(-3 * time.Second)})

		got, err := q.Claim(ctx, "w1", []string{"a"}, 1, t0, lease)
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, first, got[0].ID, "oldest due first")
		assert.Equal(t, job.Running, got[0].Status)
		assert.Equal(t, 1, got[0].Attempt)
		assert.Equal(t, "w1", got[0].LockedBy)

		got, err = q.Claim(ctx, "w1", []string{"a"}, 10, t0, lease)
		require.NoError(t, err)
		require.Len(t, got, 1, "the future job and the other kind stay")
		assert.Equal(t, second, got[0].ID)

		got, err = q.Claim(ctx, "w1", []string{"a", "b"}, 10, t0.Add(2*time.Hour), lease)
		require.NoError(t, err)
		ids := []string{}
		for _, j := range got {
			ids = append(ids, j.ID)
		}
		assert.ElementsMatch(t, []string{later, other, first, second}, ids, "due jobs and expired leases")
	})

	t.Run("LeaseExpiryHandsTheJobToAnotherWorker", func(t *testing.T) {
		q, _ := fresh(t)
		id, _ := q.Enqueue(ctx, "a", nil, job.Options{RunAt: t0})
		got, err := q.Claim(ctx, "w1", []string{"a"}, 1, t0, lease)
		require.NoError(t, err)
		require.Len(t, got, 1)
		got, err = q.Claim(ctx, "w2", []string{"a"}, 1, t0.Add(lease-time.Second), lease)
		require.NoError(t, err)
		assert.Empty(t, got, "held while the lease runs")
		require.NoError(t, q.Extend(ctx, id, "w1", t0.Add(2*lease)))
		got, err = q.Claim(ctx, "w2", []string{"a"}, 1, t0.Add(lease+time.Second), lease)
		require.NoError(t, err)
		assert.Empty(t, got, "the extended lease still holds")

		got, err = q.Claim(ctx, "w2", []string{"a"}, 1, t0.Add(2*lease+time.Second), lease)
		require.NoError(t, err)
		require.Len(t, got, 1, "a dead worker's job is taken over")
		assert.Equal(t, 2, got[0].Attempt)
		err = q.Complete(ctx, id, "w1", t0.Add(3*lease))
		assert.True(t, fault.Is(err, fault.Conflict), "the old worker lost it: %v", err)
		require.NoError(t, q.Complete(ctx, id, "w2", t0.Add(3*lease)))
		j, err := q.Job(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, job.Completed, j.Status)
		require.NotNil(t, j.FinishedAt)
		assert.True(t, fault.Is(q.Complete(ctx, id, "w2", t0.Add(3*lease)), fault.Conflict))
		assert.True(t, fault.Is(q.Extend(ctx, "job_missing", "w2", t0), fault.NotFound))
	})

	t.Run("FailRetriesThenFails", func(t *testing.T) {
		q, _ := fresh(t)
		id, _ := q.Enqueue(ctx, "a", nil, job.Options{RunAt: t0, MaxAttempts: 2})
		_, err := q.Claim(ctx, "w", []string{"a"}, 1, t0, lease)
		require.NoError(t, err)
		retry := t0.Add(time.Minute)
		require.NoError(t, q.Fail(ctx, id, "w", "boom 1", &retry, t0))
		j, _ := q.Job(ctx, id)
		assert.Equal(t, job.Available, j.Status)
		assert.Equal(t, "boom 1", j.LastError)
		assert.True(t, j.RunAt.Equal(retry))
		got, _ := q.Claim(ctx, "w", []string{"a"}, 1, t0.Add(30*time.Second), lease)
		assert.Empty(t, got, "not before retryAt")
		got, _ = q.Claim(ctx, "w", []string{"a"}, 1, retry, lease)
		require.Len(t, got, 1)
		require.NoError(t, q.Fail(ctx, id, "w", "boom 2", &retry, retry))
		j, _ = q.Job(ctx, id)
		assert.Equal(t, job.Failed, j.Status, "out of attempts")
		assert.Equal(t, "boom 2", j.LastError)
	})

	t.Run("ExpiredFinalAttemptIsHandedBackExhausted", func(t *testing.T) {
		q, _ := fresh(t)
		id, _ := q.Enqueue(ctx, "a", nil, job.Options{RunAt: t0, MaxAttempts: 1})
		got, err := q.Claim(ctx, "w", []string{"a"}, 1, t0, lease)
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.False(t, got[0].Exhausted, "a first claim is a normal attempt")
		got, err = q.Claim(ctx, "w2", []string{"a"}, 1, t0.Add(lease/2), lease)
		require.NoError(t, err)
		assert.Empty(t, got, "not while the lease holds")
		got, err = q.Claim(ctx, "w2", []string{"a"}, 1, t0.Add(2*lease), lease)
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, id, got[0].ID)
		assert.True(t, got[0].Exhausted, "its final attempt's lease ran out")
		assert.Equal(t, 1, got[0].Attempt, "no attempt is added")
		assert.Equal(t, "w2", got[0].LockedBy)
		again, err := q.Claim(ctx, "w3", []string{"a"}, 1, t0.Add(2*lease), lease)
		require.NoError(t, err)
		assert.Empty(t, again, "w2 holds it while it gives it up")
		require.NoError(t, q.Fail(ctx, id, "w2", job.ReasonLeaseExpired, nil, t0.Add(2*lease)))
		j, _ := q.Job(ctx, id)
		assert.Equal(t, job.Failed, j.Status)
		assert.Equal(t, job.ReasonLeaseExpired, j.LastError)
		assert.False(t, j.Exhausted, "the flag belongs to a claim, not to the stored job")
	})

	t.Run("Cancel", func(t *testing.T) {
		q, _ := fresh(t)
		a, _ := q.Enqueue(ctx, "a", nil, job.Options{RunAt: t0})
		b, _ := q.Enqueue(ctx, "a", nil, job.Options{RunAt: t0.Add(time.Hour)})
		_, err := q.Claim(ctx, "w", []string{"a"}, 1, t0, lease)
		require.NoError(t, err)
		assert.True(t, fault.Is(q.Cancel(ctx, a, t0), fault.Conflict), "running")
		require.NoError(t, q.Cancel(ctx, b, t0))
		j, _ := q.Job(ctx, b)
		assert.Equal(t, job.Cancelled, j.Status)
		got, _ := q.Claim(ctx, "w", []string{"a"}, 5, t0.Add(2*time.Hour), lease)
		for _, g := range got {
			assert.NotEqual(t, b, g.ID, "a cancelled job never runs")
		}
		assert.True(t, fault.Is(q.Cancel(ctx, "job_missing", t0), fault.NotFound))
	})

	t.Run("EnqueueJoinsTheCallersTransaction", func(t *testing.T) {
		q, tx := fresh(t)
		var kept, dropped string
		require.NoError(t, tx.WithinTx(ctx, func(ctx context.Context) error {
			var err error
			kept, err = q.Enqueue(ctx, "a", nil, job.Options{RunAt: t0})
			return err
		}))
		boom := errors.New("rollback")
		err := tx.WithinTx(ctx, func(ctx context.Context) error {
			var err error
			if dropped, err = q.Enqueue(ctx, "a", nil, job.Options{RunAt: t0}); err != nil {
				return err
			}
			return boom
		})
		require.ErrorIs(t, err, boom)
		_, err = q.Job(ctx, kept)
		assert.NoError(t, err)
		_, err = q.Job(ctx, dropped)
		assert.True(t, fault.Is(err, fault.NotFound), "a rolled-back enqueue leaves no job")
	})

	t.Run("ConcurrentWorkersClaimEachJobOnce", func(t *testing.T) {
		q, _ := fresh(t)
		const jobs = 120
		for i := range jobs {
			_, err := q.Enqueue(ctx, "c", []byte(fmt.Sprintf(`{"i":%d}`, i)), job.Options{RunAt: t0})
			require.NoError(t, err)
		}
		var mu sync.Mutex
		seen := map[string]string{}
		var wg sync.WaitGroup
		for w := range 6 {
			worker := fmt.Sprintf("w%d", w)
			wg.Go(func() {
				for {
					got, err := q.Claim(ctx, worker, []string{"c"}, 4, t0, time.Hour)
					if err != nil {
						t.Errorf("claim: %v", err)
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, j := range got {
						if prev, ok := seen[j.ID]; ok {
							t.Errorf("job %s claimed by %s and %s", j.ID, prev, worker)
						}
						seen[j.ID] = worker
					}
					mu.Unlock()
					for _, j := range got {
						if err := q.Complete(ctx, j.ID, worker, t0); err != nil {
							t.Errorf("complete: %v", err)
						}
					}
				}
			})
		}
		wg.Wait()
		assert.Len(t, seen, jobs)
	})
}
