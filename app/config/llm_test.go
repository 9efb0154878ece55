package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/llm"
	"github.com/kente-gov/kente/app/config"
)

func TestLLMDefaults(t *testing.T) {
	c, err := config.Load(env(nil))
	require.NoError(t, err)
	assert.Equal(t, "offline", c.LLM.Provider)
	assert.Equal(t, 60*time.Second, c.LLM.Timeout)
	assert.Empty(t, c.LLM.APIKey, "never generated")
	assert.Empty(t, c.LLM.ModelMap)
}

func TestLLMValues(t *testing.T) {
	c, err := config.Load(env(map[string]string{
		"KENTE_LLM_PROVIDER":  "OpenAI",
		"KENTE_LLM_BASE_URL":  "http://localhost:11434/v1",
		"KENTE_LLM_API_KEY":   "ollama",
		"KENTE_LLM_MODEL_MAP": "gpt-oss-120b=llama3.1:70b,gemma-3-12b=gemma2:9b|8192",
		"KENTE_LLM_TIMEOUT":   "90s",
	}))
	require.NoError(t, err)
	assert.Equal(t, llm.Config{Provider: "openai", BaseURL: "http://localhost:11434/v1", APIKey: "ollama", Timeout: 90 * time.Second,
		ModelMap: map[string]llm.Route{"gpt-oss-120b": {Upstream: "llama3.1:70b"}, "gemma-3-12b": {Upstream: "gemma2:9b", ContextWindow: 8192}}}, c.LLM)

	file := filepath.Join(t.TempDir(), "models.json")
	require.NoError(t, os.WriteFile(file, []byte(`{"*":{"provider":"anthropic","upstream":"claude-sonnet-4-5","contextWindow":200000}}`), 0o600))
	c, err = config.Load(env(map[string]string{"KENTE_LLM_PROVIDER": "anthropic", "KENTE_LLM_API_KEY": "sk-ant-x", "KENTE_LLM_MODEL_MAP": file}))
	require.NoError(t, err)
	assert.Equal(t, map[string]llm.Route{"*": {Provider: "anthropic", Upstream: "claude-sonnet-4-5", ContextWindow: 200000}}, c.LLM.ModelMap)
}

func TestLLMBadValues(t *testing.T) {
	tests := []struct {
		give map[string]string
		want string
	}{
		{map[string]string{"KENTE_LLM_PROVIDER": "gemini"}, "KENTE_LLM_PROVIDER"},
		{map[string]string{"KENTE_LLM_PROVIDER": "openai"}, "KENTE_LLM_BASE_URL"},
		{map[string]string{"KENTE_LLM_PROVIDER": "anthropic"}, "KENTE_LLM_API_KEY"},
		{map[string]string{"KENTE_LLM_BASE_URL": "ftp://x"}, "KENTE_LLM_BASE_URL"},
		{map[string]string{"KENTE_LLM_TIMEOUT": "soon"}, "KENTE_LLM_TIMEOUT"},
		{map[string]string{"KENTE_LLM_TIMEOUT": "20m"}, "KENTE_LLM_TIMEOUT"},
		{map[string]string{"KENTE_LLM_MODEL_MAP": "gpt-oss-120b"}, "KENTE_LLM_MODEL_MAP"},
		{map[string]string{"KENTE_LLM_MODEL_MAP": "/nonexistent/models.json"}, "KENTE_LLM_MODEL_MAP"},
	}
	for _, tt := range tests {
		_, err := config.Load(env(tt.give))
		require.Error(t, err, tt.want)
		lines := strings.Split(err.Error(), "\n")
		n := 0
		for _, l := range lines {
			if strings.HasPrefix(l, tt.want+":") {
				n++
			}
		}
		assert.Equal(t, 1, n, "want one line for %s in:\n%s", tt.want, err)
	}
	_, err := config.Load(env(map[string]string{"KENTE_LLM_PROVIDER": "anthropic", "KENTE_LLM_API_KEY": "sk-ant-secret", "KENTE_LLM_TIMEOUT": "1h"}))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "sk-ant-secret", "the key never appears in errors")
}
