// Package jobsvc runs durable background jobs from a ports.JobQueue: it
// claims due jobs, runs the handler registered for each kind with a bounded
// number in flight, renews their leases while they run, retries failures
// with exponential backoff, and stops gracefully.
package jobsvc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/kente-gov/kente/core/job"
	"github.com/kente-gov/kente/ports"
)

// Handler does a job's work. It must honour ctx (cancelled at shutdown) and
// be safe to run again for the same job: a worker may die after the work but
// before it is recorded, and the job is then run by another worker.
type Handler func(ctx context.Context, j job.Job) error

// Registration binds a handler to a job kind.
type Registration struct {
	Kind    string
	Handler Handler
	// GiveUp, optional, is called instead of Handler for a job whose final
	// attempt ended without an outcome (its worker stopped), before the job
	// is failed, so that the kind can settle what the job had reserved (a
	// refund, a status). It must be idempotent: when it returns an error
	// the job stays claimed until its lease ends and is given up again,
	// unless the error is Permanent.
	GiveUp func(ctx context.Context, j job.Job, reason string) error
}

// permanent marks an error that retrying cannot fix.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent wraps err so the job fails at once instead of being retried.
func Permanent(err error) error { return permanent{err} }

// Options tune a Runner.
type Options struct {
	// Worker names this process in job leases; it must be unique among the
	// instances sharing the queue (host name + pid, for example).
	Worker string
	// Concurrency bounds the jobs running at once; 4 when zero.
	Concurrency int
	// Poll is how often the queue is asked for due jobs; 500 ms when zero.
	Poll time.Duration
	// Lease is how long a claim holds a job before another worker may take
	// it over; renewed every third of it while the handler runs. 2 min when zero.
	Lease time.Duration
}

func (o Options) withDefaults() Options {
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.Poll <= 0 {
		o.Poll = 500 * time.Millisecond
	}
	if o.Lease <= 0 {
		o.Lease = 2 * time.Minute
	}
	if o.Worker == "" {
		o.Worker = "worker"
	}
	return o
}

// Runner claims and runs jobs.
type Runner struct {
	q        ports.JobQueue
	clock    ports.Clock
	log      *slog.Logger
	opts     Options
	handlers map[string]Handler
	giveUps  map[string]func(context.Context, job.Job, string) error
	kinds    []string

	slots  chan struct{}
	wg     sync.WaitGroup
	cancel context.CancelFunc
	done   chan struct{}
}

// New returns a Runner with the given handlers. A kind registered twice is a
// programmer error and panics.
func New(q ports.JobQueue, clock ports.Clock, log *slog.Logger, o Options, regs ...Registration) *Runner {
	o = o.withDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r := &Runner{q: q, clock: clock, log: log, opts: o, handlers: map[string]Handler{}, giveUps: map[string]func(context.Context, job.Job, string) error{}, slots: make(chan struct{}, o.Concurrency)}
	for _, reg := range regs {
		if _, dup := r.handlers[reg.Kind]; dup {
			panic("jobsvc: kind " + reg.Kind + " registered twice")
		}
		r.handlers[reg.Kind] = reg.Handler
		if reg.GiveUp != nil {
			r.giveUps[reg.Kind] = reg.GiveUp
		}
		r.kinds = append(r.kinds, reg.Kind)
	}
	sort.Strings(r.kinds)
	return r
}

// Kinds returns the registered kinds, sorted.
func (r *Runner) Kinds() []string { return append([]string(nil), r.kinds...) }

