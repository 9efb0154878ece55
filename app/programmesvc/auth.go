package programmesvc

import (
	"context"
	"fmt"
	"time"

	"github.com/kente-gov/kente/core/audit"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/core/programme"
)

// Registration opens a programme with its first user (§2 register). Older
// clients' field names are mapped by the HTTP adapter.
type Registration struct {
	Email    string
	Password string
	Name     string
	Country  string
	Phone    string
}

// NewProgramme is what CreateProgramme needs: a registration plus the
// platform-administrator flag.
type NewProgramme struct {
	Registration
	IsAdmin bool
}

// normalise checks every field, naming the one at fault.
func (r Registration) normalise() (Registration, string, error) {
	var err error
	if r.Email, err = programme.NormaliseEmail("email", r.Email); err != nil {
		return r, "", err
	}
	if r.Name, err = programme.NormaliseName("name", r.Name); err != nil {
		return r, "", err
	}
	var currency string
	if r.Country, currency, err = programme.NormaliseCountry("country", r.Country); err != nil {
		return r, "", err
	}
	if r.Phone, err = programme.NormalisePhone("phone", r.Phone); err != nil {
		return r, "", err
	}
	if r.Password == "" {
		return r, "", fault.Field("password", "programme.password_required", "password is required")
	}
	if err := programme.CheckPassword("password", r.Password, r.Email); err != nil {
		return r, "", err
	}
	return r, currency, nil
}

// Register creates a programme on the starter plan with 0 FCFA and its
// first user as programme_admin. A taken email is fault.Conflict; invalid
// fields fault.Invalid naming the field.
func (s *Service) Register(ctx context.Context, in Registration, meta ClientMeta) (Account, error) {
	return s.create(ctx, NewProgramme{Registration: in}, "", meta)
}

// CreateProgramme creates a programme and its first user as the command
// line does, optionally as a platform administrator (whose user is then
// super_admin). actorID is the administrator doing it, empty for the CLI.
func (s *Service) CreateProgramme(ctx context.Context, in NewProgramme, actorID string, meta ClientMeta) (Account, error) {
	return s.create(ctx, in, actorID, meta)
}

func (s *Service) create(ctx context.Context, in NewProgramme, actorID string, meta ClientMeta) (Account, error) {
	reg, currency, err := in.normalise()
	if err != nil {
		return Account{}, err
	}
	if err := s.checkEmailFree(ctx, reg.Email); err != nil {
		return Account{}, err
	}
	now := s.d.Clock.Now()
	pid, err := programme.NewUUID(s.d.Rand)
	if err != nil {
		return Account{}, err
	}
	p := programme.Programme{ID: pid, Email: reg.Email, Name: reg.Name, Country: reg.Country, Currency: currency, Phone: reg.Phone,
		Plan: programme.PlanStarter, Status: programme.StatusActive, IsAdmin: in.IsAdmin, CreatedAt: now, UpdatedAt: now}
	role := programme.RoleProgrammeAdmin
	if in.IsAdmin {
		role = programme.RoleSuperAdmin
	}
	u, err := s.newUser(pid, reg.Email, reg.Name, role, reg.Password, now)
	if err != nil {
		return Account{}, err
	}
	action, actor := "programme.register", u.ID
	if actorID != "" || in.IsAdmin {
		action, actor = "admin.programme_create", actorID
	}
	err = s.d.Tx.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.d.Programmes.CreateProgramme(ctx, p); err != nil {
			return err
		}
		if err := s.d.Users.CreateProgrammeUser(ctx, u); err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, s.event(meta, actor, action, "programme", p.ID, audit.Success,
			map[string]any{"email": p.Email, "is_admin": p.IsAdmin}))
	})
	if fe, ok := fault.As(err); ok && fe.Code == CodeEmailTaken {
		return Account{}, errEmailTaken
	}
	if err != nil {
		return Account{}, fmt.Errorf("create programme: %w", err)
	}
	return Account{Programme: p, User: u}, nil
}

