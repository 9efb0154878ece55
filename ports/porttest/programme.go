package porttest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/programme"
	"github.com/kente-gov/kente/ports"
)

// newProgramme returns a complete programme with a fresh UUID and email.
func newProgramme(t *testing.T) programme.Programme {
	t.Helper()
	id, err := programme.NewUUID(rand.Reader)
	require.NoError(t, err)
	n := seq.Add(1)
	return programme.Programme{
		ID: id, Email: fmt.Sprintf("prog%d@sante.gouv.sn", n), Name: "Programme élargi de vaccination — Ọ̀ṣun 🇸🇳",
		Country: "SN", Currency: "XOF", Phone: "+221 77 123 45 67", Plan: programme.PlanRegionalOps,
		Status: programme.StatusActive, BalanceFCFA: 0, CardsGenerated: 1234, IsAdmin: false,
		LogoURL:   "data:image/png;base64,iVBORw0KGgo=",
		CreatedAt: base.Add(-72 * time.Hour), UpdatedAt: base.Add(-time.Hour),
	}
}

func assertProgramme(t *testing.T, want, got programme.Programme) {
	t.Helper()
	assertTime(t, want.CreatedAt, got.CreatedAt, "CreatedAt")
	assertTime(t, want.UpdatedAt, got.UpdatedAt, "UpdatedAt")
	want.CreatedAt, want.UpdatedAt, got.CreatedAt, got.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	assert.Equal(t, want, got)
}

// newProgrammeUser returns a complete user of programmeID with a fresh UUID
// and email.
func newProgrammeUser(t *testing.T, programmeID string) programme.User {
	t.Helper()
	id, err := programme.NewUUID(rand.Reader)
	require.NoError(t, err)
	n := seq.Add(1)
	login := base.Add(-time.Hour)
	return programme.User{
		ID: id, ProgrammeID: programmeID, Email: fmt.Sprintf("user%d@sante.gouv.sn", n), Name: "Aïssatou N'Diaye \\ 🇸🇳",
		Role: programme.RoleProgrammeAdmin, Status: programme.StatusActive,
		PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", TokenVersion: 3,
		TOTPSecret: "sealed-seed", TOTPEnabled: true, TOTPLastStep: 58_000_000_000, FailedLogins: 2,
		LastLogin: &login, CreatedAt: base.Add(-48 * time.Hour), UpdatedAt: base.Add(-24 * time.Hour),
	}
}

func assertProgrammeUser(t *testing.T, want, got programme.User) {
	t.Helper()
	assertTime(t, want.CreatedAt, got.CreatedAt, "CreatedAt")
	assertTime(t, want.UpdatedAt, got.UpdatedAt, "UpdatedAt")
	assertTimePtr(t, want.LastLogin, got.LastLogin, "LastLogin")
	assertTimePtr(t, want.LockedUntil, got.LockedUntil, "LockedUntil")
	want.CreatedAt, want.UpdatedAt, want.LastLogin, want.LockedUntil = time.Time{}, time.Time{}, nil, nil
	got.CreatedAt, got.UpdatedAt, got.LastLogin, got.LockedUntil = time.Time{}, time.Time{}, nil, nil
	assert.Equal(t, want, got)
}

func requireFault(t *testing.T, err error, kind fault.Kind, code string) *fault.Error {
	t.Helper()
	fe, ok := fault.As(err)
	require.Truef(t, ok, "want a fault.Error of kind %s, got %v", kind, err)
	assert.Equal(t, kind, fe.Kind, "kind of %v", err)
	if code != "" {
		assert.Equal(t, code, fe.Code, "code of %v", err)
	}
	return fe
}

