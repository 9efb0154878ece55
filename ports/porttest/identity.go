// Package porttest holds the contract suites of Kente's ports. Every
// implementation of a port, in this module or a ministry's own, runs the
// suite of its port:
//
//	func TestUserStore(t *testing.T) {
//		porttest.UserStore(t, func(t *testing.T) ports.UserStore { return newStore(t) })
//	}
//
// fresh must return an empty store that no other test uses; suites call it
// once per subtest and may run subtests in parallel.
package porttest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/ports"
)

// Conflict codes of ports.UserStore.
const (
	codeEmailTaken = "identity.email_taken"
	codeCodeTaken  = "identity.code_taken"
)

// base is the suites' reference time: UTC with sub-millisecond digits, so a
// store that drops milliseconds fails and one that keeps microseconds passes.
var base = time.Date(2026, 11, 23, 10, 30, 15, 123_456_000, time.UTC)

var seq atomic.Int64

// newUser returns a complete user with unique id, email and codes.
func newUser() identity.User {
	n := seq.Add(1)
	login := base.Add(-time.Hour)
	return identity.User{
		ID:                    fmt.Sprintf("usr_%016x", n),
		Email:                 fmt.Sprintf("user%d@example.gov.gh", n),
		FullName:              "Ama O'Brien-Ọ̀ṣun \\ 🇬🇭",
		Department:            "Ministry of Health",
		Role:                  identity.RoleDeptAdmin,
		Tier:                  "professional",
		Status:                identity.StatusActive,
		UserType:              identity.UserTypeStudent,
		AccessCodeKey:         fmt.Sprintf("%064x", n),
		AccessCodeHash:        "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
		ReferralCode:          fmt.Sprintf("AMA-%04X", n),
		ReferredBy:            "usr_00000000000000aa",
		SubmittedReferralCode: "KOFI-1234",
		CreatedAt:             base.Add(-48 * time.Hour),
		UpdatedAt:             base.Add(-24 * time.Hour),
		LastLogin:             &login,
	}
}

// ms truncates to milliseconds, the precision every store must keep.
func ms(t time.Time) time.Time { return t.Truncate(time.Millisecond) }

func assertTime(t *testing.T, want, got time.Time, field string) {
	t.Helper()
	assert.Truef(t, ms(want).Equal(ms(got)), "%s: want %s, got %s", field, want, got)
	assert.Equalf(t, time.UTC, got.Location(), "%s must be returned in UTC", field)
}

func assertTimePtr(t *testing.T, want, got *time.Time, field string) {
	t.Helper()
	if want == nil {
		assert.Nilf(t, got, "%s must be nil", field)
		return
	}
	if assert.NotNilf(t, got, "%s must not be nil", field) {
		assertTime(t, *want, *got, field)
	}
}

func assertUser(t *testing.T, want, got identity.User) {
	t.Helper()
	assertTime(t, want.CreatedAt, got.CreatedAt, "CreatedAt")
	assertTime(t, want.UpdatedAt, got.UpdatedAt, "UpdatedAt")
	assertTimePtr(t, want.LastLogin, got.LastLogin, "LastLogin")
	want.CreatedAt, want.UpdatedAt, want.LastLogin = time.Time{}, time.Time{}, nil
	got.CreatedAt, got.UpdatedAt, got.LastLogin = time.Time{}, time.Time{}, nil
	assert.Equal(t, want, got)
}

func assertSession(t *testing.T, want, got identity.Session) {
	t.Helper()
	assertTime(t, want.CreatedAt, got.CreatedAt, "CreatedAt")
	assertTime(t, want.LastSeenAt, got.LastSeenAt, "LastSeenAt")
	assertTime(t, want.ExpiresAt, got.ExpiresAt, "ExpiresAt")
	assertTimePtr(t, want.RevokedAt, got.RevokedAt, "RevokedAt")
	want.CreatedAt, want.LastSeenAt, want.ExpiresAt, want.RevokedAt = time.Time{}, time.Time{}, time.Time{}, nil
	got.CreatedAt, got.LastSeenAt, got.ExpiresAt, got.RevokedAt = time.Time{}, time.Time{}, time.Time{}, nil
	assert.Equal(t, want, got)
}

