package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/core/identity"
)

// code returns the TOTP code of seed at step offset d from now.
func code(t *testing.T, seed string, d int) string {
	t.Helper()
	secret, err := identity.DecodeTOTPSecret(seed)
	require.NoError(t, err)
	return identity.HOTP(secret, uint64(int64(identity.TOTPStep(time.Now()))+int64(d)), 6)
}

func TestSecondFactorAndResetFlows(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d sqlstore.Dialect) {
		c := startOn(t, d)
		res := c.do("POST", "/api/auth/register", "", map[string]any{"email": "ama@gov.gh", "fullName": "Ama Owusu"})
		require.Equal(t, http.StatusCreated, res.Status)
		reg := res.JSON(t)
		accessCode, token := reg["accessCode"].(string), reg["token"].(string)
		assert.Regexp(t, `^RCVY-`, reg["recoveryCode"])

		// 2FA setup → verify.
		res = c.do("POST", "/api/user/2fa/setup", token, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		seed := res.JSON(t)["secret"].(string)
		assert.Contains(t, res.JSON(t)["qrUrl"], "otpauth://totp/AskOzzy:ama@gov.gh?")
		res = c.do("POST", "/api/user/2fa/verify", token, map[string]any{"code": "000000"})
		assert.Equal(t, http.StatusBadRequest, res.Status)
		res = c.do("POST", "/api/user/2fa/verify", token, map[string]any{"code": code(t, seed, 0)})
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		recovery := res.JSON(t)["recoveryCode"].(string)
		assert.Equal(t, true, c.do("GET", "/api/user/profile", token, nil).JSON(t)["user"].(map[string]any)["twoFactorEnabled"])

		// Login now needs the code.
		res = c.do("POST", "/api/auth/login", "", map[string]any{"accessCode": accessCode})
		require.Equal(t, http.StatusUnauthorized, res.Status)
		assert.Equal(t, true, res.JSON(t)["totpRequired"])
		res = c.do("POST", "/api/auth/login", "", map[string]any{"accessCode": accessCode, "totpCode": code(t, seed, 1)})
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		res = c.do("POST", "/api/auth/login", "", map[string]any{"accessCode": accessCode, "totpCode": code(t, seed, 1)})
		assert.Equal(t, http.StatusUnauthorized, res.Status, "a code works once")

		// Recovery regenerate invalidates the 2FA-time code.
		res = c.do("POST", "/api/auth/recovery-code/regenerate", token, nil)
		require.Equal(t, http.StatusOK, res.Status)
		newRecovery := res.JSON(t)["recoveryCode"].(string)
		assert.NotEqual(t, recovery, newRecovery)

		// Self-service reset.
		res = c.do("POST", "/api/auth/reset-account", "", map[string]any{"email": "ama@gov.gh"})
		assert.Equal(t, http.StatusBadRequest, res.Status)
		res = c.do("POST", "/api/auth/reset-account", "", map[string]any{"email": "ama@gov.gh", "recoveryCode": recovery})
		assert.Equal(t, http.StatusUnauthorized, res.Status, "the old recovery code is dead")
		res = c.do("POST", "/api/auth/reset-account", "", map[string]any{"email": "ama@gov.gh", "recoveryCode": newRecovery})
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		rs := res.JSON(t)
		assert.Equal(t, "ama@gov.gh", rs["email"])
		assert.Equal(t, http.StatusUnauthorized, c.do("GET", "/api/user/profile", token, nil).Status, "sessions revoked")

		// Finish enrolment with the new authenticator, by email.
		res = c.do("POST", "/api/auth/register/verify-totp", "", map[string]any{"email": "ama@gov.gh", "code": code(t, rs["totpSecret"].(string), 0)})
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		token = res.JSON(t)["token"].(string)
		assert.Equal(t, http.StatusOK, c.do("GET", "/api/user/dashboard", token, nil).Status)

		// Disable with a valid code.
		res = c.do("POST", "/api/user/2fa/disable", token, map[string]any{"code": code(t, rs["totpSecret"].(string), 1)})
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		res = c.do("POST", "/api/auth/login", "", map[string]any{"accessCode": rs["accessCode"]})
		require.Equal(t, http.StatusOK, res.Status)
	})
}