// ProgrammeStore runs the contract of ports.ProgrammeStore. fresh returns
// an empty store for one subtest.
func ProgrammeStore(t *testing.T, fresh func(t *testing.T) ports.ProgrammeStore) {
	ctx := context.Background()

	t.Run("create and load round-trip every field", func(t *testing.T) {
		s := fresh(t)
		p := newProgramme(t)
		p.IsAdmin, p.BalanceFCFA = true, 250_000
		// The largest logo a programme may upload, as a data URI.
		p.LogoURL = "data:image/png;base64," + strings.Repeat("A", (programme.MaxLogoBytes+2)/3*4)
		require.NoError(t, s.CreateProgramme(ctx, p))
		got, err := s.ProgrammeByID(ctx, p.ID)
		require.NoError(t, err)
		assertProgramme(t, p, got)
	})

	t.Run("a taken id is a conflict", func(t *testing.T) {
		s := fresh(t)
		p := newProgramme(t)
		require.NoError(t, s.CreateProgramme(ctx, p))
		err := s.CreateProgramme(ctx, p)
		requireFault(t, err, fault.Conflict, "")
	})

	t.Run("unknown id is not found", func(t *testing.T) {
		s := fresh(t)
		_, err := s.ProgrammeByID(ctx, "00000000-0000-4000-8000-000000000000")
		requireFault(t, err, fault.NotFound, "programme.not_found")
		_, err = s.UpdateProgramme(ctx, "00000000-0000-4000-8000-000000000000", func(*programme.Programme) error { return nil })
		requireFault(t, err, fault.NotFound, "programme.not_found")
		requireFault(t, s.DeleteProgramme(ctx, "00000000-0000-4000-8000-000000000000"), fault.NotFound, "programme.not_found")
	})

	t.Run("update applies fn but keeps id and balance", func(t *testing.T) {
		s := fresh(t)
		p := newProgramme(t)
		p.BalanceFCFA = 5000
		require.NoError(t, s.CreateProgramme(ctx, p))
		later := base.Add(time.Minute)
		out, err := s.UpdateProgramme(ctx, p.ID, func(x *programme.Programme) error {
			assert.Equal(t, int64(5000), x.BalanceFCFA, "fn sees the stored balance")
			x.ID = "00000000-0000-4000-8000-00000000ffff"
			x.BalanceFCFA = 9_999_999
			x.Name, x.Country, x.Currency, x.Phone = "PEV Ghana", "GH", "GHS", ""
			x.Plan, x.Status, x.IsAdmin, x.LogoURL = programme.PlanSovereignEnterprise, programme.StatusSuspended, true, ""
			x.CardsGenerated, x.UpdatedAt = 99, later
			return nil
		})
		require.NoError(t, err)
		want := p
		want.Name, want.Country, want.Currency, want.Phone = "PEV Ghana", "GH", "GHS", ""
		want.Plan, want.Status, want.IsAdmin, want.LogoURL = programme.PlanSovereignEnterprise, programme.StatusSuspended, true, ""
		want.CardsGenerated, want.UpdatedAt = 99, later
		assertProgramme(t, want, out)
		got, err := s.ProgrammeByID(ctx, p.ID)
		require.NoError(t, err)
		assertProgramme(t, want, got)
		_, err = s.ProgrammeByID(ctx, "00000000-0000-4000-8000-00000000ffff")
		requireFault(t, err, fault.NotFound, "")
	})

	t.Run("fn error aborts with nothing written", func(t *testing.T) {
		s := fresh(t)
		p := newProgramme(t)
		require.NoError(t, s.CreateProgramme(ctx, p))
		boom := errors.New("boom")
		_, err := s.UpdateProgramme(ctx, p.ID, func(x *programme.Programme) error {
			x.Name = "Changed"
			return boom
		})
		require.ErrorIs(t, err, boom)
		got, err := s.ProgrammeByID(ctx, p.ID)
		require.NoError(t, err)
		assert.Equal(t, p.Name, got.Name)
	})

	t.Run("concurrent updates do not lose writes", func(t *testing.T) {
		s := fresh(t)
		p := newProgramme(t)
		p.CardsGenerated = 0
		require.NoError(t, s.CreateProgramme(ctx, p))
		const n = 8
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.UpdateProgramme(ctx, p.ID, func(x *programme.Programme) error {
					x.CardsGenerated++
					return nil
				})
				assert.NoError(t, err)
			}()
		}
		wg.Wait()
		got, err := s.ProgrammeByID(ctx, p.ID)
		require.NoError(t, err)
		assert.Equal(t, int64(n), got.CardsGenerated)
	})

	t.Run("list is newest first with total and paging", func(t *testing.T) {
		s := fresh(t)
		var ids []string
		for i := range 5 {
			p := newProgramme(t)
			p.CreatedAt = base.Add(time.Duration(i) * time.Minute)
			require.NoError(t, s.CreateProgramme(ctx, p))
			ids = append(ids, p.ID)
		}
		page, total, err := s.ListProgrammes(ctx, 2, 0)
		require.NoError(t, err)
		assert.Equal(t, 5, total)
		require.Len(t, page, 2)
		assert.Equal(t, []string{ids[4], ids[3]}, []string{page[0].ID, page[1].ID})
		page, total, err = s.ListProgrammes(ctx, 2, 4)
		require.NoError(t, err)
		assert.Equal(t, 5, total)
		require.Len(t, page, 1)
		assert.Equal(t, ids[0], page[0].ID)
		page, total, err = s.ListProgrammes(ctx, 10, 10)
		require.NoError(t, err)
		assert.Equal(t, 5, total)
		assert.Empty(t, page)
	})

	t.Run("delete removes the programme", func(t *testing.T) {
		s := fresh(t)
		p, q := newProgramme(t), newProgramme(t)
		require.NoError(t, s.CreateProgramme(ctx, p))
		require.NoError(t, s.CreateProgramme(ctx, q))
		require.NoError(t, s.DeleteProgramme(ctx, p.ID))
		_, err := s.ProgrammeByID(ctx, p.ID)
		requireFault(t, err, fault.NotFound, "")
		requireFault(t, s.DeleteProgramme(ctx, p.ID), fault.NotFound, "")
		_, err = s.ProgrammeByID(ctx, q.ID)
		require.NoError(t, err, "only the named programme goes")
	})
}

