// Package passkeysvc holds the AskOzzy WebAuthn (passkey) use cases:
// registering a passkey to a signed-in account, signing in with one,
// listing and removing them. The ceremonies themselves run behind
// ports.Passkeys; this package issues and consumes the challenges, applies
// the sign-count rule, starts the session and audits every outcome. It
// speaks core types and core/fault errors and knows nothing of HTTP, SQL
// or the WebAuthn library.
//
// A challenge is found again by the value the client echoes in its signed
// clientDataJSON: stores key challenges by the value's SHA-256 and hand each
// out once, so a replayed response, or one answering a challenge issued on
// another server instance and already used, is refused.
package passkeysvc

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/kente-gov/kente/app/identitysvc"
	"github.com/kente-gov/kente/core/audit"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/ports"
)

// Sessions signs a user in once a passkey has proved who they are, and
// applies the brute-force budgets every credential endpoint shares;
// *identitysvc.Service implements it.
type Sessions interface {
	StartSession(ctx context.Context, userID string, meta identitysvc.ClientMeta) (identitysvc.LoggedIn, error)
	// GuardAttempt refuses an attempt from an address (or a service) over
	// its failure budget with fault.RateLimited.
	GuardAttempt(ctx context.Context, meta identitysvc.ClientMeta) error
	// CheckAccountLock refuses an attempt on a locked account.
	CheckAccountLock(ctx context.Context, userID string) error
	// CountFailure counts a failed attempt against the address, the
	// service and, when known, the account.
	CountFailure(ctx context.Context, meta identitysvc.ClientMeta, userID string)
}

// Auditor records audit events; *auditsvc.Service implements it. When ctx
// carries a transaction the record is part of it.
type Auditor interface {
	Record(ctx context.Context, r audit.Record) error
}

// Audit actions of this service.
const (
	ActionPasskeyAdded   = "passkey_added"
	ActionPasskeyRemoved = "passkey_removed"
	ActionLogin          = "login"
	ActionLoginFailed    = "login_failed"
)

// Service runs the passkey use cases.
type Service struct {
	users      ports.UserStore
	passkeys   ports.PasskeyStore
	challenges ports.ChallengeStore
	rp         ports.Passkeys
	sessions   Sessions
	audit      Auditor
	tx         ports.Tx
	clock      ports.Clock
	rand       io.Reader
	log        *slog.Logger
}

// New returns a Service. rand must be a CSPRNG (crypto/rand.Reader in
// production); it draws challenges and passkey ids. A nil logger discards.
func New(users ports.UserStore, passkeys ports.PasskeyStore, challenges ports.ChallengeStore, rp ports.Passkeys,
	sessions Sessions, auditor Auditor, tx ports.Tx, clock ports.Clock, rand io.Reader, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{
		users: users, passkeys: passkeys, challenges: challenges, rp: rp, sessions: sessions,
		audit: auditor, tx: tx, clock: clock, rand: rand, log: log,
	}
}

// Stable fault codes of this service that callers may branch on.
const (
	CodeChallengeInvalid = "identity.passkey_challenge_invalid"
	CodePasskeyUnknown   = "identity.passkey_unknown"
	CodePasskeyCloned    = "identity.passkey_cloned"
	CodePasskeyTaken     = "identity.passkey_taken"
	CodePasskeyNotFound  = "identity.passkey_not_found"
)

var (
	errCredentialRequired = fault.Field("credential", "identity.credential_required", "credential is required")
	errRegChallenge       = fault.New(fault.Invalid, CodeChallengeInvalid,
		"The passkey challenge is unknown, already used or expired; request new registration options")
	errLoginChallenge = fault.New(fault.Unauthenticated, CodeChallengeInvalid,
		"The passkey challenge is unknown, already used or expired; request new login options")
	errUnknownPasskey = fault.New(fault.Unauthenticated, CodePasskeyUnknown, "This passkey is not registered")
	errNotAllowed     = fault.New(fault.Unauthenticated, "identity.passkey_rejected", "The passkey could not be verified")
	errCloned         = fault.New(fault.Forbidden, CodePasskeyCloned,
		"This passkey's signature counter went backwards, so it may have been cloned. Sign in another way and remove it.")
	errTaken    = fault.New(fault.Conflict, CodePasskeyTaken, "This passkey is already registered")
	errNotFound = fault.New(fault.NotFound, CodePasskeyNotFound, "Passkey not found")
)

