package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/httpapi"
	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/app/config"
	"github.com/kente-gov/kente/app/server"
	"github.com/kente-gov/kente/core/identity"
)

var routeParam = regexp.MustCompile(`[:*]([A-Za-z0-9_]+)`)

// tenant is one registered programme: its ids and the values that would
// betray a leak if they showed up in another programme's response.
type tenant struct {
	programmeID string
	email       string
	name        string
	mpiID       string // A's MPI record, also the holder of A's wallet pass
	dhis2UID    string // the DHIS2 tracked entity A's record is linked to
	campaignID  string // A's campaign and its card-generation job
	jobID       string
	passID      string
	holder      string
	invoiceID   string // A's plan-change invoice
	requestID   string // A's pending recharge request
}

// isolationParams fills every /api/v1 path parameter with a resource of
// programme A. A route with a parameter missing here fails the walk: whoever
// adds the route adds A's resource of that kind (created in seedTenant).
func isolationParams(a tenant) map[string]string {
	m := map[string]string{
		"programme_id": a.programmeID,
		"mpi_id":       a.mpiID,
		"dhis2_uid":    a.dhis2UID,
		"pass_id":      a.passID,
		"campaign_id":  a.campaignID,
		"job_id":       a.jobID,
		"invoice_id":   a.invoiceID,
		"request_id":   a.requestID,
		// A download name, not a resource: the job id names A's job.
		"artifact": "manifest",
		// A catalogue key, not a tenant's resource: the routes act on the
		// caller's own module row.
		"module_key": "sovereign_wallet",
	}
	for k, v := range m {
		if v == "" {
			delete(m, k) // not seeded: its context is not wired into the server
		}
	}
	return m
}

// catalogueParams are path parameters that name no tenant's resource (a
// module key, a plan): a 2xx on them is the caller acting on its own rows.
var catalogueParams = map[string]bool{"module_key": true, "plan": true, "artifact": true}

// walkBodies are valid request bodies for routes that validate their body
// before they look up the resource, so the walk reaches the ownership
// check; every other non-GET route gets {}. Keyed by "METHOD path".
var walkBodies = map[string]map[string]any{
	"PATCH /api/v1/mpi/:mpi_id":                {"phone_number": "+221770000009"},
	"POST /api/v1/mpi/:mpi_id/link-dhis2":      {"dhis2_uid": "BravoIsoUID"},
	"POST /api/v1/wallet/pass/:pass_id/revoke": {"reason": "isolation walk"},
}

// walkQueries are query strings a route needs before it looks up the
// resource. Keyed by "METHOD path".
var walkQueries = map[string]string{
	"GET /api/v1/wallet/pass/:mpi_id/bundle": "device_token=isolation-walk-device-0001",
}

// paramAliases name, per route, the isolationParams entry a wildcard takes
// when gin forces a shared wildcard name onto another kind of id.
var paramAliases = map[string]map[string]string{
	"GET /api/v1/wallet/pass/:mpi_id/bundle": {"mpi_id": "pass_id"}, // a pass id under the shared :mpi_id
}

// moduleKeys are the premium modules of oomus-platform §7.4. The walk
// switches every one on for both programmes, so a module gate cannot hide a
// missing ownership check.
var moduleKeys = []string{"sms_gateway", "pvc_studio", "whatsapp_bsp", "offline_sync", "geo_command_center",
	"advanced_analytics", "ai_fraud_detection", "sovereign_wallet", "mpi_registry", "dedicated_verify_platform",
	"advanced_sla", "sovereign_hosting", "biometric_signature", "dedicated_provisioning", "advanced_simulation",
	"trust_score", "ai_optimizer"} // Kente's keys for the trust-score and AI optimizer routes (§15.20, not in §7.4)

func activateModules(t *testing.T, databaseURL string, programmeIDs ...string) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, databaseURL)
	require.NoError(t, err)
	defer db.Close()
	for _, id := range programmeIDs {
		for _, k := range moduleKeys {
			_, err := db.Bun.ExecContext(ctx, "INSERT INTO programme_modules (programme_id, module_key, status) VALUES (?, ?, ?)", id, k, "active")
			require.NoError(t, err)
		}
	}
}

