package passkeysvc_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/adapters/webauthn"
	"github.com/kente-gov/kente/adapters/webauthn/webauthntest"
	"github.com/kente-gov/kente/app/identitysvc"
	"github.com/kente-gov/kente/app/passkeysvc"
	"github.com/kente-gov/kente/core/audit"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/ports"
	"github.com/kente-gov/kente/test/testkit"
)

const origin = "https://askozzy.gov.gh"

var ctx = context.Background()

var meta = identitysvc.ClientMeta{IP: "41.215.1.2", UserAgent: "test"}

// sessions is a passkeysvc.Sessions that hands out numbered tokens to
// active users.
type sessions struct {
	users    ports.UserStore
	n        int
	blocked  bool     // GuardAttempt refuses every attempt
	failures []string // user ids CountFailure was called with ("" for unknown)
}

func (s *sessions) GuardAttempt(context.Context, identitysvc.ClientMeta) error {
	if s.blocked {
		return fault.New(fault.RateLimited, "identity.too_many_attempts", "slow down")
	}
	return nil
}

func (s *sessions) CheckAccountLock(context.Context, string) error { return nil }

func (s *sessions) CountFailure(_ context.Context, _ identitysvc.ClientMeta, userID string) {
	s.failures = append(s.failures, userID)
}

func (s *sessions) StartSession(ctx context.Context, userID string, _ identitysvc.ClientMeta) (identitysvc.LoggedIn, error) {
	u, err := s.users.UserByID(ctx, userID)
	if err != nil {
		return identitysvc.LoggedIn{}, err
	}
	if u.Status != identity.StatusActive {
		return identitysvc.LoggedIn{}, fault.New(fault.Forbidden, "identity.deactivated", "deactivated")
	}
	s.n++
	return identitysvc.LoggedIn{Token: fmt.Sprintf("sess_%d", s.n), User: u}, nil
}

type fixture struct {
	sessions *sessions
	svc      *passkeysvc.Service
	users    *sqlstore.UserStore
	passkeys *sqlstore.PasskeyStore
	clock    *testkit.Clock
	audit    *testkit.AuditRecorder
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	db := sqltest.Fresh(t, sqlstore.SQLite)
	rp, err := webauthn.New(webauthn.Config{RPID: "askozzy.gov.gh", RPName: "AskOzzy", Origins: []string{origin}})
	require.NoError(t, err)
	f := fixture{
		users: sqlstore.NewUserStore(db), passkeys: sqlstore.NewPasskeyStore(db),
		clock: testkit.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)), audit: &testkit.AuditRecorder{},
	}
	f.sessions = &sessions{users: f.users}
	f.svc = passkeysvc.New(f.users, f.passkeys, sqlstore.NewChallengeStore(db), rp, f.sessions,
		f.audit, db, f.clock, rand.Reader, nil)
	return f
}

var userSeq int

func (f fixture) user(t *testing.T) identity.User {
	t.Helper()
	userSeq++
	now := f.clock.Now()
	u := identity.User{
		ID: fmt.Sprintf("usr_%016x", userSeq), Email: fmt.Sprintf("user%d@gov.gh", userSeq), FullName: "Ama Mensah",
		Role: identity.RoleUser, Tier: identity.DefaultTier, Status: identity.StatusActive, UserType: identity.UserTypeGovernment,
		AccessCodeKey: fmt.Sprintf("key%d", userSeq), AccessCodeHash: "h", ReferralCode: fmt.Sprintf("AMA-%d", userSeq),
		CreatedAt: now, UpdatedAt: now,
	}
	require.NoError(t, f.users.CreateUser(ctx, u))
	return u
}

// register runs a registration ceremony for u with a new authenticator.
func (f fixture) register(t *testing.T, u identity.User) (*webauthntest.Authenticator, identity.Passkey) {
	t.Helper()
	a := webauthntest.New(origin)
	opts, err := f.svc.RegistrationOptions(ctx, u)
	require.NoError(t, err)
	resp, err := a.Register(opts)
	require.NoError(t, err)
	pk, err := f.svc.Register(ctx, u, resp, "  My   YubiKey ", meta)
	require.NoError(t, err)
	return a, pk
}

// assertion returns a's answer to fresh login options for email.
func (f fixture) assertion(t *testing.T, a *webauthntest.Authenticator, email string) json.RawMessage {
	t.Helper()
	opts, err := f.svc.LoginOptions(ctx, email)
	require.NoError(t, err)
	resp, err := a.Login(opts)
	require.NoError(t, err)
	return resp
}

