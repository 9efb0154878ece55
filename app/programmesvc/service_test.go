package programmesvc_test

import (
	"context"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/jwtauth"
	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/app/programmesvc"
	"github.com/kente-gov/kente/core/audit"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/core/programme"
	"github.com/kente-gov/kente/test/testkit"
)

var ctx = context.Background()

const password = "Kente-2026-Strong"

type fixture struct {
	svc   *programmesvc.Service
	db    *sqlstore.DB
	clock *testkit.Clock
	audit *testkit.AuditRecorder
	users *sqlstore.ProgrammeUserStore
	progs *sqlstore.ProgrammeStore
}

func newFixture(t *testing.T) fixture {
	return newFixtureOn(t, sqltest.Fresh(t, sqlstore.SQLite))
}

func newFixtureOn(t *testing.T, db *sqlstore.DB) fixture {
	codec, err := jwtauth.New([]byte(strings.Repeat("j", 32)), "", "")
	require.NoError(t, err)
	f := fixture{db: db, clock: testkit.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)), audit: &testkit.AuditRecorder{},
		users: sqlstore.NewProgrammeUserStore(db), progs: sqlstore.NewProgrammeStore(db)}
	f.svc = programmesvc.New(programmesvc.Deps{
		Programmes: f.progs, Users: f.users, Sessions: sqlstore.NewRefreshTokenStore(db),
		Modules: sqlstore.NewModuleChecker(db), Tokens: codec, Tx: db, Counters: sqlstore.NewCounters(db),
		Audit: f.audit, Clock: f.clock, Rand: rand.Reader,
	}, programmesvc.Options{Pepper: []byte(strings.Repeat("p", 32)), Hash: identity.TestHashParams})
	return f
}

var meta = programmesvc.ClientMeta{IP: "196.1.95.10", UserAgent: "oomus-web/6.2"}

func (f fixture) register(t *testing.T, email string) programmesvc.Account {
	t.Helper()
	a, err := f.svc.Register(ctx, programmesvc.Registration{Email: email, Password: password, Name: "PEV " + email, Country: "SN"}, meta)
	require.NoError(t, err)
	return a
}

func (f fixture) login(t *testing.T, email string) programmesvc.Tokens {
	t.Helper()
	tok, err := f.svc.Login(ctx, email, password, meta)
	require.NoError(t, err)
	require.False(t, tok.RequiresTwoFactor)
	return tok
}

func (f fixture) principal(t *testing.T, access string) programmesvc.Principal {
	t.Helper()
	p, err := f.svc.Authenticate(ctx, access)
	require.NoError(t, err)
	return p
}

func requireFault(t *testing.T, err error, kind fault.Kind, code, field string) *fault.Error {
	t.Helper()
	fe, ok := fault.As(err)
	require.Truef(t, ok, "want fault %s, got %v", kind, err)
	assert.Equal(t, kind, fe.Kind, "%v", err)
	if code != "" {
		assert.Equal(t, code, fe.Code)
	}
	assert.Equal(t, field, fe.Field, "field of %v", err)
	return fe
}

func requireDead(t *testing.T, f fixture, access string) {
	t.Helper()
	_, err := f.svc.Authenticate(ctx, access)
	requireFault(t, err, fault.Unauthenticated, "programme.invalid_token", "")
}

