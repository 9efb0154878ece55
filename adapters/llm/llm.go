// Package llm chooses and wires Kente's LLM adapters from configuration:
// Config (KENTE_LLM_*), the model registry that maps each catalogue model
// id to a provider, an upstream model name and a context window, and
// FromConfig, the fx-free constructor app/server calls. The registry is
// itself a ports.LLM.
package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kente-gov/kente/adapters/llm/anthropic"
	"github.com/kente-gov/kente/adapters/llm/internal/wire"
	"github.com/kente-gov/kente/adapters/llm/offline"
	"github.com/kente-gov/kente/adapters/llm/openai"
	"github.com/kente-gov/kente/core/chat"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/tier"
	"github.com/kente-gov/kente/ports"
)

// Providers lists the provider names KENTE_LLM_PROVIDER accepts.
var Providers = []string{offline.Name, openai.Name, anthropic.Name}

// Route says how one catalogue model is served.
type Route struct {
	// Provider is "offline" or the configured provider; "" means the
	// configured provider.
	Provider string `json:"provider,omitempty"`
	// Upstream is the provider's model name; "" keeps the catalogue id.
	Upstream string `json:"upstream,omitempty"`
	// ContextWindow overrides the catalogue's window (a local model often
	// runs with a smaller one); 0 keeps it.
	ContextWindow int `json:"contextWindow,omitempty"`
}

// Wildcard is the model-map key that routes every catalogue model without
// an entry of its own.
const Wildcard = "*"

// Config is the LLM part of the configuration.
type Config struct {
	// Provider is offline (the default), openai or anthropic.
	// KENTE_LLM_PROVIDER.
	Provider string
	// BaseURL is the provider's API root: required for openai (e.g.
	// "http://localhost:11434/v1"); anthropic defaults to
	// https://api.anthropic.com. KENTE_LLM_BASE_URL.
	BaseURL string
	// APIKey is the provider's key: a secret, optional for openai,
	// required for anthropic, never generated. KENTE_LLM_API_KEY.
	APIKey string
	// ModelMap maps a catalogue model id (or its last path segment, or a
	// unique "-"-separated prefix of it, or Wildcard) to a route. Empty:
	// every catalogue model, under its own id. Not empty: only the models
	// it names (Wildcard: all). KENTE_LLM_MODEL_MAP.
	ModelMap map[string]Route
	// Timeout bounds the wait for the first token and any silence
	// mid-stream, per attempt. KENTE_LLM_TIMEOUT.
	Timeout time.Duration
}

// String hides the API key.
func (c Config) String() string {
	key := ""
	if c.APIKey != "" {
		key = "(set)"
	}
	return fmt.Sprintf("llm.Config{Provider:%s BaseURL:%s APIKey:%s Models:%d Timeout:%s}", c.Provider, c.BaseURL, key, len(c.ModelMap), c.Timeout)
}

// LogValue hides the API key from slog.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }

// Defaults is the zero-set-up configuration: the offline model.
func Defaults() Config { return Config{Provider: offline.Name, Timeout: 60 * time.Second} }

// Validate reports the first problem of c, prefixed by the variable at
// fault.
func (c Config) Validate() error {
	if !slices.Contains(Providers, c.Provider) {
		return fmt.Errorf("KENTE_LLM_PROVIDER: must be one of %s", strings.Join(Providers, ", "))
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
			return errors.New("KENTE_LLM_BASE_URL: must be an http(s) URL like http://localhost:11434/v1")
		}
	}
	if c.Provider == openai.Name && c.BaseURL == "" {
		return errors.New("KENTE_LLM_BASE_URL: is required with KENTE_LLM_PROVIDER=openai (e.g. https://api.openai.com/v1 or http://localhost:11434/v1)")
	}
	if c.Provider == anthropic.Name && c.APIKey == "" {
		return errors.New("KENTE_LLM_API_KEY: is required with KENTE_LLM_PROVIDER=anthropic")
	}
	if strings.ContainsAny(c.APIKey, "\r\n") {
		return errors.New("KENTE_LLM_API_KEY: must be one line")
	}
	if c.Timeout < time.Second || c.Timeout > 10*time.Minute {
		return errors.New("KENTE_LLM_TIMEOUT: must be between 1s and 10m")
	}
	for k, r := range c.ModelMap {
		if err := r.validate(c.Provider); err != nil {
			return fmt.Errorf("KENTE_LLM_MODEL_MAP: %s: %w", k, err)
		}
	}
	return nil
}

