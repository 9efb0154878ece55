package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/sqlstore"
)

// TestAuditLogEndToEnd checks that identity events reach the hash-chained
// audit log through the real wiring, that admins can filter it, and that
// the chain verifies.
func TestAuditLogEndToEnd(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d sqlstore.Dialect) {
		c := startOn(t, d)
		res := c.do("POST", "/api/admin/bootstrap", "", map[string]any{"email": "root@gov.gh", "fullName": "Osborn Hodges", "bootstrapSecret": strings.Repeat("b", 40)})
		require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
		boot := res.JSON(t)
		adminID := boot["user"].(map[string]any)["id"].(string)
		res = c.do("POST", "/api/auth/login", "", map[string]any{"accessCode": boot["accessCode"]})
		require.Equal(t, http.StatusOK, res.Status)
		admin := res.JSON(t)["token"].(string)
		_, utoken, user := register(t, c, "kofi@gov.gh", "Kofi Boateng")
		uid := user["id"].(string)
		assert.Equal(t, http.StatusForbidden, c.do("GET", "/api/admin/audit", utoken, nil).Status)
		res = c.do("POST", "/api/admin/users/"+uid+"/reset-account", admin, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)

		res = c.do("GET", "/api/admin/audit?action=reset_account&startDate=2000-01-01", admin, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		list := res.JSON(t)
		assert.Equal(t, 1.0, list["total"])
		entries := list["entries"].([]any)
		require.Len(t, entries, 1)
		e := entries[0].(map[string]any)
		assert.Equal(t, adminID, e["userId"])
		assert.Equal(t, "Osborn Hodges", e["userName"])
		assert.Equal(t, uid, e["targetId"])
		assert.Equal(t, "success", e["outcome"])

		res = c.do("GET", "/api/admin/audit?limit=100", admin, nil)
		require.Equal(t, http.StatusOK, res.Status)
		total := res.JSON(t)["total"].(float64)
		assert.GreaterOrEqual(t, total, 4.0, "bootstrap, login, register and reset at least")

		res = c.do("GET", "/api/admin/audit/verify", admin, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Equal(t, map[string]any{"valid": true, "checked": total, "brokenAtSeq": nil, "reason": nil}, res.JSON(t))
	})
}
