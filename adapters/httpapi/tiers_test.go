package httpapi_test

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/httpapi"
	"github.com/kente-gov/kente/adapters/httpapi/internal/memstore"
	"github.com/kente-gov/kente/adapters/paystack"
	"github.com/kente-gov/kente/adapters/paystack/paystacktest"
	"github.com/kente-gov/kente/adapters/ratelimit/memory"
	"github.com/kente-gov/kente/app/billingsvc"
	"github.com/kente-gov/kente/app/tiersvc"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/core/ratelimit"
	"github.com/kente-gov/kente/core/tier"
	"github.com/kente-gov/kente/ports"
	"github.com/kente-gov/kente/test/testkit"
)

// lazyUsers lets an envOpt build services before newEnv has made the
// store; no request is served before it is set.
type lazyUsers struct{ ports.UserStore }

type tierEnv struct {
	*env
	tiers *tiersvc.Service
	bill  *memstore.Billing
	audit *testkit.AuditRecorder
	fake  *paystacktest.Server
}

// newTierEnv builds the handler with the tiers and (when gateway) billing
// services on in-memory stores, and a test-only message route
// POST /test/message guarded like chat.
func newTierEnv(t *testing.T, cat tier.Catalog, gateway bool) *tierEnv {
	te := &tierEnv{bill: memstore.NewBilling(), audit: &testkit.AuditRecorder{}}
	users := &lazyUsers{}
	var clock ports.Clock
	opt := func(d *httpapi.Deps, _ *httpapi.Options) {}
	te.env = newEnv(t, func(e *env, g *gin.Engine) {
		clock = e.clock
		te.tiers = tiersvc.New(tiersvc.Deps{Users: users, Subs: te.bill, Usage: te.bill, Limits: memory.New(),
			Tx: e.store, Audit: te.audit, Clock: clock}, cat)
		g.POST("/test/message", append(httpapi.MessageGuard(e.svc, te.tiers), func(c *gin.Context) { c.JSON(200, gin.H{"ok": true}) })...)
	}, opt)
	users.UserStore = te.store
	// Rebuild with the services in Deps (the extra route above needed the
	// env's clock and identity service first).
	d := httpapi.Deps{Identity: te.svc, Tiers: te.tiers}
	if gateway {
		te.fake = paystacktest.New(t)
		gw, err := paystack.New(paystack.Config{SecretKey: paystacktest.SecretKey, BaseURL: te.fake.URL})
		require.NoError(t, err)
		d.Billing = billingsvc.New(billingsvc.Deps{Gateway: gw, Payments: te.bill, Tiers: te.tiers, Tx: te.store,
			Clock: clock, Rand: rand.Reader}, billingsvc.Options{})
	} else {
		d.Billing = billingsvc.New(billingsvc.Deps{Payments: te.bill, Tiers: te.tiers, Tx: te.store, Clock: clock, Rand: rand.Reader}, billingsvc.Options{})
	}
	h, err := httpapi.NewWithExtraRoutes(d, httpapi.Options{}, func(g *gin.Engine) {
		g.POST("/test/message", append(httpapi.MessageGuard(te.svc, te.tiers), func(c *gin.Context) { c.JSON(200, gin.H{"ok": true}) })...)
	})
	require.NoError(t, err)
	te.h = h
	return te
}

