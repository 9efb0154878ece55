package identitysvc_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/app/identitysvc"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/test/testkit"
)

// totp returns the code of seed (base32) at step offset d from now.
func totp(t *testing.T, seed string, now time.Time, d int) string {
	t.Helper()
	secret, err := identity.DecodeTOTPSecret(seed)
	require.NoError(t, err)
	return identity.HOTP(secret, uint64(int64(identity.TOTPStep(now))+int64(d)), 6)
}

func principal(t *testing.T, f fixture, token string) identitysvc.Principal {
	t.Helper()
	p, err := f.svc.Authenticate(ctx, token, identitysvc.ClientMeta{})
	require.NoError(t, err)
	return p
}

func faultOf(t *testing.T, err error) *fault.Error {
	t.Helper()
	fe, ok := fault.As(err)
	require.True(t, ok, "want a fault, got %v", err)
	return fe
}

// enableTOTP runs setup and verify and returns the seed.
func enableTOTP(t *testing.T, f fixture, p identitysvc.Principal) (seed, recovery string) {
	t.Helper()
	setup, err := f.svc.SetupTOTP(ctx, p, "")
	require.NoError(t, err)
	assert.Len(t, setup.Secret, 32)
	assert.True(t, strings.HasPrefix(setup.URI, "otpauth://totp/AskOzzy:"), setup.URI)
	recovery, err = f.svc.VerifyTOTP(ctx, p, totp(t, setup.Secret, f.clock.Now(), 0), identitysvc.ClientMeta{})
	require.NoError(t, err)
	assert.Regexp(t, `^RCVY-`, recovery)
	return setup.Secret, recovery
}

func TestTOTPLifecycle(t *testing.T) {
	f := newFixture(t, 0)
	r := f.register(t, "a@gov.gh")
	p := principal(t, f, r.Token)

	_, err := f.svc.VerifyTOTP(ctx, p, "123456", identitysvc.ClientMeta{})
	assert.Equal(t, "identity.totp_not_pending", faultOf(t, err).Code, "verify before setup")

	seed, _ := enableTOTP(t, f, p)
	login := func(code string) error {
		_, err := f.svc.Login(ctx, identitysvc.Credentials{AccessCode: r.AccessCode, TOTPCode: code}, identitysvc.ClientMeta{IP: "41.215.0.1"})
		return err
	}
	fe := faultOf(t, login(""))
	assert.Equal(t, fault.Unauthenticated, fe.Kind)
	assert.Equal(t, true, fe.Extra["totpRequired"])
	assert.Equal(t, fault.Unauthenticated, faultOf(t, login("000000")).Kind)

	f.clock.Add(identity.TOTPPeriod)
	code := totp(t, seed, f.clock.Now(), 0)
	require.NoError(t, login(code))
	assert.Error(t, login(code), "a code is refused the second time")
	require.NoError(t, login(totp(t, seed, f.clock.Now(), 1)), "the next step's code is accepted once")

	// Replacing the authenticator needs the current code; the old one works until then.
	_, err = f.svc.SetupTOTP(ctx, p, "")
	assert.Equal(t, fault.Conflict, faultOf(t, err).Kind)
	f.clock.Add(2 * identity.TOTPPeriod)
	_, err = f.svc.SetupTOTP(ctx, p, "111111")
	assert.Equal(t, fault.Invalid, faultOf(t, err).Kind)
	setup, err := f.svc.SetupTOTP(ctx, p, totp(t, seed, f.clock.Now(), 0))
	require.NoError(t, err)
	f.clock.Add(identity.TOTPPeriod)
	require.NoError(t, login(totp(t, seed, f.clock.Now(), 0)), "old authenticator still works while the new one is pending")
	_, err = f.svc.VerifyTOTP(ctx, p, totp(t, setup.Secret, f.clock.Now(), 0), identitysvc.ClientMeta{})
	require.NoError(t, err)
	f.clock.Add(identity.TOTPPeriod)
	assert.Error(t, login(totp(t, seed, f.clock.Now(), 0)), "the replaced authenticator no longer works")

	// Disable needs a valid code.
	assert.Equal(t, fault.Invalid, faultOf(t, f.svc.DisableTOTP(ctx, p, "000000", identitysvc.ClientMeta{})).Kind)
	require.NoError(t, f.svc.DisableTOTP(ctx, p, totp(t, setup.Secret, f.clock.Now(), 0), identitysvc.ClientMeta{}))
	require.NoError(t, login(""), "no TOTP needed once disabled")
	u, err := sqlstore.NewUserStore(f.db).UserByID(ctx, r.User.ID)
	require.NoError(t, err)
	assert.Empty(t, u.TOTPSecret)
	assert.NotContains(t, u.TOTPPending+u.TOTPSecret, setup.Secret, "seeds are never stored in the clear")
}