func TestRegister(t *testing.T) {
	f := newFixture(t)
	a, err := f.svc.Register(ctx, programmesvc.Registration{Email: " Awa@Sante.GOUV.sn ", Password: password,
		Name: "  PEV  Sénégal ", Country: "sn", Phone: "+221 77 000 00 00"}, meta)
	require.NoError(t, err)
	assert.True(t, programme.ValidUUID(a.Programme.ID))
	assert.Equal(t, "awa@sante.gouv.sn", a.Programme.Email)
	assert.Equal(t, "PEV Sénégal", a.Programme.Name)
	assert.Equal(t, "SN", a.Programme.Country)
	assert.Equal(t, "XOF", a.Programme.Currency)
	assert.Equal(t, programme.PlanStarter, a.Programme.Plan)
	assert.Equal(t, programme.StatusActive, a.Programme.Status)
	assert.Zero(t, a.Programme.BalanceFCFA)
	assert.False(t, a.Programme.IsAdmin)
	assert.Equal(t, programme.RoleProgrammeAdmin, a.User.Role)
	assert.Equal(t, a.Programme.ID, a.User.ProgrammeID)
	assert.NotContains(t, a.User.PasswordHash, password)
	assert.True(t, a.Programme.CreatedAt.Equal(f.clock.Now()))
	assert.Equal(t, "programme.register", f.audit.Last().Action)
	assert.Equal(t, a.User.ID, f.audit.Last().ActorID)

	_, err = f.svc.Register(ctx, programmesvc.Registration{Email: "AWA@sante.gouv.sn", Password: password, Name: "Other", Country: "GH"}, meta)
	requireFault(t, err, fault.Conflict, programmesvc.CodeEmailTaken, "email")

	tests := []struct {
		name  string
		give  programmesvc.Registration
		field string
	}{
		{"bad email", programmesvc.Registration{Email: "nope", Password: password, Name: "X Y", Country: "SN"}, "email"},
		{"no name", programmesvc.Registration{Email: "b@sante.sn", Password: password, Country: "SN"}, "name"},
		{"unknown country", programmesvc.Registration{Email: "b@sante.sn", Password: password, Name: "X Y", Country: "FR"}, "country"},
		{"bad phone", programmesvc.Registration{Email: "b@sante.sn", Password: password, Name: "X Y", Country: "SN", Phone: "call"}, "phone"},
		{"no password", programmesvc.Registration{Email: "b@sante.sn", Name: "X Y", Country: "SN"}, "password"},
		{"weak password", programmesvc.Registration{Email: "b@sante.sn", Password: "password12", Name: "X Y", Country: "SN"}, "password"},
	}
	for _, tt := range tests {
		_, err := f.svc.Register(ctx, tt.give, meta)
		requireFault(t, err, fault.Invalid, "", tt.field)
	}
}

func TestLoginAuthenticateAndMe(t *testing.T) {
	f := newFixture(t)
	a := f.register(t, "login@sante.sn")
	tok := f.login(t, "LOGIN@sante.sn")
	assert.Equal(t, 30*time.Minute, tok.ExpiresIn)
	assert.True(t, strings.HasPrefix(tok.RefreshToken, programme.RefreshTokenPrefix))
	assert.Equal(t, a.Programme.ID, tok.Account.Programme.ID)

	p := f.principal(t, tok.AccessToken)
	assert.Equal(t, a.Programme.ID, p.ProgrammeID)
	assert.Equal(t, a.User.ID, p.UserID)
	assert.Equal(t, programme.RoleProgrammeAdmin, p.Role)
	assert.False(t, p.IsAdmin)
	me, err := f.svc.Me(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, a.Programme.Name, me.Programme.Name)
	u, err := f.users.ProgrammeUserByID(ctx, a.User.ID)
	require.NoError(t, err)
	require.NotNil(t, u.LastLogin)
	assert.True(t, u.LastLogin.Equal(f.clock.Now()))

	// The access token dies with its lifetime.
	f.clock.Add(30*time.Minute + 31*time.Second)
	requireDead(t, f, tok.AccessToken)

	_, err = f.svc.Login(ctx, "login@sante.sn", "Wrong-password-1", meta)
	bad := requireFault(t, err, fault.Unauthenticated, "programme.invalid_credentials", "")
	_, err = f.svc.Login(ctx, "nobody@sante.sn", password, meta)
	unknown := requireFault(t, err, fault.Unauthenticated, "", "")
	assert.Equal(t, bad.Msg, unknown.Msg, "unknown email and wrong password look the same")
	_, err = f.svc.Login(ctx, "login@sante.sn", "", meta)
	requireFault(t, err, fault.Invalid, "", "password")
	_, err = f.svc.Login(ctx, "not-an-email", password, meta)
	requireFault(t, err, fault.Invalid, "", "email")
	_, err = f.svc.Authenticate(ctx, "")
	requireFault(t, err, fault.Unauthenticated, "programme.unauthenticated", "")
	requireDead(t, f, "garbage")
}

