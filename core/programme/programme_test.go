package programme_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/programme"
)

func TestCheckPassword(t *testing.T) {
	tests := []struct {
		name, give, email, wantCode string
	}{
		{"good", "Kente2026Strong", "", ""},
		{"good with unicode", "Ọ̀ṣun-Accra-2026x", "", ""},
		{"exactly ten", "Abcdefgh12", "", ""},
		{"nine characters", "Abcdefg12", "", "programme.password_weak"},
		{"ten runes counted, not bytes", "Éééééééé1a", "", ""},
		{"no upper-case", "kente2026strong", "", "programme.password_weak"},
		{"no lower-case", "KENTE2026STRONG", "", "programme.password_weak"},
		{"no digit", "KenteStrongPass", "", "programme.password_weak"},
		{"contains the email", "xAmina.Diallo9", "amina.diallo@sante.sn", "programme.password_weak"},
		{"contains the email in another case", "AMINA.DIALLO9x", "amina.diallo@sante.sn", "programme.password_weak"},
		{"short local part is not matched", "Bob12345678x", "bob@sante.sn", ""},
		{"too long", "Aa1" + strings.Repeat("x", 254), "", "programme.password_too_long"},
		{"longest allowed", "Aa1" + strings.Repeat("x", 253), "", ""},
		{"NUL byte", "Kente2026\x00Strong", "", "programme.password_invalid"},
		{"invalid UTF-8", "Kente2026\xffStrong", "", "programme.password_invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := programme.CheckPassword("new_password", tt.give, tt.email)
			if tt.wantCode == "" {
				assert.NoError(t, err)
				return
			}
			fe, ok := fault.As(err)
			require.True(t, ok, "%v", err)
			assert.Equal(t, fault.Invalid, fe.Kind)
			assert.Equal(t, tt.wantCode, fe.Code)
			assert.Equal(t, "new_password", fe.Field)
			assert.NotContains(t, fe.Msg, tt.give, "the message never echoes the password")
		})
	}
}

func TestNormaliseEmail(t *testing.T) {
	tests := []struct{ give, want, wantCode string }{
		{"  Amina@Sante.GOUV.sn ", "amina@sante.gouv.sn", ""},
		{"", "", "programme.email_required"},
		{"amina", "", "programme.email_invalid"},
		{"amina@localhost", "", "programme.email_invalid"},
		{"Amina <amina@sante.sn>", "", "programme.email_invalid"},
		{"amina@sante.sn.", "", "programme.email_invalid"},
		{"a b@sante.sn", "", "programme.email_invalid"},
		{strings.Repeat("a", 250) + "@x.sn", "", "programme.email_invalid"},
	}
	for _, tt := range tests {
		got, err := programme.NormaliseEmail("email", tt.give)
		if tt.wantCode == "" {
			require.NoError(t, err, tt.give)
			assert.Equal(t, tt.want, got)
			continue
		}
		fe, ok := fault.As(err)
		require.True(t, ok, "%q: %v", tt.give, err)
		assert.Equal(t, tt.wantCode, fe.Code, tt.give)
		assert.Equal(t, "email", fe.Field)
	}
}