func TestRateLimitHeadersOnEveryAuthenticatedResponse(t *testing.T) {
	cat := tier.DefaultCatalog()
	cat.General = ratelimit.PerMinute(5)
	te := newTierEnv(t, cat, false)
	a := te.register(t, "limits@gov.gh")
	for i := range 5 {
		rec := te.do(t, req{method: "GET", path: "/api/user/profile", token: a.Token})
		require.Equal(t, http.StatusOK, rec.Code)
		assert.Equal(t, "5", rec.Header().Get("X-RateLimit-Limit"))
		assert.Equal(t, strconv.Itoa(4-i), rec.Header().Get("X-RateLimit-Remaining"))
		assert.Equal(t, strconv.FormatInt(t0.Add(time.Duration(i+1)*12*time.Second).Unix(), 10), rec.Header().Get("X-RateLimit-Reset"))
		assert.Equal(t, `"general";q=5;w=60`, rec.Header().Get("RateLimit-Policy"))
		assert.Equal(t, fmt.Sprintf(`"general";r=%d;t=%d`, 4-i, (i+1)*12), rec.Header().Get("RateLimit"))
	}
	rec := te.do(t, req{method: "GET", path: "/api/usage/status", token: a.Token})
	require.Equal(t, http.StatusTooManyRequests, rec.Code)
	assert.Equal(t, "12", rec.Header().Get("Retry-After"))
	m := decode(t, rec)
	assert.Equal(t, "Rate limit exceeded. Upgrade your plan for more messages.", m["error"])
	assert.Equal(t, float64(12), m["retryAfter"])
	assert.Equal(t, "0", rec.Header().Get("X-RateLimit-Remaining"))

	// Limits are per user, never per IP: another user on the same address
	// is unaffected; after one interval the first is admitted again.
	b := te.register(t, "other@gov.gh")
	assert.Equal(t, http.StatusOK, te.do(t, req{method: "GET", path: "/api/usage/status", token: b.Token}).Code)
	te.clock.Add(12 * time.Second)
	assert.Equal(t, http.StatusOK, te.do(t, req{method: "GET", path: "/api/usage/status", token: a.Token}).Code)
	// Public routes carry no rate-limit headers.
	assert.Empty(t, te.do(t, req{method: "GET", path: "/api/pricing"}).Header().Get("X-RateLimit-Limit"))
}

func TestMessageQuota(t *testing.T) {
	te := newTierEnv(t, tier.DefaultCatalog(), false)
	a := te.register(t, "quota@gov.gh")
	send := func() *http.Response {
		rec := te.do(t, req{method: "POST", path: "/test/message", token: a.Token, body: `{}`})
		return rec.Result()
	}
	// Free: 3 a minute.
	for i := range 3 {
		res := send()
		require.Equal(t, http.StatusOK, res.StatusCode)
		// The binding window is the minute (3 - i - 1 left) until the day
		// has fewer left.
		assert.Equal(t, strconv.Itoa(2-i), res.Header.Get("X-RateLimit-Remaining"))
		assert.Equal(t, "3", res.Header.Get("X-RateLimit-Limit"))
	}
	res := send()
	require.Equal(t, http.StatusTooManyRequests, res.StatusCode)
	assert.Equal(t, "20", res.Header.Get("Retry-After"))

	// Over the day: 10 messages, then refused until midnight UTC.
	for range 7 {
		te.clock.Add(time.Minute)
		require.Equal(t, http.StatusOK, send().StatusCode)
	}
	te.clock.Add(time.Minute)
	res = send()
	require.Equal(t, http.StatusTooManyRequests, res.StatusCode)
	assert.Equal(t, "10", res.Header.Get("X-RateLimit-Limit"), "the day binds")
	assert.Equal(t, "0", res.Header.Get("X-RateLimit-Remaining"))
	midnight := tier.NextReset(te.clock.Now())
	assert.Equal(t, strconv.FormatInt(midnight.Unix(), 10), res.Header.Get("X-RateLimit-Reset"))
	assert.Equal(t, strconv.Itoa(int(midnight.Sub(te.clock.Now())/time.Second)), res.Header.Get("Retry-After"))

	rec := te.do(t, req{method: "GET", path: "/api/usage/status", token: a.Token})
	require.Equal(t, http.StatusOK, rec.Code)
	u := decode(t, rec)["usage"].(map[string]any)
	assert.Equal(t, float64(10), u["messagesUsed"])
	assert.Equal(t, float64(10), u["messagesLimit"])
	assert.Equal(t, "free", u["tier"])
	assert.Equal(t, midnight.Format(time.RFC3339), u["resetsAt"])

	te.clock.Set(midnight)
	assert.Equal(t, http.StatusOK, send().StatusCode, "a new UTC day")
}

