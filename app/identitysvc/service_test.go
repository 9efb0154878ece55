package identitysvc_test

import (
	"context"
	"crypto/rand"
	"strings"
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

type fixture struct {
	svc   *identitysvc.Service
	db    *sqlstore.DB
	clock *testkit.Clock
	audit *testkit.AuditRecorder
}

const bootstrapSecret = "bootstrap-secret-bootstrap-secret-0123"

func newFixture(t *testing.T, cacheTTL time.Duration) fixture {
	db := sqltest.Fresh(t, sqlstore.SQLite)
	return newFixtureOn(t, db, testkit.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)), cacheTTL)
}

func newFixtureOn(t testing.TB, db *sqlstore.DB, c *testkit.Clock, cacheTTL time.Duration) fixture {
	return newFixtureWith(t, db, c, identitysvc.Options{CacheTTL: cacheTTL})
}

// newFixtureWith builds the service with opts over test defaults (pepper,
// cheap hashing, the bootstrap secret; "-" turns bootstrap off).
func newFixtureWith(t testing.TB, db *sqlstore.DB, c *testkit.Clock, opts identitysvc.Options) fixture {
	rec := &testkit.AuditRecorder{}
	opts.Pepper = []byte(strings.Repeat("p", 32))
	opts.Hash = identity.TestHashParams
	switch opts.BootstrapSecret {
	case "":
		opts.BootstrapSecret = bootstrapSecret
	case "-":
		opts.BootstrapSecret = ""
	}
	svc := identitysvc.New(identitysvc.Deps{
		Users: sqlstore.NewUserStore(db), Sessions: sqlstore.NewSessionStore(db), Tx: db, Counters: sqlstore.NewCounters(db),
		Audit: rec, Clock: c, Rand: rand.Reader,
	}, opts)
	return fixture{svc: svc, db: db, clock: c, audit: rec}
}

var ctx = context.Background()

func (f fixture) register(t *testing.T, email string) identitysvc.Registered {
	t.Helper()
	r, err := f.svc.Register(ctx, identity.Registration{Email: email, FullName: "Test Person"}, identitysvc.ClientMeta{IP: "41.215.1.2", UserAgent: "curl/8"})
	require.NoError(t, err)
	return r
}

func TestRegisterThenLogin(t *testing.T) {
	f := newFixture(t, 0)
	r := f.register(t, "a@gov.gh")
	assert.Equal(t, identity.RoleUser, r.User.Role)
	assert.Equal(t, "free", r.User.Tier)
	assert.NotContains(t, r.User.AccessCodeHash, strings.ReplaceAll(r.AccessCode[5:], "-", ""), "the code is stored only hashed")

	in, err := f.svc.Login(ctx, identitysvc.Credentials{AccessCode: r.AccessCode}, identitysvc.ClientMeta{})
	require.NoError(t, err)
	assert.Equal(t, r.User.ID, in.User.ID)
	require.NotNil(t, in.User.LastLogin)
	assert.True(t, in.User.LastLogin.Equal(f.clock.Now()))

	_, err = f.svc.Register(ctx, identity.Registration{Email: "A@GOV.GH", FullName: "Other Person"}, identitysvc.ClientMeta{})
	fe, ok := fault.As(err)
	require.True(t, ok)
	assert.Equal(t, fault.Conflict, fe.Kind)
	assert.Equal(t, "email", fe.Field)
}

func TestLoginErrors(t *testing.T) {
	f := newFixture(t, 0)
	r := f.register(t, "a@gov.gh")
	tests := []struct {
		give string
		want fault.Kind
	}{
		{"", fault.Invalid},
		{"OZZY-12", fault.Invalid},
		{"OZZY-AAAA-AAAA", fault.Unauthenticated},
	}
	for _, tt := range tests {
		_, err := f.svc.Login(ctx, identitysvc.Credentials{AccessCode: tt.give}, identitysvc.ClientMeta{})
		assert.Equal(t, tt.want, fault.KindOf(err), tt.give)
	}
	_, err := sqlstore.NewUserStore(f.db).UpdateUser(ctx, r.User.ID, func(u *identity.User) error {
		u.Status = identity.StatusDeactivated
		return nil
	})
	require.NoError(t, err)
	_, err = f.svc.Login(ctx, identitysvc.Credentials{AccessCode: r.AccessCode}, identitysvc.ClientMeta{})
	assert.Equal(t, fault.Forbidden, fault.KindOf(err))
	_, err = f.svc.Authenticate(ctx, r.Token, identitysvc.ClientMeta{})
	assert.Equal(t, fault.Forbidden, fault.KindOf(err), "a deactivated account's sessions stop working")
}

func TestSessionExpires(t *testing.T) {
	f := newFixture(t, 0)
	r := f.register(t, "a@gov.gh")
	f.clock.Add(identity.SessionTTL - time.Second)
	_, err := f.svc.Authenticate(ctx, r.Token, identitysvc.ClientMeta{})
	require.NoError(t, err)
	f.clock.Add(time.Second)
	_, err = f.svc.Authenticate(ctx, r.Token, identitysvc.ClientMeta{})
	assert.Equal(t, fault.Unauthenticated, fault.KindOf(err))
}