func TestNormaliseNamePhoneCountry(t *testing.T) {
	n, err := programme.NormaliseName("name", "  PEV   Sénégal ")
	require.NoError(t, err)
	assert.Equal(t, "PEV Sénégal", n)
	for _, bad := range []string{"", "A", "<script>", "a\x07b", strings.Repeat("é", 201)} {
		_, err := programme.NormaliseName("name", bad)
		assert.True(t, fault.Is(err, fault.Invalid), "%q", bad)
	}

	p, err := programme.NormalisePhone("phone", " +221 (77) 123-45.67 ")
	require.NoError(t, err)
	assert.Equal(t, "+221 (77) 123-45.67", p)
	p, err = programme.NormalisePhone("phone", "")
	require.NoError(t, err)
	assert.Empty(t, p)
	for _, bad := range []string{"221+77", "call me", strings.Repeat("1", 33)} {
		_, err := programme.NormalisePhone("phone", bad)
		fe, ok := fault.As(err)
		require.True(t, ok, bad)
		assert.Equal(t, "phone", fe.Field)
	}

	tests := []struct{ give, country, currency string }{
		{"sn", "SN", "XOF"}, {" CM ", "CM", "XAF"}, {"ng", "NG", "NGN"}, {"KE", "KE", "KES"}, {"za", "ZA", "ZAR"}, {"GH", "GH", "GHS"},
	}
	for _, tt := range tests {
		c, cur, err := programme.NormaliseCountry("country", tt.give)
		require.NoError(t, err)
		assert.Equal(t, tt.country, c)
		assert.Equal(t, tt.currency, cur)
	}
	for _, bad := range []string{"", "FR", "SEN", "xx"} {
		_, _, err := programme.NormaliseCountry("country", bad)
		fe, ok := fault.As(err)
		require.True(t, ok, bad)
		assert.Equal(t, "country", fe.Field)
	}
}

func TestRolesStatusesPlans(t *testing.T) {
	assert.True(t, programme.RoleProgrammeAdmin.Valid())
	assert.False(t, programme.Role("root").Valid())
	assert.True(t, programme.RoleSuperAdmin.CanConfigure())
	assert.True(t, programme.RoleProgrammeAdmin.CanConfigure())
	assert.False(t, programme.RoleProgrammeUser.CanConfigure())
	assert.Contains(t, programme.RoleSuperAdmin.Permissions(), "platform:admin")
	assert.NotContains(t, programme.RoleProgrammeAdmin.Permissions(), "platform:admin")
	assert.NotContains(t, programme.RoleProgrammeUser.Permissions(), "programme:configure")
	assert.Equal(t, []string{}, programme.Role("x").Permissions())
	assert.True(t, programme.StatusPending.Valid())
	assert.False(t, programme.Status("deleted").Valid())

	for give, want := range map[string]string{"starter": "starter", "pro": "regional_ops", "enterprise": "national_campaign",
		"standard": "starter", "sovereign_enterprise": "sovereign_enterprise"} {
		got, ok := programme.NormalisePlan(give)
		assert.True(t, ok, give)
		assert.Equal(t, want, got, give)
	}
	_, ok := programme.NormalisePlan("gold")
	assert.False(t, ok)
}

func TestNewUUID(t *testing.T) {
	id, err := programme.NewUUID(bytes.NewReader(bytes.Repeat([]byte{0xff}, 16)))
	require.NoError(t, err)
	assert.Equal(t, "ffffffff-ffff-4fff-bfff-ffffffffffff", id, "version 4, RFC 4122 variant")
	id, err = programme.NewUUID(bytes.NewReader(make([]byte, 16)))
	require.NoError(t, err)
	assert.Equal(t, "00000000-0000-4000-8000-000000000000", id)
	assert.True(t, programme.ValidUUID(id))

	seen := map[string]bool{}
	for range 100 {
		id, err := programme.NewUUID(rand.Reader)
		require.NoError(t, err)
		assert.True(t, programme.ValidUUID(id), id)
		assert.False(t, seen[id])
		seen[id] = true
	}
	_, err = programme.NewUUID(iotest.ErrReader(errors.New("no entropy")))
	assert.ErrorContains(t, err, "no entropy")
	_, err = programme.NewUUID(bytes.NewReader(make([]byte, 15)))
	assert.Error(t, err, "a short read is an error")
}

func TestValidUUID(t *testing.T) {
	for give, want := range map[string]bool{
		"0f8fad5b-d9cb-469f-a165-70867728950e":  true,
		"0F8FAD5B-D9CB-469F-A165-70867728950E":  false, // canonical is lower-case
		"0f8fad5bd9cb469fa16570867728950e":      false,
		"0f8fad5b-d9cb-469f-a165-70867728950":   false,
		"0f8fad5b-d9cb-469f-a165-70867728950e0": false,
		"0f8fad5b_d9cb-469f-a165-70867728950e":  false,
		"0f8fad5b-d9cb-469f-a165-70867728950g":  false,
		"":                                      false,
		"x":                                     false,
	} {
		assert.Equal(t, want, programme.ValidUUID(give), give)
	}
}