func requireFault(t *testing.T, err error, kind fault.Kind, code string) {
	t.Helper()
	require.Error(t, err)
	fe, ok := fault.As(err)
	require.True(t, ok, "want a fault, got %v", err)
	assert.Equal(t, kind, fe.Kind, "%v", err)
	if code != "" {
		assert.Equal(t, code, fe.Code, "%v", err)
	}
}

func TestRegisterAndLogin(t *testing.T) {
	f := newFixture(t)
	u := f.user(t)
	a, pk := f.register(t, u)
	assert.Regexp(t, `^cred_[0-9a-f]{16}$`, pk.ID)
	assert.Equal(t, "My YubiKey", pk.Name)
	assert.Equal(t, u.ID, pk.UserID)
	assert.Equal(t, a.CredentialID, pk.CredentialID)
	assert.Equal(t, f.clock.Now(), pk.CreatedAt)
	assert.Nil(t, pk.LastUsedAt)
	rec := f.audit.Last()
	assert.Equal(t, passkeysvc.ActionPasskeyAdded, rec.Action)
	assert.Equal(t, audit.Success, rec.Outcome)
	assert.Equal(t, u.ID, rec.ActorID)
	assert.Equal(t, pk.ID, rec.TargetID)

	for i := 1; i <= 2; i++ {
		f.clock.Add(time.Minute)
		out, err := f.svc.Login(ctx, f.assertion(t, a, " "+u.Email+" "), "", meta)
		require.NoError(t, err)
		assert.Equal(t, u.ID, out.User.ID)
		assert.NotEmpty(t, out.Token)
		rec := f.audit.Last()
		assert.Equal(t, passkeysvc.ActionLogin, rec.Action)
		assert.Equal(t, audit.Success, rec.Outcome)
		assert.JSONEq(t, `{"method":"webauthn"}`, string(rec.Details))

		list, err := f.svc.List(ctx, u)
		require.NoError(t, err)
		require.Len(t, list, 1)
		assert.Equal(t, uint32(i), list[0].SignCount)
		require.NotNil(t, list[0].LastUsedAt)
		assert.Equal(t, f.clock.Now(), *list[0].LastUsedAt)
	}

	// The email may be sent along; it must be the owner's.
	_, err := f.svc.Login(ctx, f.assertion(t, a, u.Email), u.Email, meta)
	require.NoError(t, err)
	other := f.user(t)
	_, err = f.svc.Login(ctx, f.assertion(t, a, u.Email), other.Email, meta)
	requireFault(t, err, fault.Unauthenticated, "")
}

func TestLoginOptionsDoNotRevealAccounts(t *testing.T) {
	f := newFixture(t)
	without := f.user(t)
	with := f.user(t)
	f.register(t, with)

	shape := func(email string) map[string]any {
		raw, err := f.svc.LoginOptions(ctx, email)
		require.NoError(t, err)
		var o map[string]any
		require.NoError(t, json.Unmarshal(raw, &o))
		delete(o, "challenge")
		return o
	}
	unknown := shape("nobody@gov.gh")
	assert.Equal(t, []any{}, unknown["allowCredentials"])
	assert.Equal(t, unknown, shape(without.Email), "an account without passkeys looks like no account")
	assert.Equal(t, unknown, shape(""), "no email: options for any discoverable passkey")
	_, err := f.svc.LoginOptions(ctx, "not an email")
	requireFault(t, err, fault.Invalid, "identity.email_invalid")
	assert.Len(t, shape(with.Email)["allowCredentials"], 1)
}

func TestDiscoverableLogin(t *testing.T) {
	f := newFixture(t)
	u := f.user(t)
	a, _ := f.register(t, u)
	// Options for no particular account: the owner is found by credential id.
	out, err := f.svc.Login(ctx, f.assertion(t, a, ""), "", meta)
	require.NoError(t, err)
	assert.Equal(t, u.ID, out.User.ID)
}