// seedResources gives programme A one resource of every kind the /api/v1
// routes take by id.
func seedResources(t *testing.T, c *client, a *tenant) {
	t.Helper()
	tok, _ := v1Login(t, c, a.email, v1Password)
	a.holder = "Alphonsine Isolationa"
	res := c.do("POST", "/api/v1/mpi/register", tok, map[string]any{"first_name": "Alphonsine", "last_name": "Isolationa",
		"date_of_birth": "1990-04-12", "gender": "F", "region_code": "DKR", "country_code": "SN", "phone_number": "+221770000001"})
	if notWired(res) {
		t.Logf("the MPI is not wired into the server, so A has no record: %s", res.Body)
		a.mpiID = "MPI-ALPHA-ISOLATION-1" // the wallet takes any MPI id
	} else {
		require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
		a.mpiID = res.JSON(t)["mpi_id"].(string)
		a.dhis2UID = "AlphaIsoUID"
		res = c.do("POST", "/api/v1/mpi/"+a.mpiID+"/link-dhis2", tok, map[string]any{"dhis2_uid": a.dhis2UID})
		require.Less(t, res.Status, 300, "%s", res.Body)
	}
	seedCampaign(t, c, tok, a)
	res = c.do("POST", "/api/v1/wallet/pass", tok, map[string]any{"mpi_id": a.mpiID, "holder_name": a.holder, "campaign_name": "Alpha Campaign"})
	if notWired(res) {
		t.Logf("the wallet is not wired into the server, so A has no pass: %s", res.Body)
		return
	}
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	a.passID, _ = res.JSON(t)["pass_id"].(string)
	require.NotEmpty(t, a.passID)
}

// seedTenant registers a programme with a recognisable name and email.
func seedTenant(t *testing.T, c *client, email, name string) tenant {
	t.Helper()
	res := c.do("POST", "/api/v1/auth/register", "", map[string]any{"email": email, "password": v1Password, "name": name, "country": "SN"})
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	return tenant{programmeID: res.JSON(t)["id"].(string), email: email, name: name}
}

// TestIsolationWalk calls every non-public /api/v1 route with programme B's
// token on programme A's resources: a route naming one of A's resources
// answers 403 or 404, no 2xx body carries A's data, nothing is a 5xx, every
// /api/v1/admin route answers 403 to B, and A is intact afterwards.
func TestIsolationWalk(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d sqlstore.Dialect) {
		cfg := testConfig(t, sqltest.URL(t, d))
		c := start(t, cfg)
		a := seedTenant(t, c, "alpha.isolation@sante.sn", "Programme Alpha Isolation")
		b := seedTenant(t, c, "bravo.isolation@sante.sn", "Programme Bravo")
		activateModules(t, cfg.DatabaseURL, a.programmeID, b.programmeID)
		seedResources(t, c, &a)
		seedBilling(t, c, cfg, &a)
		params := isolationParams(a)
		var markers []string
		for _, m := range []string{a.programmeID, a.email, a.name, a.mpiID, a.dhis2UID, a.passID, a.holder} {
			if m != "" {
				markers = append(markers, m)
			}
		}

		routes := httpapi.Routes()
		sort.Slice(routes, func(i, j int) bool { return routes[i].Method+routes[i].Path < routes[j].Method+routes[j].Path })
		var walked int
		var skipped []string
		for _, r := range routes {
			if !strings.HasPrefix(r.Path, "/api/v1/") || r.Level == identity.Public {
				continue
			}
			walked++
			var missing []string
			namesA := false
			key := r.Method + " " + r.Path
			path := routeParam.ReplaceAllStringFunc(r.Path, func(m string) string {
				name := m[1:]
				if alias, ok := paramAliases[key][name]; ok {
					name = alias
				}
				v, ok := params[name]
				if !ok {
					missing = append(missing, m[1:])
				}
				namesA = namesA || !catalogueParams[m[1:]]
				return v
			})
			if len(missing) > 0 {
				path = routeParam.ReplaceAllStringFunc(r.Path, func(m string) string {
					if v, ok := params[m[1:]]; ok {
						return v
					}
					return "00000000-0000-4000-8000-000000000000"
				})
			}
			// A fresh token per route: logout, logout-all and the like
			// would otherwise end B's walk early.
			bTok, _ := v1Login(t, c, "bravo.isolation@sante.sn", v1Password)
			var body any
			if r.Method != http.MethodGet {
				body = map[string]any{}
				if b, ok := walkBodies[key]; ok {
					body = b
				}
			}
			if q, ok := walkQueries[key]; ok {
				path += "?" + q
			}
			res := c.do(r.Method, path, bTok, body)
			what := r.Method + " " + path + " as B"
			if notWired(res) {
				skipped = append(skipped, r.Method+" "+r.Path)
				continue
			}
			// An admin route answers 403 before it looks at its parameters.
			if r.Level != identity.Admin && !assert.Empty(t, missing, "%s %s: add programme A's resource for these parameters to isolationParams", r.Method, r.Path) {
				continue
			}
			assert.Less(t, res.Status, 500, "%s: %s", what, res.Body)
			if strings.HasPrefix(r.Path, "/api/v1/admin/") || r.Level == identity.Admin {
				assert.Equal(t, http.StatusForbidden, res.Status, "%s: %s", what, res.Body)
			}
			if namesA {
				assert.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, res.Status, "%s names A's resource: %s", what, res.Body)
			}
			if res.Status < 300 {
				for _, m := range markers {
					assert.NotContains(t, string(res.Body), m, "%s exposes programme A's data", what)
				}
			}
		}
		assert.GreaterOrEqual(t, walked-len(skipped), 15)
		if len(skipped) > 0 {
			t.Logf("%d routes skipped: their service is not wired into the server (503 *.unavailable): %s", len(skipped), strings.Join(skipped, ", "))
		}

		// A is untouched.
		aTok, _ := v1Login(t, c, a.email, v1Password)
		res := c.do("GET", "/api/v1/auth/me", aTok, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		me := res.JSON(t)
		assert.Equal(t, a.programmeID, me["id"])
		assert.Equal(t, a.name, me["name"])
		assert.Equal(t, false, me["is_admin"])
		assert.Equal(t, "active", me["status"])
		if a.passID == "" {
			return
		}
		res = c.do("GET", "/api/v1/wallet/pass/"+a.mpiID, aTok, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Equal(t, a.passID, res.JSON(t)["pass_id"], "A's pass survived B's walk")
		assert.NotEqual(t, "revoked", res.JSON(t)["status"])
	})
}