func TestPricingModelsTrialAndAdminTier(t *testing.T) {
	te := newTierEnv(t, tier.DefaultCatalog(), false)
	rec := te.do(t, req{method: "GET", path: "/api/pricing"})
	require.Equal(t, http.StatusOK, rec.Code)
	var pr struct {
		Tiers []map[string]any `json:"tiers"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &pr))
	require.Len(t, pr.Tiers, 4)
	assert.Equal(t, []any{"free", float64(0)}, []any{pr.Tiers[0]["id"], pr.Tiers[0]["price"]})
	assert.Equal(t, []any{"professional", float64(60), "monthly"}, []any{pr.Tiers[2]["id"], pr.Tiers[2]["price"], pr.Tiers[2]["period"]})
	assert.NotContains(t, pr.Tiers[2], "studentPrice")

	a := te.register(t, "trial@gov.gh")
	rec = te.do(t, req{method: "GET", path: "/api/models", token: a.Token})
	require.Equal(t, http.StatusOK, rec.Code)
	avail := map[string]bool{}
	for _, m := range decode(t, rec)["models"].([]any) {
		mm := m.(map[string]any)
		avail[mm["id"].(string)] = mm["available"].(bool)
	}
	assert.True(t, avail["@cf/meta/llama-3.1-8b-instruct"])
	assert.False(t, avail["@cf/meta/llama-3.1-70b-instruct"])
	assert.False(t, avail["@cf/meta/llama-3.2-11b-vision-instruct"])

	rec = te.do(t, req{method: "POST", path: "/api/trial/activate", token: a.Token})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	m := decode(t, rec)
	assert.Equal(t, "professional", m["tier"])
	assert.Equal(t, t0.Add(72*time.Hour).Format(time.RFC3339), m["trialEnd"])
	rec = te.do(t, req{method: "POST", path: "/api/trial/activate", token: a.Token, body: `{}`})
	assert.Equal(t, http.StatusBadRequest, rec.Code)
	assert.Equal(t, "You have already used your free trial", decode(t, rec)["error"])
	rec = te.do(t, req{method: "GET", path: "/api/trial/status", token: a.Token})
	tr := decode(t, rec)["trial"].(map[string]any)
	assert.Equal(t, true, tr["active"])
	assert.Equal(t, float64(3), tr["daysRemaining"])
	rec = te.do(t, req{method: "GET", path: "/api/models", token: a.Token})
	assert.Equal(t, "professional", decode(t, rec)["tier"], "the trial counts as professional")

	// Admin grant: audited, mirrored, validated.
	admin := te.register(t, "admin@gov.gh")
	te.store.SetRole(admin.ID, identity.RoleAdmin)
	rec = te.do(t, req{method: "PATCH", path: "/api/admin/users/" + a.ID + "/tier", token: admin.Token, body: `{"tier":"gold"}`})
	assert.Equal(t, http.StatusBadRequest, rec.Code)
	assert.Equal(t, "tier", decode(t, rec)["field"])
	rec = te.do(t, req{method: "PATCH", path: "/api/admin/users/usr_missing/tier", token: admin.Token, body: `{"tier":"starter"}`})
	assert.Equal(t, http.StatusNotFound, rec.Code)
	rec = te.do(t, req{method: "PATCH", path: "/api/admin/users/" + a.ID + "/tier", token: admin.Token, body: `{"tier":"enterprise"}`})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	last := te.audit.Last()
	assert.Equal(t, "admin_set_tier", last.Action)
	assert.Equal(t, admin.ID, last.ActorID)
	assert.Equal(t, a.ID, last.TargetID)
	assert.JSONEq(t, `{"from":"professional","to":"enterprise"}`, string(last.Details))
	rec = te.do(t, req{method: "GET", path: "/api/usage/status", token: a.Token})
	u := decode(t, rec)["usage"].(map[string]any)
	assert.Equal(t, "enterprise", u["tier"])
	assert.Equal(t, float64(-1), u["messagesLimit"])
	rec = te.do(t, req{method: "GET", path: "/api/admin/rate-limits", token: admin.Token})
	require.Equal(t, http.StatusOK, rec.Code)
	rl := decode(t, rec)["rateLimits"].(map[string]any)
	assert.Equal(t, map[string]any{"messagesPerDay": float64(-1), "messagesPerMinute": float64(30)}, rl["enterprise"])
	assert.Equal(t, map[string]any{"messagesPerDay": float64(10), "messagesPerMinute": float64(3)}, rl["free"])
}

func TestPaymentsWithoutGatewayAnswer503(t *testing.T) {
	te := newTierEnv(t, tier.DefaultCatalog(), false)
	a := te.register(t, "nopay@gov.gh")
	for _, r := range []req{
		{method: "POST", path: "/api/payments/initialize", token: a.Token, body: `{"plan":"professional"}`},
		{method: "POST", path: "/api/upgrade", token: a.Token, body: `{"tier":"professional"}`},
		{method: "POST", path: "/api/webhooks/paystack", body: `{"event":"charge.success"}`, headers: map[string]string{"x-paystack-signature": "00"}},
	} {
		rec := te.do(t, r)
		assert.Equal(t, http.StatusServiceUnavailable, rec.Code, r.path)
		assert.Equal(t, "Payments are not configured on this server", decode(t, rec)["error"])
	}
	assert.Equal(t, http.StatusOK, te.do(t, req{method: "GET", path: "/api/usage/status", token: a.Token}).Code, "everything else works")
}

func TestPaystackCheckoutAndWebhook(t *testing.T) {
	te := newTierEnv(t, tier.DefaultCatalog(), true)
	a := te.register(t, "payer@gov.gh")
	rec := te.do(t, req{method: "POST", path: "/api/payments/initialize", token: a.Token, body: `{"plan":"gold"}`})
	assert.Equal(t, http.StatusBadRequest, rec.Code)
	assert.Equal(t, "plan", decode(t, rec)["field"])
	rec = te.do(t, req{method: "POST", path: "/api/payments/initialize", token: a.Token, body: `{"plan":"professional","channel":"mobile_money"}`})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	out := decode(t, rec)
	ref := out["reference"].(string)
	assert.Regexp(t, `^OZZY-PAY-[0-9A-F]{20}$`, ref)
	assert.Contains(t, out["authorization_url"], "https://checkout.paystack.com/")
	tx, ok := te.fake.Tx(ref)
	require.True(t, ok)
	assert.Equal(t, int64(6000), tx.Amount)
	assert.Equal(t, "GHS", tx.Currency)

	hook := func(body []byte, sig string) *http.Response {
		return te.do(t, req{method: "POST", path: "/api/webhooks/paystack", body: string(body), headers: map[string]string{"x-paystack-signature": sig}}).Result()
	}
	good := paystacktest.ChargeSuccess(ref, 6000, "GHS", a.Email, a.ID)

	// Bad signatures: 401 and nothing stored.
	assert.Equal(t, http.StatusUnauthorized, hook(good, "deadbeef").StatusCode)
	var v any
	require.NoError(t, json.Unmarshal(good, &v))
	reserialised, _ := json.Marshal(v)
	require.NotEqual(t, string(good), string(reserialised))
	assert.Equal(t, http.StatusUnauthorized, hook(reserialised, paystacktest.Sign(good)).StatusCode, "signed over other bytes")
	assert.Zero(t, te.bill.Events())

	// Paid at Paystack: the charge applies once.
	require.True(t, te.fake.Pay(ref, 0))
	assert.Equal(t, http.StatusOK, hook(good, paystacktest.Sign(good)).StatusCode)
	usage := func() map[string]any {
		return decode(t, te.do(t, req{method: "GET", path: "/api/usage/status", token: a.Token}))["usage"].(map[string]any)
	}
	assert.Equal(t, "professional", usage()["tier"])
	assert.Equal(t, t0.AddDate(0, 0, 30).Format(time.RFC3339), usage()["subscriptionExpiresAt"])
	assert.Equal(t, http.StatusOK, hook(good, paystacktest.Sign(good)).StatusCode, "a second delivery")
	assert.Equal(t, t0.AddDate(0, 0, 30).Format(time.RFC3339), usage()["subscriptionExpiresAt"], "not extended twice")
	assert.Equal(t, 1, te.fake.Calls("GET /transaction/verify"), "the duplicate is answered from the payment row")

	// A charge whose amount differs from what was initialised is refused.
	rec = te.do(t, req{method: "POST", path: "/api/upgrade", token: a.Token, body: `{"tier":"enterprise"}`})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	up := decode(t, rec)
	assert.Equal(t, true, up["paymentRequired"])
	ref2 := up["reference"].(string)
	te.fake.Pay(ref2, 100)
	cheap := paystacktest.ChargeSuccess(ref2, 100, "GHS", a.Email, a.ID)
	assert.Equal(t, http.StatusOK, hook(cheap, paystacktest.Sign(cheap)).StatusCode)
	assert.Equal(t, "professional", usage()["tier"], "underpaid: no enterprise")

	// Other events are stored and acknowledged.
	other := []byte(`{"event":"transfer.success","data":{"reference":"TRF-1"}}`)
	before := te.bill.Events()
	assert.Equal(t, http.StatusOK, hook(other, paystacktest.Sign(other)).StatusCode)
	assert.Equal(t, before+1, te.bill.Events())
}

// TestIdentityResponsesShowEffectiveTier checks that login and the profile
// show the effective plan (a running trial), not the stored users.tier,
// and drop back to free once the trial ends, with nothing written.
func TestIdentityResponsesShowEffectiveTier(t *testing.T) {
	te := newTierEnv(t, tier.DefaultCatalog(), false)
	a := te.register(t, "effective@gov.gh")
	tierOf := func(rec *httptest.ResponseRecorder) any {
		t.Helper()
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		return decode(t, rec)["user"].(map[string]any)["tier"]
	}
	login := func() *httptest.ResponseRecorder {
		return te.do(t, req{method: "POST", path: "/api/auth/login", body: `{"accessCode":"` + a.AccessCode + `"}`})
	}
	assert.Equal(t, "free", tierOf(te.do(t, req{method: "GET", path: "/api/user/profile", token: a.Token})))

	rec := te.do(t, req{method: "POST", path: "/api/trial/activate", token: a.Token})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, "professional", tierOf(te.do(t, req{method: "GET", path: "/api/user/profile", token: a.Token})))
	assert.Equal(t, "professional", tierOf(login()))
	stored, err := te.store.UserByID(t.Context(), a.ID)
	require.NoError(t, err)
	assert.Equal(t, "free", stored.Tier, "the trial is not written into the account")

	te.clock.Add(72*time.Hour + time.Second)
	rec = login()
	assert.Equal(t, "free", tierOf(rec), "the trial is over")
	token := decode(t, rec)["token"].(string)
	assert.Equal(t, "free", tierOf(te.do(t, req{method: "GET", path: "/api/user/profile", token: token})))
}

func TestUsageNudgeResponse(t *testing.T) {
	te := newTierEnv(t, tier.DefaultCatalog(), false)
	a := te.register(t, "nudge@gov.gh")
	get := func() any {
		t.Helper()
		rec := te.do(t, req{method: "GET", path: "/api/usage/nudge", token: a.Token})
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		m := decode(t, rec)
		require.Contains(t, m, "nudge")
		return m["nudge"]
	}
	assert.Nil(t, get(), "nothing used: no nudge")
	for i := range 5 {
		if i%3 == 0 {
			te.clock.Add(time.Minute)
		}
		rec := te.do(t, req{method: "POST", path: "/test/message", token: a.Token, body: `{}`})
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	}
	n, ok := get().(map[string]any)
	require.True(t, ok)
	assert.Equal(t, "halfway", n["type"])
	assert.Equal(t, "/pricing", n["actionUrl"])
	assert.Equal(t, "You have used 5 of your 10 free messages today.", n["message"])
}
