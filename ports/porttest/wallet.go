package porttest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/wallet"
	"github.com/kente-gov/kente/ports"
)

// WalletStores are the wallet ports over one store.
type WalletStores struct {
	Passes  ports.PassStore
	Devices ports.DeviceStore
	Syncs   ports.SyncStore
	Keys    ports.SigningKeyStore
}

// newPass returns a complete unrevoked pass of programme and mpiID with a
// unique id and pass id.
func newPass(programme, mpiID string) wallet.Pass {
	n := seq.Add(1)
	passID := fmt.Sprintf("%016X", n)
	payload := wallet.Payload(mpiID, passID, wallet.TypeVaccination)
	return wallet.Pass{
		ID:           fmt.Sprintf("00000000-0000-4000-8000-%012x", n),
		PassID:       passID,
		Programme:    programme,
		MPIID:        mpiID,
		HolderName:   "Fatou Diallo-Ọ̀ṣun 🇬🇭",
		HolderID:     "1234567890123",
		CampaignID:   "camp-1",
		CampaignName: "CPS Dakar 2026",
		Type:         wallet.TypeVaccination,
		QRPayload:    payload,
		QRSignature:  fmt.Sprintf("%064x", n),
		SignatureEd:  "v1.0123456789abcdef.1795000000." + fmt.Sprintf("%086d", n),
		KeyID:        "0123456789abcdef",
		IssuedAt:     base,
		ExpiresAt:    base.Add(365 * 24 * time.Hour),
		CreatedAt:    base.Add(time.Duration(n) * time.Millisecond),
		UpdatedAt:    base.Add(time.Duration(n) * time.Millisecond),
	}
}

func assertPass(t *testing.T, want, got wallet.Pass) {
	t.Helper()
	for _, f := range []struct {
		name string
		w, g time.Time
	}{{"IssuedAt", want.IssuedAt, got.IssuedAt}, {"ExpiresAt", want.ExpiresAt, got.ExpiresAt},
		{"CreatedAt", want.CreatedAt, got.CreatedAt}, {"UpdatedAt", want.UpdatedAt, got.UpdatedAt}} {
		assertTime(t, f.w, f.g, f.name)
	}
	assertTimePtr(t, want.RevokedAt, got.RevokedAt, "RevokedAt")
	want.IssuedAt, want.ExpiresAt, want.CreatedAt, want.UpdatedAt, want.RevokedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}, nil
	got.IssuedAt, got.ExpiresAt, got.CreatedAt, got.UpdatedAt, got.RevokedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}, nil
	assert.Equal(t, want, got)
}

func passIDs(ps []wallet.Pass) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.PassID
	}
	return out
}

