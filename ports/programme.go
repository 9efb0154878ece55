package ports

import (
	"context"
	"time"

	"github.com/kente-gov/kente/core/programme"
)

// ProgrammeStore keeps Oomus programmes (the tenant).
type ProgrammeStore interface {
	// CreateProgramme stores a new programme. A taken id is fault.Conflict.
	CreateProgramme(ctx context.Context, p programme.Programme) error
	// ProgrammeByID returns fault.NotFound when there is no such programme.
	ProgrammeByID(ctx context.Context, id string) (programme.Programme, error)
	// UpdateProgramme loads the programme, applies fn and stores the result
	// atomically (the row is locked). fn's error aborts with nothing written;
	// fn may run more than once, so it must have no side effects. The id and
	// BalanceFCFA are not changed by it (the billing context owns the
	// balance). fault.NotFound when absent.
	UpdateProgramme(ctx context.Context, id string, fn func(*programme.Programme) error) (programme.Programme, error)
	// ListProgrammes returns programmes newest first and how many exist.
	// limit is 1–500; offset ≥ 0.
	ListProgrammes(ctx context.Context, limit, offset int) ([]programme.Programme, int, error)
	// DeleteProgramme removes a programme with its users, sessions and module
	// rows. fault.NotFound when absent.
	DeleteProgramme(ctx context.Context, id string) error
}

// ProgrammeUserStore keeps the login identities of programmes.
type ProgrammeUserStore interface {
	// CreateProgrammeUser stores a new user of an existing programme. A taken
	// email is fault.Conflict with code "programme.email_taken" and field
	// "email"; an unknown programme is fault.NotFound.
	CreateProgrammeUser(ctx context.Context, u programme.User) error
	// ProgrammeUserByID returns fault.NotFound when absent.
	ProgrammeUserByID(ctx context.Context, id string) (programme.User, error)
	// ProgrammeUserByEmail looks up a lower-cased email; fault.NotFound when
	// absent.
	ProgrammeUserByEmail(ctx context.Context, email string) (programme.User, error)
	// ProgrammeUsers lists a programme's users, oldest first (the first is
	// the one who registered it).
	ProgrammeUsers(ctx context.Context, programmeID string) ([]programme.User, error)
	// UpdateProgrammeUser loads the user, applies fn and stores the result
	// atomically (the row is locked). fn may run more than once. The id and
	// programme cannot change. fault.NotFound when absent; fault.Conflict as
	// CreateProgrammeUser.
	UpdateProgrammeUser(ctx context.Context, id string, fn func(*programme.User) error) (programme.User, error)
}

// RefreshTokenStore keeps login sessions (refresh-token families) and their
// refresh tokens, by hash only.
type RefreshTokenStore interface {
	// CreateProgrammeSession stores a new session. A taken id is
	// fault.Conflict.
	CreateProgrammeSession(ctx context.Context, s programme.Session) error
	// ProgrammeSession returns a session, revoked or not; fault.NotFound
	// when absent.
	ProgrammeSession(ctx context.Context, id string) (programme.Session, error)
	// RevokeProgrammeSessions revokes the user's active sessions (only
	// sessionID's when it is not empty) at at, and returns how many it
	// revoked. A revoked session keeps its first revocation time.
	RevokeProgrammeSessions(ctx context.Context, userID, sessionID string, at time.Time) (int, error)
	// AddRefreshToken stores an issued refresh token. A taken hash is
	// fault.Conflict.
	AddRefreshToken(ctx context.Context, t programme.RefreshToken) error
	// UseRefreshToken marks the token with hash used at at, atomically: of
	// concurrent callers exactly one succeeds. It returns the token as it
	// was before. An unknown hash is fault.NotFound; a token already used is
	// fault.Conflict with code "programme.refresh_reused", returned together
	// with the token so the caller can revoke its session.
	UseRefreshToken(ctx context.Context, hash string, at time.Time) (programme.RefreshToken, error)
}

// ModuleChecker answers whether a premium module is switched on for a
// programme. The billing context fills the programme_modules table it reads.
type ModuleChecker interface {
	// ModuleActive reports whether module key is active for programmeID; an
	// unknown programme or key is simply not active.
	ModuleActive(ctx context.Context, programmeID, key string) (bool, error)
}

// AccessTokens signs and checks Oomus tokens (JWT HS256, algorithm pinned).
type AccessTokens interface {
	// Sign returns the signed token of c.
	Sign(c programme.Claims) (string, error)
	// Parse verifies a token's signature, algorithm, issuer, audience and
	// expiry at now and returns its claims. Any failure is
	// fault.Unauthenticated.
	Parse(token string, now time.Time) (programme.Claims, error)
}