func (r Route) validate(provider string) error {
	if r.Provider != "" && r.Provider != offline.Name && r.Provider != provider {
		return fmt.Errorf("provider must be %s or offline", provider)
	}
	if r.ContextWindow < 0 || (r.ContextWindow > 0 && r.ContextWindow < 1024) {
		return errors.New("context window must be at least 1024 tokens")
	}
	return nil
}

// ParseModelMap reads the compact form of KENTE_LLM_MODEL_MAP:
// comma-separated "id=upstream" entries, each optionally followed by
// "|window" (tokens), e.g. "gpt-oss-120b=llama3.1:70b|32768,*=llama3.1:8b".
func ParseModelMap(s string) (map[string]Route, error) {
	out := map[string]Route{}
	for _, entry := range strings.Split(s, ",") {
		if entry = strings.TrimSpace(entry); entry == "" {
			continue
		}
		k, v, ok := strings.Cut(entry, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" || v == "" {
			return nil, fmt.Errorf("%q is not id=upstream", entry)
		}
		var r Route
		if up, w, ok := strings.Cut(v, "|"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(w))
			if err != nil || n <= 0 {
				return nil, fmt.Errorf("%q: the window after | must be a whole number of tokens", entry)
			}
			v, r.ContextWindow = strings.TrimSpace(up), n
		}
		r.Upstream = v
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("%s is mapped twice", k)
		}
		out[k] = r
	}
	if len(out) == 0 {
		return nil, errors.New("no entries")
	}
	return out, nil
}

// ParseModelMapJSON reads the file form of KENTE_LLM_MODEL_MAP: an object
// whose keys are as in ParseModelMap and whose values are either the
// upstream name or a Route object
// ({"provider", "upstream", "contextWindow"}).
func ParseModelMapJSON(b []byte) (map[string]Route, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	out := make(map[string]Route, len(raw))
	for k, v := range raw {
		var r Route
		var name string
		if err := json.Unmarshal(v, &name); err == nil {
			r.Upstream = name
		} else {
			dec := json.NewDecoder(strings.NewReader(string(v)))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&r); err != nil {
				return nil, fmt.Errorf("%s: want a model name or {provider, upstream, contextWindow}: %w", k, err)
			}
		}
		if strings.TrimSpace(k) == "" {
			return nil, errors.New("empty model id")
		}
		out[strings.TrimSpace(k)] = r
	}
	if len(out) == 0 {
		return nil, errors.New("no entries")
	}
	return out, nil
}

// Streamer is one provider adapter: it streams a request whose Model is
// the upstream name.
type Streamer interface {
	Stream(ctx context.Context, req chat.Request, emit func(chat.Delta) error) (chat.Usage, error)
}

// Registry routes each catalogue model to its provider. It is a ports.LLM
// and safe for concurrent use.
type Registry struct {
	models    map[string]ports.ModelInfo
	order     []string
	providers map[string]Streamer
}

var _ ports.LLM = (*Registry)(nil)

// ErrUnknownModel (NotFound, naming "model") is returned for a model id the
// registry does not serve.
var ErrUnknownModel = &fault.Error{Kind: fault.NotFound, Code: "llm.model_unavailable", Msg: "This model is not available on this server", Field: "model"}

// NewRegistry resolves the routes of catalogue: with an empty modelMap,
// every model is served by provider under its own id; otherwise only the
// models modelMap names (Wildcard: every other one). Keys that match no
// catalogue model, or several, are errors. providers holds a Streamer per
// provider name a route uses.
func NewRegistry(catalogue []tier.Model, provider string, modelMap map[string]Route, providers map[string]Streamer) (*Registry, error) {
	r := &Registry{models: map[string]ports.ModelInfo{}, providers: providers}
	routes := make(map[string]Route, len(catalogue))
	if len(modelMap) == 0 {
		for _, m := range catalogue {
			routes[m.ID] = Route{}
		}
	}
	keys := make([]string, 0, len(modelMap))
	for k := range modelMap {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if k == Wildcard {
			continue
		}
		id, err := resolve(catalogue, k)
		if err != nil {
			return nil, err
		}
		if _, dup := routes[id]; dup {
			return nil, fmt.Errorf("KENTE_LLM_MODEL_MAP: %s is mapped twice", id)
		}
		routes[id] = modelMap[k]
	}
	if w, ok := modelMap[Wildcard]; ok {
		for _, m := range catalogue {
			if _, set := routes[m.ID]; !set {
				routes[m.ID] = w
			}
		}
	}
	for _, m := range catalogue {
		rt, ok := routes[m.ID]
		if !ok {
			continue
		}
		info := ports.ModelInfo{ID: m.ID, Provider: cmp(rt.Provider, provider), Upstream: cmp(rt.Upstream, m.ID),
			ContextWindow: m.ContextWindow, MaxOutput: m.MaxTokens}
		if rt.ContextWindow > 0 {
			info.ContextWindow = rt.ContextWindow
		}
		if info.ContextWindow <= 0 {
			info.ContextWindow = chat.DefaultContextWindow
		}
		if info.Provider == offline.Name {
			info.Upstream = offline.Upstream
		}
		if providers[info.Provider] == nil {
			return nil, fmt.Errorf("model %s: no adapter for provider %q", m.ID, info.Provider)
		}
		r.models[m.ID] = info
		r.order = append(r.order, m.ID)
	}
	return r, nil
}

