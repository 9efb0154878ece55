package identitysvc

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"time"

	"github.com/kente-gov/kente/core/audit"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
)

// Counter keys of the brute-force budgets.
const (
	keyFailIP     = "fail:ip:"
	keyFailGlobal = "fail:global"
	keyReset      = "reset:"
	keyBootstrap  = "bootstrap:done"
)

func rateLimited(msg string, retryAfter int) error {
	e := fault.New(fault.RateLimited, "identity.too_many_attempts", msg)
	e.RetryAfterSeconds = retryAfter
	return e
}

// checkBudgets refuses a credential attempt when the client's address or
// the whole service is over its failure budget.
func (s *Service) checkBudgets(ctx context.Context, ip string, now time.Time) error {
	th := s.opts.Throttle
	if ip != "" {
		n, err := s.counters.Counter(ctx, keyFailIP+ip, th.PerIP.WindowStart(now))
		if err != nil {
			return fmt.Errorf("read ip budget: %w", err)
		}
		if n >= int64(th.PerIP.Limit) {
			return rateLimited("Too many failed attempts from this address. Try again later.", th.PerIP.RetryAfter(now))
		}
	}
	n, err := s.counters.Counter(ctx, keyFailGlobal, th.Global.WindowStart(now))
	if err != nil {
		return fmt.Errorf("read global budget: %w", err)
	}
	if n >= int64(th.Global.Limit) {
		s.log.WarnContext(ctx, "global credential failure budget exhausted: possible spraying", "failures", n)
		return rateLimited("Too many failed sign-in attempts. Try again later.", th.Global.RetryAfter(now))
	}
	return nil
}

// failed counts a failed credential attempt against the client's address
// and the global budget, and audits it.
func (s *Service) failed(ctx context.Context, meta ClientMeta, actorID, action string, details map[string]any) {
	s.countFailure(ctx, meta.IP)
	s.record(ctx, meta, actorID, action, "user", actorID, audit.Failure, details)
}

// countFailure adds a failure to the address's and the global budget.
// Counting errors are logged, not returned: the attempt has failed either way.
func (s *Service) countFailure(ctx context.Context, ip string) {
	th := s.opts.Throttle
	now := s.clock.Now()
	if ip != "" {
		w := th.PerIP.WindowStart(now)
		if _, err := s.counters.IncrCounter(ctx, keyFailIP+ip, w, w.Add(th.PerIP.Window)); err != nil {
			s.log.ErrorContext(ctx, "count ip failure", "err", err)
		}
	}
	w := th.Global.WindowStart(now)
	if _, err := s.counters.IncrCounter(ctx, keyFailGlobal, w, w.Add(th.Global.Window)); err != nil {
		s.log.ErrorContext(ctx, "count global failure", "err", err)
	}
}

// countAccountFailure adds a consecutive failure to a known account and
// locks it with backoff once it has failed too often in a row. It returns
// the number of consecutive failures.
func (s *Service) countAccountFailure(ctx context.Context, userID string) int {
	now := s.clock.Now()
	var n int
	_, err := s.users.UpdateUser(ctx, userID, func(u *identity.User) error {
		u.FailedLogins++
		n = u.FailedLogins
		if d := s.opts.Throttle.LockoutFor(u.FailedLogins); d > 0 {
			until := now.Add(d)
			u.LockedUntil = &until
		}
		return nil
	})
	if err != nil {
		s.log.ErrorContext(ctx, "count account failure", "err", err)
	}
	return n
}

// accountFailure counts and audits a failure against a known account.
func (s *Service) accountFailure(ctx context.Context, userID string, meta ClientMeta, action, reason string) {
	n := s.countAccountFailure(ctx, userID)
	s.failed(ctx, meta, userID, action, map[string]any{"reason": reason, "consecutiveFailures": n})
}

// checkLock refuses a credential attempt on a locked account.
func (s *Service) checkLock(u identity.User, now time.Time) error {
	if u.LockedUntil != nil && now.Before(*u.LockedUntil) {
		secs := int((u.LockedUntil.Sub(now) + time.Second - 1) / time.Second)
		return rateLimited("This account is temporarily locked after repeated failed attempts. Try again later.", max(1, secs))
	}
	return nil
}

