package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/httpapi"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
)

func TestCORS(t *testing.T) {
	tests := []struct {
		name       string
		origins    []string
		path       string
		origin     string
		wantOrigin string
		wantVary   bool
	}{
		{name: "api", origins: []string{"https://a.example"}, path: "/api/auth/login", origin: "https://evil.example", wantOrigin: "*"},
		{name: "v1 default star", path: "/api/v1/campaigns", origin: "https://x.example", wantOrigin: "*"},
		{name: "v1 allowed", origins: []string{"https://a.example"}, path: "/api/v1/campaigns", origin: "https://a.example", wantOrigin: "https://a.example", wantVary: true},
		{name: "v1 refused", origins: []string{"https://a.example"}, path: "/api/v1/campaigns", origin: "https://evil.example", wantVary: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil, func(_ *httpapi.Deps, o *httpapi.Options) { o.CORSOrigins = tt.origins })
			rec := e.do(t, req{method: "OPTIONS", path: tt.path, headers: map[string]string{
				"Origin": tt.origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type",
			}})
			assert.Equal(t, http.StatusNoContent, rec.Code)
			assert.Empty(t, rec.Body.String())
			h := rec.Header()
			assert.Equal(t, tt.wantOrigin, h.Get("Access-Control-Allow-Origin"))
			assert.Equal(t, "GET, POST, PUT, PATCH, DELETE, OPTIONS", h.Get("Access-Control-Allow-Methods"))
			assert.Equal(t, "Content-Type, Authorization", h.Get("Access-Control-Allow-Headers"))
			if tt.wantVary {
				assert.Equal(t, "Origin", h.Get("Vary"))
			} else {
				assert.Empty(t, h.Get("Vary"))
			}
		})
	}

	// Actual (non-preflight) responses carry the headers too, errors included.
	e := newEnv(t, nil)
	rec := e.do(t, req{method: "GET", path: "/api/user/profile", headers: map[string]string{"Origin": "https://x.example"}})
	assert.Equal(t, http.StatusUnauthorized, rec.Code)
	assert.Equal(t, "*", rec.Header().Get("Access-Control-Allow-Origin"))
	rec = e.do(t, req{method: "GET", path: "/healthz"})
	assert.Empty(t, rec.Header().Get("Access-Control-Allow-Origin"))
}

func TestRequestID(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		give string
		keep bool
	}{
		{give: "abc-DEF_123", keep: true},
		{give: strings.Repeat("a", 64), keep: true},
		{give: strings.Repeat("a", 65)},
		{give: "has space"},
		{give: "semi;colon"},
		{give: ""},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		rec := e.do(t, req{method: "GET", path: "/healthz", headers: map[string]string{"X-Request-ID": tt.give}})
		got := rec.Header().Get("X-Request-ID")
		if tt.keep {
			assert.Equal(t, tt.give, got)
			continue
		}
		assert.Regexp(t, `^[A-Za-z0-9_-]{1,64}$`, got)
		assert.NotEqual(t, tt.give, got)
		assert.False(t, seen[got], "request IDs repeat")
		seen[got] = true
	}
}

func testRoutes() func(*env, *gin.Engine) {
	return func(_ *env, g *gin.Engine) {
		boom := func(c *gin.Context) { panic("kaboom") }
		g.GET("/api/test/panic", boom)
		g.GET("/api/v1/test/panic", boom)
		for _, kind := range []fault.Kind{fault.Internal, fault.Invalid, fault.Unauthenticated, fault.Forbidden, fault.NotFound,
			fault.Conflict, fault.PaymentRequired, fault.TooLarge, fault.RateLimited, fault.NotImplemented, fault.Unavailable} {
			h := func(c *gin.Context) {
				fe := &fault.Error{Kind: kind, Code: "test." + kind.String(), Msg: "public " + kind.String(), Err: errors.New("secret cause")}
				if kind == fault.Invalid {
					fe = fe.WithField("name")
				}
				if kind == fault.RateLimited {
					fe.RetryAfterSeconds = 60
				}
				if kind == fault.Unauthenticated {
					fe = fe.With("totpRequired", true)
				}
				httpapi.Fail(c, fe)
			}
			g.GET("/api/test/err/"+kind.String(), h)
			g.GET("/api/v1/test/err/"+kind.String(), h)
		}
		g.GET("/api/test/plain-error", func(c *gin.Context) { httpapi.Fail(c, errors.New("db password in message")) })
	}
}

func TestPanicRecovery(t *testing.T) {
	e := newEnv(t, testRoutes())
	rec := e.do(t, req{method: "GET", path: "/api/test/panic", headers: map[string]string{"X-Request-ID": "req-panic-1"}})
	assert.Equal(t, http.StatusInternalServerError, rec.Code)
	assert.JSONEq(t, `{"error":"Internal server error"}`, rec.Body.String())
	assert.Equal(t, "req-panic-1", rec.Header().Get("X-Request-ID"))

	rec = e.do(t, req{method: "GET", path: "/api/v1/test/panic"})
	assert.Equal(t, http.StatusInternalServerError, rec.Code)
	assert.JSONEq(t, `{"detail":"Internal server error","code":"internal"}`, rec.Body.String())

	logs := e.logs.String()
	assert.Equal(t, 2, strings.Count(logs, "kaboom"), "the panic is logged once per request")
	assert.Contains(t, logs, `"request_id":"req-panic-1"`)
	assert.Contains(t, logs, `"route":"/api/test/panic"`)
}