func TestLockoutIs429WithRetryAfter(t *testing.T) {
	f := newFixture(t)
	f.register(t, "lock@sante.sn")
	for i := range 5 {
		_, err := f.svc.Login(ctx, "lock@sante.sn", "Wrong-password-1", meta)
		requireFault(t, err, fault.Unauthenticated, "", "")
		f.clock.Add(time.Second)
		_ = i
	}
	_, err := f.svc.Login(ctx, "lock@sante.sn", password, meta)
	fe := requireFault(t, err, fault.RateLimited, "programme.too_many_attempts", "")
	assert.Equal(t, 29, fe.RetryAfterSeconds, "30 s lock set at the 5th failure, 1 s ago")
	assert.Contains(t, f.audit.Actions(), "programme.login_failed:denied")

	f.clock.Add(31 * time.Second)
	f.login(t, "lock@sante.sn")
	u, err := f.users.ProgrammeUserByEmail(ctx, "lock@sante.sn")
	require.NoError(t, err)
	assert.Zero(t, u.FailedLogins, "a success clears the failures")
	assert.Nil(t, u.LockedUntil)

	// The per email+address budget (10 per 5 minutes) answers 429 for an
	// unknown email too, without touching any account.
	f.clock.Set(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
	for range 10 {
		_, err := f.svc.Login(ctx, "ghost@sante.sn", password, meta)
		requireFault(t, err, fault.Unauthenticated, "", "")
	}
	_, err = f.svc.Login(ctx, "ghost@sante.sn", password, meta)
	fe = requireFault(t, err, fault.RateLimited, "", "")
	assert.Equal(t, 300, fe.RetryAfterSeconds)
	f.clock.Add(5 * time.Minute)
	_, err = f.svc.Login(ctx, "ghost@sante.sn", password, meta)
	requireFault(t, err, fault.Unauthenticated, "", "")
}

func totpCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	raw, err := identity.DecodeTOTPSecret(secret)
	require.NoError(t, err)
	return identity.HOTP(raw, identity.TOTPStep(at), 6)
}