func TestAccountLockoutWithBackoff(t *testing.T) {
	f := newFixture(t, 0)
	r := f.register(t, "a@gov.gh")
	seed, _ := enableTOTP(t, f, principal(t, f, r.Token))
	f.clock.Add(identity.TOTPPeriod)
	try := func(code string) error {
		_, err := f.svc.Login(ctx, identitysvc.Credentials{AccessCode: r.AccessCode, TOTPCode: code}, identitysvc.ClientMeta{IP: "41.215.0.1"})
		return err
	}
	for i := range 5 {
		assert.Equal(t, fault.Unauthenticated, faultOf(t, try("000000")).Kind, "failure %d", i+1)
	}
	fe := faultOf(t, try(totp(t, seed, f.clock.Now(), 0)))
	assert.Equal(t, fault.RateLimited, fe.Kind, "locked even with the right code")
	assert.Equal(t, 30, fe.RetryAfterSeconds)

	f.clock.Add(31 * time.Second)
	assert.Equal(t, fault.Unauthenticated, faultOf(t, try("000000")).Kind)
	fe = faultOf(t, try(totp(t, seed, f.clock.Now(), 0)))
	assert.Equal(t, fault.RateLimited, fe.Kind)
	assert.Equal(t, 60, fe.RetryAfterSeconds, "the lock doubles")

	f.clock.Add(61 * time.Second)
	require.NoError(t, try(totp(t, seed, f.clock.Now(), 0)))
	u, err := sqlstore.NewUserStore(f.db).UserByID(ctx, r.User.ID)
	require.NoError(t, err)
	assert.Zero(t, u.FailedLogins)
	assert.Nil(t, u.LockedUntil)
}

func TestIPAndGlobalBudgets(t *testing.T) {
	db := sqltest.Fresh(t, sqlstore.SQLite)
	c := testkit.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	th := identity.DefaultThrottle
	th.Global = identity.Budget{Limit: 100, Window: 5 * time.Minute}
	f := newFixtureWith(t, db, c, identitysvc.Options{Throttle: th})
	r := f.register(t, "a@gov.gh")
	attacker := identitysvc.ClientMeta{IP: "197.255.1.1"}
	office := identitysvc.ClientMeta{IP: "41.215.7.7"}

	for i := range 60 {
		_, err := f.svc.Login(ctx, identitysvc.Credentials{AccessCode: fmt.Sprintf("OZZY-AAAA-%04d", i)}, attacker)
		require.Equal(t, fault.Unauthenticated, faultOf(t, err).Kind, "attempt %d", i)
	}
	_, err := f.svc.Login(ctx, identitysvc.Credentials{AccessCode: r.AccessCode}, attacker)
	fe := faultOf(t, err)
	assert.Equal(t, fault.RateLimited, fe.Kind, "the 61st attempt from one address is refused, even a right one")
	assert.Equal(t, 300, fe.RetryAfterSeconds)
	_, err = f.svc.Login(ctx, identitysvc.Credentials{AccessCode: r.AccessCode}, office)
	require.NoError(t, err, "another address is not affected")

	// 40 more failures from many addresses exhaust the global budget of 100.
	for i := range 40 {
		_, err := f.svc.Login(ctx, identitysvc.Credentials{AccessCode: "OZZY-BBBB-BBBB"}, identitysvc.ClientMeta{IP: fmt.Sprintf("10.0.%d.1", i)})
		require.Equal(t, fault.Unauthenticated, faultOf(t, err).Kind)
	}
	_, err = f.svc.Login(ctx, identitysvc.Credentials{AccessCode: r.AccessCode}, office)
	assert.Equal(t, fault.RateLimited, faultOf(t, err).Kind, "global spraying budget")

	c.Add(5 * time.Minute)
	_, err = f.svc.Login(ctx, identitysvc.Credentials{AccessCode: r.AccessCode}, attacker)
	require.NoError(t, err, "budgets refill in the next window")
}