func TestLoginRefused(t *testing.T) {
	tests := []struct {
		name     string
		give     func(t *testing.T, f fixture, a *webauthntest.Authenticator, u identity.User) error
		wantKind fault.Kind
		wantCode string
		reason   string
	}{
		{"wrong origin", func(t *testing.T, f fixture, a *webauthntest.Authenticator, u identity.User) error {
			a.Origin = "https://askozzy.evil.example"
			_, err := f.svc.Login(ctx, f.assertion(t, a, u.Email), "", meta)
			return err
		}, fault.Unauthenticated, "identity.passkey_rejected", "verification_failed"},
		{"wrong RP ID hash", func(t *testing.T, f fixture, a *webauthntest.Authenticator, u identity.User) error {
			a.RPID = "evil.example"
			_, err := f.svc.Login(ctx, f.assertion(t, a, u.Email), "", meta)
			return err
		}, fault.Unauthenticated, "identity.passkey_rejected", "verification_failed"},
		{"replayed challenge", func(t *testing.T, f fixture, a *webauthntest.Authenticator, u identity.User) error {
			resp := f.assertion(t, a, u.Email)
			_, err := f.svc.Login(ctx, resp, "", meta)
			require.NoError(t, err)
			_, err = f.svc.Login(ctx, resp, "", meta)
			return err
		}, fault.Unauthenticated, passkeysvc.CodeChallengeInvalid, "challenge_invalid"},
		{"expired challenge", func(t *testing.T, f fixture, a *webauthntest.Authenticator, u identity.User) error {
			resp := f.assertion(t, a, u.Email)
			f.clock.Add(identity.ChallengeTTL)
			_, err := f.svc.Login(ctx, resp, "", meta)
			return err
		}, fault.Unauthenticated, passkeysvc.CodeChallengeInvalid, "challenge_invalid"},
		{"registration challenge", func(t *testing.T, f fixture, a *webauthntest.Authenticator, u identity.User) error {
			opts, err := f.svc.RegistrationOptions(ctx, u)
			require.NoError(t, err)
			resp, err := a.Login(opts)
			require.NoError(t, err)
			_, err = f.svc.Login(ctx, resp, "", meta)
			return err
		}, fault.Unauthenticated, passkeysvc.CodeChallengeInvalid, "challenge_invalid"},
		{"cloned authenticator", func(t *testing.T, f fixture, a *webauthntest.Authenticator, u identity.User) error {
			_, err := f.svc.Login(ctx, f.assertion(t, a, u.Email), "", meta)
			require.NoError(t, err)
			_, err = f.svc.Login(ctx, f.assertion(t, a, u.Email), "", meta)
			require.NoError(t, err)
			a.SignCount = 0 // the clone signs with count 1, behind the stored 2
			_, err = f.svc.Login(ctx, f.assertion(t, a, u.Email), "", meta)
			return err
		}, fault.Forbidden, passkeysvc.CodePasskeyCloned, "sign_count_regression"},
		{"same count again", func(t *testing.T, f fixture, a *webauthntest.Authenticator, u identity.User) error {
			_, err := f.svc.Login(ctx, f.assertion(t, a, u.Email), "", meta)
			require.NoError(t, err)
			a.SignCount = 0
			_, err = f.svc.Login(ctx, f.assertion(t, a, u.Email), "", meta)
			return err
		}, fault.Forbidden, passkeysvc.CodePasskeyCloned, "sign_count_regression"},
		{"deleted passkey", func(t *testing.T, f fixture, a *webauthntest.Authenticator, u identity.User) error {
			list, err := f.svc.List(ctx, u)
			require.NoError(t, err)
			require.NoError(t, f.svc.Remove(ctx, u, list[0].ID, meta))
			_, err = f.svc.Login(ctx, f.assertion(t, a, ""), "", meta)
			return err
		}, fault.Unauthenticated, passkeysvc.CodePasskeyUnknown, "passkey_unknown"},
		{"another user's options", func(t *testing.T, f fixture, a *webauthntest.Authenticator, _ identity.User) error {
			other := f.user(t)
			f.register(t, other)
			_, err := f.svc.Login(ctx, f.assertion(t, a, other.Email), "", meta)
			return err
		}, fault.Unauthenticated, "identity.passkey_rejected", "passkey_not_allowed"},
		{"deactivated", func(t *testing.T, f fixture, a *webauthntest.Authenticator, u identity.User) error {
			_, err := f.users.UpdateUser(ctx, u.ID, func(u *identity.User) error { u.Status = identity.StatusDeactivated; return nil })
			require.NoError(t, err)
			_, err = f.svc.Login(ctx, f.assertion(t, a, u.Email), "", meta)
			return err
		}, fault.Forbidden, "identity.deactivated", "deactivated"},
		{"missing credential", func(t *testing.T, f fixture, _ *webauthntest.Authenticator, _ identity.User) error {
			_, err := f.svc.Login(ctx, nil, "", meta)
			return err
		}, fault.Invalid, "identity.credential_required", ""},
		{"malformed credential", func(t *testing.T, f fixture, _ *webauthntest.Authenticator, _ identity.User) error {
			_, err := f.svc.Login(ctx, json.RawMessage(`{"id":"x"}`), "", meta)
			return err
		}, fault.Invalid, "identity.passkey_malformed", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			u := f.user(t)
			a, _ := f.register(t, u)
			err := tt.give(t, f, a, u)
			requireFault(t, err, tt.wantKind, tt.wantCode)
			if tt.reason == "" {
				return
			}
			rec := f.audit.Last()
			assert.Equal(t, passkeysvc.ActionLoginFailed, rec.Action)
			assert.NotEqual(t, audit.Success, rec.Outcome)
			var d map[string]any
			require.NoError(t, json.Unmarshal(rec.Details, &d))
			assert.Equal(t, tt.reason, d["reason"])
		})
	}
}