// Tokens are a login's result. With RequiresTwoFactor the access and
// refresh tokens are empty and TwoFactorToken carries the second step.
type Tokens struct {
	AccessToken       string
	RefreshToken      string
	ExpiresIn         time.Duration
	RequiresTwoFactor bool
	TwoFactorToken    string
	Account           Account
}

// Counter keys of the brute-force budgets.
const (
	keyFailIP     = "oomus:fail:ip:"
	keyFailGlobal = "oomus:fail:global"
	keyFailEmail  = "oomus:fail:email:"
)

func rateLimited(msg string, retryAfter int) error {
	e := fault.New(fault.RateLimited, "programme.too_many_attempts", msg)
	e.RetryAfterSeconds = retryAfter
	return e
}

// checkBudgets refuses an attempt when the address, the email from this
// address, or the whole service is over its failure budget.
func (s *Service) checkBudgets(ctx context.Context, email, ip string, now time.Time) error {
	th := s.opts.Throttle
	check := func(key string, b identity.Budget, msg string) error {
		n, err := s.d.Counters.Counter(ctx, key, b.WindowStart(now))
		if err != nil {
			return fmt.Errorf("read budget: %w", err)
		}
		if n >= int64(b.Limit) {
			return rateLimited(msg, b.RetryAfter(now))
		}
		return nil
	}
	if ip != "" {
		if err := check(keyFailIP+ip, th.PerIP, "Too many failed attempts from this address. Try again later."); err != nil {
			return err
		}
	}
	if email != "" {
		if err := check(keyFailEmail+email+"|"+ip, th.Reset, "Too many failed attempts. Try again later."); err != nil {
			return err
		}
	}
	return check(keyFailGlobal, th.Global, "Too many failed sign-in attempts. Try again later.")
}

// countFailure adds a failure to the address, email+address and global
// budgets; errors are logged, the attempt has failed either way.
func (s *Service) countFailure(ctx context.Context, email, ip string) {
	th := s.opts.Throttle
	now := s.d.Clock.Now()
	incr := func(key string, b identity.Budget) {
		w := b.WindowStart(now)
		if _, err := s.d.Counters.IncrCounter(ctx, key, w, w.Add(b.Window)); err != nil {
			s.d.Log.ErrorContext(ctx, "count failure", "err", err)
		}
	}
	if ip != "" {
		incr(keyFailIP+ip, th.PerIP)
	}
	if email != "" {
		incr(keyFailEmail+email+"|"+ip, th.Reset)
	}
	incr(keyFailGlobal, th.Global)
}

// accountFailure counts a consecutive failure against a known account and
// locks it with backoff after too many.
func (s *Service) accountFailure(ctx context.Context, u programme.User, meta ClientMeta, action, reason string) {
	s.countFailure(ctx, u.Email, meta.IP)
	now := s.d.Clock.Now()
	var n int
	_, err := s.d.Users.UpdateProgrammeUser(ctx, u.ID, func(x *programme.User) error {
		x.FailedLogins++
		n = x.FailedLogins
		if d := s.opts.Throttle.LockoutFor(x.FailedLogins); d > 0 {
			until := now.Add(d)
			x.LockedUntil = &until
		}
		return nil
	})
	if err != nil {
		s.d.Log.ErrorContext(ctx, "count account failure", "err", err)
	}
	s.record(ctx, s.event(meta, u.ID, action, "programme_user", u.ID, audit.Failure, map[string]any{"reason": reason, "consecutive_failures": n}))
}

func (s *Service) checkLock(u programme.User, now time.Time) error {
	if u.LockedUntil != nil && now.Before(*u.LockedUntil) {
		secs := int((u.LockedUntil.Sub(now) + time.Second - 1) / time.Second)
		return rateLimited("This account is temporarily locked after repeated failed attempts. Try again later.", max(1, secs))
	}
	return nil
}

// usable refuses a suspended or pending user or programme.
func usable(u programme.User, p programme.Programme) error {
	if u.Status != programme.StatusActive || p.Status != programme.StatusActive {
		return errSuspended
	}
	return nil
}