// Start polls the queue in the background until Stop. With no handlers it
// does nothing.
func (r *Runner) Start() {
	r.done = make(chan struct{})
	if len(r.kinds) == 0 {
		close(r.done)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() {
		defer close(r.done)
		t := time.NewTicker(r.opts.Poll)
		defer t.Stop()
		for {
			if _, err := r.dispatch(ctx); err != nil && ctx.Err() == nil {
				r.log.Error("claim jobs", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// Stop stops claiming and waits for running handlers until ctx ends; then
// it cancels them, and their jobs are released for another run.
func (r *Runner) Stop(ctx context.Context) error {
	if r.cancel != nil {
		r.cancel()
	}
	if r.done != nil {
		<-r.done
	}
	waited := make(chan struct{})
	go func() { r.wg.Wait(); close(waited) }()
	select {
	case <-waited:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("stop job runner: %w", ctx.Err())
	}
}

// RunDue claims the jobs due now (up to the free slots), runs them and
// waits for them; it returns how many ran. Tests drive it with a fake clock.
func (r *Runner) RunDue(ctx context.Context) (int, error) {
	n, err := r.dispatch(ctx)
	r.wg.Wait()
	return n, err
}

// dispatch claims up to the free slots and starts a handler for each job.
func (r *Runner) dispatch(ctx context.Context) (int, error) {
	free := cap(r.slots) - len(r.slots)
	if free == 0 || len(r.kinds) == 0 {
		return 0, nil
	}
	jobs, err := r.q.Claim(ctx, r.opts.Worker, r.kinds, free, r.clock.Now(), r.opts.Lease)
	if err != nil {
		return 0, err
	}
	for _, j := range jobs {
		r.slots <- struct{}{}
		r.wg.Add(1)
		go func() {
			defer func() { <-r.slots; r.wg.Done() }()
			r.run(ctx, j)
		}()
	}
	return len(jobs), nil
}

// run executes one job with lease renewal and records the outcome. The
// outcome is recorded with a context that outlives a shutdown, so a finished
// job is not run again.
func (r *Runner) run(ctx context.Context, j job.Job) {
	if j.Exhausted {
		r.giveUp(ctx, j)
		return
	}
	hctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stopBeat := r.heartbeat(hctx, j.ID)
	err := r.safeCall(hctx, j)
	stopBeat()
	rec, cancelRec := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancelRec()
	now := r.clock.Now()
	var p permanent
	switch {
	case err == nil:
		if err := r.q.Complete(rec, j.ID, r.opts.Worker, now); err != nil {
			r.log.Error("complete job", "job_id", j.ID, "kind", j.Kind, "err", err)
		}
	case errors.As(err, &p):
		r.log.Warn("job failed permanently", "job_id", j.ID, "kind", j.Kind, "err", err)
		if err := r.q.Fail(rec, j.ID, r.opts.Worker, err.Error(), nil, now); err != nil {
			r.log.Error("record job failure", "job_id", j.ID, "err", err)
		}
	default:
		retry := now.Add(job.Backoff(j.Attempt))
		if ctx.Err() != nil { // interrupted by shutdown: release it at once
			retry = now
		}
		r.log.Warn("job attempt failed", "job_id", j.ID, "kind", j.Kind, "attempt", j.Attempt, "err", err)
		if err := r.q.Fail(rec, j.ID, r.opts.Worker, err.Error(), &retry, now); err != nil {
			r.log.Error("record job failure", "job_id", j.ID, "err", err)
		}
	}
}

// giveUp settles a job whose final attempt ended without an outcome: the
// kind's GiveUp hook, then the failure. A hook error (not Permanent) leaves
// the job claimed, so it is given up again when the lease ends.
func (r *Runner) giveUp(ctx context.Context, j job.Job) {
	rec, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if hook := r.giveUps[j.Kind]; hook != nil {
		err := func() (err error) {
			defer func() {
				if v := recover(); v != nil {
					err = fmt.Errorf("give-up hook panicked: %v", v)
				}
			}()
			return hook(rec, j, job.ReasonLeaseExpired)
		}()
		var p permanent
		if err != nil && !errors.As(err, &p) {
			r.log.Error("give up job", "job_id", j.ID, "kind", j.Kind, "err", err)
			return
		}
		if err != nil {
			r.log.Error("give up job: hook failed permanently", "job_id", j.ID, "kind", j.Kind, "err", err)
		}
	}
	r.log.Warn("job given up", "job_id", j.ID, "kind", j.Kind, "attempt", j.Attempt, "reason", job.ReasonLeaseExpired)
	if err := r.q.Fail(rec, j.ID, r.opts.Worker, job.ReasonLeaseExpired, nil, r.clock.Now()); err != nil {
		r.log.Error("record job failure", "job_id", j.ID, "err", err)
	}
}

// safeCall runs the handler, turning a panic into an error.
func (r *Runner) safeCall(ctx context.Context, j job.Job) (err error) {
	h, ok := r.handlers[j.Kind]
	if !ok {
		return Permanent(fmt.Errorf("no handler for job kind %q", j.Kind))
	}
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("handler panicked: %v", v)
		}
	}()
	return h(ctx, j)
}

// heartbeat renews the job's lease every third of it until stopped.
func (r *Runner) heartbeat(ctx context.Context, id string) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(r.opts.Lease / 3)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := r.q.Extend(ctx, id, r.opts.Worker, r.clock.Now().Add(r.opts.Lease)); err != nil && ctx.Err() == nil {
					r.log.Warn("renew job lease", "job_id", id, "err", err)
				}
			}
		}
	})
	return func() { cancel(); wg.Wait() }
}