// RegistrationOptions issues a registration challenge for u, the signed-in
// caller, and returns the PublicKeyCredentialCreationOptions to pass to
// navigator.credentials.create. Passkeys u already has are excluded.
func (s *Service) RegistrationOptions(ctx context.Context, u identity.User) (json.RawMessage, error) {
	now := s.clock.Now()
	s.purge(ctx)
	existing, err := s.passkeys.PasskeysByUser(ctx, u.ID)
	if err != nil {
		return nil, fmt.Errorf("list passkeys: %w", err)
	}
	ch, err := identity.NewChallenge(s.rand, identity.ChallengeRegistration, u.ID, now)
	if err != nil {
		return nil, err
	}
	opts, err := s.rp.BeginRegistration(ctx, u, existing, ch)
	if err != nil {
		return nil, err
	}
	if err := s.challenges.PutChallenge(ctx, ch); err != nil {
		return nil, fmt.Errorf("store challenge: %w", err)
	}
	return opts, nil
}

// Register verifies the attestation response credential against the
// caller's registration challenge and stores the new passkey under name
// (identity.NormalisePasskeyName). An unknown, used, expired or foreign
// challenge is fault.Invalid; a response that does not verify fault.Invalid;
// a credential already registered fault.Conflict.
func (s *Service) Register(ctx context.Context, u identity.User, credential json.RawMessage, name string, meta identitysvc.ClientMeta) (identity.Passkey, error) {
	if isEmpty(credential) {
		return identity.Passkey{}, errCredentialRequired
	}
	claim, err := s.rp.Inspect(ctx, credential)
	if err != nil {
		return identity.Passkey{}, err
	}
	now := s.clock.Now()
	ch, err := s.take(ctx, claim, identity.ChallengeRegistration, now)
	if err != nil || ch.UserID != u.ID {
		if err == nil || fault.Is(err, fault.NotFound) {
			s.record(ctx, meta, u.ID, ActionPasskeyAdded, "", audit.Failure, map[string]any{"reason": "challenge_invalid"})
			return identity.Passkey{}, errRegChallenge
		}
		return identity.Passkey{}, err
	}
	pk, err := s.rp.FinishRegistration(ctx, u, ch, credential)
	if err != nil {
		s.record(ctx, meta, u.ID, ActionPasskeyAdded, "", audit.Failure, map[string]any{"reason": "verification_failed"})
		return identity.Passkey{}, err
	}
	pk.ID, err = identity.NewID(s.rand, identity.PasskeyIDPrefix)
	if err != nil {
		return identity.Passkey{}, err
	}
	pk.UserID, pk.Name, pk.CreatedAt, pk.LastUsedAt = u.ID, identity.NormalisePasskeyName(name), now, nil
	err = s.tx.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.passkeys.CreatePasskey(ctx, pk); err != nil {
			return err
		}
		return s.audit.Record(ctx, s.event(meta, u.ID, ActionPasskeyAdded, pk.ID, audit.Success,
			map[string]any{"name": pk.Name, "attestation": pk.AttestationFormat}))
	})
	if fe, ok := fault.As(err); ok && fe.Kind == fault.Conflict {
		s.record(ctx, meta, u.ID, ActionPasskeyAdded, "", audit.Failure, map[string]any{"reason": "already_registered"})
		return identity.Passkey{}, errTaken
	}
	if err != nil {
		return identity.Passkey{}, fmt.Errorf("register passkey: %w", err)
	}
	s.log.InfoContext(ctx, "passkey registered", "user_id", u.ID, "passkey_id", pk.ID)
	return pk, nil
}

// LoginOptions issues a login challenge and returns the
// PublicKeyCredentialRequestOptions for email. When email names an account
// with passkeys, allowCredentials lists them and the challenge is tied to
// that account. Otherwise (no such account, one without passkeys, or an
// empty email) the answer has the same shape with an empty
// allowCredentials, and the challenge is tied to nobody: the browser then
// offers any discoverable passkey, and Login finds its owner by credential
// id. Callers cannot tell an unknown account from one without passkeys. A
// malformed address is fault.Invalid on field email.
func (s *Service) LoginOptions(ctx context.Context, email string) (json.RawMessage, error) {
	now := s.clock.Now()
	s.purge(ctx)
	var (
		userID  string
		allowed []identity.Passkey
	)
	if email != "" {
		addr, err := identity.NormaliseEmail(email)
		if err != nil {
			return nil, err
		}
		u, err := s.users.UserByEmail(ctx, addr)
		switch {
		case err == nil:
			allowed, err = s.passkeys.PasskeysByUser(ctx, u.ID)
			if err != nil {
				return nil, fmt.Errorf("list passkeys: %w", err)
			}
			if len(allowed) > 0 {
				userID = u.ID
			}
		case !fault.Is(err, fault.NotFound):
			return nil, fmt.Errorf("look up email: %w", err)
		}
	}
	ch, err := identity.NewChallenge(s.rand, identity.ChallengeLogin, userID, now)
	if err != nil {
		return nil, err
	}
	opts, err := s.rp.BeginLogin(ctx, allowed, ch)
	if err != nil {
		return nil, err
	}
	if err := s.challenges.PutChallenge(ctx, ch); err != nil {
		return nil, fmt.Errorf("store challenge: %w", err)
	}
	return opts, nil
}