// event builds an audit record.
func (s *Service) event(meta ClientMeta, actorID, action, targetType, targetID string, outcome audit.Outcome, details map[string]any) audit.Record {
	var raw json.RawMessage
	if len(details) > 0 {
		raw, _ = json.Marshal(details) // maps of plain values always marshal
	}
	return audit.Record{
		At: s.clock.Now(), ActorID: actorID, Action: action, TargetType: targetType, TargetID: targetID,
		IP: meta.IP, UserAgent: truncate(meta.UserAgent, 512), Outcome: outcome, Details: raw,
	}
}

// record audits outside a transaction; a failure to audit is logged.
func (s *Service) record(ctx context.Context, meta ClientMeta, actorID, action, targetType, targetID string, outcome audit.Outcome, details map[string]any) {
	if targetID == "" {
		targetType = ""
	}
	if err := s.audit.Record(ctx, s.event(meta, actorID, action, targetType, targetID, outcome, details)); err != nil {
		s.log.ErrorContext(ctx, "write audit record", "action", action, "err", err)
	}
}

// verifyTOTP opens a sealed seed and checks code against it.
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

// newRecoveryCode sets a fresh recovery code's hash on u and returns the code.
func (s *Service) newRecoveryCode(u *identity.User) (string, error) {
	code, err := identity.NewRecoveryCode(s.rand)
	if err != nil {
		return "", err
	}
	bare, _ := identity.ParseRecoveryCode(code)
	if u.RecoveryCodeHash, err = identity.HashSecret(s.rand, s.opts.Hash, bare); err != nil {
		return "", err
	}
	return code, nil
}

// TOTPSetup is a new authenticator seed awaiting verification.
type TOTPSetup struct {
	Secret string // base32
	URI    string // otpauth:// for a QR code
}

var (
	errTOTPAlreadyOn = fault.New(fault.Conflict, "identity.totp_enabled",
		"Two-factor authentication is already enabled; send your current code to replace the authenticator").WithField("code")
	errTOTPBadCurrent = fault.Field("code", "identity.totp_invalid", "code is not a valid current TOTP code")
	errTOTPNoPending  = fault.New(fault.Invalid, "identity.totp_not_pending",
		"No authenticator setup is pending; call /api/user/2fa/setup first").WithField("code")
	errTOTPOff = fault.New(fault.Invalid, "identity.totp_disabled", "Two-factor authentication is not enabled").WithField("code")
)

// SetupTOTP starts enrolling an authenticator: a fresh seed is kept pending
// until VerifyTOTP confirms it, so an enabled authenticator keeps working
// meanwhile. Replacing an enabled one needs a valid current code.
func (s *Service) SetupTOTP(ctx context.Context, p Principal, currentCode string) (TOTPSetup, error) {
	now := s.clock.Now()
	u, err := s.users.UserByID(ctx, p.User.ID)
	if err != nil {
		return TOTPSetup{}, fmt.Errorf("setup 2fa: %w", err)
	}
	var step uint64
	if u.TOTPEnabled {
		if currentCode == "" {
			return TOTPSetup{}, errTOTPAlreadyOn
		}
		var ok bool
		if step, ok = s.verifyTOTP(u.TOTPSecret, currentCode, now, u.TOTPLastStep); !ok {
			return TOTPSetup{}, errTOTPBadCurrent
		}
	}
	seed, err := identity.NewTOTPSecret(s.rand)
	if err != nil {
		return TOTPSetup{}, err
	}
	sealed, err := s.box.Seal(s.rand, seed)
	if err != nil {
		return TOTPSetup{}, err
	}
	err = s.tx.WithinTx(ctx, func(ctx context.Context) error {
		if _, err := s.users.UpdateUser(ctx, u.ID, func(u *identity.User) error {
			u.TOTPPending = sealed
			if step > 0 {
				u.TOTPLastStep = int64(step)
			}
			return nil
		}); err != nil {
			return err
		}
		return s.audit.Record(ctx, s.event(ClientMeta{}, u.ID, "2fa_setup", "user", u.ID, audit.Success, nil))
	})
	if err != nil {
		return TOTPSetup{}, fmt.Errorf("setup 2fa: %w", err)
	}
	return TOTPSetup{Secret: seed, URI: identity.TOTPURI(s.opts.Issuer, u.Email, seed)}, nil
}

