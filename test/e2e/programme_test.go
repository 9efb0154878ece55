package e2e

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/app/config"
	"github.com/kente-gov/kente/app/server"
	"github.com/kente-gov/kente/core/identity"
)

const v1Password = "Kente-2026-Strong"

// v1Register registers a programme through /api/v1/auth/register and
// returns its ProgrammeOut.
func v1Register(t *testing.T, c *client, email string) map[string]any {
	t.Helper()
	res := c.do("POST", "/api/v1/auth/register", "", map[string]any{"email": email, "password": v1Password, "name": "PEV " + email, "country": "SN"})
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	return res.JSON(t)
}

// v1Login logs in with password and returns the access and refresh tokens.
func v1Login(t *testing.T, c *client, email, password string) (access, refresh string) {
	t.Helper()
	res := c.do("POST", "/api/v1/auth/login", "", map[string]any{"email": email, "password": password})
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
	m := res.JSON(t)
	require.Equal(t, false, m["requires_2fa"])
	return m["access_token"].(string), m["refresh_token"].(string)
}

// requireV1Error checks an /api/v1 error body.
func requireV1Error(t *testing.T, res response, status int, code, field string) {
	t.Helper()
	require.Equal(t, status, res.Status, "%s", res.Body)
	m := res.JSON(t)
	assert.NotEmpty(t, m["detail"])
	if code != "" {
		assert.Equal(t, code, m["code"], "%s", res.Body)
	}
	if field != "" {
		assert.Equal(t, field, m["field"], "%s", res.Body)
	}
	assert.NotContains(t, m, "error", "the /api/v1 shape, not the /api one")
}

func upload(t *testing.T, c *client, token, filename string, data []byte) response {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, err := w.CreateFormFile("file", filename)
	require.NoError(t, err)
	_, err = fw.Write(data)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return c.do("POST", "/api/v1/auth/logo", token, buf.Bytes(), "Content-Type", w.FormDataContentType())
}

func totpNow(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	raw, err := identity.DecodeTOTPSecret(secret)
	require.NoError(t, err)
	return identity.HOTP(raw, identity.TOTPStep(at), 6)
}