// Login checks email and password. With 2FA on it answers
// RequiresTwoFactor and a short-lived TwoFactorToken for LoginTwoFactor.
// Wrong credentials are fault.Unauthenticated, a suspended account
// fault.Forbidden, too many failures fault.RateLimited; all audited.
func (s *Service) Login(ctx context.Context, email, password string, meta ClientMeta) (Tokens, error) {
	email, err := programme.NormaliseEmail("email", email)
	if err != nil {
		return Tokens{}, err
	}
	if password == "" {
		return Tokens{}, fault.Field("password", "programme.password_required", "password is required")
	}
	if len(password) > programme.MaxPasswordLen {
		return Tokens{}, fault.Field("password", "programme.password_too_long", "password must be at most 256 bytes")
	}
	now := s.d.Clock.Now()
	if err := s.checkBudgets(ctx, email, meta.IP, now); err != nil {
		s.record(ctx, s.event(meta, "", "programme.login_failed", "", "", audit.Denied, map[string]any{"reason": "rate_limited"}))
		return Tokens{}, err
	}
	u, err := s.d.Users.ProgrammeUserByEmail(ctx, email)
	if fault.Is(err, fault.NotFound) {
		identity.VerifySecret(s.dummy, password)
		s.countFailure(ctx, email, meta.IP)
		s.record(ctx, s.event(meta, "", "programme.login_failed", "", "", audit.Failure, map[string]any{"reason": "unknown_email"}))
		return Tokens{}, errBadLogin
	}
	if err != nil {
		return Tokens{}, fmt.Errorf("login: %w", err)
	}
	if err := s.checkLock(u, now); err != nil {
		s.record(ctx, s.event(meta, u.ID, "programme.login_failed", "programme_user", u.ID, audit.Denied, map[string]any{"reason": "account_locked"}))
		return Tokens{}, err
	}
	if !identity.VerifySecret(u.PasswordHash, password) {
		s.accountFailure(ctx, u, meta, "programme.login_failed", "wrong_password")
		return Tokens{}, errBadLogin
	}
	acct, err := s.account(ctx, u)
	if err != nil {
		return Tokens{}, err
	}
	if err := usable(u, acct.Programme); err != nil {
		s.record(ctx, s.event(meta, u.ID, "programme.login_failed", "programme_user", u.ID, audit.Denied, map[string]any{"reason": "suspended"}))
		return Tokens{}, err
	}
	if u.TOTPEnabled {
		jti, err := programme.NewUUID(s.d.Rand)
		if err != nil {
			return Tokens{}, err
		}
		tok, err := s.d.Tokens.Sign(programme.Claims{Purpose: programme.PurposeTwoFactor, UserID: u.ID, ProgrammeID: u.ProgrammeID,
			TokenVersion: u.TokenVersion, ID: jti, IssuedAt: now, ExpiresAt: now.Add(programme.TwoFactorTTL)})
		if err != nil {
			return Tokens{}, fmt.Errorf("sign 2fa token: %w", err)
		}
		s.record(ctx, s.event(meta, u.ID, "programme.login_password_ok", "programme_user", u.ID, audit.Success, map[string]any{"next": "2fa"}))
		return Tokens{RequiresTwoFactor: true, TwoFactorToken: tok, Account: acct}, nil
	}
	return s.startSession(ctx, acct, meta, "password", 0)
}

var errBadTOTP = fault.New(fault.Unauthenticated, "programme.totp_invalid", "Invalid TOTP code").WithField("code")