func TestTwoFactorLogin(t *testing.T) {
	f := newFixture(t)
	f.register(t, "tfa@sante.sn")
	tok := f.login(t, "tfa@sante.sn")
	p := f.principal(t, tok.AccessToken)

	setup, err := f.svc.SetupTOTP(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, "otpauth://totp/OOMUS%20DPI:tfa@sante.sn?secret="+setup.Secret+"&issuer=OOMUS%20DPI", setup.URI)
	u, err := f.users.ProgrammeUserByID(ctx, p.UserID)
	require.NoError(t, err)
	assert.False(t, u.TOTPEnabled, "setup stores nothing")

	_, err = f.svc.VerifyTOTPSetup(ctx, p, setup.Secret, "000000", meta)
	requireFault(t, err, fault.Invalid, "", "code")
	_, err = f.svc.VerifyTOTPSetup(ctx, p, "not base32!", totpCode(t, setup.Secret, f.clock.Now()), meta)
	requireFault(t, err, fault.Invalid, "", "secret")
	acct, err := f.svc.VerifyTOTPSetup(ctx, p, setup.Secret, totpCode(t, setup.Secret, f.clock.Now()), meta)
	require.NoError(t, err)
	assert.True(t, acct.User.TOTPEnabled)
	u, err = f.users.ProgrammeUserByID(ctx, p.UserID)
	require.NoError(t, err)
	assert.NotContains(t, u.TOTPSecret, setup.Secret, "the seed is stored sealed")
	_, err = f.svc.SetupTOTP(ctx, p)
	requireFault(t, err, fault.Conflict, "programme.totp_enabled", "")

	f.clock.Add(time.Minute)
	step1, err := f.svc.Login(ctx, "tfa@sante.sn", password, meta)
	require.NoError(t, err)
	require.True(t, step1.RequiresTwoFactor)
	assert.Empty(t, step1.AccessToken)
	assert.Empty(t, step1.RefreshToken)
	require.NotEmpty(t, step1.TwoFactorToken)
	requireDead(t, f, step1.TwoFactorToken) // a 2FA token is no access token

	_, err = f.svc.LoginTwoFactor(ctx, step1.TwoFactorToken, "123", meta)
	requireFault(t, err, fault.Invalid, "", "code")
	_, err = f.svc.LoginTwoFactor(ctx, tok.AccessToken, totpCode(t, setup.Secret, f.clock.Now()), meta)
	requireFault(t, err, fault.Unauthenticated, "", "totp_token") // an access token is no 2FA token
	_, err = f.svc.LoginTwoFactor(ctx, "", totpCode(t, setup.Secret, f.clock.Now()), meta)
	requireFault(t, err, fault.Invalid, "", "totp_token")
	wrong := totpCode(t, setup.Secret, f.clock.Now().Add(-time.Hour))
	_, err = f.svc.LoginTwoFactor(ctx, step1.TwoFactorToken, wrong, meta)
	requireFault(t, err, fault.Unauthenticated, "programme.totp_invalid", "code")

	code := totpCode(t, setup.Secret, f.clock.Now())
	final, err := f.svc.LoginTwoFactor(ctx, step1.TwoFactorToken, code, meta)
	require.NoError(t, err)
	assert.False(t, final.RequiresTwoFactor)
	f.principal(t, final.AccessToken)
	_, err = f.svc.LoginTwoFactor(ctx, step1.TwoFactorToken, code, meta)
	requireFault(t, err, fault.Unauthenticated, "programme.totp_invalid", "code") // a code is single-use

	// The totp_token lives 5 minutes.
	f.clock.Add(time.Minute)
	step2, err := f.svc.Login(ctx, "tfa@sante.sn", password, meta)
	require.NoError(t, err)
	f.clock.Add(5*time.Minute + 31*time.Second)
	_, err = f.svc.LoginTwoFactor(ctx, step2.TwoFactorToken, totpCode(t, setup.Secret, f.clock.Now()), meta)
	requireFault(t, err, fault.Unauthenticated, "programme.invalid_token", "totp_token")

	// Disable needs the password and erases the seed.
	p = f.principal(t, final.AccessToken)
	_, err = f.svc.DisableTOTP(ctx, p, "Wrong-password-1", meta)
	requireFault(t, err, fault.Invalid, "programme.wrong_password", "current_password")
	acct, err = f.svc.DisableTOTP(ctx, p, password, meta)
	require.NoError(t, err)
	assert.False(t, acct.User.TOTPEnabled)
	u, err = f.users.ProgrammeUserByID(ctx, p.UserID)
	require.NoError(t, err)
	assert.Empty(t, u.TOTPSecret)
	f.login(t, "tfa@sante.sn")
}

func TestRefreshRotationAndReuse(t *testing.T) {
	f := newFixture(t)
	f.register(t, "rot@sante.sn")
	first := f.login(t, "rot@sante.sn")
	other := f.login(t, "rot@sante.sn") // a second device

	f.clock.Add(time.Minute)
	second, err := f.svc.Refresh(ctx, first.RefreshToken, meta)
	require.NoError(t, err)
	assert.NotEqual(t, first.RefreshToken, second.RefreshToken, "every refresh rotates")
	assert.NotEqual(t, first.AccessToken, second.AccessToken)
	assert.Equal(t, f.principal(t, first.AccessToken).SessionID, f.principal(t, second.AccessToken).SessionID)

	third, err := f.svc.Refresh(ctx, second.RefreshToken, meta)
	require.NoError(t, err)
	f.principal(t, third.AccessToken)

	// Replaying the first token revokes the whole family.
	_, err = f.svc.Refresh(ctx, first.RefreshToken, meta)
	requireFault(t, err, fault.Unauthenticated, "programme.invalid_refresh_token", "refresh_token")
	requireDead(t, f, third.AccessToken)
	requireDead(t, f, first.AccessToken)
	_, err = f.svc.Refresh(ctx, third.RefreshToken, meta)
	requireFault(t, err, fault.Unauthenticated, "", "refresh_token")
	rec := f.audit.Records()
	var found bool
	for _, r := range rec {
		if r.Action == "programme.refresh_reused" {
			found = true
			assert.Equal(t, audit.Denied, r.Outcome)
			assert.Equal(t, "session", r.TargetType)
		}
	}
	assert.True(t, found, "reuse is audited")

	// The other device's session is untouched.
	f.principal(t, other.AccessToken)
	_, err = f.svc.Refresh(ctx, other.RefreshToken, meta)
	require.NoError(t, err)

	for _, bad := range []string{"garbage", "ort_" + strings.Repeat("A", 43)} {
		_, err = f.svc.Refresh(ctx, bad, meta)
		requireFault(t, err, fault.Unauthenticated, "programme.invalid_refresh_token", "refresh_token")
	}
	_, err = f.svc.Refresh(ctx, "", meta)
	requireFault(t, err, fault.Invalid, "", "refresh_token")
}