// VerifyTOTP confirms the pending authenticator with a code from it,
// enables two-factor authentication, and returns a new recovery code, shown
// once.
func (s *Service) VerifyTOTP(ctx context.Context, p Principal, code string, meta ClientMeta) (string, error) {
	if _, err := identity.ParseTOTPCode(code); err != nil {
		return "", fault.Field("code", "identity.totp_malformed", "code must be 6 digits")
	}
	var recovery string
	err := s.tx.WithinTx(ctx, func(ctx context.Context) error {
		_, err := s.users.UpdateUser(ctx, p.User.ID, func(u *identity.User) error {
			if u.TOTPPending == "" {
				return errTOTPNoPending
			}
			step, ok := s.verifyTOTP(u.TOTPPending, code, s.clock.Now(), 0)
			if !ok {
				return errTOTPBadCurrent
			}
			var err error
			if recovery, err = s.newRecoveryCode(u); err != nil {
				return err
			}
			u.TOTPSecret, u.TOTPPending, u.TOTPEnabled, u.TOTPLastStep = u.TOTPPending, "", true, int64(step)
			return nil
		})
		if err != nil {
			return err
		}
		return s.audit.Record(ctx, s.event(meta, p.User.ID, "2fa_enabled", "user", p.User.ID, audit.Success, nil))
	})
	if err != nil {
		return "", err
	}
	s.cache.dropUser(p.User.ID, "")
	return recovery, nil
}

// DisableTOTP turns two-factor authentication off; it needs a valid current
// code.
func (s *Service) DisableTOTP(ctx context.Context, p Principal, code string, meta ClientMeta) error {
	if _, err := identity.ParseTOTPCode(code); err != nil {
		return fault.Field("code", "identity.totp_malformed", "code must be 6 digits")
	}
	err := s.tx.WithinTx(ctx, func(ctx context.Context) error {
		_, err := s.users.UpdateUser(ctx, p.User.ID, func(u *identity.User) error {
			if !u.TOTPEnabled {
				return errTOTPOff
			}
			step, ok := s.verifyTOTP(u.TOTPSecret, code, s.clock.Now(), u.TOTPLastStep)
			if !ok {
				return errTOTPBadCurrent
			}
			u.TOTPSecret, u.TOTPPending, u.TOTPEnabled, u.TOTPLastStep = "", "", false, int64(step)
			return nil
		})
		if err != nil {
			return err
		}
		return s.audit.Record(ctx, s.event(meta, p.User.ID, "2fa_disabled", "user", p.User.ID, audit.Success, nil))
	})
	if err != nil {
		return err
	}
	s.cache.dropUser(p.User.ID, "")
	return nil
}

// EnrolmentCheck identifies the account finishing a TOTP enrolment without a
// session (after a reset): by id or by email.
type EnrolmentCheck struct {
	UserID string
	Email  string
	Code   string
}