func TestErrorTable(t *testing.T) {
	e := newEnv(t, testRoutes())
	tests := []struct {
		kind          fault.Kind
		api, v1       int
		wantPublicMsg bool
	}{
		{fault.Internal, 500, 500, false},
		{fault.Invalid, 400, 422, true},
		{fault.Unauthenticated, 401, 401, true},
		{fault.Forbidden, 403, 403, true},
		{fault.NotFound, 404, 404, true},
		{fault.Conflict, 409, 409, true},
		{fault.PaymentRequired, 402, 402, true},
		{fault.TooLarge, 413, 413, true},
		{fault.RateLimited, 429, 429, true},
		{fault.NotImplemented, 501, 501, true},
		{fault.Unavailable, 503, 503, true},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String(), func(t *testing.T) {
			rec := e.do(t, req{method: "GET", path: "/api/test/err/" + tt.kind.String()})
			assert.Equal(t, tt.api, rec.Code)
			m := decode(t, rec)
			assert.NotContains(t, rec.Body.String(), "secret cause")
			if tt.wantPublicMsg {
				assert.Equal(t, "public "+tt.kind.String(), m["error"])
			} else {
				assert.Equal(t, "Internal server error", m["error"])
			}
			switch tt.kind {
			case fault.Invalid:
				assert.Equal(t, "name", m["field"])
			case fault.RateLimited:
				assert.Equal(t, float64(60), m["retryAfter"])
				assert.Equal(t, "60", rec.Header().Get("Retry-After"))
			case fault.Unauthenticated:
				assert.Equal(t, true, m["totpRequired"])
			}

			rec = e.do(t, req{method: "GET", path: "/api/v1/test/err/" + tt.kind.String()})
			assert.Equal(t, tt.v1, rec.Code)
			m = decode(t, rec)
			assert.NotContains(t, m, "error")
			if tt.wantPublicMsg {
				assert.Equal(t, "public "+tt.kind.String(), m["detail"])
				assert.Equal(t, "test."+tt.kind.String(), m["code"])
			} else {
				assert.Equal(t, "Internal server error", m["detail"])
				assert.Equal(t, "internal", m["code"])
			}
			if tt.kind == fault.Invalid {
				assert.Equal(t, "name", m["field"])
			} else {
				assert.NotContains(t, m, "field")
			}
		})
	}

	rec := e.do(t, req{method: "GET", path: "/api/test/plain-error", headers: map[string]string{"X-Request-ID": "plain-1"}})
	assert.Equal(t, http.StatusInternalServerError, rec.Code)
	assert.JSONEq(t, `{"error":"Internal server error"}`, rec.Body.String())
	logs := e.logs.String()
	assert.Equal(t, 1, strings.Count(logs, "db password in message"), "a 5xx cause is logged once")
	assert.Contains(t, logs, `"request_id":"plain-1"`)
}

func TestUnknownRoutes(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		method, path string
		wantStatus   int
		wantBody     string
	}{
		{"GET", "/api/v1/nope", 404, `{"detail":"Not found","code":"not_found"}`},
		{"GET", "/api/v1", 404, `{"detail":"Not found","code":"not_found"}`},
		{"GET", "/api/nope", 404, `{"error":"Not found"}`},
		{"GET", "/nope", 404, `{"error":"Not found"}`},
		{"GET", "/api/auth/login/", 404, `{"error":"Not found"}`},
		{"GET", "/api/auth/login", 405, `{"error":"Method not allowed"}`},
		{"DELETE", "/api/user/profile", 405, `{"error":"Method not allowed"}`},
	}
	for _, tt := range tests {
		rec := e.do(t, req{method: tt.method, path: tt.path})
		assert.Equal(t, tt.wantStatus, rec.Code, tt.path)
		assert.JSONEq(t, tt.wantBody, rec.Body.String(), tt.path)
		if tt.wantStatus == 405 {
			assert.NotEmpty(t, rec.Header().Get("Allow"))
		}
	}
}

type pinger struct {
	name string
	err  error
}

func (p pinger) Ping(context.Context) error { return p.err }
func (p pinger) Name() string               { return p.name }