func TestRefreshTokenFormat(t *testing.T) {
	tok, err := programme.NewRefreshToken(bytes.NewReader(bytes.Repeat([]byte{0xfb}, 32)))
	require.NoError(t, err)
	assert.Equal(t, "ort_"+base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte{0xfb}, 32)), tok)
	assert.Len(t, tok, 4+43)
	hash, err := programme.ParseRefreshToken(tok)
	require.NoError(t, err)
	assert.Equal(t, programme.HashToken(tok), hash)
	assert.Len(t, hash, 64)
	assert.NotContains(t, hash, tok[4:])

	other, err := programme.NewRefreshToken(rand.Reader)
	require.NoError(t, err)
	assert.NotEqual(t, tok, other)
	_, err = programme.NewRefreshToken(bytes.NewReader(make([]byte, 31)))
	assert.Error(t, err)

	body := tok[4:]
	for _, bad := range []string{
		"", "ort_", body, "ORT_" + body, "ort-" + body, tok + "A", tok[:len(tok)-1],
		"ort_" + body[:42] + "=", "ort_" + body[:42] + "+", "ort_" + body[:42] + "/",
		"ort_" + strings.Repeat("_", 42) + "B", // the last character carries bits past 256
		"eyJhbGciOiJIUzI1NiJ9.e30.x",
	} {
		_, err := programme.ParseRefreshToken(bad)
		assert.ErrorIs(t, err, programme.ErrMalformedToken, "%q", bad)
	}
}

func TestSniffImageAndLogo(t *testing.T) {
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 20)...)
	jpeg := []byte{0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'J', 'F', 'I', 'F'}
	webp := []byte("RIFF\x24\x00\x00\x00WEBPVP8 ")
	tests := []struct {
		name string
		give []byte
		want string
	}{
		{"png", png, "image/png"},
		{"jpeg", jpeg, "image/jpeg"},
		{"webp", webp, "image/webp"},
		{"gif", []byte("GIF89a\x01\x00"), ""},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), ""},
		{"riff but not webp", []byte("RIFF\x24\x00\x00\x00WAVEfmt "), ""},
		{"truncated png", png[:7], ""},
		{"empty", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, programme.SniffImage(tt.give))
			uri, err := programme.LogoDataURI(tt.give)
			if tt.want == "" {
				fe, ok := fault.As(err)
				require.True(t, ok)
				assert.Equal(t, fault.Invalid, fe.Kind)
				assert.Equal(t, "programme.logo_unsupported_type", fe.Code)
				assert.Equal(t, "file", fe.Field)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "data:"+tt.want+";base64,"+base64.StdEncoding.EncodeToString(tt.give), uri)
		})
	}

	big := append(bytes.Clone(png), make([]byte, programme.MaxLogoBytes-len(png))...)
	_, err := programme.LogoDataURI(big)
	require.NoError(t, err, "exactly 512 KB is allowed")
	_, err = programme.LogoDataURI(append(big, 0))
	fe, ok := fault.As(err)
	require.True(t, ok)
	assert.Equal(t, fault.TooLarge, fe.Kind)
	assert.Equal(t, "file", fe.Field)
}

