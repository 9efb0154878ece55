package ports

import (
	"context"
	"time"

	"github.com/kente-gov/kente/core/identity"
)

// UserStore keeps AskOzzy accounts.
type UserStore interface {
	// CreateUser stores a new user. A taken email returns fault.Conflict with
	// code "identity.email_taken"; a taken access-code key or referral code
	// returns fault.Conflict with code "identity.code_taken" (callers retry
	// with a fresh code).
	CreateUser(ctx context.Context, u identity.User) error
	// UserByID returns fault.NotFound when there is no such user.
	UserByID(ctx context.Context, id string) (identity.User, error)
	// UserByEmail looks up a lower-cased email; fault.NotFound when absent.
	UserByEmail(ctx context.Context, email string) (identity.User, error)
	// UserByAccessKey looks up an access-code lookup key; fault.NotFound when absent.
	UserByAccessKey(ctx context.Context, key string) (identity.User, error)
	// CountUsersByRole returns how many accounts hold role.
	CountUsersByRole(ctx context.Context, role identity.Role) (int, error)
	// UserByReferralCode returns fault.NotFound when no user owns the code.
	UserByReferralCode(ctx context.Context, code string) (identity.User, error)
	// UpdateUser loads the user, applies fn, and stores the result atomically
	// (the row is locked for the update). fn's error aborts with nothing
	// written. fn may run more than once (a busy or deadlocked transaction is
	// retried), so it must have no side effects. fault.NotFound when absent;
	// fault.Conflict as CreateUser.
	UpdateUser(ctx context.Context, id string, fn func(*identity.User) error) (identity.User, error)
}

// SessionStore keeps login sessions by token hash.
type SessionStore interface {
	// CreateSession stores s. A duplicate token hash returns fault.Conflict.
	CreateSession(ctx context.Context, s identity.Session) error
	// SessionByTokenHash returns the session, revoked or not; fault.NotFound
	// when there is none.
	SessionByTokenHash(ctx context.Context, hash string) (identity.Session, error)
	// TouchSession sets a session's last-seen time and, when ip is not empty,
	// its address (an empty ip keeps the stored one).
	TouchSession(ctx context.Context, id string, at time.Time, ip string) error
	// RevokeSession marks one session revoked at at. Revoking a revoked or
	// unknown session is not an error, and keeps the first revocation time.
	RevokeSession(ctx context.Context, id string, at time.Time) error
	// RevokeUserSessions revokes every active session of userID except
	// exceptID (which may be empty) and returns how many it revoked.
	RevokeUserSessions(ctx context.Context, userID, exceptID string, at time.Time) (int, error)
	// ActiveSessions lists userID's unrevoked sessions unexpired at now, the
	// most recently seen first.
	ActiveSessions(ctx context.Context, userID string, now time.Time) ([]identity.Session, error)
}

// Counters are shared fixed-window counters (brute-force budgets, one-time
// markers). They live where every server instance sees them, and take part
// in the transaction of a ctx from Tx.WithinTx.
type Counters interface {
	// IncrCounter adds one to key's count in the window starting at window
	// and returns the new count. The entry may be forgotten after expires.
	IncrCounter(ctx context.Context, key string, window, expires time.Time) (int64, error)
	// Counter returns key's count in the window starting at window; 0 when
	// there is none.
	Counter(ctx context.Context, key string, window time.Time) (int64, error)
}

// ActivityStats reports what a user has done, for their dashboard. The chat,
// tiers and growth contexts own these figures; until they land, NoActivity
// answers zeros.
type ActivityStats interface {
	// UserActivity returns userID's activity as of now.
	UserActivity(ctx context.Context, userID string, now time.Time) (identity.Activity, error)
}

// NoActivity is the ActivityStats of a deployment without the contexts that
// own activity figures: every figure is zero.
type NoActivity struct{}

// UserActivity returns zeros.
func (NoActivity) UserActivity(context.Context, string, time.Time) (identity.Activity, error) {
	return identity.Activity{}, nil
}
