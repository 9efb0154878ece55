package config_test

import (
	"crypto/rand"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/app/config"
)

func env(m map[string]string) config.Getenv {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestDefaults(t *testing.T) {
	c, err := config.Load(env(nil))
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:8080", c.Addr)
	assert.Equal(t, "sqlite://kente.db", c.DatabaseURL)
	assert.Equal(t, config.ProfileDev, c.Profile)
	assert.Equal(t, int64(1<<20), c.BodyLimit)
	assert.Equal(t, 15*time.Second, c.ShutdownTimeout)
	assert.Equal(t, []string{"*"}, c.CORSOrigins)
	assert.True(t, c.AutoMigrate)
}

func TestLoadValues(t *testing.T) {
	c, err := config.Load(env(map[string]string{
		"KENTE_ADDR":             "0.0.0.0:9000",
		"KENTE_DATABASE_URL":     "postgres://postgres@127.0.0.1:5432/kente",
		"KENTE_LOG_LEVEL":        "debug",
		"KENTE_LOG_FORMAT":       "text",
		"KENTE_CORS_ORIGINS":     "https://a.gov.gh, https://b.gov.gh",
		"KENTE_TRUSTED_PROXIES":  "10.0.0.0/8, 127.0.0.1",
		"KENTE_AUTO_MIGRATE":     "false",
		"KENTE_PROFILE":          "production",
		"KENTE_WEBAUTHN_RP_ID":   "askozzy.gov.gh",
		"KENTE_WEBAUTHN_ORIGINS": "https://askozzy.gov.gh",
	}))
	require.NoError(t, err)
	assert.Equal(t, slog.LevelDebug, c.LogLevel)
	assert.Equal(t, []string{"https://a.gov.gh", "https://b.gov.gh"}, c.CORSOrigins)
	require.Len(t, c.TrustedProxies, 2)
	assert.Equal(t, "127.0.0.1/32", c.TrustedProxies[1].String())
	assert.False(t, c.AutoMigrate)
}

func TestLoadReportsEveryBadField(t *testing.T) {
	_, err := config.Load(env(map[string]string{
		"KENTE_PROFILE":          "staging",
		"KENTE_ADDR":             "nowhere",
		"KENTE_DATABASE_URL":     "oracle://x",
		"KENTE_LOG_LEVEL":        "loud",
		"KENTE_LOG_FORMAT":       "xml",
		"KENTE_BODY_LIMIT":       "lots",
		"KENTE_SHUTDOWN_TIMEOUT": "soon",
		"KENTE_CORS_ORIGINS":     "ftp://x",
		"KENTE_TRUSTED_PROXIES":  "10.0.0.0/99",
		"KENTE_JWT_SECRET":       "short",
		"KENTE_AUTO_MIGRATE":     "maybe",
	}))
	require.Error(t, err)
	lines := strings.Split(err.Error(), "\n")
	for _, key := range []string{"KENTE_PROFILE", "KENTE_ADDR", "KENTE_DATABASE_URL", "KENTE_LOG_LEVEL", "KENTE_LOG_FORMAT",
		"KENTE_BODY_LIMIT", "KENTE_SHUTDOWN_TIMEOUT", "KENTE_CORS_ORIGINS", "KENTE_TRUSTED_PROXIES", "KENTE_JWT_SECRET", "KENTE_AUTO_MIGRATE"} {
		found := 0
		for _, l := range lines {
			if strings.HasPrefix(l, key+":") {
				found++
			}
		}
		assert.Equal(t, 1, found, "want exactly one line for %s in:\n%s", key, err)
	}
}

func TestSQLitePath(t *testing.T) {
	tests := []struct {
		give, want string
		wantErr    bool
	}{
		{give: "sqlite://kente.db", want: "kente.db"},
		{give: "sqlite://data/kente.db", want: "data/kente.db"},
		{give: "sqlite:///var/lib/kente/kente.db", want: "/var/lib/kente/kente.db"},
		{give: "sqlite://kente.db?cache=shared", want: "kente.db"},
		{give: "sqlite://", wantErr: true},
		{give: "sqlite://:memory:", wantErr: true},
	}
	for _, tt := range tests {
		got, err := config.SQLitePath(tt.give)
		if tt.wantErr {
			assert.Error(t, err, tt.give)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, tt.want, got)
	}
}

func TestDevSecretsGeneratedOnceAndReused(t *testing.T) {
	dir := t.TempDir()
	c, err := config.Load(env(map[string]string{"KENTE_DATABASE_URL": "sqlite://" + filepath.Join(dir, "k.db")}))
	require.NoError(t, err)
	require.NoError(t, c.ResolveSecrets(rand.Reader))
	assert.GreaterOrEqual(t, len(c.Secrets.CodePepper), config.MinSecretLen)
	assert.NotEqual(t, c.Secrets.CodePepper, c.Secrets.JWTSecret)

	path := filepath.Join(dir, "k.db.secrets")
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())

	c2, err := config.Load(env(map[string]string{"KENTE_DATABASE_URL": "sqlite://" + filepath.Join(dir, "k.db")}))
	require.NoError(t, err)
	require.NoError(t, c2.ResolveSecrets(rand.Reader))
	assert.Equal(t, c.Secrets, c2.Secrets)
}

func TestDevSecretsFileMustBePrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s")
	require.NoError(t, os.WriteFile(path, []byte("KENTE_JWT_SECRET="+strings.Repeat("x", 40)+"\n"), 0o644))
	c, err := config.Load(env(map[string]string{"KENTE_SECRETS_FILE": path}))
	require.NoError(t, err)
	assert.ErrorContains(t, c.ResolveSecrets(rand.Reader), "readable by others")
}

func TestProductionRefusesMissingSecrets(t *testing.T) {
	c, err := config.Load(env(map[string]string{"KENTE_PROFILE": "production", "KENTE_JWT_SECRET": strings.Repeat("j", 40),
		"KENTE_WEBAUTHN_RP_ID": "askozzy.gov.gh", "KENTE_WEBAUTHN_ORIGINS": "https://askozzy.gov.gh"}))
	require.NoError(t, err)
	err = c.ResolveSecrets(rand.Reader)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "KENTE_CODE_PEPPER")
	assert.NotContains(t, err.Error(), "KENTE_JWT_SECRET")
	assert.NotContains(t, err.Error(), "KENTE_BOOTSTRAP_SECRET", "bootstrap is optional")
}