func TestClaimsCheck(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	good := programme.Claims{
		Purpose: programme.PurposeAccess, UserID: "0f8fad5b-d9cb-469f-a165-70867728950e", ProgrammeID: "1f8fad5b-d9cb-469f-a165-70867728950e",
		Role: programme.RoleProgrammeAdmin, SessionID: "2f8fad5b-d9cb-469f-a165-70867728950e", TokenVersion: 2, ID: "jti",
		IssuedAt: now.Add(-time.Minute), ExpiresAt: now.Add(29 * time.Minute),
	}
	require.NoError(t, good.Check(programme.PurposeAccess, now))
	twoFA := good
	twoFA.Purpose, twoFA.SessionID, twoFA.Role = programme.PurposeTwoFactor, "", ""
	require.NoError(t, twoFA.Check(programme.PurposeTwoFactor, now), "a 2FA token has no session or role")

	tests := []struct {
		name    string
		mutate  func(*programme.Claims)
		purpose string
	}{
		{"2fa token used as access", func(c *programme.Claims) { c.Purpose = programme.PurposeTwoFactor }, programme.PurposeAccess},
		{"access token used as 2fa", func(*programme.Claims) {}, programme.PurposeTwoFactor},
		{"empty purpose", func(c *programme.Claims) { c.Purpose = "" }, programme.PurposeAccess},
		{"bad user id", func(c *programme.Claims) { c.UserID = "usr_1" }, programme.PurposeAccess},
		{"bad programme id", func(c *programme.Claims) { c.ProgrammeID = "" }, programme.PurposeAccess},
		{"no jti", func(c *programme.Claims) { c.ID = "" }, programme.PurposeAccess},
		{"negative version", func(c *programme.Claims) { c.TokenVersion = -1 }, programme.PurposeAccess},
		{"no session", func(c *programme.Claims) { c.SessionID = "" }, programme.PurposeAccess},
		{"unknown role", func(c *programme.Claims) { c.Role = "root" }, programme.PurposeAccess},
		{"expired", func(c *programme.Claims) { c.ExpiresAt = now }, programme.PurposeAccess},
		{"no expiry", func(c *programme.Claims) { c.ExpiresAt = time.Time{} }, programme.PurposeAccess},
		{"issued in the future", func(c *programme.Claims) { c.IssuedAt = now.Add(2 * time.Minute) }, programme.PurposeAccess},
	}
	for _, tt := range tests {
		c := good
		tt.mutate(&c)
		assert.ErrorIs(t, c.Check(tt.purpose, now), programme.ErrBadClaims, tt.name)
	}
}

func TestSessionActive(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	s := programme.Session{ExpiresAt: now.Add(time.Hour)}
	assert.True(t, s.Active(now))
	assert.False(t, s.Active(now.Add(time.Hour)))
	s.RevokedAt = &now
	assert.False(t, s.Active(now))
}

func FuzzParseRefreshToken(f *testing.F) {
	good, _ := programme.NewRefreshToken(bytes.NewReader(bytes.Repeat([]byte{7}, 32)))
	for _, s := range []string{good, "", "ort_", good + "=", good[:len(good)-1] + "B", "ort_" + strings.Repeat("-", 43), "eyJ.e30.x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		hash, err := programme.ParseRefreshToken(s)
		if err != nil {
			if !errors.Is(err, programme.ErrMalformedToken) || hash != "" {
				t.Fatalf("ParseRefreshToken(%q) = %q, %v", s, hash, err)
			}
			return
		}
		// Accepted input is exactly an issued token: prefix, 32 bytes, canonical.
		raw, derr := base64.RawURLEncoding.Strict().DecodeString(strings.TrimPrefix(s, programme.RefreshTokenPrefix))
		if !strings.HasPrefix(s, programme.RefreshTokenPrefix) || derr != nil || len(raw) != 32 ||
			programme.RefreshTokenPrefix+base64.RawURLEncoding.EncodeToString(raw) != s || hash != programme.HashToken(s) {
			t.Fatalf("ParseRefreshToken accepted %q", s)
		}
	})
}

func TestProvisioningURI(t *testing.T) {
	assert.Equal(t, "otpauth://totp/OOMUS%20DPI:awa@sante.sn?secret=JBSWY3DPEHPK3PXP&issuer=OOMUS%20DPI",
		programme.ProvisioningURI("OOMUS DPI", "awa@sante.sn", "JBSWY3DPEHPK3PXP"))
	assert.Equal(t, "otpauth://totp/A%2FB:x%3Fy@s.sn?secret=S&issuer=A%2FB", programme.ProvisioningURI("A/B", "x?y@s.sn", "S"))
}
