package httpapi_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/httpapi"
	"github.com/kente-gov/kente/adapters/httpapi/internal/memstore"
	"github.com/kente-gov/kente/adapters/jwtauth"
	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/app/programmesvc"
	"github.com/kente-gov/kente/app/walletsvc"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/core/wallet"
	"github.com/kente-gov/kente/core/wallet/offline"
	"github.com/kente-gov/kente/test/testkit"
)

const walletHMACKey = "test-wallet-hmac-key-at-least-32-bytes!!"

// walletEnv serves the real router with the programme and wallet services
// on a fresh SQLite database (the programme stores have no in-memory
// fake), validating every response against the OpenAPI document.
type walletEnv struct {
	*env
	db       *sqlstore.DB
	progs    *programmesvc.Service
	audit    *testkit.AuditRecorder
	nextUser int
}

func newWalletEnv(t *testing.T, withWallet bool) *walletEnv {
	t.Helper()
	db := sqltest.Fresh(t, sqlstore.SQLite)
	clock := testkit.NewClock(time.Date(2026, 11, 23, 13, 2, 0, 0, time.UTC))
	codec, err := jwtauth.New([]byte(strings.Repeat("j", 32)), "", "")
	require.NoError(t, err)
	we := &walletEnv{db: db, audit: &testkit.AuditRecorder{}}
	we.progs = programmesvc.New(programmesvc.Deps{
		Programmes: sqlstore.NewProgrammeStore(db), Users: sqlstore.NewProgrammeUserStore(db), Sessions: sqlstore.NewRefreshTokenStore(db),
		Modules: sqlstore.NewModuleChecker(db), Tokens: codec, Tx: db, Counters: sqlstore.NewCounters(db),
		Audit: &testkit.AuditRecorder{}, Clock: clock, Rand: rand.Reader,
	}, programmesvc.Options{Pepper: []byte(strings.Repeat("p", 32)), Hash: identity.TestHashParams})
	var ws *walletsvc.Service
	if withWallet {
		st := sqlstore.NewWalletStore(db)
		ws, err = walletsvc.New(walletsvc.Stores{Passes: st, Devices: st, Syncs: st, Keys: st}, we.audit, clock, rand.Reader, []byte(walletHMACKey), nil)
		require.NoError(t, err)
	}
	e := &env{store: memstore.New(), clock: clock, logs: &syncBuffer{}}
	e.svc = newService(e.store, clock)
	e.h, err = httpapi.New(httpapi.Deps{Identity: e.svc, Programmes: we.progs, Wallet: ws,
		Logger: slog.New(slog.NewJSONHandler(e.logs, nil))}, httpapi.Options{})
	require.NoError(t, err)
	_, e.router = openAPIRouter(t)
	we.env = e
	return we
}

// programme registers a programme, optionally activates the wallet module
// for it, and returns its id and an access token.
func (we *walletEnv) programme(t *testing.T, email string, module bool) (id, token string) {
	t.Helper()
	ctx := context.Background()
	const pw = "Kente-2026-Strong"
	meta := programmesvc.ClientMeta{IP: "196.1.95.10", UserAgent: "test"}
	a, err := we.progs.Register(ctx, programmesvc.Registration{Email: email, Password: pw, Name: "PEV " + email, Country: "SN"}, meta)
	require.NoError(t, err)
	if module {
		_, err = we.db.Bun.ExecContext(ctx, "INSERT INTO programme_modules (programme_id, module_key, status) VALUES (?, ?, ?)",
			a.Programme.ID, httpapi.WalletModule, "active")
		require.NoError(t, err)
	}
	tok, err := we.progs.Login(ctx, email, pw, meta)
	require.NoError(t, err)
	return a.Programme.ID, tok.AccessToken
}

// requireV1 checks an /api/v1 error response.
func requireV1(t *testing.T, rec *httptest.ResponseRecorder, status int, code, field string) {
	t.Helper()
	body := rec.Body.Bytes()
	require.Equal(t, status, rec.Code, "%s", body)
	var m map[string]any
	require.NoError(t, json.Unmarshal(body, &m), "%s", body)
	assert.NotEmpty(t, m["detail"])
	if code != "" {
		assert.Equal(t, code, m["code"], "%s", body)
	}
	if field == "" {
		assert.NotContains(t, m, "field", "%s", body)
	} else {
		assert.Equal(t, field, m["field"], "%s", body)
	}
}

