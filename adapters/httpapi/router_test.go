package httpapi_test

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/httpapi"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/test/testkit"
)

func TestRouterBuilds(t *testing.T) {
	e := newEnv(t, nil)
	g, ok := e.h.(*gin.Engine)
	require.True(t, ok, "New returns the *gin.Engine")
	assert.Len(t, g.Routes(), len(httpapi.Routes()))
}

func TestNewRejectsBadInput(t *testing.T) {
	_, err := httpapi.New(httpapi.Deps{}, httpapi.Options{})
	assert.ErrorContains(t, err, "Identity")
	_, err = httpapi.New(httpapi.Deps{Identity: newService(nil, testkit.NewClock(t0))}, httpapi.Options{BodyLimit: -1})
	assert.Error(t, err)
}

var ginParam = regexp.MustCompile(`[:*]([A-Za-z0-9_]+)`)

func openAPIPath(ginPath string) string {
	return ginParam.ReplaceAllString(ginPath, "{$1}")
}

func TestOpenAPICoversEveryRoute(t *testing.T) {
	doc, _ := openAPIRouter(t)
	require.NoError(t, doc.Validate(t.Context()))
	e := newEnv(t, nil)
	g := e.h.(*gin.Engine)

	routed := map[string]bool{}
	for _, r := range g.Routes() {
		p := openAPIPath(r.Path)
		key := r.Method + " " + p
		routed[key] = true
		item := doc.Paths.Find(p)
		if !assert.NotNil(t, item, "route %s is not in the OpenAPI document", key) {
			continue
		}
		assert.NotNil(t, item.GetOperation(r.Method), "route %s has no OpenAPI operation", key)
	}
	for p, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			assert.True(t, routed[method+" "+p], "OpenAPI operation %s %s is not routed", method, p)
		}
	}

	// The document states each route's auth level, and a security
	// requirement exactly on the non-public ones.
	for _, r := range httpapi.Routes() {
		op := doc.Paths.Find(openAPIPath(r.Path)).GetOperation(r.Method)
		require.NotNil(t, op)
		assert.Equal(t, r.Level.String(), op.Extensions["x-auth-level"], "%s %s", r.Method, r.Path)
		hasSecurity := op.Security != nil && len(*op.Security) > 0
		assert.Equal(t, r.Level != identity.Public, hasSecurity, "%s %s security", r.Method, r.Path)
	}
}

func TestOpenAPIServed(t *testing.T) {
	e := newEnv(t, nil)
	rec := e.do(t, req{method: "GET", path: "/openapi.json"})
	require.Equal(t, http.StatusOK, rec.Code)
	m := decode(t, rec)
	assert.Equal(t, "3.0.3", m["openapi"])
	assert.Contains(t, m["paths"], "/api/auth/register")
}

// tooLow holds, per guarded level above Authenticated, a role just below it.
var tooLow = map[identity.Level]identity.Role{
	identity.DeptAdmin:  identity.RoleUser,
	identity.Admin:      identity.RoleDeptAdmin,
	identity.SuperAdmin: identity.RoleAdmin,
}

func TestAuthLevels(t *testing.T) {
	e := newEnv(t, nil)
	routes := httpapi.Routes()
	sort.Slice(routes, func(i, j int) bool { return routes[i].Path < routes[j].Path })
	garbage := "sess_" + strings.Repeat("A", 43)
	for i, r := range routes {
		if r.Level == identity.Public || strings.HasPrefix(r.Path, "/api/v1/") {
			continue // /api/v1 takes JWTs: TestV1AuthLevels (programme_test.go) walks it
		}
		path := ginParam.ReplaceAllString(r.Path, "x")
		for _, token := range []string{"", "garbage", garbage} {
			rec := e.do(t, req{method: r.Method, path: path, token: token})
			assert.Equal(t, http.StatusUnauthorized, rec.Code, "%s %s token %q", r.Method, r.Path, token)
			assert.NotEmpty(t, decode(t, rec)["error"])
		}
		low, ok := tooLow[r.Level]
		if !ok {
			continue
		}
		a := e.register(t, fmt.Sprintf("level-%d@gov.gh", i))
		e.store.SetRole(a.ID, low)
		rec := e.do(t, req{method: r.Method, path: path, token: a.Token})
		assert.Equal(t, http.StatusForbidden, rec.Code, "%s %s as %s", r.Method, r.Path, low)
	}
}