func TestRefreshExpiresWithTheSession(t *testing.T) {
	f := newFixture(t)
	f.register(t, "exp@sante.sn")
	tok := f.login(t, "exp@sante.sn")
	f.clock.Add(29 * 24 * time.Hour)
	next, err := f.svc.Refresh(ctx, tok.RefreshToken, meta)
	require.NoError(t, err)
	f.clock.Add(24*time.Hour + time.Second) // 30 days after the login, not after the refresh
	_, err = f.svc.Refresh(ctx, next.RefreshToken, meta)
	requireFault(t, err, fault.Unauthenticated, "programme.invalid_refresh_token", "refresh_token")
}

func TestLogoutLogoutAllChangePassword(t *testing.T) {
	f := newFixture(t)
	f.register(t, "out@sante.sn")
	a, b, c := f.login(t, "out@sante.sn"), f.login(t, "out@sante.sn"), f.login(t, "out@sante.sn")

	require.NoError(t, f.svc.Logout(ctx, f.principal(t, a.AccessToken), meta))
	requireDead(t, f, a.AccessToken)
	_, err := f.svc.Refresh(ctx, a.RefreshToken, meta)
	requireFault(t, err, fault.Unauthenticated, "", "refresh_token")
	f.principal(t, b.AccessToken) // other sessions live on

	require.NoError(t, f.svc.LogoutAll(ctx, f.principal(t, b.AccessToken), meta))
	requireDead(t, f, b.AccessToken)
	requireDead(t, f, c.AccessToken)
	_, err = f.svc.Refresh(ctx, c.RefreshToken, meta)
	requireFault(t, err, fault.Unauthenticated, "", "refresh_token")
	u, err := f.users.ProgrammeUserByEmail(ctx, "out@sante.sn")
	require.NoError(t, err)
	assert.Equal(t, int64(1), u.TokenVersion)

	d, e := f.login(t, "out@sante.sn"), f.login(t, "out@sante.sn")
	p := f.principal(t, d.AccessToken)
	err = f.svc.ChangePassword(ctx, p, "Wrong-password-1", "New-Password-2027", meta)
	requireFault(t, err, fault.Invalid, "programme.wrong_password", "current_password")
	err = f.svc.ChangePassword(ctx, p, password, password, meta)
	requireFault(t, err, fault.Invalid, "programme.password_unchanged", "new_password")
	err = f.svc.ChangePassword(ctx, p, password, "short", meta)
	requireFault(t, err, fault.Invalid, "programme.password_weak", "new_password")
	require.NoError(t, f.svc.ChangePassword(ctx, p, password, "New-Password-2027", meta))
	requireDead(t, f, d.AccessToken)
	requireDead(t, f, e.AccessToken)
	_, err = f.svc.Refresh(ctx, e.RefreshToken, meta)
	requireFault(t, err, fault.Unauthenticated, "", "refresh_token")
	_, err = f.svc.Login(ctx, "out@sante.sn", password, meta)
	requireFault(t, err, fault.Unauthenticated, "", "")
	_, err = f.svc.Login(ctx, "out@sante.sn", "New-Password-2027", meta)
	require.NoError(t, err)
	assert.Contains(t, f.audit.Actions(), "programme.change_password:success")
}