func TestClonedCounterIsNotStored(t *testing.T) {
	f := newFixture(t)
	u := f.user(t)
	a, _ := f.register(t, u)
	_, err := f.svc.Login(ctx, f.assertion(t, a, u.Email), "", meta)
	require.NoError(t, err)
	a.SignCount = 0
	_, err = f.svc.Login(ctx, f.assertion(t, a, u.Email), "", meta)
	requireFault(t, err, fault.Forbidden, passkeysvc.CodePasskeyCloned)
	assert.Equal(t, audit.Denied, f.audit.Last().Outcome)
	list, err := f.svc.List(ctx, u)
	require.NoError(t, err)
	assert.Equal(t, uint32(1), list[0].SignCount)
}

func TestRegisterRefused(t *testing.T) {
	tests := []struct {
		name     string
		give     func(t *testing.T, f fixture, u identity.User) error
		wantKind fault.Kind
		wantCode string
	}{
		{"wrong origin", func(t *testing.T, f fixture, u identity.User) error {
			a := webauthntest.New("http://localhost:8080")
			opts, err := f.svc.RegistrationOptions(ctx, u)
			require.NoError(t, err)
			resp, err := a.Register(opts)
			require.NoError(t, err)
			_, err = f.svc.Register(ctx, u, resp, "", meta)
			return err
		}, fault.Invalid, "identity.passkey_invalid"},
		{"wrong RP ID hash", func(t *testing.T, f fixture, u identity.User) error {
			a := webauthntest.New(origin)
			a.RPID = "evil.example"
			opts, err := f.svc.RegistrationOptions(ctx, u)
			require.NoError(t, err)
			resp, err := a.Register(opts)
			require.NoError(t, err)
			_, err = f.svc.Register(ctx, u, resp, "", meta)
			return err
		}, fault.Invalid, "identity.passkey_invalid"},
		{"replayed challenge", func(t *testing.T, f fixture, u identity.User) error {
			opts, err := f.svc.RegistrationOptions(ctx, u)
			require.NoError(t, err)
			resp, err := webauthntest.New(origin).Register(opts)
			require.NoError(t, err)
			_, err = f.svc.Register(ctx, u, resp, "", meta)
			require.NoError(t, err)
			_, err = f.svc.Register(ctx, u, resp, "", meta)
			return err
		}, fault.Invalid, passkeysvc.CodeChallengeInvalid},
		{"expired challenge", func(t *testing.T, f fixture, u identity.User) error {
			opts, err := f.svc.RegistrationOptions(ctx, u)
			require.NoError(t, err)
			resp, err := webauthntest.New(origin).Register(opts)
			require.NoError(t, err)
			f.clock.Add(identity.ChallengeTTL + time.Second)
			_, err = f.svc.Register(ctx, u, resp, "", meta)
			return err
		}, fault.Invalid, passkeysvc.CodeChallengeInvalid},
		{"another user's challenge", func(t *testing.T, f fixture, u identity.User) error {
			opts, err := f.svc.RegistrationOptions(ctx, f.user(t))
			require.NoError(t, err)
			resp, err := webauthntest.New(origin).Register(opts)
			require.NoError(t, err)
			_, err = f.svc.Register(ctx, u, resp, "", meta)
			return err
		}, fault.Invalid, passkeysvc.CodeChallengeInvalid},
		{"login challenge", func(t *testing.T, f fixture, u identity.User) error {
			opts, err := f.svc.LoginOptions(ctx, u.Email)
			require.NoError(t, err)
			var o map[string]any
			require.NoError(t, json.Unmarshal(opts, &o))
			o["user"] = map[string]any{"id": "dXNy"}
			raw, _ := json.Marshal(o)
			resp, err := webauthntest.New(origin).Register(raw)
			require.NoError(t, err)
			_, err = f.svc.Register(ctx, u, resp, "", meta)
			return err
		}, fault.Invalid, passkeysvc.CodeChallengeInvalid},
		{"already registered", func(t *testing.T, f fixture, u identity.User) error {
			a, _ := f.register(t, u)
			opts, err := f.svc.RegistrationOptions(ctx, u)
			require.NoError(t, err)
			resp, err := a.Register(opts)
			require.NoError(t, err)
			_, err = f.svc.Register(ctx, u, resp, "", meta)
			return err
		}, fault.Conflict, passkeysvc.CodePasskeyTaken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			u := f.user(t)
			err := tt.give(t, f, u)
			requireFault(t, err, tt.wantKind, tt.wantCode)
			rec := f.audit.Last()
			assert.Equal(t, passkeysvc.ActionPasskeyAdded, rec.Action)
			assert.Equal(t, audit.Failure, rec.Outcome)
		})
	}
}

