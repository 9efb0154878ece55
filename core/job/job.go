// Package job holds the rules of Kente's durable background jobs: their
// states, retry backoff and lease arithmetic. Queues are adapters behind
// ports.JobQueue; workers are in app/jobsvc.
package job

import (
	"errors"
	"time"
)

// Status is where a job is in its life.
type Status string

// Job states. A running job whose lease has expired (its worker died) is
// claimable again, so a job survives a server restart.
const (
	Available Status = "available" // waiting for run_at
	Running   Status = "running"   // claimed by a worker until its lease ends
	Completed Status = "completed"
	Failed    Status = "failed"    // out of attempts
	Cancelled Status = "cancelled" // cancelled before it ran
)

// Terminal reports whether s is final.
func (s Status) Terminal() bool { return s == Completed || s == Failed || s == Cancelled }

// Job is one unit of background work.
type Job struct {
	ID          string
	Kind        string // names the handler, e.g. "campaign.generate"
	Payload     []byte // JSON, owned by the handler
	Status      Status
	Attempt     int // attempts started so far
	MaxAttempts int
	RunAt       time.Time
	LockedBy    string // worker id while running
	LockedUntil *time.Time
	LastError   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	FinishedAt  *time.Time
	// Exhausted is set by a claim on a job whose final attempt ended
	// without an outcome (its worker stopped and the lease ran out): the
	// handler is not run again; the job is given up and failed.
	Exhausted bool
}

// ReasonLeaseExpired is the failure recorded on an exhausted job.
const ReasonLeaseExpired = "lease expired on the final attempt (the worker stopped)"

// Options tune an enqueued job.
type Options struct {
	RunAt       time.Time // zero: now
	MaxAttempts int       // zero: DefaultMaxAttempts
}

// DefaultMaxAttempts is how often a job runs before it is failed.
const DefaultMaxAttempts = 5

// Limits of kinds and payloads.
const (
	MaxKindLen    = 64
	MaxPayloadLen = 1 << 20
)

// Validate checks a job about to be enqueued.
func Validate(kind string, payload []byte, o Options) error {
	switch {
	case kind == "" || len(kind) > MaxKindLen:
		return errors.New("job kind must be 1 to 64 characters")
	case len(payload) > MaxPayloadLen:
		return errors.New("job payload must be at most 1 MiB")
	case o.MaxAttempts < 0 || o.MaxAttempts > 100:
		return errors.New("job max attempts must be between 0 and 100")
	}
	return nil
}

// Backoff returns the delay before retrying a job after its attempt-th
// failure: 2^attempt seconds (capped at one hour), so retries spread out.
func Backoff(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	if attempt > 12 {
		return time.Hour
	}
	return min(time.Duration(1<<attempt)*time.Second, time.Hour)
}
