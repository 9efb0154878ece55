package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/identity"
)

func TestRegister(t *testing.T) {
	e := newEnv(t, nil)
	rec := e.do(t, req{method: "POST", path: "/api/auth/register",
		body: `{"email":" Kwame.Mensah@GOV.gh ","fullName":"Kwame  Mensah","department":"Ministry of Finance","userType":"government","unknown":1}`})
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	m := decode(t, rec)
	assert.Regexp(t, `^OZZY-[A-Z2-9]{4}-[A-Z2-9]{4}$`, m["accessCode"])
	assert.True(t, identity.WellFormedToken(m["token"].(string)))
	user := m["user"].(map[string]any)
	assert.Regexp(t, `^usr_`, user["id"])
	delete(user, "id")
	assert.Equal(t, map[string]any{
		"email": "kwame.mensah@gov.gh", "fullName": "Kwame Mensah", "department": "Ministry of Finance",
		"tier": "free", "role": "user",
	}, user)
}

func TestRegisterErrors(t *testing.T) {
	big := `{"email":"a@b.gh","fullName":"` + strings.Repeat("x", 2<<20) + `"}`
	tests := []struct {
		name        string
		give        string
		contentType string
		wantStatus  int
		wantError   string
		wantField   string
	}{
		{name: "malformed", give: `{"email":`, wantStatus: 400, wantError: "request body is not valid JSON"},
		{name: "not json", give: `email=a`, wantStatus: 400, wantError: "request body is not valid JSON"},
		{name: "trailing data", give: `{"email":"a@b.gh","fullName":"Ab"} {}`, wantStatus: 400, wantError: "request body is not valid JSON"},
		{name: "array", give: `[]`, wantStatus: 400, wantError: "request body must be a JSON object"},
		{name: "email number", give: `{"email": 5, "fullName":"Kwame"}`, wantStatus: 400, wantError: "email must be a string", wantField: "email"},
		{name: "fullName object", give: `{"email":"a@b.gh","fullName":{}}`, wantStatus: 400, wantError: "fullName must be a string", wantField: "fullName"},
		{name: "department bool", give: `{"email":"a@b.gh","fullName":"Ab","department":true}`, wantStatus: 400, wantError: "department must be a string", wantField: "department"},
		{name: "missing email", give: `{"fullName":"Kwame"}`, wantStatus: 400, wantError: "email is required", wantField: "email"},
		{name: "bad email", give: `{"email":"nope","fullName":"Kwame"}`, wantStatus: 400, wantField: "email"},
		{name: "missing fullName", give: `{"email":"a@b.gh"}`, wantStatus: 400, wantError: "fullName is required", wantField: "fullName"},
		{name: "bad userType", give: `{"email":"a@b.gh","fullName":"Ab","userType":"alien"}`, wantStatus: 400, wantField: "userType"},
		{name: "empty body", give: ``, contentType: "application/json", wantStatus: 400, wantError: "request body is required", wantField: "body"},
		{name: "null body", give: `null`, wantStatus: 400, wantField: "email"},
		{name: "oversized", give: big, wantStatus: 413, wantError: "Request body is too large"},
		{name: "form content type", give: `{"email":"a@b.gh","fullName":"Ab"}`, contentType: "application/x-www-form-urlencoded", wantStatus: 415, wantError: "Content-Type must be application/json"},
	}
	e := newEnv(t, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := req{method: "POST", path: "/api/auth/register", body: tt.give}
			if tt.contentType != "" {
				r.headers = map[string]string{"Content-Type": tt.contentType}
			}
			rec := e.do(t, r)
			require.Equal(t, tt.wantStatus, rec.Code, rec.Body.String())
			m := decode(t, rec)
			if tt.wantError != "" {
				assert.Equal(t, tt.wantError, m["error"])
			} else {
				assert.NotEmpty(t, m["error"])
			}
			if tt.wantField != "" {
				assert.Equal(t, tt.wantField, m["field"])
			} else {
				assert.NotContains(t, m, "field")
			}
		})
	}
}