func TestLastSeenWritesAreThrottled(t *testing.T) {
	f := newFixture(t, 0)
	r := f.register(t, "a@gov.gh")
	sessions := sqlstore.NewSessionStore(f.db)
	hash := identity.HashToken(r.Token)
	start := f.clock.Now()

	f.clock.Add(30 * time.Second)
	_, err := f.svc.Authenticate(ctx, r.Token, identitysvc.ClientMeta{IP: "41.215.9.9"})
	require.NoError(t, err)
	s, err := sessions.SessionByTokenHash(ctx, hash)
	require.NoError(t, err)
	assert.True(t, s.LastSeenAt.Equal(start), "no write within a minute")

	f.clock.Add(31 * time.Second)
	_, err = f.svc.Authenticate(ctx, r.Token, identitysvc.ClientMeta{IP: "41.215.9.9"})
	require.NoError(t, err)
	s, err = sessions.SessionByTokenHash(ctx, hash)
	require.NoError(t, err)
	assert.True(t, s.LastSeenAt.Equal(f.clock.Now()), "written after a minute")
	assert.Equal(t, "41.215.9.9", s.IP)
}

func TestRevokeOthersAndLogout(t *testing.T) {
	f := newFixture(t, time.Minute)
	r := f.register(t, "a@gov.gh")
	var tokens []string
	for range 3 {
		in, err := f.svc.Login(ctx, identitysvc.Credentials{AccessCode: r.AccessCode}, identitysvc.ClientMeta{})
		require.NoError(t, err)
		tokens = append(tokens, in.Token)
	}
	for _, tok := range append(tokens, r.Token) { // warm the cache
		_, err := f.svc.Authenticate(ctx, tok, identitysvc.ClientMeta{})
		require.NoError(t, err)
	}
	p, err := f.svc.Authenticate(ctx, tokens[0], identitysvc.ClientMeta{})
	require.NoError(t, err)
	list, err := f.svc.Sessions(ctx, p)
	require.NoError(t, err)
	require.Len(t, list, 4)

	n, err := f.svc.RevokeOtherSessions(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	for _, tok := range append(tokens[1:], r.Token) {
		_, err := f.svc.Authenticate(ctx, tok, identitysvc.ClientMeta{})
		assert.Equal(t, fault.Unauthenticated, fault.KindOf(err), "cached sessions are dropped on revoke")
	}
	require.NoError(t, f.svc.Logout(ctx, p))
	_, err = f.svc.Authenticate(ctx, tokens[0], identitysvc.ClientMeta{})
	assert.Equal(t, fault.Unauthenticated, fault.KindOf(err))
}

func TestCacheStalenessAcrossInstancesIsBounded(t *testing.T) {
	a := newFixture(t, 2*time.Second)
	b := newFixtureOn(t, a.db, a.clock, 2*time.Second) // a second server instance on the same database
	r := a.register(t, "a@gov.gh")
	pb, err := b.svc.Authenticate(ctx, r.Token, identitysvc.ClientMeta{})
	require.NoError(t, err)

	pa, err := a.svc.Authenticate(ctx, r.Token, identitysvc.ClientMeta{})
	require.NoError(t, err)
	require.NoError(t, a.svc.Logout(ctx, pa))
	_, err = a.svc.Authenticate(ctx, r.Token, identitysvc.ClientMeta{})
	assert.Error(t, err, "the instance that logged out forgets at once")

	_, err = b.svc.Authenticate(ctx, r.Token, identitysvc.ClientMeta{})
	assert.NoError(t, err, "the other instance may trust its cache within the TTL")
	a.clock.Add(2 * time.Second)
	_, err = b.svc.Authenticate(ctx, r.Token, identitysvc.ClientMeta{})
	assert.Equal(t, fault.Unauthenticated, fault.KindOf(err), "and no longer after it")
	_ = pb
}

func TestAuthenticateRejectsGarbage(t *testing.T) {
	f := newFixture(t, 0)
	for _, tok := range []string{"", "sess_", "Bearer x", "sess_" + strings.Repeat("A", 43)} {
		_, err := f.svc.Authenticate(ctx, tok, identitysvc.ClientMeta{})
		assert.Equal(t, fault.Unauthenticated, fault.KindOf(err), tok)
	}
}

func TestOptionsValidate(t *testing.T) {
	assert.Error(t, identitysvc.Options{Pepper: []byte("short"), Hash: identity.TestHashParams}.Validate())
	assert.Error(t, identitysvc.Options{Pepper: []byte(strings.Repeat("p", 32))}.Validate())
	assert.NoError(t, identitysvc.Options{Pepper: []byte(strings.Repeat("p", 32)), Hash: identity.TestHashParams}.Validate())
}

func BenchmarkAuthenticateCached(b *testing.B) {
	db := sqltest.Fresh(b, sqlstore.SQLite)
	f := newFixtureOn(b, db, testkit.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)), time.Minute)
	r, err := f.svc.Register(ctx, identity.Registration{Email: "b@gov.gh", FullName: "Bench Mark"}, identitysvc.ClientMeta{})
	require.NoError(b, err)
	for b.Loop() {
		if _, err := f.svc.Authenticate(ctx, r.Token, identitysvc.ClientMeta{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAuthenticateUncached(b *testing.B) {
	db := sqltest.Fresh(b, sqlstore.SQLite)
	f := newFixtureOn(b, db, testkit.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)), 0)
	r, err := f.svc.Register(ctx, identity.Registration{Email: "b@gov.gh", FullName: "Bench Mark"}, identitysvc.ClientMeta{})
	require.NoError(b, err)
	for b.Loop() {
		if _, err := f.svc.Authenticate(ctx, r.Token, identitysvc.ClientMeta{}); err != nil {
			b.Fatal(err)
		}
	}
}