func TestProfileLogoAndRoles(t *testing.T) {
	f := newFixture(t)
	a := f.register(t, "prof@sante.sn")
	p := f.principal(t, f.login(t, "prof@sante.sn").AccessToken)
	name, country := "PEV Cameroun", "cm"
	acct, err := f.svc.UpdateMe(ctx, p, programmesvc.ProfileChange{Name: &name, Country: &country}, meta)
	require.NoError(t, err)
	assert.Equal(t, "PEV Cameroun", acct.Programme.Name)
	assert.Equal(t, "CM", acct.Programme.Country)
	assert.Equal(t, "XAF", acct.Programme.Currency)
	assert.Equal(t, a.Programme.Phone, acct.Programme.Phone)
	bad := "FR"
	_, err = f.svc.UpdateMe(ctx, p, programmesvc.ProfileChange{Country: &bad}, meta)
	requireFault(t, err, fault.Invalid, "", "country")

	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
	acct, err = f.svc.UploadLogo(ctx, p, png, meta)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(acct.Programme.LogoURL, "data:image/png;base64,"))
	_, err = f.svc.UploadLogo(ctx, p, []byte("GIF89a...."), meta)
	requireFault(t, err, fault.Invalid, "programme.logo_unsupported_type", "file")
	_, err = f.svc.UploadLogo(ctx, p, append(png, make([]byte, programme.MaxLogoBytes)...), meta)
	requireFault(t, err, fault.TooLarge, "", "file")

	// A programme_user is an operator: no profile or logo changes.
	_, err = f.users.UpdateProgrammeUser(ctx, a.User.ID, func(u *programme.User) error {
		u.Role = programme.RoleProgrammeUser
		return nil
	})
	require.NoError(t, err)
	op := f.principal(t, f.login(t, "prof@sante.sn").AccessToken)
	assert.Equal(t, programme.RoleProgrammeUser, op.Role)
	_, err = f.svc.UpdateMe(ctx, op, programmesvc.ProfileChange{Name: &name}, meta)
	requireFault(t, err, fault.Forbidden, "", "")
	_, err = f.svc.UploadLogo(ctx, op, png, meta)
	requireFault(t, err, fault.Forbidden, "", "")
}

func TestRequireModule(t *testing.T) {
	f := newFixture(t)
	a := f.register(t, "mod@sante.sn")
	p := f.principal(t, f.login(t, "mod@sante.sn").AccessToken)
	err := f.svc.RequireModule(ctx, p, "ai_fraud_detection")
	fe := requireFault(t, err, fault.Forbidden, programmesvc.CodeModuleRequired, "")
	assert.Contains(t, fe.Msg, "ai_fraud_detection")
	_, err = f.db.Bun.ExecContext(ctx, "INSERT INTO programme_modules (programme_id, module_key, status) VALUES (?, ?, ?)",
		a.Programme.ID, "ai_fraud_detection", "active")
	require.NoError(t, err)
	require.NoError(t, f.svc.RequireModule(ctx, p, "ai_fraud_detection"))
	requireFault(t, f.svc.RequireModule(ctx, p, "whatsapp_bsp"), fault.Forbidden, programmesvc.CodeModuleRequired, "")
	// starter bundles sms_gateway and pvc_studio: on from registration.
	require.NoError(t, f.svc.RequireModule(ctx, p, "sms_gateway"))
	require.NoError(t, f.svc.RequireModule(ctx, p, "pvc_studio"))
}

func (f fixture) admin(t *testing.T) (programmesvc.Account, programmesvc.Principal) {
	t.Helper()
	a, err := f.svc.CreateProgramme(ctx, programmesvc.NewProgramme{IsAdmin: true, Registration: programmesvc.Registration{
		Email: "root@oomus.org", Password: password, Name: "Oomus Ops", Country: "SN"}}, "", programmesvc.ClientMeta{UserAgent: "kente-cli"})
	require.NoError(t, err)
	assert.True(t, a.Programme.IsAdmin)
	assert.Equal(t, programme.RoleSuperAdmin, a.User.Role)
	return a, f.principal(t, f.login(t, "root@oomus.org").AccessToken)
}

