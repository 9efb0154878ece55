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