func TestRegistrationOptionsExcludeExisting(t *testing.T) {
	f := newFixture(t)
	u := f.user(t)
	_, pk := f.register(t, u)
	raw, err := f.svc.RegistrationOptions(ctx, u)
	require.NoError(t, err)
	var o struct {
		Exclude []struct {
			ID string `json:"id"`
		} `json:"excludeCredentials"`
	}
	require.NoError(t, json.Unmarshal(raw, &o))
	require.Len(t, o.Exclude, 1)
	assert.NotEmpty(t, pk.CredentialID)
}

func TestRemoveOwnOnly(t *testing.T) {
	f := newFixture(t)
	owner, stranger := f.user(t), f.user(t)
	_, pk := f.register(t, owner)

	list, err := f.svc.List(ctx, stranger)
	require.NoError(t, err)
	assert.Empty(t, list, "another user sees none of it")
	requireFault(t, f.svc.Remove(ctx, stranger, pk.ID, meta), fault.NotFound, passkeysvc.CodePasskeyNotFound)
	list, err = f.svc.List(ctx, owner)
	require.NoError(t, err)
	require.Len(t, list, 1)

	require.NoError(t, f.svc.Remove(ctx, owner, pk.ID, meta))
	rec := f.audit.Last()
	assert.Equal(t, passkeysvc.ActionPasskeyRemoved, rec.Action)
	assert.Equal(t, pk.ID, rec.TargetID)
	requireFault(t, f.svc.Remove(ctx, owner, pk.ID, meta), fault.NotFound, passkeysvc.CodePasskeyNotFound)
	list, err = f.svc.List(ctx, owner)
	require.NoError(t, err)
	assert.Empty(t, list)
}

func TestExpiredChallengesArePurged(t *testing.T) {
	f := newFixture(t)
	u := f.user(t)
	a, _ := f.register(t, u)
	resp := f.assertion(t, a, u.Email)
	f.clock.Add(identity.ChallengeTTL)
	_, err := f.svc.LoginOptions(ctx, u.Email) // purges the expired one
	require.NoError(t, err)
	_, err = f.svc.Login(ctx, resp, "", meta)
	requireFault(t, err, fault.Unauthenticated, passkeysvc.CodeChallengeInvalid)
}

func TestLoginFailuresCountAgainstBudgets(t *testing.T) {
	f := newFixture(t)
	u := f.user(t)
	a, _ := f.register(t, u)
	a.Origin = "https://askozzy.evil.example"
	_, err := f.svc.Login(ctx, f.assertion(t, a, u.Email), "", meta)
	require.Error(t, err)
	assert.Equal(t, []string{u.ID}, f.sessions.failures, "a failed assertion counts against the account and the address")

	f.sessions.blocked = true
	a.Origin = origin
	_, err = f.svc.Login(ctx, f.assertion(t, a, u.Email), "", meta)
	requireFault(t, err, fault.RateLimited, "identity.too_many_attempts")
}