func (we *walletEnv) v1(t *testing.T, method, path, token, body string, status int, code, field string) {
	t.Helper()
	rec := we.do(t, req{method: method, path: path, token: token, body: body})
	requireV1(t, rec, status, code, field)
}

func TestWalletRoutes(t *testing.T) {
	we := newWalletEnv(t, true)
	_, tok := we.programme(t, "wallet@sante.sn", true)

	// Issue: 201, then 200 with the same pass.
	body := `{"mpi_id":"SN-DKR-26-9XQ7LM2A","holder_name":"Fatou Diallo","holder_id":"1234567890123","campaign_name":"CPS Dakar 2026","pass_type":"vaccination","expires_at":"2027-05-17T00:00:00Z"}`
	rec := we.do(t, req{method: "POST", path: "/api/v1/wallet/pass", token: tok, body: body})
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	pass := decode(t, rec)
	passID := pass["pass_id"].(string)
	assert.Regexp(t, `^[0-9A-F]{16}$`, passID)
	assert.Equal(t, "SN-DKR-26-9XQ7LM2A:"+passID+":vaccination", pass["qr_payload"])
	assert.Equal(t, wallet.HMAC([]byte(walletHMACKey), pass["qr_payload"].(string)), pass["qr_signature"])
	assert.Equal(t, "active", pass["status"])
	assert.Equal(t, "Fatou Diallo", pass["holder_name"])
	assert.Equal(t, "2027-05-17T00:00:00Z", pass["expires_at"])
	assert.Equal(t, "2026-11-23T13:02:00Z", pass["issued_at"])
	assert.NotContains(t, pass, "holder_id", "the seed's pass shape has no holder_id")
	rec = we.do(t, req{method: "POST", path: "/api/v1/wallet/pass", token: tok, body: `{"mpi_id":"SN-DKR-26-9XQ7LM2A"}`})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, passID, decode(t, rec)["pass_id"])

	// By MPI id.
	rec = we.do(t, req{method: "GET", path: "/api/v1/wallet/pass/SN-DKR-26-9XQ7LM2A", token: tok})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, passID, decode(t, rec)["pass_id"])

	// Keys (public) verify the Ed25519 token offline.
	rec = we.do(t, req{method: "GET", path: "/api/v1/wallet/keys"})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	keys, err := offline.ParseKeys(rec.Body.Bytes())
	require.NoError(t, err)
	r := offline.Verifier{Keys: keys}.Check(pass["qr_payload"].(string), pass["signature_ed25519"].(string), we.clock.Now())
	assert.Equal(t, offline.Valid, r.Status, r.Reason)
	assert.Equal(t, pass["key_id"], r.Token.KeyID)

	// Devices.
	rec = we.do(t, req{method: "POST", path: "/api/v1/wallet/device/register", token: tok, body: `{"device_token":"tablet-01","device_name":"Field Tablet 01","platform":"android"}`})
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	dev := decode(t, rec)
	secret := dev["device_secret"].(string)
	assert.Len(t, secret, 43)
	assert.Equal(t, "tablet-01", dev["device_token"])
	rec = we.do(t, req{method: "POST", path: "/api/v1/wallet/device/register", token: tok, body: `{"device_token":"tablet-01"}`})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.NotContains(t, decode(t, rec), "device_secret", "the secret is shown once")
	assert.Equal(t, dev["device_id"], decode(t, rec)["device_id"])

	// Bundle, both algorithms, opened with the device secret.
	for _, algo := range []string{"", "xor-sha256", "xchacha20poly1305"} {
		rec = we.do(t, req{method: "GET", path: "/api/v1/wallet/pass/" + passID + "/bundle?device_token=tablet-01&algo=" + algo, token: tok})
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		var out struct {
			PassID string `json:"pass_id"`
			Bundle struct {
				Algo, Encrypted, Hash string
				ExpiresAt             time.Time `json:"expires_at"`
			} `json:"bundle"`
		}
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out))
		want := algo
		if want == "" {
			want = "xchacha20poly1305"
		}
		assert.Equal(t, want, out.Bundle.Algo)
		key, err := wallet.BundleKey(secret, passID)
		require.NoError(t, err)
		plain, err := wallet.OpenBundle(wallet.Bundle{Algo: wallet.Algo(out.Bundle.Algo), Encrypted: out.Bundle.Encrypted,
			Hash: out.Bundle.Hash, ExpiresAt: out.Bundle.ExpiresAt}, key, passID, we.clock.Now())
		require.NoError(t, err, algo)
		var content wallet.BundleContent
		require.NoError(t, json.Unmarshal(plain, &content))
		assert.Equal(t, "1234567890123", content.HolderID)
		assert.Equal(t, pass["signature_ed25519"], content.SignatureEd25519)
	}

	// Sync, history, list, stats.
	rec = we.do(t, req{method: "GET", path: "/api/v1/wallet/sync?device_token=tablet-01", token: tok})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	sync := decode(t, rec)
	assert.Len(t, sync["passes"], 1)
	rec = we.do(t, req{method: "GET", path: "/api/v1/wallet/sync/history?limit=1", token: tok})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	hist := decode(t, rec)
	assert.Equal(t, float64(1), hist["count"])
	assert.Equal(t, sync["sync_token"], hist["history"].([]any)[0].(map[string]any)["sync_token"])
	assert.Equal(t, float64(1), hist["history"].([]any)[0].(map[string]any)["passes_synced"])
	rec = we.do(t, req{method: "GET", path: "/api/v1/wallet/devices", token: tok})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	devs := decode(t, rec)
	assert.Equal(t, float64(1), devs["count"])
	assert.Equal(t, "2026-11-23T13:02:00Z", devs["devices"].([]any)[0].(map[string]any)["last_sync"])

	// Revoke, then the lists and the public check see it.
	we.clock.Add(time.Minute)
	rec = we.do(t, req{method: "POST", path: "/api/v1/wallet/pass/" + passID + "/revoke", token: tok, body: `{"reason":"Duplicate identified"}`})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, map[string]any{"pass_id": passID, "status": "revoked", "revoked_at": "2026-11-23T13:03:00Z", "reason": "Duplicate identified"}, decode(t, rec))
	assert.Equal(t, []string{walletsvc.ActionPassRevoked + ":success"}, we.audit.Actions())
	we.v1(t, "POST", "/api/v1/wallet/pass/"+passID+"/revoke", tok, `{"reason":"again"}`, http.StatusConflict, "wallet.pass_revoked", "")
	rec = we.do(t, req{method: "GET", path: "/api/v1/wallet/passes?status=revoked", token: tok})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	list := decode(t, rec)
	assert.Equal(t, float64(1), list["total"])
	assert.Equal(t, map[string]any{"total": float64(1), "active": float64(0), "revoked": float64(1), "expired": float64(0), "devices_registered": float64(1)}, list["stats"])
	rec = we.do(t, req{method: "GET", path: "/api/v1/wallet/stats", token: tok})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, list["stats"], decode(t, rec))

	q := url.Values{"p": {pass["qr_payload"].(string)}, "s": {pass["qr_signature"].(string)}}
	rec = we.do(t, req{method: "GET", path: "/api/v1/wallet/verify?" + q.Encode()})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	v := decode(t, rec)
	assert.Equal(t, "revoked", v["status"])
	assert.Equal(t, "hmac", v["method"])
	assert.NotContains(t, rec.Body.String(), "SN-DKR", "no MPI id in the public answer")
	assert.NotContains(t, rec.Body.String(), "Fatou")
	q.Set("s", strings.Repeat("0", 64))
	rec = we.do(t, req{method: "GET", path: "/api/v1/wallet/verify?" + q.Encode()})
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, map[string]any{"status": "invalid", "method": nil, "pass_type": nil, "expires_at": nil, "key_id": nil}, decode(t, rec))

	assert.Greater(t, we.validated, 15, "responses were checked against the OpenAPI document")
}

