package e2e

import (
	"context"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/fx"
	"golang.org/x/crypto/chacha20poly1305"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/app/config"
	"github.com/kente-gov/kente/app/server"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/core/wallet"
	"github.com/kente-gov/kente/core/wallet/offline"
)

// walletModuleKey is the premium module of the wallet (oomus-platform §7.4).
const walletModuleKey = "sovereign_wallet"

// activateWalletModule switches the wallet module on for programmes by
// writing programme_modules directly (the billing activation endpoints are
// not in yet).
func activateWalletModule(t testing.TB, databaseURL string, programmeIDs ...string) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, databaseURL)
	require.NoError(t, err)
	defer db.Close()
	for _, id := range programmeIDs {
		_, err := db.Bun.ExecContext(ctx, "INSERT INTO programme_modules (programme_id, module_key, status) VALUES (?, ?, ?)", id, walletModuleKey, "active")
		require.NoError(t, err)
	}
}

// walletProgramme registers a programme with the wallet module on and
// returns its access token.
func walletProgramme(t *testing.T, c *client, databaseURL, email string) string {
	t.Helper()
	id := v1Register(t, c, email)["id"].(string)
	activateWalletModule(t, databaseURL, id)
	tok, _ := v1Login(t, c, email, v1Password)
	return tok
}

// deviceBundleKey derives a bundle key the way a device does, from the
// documented construction: HKDF-SHA256(device secret, salt = pass id,
// info "kente/wallet-bundle/v1", 32 bytes).
func deviceBundleKey(t *testing.T, secret, passID string) []byte {
	t.Helper()
	ikm, err := base64.RawURLEncoding.DecodeString(secret)
	require.NoError(t, err)
	require.Len(t, ikm, 32)
	key, err := hkdf.Key(sha256.New, ikm, []byte(passID), "kente/wallet-bundle/v1", 32)
	require.NoError(t, err)
	return key
}

// openDeviceBundle checks the hash and decrypts a bundle as the OpenAPI
// text describes it, without the server's code.
func openDeviceBundle(t *testing.T, algo, encrypted, hash string, key []byte, passID string) []byte {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(encrypted)
	require.NoError(t, err)
	sum := sha256.Sum256(raw)
	require.Equal(t, hex.EncodeToString(sum[:]), hash, "hash is the SHA-256 of the decoded bytes")
	switch algo {
	case "xchacha20poly1305":
		aead, err := chacha20poly1305.NewX(key)
		require.NoError(t, err)
		require.Greater(t, len(raw), chacha20poly1305.NonceSizeX+chacha20poly1305.Overhead)
		plain, err := aead.Open(nil, raw[:chacha20poly1305.NonceSizeX], raw[chacha20poly1305.NonceSizeX:], []byte(passID))
		require.NoError(t, err)
		return plain
	case "xor-sha256":
		out := make([]byte, len(raw))
		for i := 0; i*32 < len(raw); i++ {
			in := binary.BigEndian.AppendUint32(append([]byte(nil), key...), uint32(i))
			block := sha256.Sum256(in)
			for j := i * 32; j < len(raw) && j < (i+1)*32; j++ {
				out[j] = raw[j] ^ block[j-i*32]
			}
		}
		return out
	}
	t.Fatalf("unknown algo %q", algo)
	return nil
}

// concurrentIssue sends n simultaneous POST /wallet/pass for one MPI id and
// returns the statuses and pass ids (no testing calls off the test
// goroutine).
func concurrentIssue(c *client, token, mpiID string, n int) (statuses []int, passIDs []string, errs []error) {
	statuses, passIDs, errs = make([]int, n), make([]string, n), make([]error, n)
	var wg sync.WaitGroup
	gate := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-gate
			req, err := http.NewRequest("POST", c.base+"/api/v1/wallet/pass", strings.NewReader(`{"mpi_id":"`+mpiID+`","holder_name":"Awa Ndiaye"}`))
			if err != nil {
				errs[i] = err
				return
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+token)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				errs[i] = err
				return
			}
			defer res.Body.Close()
			var out struct {
				PassID string `json:"pass_id"`
			}
			body, _ := io.ReadAll(res.Body)
			statuses[i] = res.StatusCode
			if err := json.Unmarshal(body, &out); err != nil {
				errs[i] = fmt.Errorf("%d %s: %w", res.StatusCode, body, err)
			}
			passIDs[i] = out.PassID
		}()
	}
	close(gate)
	wg.Wait()
	return statuses, passIDs, errs
}

type bundleResponse struct {
	PassID string `json:"pass_id"`
	Bundle struct {
		Algo      string `json:"algo"`
		Encrypted string `json:"encrypted"`
		Hash      string `json:"hash"`
		ExpiresAt string `json:"expires_at"`
	} `json:"bundle"`
}