func TestOversizedChunkedBody(t *testing.T) {
	e := newEnv(t, nil)
	hr := httptestRequest("POST", "/api/auth/register", strings.NewReader(`{"email":"a@b.gh","fullName":"`+strings.Repeat("x", 2<<20)+`"}`))
	hr.ContentLength = -1 // as for Transfer-Encoding: chunked
	rec := serve(e, hr)
	assert.Equal(t, http.StatusRequestEntityTooLarge, rec.Code)
	assert.JSONEq(t, `{"error":"Request body is too large"}`, rec.Body.String())
}

func TestRegisterDuplicateEmail(t *testing.T) {
	e := newEnv(t, nil)
	e.register(t, "kwame@gov.gh")
	rec := e.do(t, req{method: "POST", path: "/api/auth/register", body: `{"email":"KWAME@gov.gh","fullName":"Kwame Other"}`})
	require.Equal(t, http.StatusConflict, rec.Code)
	assert.Equal(t, map[string]any{"error": "An account with this email already exists", "field": "email"}, decode(t, rec))
}

func TestLogin(t *testing.T) {
	e := newEnv(t, nil)
	a := e.register(t, "ama@gov.gh")
	tests := []struct {
		name       string
		give       string
		wantStatus int
		wantError  string
		wantField  string
	}{
		{name: "ok", give: `{"accessCode":"` + strings.ToLower(a.AccessCode) + `"}`, wantStatus: 200},
		{name: "wrong code", give: `{"accessCode":"OZZY-2222-2222"}`, wantStatus: 401, wantError: "Invalid access code"},
		{name: "malformed code", give: `{"accessCode":"OZZY-22"}`, wantStatus: 400, wantField: "accessCode"},
		{name: "missing code", give: `{}`, wantStatus: 400, wantError: "accessCode is required", wantField: "accessCode"},
		{name: "code number", give: `{"accessCode":12345678}`, wantStatus: 400, wantError: "accessCode must be a string", wantField: "accessCode"},
		{name: "malformed json", give: `{accessCode}`, wantStatus: 400, wantError: "request body is not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := e.do(t, req{method: "POST", path: "/api/auth/login", body: tt.give})
			require.Equal(t, tt.wantStatus, rec.Code, rec.Body.String())
			m := decode(t, rec)
			if tt.wantStatus == 200 {
				assert.True(t, identity.WellFormedToken(m["token"].(string)))
				assert.NotEqual(t, a.Token, m["token"])
				assert.Equal(t, map[string]any{"id": a.ID, "email": "ama@gov.gh", "fullName": "Kwame Mensah",
					"department": "Ministry of Finance", "tier": "free", "role": "user"}, m["user"])
				return
			}
			if tt.wantError != "" {
				assert.Equal(t, tt.wantError, m["error"])
			}
			if tt.wantField != "" {
				assert.Equal(t, tt.wantField, m["field"])
			}
		})
	}
}

func TestDeactivatedAccount(t *testing.T) {
	e := newEnv(t, nil)
	a := e.register(t, "kofi@gov.gh")
	e.store.SetStatus(a.ID, identity.StatusDeactivated)
	rec := e.do(t, req{method: "POST", path: "/api/auth/login", body: `{"accessCode":"` + a.AccessCode + `"}`})
	assert.Equal(t, http.StatusForbidden, rec.Code)
	assert.Equal(t, "This account has been deactivated", decode(t, rec)["error"])
	rec = e.do(t, req{method: "GET", path: "/api/user/profile", token: a.Token})
	assert.Equal(t, http.StatusForbidden, rec.Code)
}

