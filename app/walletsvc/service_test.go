package walletsvc_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/app/walletsvc"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/wallet"
	"github.com/kente-gov/kente/core/wallet/offline"
	"github.com/kente-gov/kente/test/testkit"
)

var start = time.Date(2026, 11, 23, 13, 2, 0, 0, time.UTC)

const hmacKey = "test-wallet-hmac-key-at-least-32-bytes!!"

type fixture struct {
	svc   *walletsvc.Service
	clock *testkit.Clock
	audit *testkit.AuditRecorder
}

func newFixture(t testing.TB, d sqlstore.Dialect) fixture {
	st := sqlstore.NewWalletStore(sqltest.Fresh(t, d))
	clock := testkit.NewClock(start)
	rec := &testkit.AuditRecorder{}
	svc, err := walletsvc.New(walletsvc.Stores{Passes: st, Devices: st, Syncs: st, Keys: st}, rec, clock, rand.Reader, []byte(hmacKey), nil)
	require.NoError(t, err)
	return fixture{svc: svc, clock: clock, audit: rec}
}

func requireField(t *testing.T, err error, kind fault.Kind, field string) {
	t.Helper()
	fe, ok := fault.As(err)
	require.Truef(t, ok, "want a fault, got %v", err)
	assert.Equal(t, kind, fe.Kind, "%v", err)
	assert.Equal(t, field, fe.Field, "%v", err)
}