// ProgrammeUserStore runs the contract of ports.ProgrammeUserStore. fresh
// returns empty stores for one subtest; users belong to programmes of the
// ProgrammeStore.
func ProgrammeUserStore(t *testing.T, fresh func(t *testing.T) (ports.ProgrammeStore, ports.ProgrammeUserStore)) {
	ctx := context.Background()
	setup := func(t *testing.T) (ports.ProgrammeStore, ports.ProgrammeUserStore, programme.Programme) {
		ps, us := fresh(t)
		p := newProgramme(t)
		require.NoError(t, ps.CreateProgramme(ctx, p))
		return ps, us, p
	}

	t.Run("create and load by id and email", func(t *testing.T) {
		_, s, p := setup(t)
		u := newProgrammeUser(t, p.ID)
		locked := base.Add(time.Minute)
		u.LockedUntil = &locked
		require.NoError(t, s.CreateProgrammeUser(ctx, u))
		got, err := s.ProgrammeUserByID(ctx, u.ID)
		require.NoError(t, err)
		assertProgrammeUser(t, u, got)
		got, err = s.ProgrammeUserByEmail(ctx, u.Email)
		require.NoError(t, err)
		assertProgrammeUser(t, u, got)
	})

	t.Run("unknown user is not found", func(t *testing.T) {
		_, s, _ := setup(t)
		_, err := s.ProgrammeUserByID(ctx, "00000000-0000-4000-8000-000000000000")
		requireFault(t, err, fault.NotFound, "")
		_, err = s.ProgrammeUserByEmail(ctx, "nobody@sante.gouv.sn")
		requireFault(t, err, fault.NotFound, "")
		_, err = s.UpdateProgrammeUser(ctx, "00000000-0000-4000-8000-000000000000", func(*programme.User) error { return nil })
		requireFault(t, err, fault.NotFound, "")
	})

	t.Run("a taken email is email_taken on field email", func(t *testing.T) {
		_, s, p := setup(t)
		u := newProgrammeUser(t, p.ID)
		require.NoError(t, s.CreateProgrammeUser(ctx, u))
		v := newProgrammeUser(t, p.ID)
		v.Email = u.Email
		fe := requireFault(t, s.CreateProgrammeUser(ctx, v), fault.Conflict, "programme.email_taken")
		assert.Equal(t, "email", fe.Field)
	})

	t.Run("a taken id is a conflict but not email_taken", func(t *testing.T) {
		_, s, p := setup(t)
		u := newProgrammeUser(t, p.ID)
		require.NoError(t, s.CreateProgrammeUser(ctx, u))
		v := newProgrammeUser(t, p.ID)
		v.ID = u.ID
		fe := requireFault(t, s.CreateProgrammeUser(ctx, v), fault.Conflict, "")
		assert.NotEqual(t, "programme.email_taken", fe.Code)
	})

	t.Run("an unknown programme is not found", func(t *testing.T) {
		_, s, _ := setup(t)
		u := newProgrammeUser(t, "00000000-0000-4000-8000-000000000000")
		requireFault(t, s.CreateProgrammeUser(ctx, u), fault.NotFound, "")
	})

	t.Run("list is oldest first and per programme", func(t *testing.T) {
		ps, s, p := setup(t)
		q := newProgramme(t)
		require.NoError(t, ps.CreateProgramme(ctx, q))
		var ids []string
		for i := range 3 {
			u := newProgrammeUser(t, p.ID)
			u.CreatedAt = base.Add(-time.Duration(i) * time.Minute)
			require.NoError(t, s.CreateProgrammeUser(ctx, u))
			ids = append(ids, u.ID)
		}
		require.NoError(t, s.CreateProgrammeUser(ctx, newProgrammeUser(t, q.ID)))
		list, err := s.ProgrammeUsers(ctx, p.ID)
		require.NoError(t, err)
		got := make([]string, len(list))
		for i, u := range list {
			got[i] = u.ID
		}
		assert.Equal(t, []string{ids[2], ids[1], ids[0]}, got)
		list, err = s.ProgrammeUsers(ctx, "00000000-0000-4000-8000-000000000000")
		require.NoError(t, err)
		assert.Empty(t, list)
	})

	t.Run("update applies fn and keeps id and programme", func(t *testing.T) {
		ps, s, p := setup(t)
		q := newProgramme(t)
		require.NoError(t, ps.CreateProgramme(ctx, q))
		u := newProgrammeUser(t, p.ID)
		require.NoError(t, s.CreateProgrammeUser(ctx, u))
		until := base.Add(30 * time.Second)
		out, err := s.UpdateProgrammeUser(ctx, u.ID, func(x *programme.User) error {
			x.ID, x.ProgrammeID = "00000000-0000-4000-8000-00000000ffff", q.ID
			x.Email, x.Name, x.Role, x.Status = "new@sante.gouv.sn", "Awa", programme.RoleProgrammeUser, programme.StatusSuspended
			x.PasswordHash, x.TokenVersion, x.TOTPSecret, x.TOTPEnabled, x.TOTPLastStep = "h2", 4, "", false, 0
			x.FailedLogins, x.LockedUntil, x.LastLogin = 5, &until, nil
			return nil
		})
		require.NoError(t, err)
		want := u
		want.Email, want.Name, want.Role, want.Status = "new@sante.gouv.sn", "Awa", programme.RoleProgrammeUser, programme.StatusSuspended
		want.PasswordHash, want.TokenVersion, want.TOTPSecret, want.TOTPEnabled, want.TOTPLastStep = "h2", 4, "", false, 0
		want.FailedLogins, want.LockedUntil, want.LastLogin = 5, &until, nil
		assertProgrammeUser(t, want, out)
		got, err := s.ProgrammeUserByEmail(ctx, "new@sante.gouv.sn")
		require.NoError(t, err)
		assertProgrammeUser(t, want, got)
	})

	t.Run("update to a taken email is email_taken and writes nothing", func(t *testing.T) {
		_, s, p := setup(t)
		u, v := newProgrammeUser(t, p.ID), newProgrammeUser(t, p.ID)
		require.NoError(t, s.CreateProgrammeUser(ctx, u))
		require.NoError(t, s.CreateProgrammeUser(ctx, v))
		_, err := s.UpdateProgrammeUser(ctx, v.ID, func(x *programme.User) error {
			x.Email, x.Name = u.Email, "Changed"
			return nil
		})
		requireFault(t, err, fault.Conflict, "programme.email_taken")
		got, err := s.ProgrammeUserByID(ctx, v.ID)
		require.NoError(t, err)
		assert.Equal(t, v.Email, got.Email)
		assert.Equal(t, v.Name, got.Name)
	})

	t.Run("concurrent updates do not lose writes", func(t *testing.T) {
		_, s, p := setup(t)
		u := newProgrammeUser(t, p.ID)
		u.FailedLogins = 0
		require.NoError(t, s.CreateProgrammeUser(ctx, u))
		const n = 8
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.UpdateProgrammeUser(ctx, u.ID, func(x *programme.User) error {
					x.FailedLogins++
					return nil
				})
				assert.NoError(t, err)
			}()
		}
		wg.Wait()
		got, err := s.ProgrammeUserByID(ctx, u.ID)
		require.NoError(t, err)
		assert.Equal(t, n, got.FailedLogins)
	})

	t.Run("deleting the programme deletes its users", func(t *testing.T) {
		ps, s, p := setup(t)
		u := newProgrammeUser(t, p.ID)
		require.NoError(t, s.CreateProgrammeUser(ctx, u))
		require.NoError(t, ps.DeleteProgramme(ctx, p.ID))
		_, err := s.ProgrammeUserByID(ctx, u.ID)
		requireFault(t, err, fault.NotFound, "")
		_, err = s.ProgrammeUserByEmail(ctx, u.Email)
		requireFault(t, err, fault.NotFound, "")
		// The email is free again.
		q := newProgramme(t)
		require.NoError(t, ps.CreateProgramme(ctx, q))
		v := newProgrammeUser(t, q.ID)
		v.Email = u.Email
		require.NoError(t, s.CreateProgrammeUser(ctx, v))
	})
}

