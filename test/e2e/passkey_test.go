package e2e

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/adapters/webauthn/webauthntest"
)

// passkeyOrigin is one of the default KENTE_WEBAUTHN_ORIGINS; the relying
// party is the default "localhost", whatever Host the test server has.
const passkeyOrigin = "http://localhost:8080"

func withCredential(t *testing.T, cred []byte, extra map[string]any) map[string]any {
	t.Helper()
	m := map[string]any{"credential": json.RawMessage(cred)}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func TestPasskeyFlow(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d sqlstore.Dialect) {
		dbURL := sqltest.URL(t, d)
		// Two instances on one database: every ceremony begins on one and
		// finishes on the other, so challenges must live in SQL.
		one := start(t, testConfig(t, dbURL))
		two := start(t, testConfig(t, dbURL))
		_, token, user := register(t, one, "Abena.Owusu@gov.gh", "Abena Owusu")
		auth := webauthntest.New(passkeyOrigin)

		// Register a passkey.
		res := one.do("POST", "/api/auth/webauthn/register-options", token, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		opts := res.JSON(t)["options"].(map[string]any)
		assert.Equal(t, map[string]any{"id": "localhost", "name": "AskOzzy"}, opts["rp"])
		cred, err := auth.Register(res.Body)
		require.NoError(t, err)
		res = two.do("POST", "/api/auth/webauthn/register-complete", token, withCredential(t, cred, map[string]any{"name": "Abena's laptop"}))
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		credID := res.JSON(t)["credentialId"].(string)
		assert.Regexp(t, `^cred_[0-9a-f]{16}$`, credID)

		// The same attestation again: its challenge is spent.
		res = one.do("POST", "/api/auth/webauthn/register-complete", token, withCredential(t, cred, nil))
		assert.Equal(t, http.StatusBadRequest, res.Status, "%s", res.Body)

		// Sign in with it.
		res = two.do("POST", "/api/auth/webauthn/login-options", "", map[string]any{"email": "abena.owusu@gov.gh"})
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Len(t, res.JSON(t)["options"].(map[string]any)["allowCredentials"], 1)
		assertion, err := auth.Login(res.Body)
		require.NoError(t, err)
		res = one.do("POST", "/api/auth/webauthn/login-complete", "", withCredential(t, assertion, nil), "User-Agent", chromeWindows)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		m := res.JSON(t)
		assert.Equal(t, map[string]any{
			"id": user["id"], "email": "abena.owusu@gov.gh", "fullName": "Abena Owusu", "tier": "free", "role": "user",
		}, m["user"])
		passkeyToken := m["token"].(string)
		res = two.do("GET", "/api/user/profile", passkeyToken, nil)
		require.Equal(t, http.StatusOK, res.Status)
		assert.Equal(t, user["id"], res.JSON(t)["user"].(map[string]any)["id"])

		// A replayed assertion is refused, on either instance.
		for _, c := range []*client{one, two} {
			res = c.do("POST", "/api/auth/webauthn/login-complete", "", withCredential(t, assertion, nil))
			assert.Equal(t, http.StatusUnauthorized, res.Status, "%s", res.Body)
		}

		// The list shows it with its last use.
		res = one.do("GET", "/api/auth/webauthn/credentials", passkeyToken, nil)
		require.Equal(t, http.StatusOK, res.Status)
		list := res.JSON(t)["credentials"].([]any)
		require.Len(t, list, 1)
		item := list[0].(map[string]any)
		assert.Equal(t, credID, item["id"])
		assert.Equal(t, "Abena's laptop", item["name"])
		assert.NotNil(t, item["lastUsed"])

		// A cloned authenticator (its counter behind) is refused.
		clone := *auth
		clone.SignCount = 0
		res = two.do("POST", "/api/auth/webauthn/login-options", "", map[string]any{"email": "abena.owusu@gov.gh"})
		require.Equal(t, http.StatusOK, res.Status)
		cloned, err := clone.Login(res.Body)
		require.NoError(t, err)
		res = one.do("POST", "/api/auth/webauthn/login-complete", "", withCredential(t, cloned, nil))
		assert.Equal(t, http.StatusForbidden, res.Status, "%s", res.Body)
		assert.Contains(t, res.JSON(t)["error"], "cloned")

		// Another user cannot see or delete it.
		_, otherToken, _ := register(t, one, "kojo@gov.gh", "Kojo Asante")
		res = one.do("GET", "/api/auth/webauthn/credentials", otherToken, nil)
		assert.Equal(t, map[string]any{"credentials": []any{}}, res.JSON(t))
		res = two.do("DELETE", "/api/auth/webauthn/credentials/"+credID, otherToken, nil)
		assert.Equal(t, http.StatusNotFound, res.Status)

		// Deleted, it no longer signs in.
		res = two.do("DELETE", "/api/auth/webauthn/credentials/"+credID, token, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		res = one.do("POST", "/api/auth/webauthn/login-options", "", map[string]any{"email": "abena.owusu@gov.gh"})
		require.Equal(t, http.StatusOK, res.Status)
		assert.Equal(t, []any{}, res.JSON(t)["options"].(map[string]any)["allowCredentials"])
		assertion, err = auth.Login(res.Body)
		require.NoError(t, err)
		res = two.do("POST", "/api/auth/webauthn/login-complete", "", withCredential(t, assertion, nil))
		assert.Equal(t, http.StatusUnauthorized, res.Status, "%s", res.Body)

		// An unknown email gets the same answer as an account without passkeys.
		res = one.do("POST", "/api/auth/webauthn/login-options", "", map[string]any{"email": "nobody@gov.gh"})
		require.Equal(t, http.StatusOK, res.Status)
		assert.Equal(t, []any{}, res.JSON(t)["options"].(map[string]any)["allowCredentials"])
	})
}

func TestPasskeyWrongOrigin(t *testing.T) {
	c := startOn(t, sqlstore.SQLite)
	_, token, _ := register(t, c, "yaw@gov.gh", "Yaw Boateng")
	auth := webauthntest.New("https://askozzy.evil.example")
	res := c.do("POST", "/api/auth/webauthn/register-options", token, nil)
	require.Equal(t, http.StatusOK, res.Status)
	cred, err := auth.Register(res.Body)
	require.NoError(t, err)
	res = c.do("POST", "/api/auth/webauthn/register-complete", token, withCredential(t, cred, nil))
	assert.Equal(t, http.StatusBadRequest, res.Status, "%s", res.Body)
	res = c.do("GET", "/api/auth/webauthn/credentials", token, nil)
	assert.Equal(t, map[string]any{"credentials": []any{}}, res.JSON(t))
}
