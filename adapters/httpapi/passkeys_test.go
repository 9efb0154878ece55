package httpapi_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/httpapi"
	"github.com/kente-gov/kente/adapters/httpapi/internal/memstore"
	"github.com/kente-gov/kente/adapters/webauthn"
	"github.com/kente-gov/kente/adapters/webauthn/webauthntest"
	"github.com/kente-gov/kente/app/passkeysvc"
	"github.com/kente-gov/kente/ports"
	"github.com/kente-gov/kente/test/testkit"
)

const passkeyOrigin = "http://localhost:8080"

// Late-bound ports: the passkey service is built inside newEnv, before the
// env's store and clock exist; these are pointed at them afterwards.
type (
	lateUserStore    struct{ ports.UserStore }
	latePasskeyStore struct{ ports.PasskeyStore }
	lateClock        struct{ ports.Clock }
)

// fnTx runs fn without a transaction (the in-memory stores have none).
type fnTx struct{}

func (fnTx) WithinTx(ctx context.Context, fn func(ctx context.Context) error) error { return fn(ctx) }

type passkeyEnv struct {
	*env
	audit *testkit.AuditRecorder
}

// newPasskeyEnv is newEnv with a passkey service on in-memory stores and a
// relying party for localhost.
func newPasskeyEnv(t *testing.T) *passkeyEnv {
	t.Helper()
	rp, err := webauthn.New(webauthn.Config{RPID: "localhost", RPName: "AskOzzy", Origins: []string{passkeyOrigin}})
	require.NoError(t, err)
	users, passkeys, clk := &lateUserStore{}, &latePasskeyStore{}, &lateClock{}
	p := &passkeyEnv{audit: &testkit.AuditRecorder{}}
	p.env = newEnv(t, nil, func(d *httpapi.Deps, _ *httpapi.Options) {
		d.Passkeys = passkeysvc.New(users, passkeys, memstore.NewChallengeStore(), rp, d.Identity,
			p.audit, fnTx{}, clk, rand.Reader, nil)
	})
	users.UserStore, clk.Clock = p.store, p.clock
	passkeys.PasskeyStore = memstore.NewPasskeyStore(p.store)
	return p
}

// options posts to an options endpoint and returns the options JSON.
func (p *passkeyEnv) options(t *testing.T, path, token, body string) []byte {
	t.Helper()
	rec := p.do(t, req{method: "POST", path: path, token: token, body: body})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	return rec.Body.Bytes()
}

func credentialBody(t *testing.T, cred []byte, extra map[string]any) string {
	t.Helper()
	m := map[string]any{"credential": json.RawMessage(cred)}
	for k, v := range extra {
		m[k] = v
	}
	raw, err := json.Marshal(m)
	require.NoError(t, err)
	return string(raw)
}

// registerPasskey runs the registration ceremony over HTTP.
func (p *passkeyEnv) registerPasskey(t *testing.T, a account, auth *webauthntest.Authenticator) string {
	t.Helper()
	opts := p.options(t, "/api/auth/webauthn/register-options", a.Token, "")
	cred, err := auth.Register(opts)
	require.NoError(t, err)
	rec := p.do(t, req{method: "POST", path: "/api/auth/webauthn/register-complete", token: a.Token,
		body: credentialBody(t, cred, map[string]any{"name": "My YubiKey"})})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	m := decode(t, rec)
	assert.Equal(t, true, m["success"])
	return m["credentialId"].(string)
}

// loginPasskey answers fresh login options for email with auth.
func (p *passkeyEnv) loginPasskey(t *testing.T, email string, auth *webauthntest.Authenticator) []byte {
	t.Helper()
	opts := p.options(t, "/api/auth/webauthn/login-options", "", `{"email":"`+email+`"}`)
	cred, err := auth.Login(opts)
	require.NoError(t, err)
	return cred
}