// RefreshTokenStore runs the contract of ports.RefreshTokenStore. fresh
// returns empty stores for one subtest; sessions belong to users of the
// ProgrammeUserStore.
func RefreshTokenStore(t *testing.T, fresh func(t *testing.T) (ports.ProgrammeStore, ports.ProgrammeUserStore, ports.RefreshTokenStore)) {
	ctx := context.Background()
	type fixture struct {
		ps   ports.ProgrammeStore
		us   ports.ProgrammeUserStore
		s    ports.RefreshTokenStore
		p    programme.Programme
		u, v programme.User
	}
	setup := func(t *testing.T) fixture {
		ps, us, s := fresh(t)
		p := newProgramme(t)
		require.NoError(t, ps.CreateProgramme(ctx, p))
		u, v := newProgrammeUser(t, p.ID), newProgrammeUser(t, p.ID)
		require.NoError(t, us.CreateProgrammeUser(ctx, u))
		require.NoError(t, us.CreateProgrammeUser(ctx, v))
		return fixture{ps: ps, us: us, s: s, p: p, u: u, v: v}
	}
	newSession := func(t *testing.T, u programme.User) programme.Session {
		id, err := programme.NewUUID(rand.Reader)
		require.NoError(t, err)
		return programme.Session{ID: id, UserID: u.ID, ProgrammeID: u.ProgrammeID, IP: "2001:db8::1",
			UserAgent: "Mozilla/5.0 — Ọ̀ṣun", CreatedAt: base, ExpiresAt: base.Add(programme.DefaultRefreshTTL)}
	}
	newToken := func(t *testing.T, ss programme.Session) (string, programme.RefreshToken) {
		raw, err := programme.NewRefreshToken(rand.Reader)
		require.NoError(t, err)
		return raw, programme.RefreshToken{Hash: programme.HashToken(raw), SessionID: ss.ID, UserID: ss.UserID,
			IssuedAt: base, ExpiresAt: ss.ExpiresAt}
	}
	assertSession := func(t *testing.T, want, got programme.Session) {
		t.Helper()
		assertTime(t, want.CreatedAt, got.CreatedAt, "CreatedAt")
		assertTime(t, want.ExpiresAt, got.ExpiresAt, "ExpiresAt")
		assertTimePtr(t, want.RevokedAt, got.RevokedAt, "RevokedAt")
		want.CreatedAt, want.ExpiresAt, want.RevokedAt = time.Time{}, time.Time{}, nil
		got.CreatedAt, got.ExpiresAt, got.RevokedAt = time.Time{}, time.Time{}, nil
		assert.Equal(t, want, got)
	}

	t.Run("session round-trip and taken id", func(t *testing.T) {
		f := setup(t)
		ss := newSession(t, f.u)
		require.NoError(t, f.s.CreateProgrammeSession(ctx, ss))
		got, err := f.s.ProgrammeSession(ctx, ss.ID)
		require.NoError(t, err)
		assertSession(t, ss, got)
		assert.True(t, got.Active(base))
		requireFault(t, f.s.CreateProgrammeSession(ctx, ss), fault.Conflict, "")
		_, err = f.s.ProgrammeSession(ctx, "00000000-0000-4000-8000-000000000000")
		requireFault(t, err, fault.NotFound, "")
	})

	t.Run("revoke one session, then all, keeping the first time", func(t *testing.T) {
		f := setup(t)
		a, b, c := newSession(t, f.u), newSession(t, f.u), newSession(t, f.v)
		for _, ss := range []programme.Session{a, b, c} {
			require.NoError(t, f.s.CreateProgrammeSession(ctx, ss))
		}
		t1, t2 := base.Add(time.Minute), base.Add(2*time.Minute)
		n, err := f.s.RevokeProgrammeSessions(ctx, f.u.ID, a.ID, t1)
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		n, err = f.s.RevokeProgrammeSessions(ctx, f.u.ID, a.ID, t2)
		require.NoError(t, err)
		assert.Equal(t, 0, n, "a revoked session is not revoked again")
		n, err = f.s.RevokeProgrammeSessions(ctx, f.v.ID, b.ID, t2)
		require.NoError(t, err)
		assert.Equal(t, 0, n, "another user's session is not theirs to revoke")
		n, err = f.s.RevokeProgrammeSessions(ctx, f.u.ID, "", t2)
		require.NoError(t, err)
		assert.Equal(t, 1, n, "only b was still active")

		got, err := f.s.ProgrammeSession(ctx, a.ID)
		require.NoError(t, err)
		assertTimePtr(t, &t1, got.RevokedAt, "RevokedAt of a")
		assert.False(t, got.Active(t1))
		got, err = f.s.ProgrammeSession(ctx, b.ID)
		require.NoError(t, err)
		assertTimePtr(t, &t2, got.RevokedAt, "RevokedAt of b")
		got, err = f.s.ProgrammeSession(ctx, c.ID)
		require.NoError(t, err)
		assert.Nil(t, got.RevokedAt, "the other user's session is untouched")
	})

	t.Run("refresh token is used once", func(t *testing.T) {
		f := setup(t)
		ss := newSession(t, f.u)
		require.NoError(t, f.s.CreateProgrammeSession(ctx, ss))
		_, tok := newToken(t, ss)
		require.NoError(t, f.s.AddRefreshToken(ctx, tok))
		requireFault(t, f.s.AddRefreshToken(ctx, tok), fault.Conflict, "")

		at := base.Add(time.Minute)
		got, err := f.s.UseRefreshToken(ctx, tok.Hash, at)
		require.NoError(t, err)
		assert.Equal(t, tok.Hash, got.Hash)
		assert.Equal(t, ss.ID, got.SessionID)
		assert.Equal(t, f.u.ID, got.UserID)
		assertTime(t, tok.IssuedAt, got.IssuedAt, "IssuedAt")
		assertTime(t, tok.ExpiresAt, got.ExpiresAt, "ExpiresAt")
		assert.Nil(t, got.UsedAt, "the token as it was before")

		again, err := f.s.UseRefreshToken(ctx, tok.Hash, at.Add(time.Minute))
		requireFault(t, err, fault.Conflict, "programme.refresh_reused")
		assert.Equal(t, ss.ID, again.SessionID, "a reuse names the session to revoke")
		assert.Equal(t, f.u.ID, again.UserID)
		assertTimePtr(t, &at, again.UsedAt, "UsedAt keeps the first use")

		_, err = f.s.UseRefreshToken(ctx, programme.HashToken("ort_unknown"), at)
		requireFault(t, err, fault.NotFound, "")
	})

	t.Run("a token of an unknown session is refused", func(t *testing.T) {
		f := setup(t)
		_, tok := newToken(t, newSession(t, f.u))
		err := f.s.AddRefreshToken(ctx, tok)
		require.Error(t, err)
		assert.Contains(t, []fault.Kind{fault.NotFound, fault.Conflict}, fault.KindOf(err))
	})

	t.Run("of concurrent uses exactly one wins", func(t *testing.T) {
		f := setup(t)
		ss := newSession(t, f.u)
		require.NoError(t, f.s.CreateProgrammeSession(ctx, ss))
		_, tok := newToken(t, ss)
		require.NoError(t, f.s.AddRefreshToken(ctx, tok))
		const n = 8
		var wins, reused atomic.Int32
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := f.s.UseRefreshToken(ctx, tok.Hash, base.Add(time.Duration(i)*time.Second))
				switch fe, _ := fault.As(err); {
				case err == nil:
					wins.Add(1)
				case fe != nil && fe.Code == "programme.refresh_reused":
					reused.Add(1)
				default:
					t.Errorf("unexpected error: %v", err)
				}
			}()
		}
		wg.Wait()
		assert.Equal(t, int32(1), wins.Load())
		assert.Equal(t, int32(n-1), reused.Load())
	})

	t.Run("deleting the programme deletes sessions and tokens", func(t *testing.T) {
		f := setup(t)
		ss := newSession(t, f.u)
		require.NoError(t, f.s.CreateProgrammeSession(ctx, ss))
		_, tok := newToken(t, ss)
		require.NoError(t, f.s.AddRefreshToken(ctx, tok))
		require.NoError(t, f.ps.DeleteProgramme(ctx, f.p.ID))
		_, err := f.s.ProgrammeSession(ctx, ss.ID)
		requireFault(t, err, fault.NotFound, "")
		_, err = f.s.UseRefreshToken(ctx, tok.Hash, base)
		requireFault(t, err, fault.NotFound, "")
	})
}