// LoginTwoFactor finishes a login with the TwoFactorToken from Login and a
// TOTP code. Older clients send the email instead of the token; the
// password was then never checked, so that form is refused (see
// docs/decisions.md). A bad or expired token or code is
// fault.Unauthenticated; 2FA not configured fault.Invalid.
func (s *Service) LoginTwoFactor(ctx context.Context, totpToken, code string, meta ClientMeta) (Tokens, error) {
	if totpToken == "" {
		return Tokens{}, fault.Field("totp_token", "programme.totp_token_required", "totp_token is required")
	}
	if _, err := identity.ParseTOTPCode(code); err != nil {
		return Tokens{}, fault.Field("code", "programme.totp_malformed", "code must be 6 digits")
	}
	now := s.d.Clock.Now()
	c, err := s.d.Tokens.Parse(totpToken, now)
	if err != nil || c.Check(programme.PurposeTwoFactor, now) != nil {
		return Tokens{}, errBadToken.WithField("totp_token")
	}
	if err := s.checkBudgets(ctx, "", meta.IP, now); err != nil {
		return Tokens{}, err
	}
	u, err := s.d.Users.ProgrammeUserByID(ctx, c.UserID)
	if fault.Is(err, fault.NotFound) {
		return Tokens{}, errBadToken.WithField("totp_token")
	}
	if err != nil {
		return Tokens{}, fmt.Errorf("2fa login: %w", err)
	}
	if u.TokenVersion != c.TokenVersion {
		return Tokens{}, errBadToken.WithField("totp_token")
	}
	if err := s.checkLock(u, now); err != nil {
		return Tokens{}, err
	}
	if !u.TOTPEnabled {
		return Tokens{}, fault.New(fault.Invalid, "programme.totp_not_configured", "Two-factor authentication is not configured").WithField("code")
	}
	step, ok := s.verifyTOTP(u.TOTPSecret, code, now, u.TOTPLastStep)
	if !ok {
		s.accountFailure(ctx, u, meta, "programme.login_failed", "wrong_totp_code")
		return Tokens{}, errBadTOTP
	}
	acct, err := s.account(ctx, u)
	if err != nil {
		return Tokens{}, err
	}
	if err := usable(u, acct.Programme); err != nil {
		return Tokens{}, err
	}
	return s.startSession(ctx, acct, meta, "password+totp", step)
}

func (s *Service) verifyTOTP(sealed, code string, now time.Time, lastStep int64) (uint64, bool) {
	seed, err := s.box.Open(sealed)
	if err != nil {
		return 0, false
	}
	secret, err := identity.DecodeTOTPSecret(seed)
	if err != nil {
		return 0, false
	}
	return identity.VerifyTOTP(secret, code, now, uint64(max(lastStep, 0)))
}