func TestRoutesTableLevels(t *testing.T) {
	want := map[string]identity.Level{
		"POST /api/auth/register":            identity.Public,
		"POST /api/auth/login":               identity.Public,
		"POST /api/auth/logout":              identity.Authenticated,
		"GET /api/user/profile":              identity.Authenticated,
		"GET /api/user/sessions":             identity.Authenticated,
		"POST /api/user/sessions/revoke-all": identity.Authenticated,
		"GET /api/user/dashboard":            identity.Authenticated,
		// Second factors, recovery, resets and bootstrap.
		"POST /api/auth/register/verify-totp":         identity.Public,
		"POST /api/user/2fa/setup":                    identity.Authenticated,
		"POST /api/user/2fa/verify":                   identity.Authenticated,
		"POST /api/user/2fa/disable":                  identity.Authenticated,
		"POST /api/auth/recovery-code/regenerate":     identity.Authenticated,
		"POST /api/auth/reset-account":                identity.Public,
		"POST /api/admin/bootstrap":                   identity.Public,
		"GET /api/admin/verify":                       identity.Admin,
		"POST /api/admin/users/:userId/reset-account": identity.SuperAdmin,
		"GET /healthz":                                identity.Public,
		"GET /readyz":                                 identity.Public,
		"GET /metrics":                                identity.Public,
		"GET /openapi.json":                           identity.Public,
		// Passkeys.
		"POST /api/auth/webauthn/register-options":  identity.Authenticated,
		"POST /api/auth/webauthn/register-complete": identity.Authenticated,
		"POST /api/auth/webauthn/login-options":     identity.Public,
		"POST /api/auth/webauthn/login-complete":    identity.Public,
		"GET /api/auth/webauthn/credentials":        identity.Authenticated,
		"DELETE /api/auth/webauthn/credentials/:id": identity.Authenticated,
		// The audit log.
		"GET /api/admin/audit":        identity.Admin,
		"GET /api/admin/audit/verify": identity.SuperAdmin,
		// Tiers and billing.
		"GET /api/pricing":                    identity.Public,
		"GET /api/models":                     identity.Authenticated,
		"GET /api/usage/status":               identity.Authenticated,
		"GET /api/usage/nudge":                identity.Authenticated,
		"POST /api/trial/activate":            identity.Authenticated,
		"GET /api/trial/status":               identity.Authenticated,
		"GET /api/admin/rate-limits":          identity.Admin,
		"PATCH /api/admin/users/:userId/tier": identity.Admin,
		// Chat: conversations, streaming chat, messages, memories, agents, folders.
		"GET /api/conversations":                    identity.Authenticated,
		"POST /api/conversations":                   identity.Authenticated,
		"GET /api/conversations/search":             identity.Authenticated,
		"GET /api/conversations/:id/messages":       identity.Authenticated,
		"DELETE /api/conversations/:id":             identity.Authenticated,
		"PATCH /api/conversations/:id":              identity.Authenticated,
		"POST /api/conversations/:id/share":         identity.Authenticated,
		"DELETE /api/conversations/:id/share":       identity.Authenticated,
		"GET /api/shared/:token":                    identity.Public,
		"GET /api/chat/suggestions/:conversationId": identity.Authenticated,
		"POST /api/chat":                            identity.Authenticated,
		"POST /api/chat/detect-artifact":            identity.Authenticated,
		"POST /api/messages/:id/rate":               identity.Authenticated,
		"POST /api/messages/:id/regenerate":         identity.Authenticated,
		"GET /api/memories":                         identity.Authenticated,
		"POST /api/memories":                        identity.Authenticated,
		"DELETE /api/memories/:id":                  identity.Authenticated,
		"GET /api/admin/users/:userId/memories":     identity.Admin,
		"GET /api/agents":                           identity.Public,
		"GET /api/agents/:id":                       identity.Public,
		"GET /api/admin/agents":                     identity.Admin,
		"POST /api/admin/agents":                    identity.Admin,
		"PATCH /api/admin/agents/:id":               identity.Admin,
		"DELETE /api/admin/agents/:id":              identity.Admin,
		"GET /api/admin/kb":                         identity.Admin,
		"POST /api/admin/kb":                        identity.Admin,
		"PATCH /api/admin/kb/:id":                   identity.Admin,
		"DELETE /api/admin/kb/:id":                  identity.Admin,
		"POST /api/admin/seed-agents":               identity.Admin,
		"GET /api/folders":                          identity.Authenticated,
		"POST /api/folders":                         identity.Authenticated,
		"PATCH /api/folders/:id":                    identity.Authenticated,
		"DELETE /api/folders/:id":                   identity.Authenticated,
		"POST /api/upgrade":                         identity.Authenticated,
		"POST /api/payments/initialize":             identity.Authenticated,
		"POST /api/webhooks/paystack":               identity.Public,
		// Oomus programme accounts (/api/v1; Admin means the is_admin flag).
		"POST /api/v1/auth/register":                    identity.Public,
		"POST /api/v1/auth/login":                       identity.Public,
		"POST /api/v1/auth/2fa/login":                   identity.Public,
		"POST /api/v1/auth/refresh":                     identity.Public,
		"POST /api/v1/auth/logout":                      identity.Authenticated,
		"POST /api/v1/auth/logout-all":                  identity.Authenticated,
		"GET /api/v1/auth/me":                           identity.Authenticated,
		"PATCH /api/v1/auth/me":                         identity.Authenticated,
		"POST /api/v1/auth/change-password":             identity.Authenticated,
		"POST /api/v1/auth/logo":                        identity.Authenticated,
		"POST /api/v1/auth/2fa/setup":                   identity.Authenticated,
		"POST /api/v1/auth/2fa/verify-setup":            identity.Authenticated,
		"DELETE /api/v1/auth/2fa/disable":               identity.Authenticated,
		"GET /api/v1/admin/programmes":                  identity.Admin,
		"GET /api/v1/admin/programmes/":                 identity.Admin,
		"POST /api/v1/admin/programmes":                 identity.Admin,
		"POST /api/v1/admin/programmes/":                identity.Admin,
		"PATCH /api/v1/admin/programmes/:programme_id":  identity.Admin,
		"DELETE /api/v1/admin/programmes/:programme_id": identity.Admin,
		// Geospatial Command Center (/api/v1/geo; the geo_command_center module).
		"GET /api/v1/geo/overview":       identity.Authenticated,
		"GET /api/v1/geo/regions":        identity.Authenticated,
		"GET /api/v1/geo/heatmap":        identity.Authenticated,
		"GET /api/v1/geo/risk-zones":     identity.Authenticated,
		"GET /api/v1/geo/live-events":    identity.Authenticated,
		"GET /api/v1/geo/admin/overview": identity.Admin,
		// Sovereign Wallet (/api/v1/wallet; the sovereign_wallet module).
		"POST /api/v1/wallet/pass":                 identity.Authenticated,
		"GET /api/v1/wallet/pass/:mpi_id":          identity.Authenticated,
		"GET /api/v1/wallet/passes":                identity.Authenticated,
		"POST /api/v1/wallet/pass/:pass_id/revoke": identity.Authenticated,
		"GET /api/v1/wallet/pass/:mpi_id/bundle":   identity.Authenticated,
		"POST /api/v1/wallet/device/register":      identity.Authenticated,
		"GET /api/v1/wallet/devices":               identity.Authenticated,
		"GET /api/v1/wallet/sync":                  identity.Authenticated,
		"GET /api/v1/wallet/sync/history":          identity.Authenticated,
		"GET /api/v1/wallet/stats":                 identity.Authenticated,
		"GET /api/v1/wallet/keys":                  identity.Public,
		"GET /api/v1/wallet/verify":                identity.Public,
		// Oomus MPI registry and Health Trust Score.
		"POST /api/v1/mpi/register":                identity.Authenticated,
		"GET /api/v1/mpi/search":                   identity.Authenticated,
		"POST /api/v1/mpi/match":                   identity.Authenticated,
		"POST /api/v1/mpi/merge":                   identity.Authenticated,
		"GET /api/v1/mpi/resolve-dhis2/:dhis2_uid": identity.Authenticated,
		"GET /api/v1/mpi/:mpi_id":                  identity.Authenticated,
		"PATCH /api/v1/mpi/:mpi_id":                identity.Authenticated,
		"POST /api/v1/mpi/:mpi_id/link-dhis2":      identity.Authenticated,
		"GET /api/v1/mpi/:mpi_id/card":             identity.Authenticated,
		"GET /api/v1/mpi/verify/:token":            identity.Public,
		"POST /api/v1/mpi/admin/:mpi_id/verify":    identity.Admin,
		"GET /api/v1/mpi/admin/stats/global":       identity.Admin,
		"GET /api/v1/mpi/admin/all":                identity.Admin,
		"GET /api/v1/mpi/admin/federation/search":  identity.Admin,
		"GET /api/v1/mpi/trust/me":                 identity.Authenticated,
		"GET /api/v1/mpi/trust/:mpi_id":            identity.Authenticated,
		"POST /api/v1/mpi/trust/:mpi_id/compute":   identity.Authenticated,
		"GET /api/v1/mpi/trust/:mpi_id/history":    identity.Authenticated,
		"GET /api/v1/mpi/trust/:mpi_id/risks":      identity.Authenticated,
		"POST /api/v1/mpi/trust/admin/recompute":   identity.Admin,

		// MPI federation (issue 10): :id is an MPI id for GET, a link id for DELETE.
		"GET /api/v1/mpi/admin/federation/duplicates":   identity.Admin,
		"POST /api/v1/mpi/admin/federation/link":        identity.Admin,
		"GET /api/v1/mpi/admin/federation/links/:id":    identity.Admin,
		"DELETE /api/v1/mpi/admin/federation/links/:id": identity.Admin,
		// Oomus billing (/api/v1/billing, /api/v1/admin recharge queue and stats).
		"GET /api/v1/billing/quota-plans":                            identity.Public,
		"GET /api/v1/billing/quota-plans/":                           identity.Public,
		"PUT /api/v1/billing/quota-plans/:plan":                      identity.Admin,
		"GET /api/v1/billing/balance":                                identity.Authenticated,
		"GET /api/v1/billing/transactions":                           identity.Authenticated,
		"GET /api/v1/billing/transactions/":                          identity.Authenticated,
		"GET /api/v1/billing/ledger":                                 identity.Authenticated,
		"GET /api/v1/billing/my-usage":                               identity.Authenticated,
		"POST /api/v1/billing/recharge-requests":                     identity.Authenticated,
		"POST /api/v1/billing/recharge-requests/":                    identity.Authenticated,
		"GET /api/v1/billing/recharge-requests":                      identity.Authenticated,
		"GET /api/v1/billing/recharge-requests/":                     identity.Authenticated,
		"POST /api/v1/billing/change-plan":                           identity.Authenticated,
		"GET /api/v1/billing/premium-modules":                        identity.Authenticated,
		"GET /api/v1/billing/premium-modules/":                       identity.Authenticated,
		"GET /api/v1/billing/premium-modules/active":                 identity.Authenticated,
		"POST /api/v1/billing/premium-modules/activate":              identity.Authenticated,
		"POST /api/v1/billing/premium-modules/deactivate":            identity.Authenticated,
		"DELETE /api/v1/billing/premium-modules/:module_key":         identity.Authenticated,
		"GET /api/v1/billing/premium-modules/:module_key/access":     identity.Authenticated,
		"GET /api/v1/billing/my-modules":                             identity.Authenticated,
		"GET /api/v1/billing/invoices":                               identity.Authenticated,
		"GET /api/v1/billing/invoices/":                              identity.Authenticated,
		"GET /api/v1/billing/invoices/:invoice_id":                   identity.Authenticated,
		"GET /api/v1/billing/invoices/:invoice_id/verify":            identity.Authenticated,
		"GET /api/v1/billing/invoices/:invoice_id/pdf":               identity.Authenticated,
		"GET /api/v1/billing/v2/invoices":                            identity.Authenticated,
		"GET /api/v1/billing/v2/invoices/":                           identity.Authenticated,
		"GET /api/v1/billing/v2/invoices/:invoice_id":                identity.Authenticated,
		"GET /api/v1/billing/v2/invoices/:invoice_id/verify":         identity.Authenticated,
		"GET /api/v1/billing/v2/invoices/:invoice_id/pdf":            identity.Authenticated,
		"GET /api/v1/admin/recharge-requests":                        identity.Admin,
		"GET /api/v1/admin/recharge-requests/":                       identity.Admin,
		"PATCH /api/v1/admin/recharge-requests/:request_id/validate": identity.Admin,
		"PATCH /api/v1/admin/recharge-requests/:request_id/reject":   identity.Admin,
		"GET /api/v1/admin/stats":                                    identity.Admin,
		// Oomus campaigns, jobs, verification and distribution events.
		"POST /api/v1/campaigns":                           identity.Authenticated,
		"POST /api/v1/campaigns/":                          identity.Authenticated,
		"GET /api/v1/campaigns":                            identity.Authenticated,
		"GET /api/v1/campaigns/":                           identity.Authenticated,
		"GET /api/v1/campaigns/:campaign_id":               identity.Authenticated,
		"PATCH /api/v1/campaigns/:campaign_id":             identity.Authenticated,
		"DELETE /api/v1/campaigns/:campaign_id":            identity.Authenticated,
		"POST /api/v1/campaigns/:campaign_id/restore":      identity.Authenticated,
		"POST /api/v1/campaigns/:campaign_id/jobs":         identity.Authenticated,
		"POST /api/v1/campaigns/:campaign_id/jobs/":        identity.Authenticated,
		"GET /api/v1/jobs":                                 identity.Authenticated,
		"GET /api/v1/jobs/":                                identity.Authenticated,
		"GET /api/v1/jobs/:job_id":                         identity.Authenticated,
		"GET /api/v1/jobs/:job_id/estimate":                identity.Authenticated,
		"POST /api/v1/jobs/:job_id/cancel":                 identity.Authenticated,
		"GET /api/v1/jobs/:job_id/download/:artifact":      identity.Authenticated,
		"GET /api/v1/verify/:code":                         identity.Public,
		"GET /api/v1/verify/ref/:code":                     identity.Public,
		"POST /api/v1/verify/qr":                           identity.Public,
		"GET /api/v1/verify/campaign/:campaign_id/stats":   identity.Authenticated,
		"GET /api/v1/verify/campaign/:campaign_id/offline": identity.Authenticated,
		"POST /api/v1/distribution/events":                 identity.Authenticated,
		// AI Campaign Optimizer (ai_optimizer) and Advanced Analytics
		// (advanced_analytics; /analytics/summary ungated).
		"GET /api/v1/ai/insights":                  identity.Authenticated,
		"GET /api/v1/ai/health-score":              identity.Authenticated,
		"GET /api/v1/ai/forecast":                  identity.Authenticated,
		"GET /api/v1/ai/recommendations":           identity.Authenticated,
		"GET /api/v1/ai/anomalies":                 identity.Authenticated,
		"GET /api/v1/analytics/summary":            identity.Authenticated,
		"GET /api/v1/analytics/studio-stats":       identity.Authenticated,
		"GET /api/v1/analytics/campaigns-timeline": identity.Authenticated,
		"GET /api/v1/analytics/spend-timeline":     identity.Authenticated,
		"GET /api/v1/analytics/campaign-types":     identity.Authenticated,
		"GET /api/v1/analytics/top-campaigns":      identity.Authenticated,
	}
	got := map[string]identity.Level{}
	for _, r := range httpapi.Routes() {
		got[r.Method+" "+r.Path] = r.Level
	}
	assert.Equal(t, want, got)
}