// WalletStore runs the contracts of ports.PassStore, ports.DeviceStore,
// ports.SyncStore and ports.SigningKeyStore. fresh returns empty stores
// for one subtest.
func WalletStore(t *testing.T, fresh func(t *testing.T) WalletStores) {
	ctx := context.Background()

	t.Run("PassRoundTrip", func(t *testing.T) {
		s := fresh(t).Passes
		p := newPass("prog-a", "SN-DKR-26-9XQ7LM2A")
		require.NoError(t, s.CreatePass(ctx, p))
		got, err := s.ActivePassByMPI(ctx, "prog-a", p.MPIID)
		require.NoError(t, err)
		assertPass(t, p, got)
		got, err = s.PassByPassID(ctx, p.PassID)
		require.NoError(t, err)
		assertPass(t, p, got)
		_, err = s.ActivePassByMPI(ctx, "prog-b", p.MPIID)
		requireKind(t, err, fault.NotFound)
		_, err = s.PassByPassID(ctx, "FFFFFFFFFFFFFFFF")
		requireKind(t, err, fault.NotFound)
	})

	t.Run("OneActivePassPerProgrammeAndMPI", func(t *testing.T) {
		s := fresh(t).Passes
		first := newPass("prog-a", "MPI-1")
		require.NoError(t, s.CreatePass(ctx, first))
		fe := requireKind(t, s.CreatePass(ctx, newPass("prog-a", "MPI-1")), fault.Conflict)
		assert.Equal(t, ports.CodePassActiveExists, fe.Code)
		require.NoError(t, s.CreatePass(ctx, newPass("prog-b", "MPI-1")), "another programme may hold the same MPI id")

		dup := newPass("prog-a", "MPI-2")
		dup.PassID = first.PassID
		fe = requireKind(t, s.CreatePass(ctx, dup), fault.Conflict)
		assert.Equal(t, ports.CodePassTaken, fe.Code)
	})

	t.Run("RevokeThenReissue", func(t *testing.T) {
		s := fresh(t).Passes
		first := newPass("prog-a", "MPI-1")
		require.NoError(t, s.CreatePass(ctx, first))
		at := base.Add(time.Hour)
		got, err := s.RevokePass(ctx, "prog-a", first.PassID, "Duplicate identified", at)
		require.NoError(t, err)
		require.NotNil(t, got.RevokedAt)
		assertTime(t, at, *got.RevokedAt, "RevokedAt")
		assertTime(t, at, got.UpdatedAt, "UpdatedAt")
		assert.Equal(t, "Duplicate identified", got.RevokeReason)
		assert.Equal(t, wallet.StatusRevoked, got.Status(base))

		_, err = s.ActivePassByMPI(ctx, "prog-a", "MPI-1")
		requireKind(t, err, fault.NotFound)
		second := newPass("prog-a", "MPI-1")
		require.NoError(t, s.CreatePass(ctx, second), "re-issue after revoke")
		active, err := s.ActivePassByMPI(ctx, "prog-a", "MPI-1")
		require.NoError(t, err)
		assert.Equal(t, second.PassID, active.PassID)
		require.NoError(t, s.CreatePass(ctx, newPass("prog-a", "MPI-9")))
		_, err = s.RevokePass(ctx, "prog-a", second.PassID, "Data error", at)
		require.NoError(t, err)
		third := newPass("prog-a", "MPI-1")
		require.NoError(t, s.CreatePass(ctx, third), "two revoked passes share the NULL key")

		fe := requireKind(t, func() error { _, err := s.RevokePass(ctx, "prog-a", first.PassID, "again", at); return err }(), fault.Conflict)
		assert.Equal(t, ports.CodePassRevoked, fe.Code)
		_, err = s.RevokePass(ctx, "prog-b", third.PassID, "not mine", at)
		requireKind(t, err, fault.NotFound)
		_, err = s.RevokePass(ctx, "prog-a", "0000000000000000", "none", at)
		requireKind(t, err, fault.NotFound)
		still, err := s.PassByPassID(ctx, third.PassID)
		require.NoError(t, err)
		assert.Nil(t, still.RevokedAt, "another programme cannot revoke it")
	})

	t.Run("ConcurrentCreateOneWins", func(t *testing.T) {
		s := fresh(t).Passes
		const n = 64
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = s.CreatePass(ctx, newPass("prog-a", "MPI-RACE"))
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
				continue
			}
			fe, isFault := fault.As(err)
			if assert.Truef(t, isFault, "want a fault, got %v", err) && fe.Kind != fault.Unavailable {
				assert.Equal(t, ports.CodePassActiveExists, fe.Code, "error: %v", err)
			}
		}
		assert.Equal(t, 1, ok, "exactly one concurrent create wins")
		_, total, err := s.ListPasses(ctx, ports.PassFilter{Programme: "prog-a", Now: base})
		require.NoError(t, err)
		assert.Equal(t, 1, total)
	})

	t.Run("ListAndCount", func(t *testing.T) {
		s := fresh(t).Passes
		now := base.Add(time.Hour)
		active := newPass("prog-a", "MPI-A")
		expired := newPass("prog-a", "MPI-E")
		expired.ExpiresAt = now // expired from expires_at on
		revoked := newPass("prog-a", "MPI-R")
		other := newPass("prog-b", "MPI-A")
		for _, p := range []wallet.Pass{active, expired, revoked, other} {
			require.NoError(t, s.CreatePass(ctx, p))
		}
		_, err := s.RevokePass(ctx, "prog-a", revoked.PassID, "Deceased beneficiary", now)
		require.NoError(t, err)

		list := func(f ports.PassFilter) ([]string, int) {
			t.Helper()
			f.Programme, f.Now = "prog-a", now
			ps, total, err := s.ListPasses(ctx, f)
			require.NoError(t, err)
			return passIDs(ps), total
		}
		ids, total := list(ports.PassFilter{})
		assert.Equal(t, []string{revoked.PassID, expired.PassID, active.PassID}, ids, "newest first")
		assert.Equal(t, 3, total)
		ids, total = list(ports.PassFilter{Status: wallet.StatusActive})
		assert.Equal(t, []string{active.PassID}, ids)
		assert.Equal(t, 1, total)
		ids, _ = list(ports.PassFilter{Status: wallet.StatusExpired})
		assert.Equal(t, []string{expired.PassID}, ids)
		ids, _ = list(ports.PassFilter{Status: wallet.StatusRevoked})
		assert.Equal(t, []string{revoked.PassID}, ids)
		ids, total = list(ports.PassFilter{Limit: 1, Offset: 1})
		assert.Equal(t, []string{expired.PassID}, ids)
		assert.Equal(t, 3, total, "total ignores limit")
		ids, _ = list(ports.PassFilter{ChangedSince: now})
		assert.Equal(t, []string{revoked.PassID}, ids, "a revocation is a change")
		ids, _ = list(ports.PassFilter{ExcludeRevoked: true})
		assert.Equal(t, []string{expired.PassID, active.PassID}, ids)

		for _, f := range []ports.PassFilter{{Limit: 501}, {Limit: -1}, {Offset: -1}, {Status: "pending"}} {
			f.Programme, f.Now = "prog-a", now
			_, _, err := s.ListPasses(ctx, f)
			requireKind(t, err, fault.Invalid)
		}

		c, err := s.CountPasses(ctx, "prog-a", now)
		require.NoError(t, err)
		assert.Equal(t, wallet.Counts{Total: 3, Active: 1, Revoked: 1, Expired: 1}, c)
		c, err = s.CountPasses(ctx, "prog-none", now)
		require.NoError(t, err)
		assert.Equal(t, wallet.Counts{}, c)
	})

	newDevice := func(programme, token string) wallet.Device {
		n := seq.Add(1)
		return wallet.Device{ID: fmt.Sprintf("00000000-0000-4000-9000-%012x", n), Programme: programme, Token: token,
			Name: "Field Tablet 01 — Ọ̀ṣun", Platform: wallet.PlatformAndroid, SecretSealed: "v1:sealed" + token,
			RegisteredAt: base.Add(time.Duration(n) * time.Millisecond)}
	}

	t.Run("DevicesIdempotent", func(t *testing.T) {
		s := fresh(t).Devices
		d := newDevice("prog-a", "tok-1")
		got, created, err := s.RegisterDevice(ctx, d)
		require.NoError(t, err)
		assert.True(t, created)
		assert.Equal(t, d.ID, got.ID)
		again := newDevice("prog-a", "tok-1")
		got, created, err = s.RegisterDevice(ctx, again)
		require.NoError(t, err)
		assert.False(t, created)
		assert.Equal(t, d.ID, got.ID, "the first registration is kept")
		assert.Equal(t, d.SecretSealed, got.SecretSealed)
		_, created, err = s.RegisterDevice(ctx, newDevice("prog-b", "tok-1"))
		require.NoError(t, err)
		assert.True(t, created, "tokens are per programme")

		byTok, err := s.DeviceByToken(ctx, "prog-a", "tok-1")
		require.NoError(t, err)
		assertTime(t, d.RegisteredAt, byTok.RegisteredAt, "RegisteredAt")
		byTok.RegisteredAt, d.RegisteredAt = time.Time{}, time.Time{}
		assert.Equal(t, d, byTok)
		_, err = s.DeviceByToken(ctx, "prog-a", "tok-2")
		requireKind(t, err, fault.NotFound)

		second := newDevice("prog-a", "tok-2")
		_, _, err = s.RegisterDevice(ctx, second)
		require.NoError(t, err)
		list, err := s.ListDevices(ctx, "prog-a")
		require.NoError(t, err)
		require.Len(t, list, 2)
		assert.Equal(t, []string{"tok-1", "tok-2"}, []string{list[0].Token, list[1].Token})
	})

	t.Run("DevicesConcurrentRegisterOne", func(t *testing.T) {
		s := fresh(t).Devices
		const n = 16
		var wg sync.WaitGroup
		ids := make([]string, n)
		created := make([]bool, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				d, c, err := s.RegisterDevice(ctx, newDevice("prog-a", "tok-race"))
				if err == nil {
					ids[i], created[i] = d.ID, c
				}
			}()
		}
		wg.Wait()
		list, err := s.ListDevices(ctx, "prog-a")
		require.NoError(t, err)
		require.Len(t, list, 1)
		wins := 0
		for i := range n {
			if ids[i] != "" {
				assert.Equal(t, list[0].ID, ids[i], "every caller sees the one device")
			}
			if created[i] {
				wins++
			}
		}
		assert.Equal(t, 1, wins)
	})

	t.Run("SyncHistoryAndLastSync", func(t *testing.T) {
		st := fresh(t)
		d := newDevice("prog-a", "tok-1")
		_, _, err := st.Devices.RegisterDevice(ctx, d)
		require.NoError(t, err)
		for i := range 3 {
			require.NoError(t, st.Syncs.RecordSync(ctx, wallet.Sync{Token: fmt.Sprintf("sync-%d", i), Programme: "prog-a",
				DeviceToken: "tok-1", PassesSynced: 10 + i, SyncedAt: base.Add(time.Duration(i) * time.Minute)}))
		}
		got, err := st.Devices.DeviceByToken(ctx, "prog-a", "tok-1")
		require.NoError(t, err)
		want := base.Add(2 * time.Minute)
		assertTimePtr(t, &want, got.LastSync, "LastSync")

		hist, total, err := st.Syncs.SyncHistory(ctx, "prog-a", 2)
		require.NoError(t, err)
		assert.Equal(t, 3, total)
		require.Len(t, hist, 2)
		assert.Equal(t, "sync-2", hist[0].Token)
		assert.Equal(t, 12, hist[0].PassesSynced)
		assert.Equal(t, "tok-1", hist[0].DeviceToken)
		assertTime(t, want, hist[0].SyncedAt, "SyncedAt")
		hist, total, err = st.Syncs.SyncHistory(ctx, "prog-b", 0)
		require.NoError(t, err)
		assert.Empty(t, hist)
		assert.Zero(t, total)

		err = st.Syncs.RecordSync(ctx, wallet.Sync{Token: "sync-x", Programme: "prog-b", DeviceToken: "tok-1", SyncedAt: base})
		requireKind(t, err, fault.NotFound)
		_, total, err = st.Syncs.SyncHistory(ctx, "prog-b", 0)
		require.NoError(t, err)
		assert.Zero(t, total, "a refused sync leaves no history")
		_, _, err = st.Syncs.SyncHistory(ctx, "prog-a", 501)
		requireKind(t, err, fault.Invalid)
	})

	t.Run("SigningKeys", func(t *testing.T) {
		s := fresh(t).Keys
		keys, err := s.SigningKeys(ctx)
		require.NoError(t, err)
		assert.Empty(t, keys)
		mk := func(b byte, at time.Time) ports.StoredSigningKey {
			seed := make([]byte, 32)
			seed[0] = b
			k := wallet.KeyFromSeed(seed, at)
			k.Private = nil
			return ports.StoredSigningKey{Key: k, PrivateSealed: fmt.Sprintf("v1:sealed-%d", b)}
		}
		a := mk(1, base)
		require.NoError(t, s.CreateSigningKey(ctx, a))
		b := mk(2, base.Add(time.Minute))
		fe := requireKind(t, s.CreateSigningKey(ctx, b), fault.Conflict)
		assert.Equal(t, ports.CodeSigningKeyActiveExists, fe.Code)

		at := base.Add(time.Minute)
		require.NoError(t, s.RetireSigningKey(ctx, a.Key.ID, at))
		require.NoError(t, s.RetireSigningKey(ctx, a.Key.ID, at.Add(time.Hour)), "retiring twice is fine")
		require.NoError(t, s.CreateSigningKey(ctx, b))
		requireKind(t, s.RetireSigningKey(ctx, "ffffffffffffffff", at), fault.NotFound)

		keys, err = s.SigningKeys(ctx)
		require.NoError(t, err)
		require.Len(t, keys, 2)
		assert.Equal(t, a.Key.ID, keys[0].Key.ID)
		assert.Equal(t, wallet.KeyRetired, keys[0].Key.Status)
		assertTimePtr(t, &at, keys[0].Key.RetiredAt, "RetiredAt")
		assert.Equal(t, a.Key.Public, keys[0].Key.Public)
		assert.Equal(t, a.PrivateSealed, keys[0].PrivateSealed)
		assert.Equal(t, wallet.KeyActive, keys[1].Key.Status)
		assert.Nil(t, keys[1].Key.RetiredAt)
	})
}