// CompleteEnrolment verifies the pending authenticator of an account that
// has no session yet (registration with 2FA enforced, or after an account
// reset), enables it and signs the user in. Failures count against the
// account and the client's address like login failures.
func (s *Service) CompleteEnrolment(ctx context.Context, in EnrolmentCheck, meta ClientMeta) (LoggedIn, error) {
	if in.UserID == "" && in.Email == "" {
		return LoggedIn{}, fault.Field("userId", "identity.user_required", "userId or email is required")
	}
	if in.Code == "" {
		return LoggedIn{}, fault.Field("code", "identity.totp_required", "code is required")
	}
	if _, err := identity.ParseTOTPCode(in.Code); err != nil {
		return LoggedIn{}, fault.Field("code", "identity.totp_malformed", "code must be 6 digits")
	}
	now := s.clock.Now()
	if err := s.checkBudgets(ctx, meta.IP, now); err != nil {
		return LoggedIn{}, err
	}
	var u identity.User
	var err error
	if in.UserID != "" {
		u, err = s.users.UserByID(ctx, in.UserID)
	} else {
		var email string
		if email, err = identity.NormaliseEmail(in.Email); err != nil {
			return LoggedIn{}, err
		}
		u, err = s.users.UserByEmail(ctx, email)
	}
	errBad := fault.New(fault.Unauthenticated, "identity.totp_invalid", "Invalid TOTP code")
	if fault.Is(err, fault.NotFound) {
		s.failed(ctx, meta, "", "enrolment_failed", map[string]any{"reason": "unknown_user"})
		return LoggedIn{}, errBad
	}
	if err != nil {
		return LoggedIn{}, fmt.Errorf("complete enrolment: %w", err)
	}
	if err := s.checkLock(u, now); err != nil {
		return LoggedIn{}, err
	}
	if u.Status != identity.StatusActive {
		return LoggedIn{}, errDeactivated
	}
	if u.TOTPPending == "" {
		return LoggedIn{}, fault.New(fault.Invalid, "identity.totp_not_pending", "No authenticator enrolment is pending for this account").WithField("code")
	}
	step, ok := s.verifyTOTP(u.TOTPPending, in.Code, now, 0)
	if !ok {
		s.accountFailure(ctx, u.ID, meta, "enrolment_failed", "wrong_totp_code")
		return LoggedIn{}, errBad
	}
	var token string
	err = s.tx.WithinTx(ctx, func(ctx context.Context) error {
		var err error
		u, err = s.users.UpdateUser(ctx, u.ID, func(u *identity.User) error {
			if u.TOTPPending == "" {
				return fault.New(fault.Conflict, "identity.totp_not_pending", "The enrolment was completed by another request")
			}
			u.TOTPSecret, u.TOTPPending, u.TOTPEnabled, u.TOTPLastStep = u.TOTPPending, "", true, int64(step)
			u.LastLogin = &now
			u.FailedLogins, u.LockedUntil = 0, nil
			return nil
		})
		if err != nil {
			return err
		}
		if token, err = s.startSession(ctx, u.ID, meta, now); err != nil {
			return err
		}
		return s.audit.Record(ctx, s.event(meta, u.ID, "2fa_enabled", "user", u.ID, audit.Success, map[string]any{"via": "enrolment"}))
	})
	if err != nil {
		return LoggedIn{}, err
	}
	return LoggedIn{Token: token, User: u}, nil
}

// RegenerateRecoveryCode replaces the caller's recovery code; the old one
// stops working at once. The new code is shown once.
func (s *Service) RegenerateRecoveryCode(ctx context.Context, p Principal, meta ClientMeta) (string, error) {
	var code string
	err := s.tx.WithinTx(ctx, func(ctx context.Context) error {
		_, err := s.users.UpdateUser(ctx, p.User.ID, func(u *identity.User) error {
			var err error
			code, err = s.newRecoveryCode(u)
			return err
		})
		if err != nil {
			return err
		}
		return s.audit.Record(ctx, s.event(meta, p.User.ID, "recovery_code_regenerated", "user", p.User.ID, audit.Success, nil))
	})
	if err != nil {
		return "", fmt.Errorf("regenerate recovery code: %w", err)
	}
	return code, nil
}

// Reset is a freshly rotated set of credentials, each shown once.
type Reset struct {
	Email        string
	FullName     string
	AccessCode   string
	RecoveryCode string
	TOTPSecret   string
	TOTPURI      string
}