// TestResponseValidationBites proves the OpenAPI check used by every handler
// test rejects a response the document does not describe.
func TestResponseValidationBites(t *testing.T) {
	e := newEnv(t, nil)
	a := e.register(t, "bite@gov.gh")
	require.Positive(t, e.validated, "handler tests validate responses")
	hr := httptestRequest("GET", "/api/user/profile", nil)
	hdr := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	tests := []struct {
		name   string
		status int
		body   string
	}{
		{"missing fields", 200, `{"user":{"id":"usr_1"}}`},
		{"wrong type", 200, `{"user":{"id":"usr_1","email":"a","fullName":"b","department":"","tier":"free","role":"user","referralCode":"X","twoFactorEnabled":"no","createdAt":"2025-01-15T08:00:00Z"}}`},
		{"bad role", 200, `{"user":{"id":"usr_1","email":"a","fullName":"b","department":"","tier":"free","role":"god","referralCode":"X","twoFactorEnabled":false,"createdAt":"2025-01-15T08:00:00Z"}}`},
		{"undocumented status", 418, `{"error":"teapot"}`},
		{"error without error", 401, `{"detail":"x"}`},
	}
	for _, tt := range tests {
		checked, err := e.check(hr, tt.status, hdr, []byte(tt.body))
		assert.True(t, checked, tt.name)
		assert.Error(t, err, tt.name)
	}
	rec := e.do(t, req{method: "GET", path: "/api/user/profile", token: a.Token})
	checked, err := e.check(hr, rec.Code, rec.Header(), rec.Body.Bytes())
	assert.True(t, checked)
	assert.NoError(t, err)
}