func TestResetAccount(t *testing.T) {
	f := newFixture(t, 0)
	r := f.register(t, "a@gov.gh")
	p := principal(t, f, r.Token)
	_, recovery := enableTOTP(t, f, p)
	meta := identitysvc.ClientMeta{IP: "41.215.0.9"}

	_, err := f.svc.ResetAccount(ctx, "a@gov.gh", "", meta)
	assert.Equal(t, "recoveryCode", faultOf(t, err).Field)
	_, err = f.svc.ResetAccount(ctx, "a@gov.gh", "RCVY-AAAA-AAAA-AAAA", meta)
	assert.Equal(t, fault.Unauthenticated, faultOf(t, err).Kind)
	_, err = f.svc.ResetAccount(ctx, "nobody@gov.gh", recovery, meta)
	assert.Equal(t, fault.Unauthenticated, faultOf(t, err).Kind, "unknown email answers like a wrong code")

	reset, err := f.svc.ResetAccount(ctx, "A@GOV.GH", strings.ToLower(recovery), meta)
	require.NoError(t, err)
	assert.NotEqual(t, r.AccessCode, reset.AccessCode)
	assert.NotEqual(t, recovery, reset.RecoveryCode)
	_, err = f.svc.Authenticate(ctx, r.Token, identitysvc.ClientMeta{})
	assert.Equal(t, fault.Unauthenticated, faultOf(t, err).Kind, "every session is revoked")
	_, err = f.svc.Login(ctx, identitysvc.Credentials{AccessCode: r.AccessCode}, meta)
	assert.Error(t, err, "the old access code is dead")
	_, err = f.svc.ResetAccount(ctx, "a@gov.gh", recovery, meta)
	assert.Error(t, err, "the old recovery code is single-use")

	// The new authenticator is pending until verified through enrolment.
	_, err = f.svc.CompleteEnrolment(ctx, identitysvc.EnrolmentCheck{Email: "a@gov.gh", Code: "000000"}, meta)
	assert.Equal(t, fault.Unauthenticated, faultOf(t, err).Kind)
	in, err := f.svc.CompleteEnrolment(ctx, identitysvc.EnrolmentCheck{Email: "a@gov.gh", Code: totp(t, reset.TOTPSecret, f.clock.Now(), 0)}, meta)
	require.NoError(t, err)
	assert.True(t, in.User.TOTPEnabled)
	f.clock.Add(identity.TOTPPeriod)
	_, err = f.svc.Login(ctx, identitysvc.Credentials{AccessCode: reset.AccessCode, TOTPCode: totp(t, reset.TOTPSecret, f.clock.Now(), 0)}, meta)
	require.NoError(t, err)
	assert.Contains(t, f.audit.Actions(), "reset_account:success")
}