// TestWalletEndToEnd: issue → 64 simultaneous issues give one pass →
// register a device → sync → fetch the bundle (both algorithms) and decrypt
// it with the device secret → verify offline with the Ed25519 key from
// /wallet/keys → revoke → sync again sees the revocation → the public check
// says revoked; another programme gets 404 on every one of A's passes.
func TestWalletEndToEnd(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d sqlstore.Dialect) {
		cfg := testConfig(t, sqltest.URL(t, d))
		c := start(t, cfg)
		tok := walletProgramme(t, c, cfg.DatabaseURL, "wallet.a@sante.sn")
		other := walletProgramme(t, c, cfg.DatabaseURL, "wallet.b@sante.sn")

		// Issue, then 64 simultaneous issues for one fresh MPI id.
		res := c.do("POST", "/api/v1/wallet/pass", tok, map[string]any{"mpi_id": "SN-DKR-26-9XQ7LM2A", "holder_name": "Fatou Diallo",
			"holder_id": "1234567890123", "campaign_name": "CPS Dakar 2026", "pass_type": "vaccination", "expires_at": "2027-05-17T00:00:00Z"})
		require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
		pass := res.JSON(t)
		passID, payload := pass["pass_id"].(string), pass["qr_payload"].(string)
		assert.Equal(t, "SN-DKR-26-9XQ7LM2A:"+passID+":vaccination", payload)
		assert.Equal(t, wallet.HMAC([]byte(cfg.Secrets.WalletHMACKey), payload), pass["qr_signature"])

		statuses, ids, errs := concurrentIssue(c, tok, "SN-RACE-64", 64)
		created := 0
		for i := range statuses {
			require.NoError(t, errs[i])
			assert.Contains(t, []int{http.StatusOK, http.StatusCreated}, statuses[i])
			if statuses[i] == http.StatusCreated {
				created++
			}
			assert.Equal(t, ids[0], ids[i], "one pass for one MPI id")
		}
		assert.Equal(t, 1, created, "exactly one request created the pass")
		res = c.do("GET", "/api/v1/wallet/passes?limit=500", tok, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Equal(t, float64(2), res.JSON(t)["total"])
		raceID := ids[0]

		// Register a device and sync: both passes.
		res = c.do("POST", "/api/v1/wallet/device/register", tok, map[string]any{"device_token": "tablet-01", "device_name": "Field Tablet 01", "platform": "android"})
		require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
		secret := res.JSON(t)["device_secret"].(string)
		res = c.do("GET", "/api/v1/wallet/sync?device_token=tablet-01", tok, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Len(t, res.JSON(t)["passes"], 2)

		// The bundle, both algorithms, decrypted with the device secret.
		key := deviceBundleKey(t, secret, passID)
		for _, algo := range []string{"xchacha20poly1305", "xor-sha256"} {
			res = c.do("GET", "/api/v1/wallet/pass/"+passID+"/bundle?device_token=tablet-01&algo="+algo, tok, nil)
			require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
			var b bundleResponse
			require.NoError(t, json.Unmarshal(res.Body, &b))
			assert.Equal(t, algo, b.Bundle.Algo)
			assert.Equal(t, "2027-05-17T00:00:00Z", b.Bundle.ExpiresAt)
			var content wallet.BundleContent
			require.NoError(t, json.Unmarshal(openDeviceBundle(t, algo, b.Bundle.Encrypted, b.Bundle.Hash, key, passID), &content), algo)
			assert.Equal(t, "Fatou Diallo", content.HolderName)
			assert.Equal(t, "1234567890123", content.HolderID)
			assert.Equal(t, payload, content.QRPayload)
			assert.Equal(t, pass["signature_ed25519"], content.SignatureEd25519)
		}

		// Offline verification with only the public key.
		res = c.do("GET", "/api/v1/wallet/keys", "", nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		keys, err := offline.ParseKeys(res.Body)
		require.NoError(t, err)
		verifier := offline.Verifier{Keys: keys}
		r := verifier.Check(payload, pass["signature_ed25519"].(string), time.Now())
		require.Equal(t, offline.Valid, r.Status, r.Reason)
		assert.Equal(t, passID, r.Payload.PassID)
		forged := strings.Replace(payload, "vaccination", "distribution", 1)
		assert.Equal(t, offline.Invalid, verifier.Check(forged, pass["signature_ed25519"].(string), time.Now()).Status)

		// Another programme: 404 on every one of A's passes.
		require.Equal(t, http.StatusCreated, c.do("POST", "/api/v1/wallet/device/register", other, map[string]any{"device_token": "spy"}).Status)
		for _, p := range []struct{ mpi, id string }{{"SN-DKR-26-9XQ7LM2A", passID}, {"SN-RACE-64", raceID}} {
			requireV1Error(t, c.do("GET", "/api/v1/wallet/pass/"+p.mpi, other, nil), http.StatusNotFound, "wallet.mpi_not_found", "")
			requireV1Error(t, c.do("GET", "/api/v1/wallet/pass/"+p.id+"/bundle?device_token=spy", other, nil), http.StatusNotFound, "wallet.pass_not_found", "")
			requireV1Error(t, c.do("POST", "/api/v1/wallet/pass/"+p.id+"/revoke", other, map[string]any{"reason": "hostile"}), http.StatusNotFound, "wallet.pass_not_found", "")
		}
		res = c.do("GET", "/api/v1/wallet/passes", other, nil)
		require.Equal(t, http.StatusOK, res.Status)
		assert.Equal(t, float64(0), res.JSON(t)["total"])

		// Revoke; the next sync carries the revocation; the public check
		// says revoked under both signatures.
		res = c.do("POST", "/api/v1/wallet/pass/"+passID+"/revoke", tok, map[string]any{"reason": "Duplicate identified"})
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Equal(t, "revoked", res.JSON(t)["status"])
		res = c.do("GET", "/api/v1/wallet/sync?device_token=tablet-01", tok, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		revoked := map[string]bool{}
		for _, p := range res.JSON(t)["passes"].([]any) {
			if m := p.(map[string]any); m["status"] == "revoked" {
				revoked[m["pass_id"].(string)] = true
			}
		}
		assert.Equal(t, map[string]bool{passID: true}, revoked)
		verifier.Revoked = revoked
		assert.Equal(t, offline.Revoked, verifier.Check(payload, pass["signature_ed25519"].(string), time.Now()).Status)
		for _, s := range []string{pass["qr_signature"].(string), pass["signature_ed25519"].(string)} {
			res = c.do("GET", "/api/v1/wallet/verify?"+url.Values{"p": {payload}, "s": {s}}.Encode(), "", nil)
			require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
			assert.Equal(t, "revoked", res.JSON(t)["status"])
			assert.NotContains(t, string(res.Body), "Fatou")
			assert.NotContains(t, string(res.Body), "SN-DKR")
		}
		res = c.do("GET", "/api/v1/wallet/verify?"+url.Values{"p": {"SN-RACE-64:" + raceID + ":health"}, "s": {wallet.HMAC([]byte(cfg.Secrets.WalletHMACKey), "SN-RACE-64:"+raceID+":health")}}.Encode(), "", nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Equal(t, "valid", res.JSON(t)["status"])

		// Re-issue after revocation gives a new pass; history and stats.
		res = c.do("POST", "/api/v1/wallet/pass", tok, map[string]any{"mpi_id": "SN-DKR-26-9XQ7LM2A"})
		require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
		assert.NotEqual(t, passID, res.JSON(t)["pass_id"])
		res = c.do("GET", "/api/v1/wallet/sync/history", tok, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Equal(t, float64(2), res.JSON(t)["count"])
		res = c.do("GET", "/api/v1/wallet/stats", tok, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Equal(t, map[string]any{"total": float64(3), "active": float64(2), "revoked": float64(1), "expired": float64(0), "devices_registered": float64(1)}, res.JSON(t))
	})
}

// TestWalletErrorsOverHTTP: the 422s and 404s of the wallet, and the module
// gate, through the real server.
func TestWalletErrorsOverHTTP(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d sqlstore.Dialect) {
		cfg := testConfig(t, sqltest.URL(t, d))
		c := start(t, cfg)
		tok := walletProgramme(t, c, cfg.DatabaseURL, "errors.wallet@sante.sn")
		res := c.do("POST", "/api/v1/wallet/pass", tok, map[string]any{"mpi_id": "SN-ERR-1"})
		require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
		passID := res.JSON(t)["pass_id"].(string)
		require.Equal(t, http.StatusCreated, c.do("POST", "/api/v1/wallet/device/register", tok, map[string]any{"device_token": "d1"}).Status)

		tests := []struct {
			method, path string
			body         any
			status       int
			code, field  string
		}{
			{"POST", "/api/v1/wallet/device/register", map[string]any{"device_name": "x"}, 422, "wallet.device_token_required", "device_token"},
			{"GET", "/api/v1/wallet/sync", nil, 422, "wallet.device_token_required", "device_token"},
			{"GET", "/api/v1/wallet/pass/" + passID + "/bundle", nil, 422, "wallet.device_token_required", "device_token"},
			{"GET", "/api/v1/wallet/passes?limit=0", nil, 422, "wallet.limit_invalid", "limit"},
			{"GET", "/api/v1/wallet/passes?limit=501", nil, 422, "wallet.limit_invalid", "limit"},
			{"GET", "/api/v1/wallet/sync/history?limit=501", nil, 422, "wallet.limit_invalid", "limit"},
			{"GET", "/api/v1/wallet/passes?status=void", nil, 422, "wallet.status_invalid", "status"},
			{"POST", "/api/v1/wallet/pass", map[string]any{"mpi_id": "SN-ERR-2", "pass_type": "gold"}, 422, "wallet.pass_type_invalid", "pass_type"},
			{"GET", "/api/v1/wallet/pass/SN-NOBODY", nil, 404, "wallet.mpi_not_found", ""},
			{"POST", "/api/v1/wallet/pass/0123456789ABCDEF/revoke", map[string]any{"reason": "x"}, 404, "wallet.pass_not_found", ""},
			{"GET", "/api/v1/wallet/pass/0123456789ABCDEF/bundle?device_token=d1", nil, 404, "wallet.pass_not_found", ""},
			{"GET", "/api/v1/wallet/sync?device_token=ghost", nil, 404, "wallet.device_not_found", "device_token"},
		}
		for _, tt := range tests {
			requireV1Error(t, c.do(tt.method, tt.path, tok, tt.body), tt.status, tt.code, tt.field)
		}

		// A programme without the module: 403 naming it.
		v1Register(t, c, "starter.wallet@sante.sn")
		starter, _ := v1Login(t, c, "starter.wallet@sante.sn", v1Password)
		res = c.do("GET", "/api/v1/wallet/stats", starter, nil)
		requireV1Error(t, res, http.StatusForbidden, "programme.module_required", "")
		assert.Contains(t, string(res.Body), walletModuleKey)
	})
}

// BenchmarkWalletIssueHTTP measures pass issue through the whole server
// (HTTP, JWT auth, module check, SQLite) with parallel clients, each pass
// for a new MPI id. It reports passes/s.
//
//	go test -tags nomsgpack ./test/e2e -run '^$' -bench WalletIssueHTTP -benchtime 3s
func BenchmarkWalletIssueHTTP(b *testing.B) {
	url := sqltest.URL(b, sqlstore.SQLite)
	cfg := config.Defaults()
	cfg.DatabaseURL, cfg.Addr, cfg.Hash = url, "127.0.0.1:0", identity.TestHashParams
	cfg.Secrets = config.Secrets{CodePepper: strings.Repeat("p", 40), JWTSecret: strings.Repeat("j", 40), WalletHMACKey: strings.Repeat("w", 40)}
	var h http.Handler
	app := fx.New(server.OptionsFor(server.ProfileOf(cfg), cfg, slog.New(slog.DiscardHandler)), fx.Populate(&h), fx.NopLogger)
	require.NoError(b, app.Err())
	require.NoError(b, app.Start(context.Background()))
	b.Cleanup(func() { _ = app.Stop(context.Background()) })
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)

	post := func(path, token, body string) (int, []byte) {
		req, _ := http.NewRequest("POST", srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, []byte(err.Error())
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		return res.StatusCode, raw
	}
	st, raw := post("/api/v1/auth/register", "", `{"email":"bench@sante.sn","password":"`+v1Password+`","name":"Bench","country":"SN"}`)
	require.Equal(b, http.StatusCreated, st, "%s", raw)
	var prog struct{ ID string }
	require.NoError(b, json.Unmarshal(raw, &prog))
	activateWalletModule(b, url, prog.ID)
	st, raw = post("/api/v1/auth/login", "", `{"email":"bench@sante.sn","password":"`+v1Password+`"}`)
	require.Equal(b, http.StatusOK, st, "%s", raw)
	var login struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(b, json.Unmarshal(raw, &login))
	st, raw = post("/api/v1/wallet/pass", login.AccessToken, `{"mpi_id":"WARM-UP"}`) // creates the signing key
	require.Equal(b, http.StatusCreated, st, "%s", raw)

	var n, failed atomic.Int64
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			if st, _ := post("/api/v1/wallet/pass", login.AccessToken, fmt.Sprintf(`{"mpi_id":"BENCH-%d","holder_name":"Bench Holder"}`, i)); st != http.StatusCreated {
				failed.Add(1)
			}
		}
	})
	elapsed := time.Since(start)
	b.StopTimer()
	require.Zero(b, failed.Load(), "every issue succeeds")
	b.ReportMetric(float64(n.Load())/elapsed.Seconds(), "passes/s")
}
