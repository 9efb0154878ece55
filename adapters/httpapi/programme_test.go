package httpapi_test

import (
	"crypto/rand"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/httpapi"
	"github.com/kente-gov/kente/adapters/httpapi/internal/memstore"
	"github.com/kente-gov/kente/adapters/jwtauth"
	"github.com/kente-gov/kente/app/programmesvc"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/core/programme"
	"github.com/kente-gov/kente/test/testkit"
)

// v1Env is an env whose /api/v1 account routes run on in-memory fakes.
type v1Env struct {
	*env
	progs *memstore.Programmes
	codec *jwtauth.Codec
	pclk  *testkit.Clock
}

const v1Pass = "Kente-2026-Strong"

func newV1Env(t *testing.T) *v1Env {
	t.Helper()
	v := &v1Env{progs: memstore.NewProgrammes(), pclk: testkit.NewClock(t0)}
	var err error
	v.codec, err = jwtauth.New([]byte(strings.Repeat("j", 32)), "", "")
	require.NoError(t, err)
	svc := programmesvc.New(programmesvc.Deps{
		Programmes: v.progs, Users: v.progs, Sessions: v.progs, Modules: v.progs, Tokens: v.codec,
		Tx: memstore.New(), Counters: memstore.NewCounters(), Audit: &testkit.AuditRecorder{}, Clock: v.pclk, Rand: rand.Reader,
	}, programmesvc.Options{Pepper: []byte(strings.Repeat("p", 32)), Hash: identity.TestHashParams})
	v.env = newEnv(t, nil, func(d *httpapi.Deps, _ *httpapi.Options) { d.Programmes = svc })
	return v
}

// account registers and logs in a programme; it returns its id and token.
func (v *v1Env) account(t *testing.T, email string) (id, token string) {
	t.Helper()
	rec := v.do(t, req{method: "POST", path: "/api/v1/auth/register",
		body: `{"email":"` + email + `","password":"` + v1Pass + `","name":"PEV Test","country":"SN"}`})
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	id = decode(t, rec)["id"].(string)
	rec = v.do(t, req{method: "POST", path: "/api/v1/auth/login", body: `{"email":"` + email + `","password":"` + v1Pass + `"}`})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	return id, decode(t, rec)["access_token"].(string)
}

func requireV1Body(t *testing.T, v *v1Env, r req, status int, code string) {
	t.Helper()
	rec := v.do(t, r)
	require.Equal(t, status, rec.Code, "%s %s: %s", r.method, r.path, rec.Body.String())
	m := decode(t, rec)
	assert.NotEmpty(t, m["detail"], "%s %s", r.method, r.path)
	assert.NotContains(t, m, "error", "%s %s answers in the /api/v1 shape", r.method, r.path)
	if code != "" {
		assert.Equal(t, code, m["code"], "%s %s", r.method, r.path)
	}
}

// TestV1AuthLevels walks every non-public /api/v1 route: 401 in the v1
// shape without a token, with garbage, with a token of another key and
// with an expired one; 403 for a non-admin on every admin route.
func TestV1AuthLevels(t *testing.T) {
	v := newV1Env(t)
	pid, token := v.account(t, "levels@sante.sn")
	p, err := v.codec.Parse(token, t0)
	require.NoError(t, err)

	foreign, err := jwtauth.New([]byte(strings.Repeat("f", 32)), "", "")
	require.NoError(t, err)
	forged, err := foreign.Sign(p)
	require.NoError(t, err)
	old := p
	old.IssuedAt, old.ExpiresAt = t0.Add(-2*time.Hour), t0.Add(-time.Hour)
	expired, err := v.codec.Sign(old)
	require.NoError(t, err)
	twoFA := p
	twoFA.Purpose, twoFA.SessionID, twoFA.Role = programme.PurposeTwoFactor, "", ""
	wrongPurpose, err := v.codec.Sign(twoFA)
	require.NoError(t, err)
	bad := map[string]string{"none": "", "garbage": "garbage", "refresh token": "ort_" + strings.Repeat("A", 43),
		"another key": forged, "expired": expired, "2fa token": wrongPurpose}

	routes := httpapi.Routes()
	sort.Slice(routes, func(i, j int) bool { return routes[i].Method+routes[i].Path < routes[j].Method+routes[j].Path })
	var walked, admins int
	for _, r := range routes {
		if !strings.HasPrefix(r.Path, "/api/v1/") {
			continue
		}
		require.Contains(t, []identity.Level{identity.Public, identity.Authenticated, identity.Admin}, r.Level, "%s %s", r.Method, r.Path)
		if r.Level == identity.Public {
			continue
		}
		walked++
		path := ginParam.ReplaceAllString(r.Path, pid)
		for name, tok := range bad {
			t.Run(r.Method+" "+r.Path+" "+name, func(t *testing.T) {
				requireV1Body(t, v, req{method: r.Method, path: path, token: tok}, http.StatusUnauthorized, "")
			})
		}
		if r.Level == identity.Admin {
			admins++
			requireV1Body(t, v, req{method: r.Method, path: path, token: token}, http.StatusForbidden, "programme.admin_required")
		}
	}
	assert.GreaterOrEqual(t, walked, 15, "every authenticated /api/v1 route is walked")
	assert.GreaterOrEqual(t, admins, 6, "every admin route is walked")
	// The token itself was good all along.
	rec := v.do(t, req{method: "GET", path: "/api/v1/auth/me", token: token})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
}

