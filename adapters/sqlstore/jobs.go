package sqlstore

import (
	"context"
	"crypto/rand"
	"time"

	"github.com/uptrace/bun"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/core/job"
	"github.com/kente-gov/kente/ports"
)

var _ ports.JobQueue = (*JobQueue)(nil)

// JobQueue is a durable job queue in the jobs table. Claims use
// SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL and MariaDB, and SQLite's
// immediate transactions (one writer at a time), so no job is handed to two
// workers. It implements ports.JobQueue.
type JobQueue struct {
	db *DB
}

// NewJobQueue returns a JobQueue on db, which must be migrated.
func NewJobQueue(db *DB) *JobQueue { return &JobQueue{db: db} }

type jobRow struct {
	bun.BaseModel `bun:"table:jobs"`

	ID          string     `bun:"id,pk"`
	Kind        string     `bun:"kind"`
	Payload     string     `bun:"payload"`
	Status      string     `bun:"status"`
	Attempt     int        `bun:"attempt"`
	MaxAttempts int        `bun:"max_attempts"`
	RunAt       time.Time  `bun:"run_at"`
	LockedBy    string     `bun:"locked_by"`
	LockedUntil *time.Time `bun:"locked_until"`
	LastError   string     `bun:"last_error"`
	CreatedAt   time.Time  `bun:"created_at"`
	UpdatedAt   time.Time  `bun:"updated_at"`
	FinishedAt  *time.Time `bun:"finished_at"`
}

func (r *jobRow) job() job.Job {
	return job.Job{
		ID: r.ID, Kind: r.Kind, Payload: []byte(r.Payload), Status: job.Status(r.Status),
		Attempt: r.Attempt, MaxAttempts: r.MaxAttempts, RunAt: r.RunAt.UTC(),
		LockedBy: r.LockedBy, LockedUntil: utcPtr(r.LockedUntil), LastError: r.LastError,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), FinishedAt: utcPtr(r.FinishedAt),
	}
}

var (
	errJobNotFound = fault.New(fault.NotFound, "job.not_found", "Job not found")
	errJobNotOwned = fault.New(fault.Conflict, "job.not_owned", "The job is no longer held by this worker")
)

// maxErrorLen bounds a stored failure reason.
const maxErrorLen = 2000

// Enqueue stores a new available job; inside a ctx from WithinTx it commits
// with the caller's write.
func (q *JobQueue) Enqueue(ctx context.Context, kind string, payload []byte, o job.Options) (string, error) {
	if err := job.Validate(kind, payload, o); err != nil {
		return "", fault.Wrap(err, fault.Invalid, "job.invalid", err.Error())
	}
	if err := checkText(kind, string(payload)); err != nil {
		return "", err
	}
	id, err := identity.NewID(rand.Reader, "job_")
	if err != nil {
		return "", err
	}
	now := dbTime(time.Now())
	runAt := now
	if !o.RunAt.IsZero() {
		runAt = dbTime(o.RunAt)
	}
	maxAttempts := o.MaxAttempts
	if maxAttempts == 0 {
		maxAttempts = job.DefaultMaxAttempts
	}
	row := jobRow{
		ID: id, Kind: kind, Payload: string(payload), Status: string(job.Available),
		MaxAttempts: maxAttempts, RunAt: runAt, CreatedAt: now, UpdatedAt: now,
	}
	if _, err := q.db.idb(ctx).NewInsert().Model(&row).Exec(ctx); err != nil {
		return "", q.db.wrapErr(err, "enqueue job")
	}
	return id, nil
}

// Claim marks up to n claimable jobs running for worker and returns them.
// A running job whose lease expired on its last attempt is claimed too,
// its attempt count unchanged and Exhausted set, so that the runner gives
// it up (and its kind can undo what the job had reserved) before failing it.
func (q *JobQueue) Claim(ctx context.Context, worker string, kinds []string, n int, now time.Time, lease time.Duration) ([]job.Job, error) {
	if n <= 0 || len(kinds) == 0 {
		return nil, nil
	}
	if err := checkText(append([]string{worker}, kinds...)...); err != nil {
		return nil, err
	}
	now = dbTime(now)
	until := dbTime(now.Add(lease))
	var out []job.Job
	err := q.db.WithinTx(ctx, func(ctx context.Context) error {
		idb := q.db.idb(ctx)
		var picked []struct {
			ID          string `bun:"id"`
			Status      string `bun:"status"`
			Attempt     int    `bun:"attempt"`
			MaxAttempts int    `bun:"max_attempts"`
		}
		sel := idb.NewSelect().Model((*jobRow)(nil)).Column("id", "status", "attempt", "max_attempts").
			Where("kind IN (?)", bun.In(kinds)).
			WhereGroup(" AND ", func(sq *bun.SelectQuery) *bun.SelectQuery {
				return sq.WhereGroup(" OR ", func(sq *bun.SelectQuery) *bun.SelectQuery {
					return sq.Where("status = ?", string(job.Available)).Where("run_at <= ?", now)
				}).WhereGroup(" OR ", func(sq *bun.SelectQuery) *bun.SelectQuery {
					return sq.Where("status = ?", string(job.Running)).Where("locked_until < ?", now)
				})
			}).
			OrderExpr("run_at ASC, id ASC").Limit(int64(n))
		if q.db.Dialect != SQLite {
			sel = sel.For("UPDATE SKIP LOCKED")
		}
		if err := sel.Scan(ctx, &picked); err != nil {
			return q.db.wrapErr(err, "select claimable jobs")
		}
		if len(picked) == 0 {
			return nil
		}
		ids := make([]string, len(picked))
		exhausted := map[string]bool{}
		for i, p := range picked {
			ids[i] = p.ID
			if p.Status == string(job.Running) && p.Attempt >= p.MaxAttempts {
				exhausted[p.ID] = true // its last attempt's lease ran out
			}
		}
		if _, err := idb.NewUpdate().Model((*jobRow)(nil)).
			Set("status = ?", string(job.Running)).Set("locked_by = ?", worker).
			Set("locked_until = ?", until).Set("attempt = CASE WHEN attempt < max_attempts THEN attempt + 1 ELSE attempt END").Set("updated_at = ?", now).
			Where("id IN (?)", bun.In(ids)).Exec(ctx); err != nil {
			return q.db.wrapErr(err, "claim jobs")
		}
		var rows []jobRow
		if err := idb.NewSelect().Model(&rows).Where("id IN (?)", bun.In(ids)).OrderExpr("run_at ASC, id ASC").Scan(ctx); err != nil {
			return q.db.wrapErr(err, "load claimed jobs")
		}
		out = make([]job.Job, len(rows))
		for i := range rows {
			out[i] = rows[i].job()
			out[i].Exhausted = exhausted[rows[i].ID]
		}
		return nil
	})
	return out, err
}