func TestAdminSafetyRules(t *testing.T) {
	f := newFixture(t)
	admin, ap := f.admin(t)
	assert.True(t, ap.IsAdmin)
	assert.Contains(t, f.audit.Actions(), "admin.programme_create:success")
	other := f.register(t, "other@sante.sn")
	op := f.principal(t, f.login(t, "other@sante.sn").AccessToken)

	// Non-admins get 403 everywhere.
	_, err := f.svc.AdminList(ctx, op, 0, 0)
	requireFault(t, err, fault.Forbidden, "programme.admin_required", "")
	_, err = f.svc.AdminCreate(ctx, op, programmesvc.Registration{}, meta)
	requireFault(t, err, fault.Forbidden, "", "")
	yes := true
	_, err = f.svc.AdminUpdate(ctx, op, other.Programme.ID, programmesvc.AdminChange{IsAdmin: &yes}, meta)
	requireFault(t, err, fault.Forbidden, "", "")
	requireFault(t, f.svc.AdminDelete(ctx, op, admin.Programme.ID, meta), fault.Forbidden, "", "")

	f.clock.Add(time.Second)
	created, err := f.svc.AdminCreate(ctx, ap, programmesvc.Registration{Email: "made@sante.sn", Password: password, Name: "Made", Country: "CI"}, meta)
	require.NoError(t, err)
	assert.False(t, created.Programme.IsAdmin, "admin-created programmes are never admins")
	page, err := f.svc.AdminList(ctx, ap, 0, 0)
	require.NoError(t, err)
	assert.Equal(t, 3, page.Total)
	require.Len(t, page.Items, 3)
	assert.Equal(t, created.Programme.ID, page.Items[0].Programme.ID, "newest first")
	assert.Equal(t, "made@sante.sn", page.Items[0].User.Email)
	_, err = f.svc.AdminList(ctx, ap, 501, 0)
	requireFault(t, err, fault.Invalid, "", "limit")

	// Self-protection.
	no, suspended := false, "suspended"
	_, err = f.svc.AdminUpdate(ctx, ap, admin.Programme.ID, programmesvc.AdminChange{IsAdmin: &no}, meta)
	requireFault(t, err, fault.Forbidden, "programme.cannot_revoke_own_admin", "is_admin")
	_, err = f.svc.AdminUpdate(ctx, ap, admin.Programme.ID, programmesvc.AdminChange{Status: &suspended}, meta)
	requireFault(t, err, fault.Forbidden, "programme.cannot_suspend_self", "status")
	requireFault(t, f.svc.AdminDelete(ctx, ap, admin.Programme.ID, meta), fault.Forbidden, "programme.cannot_delete_self", "")

	// Grant, then another admin cannot be deleted.
	acct, err := f.svc.AdminUpdate(ctx, ap, other.Programme.ID, programmesvc.AdminChange{IsAdmin: &yes}, meta)
	require.NoError(t, err)
	assert.True(t, acct.Programme.IsAdmin)
	assert.True(t, f.principal(t, f.login(t, "other@sante.sn").AccessToken).IsAdmin, "the flag is read live")
	requireFault(t, f.svc.AdminDelete(ctx, ap, other.Programme.ID, meta), fault.Forbidden, "programme.cannot_delete_admin", "")

	// Plan, status, email.
	plan, badPlan, email := "pro", "gold", "renamed@sante.sn"
	acct, err = f.svc.AdminUpdate(ctx, ap, created.Programme.ID, programmesvc.AdminChange{Plan: &plan, Email: &email}, meta)
	require.NoError(t, err)
	assert.Equal(t, programme.PlanRegionalOps, acct.Programme.Plan)
	assert.Equal(t, "renamed@sante.sn", acct.User.Email)
	f.login(t, "renamed@sante.sn")
	_, err = f.svc.AdminUpdate(ctx, ap, created.Programme.ID, programmesvc.AdminChange{Plan: &badPlan}, meta)
	requireFault(t, err, fault.Invalid, "", "plan")
	taken := "other@sante.sn"
	_, err = f.svc.AdminUpdate(ctx, ap, created.Programme.ID, programmesvc.AdminChange{Email: &taken}, meta)
	requireFault(t, err, fault.Conflict, programmesvc.CodeEmailTaken, "email")
	_, err = f.svc.AdminUpdate(ctx, ap, "00000000-0000-4000-8000-000000000000", programmesvc.AdminChange{Plan: &plan}, meta)
	requireFault(t, err, fault.NotFound, "", "")
	_, err = f.svc.AdminUpdate(ctx, ap, "not-a-uuid", programmesvc.AdminChange{Plan: &plan}, meta)
	requireFault(t, err, fault.NotFound, "", "")

	live := f.login(t, "renamed@sante.sn")
	_, err = f.svc.AdminUpdate(ctx, ap, created.Programme.ID, programmesvc.AdminChange{Status: &suspended}, meta)
	require.NoError(t, err)
	_, err = f.svc.Authenticate(ctx, live.AccessToken)
	requireFault(t, err, fault.Forbidden, "programme.suspended", "")
	_, err = f.svc.Login(ctx, "renamed@sante.sn", password, meta)
	requireFault(t, err, fault.Forbidden, "programme.suspended", "")

	// A balance blocks deletion; at zero it goes with its users and sessions.
	_, err = f.db.Bun.ExecContext(ctx, "UPDATE programmes SET balance_fcfa = 5000 WHERE id = ?", created.Programme.ID)
	require.NoError(t, err)
	requireFault(t, f.svc.AdminDelete(ctx, ap, created.Programme.ID, meta), fault.Conflict, "programme.balance_not_zero", "")
	_, err = f.db.Bun.ExecContext(ctx, "UPDATE programmes SET balance_fcfa = 0 WHERE id = ?", created.Programme.ID)
	require.NoError(t, err)
	require.NoError(t, f.svc.AdminDelete(ctx, ap, created.Programme.ID, meta))
	assert.Equal(t, "admin.programme_delete:success", f.audit.Actions()[len(f.audit.Actions())-1])
	requireDead(t, f, live.AccessToken)
	_, err = f.users.ProgrammeUserByEmail(ctx, "renamed@sante.sn")
	requireFault(t, err, fault.NotFound, "", "")
	requireFault(t, f.svc.AdminDelete(ctx, ap, created.Programme.ID, meta), fault.NotFound, "", "")
}

