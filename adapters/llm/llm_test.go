package llm_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/llm"
	"github.com/kente-gov/kente/adapters/llm/offline"
	"github.com/kente-gov/kente/core/chat"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/tier"
)

var catalogue = tier.DefaultCatalog().Models

func TestParseModelMap(t *testing.T) {
	m, err := llm.ParseModelMap("gpt-oss-120b=llama3.1:70b, gemma-3-12b = gemma2:9b|8192 ,*=llama3.1:8b")
	require.NoError(t, err)
	assert.Equal(t, map[string]llm.Route{
		"gpt-oss-120b": {Upstream: "llama3.1:70b"},
		"gemma-3-12b":  {Upstream: "gemma2:9b", ContextWindow: 8192},
		"*":            {Upstream: "llama3.1:8b"},
	}, m)
	for _, bad := range []string{"", "x", "=y", "x=", "x=y|big", "x=y,x=z"} {
		_, err := llm.ParseModelMap(bad)
		assert.Error(t, err, bad)
	}
	j, err := llm.ParseModelMapJSON([]byte(`{"gpt-oss-120b":"llama3.1:70b","@cf/qwen/qwq-32b":{"provider":"offline"},"gemma-3-12b":{"upstream":"gemma2:9b","contextWindow":8192}}`))
	require.NoError(t, err)
	assert.Equal(t, llm.Route{Provider: "offline"}, j["@cf/qwen/qwq-32b"])
	assert.Equal(t, llm.Route{Upstream: "gemma2:9b", ContextWindow: 8192}, j["gemma-3-12b"])
	for _, bad := range []string{`[]`, `{}`, `{"a":{"upstrem":"x"}}`, `{"a":3}`} {
		_, err := llm.ParseModelMapJSON([]byte(bad))
		assert.Error(t, err, bad)
	}
}

func TestConfigValidate(t *testing.T) {
	ok := llm.Defaults()
	require.NoError(t, ok.Validate())
	tests := []struct {
		name string
		give func(*llm.Config)
		want string
	}{
		{"provider", func(c *llm.Config) { c.Provider = "gemini" }, "KENTE_LLM_PROVIDER"},
		{"openai needs a base URL", func(c *llm.Config) { c.Provider = "openai" }, "KENTE_LLM_BASE_URL"},
		{"base URL", func(c *llm.Config) { c.BaseURL = "localhost:11434" }, "KENTE_LLM_BASE_URL"},
		{"anthropic needs a key", func(c *llm.Config) { c.Provider = "anthropic" }, "KENTE_LLM_API_KEY"},
		{"timeout", func(c *llm.Config) { c.Timeout = time.Millisecond }, "KENTE_LLM_TIMEOUT"},
		{"route provider", func(c *llm.Config) { c.ModelMap = map[string]llm.Route{"x": {Provider: "anthropic"}} }, "KENTE_LLM_MODEL_MAP"},
		{"route window", func(c *llm.Config) { c.ModelMap = map[string]llm.Route{"x": {ContextWindow: 10}} }, "KENTE_LLM_MODEL_MAP"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := llm.Defaults()
			tt.give(&c)
			err := c.Validate()
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), tt.want+":"), err.Error())
		})
	}
	c := llm.Config{Provider: "anthropic", APIKey: "sk-secret-value"}
	assert.NotContains(t, c.String(), "sk-secret-value")
}

func TestRegistryRoutes(t *testing.T) {
	// Offline default: every catalogue model, with its catalogue window.
	r, err := llm.FromConfig(llm.Defaults(), llm.Deps{Catalogue: catalogue})
	require.NoError(t, err)
	assert.Len(t, r.Models(), len(catalogue))
	info, err := r.Model(context.Background(), "@cf/meta/llama-3.1-8b-instruct")
	require.NoError(t, err)
	assert.Equal(t, 7968, info.ContextWindow)
	assert.Equal(t, offline.Name, info.Provider)
	_, err = r.Model(context.Background(), "gpt-9")
	fe, ok := fault.As(err)
	require.True(t, ok)
	assert.Equal(t, fault.NotFound, fe.Kind)
	assert.Equal(t, "model", fe.Field)

	var got []string
	u, err := r.Stream(context.Background(), chat.Request{Model: "@cf/openai/gpt-oss-120b", Messages: []chat.Message{{Role: chat.RoleUser, Content: "hi"}}},
		func(d chat.Delta) error { got = append(got, d.Content); return nil })
	require.NoError(t, err)
	assert.Equal(t, offline.NoSources, strings.Join(got, ""))
	assert.Positive(t, u.CompletionTokens)
	_, err = r.Stream(context.Background(), chat.Request{Model: "nope"}, func(chat.Delta) error { return nil })
	assert.True(t, fault.Is(err, fault.NotFound))
}

