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