func TestWalletErrors(t *testing.T) {
	we := newWalletEnv(t, true)
	_, tok := we.programme(t, "errors@sante.sn", true)
	rec := we.do(t, req{method: "POST", path: "/api/v1/wallet/pass", token: tok, body: `{"mpi_id":"SN-1"}`})
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	passID := decode(t, rec)["pass_id"].(string)
	require.Equal(t, http.StatusCreated, we.do(t, req{method: "POST", path: "/api/v1/wallet/device/register", token: tok, body: `{"device_token":"d1"}`}).Code)

	tests := []struct {
		name, method, path, body string
		status                   int
		code, field              string
	}{
		{"issue without mpi_id", "POST", "/api/v1/wallet/pass", `{"holder_name":"x"}`, 422, "wallet.mpi_id_required", "mpi_id"},
		{"issue bad pass_type", "POST", "/api/v1/wallet/pass", `{"mpi_id":"SN-2","pass_type":"gold"}`, 422, "wallet.pass_type_invalid", "pass_type"},
		{"issue bad expires_at", "POST", "/api/v1/wallet/pass", `{"mpi_id":"SN-2","expires_at":"tomorrow"}`, 422, "wallet.expires_at_invalid", "expires_at"},
		{"issue past expires_at", "POST", "/api/v1/wallet/pass", `{"mpi_id":"SN-2","expires_at":"2020-01-01T00:00:00Z"}`, 422, "wallet.expires_at_past", "expires_at"},
		{"issue wrong type", "POST", "/api/v1/wallet/pass", `{"mpi_id":7}`, 422, "request.invalid_type", "mpi_id"},
		{"issue no body", "POST", "/api/v1/wallet/pass", ``, 422, "request.body_required", "body"},
		{"unknown MPI id", "GET", "/api/v1/wallet/pass/SN-404", ``, 404, "wallet.mpi_not_found", ""},
		{"malformed MPI id", "GET", "/api/v1/wallet/pass/%3Cx%3E", ``, 404, "wallet.mpi_not_found", ""},
		{"limit 0", "GET", "/api/v1/wallet/passes?limit=0", ``, 422, "wallet.limit_invalid", "limit"},
		{"limit 501", "GET", "/api/v1/wallet/passes?limit=501", ``, 422, "wallet.limit_invalid", "limit"},
		{"limit text", "GET", "/api/v1/wallet/passes?limit=ten", ``, 422, "wallet.limit_invalid", "limit"},
		{"offset negative", "GET", "/api/v1/wallet/passes?offset=-1", ``, 422, "wallet.offset_invalid", "offset"},
		{"bad status", "GET", "/api/v1/wallet/passes?status=lost", ``, 422, "wallet.status_invalid", "status"},
		{"empty status", "GET", "/api/v1/wallet/passes?status=", ``, 422, "wallet.status_invalid", "status"},
		{"history limit 0", "GET", "/api/v1/wallet/sync/history?limit=0", ``, 422, "wallet.limit_invalid", "limit"},
		{"history limit 501", "GET", "/api/v1/wallet/sync/history?limit=501", ``, 422, "wallet.limit_invalid", "limit"},
		{"revoke unknown pass", "POST", "/api/v1/wallet/pass/0123456789ABCDEF/revoke", `{"reason":"x"}`, 404, "wallet.pass_not_found", ""},
		{"revoke malformed pass", "POST", "/api/v1/wallet/pass/nope/revoke", `{"reason":"x"}`, 404, "wallet.pass_not_found", ""},
		{"revoke without reason", "POST", "/api/v1/wallet/pass/" + passID + "/revoke", `{}`, 422, "wallet.reason_required", "reason"},
		{"bundle without device_token", "GET", "/api/v1/wallet/pass/" + passID + "/bundle", ``, 422, "wallet.device_token_required", "device_token"},
		{"bundle unknown device", "GET", "/api/v1/wallet/pass/" + passID + "/bundle?device_token=ghost", ``, 404, "wallet.device_not_found", "device_token"},
		{"bundle unknown pass", "GET", "/api/v1/wallet/pass/0123456789ABCDEF/bundle?device_token=d1", ``, 404, "wallet.pass_not_found", ""},
		{"bundle malformed pass", "GET", "/api/v1/wallet/pass/%00x/bundle?device_token=d1", ``, 404, "wallet.pass_not_found", ""},
		{"bundle bad algo", "GET", "/api/v1/wallet/pass/" + passID + "/bundle?device_token=d1&algo=rot13", ``, 422, "wallet.algo_invalid", "algo"},
		{"register without device_token", "POST", "/api/v1/wallet/device/register", `{"device_name":"x"}`, 422, "wallet.device_token_required", "device_token"},
		{"register bad platform", "POST", "/api/v1/wallet/device/register", `{"device_token":"d2","platform":"symbian"}`, 422, "wallet.platform_invalid", "platform"},
		{"sync without device_token", "GET", "/api/v1/wallet/sync", ``, 422, "wallet.device_token_required", "device_token"},
		{"sync unknown device", "GET", "/api/v1/wallet/sync?device_token=ghost", ``, 404, "wallet.device_not_found", "device_token"},
		{"verify without p", "GET", "/api/v1/wallet/verify?s=x", ``, 422, "wallet.p_required", "p"},
		{"verify without s", "GET", "/api/v1/wallet/verify?p=x", ``, 422, "wallet.s_required", "s"},
		{"no token", "GET", "/api/v1/wallet/stats", ``, 401, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token := tok
			if tt.status == 401 {
				token = ""
			}
			we.v1(t, tt.method, tt.path, token, tt.body, tt.status, tt.code, tt.field)
		})
	}
	rec = we.do(t, req{method: "GET", path: "/api/v1/wallet/verify?p=garbage&s=garbage"})
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "invalid", decode(t, rec)["status"])
}