func TestResetAccountAttemptLimit(t *testing.T) {
	f := newFixture(t, 0)
	f.register(t, "a@gov.gh")
	meta := identitysvc.ClientMeta{IP: "41.215.0.9"}
	for i := range 10 {
		_, err := f.svc.ResetAccount(ctx, "b@gov.gh", "RCVY-AAAA-AAAA-AAAA", meta)
		require.Equal(t, fault.Unauthenticated, faultOf(t, err).Kind, "attempt %d", i+1)
	}
	_, err := f.svc.ResetAccount(ctx, "b@gov.gh", "RCVY-AAAA-AAAA-AAAA", meta)
	fe := faultOf(t, err)
	assert.Equal(t, fault.RateLimited, fe.Kind)
	assert.Equal(t, "Too many attempts. Please wait 5 minutes.", fe.Msg)
	_, err = f.svc.ResetAccount(ctx, "a@gov.gh", "RCVY-AAAA-AAAA-AAAA", meta)
	assert.Equal(t, fault.Unauthenticated, faultOf(t, err).Kind, "the limit is per address and email")
}

func TestAdminResetAccount(t *testing.T) {
	f := newFixture(t, 0)
	admin := f.register(t, "admin@gov.gh")
	r := f.register(t, "a@gov.gh")
	ap := principal(t, f, admin.Token)
	_, err := f.svc.AdminResetAccount(ctx, ap, "usr_nobody", identitysvc.ClientMeta{})
	assert.Equal(t, fault.NotFound, faultOf(t, err).Kind)
	out, err := f.svc.AdminResetAccount(ctx, ap, r.User.ID, identitysvc.ClientMeta{})
	require.NoError(t, err)
	assert.Equal(t, "a@gov.gh", out.Email)
	_, err = f.svc.Authenticate(ctx, r.Token, identitysvc.ClientMeta{})
	assert.Error(t, err, "the user's sessions are revoked")
	_, err = f.svc.Login(ctx, identitysvc.Credentials{AccessCode: out.AccessCode}, identitysvc.ClientMeta{})
	require.NoError(t, err, "the new code works; 2FA is off until re-enrolled")
	recs := f.audit.Records()
	last := recs[len(recs)-2]
	assert.Equal(t, "reset_account", last.Action)
	assert.Equal(t, admin.User.ID, last.ActorID)
	assert.Equal(t, r.User.ID, last.TargetID)
}

func TestRegenerateRecoveryCode(t *testing.T) {
	f := newFixture(t, 0)
	r := f.register(t, "a@gov.gh")
	assert.Regexp(t, `^RCVY-`, r.RecoveryCode, "registration issues a recovery code")
	code, err := f.svc.RegenerateRecoveryCode(ctx, principal(t, f, r.Token), identitysvc.ClientMeta{})
	require.NoError(t, err)
	_, err = f.svc.ResetAccount(ctx, "a@gov.gh", r.RecoveryCode, identitysvc.ClientMeta{IP: "1.2.3.4"})
	assert.Error(t, err, "the old code stops working")
	_, err = f.svc.ResetAccount(ctx, "a@gov.gh", code, identitysvc.ClientMeta{IP: "1.2.3.4"})
	assert.NoError(t, err)
}

func TestBootstrap(t *testing.T) {
	f := newFixture(t, 0)
	in := identitysvc.BootstrapInput{Email: "root@gov.gh", FullName: "Osborn Hodges", Secret: "wrong"}
	_, err := f.svc.Bootstrap(ctx, in, identitysvc.ClientMeta{})
	assert.Equal(t, "identity.bootstrap_secret_invalid", faultOf(t, err).Code)
	in.Secret = bootstrapSecret
	in.Email = "not-an-email"
	_, err = f.svc.Bootstrap(ctx, in, identitysvc.ClientMeta{})
	assert.Equal(t, "email", faultOf(t, err).Field)

	in.Email = "root@gov.gh"
	out, err := f.svc.Bootstrap(ctx, in, identitysvc.ClientMeta{})
	require.NoError(t, err)
	assert.Equal(t, identity.RoleSuperAdmin, out.User.Role)
	assert.Equal(t, "enterprise", out.User.Tier)
	li, err := f.svc.Login(ctx, identitysvc.Credentials{AccessCode: out.AccessCode}, identitysvc.ClientMeta{})
	require.NoError(t, err)
	assert.Equal(t, identity.RoleSuperAdmin, li.User.Role)

	_, err = f.svc.Bootstrap(ctx, identitysvc.BootstrapInput{Email: "other@gov.gh", FullName: "Other Admin", Secret: bootstrapSecret}, identitysvc.ClientMeta{})
	assert.Equal(t, "identity.bootstrap_closed", faultOf(t, err).Code, "only once")
}