// maxCountRaces bounds how often Login retries a sign-count
// compare-and-set that lost to a concurrent login.
const maxCountRaces = 3

// Login verifies the assertion credential against its login challenge and
// signs its owner in. email, when not empty, must be the owner's. An
// unknown, used or expired challenge, an unregistered passkey, or a
// response that does not verify is fault.Unauthenticated; a signature
// counter that does not advance (a possibly cloned authenticator)
// fault.Forbidden; a deactivated account fault.Forbidden. Every outcome is
// audited.
func (s *Service) Login(ctx context.Context, credential json.RawMessage, email string, meta identitysvc.ClientMeta) (identitysvc.LoggedIn, error) {
	if isEmpty(credential) {
		return identitysvc.LoggedIn{}, errCredentialRequired
	}
	if err := s.sessions.GuardAttempt(ctx, meta); err != nil {
		return identitysvc.LoggedIn{}, err
	}
	claim, err := s.rp.Inspect(ctx, credential)
	if err != nil {
		return identitysvc.LoggedIn{}, err
	}
	now := s.clock.Now()
	ch, err := s.take(ctx, claim, identity.ChallengeLogin, now)
	if fault.Is(err, fault.NotFound) {
		s.loginFailed(ctx, meta, "", "", "challenge_invalid")
		return identitysvc.LoggedIn{}, errLoginChallenge
	}
	if err != nil {
		return identitysvc.LoggedIn{}, err
	}
	pk, err := s.passkeys.PasskeyByCredentialID(ctx, claim.CredentialID)
	if fault.Is(err, fault.NotFound) {
		s.loginFailed(ctx, meta, ch.UserID, "", "passkey_unknown")
		return identitysvc.LoggedIn{}, errUnknownPasskey
	}
	if err != nil {
		return identitysvc.LoggedIn{}, fmt.Errorf("load passkey: %w", err)
	}
	if ch.UserID != "" && ch.UserID != pk.UserID {
		s.loginFailed(ctx, meta, ch.UserID, pk.ID, "passkey_not_allowed")
		return identitysvc.LoggedIn{}, errNotAllowed
	}
	u, err := s.users.UserByID(ctx, pk.UserID)
	if err != nil {
		return identitysvc.LoggedIn{}, fmt.Errorf("load passkey owner: %w", err)
	}
	if err := s.sessions.CheckAccountLock(ctx, u.ID); err != nil {
		return identitysvc.LoggedIn{}, err
	}
	if email != "" {
		if addr, err := identity.NormaliseEmail(email); err != nil || addr != u.Email {
			s.loginFailed(ctx, meta, u.ID, pk.ID, "email_mismatch")
			return identitysvc.LoggedIn{}, errNotAllowed
		}
	}
	asserted, err := s.rp.FinishLogin(ctx, u, pk, ch, credential)
	if err != nil {
		s.loginFailed(ctx, meta, u.ID, pk.ID, "verification_failed")
		return identitysvc.LoggedIn{}, err
	}
	if err := s.advance(ctx, pk, asserted, now); err != nil {
		if fault.Is(err, fault.Forbidden) {
			s.log.WarnContext(ctx, "passkey sign count went backwards", "user_id", u.ID, "passkey_id", pk.ID)
			s.record(ctx, meta, u.ID, ActionLoginFailed, pk.ID, audit.Denied, map[string]any{
				"method": "webauthn", "reason": "sign_count_regression", "storedCount": pk.SignCount, "assertedCount": asserted.SignCount,
			})
		}
		return identitysvc.LoggedIn{}, err
	}
	out, err := s.sessions.StartSession(ctx, u.ID, meta)
	if err != nil {
		if fault.Is(err, fault.Forbidden) {
			s.loginFailed(ctx, meta, u.ID, pk.ID, "deactivated")
		}
		return identitysvc.LoggedIn{}, err
	}
	s.record(ctx, meta, u.ID, ActionLogin, pk.ID, audit.Success, map[string]any{"method": "webauthn"})
	return out, nil
}