// TestWalletEndToEnd: issue → register device → sync → decrypt the bundle
// with the device secret → verify offline with only the public key →
// revoke → sync again sees the revocation → rotate the key → the old pass
// still verifies.
func TestWalletEndToEnd(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, sqlstore.SQLite)
	const prog = "prog-dakar"
	exp := start.Add(180 * 24 * time.Hour)

	issued, err := f.svc.IssuePass(ctx, prog, walletsvc.IssueInput{MPIID: "SN-DKR-26-9XQ7LM2A", HolderName: "Fatou Diallo",
		HolderID: "1234567890123", CampaignName: "CPS Dakar 2026", PassType: "vaccination", ExpiresAt: &exp})
	require.NoError(t, err)
	assert.True(t, issued.Created)
	p := issued.Pass
	assert.Regexp(t, `^[0-9A-F]{16}$`, p.PassID)
	assert.Equal(t, "SN-DKR-26-9XQ7LM2A:"+p.PassID+":vaccination", p.QRPayload)
	assert.Equal(t, wallet.HMAC([]byte(hmacKey), p.QRPayload), p.QRSignature)
	assert.Equal(t, wallet.StatusActive, issued.Status)
	assert.True(t, p.ExpiresAt.Equal(exp))

	again, err := f.svc.IssuePass(ctx, prog, walletsvc.IssueInput{MPIID: "SN-DKR-26-9XQ7LM2A", PassType: "vaccination"})
	require.NoError(t, err)
	assert.False(t, again.Created, "idempotent on mpi_id")
	assert.Equal(t, p.PassID, again.PassID)

	reg, err := f.svc.RegisterDevice(ctx, prog, walletsvc.DeviceInput{DeviceToken: "tablet-01", DeviceName: "Field Tablet 01", Platform: "android"})
	require.NoError(t, err)
	require.True(t, reg.Created)
	require.Len(t, reg.Secret, 43)
	reg2, err := f.svc.RegisterDevice(ctx, prog, walletsvc.DeviceInput{DeviceToken: "tablet-01"})
	require.NoError(t, err)
	assert.False(t, reg2.Created)
	assert.Empty(t, reg2.Secret, "the secret is shown once")
	assert.Equal(t, reg.Device.ID, reg2.Device.ID)

	f.clock.Add(time.Minute)
	sync1, err := f.svc.Sync(ctx, prog, "tablet-01")
	require.NoError(t, err)
	require.Len(t, sync1.Passes, 1)
	assert.Equal(t, p.PassID, sync1.Passes[0].PassID)

	// The device decrypts the bundle with only its secret.
	for _, algo := range []string{"", "xor-sha256"} {
		b, err := f.svc.Bundle(ctx, prog, p.PassID, "tablet-01", algo)
		require.NoError(t, err)
		key, err := wallet.BundleKey(reg.Secret, p.PassID)
		require.NoError(t, err)
		plain, err := wallet.OpenBundle(b.Bundle, key, p.PassID, f.clock.Now())
		require.NoError(t, err)
		var content wallet.BundleContent
		require.NoError(t, json.Unmarshal(plain, &content))
		assert.Equal(t, p.QRPayload, content.QRPayload)
		assert.Equal(t, "Fatou Diallo", content.HolderName)
		assert.True(t, b.Bundle.ExpiresAt.Equal(exp))

		// ... and verifies it offline with only the published public keys.
		pubs, err := f.svc.PublicKeys(ctx)
		require.NoError(t, err)
		v := offline.Verifier{Keys: offline.Keys{}}
		for _, k := range pubs {
			v.Keys[k.KeyID] = k.Public
		}
		r := v.Check(content.QRPayload, content.SignatureEd25519, f.clock.Now())
		assert.Equal(t, offline.Valid, r.Status, r.Reason)
		assert.Equal(t, offline.Expired, v.Check(content.QRPayload, content.SignatureEd25519, exp).Status)
	}

	// Revoke: audited, and the next sync carries the revocation.
	f.clock.Add(time.Minute)
	rev, err := f.svc.RevokePass(ctx, prog, "user-1", p.PassID, "Duplicate identified")
	require.NoError(t, err)
	assert.Equal(t, wallet.StatusRevoked, rev.Status)
	recs := f.audit.Records()
	require.Len(t, recs, 1)
	assert.Equal(t, walletsvc.ActionPassRevoked, recs[0].Action)
	assert.Equal(t, p.PassID, recs[0].TargetID)
	assert.Equal(t, "user-1", recs[0].ActorID)
	assert.Contains(t, string(recs[0].Details), "Duplicate identified")

	f.clock.Add(time.Minute)
	sync2, err := f.svc.Sync(ctx, prog, "tablet-01")
	require.NoError(t, err)
	require.Len(t, sync2.Passes, 1)
	assert.Equal(t, wallet.StatusRevoked, sync2.Passes[0].Status)
	_, err = f.svc.Bundle(ctx, prog, p.PassID, "tablet-01", "")
	assert.True(t, fault.Is(err, fault.Conflict), "no bundle for a revoked pass: %v", err)

	hist, total, err := f.svc.SyncHistory(ctx, prog, 0)
	require.NoError(t, err)
	assert.Equal(t, 2, total)
	assert.Equal(t, []int{1, 1}, []int{hist[0].PassesSynced, hist[1].PassesSynced})
	devs, err := f.svc.Devices(ctx, prog)
	require.NoError(t, err)
	require.Len(t, devs, 1)
	require.NotNil(t, devs[0].LastSync)
	assert.True(t, devs[0].LastSync.Equal(sync2.SyncedAt))

	// Re-issue after revoke gives a new pass.
	re, err := f.svc.IssuePass(ctx, prog, walletsvc.IssueInput{MPIID: "SN-DKR-26-9XQ7LM2A", PassType: "vaccination"})
	require.NoError(t, err)
	assert.True(t, re.Created)
	assert.NotEqual(t, p.PassID, re.PassID)

	// Rotate: the old pass (signed by the retired key) still verifies.
	old := re.Pass
	rotated, err := f.svc.RotateSigningKey(ctx, "admin-1")
	require.NoError(t, err)
	assert.NotEqual(t, old.KeyID, rotated.KeyID)
	newer, err := f.svc.IssuePass(ctx, prog, walletsvc.IssueInput{MPIID: "SN-OTHER-1"})
	require.NoError(t, err)
	assert.Equal(t, rotated.KeyID, newer.KeyID)
	vr, err := f.svc.Verify(ctx, old.QRPayload, old.SignatureEd)
	require.NoError(t, err)
	assert.Equal(t, offline.Valid, vr.Status)
	assert.Equal(t, "ed25519", vr.Method)
	assert.Equal(t, old.KeyID, vr.KeyID)
	vr, err = f.svc.Verify(ctx, old.QRPayload, old.QRSignature)
	require.NoError(t, err)
	assert.Equal(t, offline.Valid, vr.Status)
	assert.Equal(t, "hmac", vr.Method)
	vr, err = f.svc.Verify(ctx, p.QRPayload, p.SignatureEd)
	require.NoError(t, err)
	assert.Equal(t, offline.Revoked, vr.Status)
	vr, err = f.svc.Verify(ctx, old.QRPayload, strings.Repeat("0", 64))
	require.NoError(t, err)
	assert.Equal(t, offline.Invalid, vr.Status)
	f.clock.Set(old.ExpiresAt)
	vr, err = f.svc.Verify(ctx, old.QRPayload, old.QRSignature)
	require.NoError(t, err)
	assert.Equal(t, offline.Expired, vr.Status)

	keys, err := f.svc.PublicKeys(ctx)
	require.NoError(t, err)
	require.Len(t, keys, 2)
	assert.Equal(t, wallet.KeyRetired, keys[0].Status)
	assert.Equal(t, wallet.KeyActive, keys[1].Status)

	stats, err := f.svc.Stats(ctx, prog)
	require.NoError(t, err)
	// Both unrevoked passes were issued in the same minute with the default
	// validity, so at the first one's expiry both have expired.
	assert.Equal(t, wallet.Counts{Total: 3, Active: 0, Revoked: 1, Expired: 2, DevicesRegistered: 1}, stats)
}

