package ports

import (
	"context"
	"time"

	"github.com/kente-gov/kente/core/job"
)

// JobQueue is a durable queue of background jobs. A job enqueued with a ctx
// from Tx.WithinTx commits (or rolls back) with the caller's write, so work
// is never lost nor done for a write that did not happen. Claims are safe
// when several server instances run workers on one database.
type JobQueue interface {
	// Enqueue stores a new available job and returns its id. Invalid kind,
	// payload or options are fault.Invalid.
	Enqueue(ctx context.Context, kind string, payload []byte, o job.Options) (string, error)
	// Claim marks up to n jobs of the given kinds as running for worker until
	// now+lease and returns them, attempt incremented. Claimable jobs are
	// available ones with RunAt ≤ now and running ones whose lease ended
	// before now (their worker died). No job is handed to two workers. A
	// running job whose lease ended on its final attempt is returned with
	// Exhausted set and its attempt unchanged: the caller gives it up and
	// fails it (the handler does not run again).
	Claim(ctx context.Context, worker string, kinds []string, n int, now time.Time, lease time.Duration) ([]job.Job, error)
	// Extend renews worker's lease on a running job; fault.Conflict when the
	// job is no longer worker's (its lease expired and another took it).
	Extend(ctx context.Context, id, worker string, until time.Time) error
	// Complete finishes worker's running job; fault.Conflict as Extend.
	Complete(ctx context.Context, id, worker string, now time.Time) error
	// Fail records an attempt's error. With retryAt set and attempts left
	// the job becomes available at retryAt; otherwise it is failed.
	// fault.Conflict as Extend.
	Fail(ctx context.Context, id, worker, reason string, retryAt *time.Time, now time.Time) error
	// Cancel cancels an available job; fault.Conflict when it is running
	// or finished, fault.NotFound when there is none.
	Cancel(ctx context.Context, id string, now time.Time) error
	// Job returns a job; fault.NotFound when there is none.
	Job(ctx context.Context, id string) (job.Job, error)
}