// advance stores the asserted counter if it follows the stored one, and
// refuses it as a possible clone otherwise. A concurrent login that moved
// the counter first is re-checked against the new value.
func (s *Service) advance(ctx context.Context, pk identity.Passkey, a ports.PasskeyAssertion, at time.Time) error {
	for range maxCountRaces {
		if !identity.SignCountAdvances(pk.SignCount, a.SignCount) {
			return errCloned
		}
		err := s.passkeys.RecordPasskeyUse(ctx, pk.ID, pk.SignCount, a.SignCount, a.BackupState, at)
		if !fault.Is(err, fault.Conflict) {
			if err != nil {
				return fmt.Errorf("record passkey use: %w", err)
			}
			return nil
		}
		if pk, err = s.passkeys.PasskeyByCredentialID(ctx, pk.CredentialID); err != nil {
			return fmt.Errorf("reload passkey: %w", err)
		}
	}
	return fault.New(fault.Unavailable, "identity.passkey_busy", "The passkey is being used elsewhere; try again")
}

// List returns u's passkeys, oldest first.
func (s *Service) List(ctx context.Context, u identity.User) ([]identity.Passkey, error) {
	list, err := s.passkeys.PasskeysByUser(ctx, u.ID)
	if err != nil {
		return nil, fmt.Errorf("list passkeys: %w", err)
	}
	return list, nil
}

// Remove deletes u's passkey id. Another user's passkey, or none, is
// fault.NotFound.
func (s *Service) Remove(ctx context.Context, u identity.User, id string, meta identitysvc.ClientMeta) error {
	err := s.tx.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.passkeys.DeletePasskey(ctx, u.ID, id); err != nil {
			return err
		}
		return s.audit.Record(ctx, s.event(meta, u.ID, ActionPasskeyRemoved, id, audit.Success, nil))
	})
	if fault.Is(err, fault.NotFound) {
		return errNotFound
	}
	if err != nil {
		return fmt.Errorf("remove passkey: %w", err)
	}
	s.log.InfoContext(ctx, "passkey removed", "user_id", u.ID, "passkey_id", id)
	return nil
}

// take consumes the challenge a response claims and checks its purpose and
// expiry; a challenge of the wrong purpose or expired is consumed all the
// same and reported as fault.NotFound, like an unknown one.
func (s *Service) take(ctx context.Context, claim ports.PasskeyResponse, purpose identity.ChallengePurpose, now time.Time) (identity.Challenge, error) {
	ch, err := s.challenges.TakeChallenge(ctx, identity.ChallengeKey(claim.Challenge))
	if err != nil {
		if fault.Is(err, fault.NotFound) {
			return identity.Challenge{}, err
		}
		return identity.Challenge{}, fmt.Errorf("take challenge: %w", err)
	}
	if ch.Purpose != purpose || ch.Expired(now) {
		return identity.Challenge{}, fault.New(fault.NotFound, "identity.challenge_not_found", "Challenge not found")
	}
	ch.Value = claim.Challenge
	return ch, nil
}

// purge drops expired challenges; a failure only delays the clean-up.
func (s *Service) purge(ctx context.Context) {
	if _, err := s.challenges.PurgeChallenges(ctx, s.clock.Now()); err != nil {
		s.log.WarnContext(ctx, "purge webauthn challenges", "err", err)
	}
}

// loginFailed counts a refused passkey login against the brute-force
// budgets and audits it.
func (s *Service) loginFailed(ctx context.Context, meta identitysvc.ClientMeta, userID, passkeyID, reason string) {
	s.sessions.CountFailure(ctx, meta, userID)
	s.record(ctx, meta, userID, ActionLoginFailed, passkeyID, audit.Failure, map[string]any{"method": "webauthn", "reason": reason})
}

// event builds an audit record about passkey passkeyID (none when empty).
func (s *Service) event(meta identitysvc.ClientMeta, actorID, action, passkeyID string, outcome audit.Outcome, details map[string]any) audit.Record {
	var raw json.RawMessage
	if len(details) > 0 {
		raw, _ = json.Marshal(details) // maps of plain values always marshal
	}
	r := audit.Record{
		At: s.clock.Now(), ActorID: actorID, Action: action,
		IP: meta.IP, UserAgent: meta.UserAgent, Outcome: outcome, Details: raw,
	}
	if passkeyID != "" {
		r.TargetType, r.TargetID = "passkey", passkeyID
	}
	return r
}

// record audits outside a transaction; a failure to audit is logged.
func (s *Service) record(ctx context.Context, meta identitysvc.ClientMeta, actorID, action, passkeyID string, outcome audit.Outcome, details map[string]any) {
	if err := s.audit.Record(ctx, s.event(meta, actorID, action, passkeyID, outcome, details)); err != nil {
		s.log.ErrorContext(ctx, "write audit record", "action", action, "err", err)
	}
}

// isEmpty reports a missing or null JSON value.
func isEmpty(raw json.RawMessage) bool {
	v := string(raw)
	return len(v) == 0 || v == "null"
}
