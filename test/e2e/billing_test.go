package e2e

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/app/server"
)

var billingSeq atomic.Int64

const billingPassword = "Correct-Horse-42"

// billingLogin registers (or, for admin, creates with the CLI) a programme
// and returns its access token.
func billingLogin(t *testing.T, c *client, cfgURL string, admin bool) string {
	t.Helper()
	email := fmt.Sprintf("billing%d@sante.gouv.sn", billingSeq.Add(1))
	if admin {
		cfg := testConfig(t, cfgURL)
		var out bytes.Buffer
		require.NoError(t, server.ProgrammeCommand(context.Background(), cfg,
			[]string{"create", "--email", email, "--name", "Plateforme", "--country", "SN", "--admin", "--password", billingPassword},
			strings.NewReader(""), &out))
	} else {
		res := c.do("POST", "/api/v1/auth/register", "", map[string]any{"email": email, "password": billingPassword, "name": "PEV Dakar", "country": "SN"})
		require.Equal(t, 201, res.Status, "%s", res.Body)
		m := res.JSON(t)
		assert.Equal(t, "starter", m["plan"])
		assert.Equal(t, float64(0), m["balance_fcfa"])
	}
	res := c.do("POST", "/api/v1/auth/login", "", map[string]any{"email": email, "password": billingPassword})
	require.Equal(t, 200, res.Status, "%s", res.Body)
	return res.JSON(t)["access_token"].(string)
}

