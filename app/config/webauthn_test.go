package config_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/webauthn"
	"github.com/kente-gov/kente/app/config"
)

func TestWebAuthnDefaults(t *testing.T) {
	c, err := config.Load(env(nil))
	require.NoError(t, err)
	assert.Equal(t, webauthn.Config{
		RPID: "localhost", RPName: "AskOzzy",
		Origins: []string{"http://localhost:8080", "http://127.0.0.1:8080"},
	}, c.WebAuthn)
	require.NoError(t, c.WebAuthn.Validate())
}

func TestWebAuthnValues(t *testing.T) {
	c, err := config.Load(env(map[string]string{
		"KENTE_WEBAUTHN_RP_ID":   "askozzy.gov.gh",
		"KENTE_WEBAUTHN_RP_NAME": "AskOzzy (Ghana)",
		"KENTE_WEBAUTHN_ORIGINS": " https://askozzy.gov.gh , https://www.askozzy.gov.gh:8443,",
	}))
	require.NoError(t, err)
	assert.Equal(t, webauthn.Config{
		RPID: "askozzy.gov.gh", RPName: "AskOzzy (Ghana)",
		Origins: []string{"https://askozzy.gov.gh", "https://www.askozzy.gov.gh:8443"},
	}, c.WebAuthn)
}

func TestWebAuthnBadValues(t *testing.T) {
	tests := []struct {
		name string
		give map[string]string
		want string
	}{
		{"origin with path", map[string]string{"KENTE_WEBAUTHN_ORIGINS": "https://askozzy.gov.gh/app"}, "KENTE_WEBAUTHN_ORIGINS:"},
		{"origin not http", map[string]string{"KENTE_WEBAUTHN_ORIGINS": "ftp://askozzy.gov.gh"}, "KENTE_WEBAUTHN_ORIGINS:"},
		{"origin without scheme", map[string]string{"KENTE_WEBAUTHN_ORIGINS": "askozzy.gov.gh"}, "KENTE_WEBAUTHN_ORIGINS:"},
		{"origins only commas", map[string]string{"KENTE_WEBAUTHN_ORIGINS": ", ,"}, "KENTE_WEBAUTHN_ORIGINS:"},
		{"RP ID is a URL", map[string]string{"KENTE_WEBAUTHN_RP_ID": "https://askozzy.gov.gh"}, "KENTE_WEBAUTHN_RP_ID:"},
		{"RP ID has a port", map[string]string{"KENTE_WEBAUTHN_RP_ID": "askozzy.gov.gh:443"}, "KENTE_WEBAUTHN_RP_ID:"},
		{"RP ID is an IP", map[string]string{"KENTE_WEBAUTHN_RP_ID": "127.0.0.1"}, "KENTE_WEBAUTHN_RP_ID:"},
		{"RP name too long", map[string]string{"KENTE_WEBAUTHN_RP_NAME": strings.Repeat("x", 65)}, "KENTE_WEBAUTHN_RP_NAME:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Load(env(tt.give))
			require.Error(t, err)
			lines := strings.Split(err.Error(), "\n")
			found := 0
			for _, l := range lines {
				if strings.HasPrefix(l, tt.want) {
					found++
				}
			}
			assert.Equal(t, 1, found, "want one %s line in:\n%s", tt.want, err)
		})
	}
}

func TestWebAuthnRequiredInProduction(t *testing.T) {
	_, err := config.Load(env(map[string]string{"KENTE_PROFILE": "production"}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "KENTE_WEBAUTHN_RP_ID: must be set in the production profile")
	assert.Contains(t, err.Error(), "KENTE_WEBAUTHN_ORIGINS: must be set in the production profile")

	_, err = config.Load(env(map[string]string{"KENTE_PROFILE": "production", "KENTE_WEBAUTHN_RP_ID": "askozzy.gov.gh"}))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "KENTE_WEBAUTHN_RP_ID")
	assert.Contains(t, err.Error(), "KENTE_WEBAUTHN_ORIGINS")

	c, err := config.Load(env(map[string]string{"KENTE_PROFILE": "production",
		"KENTE_WEBAUTHN_RP_ID": "askozzy.gov.gh", "KENTE_WEBAUTHN_ORIGINS": "https://askozzy.gov.gh"}))
	require.NoError(t, err)
	assert.Equal(t, "askozzy.gov.gh", c.WebAuthn.RPID)
	assert.Equal(t, "AskOzzy", c.WebAuthn.RPName, "the name keeps its default")
}