// notWired reports a 503 "X is not configured" (code "<context>.unavailable"):
// the server runs without that context's service. Once it is wired, the
// walk covers its routes and needs A's resources for their parameters.
func notWired(res response) bool {
	if res.Status != http.StatusServiceUnavailable {
		return false
	}
	var m map[string]any
	if json.Unmarshal(res.Body, &m) != nil {
		return false
	}
	code, _ := m["code"].(string)
	return strings.HasSuffix(code, ".unavailable")
}

// seedCampaign gives A a campaign with one card-generation job, when the
// campaign service is wired.
func seedCampaign(t *testing.T, c *client, tok string, a *tenant) {
	t.Helper()
	res := c.do("POST", "/api/v1/campaigns", tok, map[string]any{"name": "Alpha Isolation Campaign", "campaign_type": "vaccination", "prefix": "ALP-ISO"})
	if notWired(res) {
		t.Logf("campaigns are not wired into the server, so A has no campaign: %s", res.Body)
		return
	}
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	a.campaignID = res.JSON(t)["id"].(string)
	res = c.do("POST", "/api/v1/campaigns/"+a.campaignID+"/jobs", tok, map[string]any{"beneficiaries": []any{map[string]any{
		"first_name": "Alphonsine", "last_name": "Isolationa", "date_of_birth": "1990-04-12", "beneficiary_id": "ALPHA-1"}}})
	require.Equal(t, http.StatusAccepted, res.Status, "%s", res.Body)
	a.jobID = res.JSON(t)["job_id"].(string)
}

// seedBilling gives A a validated top-up, a plan change with its invoice, and
// a pending recharge request, through a platform admin made with the CLI.
func seedBilling(t *testing.T, c *client, cfg config.Config, a *tenant) {
	t.Helper()
	var out bytes.Buffer
	require.NoError(t, server.ProgrammeCommand(context.Background(), cfg,
		[]string{"create", "--email", "root.isolation@sante.sn", "--name", "Plateforme", "--country", "SN", "--admin", "--password", v1Password},
		strings.NewReader(""), &out))
	admin, _ := v1Login(t, c, "root.isolation@sante.sn", v1Password)
	tok, _ := v1Login(t, c, a.email, v1Password)
	res := c.do("POST", "/api/v1/billing/recharge-requests", tok, map[string]any{"amount_fcfa": 300_000, "payment_method": "cash"})
	require.Equal(t, http.StatusAccepted, res.Status, "%s", res.Body)
	rid := res.JSON(t)["request_id"].(string)
	res = c.do("PATCH", "/api/v1/admin/recharge-requests/"+rid+"/validate", admin, map[string]any{"notes": "isolation walk"})
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
	res = c.do("POST", "/api/v1/billing/change-plan", tok, map[string]any{"plan_alias": "national_campaign"})
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
	a.invoiceID = res.JSON(t)["invoice_id"].(string)
	res = c.do("POST", "/api/v1/billing/recharge-requests", tok, map[string]any{"amount_fcfa": 5_000, "payment_method": "cash"})
	require.Equal(t, http.StatusAccepted, res.Status, "%s", res.Body)
	a.requestID = res.JSON(t)["request_id"].(string)
}
