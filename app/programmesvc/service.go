// Package programmesvc holds the Oomus account use cases: registering a
// programme with its first user, password login with optional TOTP, JWT
// access tokens with rotating refresh tokens, profile and logo, 2FA, the
// require_module check, and the platform administrators' programme
// management. It speaks core types and core/fault errors and knows nothing of
// HTTP or SQL.
package programmesvc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/kente-gov/kente/core/audit"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/core/programme"
	"github.com/kente-gov/kente/ports"
)

// Options tune the service. Pepper is required.
type Options struct {
	// Pepper keys the box sealing TOTP seeds (KENTE_CODE_PEPPER).
	Pepper []byte
	// Hash is the Argon2id cost of password hashes.
	Hash identity.HashParams
	// AccessTTL is an access token's lifetime (KENTE_JWT_ACCESS_TTL);
	// programme.DefaultAccessTTL when zero.
	AccessTTL time.Duration
	// RefreshTTL is a session's lifetime (KENTE_REFRESH_TTL);
	// programme.DefaultRefreshTTL when zero.
	RefreshTTL time.Duration
	// Throttle sets the brute-force budgets; identity.DefaultThrottle when
	// zero. Its Reset budget bounds failures per email and address.
	Throttle identity.Throttle
	// Issuer names the service in authenticator apps; "OOMUS DPI" when empty.
	Issuer string
}

// Validate reports unusable options.
func (o Options) Validate() error {
	if len(o.Pepper) < 16 {
		return errors.New("programme pepper must be at least 16 bytes")
	}
	if err := o.Hash.Validate(); err != nil {
		return err
	}
	if o.AccessTTL < 0 || o.RefreshTTL < 0 {
		return errors.New("programme token lifetimes must not be negative")
	}
	if o.Throttle != (identity.Throttle{}) && !o.Throttle.Valid() {
		return errors.New("programme throttle budgets must be positive")
	}
	return nil
}

// Auditor records security events and admin actions; records written with a
// transaction's ctx commit with it. *auditsvc.Service implements it.
type Auditor interface {
	Record(ctx context.Context, r audit.Record) error
}

// Deps are the ports the service drives.
type Deps struct {
	Programmes ports.ProgrammeStore
	Users      ports.ProgrammeUserStore
	Sessions   ports.RefreshTokenStore
	Modules    ports.ModuleChecker
	Tokens     ports.AccessTokens
	Tx         ports.Tx
	Counters   ports.Counters
	Audit      Auditor
	Clock      ports.Clock
	Rand       io.Reader // a CSPRNG
	Log        *slog.Logger
}

// ClientMeta describes where a request came from.
type ClientMeta struct {
	IP        string
	UserAgent string
}

// Principal is an authenticated programme user, from a verified access
// token checked against the stores.
type Principal struct {
	ProgrammeID string
	UserID      string
	Email       string
	Role        programme.Role
	IsAdmin     bool // the programme's platform-administrator flag
	SessionID   string
	TokenID     string
}

// Account is a programme as one of its users sees it: what ProgrammeOut
// renders.
type Account struct {
	Programme programme.Programme
	User      programme.User
}

// Service runs the programme use cases.
type Service struct {
	d     Deps
	opts  Options
	box   *identity.SecretBox
	dummy string
}