func TestSystemEndpoints(t *testing.T) {
	reg := prometheus.NewRegistry()
	e := newEnv(t, nil, func(d *httpapi.Deps, _ *httpapi.Options) {
		d.Metrics = reg
		d.Ready = append(d.Ready, pinger{name: "database"}, pinger{name: "redis", err: fault.New(fault.Unavailable, "down", "down")})
	})
	rec := e.do(t, req{method: "GET", path: "/healthz"})
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.JSONEq(t, `{"status":"ok"}`, rec.Body.String())

	rec = e.do(t, req{method: "GET", path: "/readyz"})
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
	assert.JSONEq(t, `{"status":"unavailable","failed":["redis"]}`, rec.Body.String())

	ok := newEnv(t, nil, func(d *httpapi.Deps, _ *httpapi.Options) { d.Ready = append(d.Ready, pinger{name: "database"}) })
	rec = ok.do(t, req{method: "GET", path: "/readyz"})
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.JSONEq(t, `{"status":"ready"}`, rec.Body.String())

	e.do(t, req{method: "GET", path: "/api/nope"})
	rec = e.do(t, req{method: "GET", path: "/metrics"})
	require.Equal(t, http.StatusOK, rec.Code)
	body := rec.Body.String()
	assert.Contains(t, body, `kente_http_requests_total{method="GET",route="/healthz",status="200"} 1`)
	assert.Contains(t, body, `kente_http_requests_total{method="GET",route="unmatched",status="404"} 1`)
	assert.Contains(t, body, `kente_http_request_duration_seconds_count{method="GET",route="/readyz"} 1`)

	// A second engine on the same registry shares the collectors.
	_, err := httpapi.New(httpapi.Deps{Identity: e.svc, Metrics: reg}, httpapi.Options{})
	assert.NoError(t, err)
}

func TestAccessLogHasNoSecrets(t *testing.T) {
	e := newEnv(t, nil)
	a := e.register(t, "log@gov.gh")
	e.do(t, req{method: "GET", path: "/api/user/profile", token: a.Token})
	logs := e.logs.String()
	assert.Contains(t, logs, `"route":"/api/user/profile"`)
	assert.NotContains(t, logs, a.Token)
	assert.NotContains(t, logs, a.AccessCode)
	assert.NotContains(t, logs, "log@gov.gh")
}

func TestClientIPAndTrustedProxies(t *testing.T) {
	tests := []struct {
		name    string
		trusted []netip.Prefix
		remote  string
		xff     string
		wantIP  string
	}{
		{name: "no proxies trusted", remote: "192.0.2.1:1000", xff: "198.51.100.7", wantIP: "192.0.x.x"},
		{name: "trusted peer", trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, remote: "10.1.2.3:1000",
			xff: "198.51.100.7, 203.0.113.9", wantIP: "203.0.x.x"},
		{name: "trusted chain", trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, remote: "10.1.2.3:1000",
			xff: "198.51.100.7, 10.9.9.9", wantIP: "198.51.x.x"},
		{name: "untrusted peer", trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, remote: "192.0.2.1:1000",
			xff: "203.0.113.9", wantIP: "192.0.x.x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil, func(_ *httpapi.Deps, o *httpapi.Options) { o.TrustedProxies = tt.trusted })
			rec := e.do(t, req{method: "POST", path: "/api/auth/register", body: `{"email":"ip@gov.gh","fullName":"Ip Test"}`,
				remote: tt.remote, headers: map[string]string{"X-Forwarded-For": tt.xff}})
			require.Equal(t, http.StatusCreated, rec.Code)
			token := decode(t, rec)["token"].(string)
			rec = e.do(t, req{method: "GET", path: "/api/user/sessions", token: token, remote: tt.remote,
				headers: map[string]string{"X-Forwarded-For": tt.xff}})
			require.Equal(t, http.StatusOK, rec.Code)
			assert.Equal(t, tt.wantIP, decode(t, rec)["sessions"].([]any)[0].(map[string]any)["ip"])
		})
	}
}

func TestGuards(t *testing.T) {
	levels := []identity.Level{identity.Authenticated, identity.DeptAdmin, identity.Admin, identity.SuperAdmin}
	svcEnv := newEnv(t, func(e *env, g *gin.Engine) {
		for _, l := range levels {
			chain := append(httpapi.Guard(e.svc, l), func(c *gin.Context) { c.JSON(200, gin.H{"ok": true}) })
			g.GET("/api/test/level/"+l.String(), chain...)
		}
	})
	roles := []identity.Role{identity.RoleUser, identity.RoleDeptAdmin, identity.RoleAdmin, identity.RoleSuperAdmin}
	for _, role := range roles {
		a := svcEnv.register(t, "role-"+string(role)+"@gov.gh")
		svcEnv.store.SetRole(a.ID, role)
		for _, l := range levels {
			path := "/api/test/level/" + l.String()
			rec := svcEnv.do(t, req{method: "GET", path: path, token: a.Token})
			want := http.StatusForbidden
			if role.Allows(l) {
				want = http.StatusOK
			}
			assert.Equal(t, want, rec.Code, "%s at %s", role, l)
			rec = svcEnv.do(t, req{method: "GET", path: path})
			assert.Equal(t, http.StatusUnauthorized, rec.Code)
		}
	}
}