func requireKind(t *testing.T, err error, kind fault.Kind) *fault.Error {
	t.Helper()
	require.Error(t, err)
	fe, ok := fault.As(err)
	require.Truef(t, ok, "want a *fault.Error of kind %s, got %v", kind, err)
	require.Equalf(t, kind, fe.Kind, "error: %v", err)
	return fe
}

// UserStore runs the contract of ports.UserStore. fresh returns an empty
// store for one subtest.
func UserStore(t *testing.T, fresh func(t *testing.T) ports.UserStore) {
	ctx := context.Background()

	t.Run("CreateGetRoundTrip", func(t *testing.T) {
		s := fresh(t)
		u := newUser()
		require.NoError(t, s.CreateUser(ctx, u))

		getters := map[string]func() (identity.User, error){
			"UserByID":           func() (identity.User, error) { return s.UserByID(ctx, u.ID) },
			"UserByEmail":        func() (identity.User, error) { return s.UserByEmail(ctx, u.Email) },
			"UserByAccessKey":    func() (identity.User, error) { return s.UserByAccessKey(ctx, u.AccessCodeKey) },
			"UserByReferralCode": func() (identity.User, error) { return s.UserByReferralCode(ctx, u.ReferralCode) },
		}
		for name, get := range getters {
			got, err := get()
			require.NoError(t, err, name)
			assertUser(t, u, got)
		}
	})

	t.Run("EmptyOptionalFields", func(t *testing.T) {
		s := fresh(t)
		u := newUser()
		u.ReferredBy, u.SubmittedReferralCode, u.Department, u.LastLogin = "", "", "", nil
		require.NoError(t, s.CreateUser(ctx, u))
		got, err := s.UserByID(ctx, u.ID)
		require.NoError(t, err)
		assertUser(t, u, got)
	})

	t.Run("NotFound", func(t *testing.T) {
		s := fresh(t)
		u := newUser()
		require.NoError(t, s.CreateUser(ctx, u))
		tests := []struct {
			name string
			give func() (identity.User, error)
		}{
			{"UserByID", func() (identity.User, error) { return s.UserByID(ctx, "usr_missing") }},
			{"UserByEmail", func() (identity.User, error) { return s.UserByEmail(ctx, "missing@example.gov.gh") }},
			{"UserByAccessKey", func() (identity.User, error) { return s.UserByAccessKey(ctx, "ffff") }},
			{"UserByReferralCode", func() (identity.User, error) { return s.UserByReferralCode(ctx, "NOBODY-0000") }},
			{"UpdateUser", func() (identity.User, error) {
				return s.UpdateUser(ctx, "usr_missing", func(*identity.User) error { return nil })
			}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := tt.give()
				requireKind(t, err, fault.NotFound)
			})
		}
	})

	t.Run("Conflict", func(t *testing.T) {
		tests := []struct {
			name     string
			give     func(first identity.User, u *identity.User)
			wantCode string
		}{
			{"Email", func(f identity.User, u *identity.User) { u.Email = f.Email }, codeEmailTaken},
			{"AccessKey", func(f identity.User, u *identity.User) { u.AccessCodeKey = f.AccessCodeKey }, codeCodeTaken},
			{"ReferralCode", func(f identity.User, u *identity.User) { u.ReferralCode = f.ReferralCode }, codeCodeTaken},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				s := fresh(t)
				first := newUser()
				require.NoError(t, s.CreateUser(ctx, first))
				u := newUser()
				tt.give(first, &u)
				fe := requireKind(t, s.CreateUser(ctx, u), fault.Conflict)
				assert.Equal(t, tt.wantCode, fe.Code)
				_, err := s.UserByID(ctx, u.ID)
				requireKind(t, err, fault.NotFound)
				got, err := s.UserByID(ctx, first.ID)
				require.NoError(t, err)
				assertUser(t, first, got)
			})
		}
	})

	t.Run("UpdateConflict", func(t *testing.T) {
		s := fresh(t)
		a, b := newUser(), newUser()
		require.NoError(t, s.CreateUser(ctx, a))
		require.NoError(t, s.CreateUser(ctx, b))
		_, err := s.UpdateUser(ctx, b.ID, func(u *identity.User) error {
			u.Email = a.Email
			return nil
		})
		fe := requireKind(t, err, fault.Conflict)
		assert.Equal(t, codeEmailTaken, fe.Code)
		got, err := s.UserByID(ctx, b.ID)
		require.NoError(t, err)
		assert.Equal(t, b.Email, got.Email)
	})

	t.Run("UpdatePersists", func(t *testing.T) {
		s := fresh(t)
		u := newUser()
		u.LastLogin = nil
		require.NoError(t, s.CreateUser(ctx, u))
		login := base.Add(time.Minute)
		got, err := s.UpdateUser(ctx, u.ID, func(v *identity.User) error {
			assertUser(t, u, *v)
			v.FullName = "Kofi Annan"
			v.Role = identity.RoleAdmin
			v.Tier = "enterprise"
			v.Status = identity.StatusDeactivated
			v.Email = "kofi." + u.Email
			v.UpdatedAt = login
			v.LastLogin = &login
			return nil
		})
		require.NoError(t, err)
		want := u
		want.FullName, want.Role, want.Tier, want.Status = "Kofi Annan", identity.RoleAdmin, "enterprise", identity.StatusDeactivated
		want.Email, want.UpdatedAt, want.LastLogin = "kofi."+u.Email, login, &login
		assertUser(t, want, got)
		stored, err := s.UserByID(ctx, u.ID)
		require.NoError(t, err)
		assertUser(t, want, stored)
		_, err = s.UserByEmail(ctx, u.Email)
		requireKind(t, err, fault.NotFound)
	})

	t.Run("UpdateClearsLastLogin", func(t *testing.T) {
		s := fresh(t)
		u := newUser()
		require.NoError(t, s.CreateUser(ctx, u))
		_, err := s.UpdateUser(ctx, u.ID, func(v *identity.User) error { v.LastLogin = nil; return nil })
		require.NoError(t, err)
		got, err := s.UserByID(ctx, u.ID)
		require.NoError(t, err)
		assert.Nil(t, got.LastLogin)
	})

	t.Run("UpdateFnErrorWritesNothing", func(t *testing.T) {
		s := fresh(t)
		u := newUser()
		require.NoError(t, s.CreateUser(ctx, u))
		boom := errors.New("boom")
		_, err := s.UpdateUser(ctx, u.ID, func(v *identity.User) error {
			v.FullName = "Changed"
			v.Email = "changed@example.gov.gh"
			return boom
		})
		require.ErrorIs(t, err, boom)
		got, err := s.UserByID(ctx, u.ID)
		require.NoError(t, err)
		assertUser(t, u, got)
	})

	t.Run("ConcurrentUpdatesLoseNothing", func(t *testing.T) {
		s := fresh(t)
		u := newUser()
		u.FullName = "x"
		require.NoError(t, s.CreateUser(ctx, u))
		const workers = 8
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for i := range workers {
			wg.Go(func() {
				_, err := s.UpdateUser(ctx, u.ID, func(v *identity.User) error {
					v.FullName += string(rune('a' + i))
					return nil
				})
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		got, err := s.UserByID(ctx, u.ID)
		require.NoError(t, err)
		assert.Len(t, got.FullName, 1+workers, "every update must survive: %q", got.FullName)
		for i := range workers {
			assert.Contains(t, got.FullName, string(rune('a'+i)))
		}
	})
}

// newSession returns a session of userID, created at base and expiring a
// week later.
func newSession(userID string) identity.Session {
	n := seq.Add(1)
	return identity.Session{
		ID:         fmt.Sprintf("sess_%016x", n),
		UserID:     userID,
		TokenHash:  fmt.Sprintf("%064x", n),
		IP:         "41.215.160.7",
		UserAgent:  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/130.0",
		CreatedAt:  base,
		LastSeenAt: base,
		ExpiresAt:  base.Add(identity.SessionTTL),
	}
}

// SessionStore runs the contract of ports.SessionStore. fresh returns empty
// stores for one subtest; sessions are created for users of the UserStore.
func SessionStore(t *testing.T, fresh func(t *testing.T) (ports.UserStore, ports.SessionStore)) {
	ctx := context.Background()
	setup := func(t *testing.T) (ports.SessionStore, identity.User) {
		users, sessions := fresh(t)
		u := newUser()
		require.NoError(t, users.CreateUser(ctx, u))
		return sessions, u
	}
	get := func(t *testing.T, s ports.SessionStore, sess identity.Session) identity.Session {
		t.Helper()
		got, err := s.SessionByTokenHash(ctx, sess.TokenHash)
		require.NoError(t, err)
		return got
	}

	t.Run("CreateGetRoundTrip", func(t *testing.T) {
		s, u := setup(t)
		sess := newSession(u.ID)
		require.NoError(t, s.CreateSession(ctx, sess))
		assertSession(t, sess, get(t, s, sess))
	})

	t.Run("CreateRevokedRoundTrip", func(t *testing.T) {
		s, u := setup(t)
		sess := newSession(u.ID)
		at := base.Add(time.Second)
		sess.RevokedAt = &at
		require.NoError(t, s.CreateSession(ctx, sess))
		assertSession(t, sess, get(t, s, sess))
	})

	t.Run("NotFound", func(t *testing.T) {
		s, u := setup(t)
		require.NoError(t, s.CreateSession(ctx, newSession(u.ID)))
		_, err := s.SessionByTokenHash(ctx, "0000")
		requireKind(t, err, fault.NotFound)
	})

	t.Run("DuplicateTokenHashConflict", func(t *testing.T) {
		s, u := setup(t)
		first := newSession(u.ID)
		require.NoError(t, s.CreateSession(ctx, first))
		dup := newSession(u.ID)
		dup.TokenHash = first.TokenHash
		requireKind(t, s.CreateSession(ctx, dup), fault.Conflict)
		assertSession(t, first, get(t, s, first))
	})

	t.Run("Touch", func(t *testing.T) {
		s, u := setup(t)
		sess := newSession(u.ID)
		require.NoError(t, s.CreateSession(ctx, sess))
		at := base.Add(5*time.Minute + 987*time.Millisecond)
		require.NoError(t, s.TouchSession(ctx, sess.ID, at, "102.176.1.9"))
		want := sess
		want.LastSeenAt, want.IP = at, "102.176.1.9"
		assertSession(t, want, get(t, s, sess))

		later := at.Add(time.Minute)
		require.NoError(t, s.TouchSession(ctx, sess.ID, later, ""))
		want.LastSeenAt = later // an empty address keeps the known one
		assertSession(t, want, get(t, s, sess))
	})

	t.Run("Revoke", func(t *testing.T) {
		s, u := setup(t)
		sess, other := newSession(u.ID), newSession(u.ID)
		require.NoError(t, s.CreateSession(ctx, sess))
		require.NoError(t, s.CreateSession(ctx, other))
		at := base.Add(time.Hour)
		require.NoError(t, s.RevokeSession(ctx, sess.ID, at))
		want := sess
		want.RevokedAt = &at
		assertSession(t, want, get(t, s, sess))
		assert.Nil(t, get(t, s, other).RevokedAt, "another session must stay active")

		require.NoError(t, s.RevokeSession(ctx, sess.ID, at.Add(time.Hour)), "revoking twice is not an error")
		assertSession(t, want, get(t, s, sess))
		require.NoError(t, s.RevokeSession(ctx, "sess_missing", at), "revoking an unknown session is not an error")
	})

	t.Run("RevokeUserSessions", func(t *testing.T) {
		tests := []struct {
			name      string
			exceptCur bool
			want      int
		}{
			{"ExceptCurrent", true, 2},
			{"All", false, 3},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				users, s := fresh(t)
				u, stranger := newUser(), newUser()
				require.NoError(t, users.CreateUser(ctx, u))
				require.NoError(t, users.CreateUser(ctx, stranger))
				at := base.Add(time.Hour)
				earlier := base.Add(time.Minute)

				current, a, b := newSession(u.ID), newSession(u.ID), newSession(u.ID)
				revoked, expired := newSession(u.ID), newSession(u.ID)
				revoked.RevokedAt = &earlier
				expired.ExpiresAt = at.Add(-time.Second)
				theirs := newSession(stranger.ID)
				for _, x := range []identity.Session{current, a, b, revoked, expired, theirs} {
					require.NoError(t, s.CreateSession(ctx, x))
				}
				except := ""
				if tt.exceptCur {
					except = current.ID
				}
				n, err := s.RevokeUserSessions(ctx, u.ID, except, at)
				require.NoError(t, err)
				assert.Equal(t, tt.want, n)

				for _, x := range []identity.Session{a, b} {
					assertTimePtr(t, &at, get(t, s, x).RevokedAt, "RevokedAt of "+x.ID)
				}
				if tt.exceptCur {
					assert.Nil(t, get(t, s, current).RevokedAt, "the excepted session must stay active")
				} else {
					assertTimePtr(t, &at, get(t, s, current).RevokedAt, "RevokedAt of current")
				}
				assertTimePtr(t, &earlier, get(t, s, revoked).RevokedAt, "an earlier revocation is kept")
				assert.Nil(t, get(t, s, theirs).RevokedAt, "another user's session must stay active")

				n, err = s.RevokeUserSessions(ctx, u.ID, except, at.Add(time.Minute))
				require.NoError(t, err)
				assert.Equal(t, 0, n, "nothing is left to revoke")
			})
		}
	})

	t.Run("ActiveSessions", func(t *testing.T) {
		users, s := fresh(t)
		u, stranger := newUser(), newUser()
		require.NoError(t, users.CreateUser(ctx, u))
		require.NoError(t, users.CreateUser(ctx, stranger))
		now := base.Add(24 * time.Hour)

		list, err := s.ActiveSessions(ctx, u.ID, now)
		require.NoError(t, err)
		assert.Empty(t, list)

		old, recent, newest := newSession(u.ID), newSession(u.ID), newSession(u.ID)
		old.LastSeenAt = base.Add(time.Minute)
		recent.LastSeenAt = base.Add(2 * time.Hour)
		newest.LastSeenAt = base.Add(3 * time.Hour)
		tieA, tieB := newSession(u.ID), newSession(u.ID) // same last-seen: ordered by id
		tieA.ID, tieB.ID = "sess_tie_a", "sess_tie_b"
		tieA.LastSeenAt, tieB.LastSeenAt = base.Add(time.Hour), base.Add(time.Hour)
		revoked := newSession(u.ID)
		revokedAt := base.Add(time.Hour)
		revoked.RevokedAt = &revokedAt
		revoked.LastSeenAt = base.Add(4 * time.Hour)
		expired := newSession(u.ID)
		expired.ExpiresAt = now.Add(-time.Millisecond)
		expired.LastSeenAt = base.Add(5 * time.Hour)
		expiresNow := newSession(u.ID)
		expiresNow.ExpiresAt = now
		theirs := newSession(stranger.ID)
		for _, x := range []identity.Session{tieB, old, revoked, newest, expired, tieA, recent, expiresNow, theirs} {
			require.NoError(t, s.CreateSession(ctx, x))
		}

		list, err = s.ActiveSessions(ctx, u.ID, now)
		require.NoError(t, err)
		want := []identity.Session{newest, recent, tieA, tieB, old}
		ids := func(l []identity.Session) []string {
			out := make([]string, len(l))
			for i, x := range l {
				out[i] = x.ID
			}
			return out
		}
		require.Equal(t, ids(want), ids(list))
		for i := range want {
			assertSession(t, want[i], list[i])
		}
	})
}