func TestWalletModuleGateAndIsolation(t *testing.T) {
	we := newWalletEnv(t, true)
	_, owner := we.programme(t, "owner@sante.sn", true)
	_, other := we.programme(t, "other@sante.sn", true)
	_, noModule := we.programme(t, "starter@sante.sn", false)

	rec := we.do(t, req{method: "POST", path: "/api/v1/wallet/pass", token: owner, body: `{"mpi_id":"SN-OWN-1"}`})
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	passID := decode(t, rec)["pass_id"].(string)

	// Without the module: 403 on every gated route, public routes answer.
	for _, r := range httpapi.Routes() {
		if !strings.HasPrefix(r.Path, "/api/v1/wallet/") {
			continue
		}
		path := strings.NewReplacer(":mpi_id", "SN-OWN-1", ":pass_id", passID).Replace(r.Path)
		body := ""
		if r.Method == "POST" {
			body = `{}`
		}
		rec := we.do(t, req{method: r.Method, path: path, token: noModule, body: body})
		if r.Level == identity.Public {
			assert.NotEqual(t, http.StatusForbidden, rec.Code, "%s %s", r.Method, r.Path)
			continue
		}
		requireV1(t, rec, http.StatusForbidden, programmesvc.CodeModuleRequired, "")
		assert.Contains(t, rec.Body.String(), httpapi.WalletModule)
	}

	// Another programme with the module sees none of the owner's passes.
	require.Equal(t, http.StatusCreated, we.do(t, req{method: "POST", path: "/api/v1/wallet/device/register", token: other, body: `{"device_token":"spy"}`}).Code)
	we.v1(t, "GET", "/api/v1/wallet/pass/SN-OWN-1", other, "", http.StatusNotFound, "wallet.mpi_not_found", "")
	we.v1(t, "GET", "/api/v1/wallet/pass/"+passID+"/bundle?device_token=spy", other, "", http.StatusNotFound, "wallet.pass_not_found", "")
	we.v1(t, "POST", "/api/v1/wallet/pass/"+passID+"/revoke", other, `{"reason":"hostile"}`, http.StatusNotFound, "wallet.pass_not_found", "")
	rec = we.do(t, req{method: "GET", path: "/api/v1/wallet/passes", token: other})
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, float64(0), decode(t, rec)["total"])
	rec = we.do(t, req{method: "GET", path: "/api/v1/wallet/sync?device_token=spy", token: other})
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Empty(t, decode(t, rec)["passes"])
	// The owner's pass is untouched.
	rec = we.do(t, req{method: "GET", path: "/api/v1/wallet/pass/SN-OWN-1", token: owner})
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "active", decode(t, rec)["status"])
}

func TestWalletUnconfigured(t *testing.T) {
	we := newWalletEnv(t, false)
	_, tok := we.programme(t, "nowallet@sante.sn", true)
	we.v1(t, "GET", "/api/v1/wallet/stats", tok, "", http.StatusServiceUnavailable, "wallet.unavailable", "")
	we.v1(t, "GET", "/api/v1/wallet/keys", "", "", http.StatusServiceUnavailable, "wallet.unavailable", "")
	we.v1(t, "GET", "/api/v1/wallet/verify?p=a&s=b", "", "", http.StatusServiceUnavailable, "wallet.unavailable", "")
}
