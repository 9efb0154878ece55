package porttest

import (
	"context"
	"crypto/rand"
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

// newPasskey returns a complete passkey of userID with a unique id and a
// random 64-byte credential id.
func newPasskey(userID string) identity.Passkey {
	n := seq.Add(1)
	cred := make([]byte, 64)
	_, _ = rand.Read(cred)
	cred[0] = 0 // a leading NUL must survive every store
	used := base.Add(-time.Minute)
	return identity.Passkey{
		ID:                fmt.Sprintf("cred_%016x", n),
		UserID:            userID,
		CredentialID:      cred,
		PublicKey:         []byte{0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x00, 0xff},
		SignCount:         41,
		AAGUID:            []byte{0xad, 0xce, 0x00, 0x02, 0x35, 0xbc, 0xc6, 0x0a, 0x64, 0x8b, 0x0b, 0x25, 0xf1, 0xf0, 0x55, 0x03},
		Transports:        []string{"internal", "hybrid"},
		BackupEligible:    true,
		BackupState:       true,
		AttestationFormat: "packed",
		Name:              "Ama's iPhone — Ọ̀ṣun 🇬🇭",
		CreatedAt:         base.Add(-time.Hour),
		LastUsedAt:        &used,
	}
}

func assertPasskey(t *testing.T, want, got identity.Passkey) {
	t.Helper()
	assertTime(t, want.CreatedAt, got.CreatedAt, "CreatedAt")
	assertTimePtr(t, want.LastUsedAt, got.LastUsedAt, "LastUsedAt")
	want.CreatedAt, want.LastUsedAt = time.Time{}, nil
	got.CreatedAt, got.LastUsedAt = time.Time{}, nil
	assert.Equal(t, want, got)
}

// PasskeyStore runs the contract of ports.PasskeyStore. fresh returns empty
// stores for one subtest; passkeys are created for users of the UserStore.
func PasskeyStore(t *testing.T, fresh func(t *testing.T) (ports.UserStore, ports.PasskeyStore)) {
	ctx := context.Background()
	setup := func(t *testing.T) (ports.UserStore, ports.PasskeyStore, identity.User) {
		users, s := fresh(t)
		u := newUser()
		require.NoError(t, users.CreateUser(ctx, u))
		return users, s, u
	}
	get := func(t *testing.T, s ports.PasskeyStore, p identity.Passkey) identity.Passkey {
		t.Helper()
		got, err := s.PasskeyByCredentialID(ctx, p.CredentialID)
		require.NoError(t, err)
		return got
	}

	t.Run("CreateGetRoundTrip", func(t *testing.T) {
		_, s, u := setup(t)
		p := newPasskey(u.ID)
		require.NoError(t, s.CreatePasskey(ctx, p))
		assertPasskey(t, p, get(t, s, p))
		list, err := s.PasskeysByUser(ctx, u.ID)
		require.NoError(t, err)
		require.Len(t, list, 1)
		assertPasskey(t, p, list[0])
	})

	t.Run("EmptyOptionalFields", func(t *testing.T) {
		_, s, u := setup(t)
		p := newPasskey(u.ID)
		p.AAGUID, p.Transports, p.LastUsedAt, p.AttestationFormat = nil, nil, nil, ""
		p.SignCount, p.BackupEligible, p.BackupState = 0, false, false
		require.NoError(t, s.CreatePasskey(ctx, p))
		assertPasskey(t, p, get(t, s, p))
	})

	t.Run("MaxSignCount", func(t *testing.T) {
		_, s, u := setup(t)
		p := newPasskey(u.ID)
		p.SignCount = 1<<32 - 1
		require.NoError(t, s.CreatePasskey(ctx, p))
		assert.Equal(t, uint32(1<<32-1), get(t, s, p).SignCount)
	})

	t.Run("LongCredentialID", func(t *testing.T) {
		_, s, u := setup(t)
		p := newPasskey(u.ID)
		p.CredentialID = make([]byte, identity.MaxCredentialIDLen)
		_, _ = rand.Read(p.CredentialID)
		require.NoError(t, s.CreatePasskey(ctx, p))
		assertPasskey(t, p, get(t, s, p))
	})

	t.Run("NotFound", func(t *testing.T) {
		_, s, u := setup(t)
		p := newPasskey(u.ID)
		require.NoError(t, s.CreatePasskey(ctx, p))
		other := append([]byte{}, p.CredentialID...)
		other[len(other)-1] ^= 1
		_, err := s.PasskeyByCredentialID(ctx, other)
		requireKind(t, err, fault.NotFound)
		_, err = s.PasskeyByCredentialID(ctx, p.CredentialID[:10])
		requireKind(t, err, fault.NotFound)
	})

	t.Run("DuplicateCredentialIDConflict", func(t *testing.T) {
		users, s, u := setup(t)
		other := newUser()
		require.NoError(t, users.CreateUser(ctx, other))
		first := newPasskey(u.ID)
		require.NoError(t, s.CreatePasskey(ctx, first))
		dup := newPasskey(other.ID)
		dup.CredentialID = first.CredentialID
		fe := requireKind(t, s.CreatePasskey(ctx, dup), fault.Conflict)
		assert.Equal(t, "identity.passkey_taken", fe.Code)
		assertPasskey(t, first, get(t, s, first))
	})

	t.Run("DuplicateIDConflict", func(t *testing.T) {
		_, s, u := setup(t)
		first := newPasskey(u.ID)
		require.NoError(t, s.CreatePasskey(ctx, first))
		dup := newPasskey(u.ID)
		dup.ID = first.ID
		fe := requireKind(t, s.CreatePasskey(ctx, dup), fault.Conflict)
		assert.Equal(t, "identity.passkey_taken", fe.Code)
	})

	t.Run("UnknownUser", func(t *testing.T) {
		_, s := fresh(t)
		requireKind(t, s.CreatePasskey(ctx, newPasskey("usr_missing")), fault.NotFound)
	})

	t.Run("ListByUserOldestFirst", func(t *testing.T) {
		users, s, u := setup(t)
		stranger := newUser()
		require.NoError(t, users.CreateUser(ctx, stranger))
		var want []identity.Passkey
		for i := range 3 {
			p := newPasskey(u.ID)
			p.CreatedAt = base.Add(time.Duration(3-i) * time.Minute) // created newest first
			require.NoError(t, s.CreatePasskey(ctx, p))
			want = append([]identity.Passkey{p}, want...)
		}
		require.NoError(t, s.CreatePasskey(ctx, newPasskey(stranger.ID)))
		list, err := s.PasskeysByUser(ctx, u.ID)
		require.NoError(t, err)
		require.Len(t, list, 3)
		for i := range want {
			assertPasskey(t, want[i], list[i])
		}
		none, err := s.PasskeysByUser(ctx, "usr_nobody")
		require.NoError(t, err)
		assert.Empty(t, none)
	})

	t.Run("RecordUse", func(t *testing.T) {
		_, s, u := setup(t)
		p := newPasskey(u.ID)
		require.NoError(t, s.CreatePasskey(ctx, p))
		at := base.Add(time.Hour + 123*time.Millisecond)
		require.NoError(t, s.RecordPasskeyUse(ctx, p.ID, 41, 42, false, at))
		want := p
		want.SignCount, want.BackupState, want.LastUsedAt = 42, false, &at
		assertPasskey(t, want, get(t, s, p))

		fe := requireKind(t, s.RecordPasskeyUse(ctx, p.ID, 41, 43, true, at.Add(time.Minute)), fault.Conflict)
		assert.NotEmpty(t, fe.Code)
		assertPasskey(t, want, get(t, s, p)) // unchanged

		requireKind(t, s.RecordPasskeyUse(ctx, "cred_missing", 0, 1, false, at), fault.NotFound)
	})

	t.Run("RecordUseZeroCounter", func(t *testing.T) {
		_, s, u := setup(t)
		p := newPasskey(u.ID)
		p.SignCount, p.LastUsedAt = 0, nil
		require.NoError(t, s.CreatePasskey(ctx, p))
		at := base.Add(time.Hour)
		require.NoError(t, s.RecordPasskeyUse(ctx, p.ID, 0, 0, true, at))
		require.NoError(t, s.RecordPasskeyUse(ctx, p.ID, 0, 0, true, at), "the same values again are not a conflict")
		got := get(t, s, p)
		assert.Equal(t, uint32(0), got.SignCount)
		assertTimePtr(t, &at, got.LastUsedAt, "LastUsedAt")
	})

	t.Run("RecordUseRace", func(t *testing.T) {
		_, s, u := setup(t)
		p := newPasskey(u.ID)
		require.NoError(t, s.CreatePasskey(ctx, p))
		var wg sync.WaitGroup
		var won, lost atomic.Int32
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := s.RecordPasskeyUse(ctx, p.ID, 41, uint32(50+i), false, base)
				switch {
				case err == nil:
					won.Add(1)
				case fault.Is(err, fault.Conflict), fault.Is(err, fault.Unavailable):
					lost.Add(1)
				default:
					t.Errorf("unexpected error: %v", err)
				}
			}()
		}
		wg.Wait()
		assert.Equal(t, int32(1), won.Load(), "exactly one compare-and-set wins")
		assert.Greater(t, get(t, s, p).SignCount, uint32(41))
	})

	t.Run("DeleteOwnOnly", func(t *testing.T) {
		users, s, u := setup(t)
		stranger := newUser()
		require.NoError(t, users.CreateUser(ctx, stranger))
		p, keep := newPasskey(u.ID), newPasskey(u.ID)
		require.NoError(t, s.CreatePasskey(ctx, p))
		require.NoError(t, s.CreatePasskey(ctx, keep))

		requireKind(t, s.DeletePasskey(ctx, stranger.ID, p.ID), fault.NotFound)
		assertPasskey(t, p, get(t, s, p)) // still there

		require.NoError(t, s.DeletePasskey(ctx, u.ID, p.ID))
		_, err := s.PasskeyByCredentialID(ctx, p.CredentialID)
		requireKind(t, err, fault.NotFound)
		requireKind(t, s.DeletePasskey(ctx, u.ID, p.ID), fault.NotFound)
		list, err := s.PasskeysByUser(ctx, u.ID)
		require.NoError(t, err)
		require.Len(t, list, 1)
		assert.Equal(t, keep.ID, list[0].ID)

		// The credential id may be registered again once deleted.
		again := newPasskey(u.ID)
		again.CredentialID = p.CredentialID
		require.NoError(t, s.CreatePasskey(ctx, again))
	})
}

