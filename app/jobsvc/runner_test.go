package jobsvc_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/app/jobsvc"
	"github.com/kente-gov/kente/core/job"
	"github.com/kente-gov/kente/test/testkit"
)

var ctx = context.Background()

func setup(t *testing.T, regs ...jobsvc.Registration) (*sqlstore.JobQueue, *testkit.Clock, *jobsvc.Runner) {
	t.Helper()
	q := sqlstore.NewJobQueue(sqltest.Fresh(t, sqlstore.SQLite))
	clock := testkit.NewClock(time.Now().Add(time.Minute))
	r := jobsvc.New(q, clock, nil, jobsvc.Options{Worker: "test", Concurrency: 2, Lease: time.Minute}, regs...)
	return q, clock, r
}

func TestRunsAndCompletes(t *testing.T) {
	var got []string
	q, _, r := setup(t, jobsvc.Registration{Kind: "echo", Handler: func(_ context.Context, j job.Job) error {
		got = append(got, string(j.Payload))
		return nil
	}})
	id, err := q.Enqueue(ctx, "echo", []byte(`"hello"`), job.Options{})
	require.NoError(t, err)
	n, err := r.RunDue(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, []string{`"hello"`}, got)
	j, err := q.Job(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, job.Completed, j.Status)
}

func TestRetriesWithBackoffThenFails(t *testing.T) {
	var calls atomic.Int32
	q, clock, r := setup(t, jobsvc.Registration{Kind: "flaky", Handler: func(context.Context, job.Job) error {
		calls.Add(1)
		return errors.New("upstream down")
	}})
	id, err := q.Enqueue(ctx, "flaky", nil, job.Options{MaxAttempts: 3})
	require.NoError(t, err)

	_, err = r.RunDue(ctx)
	require.NoError(t, err)
	j, _ := q.Job(ctx, id)
	assert.Equal(t, job.Available, j.Status)
	assert.Equal(t, "upstream down", j.LastError)
	assert.True(t, j.RunAt.Equal(clock.Now().Add(job.Backoff(1)).Truncate(time.Microsecond)), "retry after 2 s: %v", j.RunAt)

	n, _ := r.RunDue(ctx)
	assert.Zero(t, n, "not before the backoff")
	clock.Add(job.Backoff(1))
	_, _ = r.RunDue(ctx)
	clock.Add(job.Backoff(2))
	_, _ = r.RunDue(ctx)
	j, _ = q.Job(ctx, id)
	assert.Equal(t, job.Failed, j.Status)
	assert.Equal(t, int32(3), calls.Load())
}

func TestPermanentAndPanicAndUnknownKind(t *testing.T) {
	q, _, r := setup(t,
		jobsvc.Registration{Kind: "bad", Handler: func(context.Context, job.Job) error {
			return jobsvc.Permanent(errors.New("invalid payload"))
		}},
		jobsvc.Registration{Kind: "panics", Handler: func(context.Context, job.Job) error { panic("boom") }},
	)
	bad, _ := q.Enqueue(ctx, "bad", nil, job.Options{})
	pan, _ := q.Enqueue(ctx, "panics", nil, job.Options{})
	_, err := r.RunDue(ctx)
	require.NoError(t, err)
	j, _ := q.Job(ctx, bad)
	assert.Equal(t, job.Failed, j.Status, "permanent errors are not retried")
	j, _ = q.Job(ctx, pan)
	assert.Equal(t, job.Available, j.Status, "a panic is an ordinary, retried failure")
	assert.Contains(t, j.LastError, "panicked")
}

func TestStopWaitsForRunningJobs(t *testing.T) {
	started := make(chan struct{})
	release := make(chan struct{})
	q, _, r := setup(t, jobsvc.Registration{Kind: "slow", Handler: func(ctx context.Context, j job.Job) error {
		close(started)
		<-release
		return nil
	}})
	id, _ := q.Enqueue(ctx, "slow", nil, job.Options{})
	r.Start()
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("job did not start")
	}
	stopped := make(chan error)
	go func() { stopped <- r.Stop(context.Background()) }()
	select {
	case <-stopped:
		t.Fatal("Stop returned while a job was running")
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	require.NoError(t, <-stopped)
	j, _ := q.Job(ctx, id)
	assert.Equal(t, job.Completed, j.Status)
}

func TestDuplicateKindPanics(t *testing.T) {
	h := func(context.Context, job.Job) error { return nil }
	assert.Panics(t, func() {
		jobsvc.New(nil, nil, nil, jobsvc.Options{}, jobsvc.Registration{Kind: "a", Handler: h}, jobsvc.Registration{Kind: "a", Handler: h})
	})
}

// TestExhaustedJobIsGivenUp: a job whose final attempt's lease ran out is
// not run again; its kind's GiveUp hook settles it and it is failed. A hook
// error leaves it claimed, to be given up again when the lease ends.
func TestExhaustedJobIsGivenUp(t *testing.T) {
	var runs, giveUps atomic.Int32
	hookErr := errors.New("database away")
	var failHook atomic.Bool
	failHook.Store(true)
	q, clock, r := setup(t, jobsvc.Registration{Kind: "gen",
		Handler: func(context.Context, job.Job) error { runs.Add(1); return nil },
		GiveUp: func(_ context.Context, j job.Job, reason string) error {
			assert.True(t, j.Exhausted)
			assert.Equal(t, job.ReasonLeaseExpired, reason)
			giveUps.Add(1)
			if failHook.Load() {
				return hookErr
			}
			return nil
		}})
	id, err := q.Enqueue(ctx, "gen", nil, job.Options{MaxAttempts: 1})
	require.NoError(t, err)
	// A worker that dies: it claims the only attempt and never reports.
	_, err = q.Claim(ctx, "dead-worker", []string{"gen"}, 1, clock.Now(), time.Minute)
	require.NoError(t, err)

	clock.Add(2 * time.Minute)
	n, err := r.RunDue(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, int32(0), runs.Load(), "the handler does not run an exhausted job")
	assert.Equal(t, int32(1), giveUps.Load())
	j, _ := q.Job(ctx, id)
	assert.Equal(t, job.Running, j.Status, "the hook failed: still claimed")

	failHook.Store(false)
	n, err = r.RunDue(ctx)
	require.NoError(t, err)
	assert.Equal(t, 0, n, "not before the lease ends")
	clock.Add(2 * time.Minute)
	_, err = r.RunDue(ctx)
	require.NoError(t, err)
	assert.Equal(t, int32(2), giveUps.Load())
	j, _ = q.Job(ctx, id)
	assert.Equal(t, job.Failed, j.Status)
	assert.Equal(t, job.ReasonLeaseExpired, j.LastError)
	assert.Equal(t, int32(0), runs.Load())
}

// TestExhaustedJobWithoutHookFails: a kind without GiveUp is simply failed.
func TestExhaustedJobWithoutHookFails(t *testing.T) {
	q, clock, r := setup(t, jobsvc.Registration{Kind: "gen", Handler: func(context.Context, job.Job) error { return nil }})
	id, err := q.Enqueue(ctx, "gen", nil, job.Options{MaxAttempts: 1})
	require.NoError(t, err)
	_, err = q.Claim(ctx, "dead-worker", []string{"gen"}, 1, clock.Now(), time.Minute)
	require.NoError(t, err)
	clock.Add(2 * time.Minute)
	_, err = r.RunDue(ctx)
	require.NoError(t, err)
	j, _ := q.Job(ctx, id)
	assert.Equal(t, job.Failed, j.Status)
}