// startSession records a successful login: clears failures, opens a
// session (a refresh-token family) and issues the first token pair.
func (s *Service) startSession(ctx context.Context, acct Account, meta ClientMeta, method string, step uint64) (Tokens, error) {
	now := s.d.Clock.Now()
	sid, err := programme.NewUUID(s.d.Rand)
	if err != nil {
		return Tokens{}, err
	}
	var out Tokens
	err = s.d.Tx.WithinTx(ctx, func(ctx context.Context) error {
		u, err := s.d.Users.UpdateProgrammeUser(ctx, acct.User.ID, func(u *programme.User) error {
			u.LastLogin = &now
			u.FailedLogins, u.LockedUntil = 0, nil
			if step > 0 {
				if int64(step) <= u.TOTPLastStep {
					return errBadTOTP // a concurrent login used this code
				}
				u.TOTPLastStep = int64(step)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := s.d.Sessions.CreateProgrammeSession(ctx, programme.Session{ID: sid, UserID: u.ID, ProgrammeID: u.ProgrammeID,
			IP: clip(meta.IP, 64), UserAgent: clip(meta.UserAgent, 512), CreatedAt: now, ExpiresAt: now.Add(s.opts.RefreshTTL)}); err != nil {
			return err
		}
		acct.User = u
		if out, err = s.issue(ctx, acct, sid, now); err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, s.event(meta, u.ID, "programme.login", "programme_user", u.ID, audit.Success,
			map[string]any{"method": method, "session_id": sid}))
	})
	if err != nil {
		return Tokens{}, fmt.Errorf("start session: %w", err)
	}
	return out, nil
}

// issue signs an access token for sid and stores a fresh refresh token.
func (s *Service) issue(ctx context.Context, acct Account, sid string, now time.Time) (Tokens, error) {
	jti, err := programme.NewUUID(s.d.Rand)
	if err != nil {
		return Tokens{}, err
	}
	u := acct.User
	access, err := s.d.Tokens.Sign(programme.Claims{Purpose: programme.PurposeAccess, UserID: u.ID, ProgrammeID: u.ProgrammeID,
		Role: u.Role, IsAdmin: acct.Programme.IsAdmin, SessionID: sid, TokenVersion: u.TokenVersion, ID: jti,
		IssuedAt: now, ExpiresAt: now.Add(s.opts.AccessTTL)})
	if err != nil {
		return Tokens{}, fmt.Errorf("sign access token: %w", err)
	}
	refresh, err := programme.NewRefreshToken(s.d.Rand)
	if err != nil {
		return Tokens{}, err
	}
	if err := s.d.Sessions.AddRefreshToken(ctx, programme.RefreshToken{Hash: programme.HashToken(refresh), SessionID: sid, UserID: u.ID,
		IssuedAt: now, ExpiresAt: now.Add(s.opts.RefreshTTL)}); err != nil {
		return Tokens{}, err
	}
	return Tokens{AccessToken: access, RefreshToken: refresh, ExpiresIn: s.opts.AccessTTL, Account: acct}, nil
}

var errBadRefresh = fault.New(fault.Unauthenticated, "programme.invalid_refresh_token", "Invalid, expired or revoked refresh token").WithField("refresh_token")

// Refresh exchanges a refresh token for a new pair (rotation). A token
// used a second time revokes its whole session (every token of the family)
// and is audited as a possible theft. Any failure is fault.Unauthenticated.
func (s *Service) Refresh(ctx context.Context, refreshToken string, meta ClientMeta) (Tokens, error) {
	if refreshToken == "" {
		return Tokens{}, fault.Field("refresh_token", "programme.refresh_token_required", "refresh_token is required")
	}
	hash, err := programme.ParseRefreshToken(refreshToken)
	if err != nil {
		return Tokens{}, errBadRefresh
	}
	now := s.d.Clock.Now()
	var out Tokens
	var reused *programme.RefreshToken
	err = s.d.Tx.WithinTx(ctx, func(ctx context.Context) error {
		reused = nil
		t, err := s.d.Sessions.UseRefreshToken(ctx, hash, now)
		if fe, ok := fault.As(err); ok && fe.Code == CodeRefreshReused {
			reused = &t
			return errBadRefresh
		}
		if fault.Is(err, fault.NotFound) {
			return errBadRefresh
		}
		if err != nil {
			return err
		}
		if !now.Before(t.ExpiresAt) {
			return errBadRefresh
		}
		ss, err := s.d.Sessions.ProgrammeSession(ctx, t.SessionID)
		if err != nil {
			return err
		}
		if !ss.Active(now) {
			return errBadRefresh
		}
		u, err := s.d.Users.ProgrammeUserByID(ctx, t.UserID)
		if err != nil {
			return err
		}
		acct, err := s.account(ctx, u)
		if err != nil {
			return err
		}
		if err := usable(u, acct.Programme); err != nil {
			return err
		}
		out, err = s.issue(ctx, acct, ss.ID, now)
		return err
	})
	if reused != nil {
		if _, rerr := s.d.Sessions.RevokeProgrammeSessions(ctx, reused.UserID, reused.SessionID, now); rerr != nil {
			s.d.Log.ErrorContext(ctx, "revoke reused refresh family", "err", rerr)
		}
		s.record(ctx, s.event(meta, reused.UserID, "programme.refresh_reused", "session", reused.SessionID, audit.Denied,
			map[string]any{"revoked": "session"}))
		return Tokens{}, errBadRefresh
	}
	if err != nil {
		if fault.Is(err, fault.NotFound) {
			return Tokens{}, errBadRefresh
		}
		return Tokens{}, err
	}
	return out, nil
}

// Authenticate resolves an access token: signature and claims, then the
// session (not revoked), the user (active, same token version) and the
// programme (active). A bad token is fault.Unauthenticated; a suspended
// account fault.Forbidden.
func (s *Service) Authenticate(ctx context.Context, token string) (Principal, error) {
	if token == "" {
		return Principal{}, errAuthRequired
	}
	now := s.d.Clock.Now()
	c, err := s.d.Tokens.Parse(token, now)
	if err != nil || c.Check(programme.PurposeAccess, now) != nil {
		return Principal{}, errBadToken
	}
	ss, err := s.d.Sessions.ProgrammeSession(ctx, c.SessionID)
	if fault.Is(err, fault.NotFound) {
		return Principal{}, errBadToken
	}
	if err != nil {
		return Principal{}, fmt.Errorf("load session: %w", err)
	}
	if !ss.Active(now) || ss.UserID != c.UserID {
		return Principal{}, errBadToken
	}
	u, err := s.d.Users.ProgrammeUserByID(ctx, c.UserID)
	if fault.Is(err, fault.NotFound) {
		return Principal{}, errBadToken
	}
	if err != nil {
		return Principal{}, fmt.Errorf("load user: %w", err)
	}
	if u.TokenVersion != c.TokenVersion || u.ProgrammeID != c.ProgrammeID {
		return Principal{}, errBadToken
	}
	p, err := s.d.Programmes.ProgrammeByID(ctx, u.ProgrammeID)
	if fault.Is(err, fault.NotFound) {
		return Principal{}, errBadToken
	}
	if err != nil {
		return Principal{}, fmt.Errorf("load programme: %w", err)
	}
	if err := usable(u, p); err != nil {
		return Principal{}, err
	}
	return Principal{ProgrammeID: p.ID, UserID: u.ID, Email: u.Email, Role: u.Role, IsAdmin: p.IsAdmin, SessionID: ss.ID, TokenID: c.ID}, nil
}

// RequireAdmin refuses a principal whose programme is not a platform
// administrator with fault.Forbidden.
func RequireAdmin(p Principal) error {
	if !p.IsAdmin {
		return errAdminOnly
	}
	return nil
}

// RequireModule refuses with fault.Forbidden "programme.module_required"
// when module key is not active for the caller's programme (§7.4,
// §15.20).
func (s *Service) RequireModule(ctx context.Context, p Principal, key string) error {
	ok, err := s.d.Modules.ModuleActive(ctx, p.ProgrammeID, key)
	if err != nil {
		return fmt.Errorf("check module %s: %w", key, err)
	}
	if !ok {
		return fault.New(fault.Forbidden, CodeModuleRequired, "The premium module '"+key+"' is not activated for this programme")
	}
	return nil
}

// Logout revokes the caller's session: its refresh tokens and every access
// token naming it stop working at once.
func (s *Service) Logout(ctx context.Context, p Principal, meta ClientMeta) error {
	now := s.d.Clock.Now()
	return s.d.Tx.WithinTx(ctx, func(ctx context.Context) error {
		if _, err := s.d.Sessions.RevokeProgrammeSessions(ctx, p.UserID, p.SessionID, now); err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, s.event(meta, p.UserID, "programme.logout", "session", p.SessionID, audit.Success, nil))
	})
}

// LogoutAll revokes every session of the caller and bumps their token
// version, so no token issued before survives.
func (s *Service) LogoutAll(ctx context.Context, p Principal, meta ClientMeta) error {
	return s.revokeAll(ctx, p.UserID, meta, "programme.logout_all", nil)
}

func (s *Service) revokeAll(ctx context.Context, userID string, meta ClientMeta, action string, change func(*programme.User) error) error {
	now := s.d.Clock.Now()
	return s.d.Tx.WithinTx(ctx, func(ctx context.Context) error {
		if _, err := s.d.Users.UpdateProgrammeUser(ctx, userID, func(u *programme.User) error {
			if change != nil {
				if err := change(u); err != nil {
					return err
				}
			}
			u.TokenVersion++
			u.UpdatedAt = now
			return nil
		}); err != nil {
			return err
		}
		n, err := s.d.Sessions.RevokeProgrammeSessions(ctx, userID, "", now)
		if err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, s.event(meta, userID, action, "programme_user", userID, audit.Success, map[string]any{"sessions_revoked": n}))
	})
}
