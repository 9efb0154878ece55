package ports

import (
	"context"
	"time"
)

// Tx runs a function atomically. Stores called with the ctx passed to fn take
// part in the transaction; an error from fn, or a panic, rolls it back.
type Tx interface {
	// WithinTx runs fn in one transaction. Nested calls join the outer one.
	WithinTx(ctx context.Context, fn func(ctx context.Context) error) error
}

// Clock tells the time. Services read time only through it so tests can
// drive it.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock, in UTC.
type SystemClock struct{}

// Now returns the current UTC time.
func (SystemClock) Now() time.Time { return time.Now().UTC() }

// Pinger reports whether a backing service answers; /readyz uses it.
type Pinger interface {
	// Ping returns nil when the service answers, fault.Unavailable otherwise.
	Ping(ctx context.Context) error
}