func TestIssueConcurrentOnePass(t *testing.T) {
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d)
			ctx := context.Background()
			const n = 64
			ids := make([]string, n)
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r, err := f.svc.IssuePass(ctx, "prog-a", walletsvc.IssueInput{MPIID: "MPI-RACE"})
					ids[i], errs[i] = r.PassID, err
				}()
			}
			wg.Wait()
			for i := range n {
				require.NoError(t, errs[i])
			}
			for i := range n {
				assert.Equal(t, ids[0], ids[i], "every caller gets the one pass")
			}
			list, err := f.svc.ListPasses(ctx, "prog-a", walletsvc.ListInput{})
			require.NoError(t, err)
			assert.Equal(t, 1, list.Total)
			keys, err := f.svc.PublicKeys(ctx)
			require.NoError(t, err)
			assert.Len(t, keys, 1, "one signing key generated even when 64 issues race on first start")
		})
	}
}

func TestExpiredPassIsSuperseded(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, sqlstore.SQLite)
	exp := start.Add(time.Hour)
	first, err := f.svc.IssuePass(ctx, "p", walletsvc.IssueInput{MPIID: "M1", ExpiresAt: &exp})
	require.NoError(t, err)
	f.clock.Set(exp)
	got, err := f.svc.ActivePass(ctx, "p", "M1")
	require.NoError(t, err)
	assert.Equal(t, wallet.StatusExpired, got.Status)
	second, err := f.svc.IssuePass(ctx, "p", walletsvc.IssueInput{MPIID: "M1"})
	require.NoError(t, err)
	assert.True(t, second.Created)
	assert.NotEqual(t, first.PassID, second.PassID)
	assert.True(t, second.ExpiresAt.Equal(exp.Add(walletsvc.DefaultValidity)))
}

func TestBadInput(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, sqlstore.SQLite)
	past := start.Add(-time.Hour)
	tests := []struct {
		give  walletsvc.IssueInput
		field string
	}{
		{walletsvc.IssueInput{}, "mpi_id"},
		{walletsvc.IssueInput{MPIID: "a:b"}, "mpi_id"},
		{walletsvc.IssueInput{MPIID: "M", PassType: "passport"}, "pass_type"},
		{walletsvc.IssueInput{MPIID: "M", ExpiresAt: &past}, "expires_at"},
		{walletsvc.IssueInput{MPIID: "M", HolderName: strings.Repeat("x", 256)}, "holder_name"},
	}
	for _, tt := range tests {
		_, err := f.svc.IssuePass(ctx, "p", tt.give)
		requireField(t, err, fault.Invalid, tt.field)
	}
	_, err := f.svc.ListPasses(ctx, "p", walletsvc.ListInput{Limit: 501})
	requireField(t, err, fault.Invalid, "limit")
	_, err = f.svc.ListPasses(ctx, "p", walletsvc.ListInput{Limit: -1})
	requireField(t, err, fault.Invalid, "limit")
	_, err = f.svc.ListPasses(ctx, "p", walletsvc.ListInput{Status: "gone"})
	requireField(t, err, fault.Invalid, "status")
	_, err = f.svc.Sync(ctx, "p", "")
	requireField(t, err, fault.Invalid, "device_token")
	_, err = f.svc.Sync(ctx, "p", "nope")
	requireField(t, err, fault.NotFound, "device_token")
	_, err = f.svc.RegisterDevice(ctx, "p", walletsvc.DeviceInput{})
	requireField(t, err, fault.Invalid, "device_token")
	_, err = f.svc.RegisterDevice(ctx, "p", walletsvc.DeviceInput{DeviceToken: "t", Platform: "symbian"})
	requireField(t, err, fault.Invalid, "platform")
	_, err = f.svc.Bundle(ctx, "p", "0000000000000000", "t", "rot13")
	requireField(t, err, fault.Invalid, "algo")
	_, err = f.svc.RevokePass(ctx, "p", "u", "0000000000000000", "")
	requireField(t, err, fault.Invalid, "reason")
	_, err = f.svc.RevokePass(ctx, "p", "u", "0000000000000000", "x")
	assert.True(t, fault.Is(err, fault.NotFound))
	_, err = f.svc.ActivePass(ctx, "p", "UNKNOWN")
	assert.True(t, fault.Is(err, fault.NotFound))

	// Tenancy: another programme's pass is not found.
	mine, err := f.svc.IssuePass(ctx, "p", walletsvc.IssueInput{MPIID: "M"})
	require.NoError(t, err)
	_, err = f.svc.RevokePass(ctx, "q", "u", mine.PassID, "x")
	assert.True(t, fault.Is(err, fault.NotFound))
	_, err = f.svc.RegisterDevice(ctx, "q", walletsvc.DeviceInput{DeviceToken: "t"})
	require.NoError(t, err)
	_, err = f.svc.Bundle(ctx, "q", mine.PassID, "t", "")
	assert.True(t, fault.Is(err, fault.NotFound))
}

func BenchmarkIssuePassSQLite(b *testing.B) {
	f := newFixture(b, sqlstore.SQLite)
	ctx := context.Background()
	_, err := f.svc.PublicKeys(ctx) // first key generated outside the loop
	require.NoError(b, err)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := f.svc.IssuePass(ctx, "prog", walletsvc.IssueInput{MPIID: fmt.Sprintf("MPI-%d", i), HolderName: "Fatou"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "passes/s")
}