func TestBootstrapAndAdminReset(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d sqlstore.Dialect) {
		c := startOn(t, d)
		secret := strings.Repeat("b", 40) // testConfig's bootstrap secret
		res := c.do("POST", "/api/admin/bootstrap", "", map[string]any{"email": "root@gov.gh", "fullName": "Osborn Hodges", "bootstrapSecret": "nope"})
		assert.Equal(t, http.StatusForbidden, res.Status)
		res = c.do("POST", "/api/admin/bootstrap", "", map[string]any{"email": "root@gov.gh", "fullName": "Osborn Hodges", "bootstrapSecret": secret})
		require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
		boot := res.JSON(t)
		assert.Equal(t, "super_admin", boot["user"].(map[string]any)["role"])
		res = c.do("POST", "/api/admin/bootstrap", "", map[string]any{"email": "x@gov.gh", "fullName": "Someone Else", "bootstrapSecret": secret})
		assert.Equal(t, http.StatusForbidden, res.Status, "once only")

		res = c.do("POST", "/api/auth/login", "", map[string]any{"accessCode": boot["accessCode"]})
		require.Equal(t, http.StatusOK, res.Status)
		admin := res.JSON(t)["token"].(string)
		res = c.do("GET", "/api/admin/verify", admin, nil)
		require.Equal(t, http.StatusOK, res.Status)
		assert.Equal(t, map[string]any{"admin": true, "role": "super_admin"}, res.JSON(t))

		res = c.do("POST", "/api/auth/register", "", map[string]any{"email": "kofi@gov.gh", "fullName": "Kofi Boateng"})
		require.Equal(t, http.StatusCreated, res.Status)
		user := res.JSON(t)
		uid, utoken := user["user"].(map[string]any)["id"].(string), user["token"].(string)
		assert.Equal(t, http.StatusForbidden, c.do("GET", "/api/admin/verify", utoken, nil).Status)
		assert.Equal(t, http.StatusForbidden, c.do("POST", "/api/admin/users/"+uid+"/reset-account", utoken, nil).Status)

		assert.Equal(t, http.StatusNotFound, c.do("POST", "/api/admin/users/usr_nobody/reset-account", admin, nil).Status)
		res = c.do("POST", "/api/admin/users/"+uid+"/reset-account", admin, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		rs := res.JSON(t)
		assert.Equal(t, "Kofi Boateng", rs["fullName"])
		assert.Equal(t, http.StatusUnauthorized, c.do("GET", "/api/user/profile", utoken, nil).Status, "the user's sessions are revoked")
		res = c.do("POST", "/api/auth/login", "", map[string]any{"accessCode": rs["accessCode"]})
		assert.Equal(t, http.StatusOK, res.Status)
	})
}

func TestBruteForceIsThrottledPerAddress(t *testing.T) {
	c := startOn(t, sqlstore.SQLite)
	res := c.do("POST", "/api/auth/register", "", map[string]any{"email": "ama@gov.gh", "fullName": "Ama Owusu"})
	require.Equal(t, http.StatusCreated, res.Status)
	good := res.JSON(t)["accessCode"].(string)
	for i := range 60 {
		res = c.do("POST", "/api/auth/login", "", map[string]any{"accessCode": "OZZY-AAAA-AAAA"})
		require.Equal(t, http.StatusUnauthorized, res.Status, "attempt %d", i+1)
	}
	res = c.do("POST", "/api/auth/login", "", map[string]any{"accessCode": good})
	require.Equal(t, http.StatusTooManyRequests, res.Status)
	assert.Positive(t, res.JSON(t)["retryAfter"])
	assert.NotEmpty(t, res.Header.Get("Retry-After"))
}