// New returns a Service. It panics on missing dependencies or invalid
// options, both programmer errors caught at wiring time.
func New(d Deps, opts Options) *Service {
	if err := opts.Validate(); err != nil {
		panic("programmesvc: " + err.Error())
	}
	if d.Programmes == nil || d.Users == nil || d.Sessions == nil || d.Modules == nil || d.Tokens == nil ||
		d.Tx == nil || d.Counters == nil || d.Audit == nil || d.Clock == nil || d.Rand == nil {
		panic("programmesvc: every dependency but Log is required")
	}
	if opts.AccessTTL == 0 {
		opts.AccessTTL = programme.DefaultAccessTTL
	}
	if opts.RefreshTTL == 0 {
		opts.RefreshTTL = programme.DefaultRefreshTTL
	}
	if opts.Throttle == (identity.Throttle{}) {
		opts.Throttle = identity.DefaultThrottle
	}
	if opts.Issuer == "" {
		opts.Issuer = "OOMUS DPI"
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	box, err := identity.NewSecretBox(opts.Pepper, "oomus-totp-seed")
	if err != nil {
		panic("programmesvc: " + err.Error())
	}
	dummy, err := identity.HashSecret(d.Rand, opts.Hash, "dummy-password")
	if err != nil {
		panic("programmesvc: read random: " + err.Error())
	}
	return &Service{d: d, opts: opts, box: box, dummy: dummy}
}

// AccessTTL returns the access-token lifetime (the expires_in of logins).
func (s *Service) AccessTTL() time.Duration { return s.opts.AccessTTL }

// event builds an audit record.
func (s *Service) event(meta ClientMeta, actorID, action, targetType, targetID string, outcome audit.Outcome, details map[string]any) audit.Record {
	var raw json.RawMessage
	if len(details) > 0 {
		raw, _ = json.Marshal(details)
	}
	if targetID == "" {
		targetType = ""
	}
	return audit.Record{At: s.d.Clock.Now(), ActorID: actorID, Action: action, TargetType: targetType, TargetID: targetID,
		IP: clip(meta.IP, 64), UserAgent: clip(meta.UserAgent, 512), Outcome: outcome, Details: raw}
}

// clip cuts client-supplied text to at most n bytes of valid UTF-8 (a cut
// inside a character, or bytes that were never UTF-8, would make every
// store refuse the row, and with it the login).
func clip(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return strings.ToValidUTF8(s, "")
}

// record audits outside a transaction; a failure to audit is logged.
func (s *Service) record(ctx context.Context, r audit.Record) {
	if err := s.d.Audit.Record(ctx, r); err != nil {
		s.d.Log.ErrorContext(ctx, "write audit record", "action", r.Action, "err", err)
	}
}

// Stable fault codes callers may branch on.
const (
	CodeEmailTaken     = "programme.email_taken"
	CodeModuleRequired = "programme.module_required"
	CodeRefreshReused  = "programme.refresh_reused"
)

var (
	errEmailTaken   = fault.New(fault.Conflict, CodeEmailTaken, "An account with this email already exists").WithField("email")
	errBadLogin     = fault.New(fault.Unauthenticated, "programme.invalid_credentials", "Incorrect email or password")
	errAuthRequired = fault.New(fault.Unauthenticated, "programme.unauthenticated", "Authentication required")
	errBadToken     = fault.New(fault.Unauthenticated, "programme.invalid_token", "Invalid or expired token")
	errSuspended    = fault.New(fault.Forbidden, "programme.suspended", "This account is suspended or disabled")
	errForbidden    = fault.New(fault.Forbidden, "programme.forbidden", "Insufficient permissions")
	errAdminOnly    = fault.New(fault.Forbidden, "programme.admin_required", "Platform administrator rights are required")
	errNotFound     = fault.New(fault.NotFound, "programme.not_found", "Programme not found")
)

// newUser hashes password and returns a user of programmeID.
func (s *Service) newUser(programmeID, email, name string, role programme.Role, password string, now time.Time) (programme.User, error) {
	id, err := programme.NewUUID(s.d.Rand)
	if err != nil {
		return programme.User{}, err
	}
	hash, err := identity.HashSecret(s.d.Rand, s.opts.Hash, password)
	if err != nil {
		return programme.User{}, err
	}
	return programme.User{ID: id, ProgrammeID: programmeID, Email: email, Name: name, Role: role, Status: programme.StatusActive,
		PasswordHash: hash, CreatedAt: now, UpdatedAt: now}, nil
}

// checkEmailFree answers errEmailTaken when email is in use.
func (s *Service) checkEmailFree(ctx context.Context, email string) error {
	_, err := s.d.Users.ProgrammeUserByEmail(ctx, email)
	switch {
	case err == nil:
		return errEmailTaken
	case fault.Is(err, fault.NotFound):
		return nil
	}
	return fmt.Errorf("check email: %w", err)
}

// account loads a user's programme.
func (s *Service) account(ctx context.Context, u programme.User) (Account, error) {
	p, err := s.d.Programmes.ProgrammeByID(ctx, u.ProgrammeID)
	if err != nil {
		return Account{}, fmt.Errorf("load programme: %w", err)
	}
	return Account{Programme: p, User: u}, nil
}