func TestBootstrapPromotesAnExistingUser(t *testing.T) {
	f := newFixture(t, 0)
	r := f.register(t, "kofi@gov.gh")
	out, err := f.svc.Bootstrap(ctx, identitysvc.BootstrapInput{Email: "kofi@gov.gh", FullName: "Kofi", Secret: bootstrapSecret}, identitysvc.ClientMeta{})
	require.NoError(t, err)
	assert.Equal(t, r.User.ID, out.User.ID)
	assert.Equal(t, identity.RoleSuperAdmin, out.User.Role)
	_, err = f.svc.Authenticate(ctx, r.Token, identitysvc.ClientMeta{})
	assert.Error(t, err, "sessions from before the promotion are revoked")
	_, err = f.svc.Login(ctx, identitysvc.Credentials{AccessCode: r.AccessCode}, identitysvc.ClientMeta{})
	assert.Error(t, err, "the old access code is replaced")
}

func TestBootstrapDisabledWithoutSecret(t *testing.T) {
	db := sqltest.Fresh(t, sqlstore.SQLite)
	f := newFixtureWith(t, db, testkit.NewClock(time.Now().UTC()), identitysvc.Options{BootstrapSecret: "-"})
	_, err := f.svc.Bootstrap(ctx, identitysvc.BootstrapInput{Email: "a@gov.gh", FullName: "Abc Def", Secret: "x"}, identitysvc.ClientMeta{})
	assert.Equal(t, "identity.bootstrap_disabled", faultOf(t, err).Code)
}

// TestBootstrapRaceCreatesOneAdmin fires concurrent bootstraps with the
// right secret on every database: exactly one succeeds.
func TestBootstrapRaceCreatesOneAdmin(t *testing.T) {
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			db := sqltest.Fresh(t, d)
			f := newFixtureWith(t, db, testkit.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)), identitysvc.Options{})
			var wg sync.WaitGroup
			var mu sync.Mutex
			ok, closed := 0, 0
			for i := range 8 {
				wg.Go(func() {
					_, err := f.svc.Bootstrap(ctx, identitysvc.BootstrapInput{
						Email: fmt.Sprintf("root%d@gov.gh", i), FullName: "Root Admin", Secret: bootstrapSecret,
					}, identitysvc.ClientMeta{})
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil:
						ok++
					case fault.Is(err, fault.Forbidden) || fault.Is(err, fault.Conflict) || fault.Is(err, fault.Unavailable):
						closed++
					default:
						t.Errorf("unexpected error: %v", err)
					}
				})
			}
			wg.Wait()
			assert.Equal(t, 1, ok)
			n, err := sqlstore.NewUserStore(db).CountUsersByRole(ctx, identity.RoleSuperAdmin)
			require.NoError(t, err)
			assert.Equal(t, 1, n)
		})
	}
}

func TestDashboardReadsZerosUntilActivityLands(t *testing.T) {
	f := newFixture(t, 0)
	r := f.register(t, "a@gov.gh")
	d, err := f.svc.Dashboard(ctx, principal(t, f, r.Token))
	require.NoError(t, err)
	assert.Equal(t, "free", d.Tier)
	assert.Equal(t, identity.Activity{}, d.Activity)
}