func TestProgrammeAccountFlow(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d sqlstore.Dialect) {
		c := startOn(t, d)

		out := v1Register(t, c, "Awa@Sante.sn")
		assert.Equal(t, "awa@sante.sn", out["email"])
		assert.Equal(t, "programme_admin", out["role"])
		assert.Equal(t, "starter", out["plan"])
		assert.Equal(t, "active", out["status"])
		assert.Equal(t, float64(0), out["balance_fcfa"])
		assert.Equal(t, false, out["is_admin"])
		assert.Nil(t, out["logo_url"])
		pid := out["id"].(string)
		requireV1Error(t, c.do("POST", "/api/v1/auth/register", "", map[string]any{"email": "awa@sante.sn", "password": v1Password, "name": "X Y", "country": "SN"}),
			http.StatusConflict, "programme.email_taken", "email")
		requireV1Error(t, c.do("POST", "/api/v1/auth/register", "", map[string]any{"email": "b@sante.sn", "password": "weakweakweak", "name": "X Y", "country": "SN"}),
			http.StatusUnprocessableEntity, "programme.password_weak", "password")
		// Older field names still register.
		res := c.do("POST", "/api/v1/auth/register", "", map[string]any{"email": "old@sante.sn", "password": v1Password, "full_name": "Old Client", "country": "CI"})
		require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
		assert.Equal(t, "Old Client", res.JSON(t)["name"])

		// Login, me, patch.
		res = c.do("POST", "/api/v1/auth/login", "", map[string]any{"email": "awa@sante.sn", "password": v1Password})
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		login := res.JSON(t)
		assert.Equal(t, "bearer", login["token_type"])
		assert.Equal(t, float64(1800), login["expires_in"])
		assert.Equal(t, pid, login["programme"].(map[string]any)["id"])
		access, refresh := login["access_token"].(string), login["refresh_token"].(string)
		res = c.do("GET", "/api/v1/auth/me", access, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Equal(t, pid, res.JSON(t)["id"])
		res = c.do("PATCH", "/api/v1/auth/me", access, map[string]any{"name": "PEV Sénégal", "phone": "+221 77 000 00 00"})
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Equal(t, "PEV Sénégal", res.JSON(t)["name"])
		assert.Equal(t, "+221 77 000 00 00", res.JSON(t)["phone"])
		requireV1Error(t, c.do("PATCH", "/api/v1/auth/me", access, map[string]any{"country": "FR"}), http.StatusUnprocessableEntity, "", "country")

		// 2FA setup and verify-setup.
		res = c.do("POST", "/api/v1/auth/2fa/setup", access, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		secret := res.JSON(t)["secret"].(string)
		assert.Equal(t, "otpauth://totp/OOMUS%20DPI:awa@sante.sn?secret="+secret+"&issuer=OOMUS%20DPI", res.JSON(t)["provisioning_uri"])
		requireV1Error(t, c.do("POST", "/api/v1/auth/2fa/verify-setup", access, map[string]any{"secret": secret, "code": "000000"}),
			http.StatusUnprocessableEntity, "", "code")
		res = c.do("POST", "/api/v1/auth/2fa/verify-setup", access, map[string]any{"secret": secret, "code": totpNow(t, secret, time.Now())})
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Equal(t, true, res.JSON(t)["two_factor_enabled"])

		// Login now takes two steps.
		res = c.do("POST", "/api/v1/auth/login", "", map[string]any{"email": "awa@sante.sn", "password": v1Password})
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		step := res.JSON(t)
		assert.Equal(t, true, step["requires_2fa"])
		assert.Equal(t, "", step["access_token"])
		assert.Equal(t, "", step["refresh_token"])
		totpToken := step["totp_token"].(string)
		requireV1Error(t, c.do("GET", "/api/v1/auth/me", totpToken, nil), http.StatusUnauthorized, "", "")
		requireV1Error(t, c.do("POST", "/api/v1/auth/2fa/login", "", map[string]any{"email": "awa@sante.sn", "code": "123456"}),
			http.StatusUnprocessableEntity, "programme.totp_token_required", "totp_token")
		requireV1Error(t, c.do("POST", "/api/v1/auth/2fa/login", "", map[string]any{"totp_token": totpToken, "code": "000000"}),
			http.StatusUnauthorized, "", "code")
		// The next step's code: verify-setup consumed the current one.
		res = c.do("POST", "/api/v1/auth/2fa/login", "", map[string]any{"totp_token": totpToken, "code": totpNow(t, secret, time.Now().Add(30*time.Second))})
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		final := res.JSON(t)
		assert.Equal(t, false, final["requires_2fa"])
		access2, refresh2 := final["access_token"].(string), final["refresh_token"].(string)
		require.Equal(t, http.StatusOK, c.do("GET", "/api/v1/auth/me", access2, nil).Status)
		// Turn 2FA off again so the rest logs in with one step (a second 2FA
		// login would have to wait for the next 30 s step).
		requireV1Error(t, c.do("DELETE", "/api/v1/auth/2fa/disable", access2, map[string]any{"current_password": "Wrong-Pass-123"}),
			http.StatusUnprocessableEntity, "programme.wrong_password", "current_password")
		res = c.do("DELETE", "/api/v1/auth/2fa/disable", access2, map[string]any{"current_password": v1Password})
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Equal(t, false, res.JSON(t)["two_factor_enabled"])

		// Refresh rotates; replaying the old refresh token revokes the family.
		res = c.do("POST", "/api/v1/auth/refresh", "", map[string]any{"refresh_token": refresh2})
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		rot := res.JSON(t)
		assert.NotEqual(t, refresh2, rot["refresh_token"])
		assert.Equal(t, float64(1800), rot["expires_in"])
		access3, refresh3 := rot["access_token"].(string), rot["refresh_token"].(string)
		require.Equal(t, http.StatusOK, c.do("GET", "/api/v1/auth/me", access3, nil).Status)
		requireV1Error(t, c.do("POST", "/api/v1/auth/refresh", "", map[string]any{"refresh_token": refresh2}), http.StatusUnauthorized, "programme.invalid_refresh_token", "refresh_token")
		requireV1Error(t, c.do("GET", "/api/v1/auth/me", access3, nil), http.StatusUnauthorized, "programme.invalid_token", "")
		requireV1Error(t, c.do("GET", "/api/v1/auth/me", access2, nil), http.StatusUnauthorized, "", "")
		requireV1Error(t, c.do("POST", "/api/v1/auth/refresh", "", map[string]any{"refresh_token": refresh3}), http.StatusUnauthorized, "", "refresh_token")
		require.Equal(t, http.StatusOK, c.do("GET", "/api/v1/auth/me", access, nil).Status, "the first session is another family")

		// Logout kills one session; logout-all every one.
		res = c.do("POST", "/api/v1/auth/logout", access, nil)
		require.Equal(t, http.StatusNoContent, res.Status, "%s", res.Body)
		requireV1Error(t, c.do("GET", "/api/v1/auth/me", access, nil), http.StatusUnauthorized, "", "")
		requireV1Error(t, c.do("POST", "/api/v1/auth/refresh", "", map[string]any{"refresh_token": refresh}), http.StatusUnauthorized, "", "")

		a4, _ := v1Login(t, c, "awa@sante.sn", v1Password)
		a5, r5 := v1Login(t, c, "awa@sante.sn", v1Password)
		a6, _ := v1Login(t, c, "awa@sante.sn", v1Password)
		require.Equal(t, http.StatusNoContent, c.do("POST", "/api/v1/auth/logout-all", a5, nil).Status)
		for _, tok := range []string{a4, a5, a6} {
			requireV1Error(t, c.do("GET", "/api/v1/auth/me", tok, nil), http.StatusUnauthorized, "", "")
		}
		requireV1Error(t, c.do("POST", "/api/v1/auth/refresh", "", map[string]any{"refresh_token": r5}), http.StatusUnauthorized, "", "")

		// Change password: old tokens and the old password die.
		a7, r7 := v1Login(t, c, "awa@sante.sn", v1Password)
		a8, _ := v1Login(t, c, "awa@sante.sn", v1Password)
		requireV1Error(t, c.do("POST", "/api/v1/auth/change-password", a7, map[string]any{"current_password": "Wrong-Pass-123", "new_password": "New-Password-2027"}),
			http.StatusUnprocessableEntity, "programme.wrong_password", "current_password")
		requireV1Error(t, c.do("POST", "/api/v1/auth/change-password", a7, map[string]any{"current_password": v1Password, "new_password": v1Password}),
			http.StatusUnprocessableEntity, "programme.password_unchanged", "new_password")
		require.Equal(t, http.StatusNoContent, c.do("POST", "/api/v1/auth/change-password", a7, map[string]any{"current_password": v1Password, "new_password": "New-Password-2027"}).Status)
		for _, tok := range []string{a7, a8} {
			requireV1Error(t, c.do("GET", "/api/v1/auth/me", tok, nil), http.StatusUnauthorized, "", "")
		}
		requireV1Error(t, c.do("POST", "/api/v1/auth/refresh", "", map[string]any{"refresh_token": r7}), http.StatusUnauthorized, "", "")
		requireV1Error(t, c.do("POST", "/api/v1/auth/login", "", map[string]any{"email": "awa@sante.sn", "password": v1Password}), http.StatusUnauthorized, "", "")
		a9, _ := v1Login(t, c, "awa@sante.sn", "New-Password-2027")

		// Logo: a PNG is stored as a data URI; other types and big files are refused.
		png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 100)...)
		res = upload(t, c, a9, "logo.png", png)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.True(t, strings.HasPrefix(res.JSON(t)["logo_url"].(string), "data:image/png;base64,iVBORw0KGgo"))
		requireV1Error(t, upload(t, c, a9, "logo.png", []byte("GIF89a\x01\x00\x01\x00")), http.StatusUnprocessableEntity, "programme.logo_unsupported_type", "file")
		requireV1Error(t, upload(t, c, a9, "logo.png", append(bytes.Clone(png), make([]byte, 600<<10)...)), http.StatusRequestEntityTooLarge, "", "")
		requireV1Error(t, c.do("POST", "/api/v1/auth/logo", a9, map[string]any{"file": "x"}), http.StatusUnprocessableEntity, "programme.logo_required", "file")

		// Lockout: five wrong passwords lock the account; 429 with Retry-After.
		for range 5 {
			requireV1Error(t, c.do("POST", "/api/v1/auth/login", "", map[string]any{"email": "awa@sante.sn", "password": "Wrong-Pass-123"}),
				http.StatusUnauthorized, "programme.invalid_credentials", "")
		}
		res = c.do("POST", "/api/v1/auth/login", "", map[string]any{"email": "awa@sante.sn", "password": "New-Password-2027"})
		requireV1Error(t, res, http.StatusTooManyRequests, "programme.too_many_attempts", "")
		assert.NotEmpty(t, res.Header.Get("Retry-After"))
	})
}