// BenchmarkAuthenticate measures what every /api/v1 request pays: JWT
// verification plus the session, user and programme reads (SQLite).
func BenchmarkAuthenticate(b *testing.B) {
	db := sqltest.Fresh(b, sqlstore.SQLite)
	codec, err := jwtauth.New([]byte(strings.Repeat("j", 32)), "", "")
	require.NoError(b, err)
	clk := testkit.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	svc := programmesvc.New(programmesvc.Deps{
		Programmes: sqlstore.NewProgrammeStore(db), Users: sqlstore.NewProgrammeUserStore(db), Sessions: sqlstore.NewRefreshTokenStore(db),
		Modules: sqlstore.NewModuleChecker(db), Tokens: codec, Tx: db, Counters: sqlstore.NewCounters(db),
		Audit: &testkit.AuditRecorder{}, Clock: clk, Rand: rand.Reader,
	}, programmesvc.Options{Pepper: []byte(strings.Repeat("p", 32)), Hash: identity.TestHashParams})
	_, err = svc.Register(ctx, programmesvc.Registration{Email: "bench@sante.sn", Password: password, Name: "Bench", Country: "SN"}, meta)
	require.NoError(b, err)
	tok, err := svc.Login(ctx, "bench@sante.sn", password, meta)
	require.NoError(b, err)
	for b.Loop() {
		if _, err := svc.Authenticate(ctx, tok.AccessToken); err != nil {
			b.Fatal(err)
		}
	}
}

// A long or non-UTF-8 User-Agent is clipped, never a reason to refuse a
// login.
func TestLoginWithAwkwardUserAgent(t *testing.T) {
	f := newFixture(t)
	f.register(t, "ua@sante.sn")
	for _, ua := range []string{strings.Repeat("a", 511) + "é" + strings.Repeat("b", 100), "curl/\xff\xfe8", strings.Repeat("é", 400)} {
		tok, err := f.svc.Login(ctx, "ua@sante.sn", password, programmesvc.ClientMeta{IP: "196.1.95.10", UserAgent: ua})
		require.NoError(t, err, "%q", ua)
		f.principal(t, tok.AccessToken)
		assert.LessOrEqual(t, len(f.audit.Last().UserAgent), 512)
	}
}
