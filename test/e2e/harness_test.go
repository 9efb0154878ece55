// Package e2e drives a whole Kente server over HTTP: the real fx wiring, the
// real SQL adapter on each available database, responses checked against
// the served OpenAPI document.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/stretchr/testify/require"
	"go.uber.org/fx"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/app/config"
	"github.com/kente-gov/kente/app/server"
	"github.com/kente-gov/kente/core/identity"
)

// testConfig is a dev config on databaseURL with cheap hashing and secrets
// set, listening on a free port (the tests talk to an httptest server).
func testConfig(t *testing.T, databaseURL string) config.Config {
	t.Helper()
	cfg := config.Defaults()
	cfg.DatabaseURL = databaseURL
	cfg.Addr = "127.0.0.1:0"
	cfg.Hash = identity.TestHashParams
	cfg.Secrets = config.Secrets{
		CodePepper:      strings.Repeat("p", 40),
		JWTSecret:       strings.Repeat("j", 40),
		BootstrapSecret: strings.Repeat("b", 40),
		WalletHMACKey:   strings.Repeat("w", 40),
		InvoiceHMACKey:  strings.Repeat("i", 40),
		CardHMACKey:     strings.Repeat("c", 40),
	}
	return cfg
}

// client talks to one started server and validates every response against
// its OpenAPI document.
type client struct {
	t      *testing.T
	base   string
	router routers.Router
	doc    *openapi3.T
}

// start builds the server for cfg through the real fx graph, serves its
// handler on an httptest server, and stops both at cleanup. populate are
// extra fx.Populate targets (pointers to values of the graph).
func start(t *testing.T, cfg config.Config, populate ...any) *client {
	t.Helper()
	var h http.Handler
	app := fx.New(server.OptionsFor(server.ProfileOf(cfg), cfg, slog.New(slog.DiscardHandler)), fx.Populate(append([]any{&h}, populate...)...), fx.NopLogger)
	require.NoError(t, app.Err())
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	require.NoError(t, app.Start(ctx))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_ = app.Stop(ctx)
	})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	c := &client{t: t, base: srv.URL}
	res, err := http.Get(srv.URL + "/openapi.json")
	require.NoError(t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	loader := openapi3.NewLoader()
	c.doc, err = loader.LoadFromData(raw)
	require.NoError(t, err)
	c.doc.Servers = nil // match any host
	require.NoError(t, c.doc.Validate(loader.Context))
	c.router, err = legacy.NewRouter(c.doc)
	require.NoError(t, err)
	return c
}

// startOn starts a fresh server on a fresh database of dialect d.
func startOn(t *testing.T, d sqlstore.Dialect) *client {
	return start(t, testConfig(t, sqltest.URL(t, d)))
}

type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a map.
func (r response) JSON(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.Body, &m), "body: %s", r.Body)
	return m
}

// do sends a request; body may be nil, a string (sent raw) or a value
// (JSON-encoded). The response is validated against the OpenAPI document.
func (c *client) do(method, path, token string, body any, hdr ...string) response {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		require.NoError(c.t, err)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	require.NoError(c.t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(c.t, err)
	c.validate(req, res, raw)
	return response{Status: res.StatusCode, Header: res.Header, Body: raw}
}

// validate checks a response against the document when the route is in it.
func (c *client) validate(req *http.Request, res *http.Response, body []byte) {
	c.t.Helper()
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		return // unrouted paths (404 checks) have no schema
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		},
		Status: res.StatusCode,
		Header: res.Header,
		Body:   io.NopCloser(bytes.NewReader(body)),
	}
	require.NoError(c.t, openapi3filter.ValidateResponse(context.Background(), in),
		"%s %s → %d does not match the OpenAPI document: %s", req.Method, req.URL.Path, res.StatusCode, body)
}

// forEachDialect runs fn as a subtest on every database under test.
func forEachDialect(t *testing.T, fn func(t *testing.T, d sqlstore.Dialect)) {
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) { fn(t, d) })
	}
}