func TestBillingFlows(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d sqlstore.Dialect) {
		url := sqltest.URL(t, d)
		cfg := testConfig(t, url)
		cfg.Secrets.InvoiceHMACKey = strings.Repeat("i", 40)
		c := start(t, cfg)
		admin := billingLogin(t, c, url, true)
		user := billingLogin(t, c, url, false)
		other := billingLogin(t, c, url, false)

		// A new programme: starter, 0 FCFA; plans are public.
		bal := c.do("GET", "/api/v1/billing/balance", user, nil)
		require.Equal(t, 200, bal.Status, "%s", bal.Body)
		assert.Equal(t, "starter", bal.JSON(t)["plan"])
		assert.Equal(t, float64(0), bal.JSON(t)["balance_fcfa"])
		plans := c.do("GET", "/api/v1/billing/quota-plans/", "", nil)
		require.Equal(t, 200, plans.Status)
		assert.Contains(t, string(plans.Body), `"monthly_subscription_fcfa":250000`)
		assert.Equal(t, 401, c.do("GET", "/api/v1/billing/balance", "", nil).Status)

		// Change plan with 0 FCFA: 402 with the expected cost and the balance.
		res := c.do("POST", "/api/v1/billing/change-plan", user, map[string]any{"plan_alias": "national_campaign"})
		require.Equal(t, 402, res.Status, "%s", res.Body)
		assert.Equal(t, float64(250_000), res.JSON(t)["expected_cost_fcfa"])
		assert.Equal(t, float64(0), res.JSON(t)["balance_fcfa"])
		assert.Equal(t, 422, c.do("POST", "/api/v1/billing/change-plan", user, map[string]any{"plan_alias": "gold"}).Status)
		assert.Equal(t, 409, c.do("POST", "/api/v1/billing/change-plan", user, map[string]any{"plan_alias": "standard"}).Status)

		// Recharge: request, rejected path, validated path.
		assert.Equal(t, 422, c.do("POST", "/api/v1/billing/recharge-requests", user, map[string]any{"amount_fcfa": 0, "payment_method": "cash"}).Status)
		rej := c.do("POST", "/api/v1/billing/recharge-requests", user, map[string]any{"amount_fcfa": 5_000, "payment_method": "cash"})
		require.Equal(t, 202, rej.Status, "%s", rej.Body)
		rejID := rej.JSON(t)["request_id"].(string)
		res = c.do("POST", "/api/v1/billing/recharge-requests/", user, map[string]any{"amount_fcfa": 300_000, "payment_method": "Mobile Money", "reference": "OM-42"})
		require.Equal(t, 202, res.Status, "%s", res.Body)
		rid := res.JSON(t)["request_id"].(string)
		assert.Equal(t, 403, c.do("PATCH", "/api/v1/admin/recharge-requests/"+rid+"/validate", user, map[string]any{}).Status)
		queue := c.do("GET", "/api/v1/admin/recharge-requests?status=pending", admin, nil)
		require.Equal(t, 200, queue.Status)
		assert.Equal(t, float64(2), queue.JSON(t)["total"])
		res = c.do("PATCH", "/api/v1/admin/recharge-requests/"+rejID+"/reject", admin, map[string]any{"notes": "no receipt"})
		require.Equal(t, 200, res.Status, "%s", res.Body)
		assert.Equal(t, "rejected", res.JSON(t)["status"])
		res = c.do("PATCH", "/api/v1/admin/recharge-requests/"+rid+"/validate", admin, map[string]any{"notes": "ok"})
		require.Equal(t, 200, res.Status, "%s", res.Body)
		assert.Equal(t, "validated", res.JSON(t)["status"])
		assert.Equal(t, 409, c.do("PATCH", "/api/v1/admin/recharge-requests/"+rid+"/validate", admin, nil).Status)
		assert.Equal(t, 404, c.do("PATCH", "/api/v1/admin/recharge-requests/00000000-0000-4000-8000-000000000000/validate", admin, nil).Status)
		tx := c.do("GET", "/api/v1/billing/transactions", user, nil).JSON(t)
		require.Equal(t, float64(1), tx["total"])
		item := tx["items"].([]any)[0].(map[string]any)
		assert.Equal(t, "topup", item["tx_type"])
		assert.Equal(t, float64(300_000), item["amount"])
		assert.Equal(t, float64(300_000), item["balance_after_fcfa"])

		// The module gate answers 403 naming the key.
		res = c.do("GET", "/api/v1/billing/premium-modules/mpi_registry/access", user, nil)
		require.Equal(t, 403, res.Status)
		assert.Contains(t, res.JSON(t)["detail"], "mpi_registry")

		// Change plan now succeeds: debited, modules on, invoice verifies.
		res = c.do("POST", "/api/v1/billing/change-plan", user, map[string]any{"plan_alias": "national_campaign"})
		require.Equal(t, 200, res.Status, "%s", res.Body)
		ch := res.JSON(t)
		assert.Equal(t, "starter", ch["previous_plan"])
		assert.Equal(t, float64(50_000), ch["balance_fcfa"])
		assert.Contains(t, ch["modules_activated"], "ai_optimizer")
		assert.Contains(t, ch["modules_activated"], "trust_score")
		assert.Regexp(t, `^INV-SUB-\d{6}-[A-Z0-9]{6}$`, ch["invoice_number"])
		invID := ch["invoice_id"].(string)
		assert.Equal(t, 204, c.do("GET", "/api/v1/billing/premium-modules/mpi_registry/access", user, nil).Status)
		v := c.do("GET", "/api/v1/billing/invoices/"+invID+"/verify", user, nil)
		require.Equal(t, 200, v.Status)
		assert.Equal(t, true, v.JSON(t)["valid"])
		assert.Equal(t, 404, c.do("GET", "/api/v1/billing/v2/invoices/"+invID+"/verify", other, nil).Status, "another programme's invoice")
		assert.Equal(t, 501, c.do("GET", "/api/v1/billing/invoices/"+invID+"/pdf", user, nil).Status)
		ledger := c.do("GET", "/api/v1/billing/ledger", user, nil).JSON(t)
		assert.Equal(t, float64(1), ledger["debits_with_invoice"])
		assert.Equal(t, float64(0), ledger["debits_without_invoice"])

		db, err := sqlstore.Open(context.Background(), url)
		require.NoError(t, err)
		defer db.Close()
		_, err = db.Bun.ExecContext(context.Background(), "UPDATE programme_invoices SET total_fcfa = total_fcfa - 1 WHERE id = ?", invID)
		require.NoError(t, err)
		v = c.do("GET", "/api/v1/billing/v2/invoices/"+invID+"/verify", user, nil)
		require.Equal(t, 200, v.Status)
		assert.Equal(t, false, v.JSON(t)["valid"], "a tampered invoice fails")

		// Add-on modules: advanced_simulation costs 15,000; too dear for 0 balance of other.
		res = c.do("POST", "/api/v1/billing/premium-modules/activate", user, map[string]any{"module_key": "advanced_simulation"})
		require.Equal(t, 200, res.Status, "%s", res.Body)
		assert.NotNil(t, res.JSON(t)["invoice_number"])
		assert.Equal(t, 409, c.do("POST", "/api/v1/billing/premium-modules/activate", user, map[string]any{"module_key": "advanced_simulation"}).Status)
		assert.Equal(t, 422, c.do("POST", "/api/v1/billing/premium-modules/activate", user, map[string]any{"module_key": "nope"}).Status)
		res = c.do("POST", "/api/v1/billing/premium-modules/activate", other, map[string]any{"module_key": "advanced_simulation"})
		require.Equal(t, 402, res.Status)
		assert.Equal(t, float64(15_000), res.JSON(t)["expected_cost_fcfa"])
		assert.Equal(t, 200, c.do("POST", "/api/v1/billing/premium-modules/deactivate", user, map[string]any{"module_key": "advanced_simulation"}).Status)
		assert.Equal(t, 409, c.do("DELETE", "/api/v1/billing/premium-modules/advanced_simulation", user, nil).Status)
		active := c.do("GET", "/api/v1/billing/premium-modules/active", user, nil)
		require.Equal(t, 200, active.Status)
		assert.NotContains(t, string(active.Body), "advanced_simulation")
		assert.Contains(t, string(active.Body), "trust_score")

		// Quota plan edits: admin only, validated.
		assert.Equal(t, 403, c.do("PUT", "/api/v1/billing/quota-plans/starter", user, map[string]any{"monthly_subscription_fcfa": 1}).Status)
		assert.Equal(t, 422, c.do("PUT", "/api/v1/billing/quota-plans/starter", admin, map[string]any{"sms_quota": -5}).Status)
		assert.Equal(t, 404, c.do("PUT", "/api/v1/billing/quota-plans/gold", admin, map[string]any{"sms_quota": 5}).Status)
		res = c.do("PUT", "/api/v1/billing/quota-plans/starter", admin, map[string]any{"monthly_subscription_fcfa": 30_000})
		require.Equal(t, 200, res.Status, "%s", res.Body)
		assert.Contains(t, string(c.do("GET", "/api/v1/billing/quota-plans", "", nil).Body), `"monthly_subscription_fcfa":30000`)

		// Stats: admin only; revenue is the sum of debits (250,000 + 15,000).
		assert.Equal(t, 403, c.do("GET", "/api/v1/admin/stats", user, nil).Status)
		st := c.do("GET", "/api/v1/admin/stats", admin, nil)
		require.Equal(t, 200, st.Status)
		assert.Equal(t, float64(265_000), st.JSON(t)["revenue_fcfa"])
		assert.Equal(t, float64(3), st.JSON(t)["programmes_total"])
	})
}