func TestRegistryModelMapOverOpenAI(t *testing.T) {
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		seen = append(seen, string(b))
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = io.WriteString(w, "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\ndata: [DONE]\n\n")
	}))
	defer srv.Close()
	mm, err := llm.ParseModelMap("gpt-oss-120b=llama3.1:70b|32768,gemma-3-12b=gemma2:9b")
	require.NoError(t, err)
	mm["@cf/qwen/qwq-32b"] = llm.Route{Provider: offline.Name}
	r, err := llm.FromConfig(llm.Config{Provider: "openai", BaseURL: srv.URL, ModelMap: mm, Timeout: 5 * time.Second}, llm.Deps{Catalogue: catalogue})
	require.NoError(t, err)

	assert.True(t, r.Available("@cf/openai/gpt-oss-120b"))
	assert.True(t, r.Available("@cf/google/gemma-3-12b-it"), "a unique prefix of the last segment")
	assert.True(t, r.Available("@cf/qwen/qwq-32b"))
	assert.False(t, r.Available("@cf/meta/llama-3.1-8b-instruct"), "a map names the served models")
	require.Len(t, r.Models(), 3)
	info, err := r.Model(context.Background(), "@cf/openai/gpt-oss-120b")
	require.NoError(t, err)
	assert.Equal(t, "llama3.1:70b", info.Upstream)
	assert.Equal(t, 32768, info.ContextWindow)

	_, err = r.Stream(context.Background(), chat.Request{Model: "@cf/openai/gpt-oss-120b", Messages: []chat.Message{{Role: chat.RoleUser, Content: "q"}}}, func(chat.Delta) error { return nil })
	require.NoError(t, err)
	require.Len(t, seen, 1)
	assert.Contains(t, seen[0], `"model":"llama3.1:70b"`, "the upstream name goes to the provider")

	var got string
	_, err = r.Stream(context.Background(), chat.Request{Model: "@cf/qwen/qwq-32b", Messages: []chat.Message{{Role: chat.RoleUser, Content: "q"}}}, func(d chat.Delta) error { got += d.Content; return nil })
	require.NoError(t, err)
	assert.Len(t, seen, 1, "an offline route never calls the server")
	assert.Contains(t, got, "offline model")

	w, err := llm.FromConfig(llm.Config{Provider: "openai", BaseURL: srv.URL, ModelMap: map[string]llm.Route{"*": {Upstream: "llama3.1:8b"}}, Timeout: time.Second}, llm.Deps{Catalogue: catalogue})
	require.NoError(t, err)
	assert.Len(t, w.Models(), len(catalogue), "the wildcard serves every model")
}

func TestRegistryRejectsBadKeys(t *testing.T) {
	for key, want := range map[string]string{"gpt-5": "not a model of the catalogue", "llama-3.1-8b": "matches several models"} {
		_, err := llm.FromConfig(llm.Config{Provider: "offline", Timeout: time.Second, ModelMap: map[string]llm.Route{key: {Upstream: "x"}}}, llm.Deps{Catalogue: catalogue})
		require.Error(t, err, key)
		assert.Contains(t, err.Error(), want)
		assert.True(t, strings.HasPrefix(err.Error(), "KENTE_LLM_MODEL_MAP:"), err.Error())
	}
	_, err := llm.FromConfig(llm.Config{Provider: "offline", Timeout: time.Second, ModelMap: map[string]llm.Route{"gpt-oss-120b": {}, "@cf/openai/gpt-oss-120b": {}}}, llm.Deps{Catalogue: catalogue})
	assert.ErrorContains(t, err, "mapped twice")
}