func TestLogout(t *testing.T) {
	e := newEnv(t, nil)
	a := e.register(t, "esi@gov.gh")
	rec := e.do(t, req{method: "POST", path: "/api/auth/logout", token: a.Token})
	require.Equal(t, http.StatusOK, rec.Code)
	assert.JSONEq(t, `{"success":true}`, rec.Body.String())

	rec = e.do(t, req{method: "GET", path: "/api/user/profile", token: a.Token})
	assert.Equal(t, http.StatusUnauthorized, rec.Code)
	assert.Equal(t, "Invalid or expired session", decode(t, rec)["error"])
	rec = e.do(t, req{method: "POST", path: "/api/auth/logout", token: a.Token})
	assert.Equal(t, http.StatusUnauthorized, rec.Code)
}

func TestProfile(t *testing.T) {
	e := newEnv(t, nil)
	a := e.register(t, "yaw@gov.gh")
	rec := e.do(t, req{method: "GET", path: "/api/user/profile", token: a.Token})
	require.Equal(t, http.StatusOK, rec.Code)
	user := decode(t, rec)["user"].(map[string]any)
	assert.Regexp(t, `^KWAME-[A-Z2-9]{4}$`, user["referralCode"])
	delete(user, "referralCode")
	assert.Equal(t, map[string]any{
		"id": a.ID, "email": "yaw@gov.gh", "fullName": "Kwame Mensah", "department": "Ministry of Finance",
		"tier": "free", "role": "user", "twoFactorEnabled": false, "createdAt": "2025-01-15T08:00:00Z",
	}, user)
}

func TestSessionsAndRevokeAll(t *testing.T) {
	e := newEnv(t, nil)
	a := e.register(t, "abena@gov.gh")
	login := func(ua, remote string) string {
		e.clock.Add(time.Hour)
		rec := e.do(t, req{method: "POST", path: "/api/auth/login", body: `{"accessCode":"` + a.AccessCode + `"}`,
			headers: map[string]string{"User-Agent": ua}, remote: remote})
		require.Equal(t, http.StatusOK, rec.Code)
		return decode(t, rec)["token"].(string)
	}
	phone := login("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) AppleWebKit/605 Version/17.0 Mobile Safari/604.1", "41.215.3.4:5555")
	desk := login("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36", "41.216.9.9:1234")

	rec := e.do(t, req{method: "GET", path: "/api/user/sessions", token: desk})
	require.Equal(t, http.StatusOK, rec.Code)
	sessions := decode(t, rec)["sessions"].([]any)
	require.Len(t, sessions, 3)
	first := sessions[0].(map[string]any)
	assert.Equal(t, true, first["current"])
	assert.Equal(t, "Chrome on Windows", first["device"])
	assert.Equal(t, "41.216.x.x", first["ip"])
	assert.Equal(t, "2025-01-15T10:00:00Z", first["lastActive"])
	second := sessions[1].(map[string]any)
	assert.Equal(t, false, second["current"])
	assert.Equal(t, "Safari on iPhone", second["device"])
	assert.Equal(t, "41.215.x.x", second["ip"])
	assert.Equal(t, false, sessions[2].(map[string]any)["current"])

	rec = e.do(t, req{method: "POST", path: "/api/user/sessions/revoke-all", token: desk})
	require.Equal(t, http.StatusOK, rec.Code)
	assert.JSONEq(t, `{"success":true,"revokedCount":2}`, rec.Body.String())

	for _, tok := range []string{a.Token, phone} {
		rec = e.do(t, req{method: "GET", path: "/api/user/profile", token: tok})
		assert.Equal(t, http.StatusUnauthorized, rec.Code)
	}
	rec = e.do(t, req{method: "GET", path: "/api/user/sessions", token: desk})
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Len(t, decode(t, rec)["sessions"], 1)
	rec = e.do(t, req{method: "POST", path: "/api/user/sessions/revoke-all", token: desk})
	assert.JSONEq(t, `{"success":true,"revokedCount":0}`, rec.Body.String())
}