// rotate gives u a new access code, a pending TOTP seed (2FA off until it is
// verified) and a new recovery code, and clears any lockout.
func (s *Service) rotate(u *identity.User) (Reset, error) {
	code, err := identity.NewAccessCode(s.rand)
	if err != nil {
		return Reset{}, err
	}
	bare, _ := identity.ParseAccessCode(code)
	hash, err := identity.HashSecret(s.rand, s.opts.Hash, bare)
	if err != nil {
		return Reset{}, err
	}
	seed, err := identity.NewTOTPSecret(s.rand)
	if err != nil {
		return Reset{}, err
	}
	sealed, err := s.box.Seal(s.rand, seed)
	if err != nil {
		return Reset{}, err
	}
	recovery, err := s.newRecoveryCode(u)
	if err != nil {
		return Reset{}, err
	}
	u.AccessCodeKey = identity.LookupKey(s.opts.Pepper, identity.PurposeAccessCode, bare)
	u.AccessCodeHash = hash
	u.TOTPSecret, u.TOTPPending, u.TOTPEnabled = "", sealed, false
	u.FailedLogins, u.LockedUntil = 0, nil
	return Reset{
		Email: u.Email, FullName: u.FullName, AccessCode: code, RecoveryCode: recovery,
		TOTPSecret: seed, TOTPURI: identity.TOTPURI(s.opts.Issuer, u.Email, seed),
	}, nil
}

// applyReset rotates the user's credentials and revokes every session, in
// one transaction with its audit record. A rare access-code collision is
// retried with a fresh draw.
func (s *Service) applyReset(ctx context.Context, userID string, rec audit.Record) (Reset, error) {
	for attempt := 1; ; attempt++ {
		var out Reset
		err := s.tx.WithinTx(ctx, func(ctx context.Context) error {
			_, err := s.users.UpdateUser(ctx, userID, func(u *identity.User) error {
				var err error
				out, err = s.rotate(u)
				return err
			})
			if err != nil {
				return err
			}
			if _, err := s.sessions.RevokeUserSessions(ctx, userID, "", s.clock.Now()); err != nil {
				return err
			}
			return s.audit.Record(ctx, rec)
		})
		if fe, ok := fault.As(err); ok && fe.Code == CodeTaken && attempt < maxCodeAttempts {
			continue
		}
		if err != nil {
			return Reset{}, err
		}
		s.cache.dropUser(userID, "")
		return out, nil
	}
}

var errBadRecovery = fault.New(fault.Unauthenticated, "identity.invalid_recovery", "Invalid email or recovery code")

// ResetAccount is the self-service reset with a recovery code: it rotates
// the access code, the TOTP seed (2FA stays off until CompleteEnrolment)
// and the recovery code, and revokes every session. Attempts are limited
// per client address and email, failures count like login failures.
func (s *Service) ResetAccount(ctx context.Context, email, recoveryCode string, meta ClientMeta) (Reset, error) {
	if email == "" || recoveryCode == "" {
		field := "email"
		if email != "" {
			field = "recoveryCode"
		}
		return Reset{}, fault.Field(field, "identity.reset_fields_required", "Email and recovery code are required")
	}
	email, err := identity.NormaliseEmail(email)
	if err != nil {
		return Reset{}, err
	}
	bare, err := identity.ParseRecoveryCode(recoveryCode)
	if err != nil {
		return Reset{}, fault.Field("recoveryCode", "identity.recovery_malformed", "recoveryCode must look like RCVY-XXXX-XXXX-XXXX")
	}
	now := s.clock.Now()
	rb := s.opts.Throttle.Reset
	w := rb.WindowStart(now)
	n, err := s.counters.IncrCounter(ctx, keyReset+meta.IP+"|"+email, w, w.Add(rb.Window))
	if err != nil {
		return Reset{}, fmt.Errorf("count reset attempt: %w", err)
	}
	if n > int64(rb.Limit) {
		return Reset{}, rateLimited("Too many attempts. Please wait 5 minutes.", rb.RetryAfter(now))
	}
	if err := s.checkBudgets(ctx, meta.IP, now); err != nil {
		return Reset{}, err
	}
	u, err := s.users.UserByEmail(ctx, email)
	if fault.Is(err, fault.NotFound) {
		identity.VerifySecret(s.dummyHash, bare)
		s.failed(ctx, meta, "", "reset_account_failed", map[string]any{"reason": "unknown_email"})
		return Reset{}, errBadRecovery
	}
	if err != nil {
		return Reset{}, fmt.Errorf("reset account: %w", err)
	}
	if err := s.checkLock(u, now); err != nil {
		return Reset{}, err
	}
	if u.RecoveryCodeHash == "" || !identity.VerifySecret(u.RecoveryCodeHash, bare) {
		if u.RecoveryCodeHash == "" {
			identity.VerifySecret(s.dummyHash, bare)
		}
		s.accountFailure(ctx, u.ID, meta, "reset_account_failed", "wrong_recovery_code")
		return Reset{}, errBadRecovery
	}
	if u.Status != identity.StatusActive {
		return Reset{}, errDeactivated
	}
	return s.applyReset(ctx, u.ID, s.event(meta, u.ID, "reset_account", "user", u.ID, audit.Success, map[string]any{"by": "self"}))
}