// createAdmin creates the first platform administrator through the command
// line's code path and returns its access token.
func createAdmin(t *testing.T, cfg config.Config, c *client, email string) string {
	t.Helper()
	var out bytes.Buffer
	err := server.ProgrammeCommand(context.Background(), cfg,
		[]string{"create", "--email", email, "--name", "Oomus Ops", "--country", "SN", "--admin"},
		strings.NewReader(v1Password+"\n"), &out)
	require.NoError(t, err)
	assert.Contains(t, out.String(), "is_admin true")
	access, _ := v1Login(t, c, email, v1Password)
	return access
}

func TestAdminProgrammes(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d sqlstore.Dialect) {
		cfg := testConfig(t, sqltest.URL(t, d))
		c := start(t, cfg)
		admin := createAdmin(t, cfg, c, "root@oomus.org")
		me := c.do("GET", "/api/v1/auth/me", admin, nil).JSON(t)
		assert.Equal(t, true, me["is_admin"])
		assert.Equal(t, "super_admin", me["role"])
		adminID := me["id"].(string)

		other := v1Register(t, c, "other@sante.sn")["id"].(string)
		otherTok, _ := v1Login(t, c, "other@sante.sn", v1Password)
		requireV1Error(t, c.do("GET", "/api/v1/admin/programmes", otherTok, nil), http.StatusForbidden, "programme.admin_required", "")

		// Create, list (both spellings), update.
		res := c.do("POST", "/api/v1/admin/programmes/", admin, map[string]any{"email": "made@sante.sn", "password": v1Password, "name": "Made", "country": "CI", "phone": "+225 01"})
		require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
		made := res.JSON(t)["id"].(string)
		assert.Equal(t, false, res.JSON(t)["is_admin"])
		for _, p := range []string{"/api/v1/admin/programmes", "/api/v1/admin/programmes/?limit=2"} {
			res = c.do("GET", p, admin, nil)
			require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
			list := res.JSON(t)
			assert.Equal(t, float64(3), list["total"])
			assert.Equal(t, made, list["items"].([]any)[0].(map[string]any)["id"], "newest first")
		}
		requireV1Error(t, c.do("GET", "/api/v1/admin/programmes?limit=abc", admin, nil), http.StatusUnprocessableEntity, "", "limit")
		res = c.do("PATCH", "/api/v1/admin/programmes/"+made, admin, map[string]any{"plan": "national_campaign", "name": "Made Twice"})
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Equal(t, "national_campaign", res.JSON(t)["plan"])
		requireV1Error(t, c.do("PATCH", "/api/v1/admin/programmes/"+made, admin, map[string]any{"status": "gone"}), http.StatusUnprocessableEntity, "", "status")
		requireV1Error(t, c.do("PATCH", "/api/v1/admin/programmes/00000000-0000-4000-8000-000000000000", admin, map[string]any{"plan": "starter"}), http.StatusNotFound, "", "")

		// Safety rules.
		requireV1Error(t, c.do("PATCH", "/api/v1/admin/programmes/"+adminID, admin, map[string]any{"is_admin": false}), http.StatusForbidden, "programme.cannot_revoke_own_admin", "is_admin")
		requireV1Error(t, c.do("PATCH", "/api/v1/admin/programmes/"+adminID, admin, map[string]any{"status": "suspended"}), http.StatusForbidden, "programme.cannot_suspend_self", "status")
		requireV1Error(t, c.do("DELETE", "/api/v1/admin/programmes/"+adminID, admin, nil), http.StatusForbidden, "programme.cannot_delete_self", "")
		res = c.do("PATCH", "/api/v1/admin/programmes/"+other, admin, map[string]any{"is_admin": true})
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		require.Equal(t, http.StatusOK, c.do("GET", "/api/v1/admin/programmes", otherTok, nil).Status, "the grant acts on live tokens")
		requireV1Error(t, c.do("DELETE", "/api/v1/admin/programmes/"+other, admin, nil), http.StatusForbidden, "programme.cannot_delete_admin", "")

		// Suspension acts at once; deletion takes the users with it.
		madeTok, _ := v1Login(t, c, "made@sante.sn", v1Password)
		require.Equal(t, http.StatusOK, c.do("PATCH", "/api/v1/admin/programmes/"+made, admin, map[string]any{"status": "suspended"}).Status)
		requireV1Error(t, c.do("GET", "/api/v1/auth/me", madeTok, nil), http.StatusForbidden, "programme.suspended", "")
		requireV1Error(t, c.do("POST", "/api/v1/auth/login", "", map[string]any{"email": "made@sante.sn", "password": v1Password}), http.StatusForbidden, "programme.suspended", "")
		require.Equal(t, http.StatusNoContent, c.do("DELETE", "/api/v1/admin/programmes/"+made, admin, nil).Status)
		requireV1Error(t, c.do("GET", "/api/v1/auth/me", madeTok, nil), http.StatusUnauthorized, "", "")
		requireV1Error(t, c.do("DELETE", "/api/v1/admin/programmes/"+made, admin, nil), http.StatusNotFound, "", "")
		res = c.do("GET", "/api/v1/admin/programmes", admin, nil)
		assert.Equal(t, float64(2), res.JSON(t)["total"])
	})
}