// ModuleChecker runs the contract of ports.ModuleChecker. fresh returns an
// empty checker, the ProgrammeStore beside it, and a way to set a module
// row's status (as the billing context would).
func ModuleChecker(t *testing.T, fresh func(t *testing.T) (ports.ProgrammeStore, ports.ModuleChecker, func(programmeID, key, status string))) {
	ctx := context.Background()
	ps, m, set := fresh(t)
	p, q := newProgramme(t), newProgramme(t)
	require.NoError(t, ps.CreateProgramme(ctx, p))
	require.NoError(t, ps.CreateProgramme(ctx, q))
	set(p.ID, "ai_fraud_detection", "active")
	set(p.ID, "pvc_studio", "inactive")
	set(q.ID, "pvc_studio", "active")

	tests := []struct {
		give, key string
		want      bool
	}{
		{p.ID, "ai_fraud_detection", true},
		{p.ID, "pvc_studio", false},
		{p.ID, "geo_command", false},
		{q.ID, "pvc_studio", true},
		{q.ID, "ai_fraud_detection", false},
		{"00000000-0000-4000-8000-000000000000", "pvc_studio", false},
		// Without a row, the programme's plan (regional_ops) decides
		// (programme.ModuleOn).
		{p.ID, "whatsapp_bsp", true},
		{q.ID, "sms_gateway", true},
		{p.ID, "trust_score", false},
	}
	for _, tt := range tests {
		got, err := m.ModuleActive(ctx, tt.give, tt.key)
		require.NoError(t, err)
		assert.Equal(t, tt.want, got, "%s %s", tt.give, tt.key)
	}
	// The bundle follows the plan however it changes; an explicit
	// switch-off survives the change.
	setPlan := func(id, plan string) {
		_, err := ps.UpdateProgramme(ctx, id, func(x *programme.Programme) error { x.Plan = plan; return nil })
		require.NoError(t, err)
	}
	setPlan(p.ID, programme.PlanNationalCampaign)
	setPlan(q.ID, programme.PlanStarter)
	for _, tt := range []struct {
		give, key string
		want      bool
	}{
		{p.ID, "trust_score", true}, {p.ID, "ai_optimizer", true}, {p.ID, "pvc_studio", false},
		{q.ID, "whatsapp_bsp", false}, {q.ID, "sms_gateway", true}, {q.ID, "pvc_studio", true},
	} {
		got, err := m.ModuleActive(ctx, tt.give, tt.key)
		require.NoError(t, err)
		assert.Equal(t, tt.want, got, "after the plan change: %s %s", tt.give, tt.key)
	}
	require.NoError(t, ps.DeleteProgramme(ctx, q.ID))
	got, err := m.ModuleActive(ctx, q.ID, "pvc_studio")
	require.NoError(t, err)
	assert.False(t, got, "a deleted programme has no modules")
}