func TestV1ErrorsAndAliases(t *testing.T) {
	v := newV1Env(t)
	_, token := v.account(t, "alias@sante.sn")

	// Invalid input is 422 naming the field; a wrong content type 415.
	rec := v.do(t, req{method: "POST", path: "/api/v1/auth/register", body: `{"email":"x@s.sn","password":"` + v1Pass + `","name":"X Y","country":"FR"}`})
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code, rec.Body.String())
	assert.Equal(t, map[string]any{"detail": decode(t, rec)["detail"], "code": "programme.country_unsupported", "field": "country"}, decode(t, rec))
	rec = v.do(t, req{method: "POST", path: "/api/v1/auth/login", body: `{"email":`})
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code, rec.Body.String())
	rec = v.do(t, req{method: "POST", path: "/api/v1/auth/login", body: `x`, headers: map[string]string{"Content-Type": "text/plain"}})
	assert.Equal(t, http.StatusUnsupportedMediaType, rec.Code, rec.Body.String())

	// organization is an alias of name on PATCH me.
	rec = v.do(t, req{method: "PATCH", path: "/api/v1/auth/me", token: token, body: `{"organization":"Ministère de la Santé"}`})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, "Ministère de la Santé", decode(t, rec)["name"])

	// The older {email, code} 2FA login is refused on totp_token.
	rec = v.do(t, req{method: "POST", path: "/api/v1/auth/2fa/login", body: `{"email":"alias@sante.sn","code":"123456"}`})
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code, rec.Body.String())
	assert.Equal(t, "totp_token", decode(t, rec)["field"])

	// Lockout answers 429 with Retry-After.
	for range 5 {
		rec = v.do(t, req{method: "POST", path: "/api/v1/auth/login", body: `{"email":"alias@sante.sn","password":"Wrong-Pass-123"}`})
		require.Equal(t, http.StatusUnauthorized, rec.Code, rec.Body.String())
	}
	rec = v.do(t, req{method: "POST", path: "/api/v1/auth/login", body: `{"email":"alias@sante.sn","password":"` + v1Pass + `"}`})
	require.Equal(t, http.StatusTooManyRequests, rec.Code, rec.Body.String())
	assert.Equal(t, "30", rec.Header().Get("Retry-After"))
	v.pclk.Add(31 * time.Second)
	rec = v.do(t, req{method: "POST", path: "/api/v1/auth/login", body: `{"email":"alias@sante.sn","password":"` + v1Pass + `"}`})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
}

func TestV1WithoutProgrammesIs503(t *testing.T) {
	e := newEnv(t, nil)
	rec := e.do(t, req{method: "POST", path: "/api/v1/auth/login", body: `{"email":"a@s.sn","password":"x"}`})
	require.Equal(t, http.StatusServiceUnavailable, rec.Code, rec.Body.String())
	assert.Equal(t, "programme.unavailable", decode(t, rec)["code"])
	rec = e.do(t, req{method: "GET", path: "/api/v1/auth/me", token: "x"})
	require.Equal(t, http.StatusServiceUnavailable, rec.Code, rec.Body.String())
}