// Tx runs the contract of ports.Tx with a UserStore that takes part in its
// transactions. fresh returns both, on one empty store, for one subtest.
func Tx(t *testing.T, fresh func(t *testing.T) (ports.Tx, ports.UserStore)) {
	ctx := context.Background()
	exists := func(t *testing.T, s ports.UserStore, id string) bool {
		t.Helper()
		_, err := s.UserByID(ctx, id)
		if fault.Is(err, fault.NotFound) {
			return false
		}
		require.NoError(t, err)
		return true
	}

	t.Run("CommitVisible", func(t *testing.T) {
		tx, s := fresh(t)
		a, b := newUser(), newUser()
		err := tx.WithinTx(ctx, func(ctx context.Context) error {
			if err := s.CreateUser(ctx, a); err != nil {
				return err
			}
			got, err := s.UserByID(ctx, a.ID) // reads its own writes
			if err != nil {
				return err
			}
			assertUser(t, a, got)
			return s.CreateUser(ctx, b)
		})
		require.NoError(t, err)
		assert.True(t, exists(t, s, a.ID))
		assert.True(t, exists(t, s, b.ID))
	})

	t.Run("RollbackOnError", func(t *testing.T) {
		tx, s := fresh(t)
		a, b := newUser(), newUser()
		boom := errors.New("boom")
		err := tx.WithinTx(ctx, func(ctx context.Context) error {
			if err := s.CreateUser(ctx, a); err != nil {
				return err
			}
			if err := s.CreateUser(ctx, b); err != nil {
				return err
			}
			return boom
		})
		require.ErrorIs(t, err, boom)
		assert.False(t, exists(t, s, a.ID), "a rolled-back write must not be visible")
		assert.False(t, exists(t, s, b.ID), "a rolled-back write must not be visible")
	})

	t.Run("RollbackOnStoreError", func(t *testing.T) {
		tx, s := fresh(t)
		first := newUser()
		require.NoError(t, s.CreateUser(ctx, first))
		a, dup := newUser(), newUser()
		dup.Email = first.Email
		err := tx.WithinTx(ctx, func(ctx context.Context) error {
			if err := s.CreateUser(ctx, a); err != nil {
				return err
			}
			return s.CreateUser(ctx, dup)
		})
		fe := requireKind(t, err, fault.Conflict)
		assert.Equal(t, codeEmailTaken, fe.Code)
		assert.False(t, exists(t, s, a.ID))
	})

	t.Run("RollbackOnPanic", func(t *testing.T) {
		tx, s := fresh(t)
		a := newUser()
		assert.PanicsWithValue(t, "boom", func() {
			_ = tx.WithinTx(ctx, func(ctx context.Context) error {
				if err := s.CreateUser(ctx, a); err != nil {
					return err
				}
				panic("boom")
			})
		})
		assert.False(t, exists(t, s, a.ID))
		// The store is still usable after the panic.
		b := newUser()
		require.NoError(t, s.CreateUser(ctx, b))
		assert.True(t, exists(t, s, b.ID))
	})

	t.Run("UpdateJoinsTx", func(t *testing.T) {
		tx, s := fresh(t)
		u := newUser()
		require.NoError(t, s.CreateUser(ctx, u))
		boom := errors.New("boom")
		err := tx.WithinTx(ctx, func(ctx context.Context) error {
			if _, err := s.UpdateUser(ctx, u.ID, func(v *identity.User) error {
				v.FullName = "Inside"
				return nil
			}); err != nil {
				return err
			}
			return boom
		})
		require.ErrorIs(t, err, boom)
		got, err := s.UserByID(ctx, u.ID)
		require.NoError(t, err)
		assert.Equal(t, u.FullName, got.FullName, "an update in a rolled-back transaction must not persist")
	})

	t.Run("NestedJoins", func(t *testing.T) {
		tests := []struct {
			name      string
			innerErr  bool
			outerErr  bool
			wantSaved bool
		}{
			{"BothCommit", false, false, true},
			{"OuterFails", false, true, false},
			{"InnerFails", true, false, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				tx, s := fresh(t)
				a, b := newUser(), newUser()
				boom := errors.New("boom")
				err := tx.WithinTx(ctx, func(ctx context.Context) error {
					if err := s.CreateUser(ctx, a); err != nil {
						return err
					}
					err := tx.WithinTx(ctx, func(ctx context.Context) error {
						if _, err := s.UserByID(ctx, a.ID); err != nil {
							return fmt.Errorf("inner transaction must see the outer one's write: %w", err)
						}
						if err := s.CreateUser(ctx, b); err != nil {
							return err
						}
						if tt.innerErr {
							return boom
						}
						return nil
					})
					if err != nil {
						return err
					}
					if tt.outerErr {
						return boom
					}
					return nil
				})
				if tt.innerErr || tt.outerErr {
					require.ErrorIs(t, err, boom)
				} else {
					require.NoError(t, err)
				}
				assert.Equal(t, tt.wantSaved, exists(t, s, a.ID))
				assert.Equal(t, tt.wantSaved, exists(t, s, b.ID))
			})
		}
	})
}