// AdminResetAccount rotates another user's credentials like ResetAccount and
// revokes all their sessions; the admin shares the new access code. Unknown
// user is fault.NotFound.
func (s *Service) AdminResetAccount(ctx context.Context, admin Principal, userID string, meta ClientMeta) (Reset, error) {
	if _, err := s.users.UserByID(ctx, userID); err != nil {
		if fault.Is(err, fault.NotFound) {
			return Reset{}, fault.New(fault.NotFound, "identity.user_not_found", "User not found")
		}
		return Reset{}, fmt.Errorf("admin reset: %w", err)
	}
	return s.applyReset(ctx, userID, s.event(meta, admin.User.ID, "reset_account", "user", userID, audit.Success, map[string]any{"by": "admin"}))
}

// BootstrapInput creates the first super admin.
type BootstrapInput struct {
	Email    string
	FullName string
	Secret   string
}

// Bootstrapped is the first super admin and their access code, shown once.
type Bootstrapped struct {
	AccessCode string
	User       identity.User
}

var errBootstrapClosed = fault.New(fault.Forbidden, "identity.bootstrap_closed", "A super admin already exists; bootstrap is closed")

// Bootstrap creates (or promotes) the first super admin, on the enterprise
// tier, with a fresh access code. It works only while no super admin exists
// and at most once, and only with the configured secret, compared in
// constant time. Wrong secrets count as failed credential attempts.
func (s *Service) Bootstrap(ctx context.Context, in BootstrapInput, meta ClientMeta) (Bootstrapped, error) {
	if s.opts.BootstrapSecret == "" {
		return Bootstrapped{}, fault.New(fault.Forbidden, "identity.bootstrap_disabled", "Bootstrap is not configured on this server")
	}
	if in.Secret == "" {
		return Bootstrapped{}, fault.Field("bootstrapSecret", "identity.bootstrap_secret_required", "bootstrapSecret is required")
	}
	reg, err := identity.Registration{Email: in.Email, FullName: in.FullName}.Normalise()
	if err != nil {
		return Bootstrapped{}, err
	}
	now := s.clock.Now()
	if err := s.checkBudgets(ctx, meta.IP, now); err != nil {
		return Bootstrapped{}, err
	}
	want, got := sha256.Sum256([]byte(s.opts.BootstrapSecret)), sha256.Sum256([]byte(in.Secret))
	if subtle.ConstantTimeCompare(want[:], got[:]) != 1 {
		s.failed(ctx, meta, "", "bootstrap_failed", map[string]any{"reason": "wrong_secret"})
		return Bootstrapped{}, fault.New(fault.Forbidden, "identity.bootstrap_secret_invalid", "Invalid bootstrap secret")
	}
	for attempt := 1; ; attempt++ {
		var out Bootstrapped
		err := s.tx.WithinTx(ctx, func(ctx context.Context) error {
			n, err := s.users.CountUsersByRole(ctx, identity.RoleSuperAdmin)
			if err != nil {
				return err
			}
			if n > 0 {
				return errBootstrapClosed
			}
			epoch := time.Unix(0, 0).UTC()
			// The marker makes bootstrap once-only even when concurrent
			// requests all count zero super admins (read committed).
			c, err := s.counters.IncrCounter(ctx, keyBootstrap, epoch, now.AddDate(100, 0, 0))
			if err != nil {
				return err
			}
			if c > 1 {
				return errBootstrapClosed
			}
			u, err := s.users.UserByEmail(ctx, reg.Email)
			switch {
			case fault.Is(err, fault.NotFound):
				var code string
				if u, code, err = s.newUser(reg, "", now); err != nil {
					return err
				}
				u.Role, u.Tier = identity.RoleSuperAdmin, "enterprise"
				if err := s.users.CreateUser(ctx, u); err != nil {
					return err
				}
				out = Bootstrapped{AccessCode: code, User: u}
			case err != nil:
				return err
			default:
				var rot Reset
				u, err = s.users.UpdateUser(ctx, u.ID, func(u *identity.User) error {
					code, err := identity.NewAccessCode(s.rand)
					if err != nil {
						return err
					}
					bare, _ := identity.ParseAccessCode(code)
					if u.AccessCodeHash, err = identity.HashSecret(s.rand, s.opts.Hash, bare); err != nil {
						return err
					}
					u.AccessCodeKey = identity.LookupKey(s.opts.Pepper, identity.PurposeAccessCode, bare)
					u.Role, u.Tier, u.UpdatedAt = identity.RoleSuperAdmin, "enterprise", now
					rot.AccessCode = code
					return nil
				})
				if err != nil {
					return err
				}
				if _, err := s.sessions.RevokeUserSessions(ctx, u.ID, "", now); err != nil {
					return err
				}
				out = Bootstrapped{AccessCode: rot.AccessCode, User: u}
			}
			return s.audit.Record(ctx, s.event(meta, out.User.ID, "bootstrap", "user", out.User.ID, audit.Success,
				map[string]any{"email": out.User.Email}))
		})
		if fe, ok := fault.As(err); ok && fe.Code == CodeTaken && attempt < maxCodeAttempts {
			continue
		}
		if err != nil {
			if fault.Is(err, fault.Forbidden) {
				s.record(ctx, meta, "", "bootstrap_failed", "", "", audit.Denied, map[string]any{"reason": "closed"})
			}
			return Bootstrapped{}, err
		}
		s.cache.dropUser(out.User.ID, "")
		return out, nil
	}
}

