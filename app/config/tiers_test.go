package config_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/app/config"
	"github.com/kente-gov/kente/core/tier"
)

func TestTiersFile(t *testing.T) {
	cat, err := config.ParseTiers([]byte(`{"plans":[{"id":"starter","priceMonthly":35.5,"messagesPerDay":150}],"trialDays":7,"generalRequestsPerMinute":120}`), tier.DefaultCatalog())
	require.NoError(t, err)
	assert.Equal(t, int64(3550), cat.Plans[1].Monthly)
	assert.Equal(t, 150, cat.Plans[1].MessagesPerDay)
	assert.Equal(t, 10, cat.Plans[1].MessagesPerMinute, "unset fields keep the default")
	assert.Equal(t, 120, cat.General.Burst)
	assert.Equal(t, int64(6000), tier.DefaultCatalog().Plans[2].Monthly)

	for name, doc := range map[string]string{
		"unknown plan":   `{"plans":[{"id":"gold"}]}`,
		"typo":           `{"plans":[{"id":"starter","priceMonthy":1}]}`,
		"three decimals": `{"plans":[{"id":"starter","priceMonthly":1.234}]}`,
		"zero per day":   `{"plans":[{"id":"starter","messagesPerDay":0}]}`,
		"bad model tier": `{"models":[{"id":"m","name":"M","tier":"gold","maxTokens":1}]}`,
		"not json":       `{`,
	} {
		_, err := config.ParseTiers([]byte(doc), tier.DefaultCatalog())
		assert.Error(t, err, name)
	}
}

func TestLoadPaystackAndTiers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tiers.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"plans":[{"id":"free","messagesPerDay":20}]}`), 0o600))
	env := map[string]string{"KENTE_TIERS_FILE": path, "KENTE_PAYSTACK_SECRET_KEY": "sk_test_0123456789abcdef0123456789abcdef"}
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	require.NoError(t, err)
	assert.Equal(t, 20, cfg.Tiers.Plans[0].MessagesPerDay)
	assert.Equal(t, "https://api.paystack.co", cfg.PaystackBaseURL)
	assert.Equal(t, env["KENTE_PAYSTACK_SECRET_KEY"], cfg.Secrets.PaystackSecretKey)

	env = map[string]string{"KENTE_TIERS_FILE": path + ".missing", "KENTE_PAYSTACK_SECRET_KEY": "short", "KENTE_PAYSTACK_BASE_URL": "ftp://x"}
	_, err = config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	require.Error(t, err)
	for _, key := range []string{"KENTE_TIERS_FILE", "KENTE_PAYSTACK_SECRET_KEY", "KENTE_PAYSTACK_BASE_URL"} {
		assert.Contains(t, err.Error(), key)
	}
}