func TestProgrammeCommand(t *testing.T) {
	cfg := testConfig(t, sqltest.URL(t, sqlstore.SQLite))
	c := start(t, cfg) // migrates the database
	run := func(stdin string, args ...string) (string, error) {
		var out bytes.Buffer
		err := server.ProgrammeCommand(context.Background(), cfg, args, strings.NewReader(stdin), &out)
		return out.String(), err
	}

	out, err := run(v1Password+"\r\n", "create", "--email", "stdin@oomus.org", "--name", "Stdin Ops", "--country", "sn", "--admin")
	require.NoError(t, err)
	assert.Regexp(t, `^programme [0-9a-f-]{36} created: Stdin Ops <stdin@oomus.org>, role super_admin, is_admin true\n$`, out)
	v1Login(t, c, "stdin@oomus.org", v1Password)

	pwFile := filepath.Join(t.TempDir(), "pw")
	require.NoError(t, os.WriteFile(pwFile, []byte("File-Password-2026\n"), 0o600))
	out, err = run("", "create", "--email", "pwfile@sante.sn", "--name", "File Prog", "--country", "GH", "--password-file", pwFile)
	require.NoError(t, err)
	assert.Contains(t, out, "role programme_admin, is_admin false")
	v1Login(t, c, "pwfile@sante.sn", "File-Password-2026")

	tests := []struct {
		name    string
		stdin   string
		args    []string
		wantErr string
	}{
		{"no subcommand", "", nil, "usage"},
		{"unknown subcommand", "", []string{"delete"}, "usage"},
		{"unknown flag", v1Password, []string{"create", "--bogus"}, "flag provided but not defined"},
		{"stray argument", v1Password, []string{"create", "--email", "x@s.sn", "extra"}, `unexpected argument "extra"`},
		{"both password sources", "", []string{"create", "--password", "A", "--password-file", pwFile}, "not both"},
		{"missing password file", "", []string{"create", "--email", "y@s.sn", "--name", "Y Y", "--country", "SN", "--password-file", filepath.Join(t.TempDir(), "none")}, "read password file"},
		{"empty stdin", "", []string{"create", "--email", "z@s.sn", "--name", "Z Z", "--country", "SN"}, "password is required"},
		{"weak password", "weak\n", []string{"create", "--email", "z@s.sn", "--name", "Z Z", "--country", "SN"}, "password"},
		{"bad country", v1Password, []string{"create", "--email", "z@s.sn", "--name", "Z Z", "--country", "FR"}, "country"},
		{"taken email", v1Password, []string{"create", "--email", "stdin@oomus.org", "--name", "Z Z", "--country", "SN"}, "programme.email_taken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := run(tt.stdin, tt.args...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.Empty(t, out)
		})
	}
}
