// Package identitysvc holds the AskOzzy identity use cases: registration,
// access-code login, sessions and profiles. It speaks core types and
// core/fault errors and knows nothing of HTTP or SQL.
package identitysvc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/kente-gov/kente/core/audit"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/ports"
)

// Options tune the service. The zero value is not usable: Pepper is required.
type Options struct {
	// Pepper keys the access-code lookup index and the TOTP seed box
	// (KENTE_CODE_PEPPER). Changing it makes every existing access code and
	// authenticator unusable.
	Pepper []byte
	// Hash sets the Argon2id cost of access-code and recovery-code hashes.
	Hash identity.HashParams
	// SessionTTL is a session's lifetime; identity.SessionTTL when zero.
	SessionTTL time.Duration
	// CacheTTL is how long an authenticated token is trusted without asking
	// the store (0 disables the cache). A session revoked on another server
	// instance stays usable here for at most this long.
	CacheTTL time.Duration
	// CacheSize bounds the token cache; 10,000 entries when zero.
	CacheSize int
	// Throttle sets the brute-force budgets; identity.DefaultThrottle when
	// zero.
	Throttle identity.Throttle
	// BootstrapSecret allows creating the first super admin once
	// (KENTE_BOOTSTRAP_SECRET); empty disables bootstrap.
	BootstrapSecret string
	// Issuer names the service in authenticator apps; "AskOzzy" when empty.
	Issuer string
}

// Validate reports unusable options.
func (o Options) Validate() error {
	if len(o.Pepper) < 16 {
		return errors.New("identity pepper must be at least 16 bytes")
	}
	if err := o.Hash.Validate(); err != nil {
		return err
	}
	if o.SessionTTL < 0 || o.CacheTTL < 0 || o.CacheSize < 0 {
		return errors.New("identity durations and sizes must not be negative")
	}
	if o.Throttle != (identity.Throttle{}) && !o.Throttle.Valid() {
		return errors.New("identity throttle budgets must be positive")
	}
	return nil
}

// Auditor records security events and admin actions. The audit service
// implements it; records written with a transaction's ctx commit with it.
type Auditor interface {
	Record(ctx context.Context, r audit.Record) error
}

// Deps are the ports the service drives.
type Deps struct {
	Users    ports.UserStore
	Sessions ports.SessionStore
	Tx       ports.Tx
	Counters ports.Counters
	Audit    Auditor
	Activity ports.ActivityStats // ports.NoActivity{} until the owning contexts land
	Clock    ports.Clock
	Rand     io.Reader // a CSPRNG: crypto/rand.Reader in production
	Log      *slog.Logger
}

// ClientMeta describes where a request came from.
type ClientMeta struct {
	IP        string
	UserAgent string
}

// Principal is an authenticated caller: the user and the session used.
type Principal struct {
	User    identity.User
	Session identity.Session
}

// Service runs the identity use cases.
type Service struct {
	users    ports.UserStore
	sessions ports.SessionStore
	tx       ports.Tx
	counters ports.Counters
	audit    Auditor
	activity ports.ActivityStats
	clock    ports.Clock
	rand     io.Reader
	log      *slog.Logger
	opts     Options
	cache    *tokenCache
	box      *identity.SecretBox
	// dummyHash is verified when no account matches a code, so a miss costs
	// as much as a hit and response times do not reveal which codes exist.
	dummyHash string
}