// newChallenge returns a login challenge of userID issued at base.
func newChallenge(t *testing.T, userID string) identity.Challenge {
	t.Helper()
	c, err := identity.NewChallenge(rand.Reader, identity.ChallengeLogin, userID, base)
	require.NoError(t, err)
	return c
}

// ChallengeStore runs the contract of ports.ChallengeStore. fresh returns an
// empty store for one subtest.
func ChallengeStore(t *testing.T, fresh func(t *testing.T) ports.ChallengeStore) {
	ctx := context.Background()

	assertChallenge := func(t *testing.T, want, got identity.Challenge) {
		t.Helper()
		assertTime(t, want.CreatedAt, got.CreatedAt, "CreatedAt")
		assertTime(t, want.ExpiresAt, got.ExpiresAt, "ExpiresAt")
		assert.Nil(t, got.Value, "the value is never stored")
		want.Value, want.CreatedAt, want.ExpiresAt = nil, time.Time{}, time.Time{}
		got.CreatedAt, got.ExpiresAt = time.Time{}, time.Time{}
		assert.Equal(t, want, got)
	}

	t.Run("PutTakeOnce", func(t *testing.T) {
		s := fresh(t)
		c := newChallenge(t, "usr_00000000000000aa")
		reg := newChallenge(t, "")
		reg.Purpose = identity.ChallengeRegistration
		require.NoError(t, s.PutChallenge(ctx, c))
		require.NoError(t, s.PutChallenge(ctx, reg))

		got, err := s.TakeChallenge(ctx, c.ID)
		require.NoError(t, err)
		assertChallenge(t, c, got)
		_, err = s.TakeChallenge(ctx, c.ID)
		requireKind(t, err, fault.NotFound)

		got, err = s.TakeChallenge(ctx, reg.ID)
		require.NoError(t, err)
		assertChallenge(t, reg, got)
	})

	t.Run("UnknownNotFound", func(t *testing.T) {
		s := fresh(t)
		require.NoError(t, s.PutChallenge(ctx, newChallenge(t, "")))
		_, err := s.TakeChallenge(ctx, identity.ChallengeKey([]byte("nope")))
		requireKind(t, err, fault.NotFound)
	})

	t.Run("DuplicateConflict", func(t *testing.T) {
		s := fresh(t)
		c := newChallenge(t, "")
		require.NoError(t, s.PutChallenge(ctx, c))
		requireKind(t, s.PutChallenge(ctx, c), fault.Conflict)
	})

	t.Run("TakeRace", func(t *testing.T) {
		s := fresh(t)
		c := newChallenge(t, "usr_00000000000000aa")
		require.NoError(t, s.PutChallenge(ctx, c))
		var wg sync.WaitGroup
		var won atomic.Int32
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.TakeChallenge(ctx, c.ID)
				switch {
				case err == nil:
					won.Add(1)
				case fault.Is(err, fault.NotFound), fault.Is(err, fault.Unavailable):
				default:
					t.Errorf("unexpected error: %v", err)
				}
			}()
		}
		wg.Wait()
		assert.Equal(t, int32(1), won.Load(), "exactly one taker gets the challenge")
	})

	t.Run("Purge", func(t *testing.T) {
		s := fresh(t)
		old, fresh2 := newChallenge(t, ""), newChallenge(t, "")
		fresh2.ExpiresAt = base.Add(time.Hour)
		require.NoError(t, s.PutChallenge(ctx, old))
		require.NoError(t, s.PutChallenge(ctx, fresh2))
		n, err := s.PurgeChallenges(ctx, old.ExpiresAt)
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		_, err = s.TakeChallenge(ctx, old.ID)
		requireKind(t, err, fault.NotFound)
		_, err = s.TakeChallenge(ctx, fresh2.ID)
		require.NoError(t, err)
	})
}