// held updates worker's running job id with set, or reports who holds it.
// It runs in a transaction (joining the caller's) so that a deadlock with a
// concurrent claim, which MariaDB resolves by aborting one side, is retried.
func (q *JobQueue) held(ctx context.Context, id, worker string, set func(*bun.UpdateQuery) *bun.UpdateQuery) error {
	if err := checkText(id, worker); err != nil {
		return err
	}
	return q.db.WithinTx(ctx, func(ctx context.Context) error {
		res, err := set(q.db.idb(ctx).NewUpdate().Model((*jobRow)(nil))).
			Where("id = ?", id).Where("status = ?", string(job.Running)).Where("locked_by = ?", worker).
			Exec(ctx)
		if err != nil {
			return q.db.wrapErr(err, "update job")
		}
		if n, err := res.RowsAffected(); err != nil {
			return q.db.wrapErr(err, "update job")
		} else if n == 0 {
			if _, err := q.Job(ctx, id); err != nil {
				return err
			}
			return errJobNotOwned
		}
		return nil
	})
}

// Extend renews worker's lease.
func (q *JobQueue) Extend(ctx context.Context, id, worker string, until time.Time) error {
	return q.held(ctx, id, worker, func(u *bun.UpdateQuery) *bun.UpdateQuery {
		return u.Set("locked_until = ?", dbTime(until))
	})
}

// Complete finishes worker's job.
func (q *JobQueue) Complete(ctx context.Context, id, worker string, now time.Time) error {
	now = dbTime(now)
	return q.held(ctx, id, worker, func(u *bun.UpdateQuery) *bun.UpdateQuery {
		return u.Set("status = ?", string(job.Completed)).Set("locked_until = NULL").
			Set("finished_at = ?", now).Set("updated_at = ?", now)
	})
}

// Fail records a failed attempt: retried at retryAt while attempts remain,
// failed otherwise.
func (q *JobQueue) Fail(ctx context.Context, id, worker, reason string, retryAt *time.Time, now time.Time) error {
	if len(reason) > maxErrorLen {
		reason = reason[:maxErrorLen]
	}
	if err := checkText(reason); err != nil {
		reason = "job failed (reason not storable)"
	}
	now = dbTime(now)
	return q.db.WithinTx(ctx, func(ctx context.Context) error {
		j, err := q.Job(ctx, id)
		if err != nil {
			return err
		}
		retry := retryAt != nil && j.Attempt < j.MaxAttempts
		return q.held(ctx, id, worker, func(u *bun.UpdateQuery) *bun.UpdateQuery {
			u = u.Set("last_error = ?", reason).Set("locked_until = NULL").Set("updated_at = ?", now)
			if retry {
				return u.Set("status = ?", string(job.Available)).Set("run_at = ?", dbTime(*retryAt)).Set("locked_by = ''")
			}
			return u.Set("status = ?", string(job.Failed)).Set("finished_at = ?", now)
		})
	})
}

// Cancel cancels an available job (in a transaction, so a deadlock with a
// concurrent claim is retried).
func (q *JobQueue) Cancel(ctx context.Context, id string, now time.Time) error {
	if err := checkText(id); err != nil {
		return err
	}
	now = dbTime(now)
	return q.db.WithinTx(ctx, func(ctx context.Context) error {
		res, err := q.db.idb(ctx).NewUpdate().Model((*jobRow)(nil)).
			Set("status = ?", string(job.Cancelled)).Set("finished_at = ?", now).Set("updated_at = ?", now).
			Where("id = ?", id).Where("status = ?", string(job.Available)).Exec(ctx)
		if err != nil {
			return q.db.wrapErr(err, "cancel job")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, err := q.Job(ctx, id); err != nil {
				return err
			}
			return fault.New(fault.Conflict, "job.not_cancellable", "Only a job that has not started can be cancelled")
		}
		return nil
	})
}

// Job returns a job by id.
func (q *JobQueue) Job(ctx context.Context, id string) (job.Job, error) {
	if err := checkText(id); err != nil {
		return job.Job{}, err
	}
	var row jobRow
	err := q.db.idb(ctx).NewSelect().Model(&row).Where("id = ?", id).Limit(1).Scan(ctx)
	if isNoRows(err) {
		return job.Job{}, errJobNotFound
	}
	if err != nil {
		return job.Job{}, q.db.wrapErr(err, "load job")
	}
	return row.job(), nil
}
