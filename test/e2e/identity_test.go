package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/core/identity"
)

const (
	chromeWindows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"
	safariIPhone  = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)

func register(t *testing.T, c *client, email, name string) (code, token string, user map[string]any) {
	t.Helper()
	res := c.do("POST", "/api/auth/register", "", map[string]any{
		"email": email, "fullName": name, "department": "Ministry of Finance", "userType": "government",
	}, "User-Agent", chromeWindows)
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	m := res.JSON(t)
	return m["accessCode"].(string), m["token"].(string), m["user"].(map[string]any)
}

func TestIdentityFlow(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d sqlstore.Dialect) {
		dbURL := sqltest.URL(t, d)
		c := start(t, testConfig(t, dbURL))

		// Register.
		code, regToken, user := register(t, c, "Kwame.Mensah@Gov.GH", "Kwame Mensah")
		assert.Regexp(t, `^OZZY-[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{4}-[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{4}$`, code)
		assert.True(t, strings.HasPrefix(regToken, "sess_"))
		assert.Equal(t, "kwame.mensah@gov.gh", user["email"])
		assert.Equal(t, "Kwame Mensah", user["fullName"])
		assert.Equal(t, "Ministry of Finance", user["department"])
		assert.Equal(t, "free", user["tier"])
		assert.Equal(t, "user", user["role"])
		assert.Regexp(t, `^usr_`, user["id"])

		// A taken email, in any case, is a conflict.
		res := c.do("POST", "/api/auth/register", "", map[string]any{"email": "KWAME.mensah@gov.gh", "fullName": "Another Kwame"})
		assert.Equal(t, http.StatusConflict, res.Status)
		assert.NotEmpty(t, res.JSON(t)["error"])

		// Login with the code as typed in many ways.
		for _, typed := range []string{code, strings.ToLower(code), " " + strings.ReplaceAll(code, "-", " ") + " ", code[5:]} {
			res = c.do("POST", "/api/auth/login", "", map[string]any{"accessCode": typed}, "User-Agent", safariIPhone)
			require.Equal(t, http.StatusOK, res.Status, "login with %q: %s", typed, res.Body)
		}
		m := res.JSON(t)
		loginToken := m["token"].(string)
		assert.NotEqual(t, regToken, loginToken)
		assert.Equal(t, user["id"], m["user"].(map[string]any)["id"])

		// Profile.
		res = c.do("GET", "/api/user/profile", loginToken, nil)
		require.Equal(t, http.StatusOK, res.Status)
		p := res.JSON(t)["user"].(map[string]any)
		assert.Equal(t, "kwame.mensah@gov.gh", p["email"])
		assert.Regexp(t, `^KWAME-[A-Z2-9]{4}$`, p["referralCode"])
		assert.Equal(t, false, p["twoFactorEnabled"])
		assert.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$`, p["createdAt"])

		// Sessions: five logins plus the registration, the current one marked.
		res = c.do("GET", "/api/user/sessions", loginToken, nil)
		require.Equal(t, http.StatusOK, res.Status)
		sessions := res.JSON(t)["sessions"].([]any)
		require.Len(t, sessions, 5)
		current := 0
		for _, s := range sessions {
			s := s.(map[string]any)
			if s["current"] == true {
				current++
				assert.Equal(t, "Safari on iPhone", s["device"])
			}
			assert.Equal(t, "127.0.x.x", s["ip"])
			assert.Regexp(t, `^sess_[0-9a-f]{16}$`, s["id"])
		}
		assert.Equal(t, 1, current)

		// Revoke all others: the registration session dies, this one lives.
		res = c.do("POST", "/api/user/sessions/revoke-all", loginToken, nil)
		require.Equal(t, http.StatusOK, res.Status)
		assert.Equal(t, map[string]any{"success": true, "revokedCount": float64(4)}, res.JSON(t))
		assert.Equal(t, http.StatusUnauthorized, c.do("GET", "/api/user/profile", regToken, nil).Status)
		assert.Equal(t, http.StatusOK, c.do("GET", "/api/user/profile", loginToken, nil).Status)
		res = c.do("GET", "/api/user/sessions", loginToken, nil)
		assert.Len(t, res.JSON(t)["sessions"].([]any), 1)

		// Logout ends the session.
		res = c.do("POST", "/api/auth/logout", loginToken, nil)
		require.Equal(t, http.StatusOK, res.Status)
		assert.Equal(t, true, res.JSON(t)["success"])
		assert.Equal(t, http.StatusUnauthorized, c.do("GET", "/api/user/profile", loginToken, nil).Status)

		// A deactivated account cannot log in.
		db, err := sqlstore.Open(context.Background(), dbURL)
		require.NoError(t, err)
		defer db.Close()
		_, err = sqlstore.NewUserStore(db).UpdateUser(context.Background(), user["id"].(string), func(u *identity.User) error {
			u.Status = identity.StatusDeactivated
			return nil
		})
		require.NoError(t, err)
		res = c.do("POST", "/api/auth/login", "", map[string]any{"accessCode": code})
		assert.Equal(t, http.StatusForbidden, res.Status)
		assert.Contains(t, res.JSON(t)["error"], "deactivated")
	})
}

func TestReferralCodeIsRecorded(t *testing.T) {
	dbURL := sqltest.URL(t, sqlstore.SQLite)
	c := start(t, testConfig(t, dbURL))
	_, tok, _ := register(t, c, "ama@gov.gh", "Ama Owusu")
	ref := c.do("GET", "/api/user/profile", tok, nil).JSON(t)["user"].(map[string]any)["referralCode"].(string)

	res := c.do("POST", "/api/auth/register", "", map[string]any{"email": "kofi@gov.gh", "fullName": "Kofi Boateng", "referralCode": strings.ToLower(ref)})
	require.Equal(t, http.StatusCreated, res.Status)
	kofi := res.JSON(t)["user"].(map[string]any)["id"].(string)
	res = c.do("POST", "/api/auth/register", "", map[string]any{"email": "yaa@gov.gh", "fullName": "Yaa Asantewaa", "referralCode": "NOBODY-ABCD"})
	require.Equal(t, http.StatusCreated, res.Status, "an unknown referral code is accepted")
	yaa := res.JSON(t)["user"].(map[string]any)["id"].(string)

	db, err := sqlstore.Open(context.Background(), dbURL)
	require.NoError(t, err)
	defer db.Close()
	users := sqlstore.NewUserStore(db)
	ama, err := users.UserByEmail(context.Background(), "ama@gov.gh")
	require.NoError(t, err)
	k, err := users.UserByID(context.Background(), kofi)
	require.NoError(t, err)
	assert.Equal(t, ama.ID, k.ReferredBy)
	assert.Equal(t, ref, k.SubmittedReferralCode)
	y, err := users.UserByID(context.Background(), yaa)
	require.NoError(t, err)
	assert.Empty(t, y.ReferredBy)
	assert.Equal(t, "NOBODY-ABCD", y.SubmittedReferralCode)
}

func TestIdentityErrors(t *testing.T) {
	c := startOn(t, sqlstore.SQLite)
	_, token, _ := register(t, c, "efua@gov.gh", "Efua Sutherland")

	tests := []struct {
		name       string
		method     string
		path       string
		token      string
		body       any
		hdr        []string
		wantStatus int
		wantInErr  string
	}{
		{"register without body", "POST", "/api/auth/register", "", nil, nil, 400, ""},
		{"register malformed JSON", "POST", "/api/auth/register", "", `{"email":`, nil, 400, "JSON"},
		{"register email wrong type", "POST", "/api/auth/register", "", `{"email": 5, "fullName": "Abc Def"}`, nil, 400, "email"},
		{"register missing email", "POST", "/api/auth/register", "", map[string]any{"fullName": "Abc Def"}, nil, 400, "email"},
		{"register invalid email", "POST", "/api/auth/register", "", map[string]any{"email": "nope", "fullName": "Abc Def"}, nil, 400, "email"},
		{"register missing name", "POST", "/api/auth/register", "", map[string]any{"email": "x@gov.gh"}, nil, 400, "fullName"},
		{"register name too long", "POST", "/api/auth/register", "", map[string]any{"email": "x@gov.gh", "fullName": strings.Repeat("a", 101)}, nil, 400, "fullName"},
		{"register bad user type", "POST", "/api/auth/register", "", map[string]any{"email": "x@gov.gh", "fullName": "Abc Def", "userType": "alien"}, nil, 400, "userType"},
		{"register array body", "POST", "/api/auth/register", "", `[1,2]`, nil, 400, ""},
		{"register oversized", "POST", "/api/auth/register", "", `{"email":"` + strings.Repeat("a", 2<<20) + `"}`, nil, 413, ""},
		{"register wrong content type", "POST", "/api/auth/register", "", `email=a`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, ""},
		{"login missing code", "POST", "/api/auth/login", "", map[string]any{}, nil, 400, "accessCode"},
		{"login code wrong type", "POST", "/api/auth/login", "", `{"accessCode": ["OZZY"]}`, nil, 400, "accessCode"},
		{"login malformed code", "POST", "/api/auth/login", "", map[string]any{"accessCode": "OZZY-12"}, nil, 400, "accessCode"},
		{"login wrong code", "POST", "/api/auth/login", "", map[string]any{"accessCode": "OZZY-AAAA-AAAA"}, nil, 401, "Invalid access code"},
		{"profile without token", "GET", "/api/user/profile", "", nil, nil, 401, ""},
		{"profile garbage token", "GET", "/api/user/profile", "sess_garbage", nil, nil, 401, ""},
		{"profile unknown token", "GET", "/api/user/profile", "sess_" + strings.Repeat("A", 43), nil, nil, 401, ""},
		{"sessions without token", "GET", "/api/user/sessions", "", nil, nil, 401, ""},
		{"revoke-all without token", "POST", "/api/user/sessions/revoke-all", "", nil, nil, 401, ""},
		{"logout without token", "POST", "/api/auth/logout", "", nil, nil, 401, ""},
		{"unknown route", "GET", "/api/nothing-here", token, nil, nil, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := c.do(tt.method, tt.path, tt.token, tt.body, tt.hdr...)
			require.Equal(t, tt.wantStatus, res.Status, "body: %.300s", res.Body)
			m := res.JSON(t)
			msg, _ := m["error"].(string)
			require.NotEmpty(t, msg, "every /api error has an error message")
			if tt.wantInErr != "" {
				assert.Contains(t, msg+" "+stringOf(m["field"]), tt.wantInErr)
			}
		})
	}
}

func stringOf(v any) string { s, _ := v.(string); return s }

func TestSystemEndpoints(t *testing.T) {
	c := startOn(t, sqlstore.SQLite)
	assert.Equal(t, http.StatusOK, c.do("GET", "/healthz", "", nil).Status)
	res := c.do("GET", "/readyz", "", nil)
	assert.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
	c.do("GET", "/api/user/profile", "", nil)
	res = c.do("GET", "/metrics", "", nil)
	require.Equal(t, http.StatusOK, res.Status)
	assert.Contains(t, string(res.Body), `route="/api/user/profile"`)
	res = c.do("GET", "/api/user/profile", "", nil, "X-Request-ID", "abc-123")
	assert.Equal(t, "abc-123", res.Header.Get("X-Request-ID"))
}

func TestCORS(t *testing.T) {
	c := startOn(t, sqlstore.SQLite)
	res := c.do("OPTIONS", "/api/auth/login", "", nil, "Origin", "https://any.example", "Access-Control-Request-Method", "POST")
	assert.Less(t, res.Status, 300)
	assert.Equal(t, "*", res.Header.Get("Access-Control-Allow-Origin"))
	assert.Equal(t, "GET, POST, PUT, PATCH, DELETE, OPTIONS", res.Header.Get("Access-Control-Allow-Methods"))
	assert.Equal(t, "Content-Type, Authorization", res.Header.Get("Access-Control-Allow-Headers"))
	res = c.do("GET", "/api/user/profile", "", nil, "Origin", "https://any.example")
	assert.Equal(t, "*", res.Header.Get("Access-Control-Allow-Origin"))
}