// Dashboard is a user's overview.
type Dashboard struct {
	Tier     string
	Activity identity.Activity
}

// Dashboard returns the caller's figures through the activity port.
func (s *Service) Dashboard(ctx context.Context, p Principal) (Dashboard, error) {
	a, err := s.activity.UserActivity(ctx, p.User.ID, s.clock.Now())
	if err != nil {
		return Dashboard{}, fmt.Errorf("dashboard: %w", err)
	}
	return Dashboard{Tier: p.User.Tier, Activity: a}, nil
}

// GuardAttempt refuses a credential attempt (by any factor, such as a
// passkey) from meta's address when the address or the whole service is over
// its failure budget, with fault.RateLimited.
func (s *Service) GuardAttempt(ctx context.Context, meta ClientMeta) error {
	return s.checkBudgets(ctx, meta.IP, s.clock.Now())
}

// CountFailure counts a failed credential attempt made by another factor
// (the caller audits it) against meta's address and the global budget and,
// with a known userID, against the account, which locks with backoff after
// repeated failures.
func (s *Service) CountFailure(ctx context.Context, meta ClientMeta, userID string) {
	s.countFailure(ctx, meta.IP)
	if userID != "" {
		s.countAccountFailure(ctx, userID)
	}
}

// CheckAccountLock refuses a credential attempt on a locked account with
// fault.RateLimited.
func (s *Service) CheckAccountLock(ctx context.Context, userID string) error {
	u, err := s.users.UserByID(ctx, userID)
	if err != nil {
		return fmt.Errorf("check account lock: %w", err)
	}
	return s.checkLock(u, s.clock.Now())
}