// New returns a Service. It panics if a required dependency is missing or
// opts are invalid: both are checked at configuration time, so either here
// is a programmer error.
func New(d Deps, opts Options) *Service {
	if err := opts.Validate(); err != nil {
		panic("identitysvc: " + err.Error())
	}
	if d.Users == nil || d.Sessions == nil || d.Tx == nil || d.Counters == nil || d.Audit == nil || d.Clock == nil || d.Rand == nil {
		panic("identitysvc: Users, Sessions, Tx, Counters, Audit, Clock and Rand are required")
	}
	if opts.SessionTTL == 0 {
		opts.SessionTTL = identity.SessionTTL
	}
	if opts.CacheSize == 0 {
		opts.CacheSize = 10_000
	}
	if opts.Throttle == (identity.Throttle{}) {
		opts.Throttle = identity.DefaultThrottle
	}
	if opts.Issuer == "" {
		opts.Issuer = "AskOzzy"
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Activity == nil {
		d.Activity = ports.NoActivity{}
	}
	box, err := identity.NewSecretBox(opts.Pepper, "totp-seed")
	if err != nil {
		panic("identitysvc: " + err.Error())
	}
	dummy, err := identity.HashSecret(d.Rand, opts.Hash, "dummy-code")
	if err != nil {
		panic("identitysvc: read random: " + err.Error())
	}
	return &Service{
		users: d.Users, sessions: d.Sessions, tx: d.Tx, counters: d.Counters, audit: d.Audit, activity: d.Activity,
		clock: d.Clock, rand: d.Rand, log: d.Log, opts: opts,
		cache:     newTokenCache(opts.CacheTTL, opts.CacheSize),
		box:       box,
		dummyHash: dummy,
	}
}

// Registered is the result of a registration: the access code, shown once,
// and a session token.
type Registered struct {
	AccessCode   string
	RecoveryCode string // shown once; resets the account if the code is lost
	Token        string
	User         identity.User
}

// maxCodeAttempts bounds retries when a fresh random code collides.
const maxCodeAttempts = 5

// Register opens an account and signs it in. A taken email is
// fault.Conflict; invalid fields are fault.Invalid naming the field. An
// unknown referral code is recorded but links nobody.
func (s *Service) Register(ctx context.Context, in identity.Registration, meta ClientMeta) (Registered, error) {
	reg, err := in.Normalise()
	if err != nil {
		return Registered{}, err
	}
	if _, err := s.users.UserByEmail(ctx, reg.Email); err == nil {
		return Registered{}, errEmailTaken
	} else if !fault.Is(err, fault.NotFound) {
		return Registered{}, fmt.Errorf("check email: %w", err)
	}

	var referrer string
	if reg.ReferralCode != "" {
		switch u, err := s.users.UserByReferralCode(ctx, reg.ReferralCode); {
		case err == nil:
			referrer = u.ID
		case !fault.Is(err, fault.NotFound):
			return Registered{}, fmt.Errorf("look up referral code: %w", err)
		}
	}

	now := s.clock.Now()
	for attempt := 1; ; attempt++ {
		u, code, err := s.newUser(reg, referrer, now)
		if err != nil {
			return Registered{}, err
		}
		recovery, err := s.newRecoveryCode(&u)
		if err != nil {
			return Registered{}, err
		}
		var token string
		err = s.tx.WithinTx(ctx, func(ctx context.Context) error {
			if err := s.users.CreateUser(ctx, u); err != nil {
				return err
			}
			var err error
			if token, err = s.startSession(ctx, u.ID, meta, now); err != nil {
				return err
			}
			return s.audit.Record(ctx, s.event(meta, u.ID, "register", "user", u.ID, audit.Success, nil))
		})
		if err == nil {
			s.log.InfoContext(ctx, "user registered", "user_id", u.ID)
			return Registered{AccessCode: code, RecoveryCode: recovery, Token: token, User: u}, nil
		}
		if fe, ok := fault.As(err); ok && fe.Code == CodeTaken && attempt < maxCodeAttempts {
			continue // a fresh code or referral code collided: draw again
		}
		if fe, ok := fault.As(err); ok && fe.Code == EmailTaken {
			return Registered{}, errEmailTaken
		}
		return Registered{}, fmt.Errorf("register: %w", err)
	}
}

// Stable fault codes of this service that callers may branch on.
const (
	EmailTaken = "identity.email_taken"
	CodeTaken  = "identity.code_taken"
)

var (
	errEmailTaken    = fault.New(fault.Conflict, EmailTaken, "An account with this email already exists").WithField("email")
	errBadCode       = fault.New(fault.Unauthenticated, "identity.invalid_access_code", "Invalid access code")
	errNoSession     = fault.New(fault.Unauthenticated, "identity.unauthenticated", "Authentication required")
	errBadSession    = fault.New(fault.Unauthenticated, "identity.invalid_session", "Invalid or expired session")
	errDeactivated   = fault.New(fault.Forbidden, "identity.deactivated", "This account has been deactivated")
	errMalformedCode = fault.Field("accessCode", "identity.access_code_malformed", "accessCode must look like OZZY-XXXX-XXXX")
	errTOTPRequired  = fault.New(fault.Unauthenticated, "identity.totp_required", "A TOTP code is required for this account").
				WithField("totpCode").With("totpRequired", true)
	errTOTPWrong = fault.New(fault.Unauthenticated, "identity.totp_invalid", "Invalid TOTP code").
			WithField("totpCode").With("totpRequired", true)
)

func (s *Service) newUser(reg identity.Registration, referrer string, now time.Time) (identity.User, string, error) {
	id, err := identity.NewID(s.rand, "usr_")
	if err != nil {
		return identity.User{}, "", err
	}
	code, err := identity.NewAccessCode(s.rand)
	if err != nil {
		return identity.User{}, "", err
	}
	bare, _ := identity.ParseAccessCode(code)
	hash, err := identity.HashSecret(s.rand, s.opts.Hash, bare)
	if err != nil {
		return identity.User{}, "", err
	}
	ref, err := identity.NewReferralCode(s.rand, reg.FullName)
	if err != nil {
		return identity.User{}, "", err
	}
	return identity.User{
		ID:                    id,
		Email:                 reg.Email,
		FullName:              reg.FullName,
		Department:            reg.Department,
		Role:                  identity.RoleUser,
		Tier:                  identity.DefaultTier,
		Status:                identity.StatusActive,
		UserType:              identity.UserType(reg.UserType),
		AccessCodeKey:         identity.LookupKey(s.opts.Pepper, identity.PurposeAccessCode, bare),
		AccessCodeHash:        hash,
		ReferralCode:          ref,
		ReferredBy:            referrer,
		SubmittedReferralCode: reg.ReferralCode,
		CreatedAt:             now,
		UpdatedAt:             now,
	}, code, nil
}

func (s *Service) startSession(ctx context.Context, userID string, meta ClientMeta, now time.Time) (string, error) {
	token, err := identity.NewSessionToken(s.rand)
	if err != nil {
		return "", err
	}
	id, err := identity.NewID(s.rand, "sess_")
	if err != nil {
		return "", err
	}
	err = s.sessions.CreateSession(ctx, identity.Session{
		ID:         id,
		UserID:     userID,
		TokenHash:  identity.HashToken(token),
		IP:         meta.IP,
		UserAgent:  truncate(meta.UserAgent, 512),
		CreatedAt:  now,
		LastSeenAt: now,
		ExpiresAt:  now.Add(s.opts.SessionTTL),
	})
	if err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	return token, nil
}

// StartSession signs userID in after another factor (a passkey) proved who
// they are. A deactivated account is fault.Forbidden.
func (s *Service) StartSession(ctx context.Context, userID string, meta ClientMeta) (LoggedIn, error) {
	u, err := s.users.UserByID(ctx, userID)
	if err != nil {
		return LoggedIn{}, fmt.Errorf("start session: %w", err)
	}
	if u.Status != identity.StatusActive {
		return LoggedIn{}, errDeactivated
	}
	now := s.clock.Now()
	var token string
	err = s.tx.WithinTx(ctx, func(ctx context.Context) error {
		var err error
		u, err = s.users.UpdateUser(ctx, u.ID, func(u *identity.User) error {
			u.LastLogin = &now
			u.FailedLogins, u.LockedUntil = 0, nil
			return nil
		})
		if err != nil {
			return err
		}
		token, err = s.startSession(ctx, u.ID, meta, now)
		return err
	})
	if err != nil {
		return LoggedIn{}, fmt.Errorf("start session: %w", err)
	}
	return LoggedIn{Token: token, User: u}, nil
}

// LoggedIn is the result of a login.
type LoggedIn struct {
	Token string
	User  identity.User
}

// Credentials are what a person types to log in: the access code, and the
// TOTP code when the account has two-factor authentication on.
type Credentials struct {
	AccessCode string
	TOTPCode   string
}

// Login signs in with an access code (the seed's contract) and, for an
// account with 2FA on, a TOTP code. A malformed code is fault.Invalid on
// field accessCode; a wrong one fault.Unauthenticated; a missing or wrong
// TOTP code fault.Unauthenticated with "totpRequired": true; a deactivated
// account fault.Forbidden; a client or account over its failure budget
// fault.RateLimited with the seconds to wait. Every outcome is audited.
func (s *Service) Login(ctx context.Context, c Credentials, meta ClientMeta) (LoggedIn, error) {
	if c.AccessCode == "" {
		return LoggedIn{}, fault.Field("accessCode", "identity.access_code_required", "accessCode is required")
	}
	bare, err := identity.ParseAccessCode(c.AccessCode)
	if err != nil {
		return LoggedIn{}, errMalformedCode
	}
	now := s.clock.Now()
	if err := s.checkBudgets(ctx, meta.IP, now); err != nil {
		return LoggedIn{}, err
	}
	u, err := s.users.UserByAccessKey(ctx, identity.LookupKey(s.opts.Pepper, identity.PurposeAccessCode, bare))
	if fault.Is(err, fault.NotFound) {
		identity.VerifySecret(s.dummyHash, bare)
		s.failed(ctx, meta, "", "login_failed", map[string]any{"reason": "unknown_access_code"})
		return LoggedIn{}, errBadCode
	}
	if err != nil {
		return LoggedIn{}, fmt.Errorf("look up access code: %w", err)
	}
	if !identity.VerifySecret(u.AccessCodeHash, bare) {
		s.failed(ctx, meta, u.ID, "login_failed", map[string]any{"reason": "wrong_access_code"})
		return LoggedIn{}, errBadCode
	}
	if err := s.checkLock(u, now); err != nil {
		s.record(ctx, meta, u.ID, "login_failed", "user", u.ID, audit.Denied, map[string]any{"reason": "account_locked"})
		return LoggedIn{}, err
	}
	if u.Status != identity.StatusActive {
		s.record(ctx, meta, u.ID, "login_failed", "user", u.ID, audit.Denied, map[string]any{"reason": "deactivated"})
		return LoggedIn{}, errDeactivated
	}
	method := "access_code"
	var step uint64
	if u.TOTPEnabled {
		if c.TOTPCode == "" {
			return LoggedIn{}, errTOTPRequired
		}
		var ok bool
		step, ok = s.verifyTOTP(u.TOTPSecret, c.TOTPCode, now, u.TOTPLastStep)
		if !ok {
			s.accountFailure(ctx, u.ID, meta, "login_failed", "wrong_totp_code")
			return LoggedIn{}, errTOTPWrong
		}
		method = "access_code+totp"
	}
	var token string
	err = s.tx.WithinTx(ctx, func(ctx context.Context) error {
		var err error
		u, err = s.users.UpdateUser(ctx, u.ID, func(u *identity.User) error {
			u.LastLogin = &now
			u.FailedLogins, u.LockedUntil = 0, nil
			if step > 0 {
				u.TOTPLastStep = int64(step)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if token, err = s.startSession(ctx, u.ID, meta, now); err != nil {
			return err
		}
		return s.audit.Record(ctx, s.event(meta, u.ID, "login", "user", u.ID, audit.Success, map[string]any{"method": method}))
	})
	if err != nil {
		return LoggedIn{}, fmt.Errorf("login: %w", err)
	}
	return LoggedIn{Token: token, User: u}, nil
}

// Authenticate resolves a bearer token to its principal. A missing,
// malformed, unknown, revoked or expired token is fault.Unauthenticated; a
// deactivated account fault.Forbidden. Last-seen writes are throttled to one
// per session per identity.TouchInterval.
func (s *Service) Authenticate(ctx context.Context, token string, meta ClientMeta) (Principal, error) {
	if token == "" {
		return Principal{}, errNoSession
	}
	if !identity.WellFormedToken(token) {
		return Principal{}, errBadSession
	}
	now := s.clock.Now()
	hash := identity.HashToken(token)
	p, ok := s.cache.get(hash, now)
	if !ok {
		sess, err := s.sessions.SessionByTokenHash(ctx, hash)
		if fault.Is(err, fault.NotFound) {
			return Principal{}, errBadSession
		}
		if err != nil {
			return Principal{}, fmt.Errorf("load session: %w", err)
		}
		if !sess.Active(now) {
			return Principal{}, errBadSession
		}
		u, err := s.users.UserByID(ctx, sess.UserID)
		if fault.Is(err, fault.NotFound) {
			return Principal{}, errBadSession
		}
		if err != nil {
			return Principal{}, fmt.Errorf("load session user: %w", err)
		}
		p = Principal{User: u, Session: sess}
	}
	if !p.Session.Active(now) {
		s.cache.drop(hash)
		return Principal{}, errBadSession
	}
	if p.User.Status != identity.StatusActive {
		return Principal{}, errDeactivated
	}
	if p.Session.NeedsTouch(now) {
		if err := s.sessions.TouchSession(ctx, p.Session.ID, now, meta.IP); err != nil {
			s.log.WarnContext(ctx, "touch session", "session_id", p.Session.ID, "err", err)
		} else {
			p.Session.LastSeenAt = now
			if meta.IP != "" {
				p.Session.IP = meta.IP
			}
		}
	}
	s.cache.put(hash, p, now)
	return p, nil
}

// Logout revokes the caller's session.
func (s *Service) Logout(ctx context.Context, p Principal) error {
	if err := s.sessions.RevokeSession(ctx, p.Session.ID, s.clock.Now()); err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	s.cache.drop(p.Session.TokenHash)
	return nil
}

// Profile returns the caller's current account.
func (s *Service) Profile(ctx context.Context, p Principal) (identity.User, error) {
	return p.User, nil
}

// SessionView is a session as its owner sees it.
type SessionView struct {
	ID         string
	Device     string
	IP         string // masked
	LastActive time.Time
	Current    bool
}

// Sessions lists the caller's active sessions, the current one marked.
func (s *Service) Sessions(ctx context.Context, p Principal) ([]SessionView, error) {
	list, err := s.sessions.ActiveSessions(ctx, p.User.ID, s.clock.Now())
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	out := make([]SessionView, len(list))
	for i, ss := range list {
		out[i] = SessionView{
			ID:         ss.ID,
			Device:     identity.DescribeDevice(ss.UserAgent),
			IP:         identity.MaskIP(ss.IP),
			LastActive: ss.LastSeenAt,
			Current:    ss.ID == p.Session.ID,
		}
	}
	return out, nil
}

// RevokeOtherSessions revokes every session of the caller but the current
// one and returns how many it revoked.
func (s *Service) RevokeOtherSessions(ctx context.Context, p Principal) (int, error) {
	n, err := s.sessions.RevokeUserSessions(ctx, p.User.ID, p.Session.ID, s.clock.Now())
	if err != nil {
		return 0, fmt.Errorf("revoke sessions: %w", err)
	}
	s.cache.dropUser(p.User.ID, p.Session.TokenHash)
	return n, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