func TestPasskeyFlow(t *testing.T) {
	p := newPasskeyEnv(t)
	a := p.register(t, "kwame.mensah@gov.gh")
	auth := webauthntest.New(passkeyOrigin)

	opts := decode(t, p.do(t, req{method: "POST", path: "/api/auth/webauthn/register-options", token: a.Token}))["options"].(map[string]any)
	assert.Equal(t, map[string]any{"id": "localhost", "name": "AskOzzy"}, opts["rp"])
	assert.Equal(t, "kwame.mensah@gov.gh", opts["user"].(map[string]any)["name"])

	id := p.registerPasskey(t, a, auth)
	assert.Regexp(t, `^cred_[0-9a-f]{16}$`, id)

	rec := p.do(t, req{method: "GET", path: "/api/auth/webauthn/credentials", token: a.Token})
	require.Equal(t, http.StatusOK, rec.Code)
	list := decode(t, rec)["credentials"].([]any)
	require.Len(t, list, 1)
	item := list[0].(map[string]any)
	assert.Equal(t, id, item["id"])
	assert.Equal(t, "My YubiKey", item["name"])
	assert.Equal(t, "2025-01-15T08:00:00Z", item["createdAt"])
	assert.Nil(t, item["lastUsed"])

	reqOpts := decode(t, p.do(t, req{method: "POST", path: "/api/auth/webauthn/login-options", body: `{"email":"KWAME.mensah@gov.gh"}`}))["options"].(map[string]any)
	assert.Len(t, reqOpts["allowCredentials"], 1)

	cred := p.loginPasskey(t, a.Email, auth)
	rec = p.do(t, req{method: "POST", path: "/api/auth/webauthn/login-complete", body: credentialBody(t, cred, nil)})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	m := decode(t, rec)
	user := m["user"].(map[string]any)
	assert.Equal(t, map[string]any{"id": a.ID, "email": a.Email, "fullName": "Kwame Mensah", "tier": "free", "role": "user"}, user)
	token := m["token"].(string)
	assert.Equal(t, http.StatusOK, p.do(t, req{method: "GET", path: "/api/user/profile", token: token}).Code)

	// The same response again is a replay.
	rec = p.do(t, req{method: "POST", path: "/api/auth/webauthn/login-complete", body: credentialBody(t, cred, nil)})
	assert.Equal(t, http.StatusUnauthorized, rec.Code, rec.Body.String())
	assert.Contains(t, decode(t, rec)["error"], "challenge")

	rec = p.do(t, req{method: "GET", path: "/api/auth/webauthn/credentials", token: a.Token})
	item = decode(t, rec)["credentials"].([]any)[0].(map[string]any)
	assert.Equal(t, "2025-01-15T08:00:00Z", item["lastUsed"])

	// Another user neither sees nor deletes it.
	b := p.register(t, "ama@gov.gh")
	rec = p.do(t, req{method: "GET", path: "/api/auth/webauthn/credentials", token: b.Token})
	assert.Equal(t, map[string]any{"credentials": []any{}}, decode(t, rec))
	rec = p.do(t, req{method: "DELETE", path: "/api/auth/webauthn/credentials/" + id, token: b.Token})
	assert.Equal(t, http.StatusNotFound, rec.Code)

	// The owner deletes it; then it no longer signs in.
	rec = p.do(t, req{method: "DELETE", path: "/api/auth/webauthn/credentials/" + id, token: a.Token})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, map[string]any{"success": true}, decode(t, rec))
	rec = p.do(t, req{method: "DELETE", path: "/api/auth/webauthn/credentials/" + id, token: a.Token})
	assert.Equal(t, http.StatusNotFound, rec.Code)
	rec = p.do(t, req{method: "POST", path: "/api/auth/webauthn/login-complete", body: credentialBody(t, p.loginPasskey(t, a.Email, auth), nil)})
	assert.Equal(t, http.StatusUnauthorized, rec.Code, rec.Body.String())

	actions := map[string]int{}
	for _, r := range p.audit.Records() {
		actions[r.Action+"/"+string(r.Outcome)]++
	}
	assert.Equal(t, map[string]int{
		"passkey_added/success": 1, "login/success": 1, "login_failed/failure": 2, "passkey_removed/success": 1,
	}, actions)
}

func TestPasskeyLoginOptionsUniform(t *testing.T) {
	p := newPasskeyEnv(t)
	p.register(t, "nopasskey@gov.gh")
	for _, email := range []string{"nobody@gov.gh", "nopasskey@gov.gh"} {
		rec := p.do(t, req{method: "POST", path: "/api/auth/webauthn/login-options", body: `{"email":"` + email + `"}`})
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		opts := decode(t, rec)["options"].(map[string]any)
		assert.Equal(t, []any{}, opts["allowCredentials"], email)
		assert.Equal(t, "localhost", opts["rpId"])
		assert.Equal(t, "preferred", opts["userVerification"])
		assert.Equal(t, float64(60000), opts["timeout"])
	}
	for _, body := range []string{`{}`, `{"email":"nope"}`, `{"email":5}`} {
		rec := p.do(t, req{method: "POST", path: "/api/auth/webauthn/login-options", body: body})
		assert.Equal(t, http.StatusBadRequest, rec.Code, body)
		assert.Equal(t, "email", decode(t, rec)["field"], body)
	}
}

func TestPasskeyBadRequests(t *testing.T) {
	p := newPasskeyEnv(t)
	a := p.register(t, "kofi@gov.gh")
	tests := []struct {
		name       string
		path       string
		token      string
		body       string
		wantStatus int
		wantField  string
	}{
		{"register no credential", "/api/auth/webauthn/register-complete", a.Token, `{"name":"x"}`, 400, "credential"},
		{"register garbage credential", "/api/auth/webauthn/register-complete", a.Token, `{"credential":{"id":"x"}}`, 400, "credential"},
		{"register unknown challenge", "/api/auth/webauthn/register-complete", a.Token,
			`{"credential":{"id":"AQID","rawId":"AQID","type":"public-key","response":{"clientDataJSON":"eyJjaGFsbGVuZ2UiOiJBQUFBQUFBQUFBQUFBQUFBQUFBQUFBIn0"}}}`, 400, ""},
		{"login no credential", "/api/auth/webauthn/login-complete", "", `{}`, 400, "credential"},
		{"login unknown challenge", "/api/auth/webauthn/login-complete", "",
			`{"credential":{"id":"AQID","rawId":"AQID","type":"public-key","response":{"clientDataJSON":"eyJjaGFsbGVuZ2UiOiJBQUFBQUFBQUFBQUFBQUFBQUFBQUFBIn0"}}}`, 401, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := p.do(t, req{method: "POST", path: tt.path, token: tt.token, body: tt.body})
			assert.Equal(t, tt.wantStatus, rec.Code, rec.Body.String())
			if tt.wantField != "" {
				assert.Equal(t, tt.wantField, decode(t, rec)["field"])
			}
		})
	}
}

func TestPasskeysUnavailableWithoutService(t *testing.T) {
	e := newEnv(t, nil)
	a := e.register(t, "plain@gov.gh")
	rec := e.do(t, req{method: "POST", path: "/api/auth/webauthn/register-options", token: a.Token})
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
	rec = e.do(t, req{method: "POST", path: "/api/auth/webauthn/login-options", body: `{"email":"plain@gov.gh"}`})
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
}