func cmp(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// resolve finds the catalogue id of a model-map key: the id itself, its
// last path segment ("gpt-oss-120b" for "@cf/openai/gpt-oss-120b"), or a
// prefix of one last segment ending at a "-" ("gemma-3-12b" for
// "gemma-3-12b-it").
func resolve(catalogue []tier.Model, key string) (string, error) {
	var prefix []string
	for _, m := range catalogue {
		seg := m.ID[strings.LastIndexByte(m.ID, '/')+1:]
		switch {
		case m.ID == key || seg == key:
			return m.ID, nil
		case strings.HasPrefix(seg, key+"-"):
			prefix = append(prefix, m.ID)
		}
	}
	switch len(prefix) {
	case 1:
		return prefix[0], nil
	case 0:
		return "", fmt.Errorf("KENTE_LLM_MODEL_MAP: %s is not a model of the catalogue", key)
	}
	return "", fmt.Errorf("KENTE_LLM_MODEL_MAP: %s matches several models (%s); use the full id", key, strings.Join(prefix, ", "))
}

// Model returns the route of a catalogue id; ErrUnknownModel (NotFound
// naming "model") when it is not served.
func (r *Registry) Model(_ context.Context, id string) (ports.ModelInfo, error) {
	m, ok := r.models[id]
	if !ok {
		return ports.ModelInfo{}, ErrUnknownModel
	}
	return m, nil
}

// Available reports whether a catalogue model is served (GET /api/models).
func (r *Registry) Available(id string) bool { _, ok := r.models[id]; return ok }

// Models lists the served models in catalogue order.
func (r *Registry) Models() []ports.ModelInfo {
	out := make([]ports.ModelInfo, len(r.order))
	for i, id := range r.order {
		out[i] = r.models[id]
	}
	return out
}

// Stream sends req to the provider of req.Model under its upstream name.
func (r *Registry) Stream(ctx context.Context, req chat.Request, emit func(chat.Delta) error) (chat.Usage, error) {
	m, err := r.Model(ctx, req.Model)
	if err != nil {
		return chat.Usage{}, err
	}
	req.Model = m.Upstream
	return r.providers[m.Provider].Stream(ctx, req, emit)
}

// Deps are what FromConfig needs besides Config.
type Deps struct {
	// Catalogue is the model catalogue (tier.Catalog.Models).
	Catalogue []tier.Model
	// Retriever feeds the offline model; nil: it answers only from the
	// passages a request carries.
	Retriever ports.Retriever
	// HTTPClient overrides the client of the HTTP providers (tests).
	HTTPClient *http.Client
	Log        *slog.Logger
}

// FromConfig builds the registry cfg describes: the offline model always
// (routes may send models to it), plus the configured HTTP provider.
func FromConfig(cfg Config, deps Deps) (*Registry, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	providers := map[string]Streamer{offline.Name: offline.New(deps.Retriever)}
	opts := wire.Options{Client: deps.HTTPClient, FirstToken: cfg.Timeout, Idle: cfg.Timeout, Log: deps.Log}
	if opts.Client == nil {
		opts.Client = NewHTTPClient(min(10*time.Second, cfg.Timeout))
	}
	switch cfg.Provider {
	case openai.Name:
		providers[openai.Name] = openai.New(cfg.BaseURL, cfg.APIKey, opts)
	case anthropic.Name:
		providers[anthropic.Name] = anthropic.New(cfg.BaseURL, cfg.APIKey, opts)
	}
	return NewRegistry(deps.Catalogue, cfg.Provider, cfg.ModelMap, providers)
}

// NewHTTPClient is the client of the HTTP providers: a connect and TLS
// time-out, enough idle connections for hundreds of concurrent streams,
// and no overall time-out (answers stream for minutes; wire bounds the
// first token and idle gaps instead).
func NewHTTPClient(connect time.Duration) *http.Client {
	return &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: connect, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   connect,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   256,
		IdleConnTimeout:       90 * time.Second,
		ExpectContinueTimeout: time.Second,
	}}
}
