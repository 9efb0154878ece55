package httpapi_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/httpapi"
	"github.com/kente-gov/kente/adapters/httpapi/internal/memstore"
	"github.com/kente-gov/kente/app/identitysvc"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/ports"
	"github.com/kente-gov/kente/test/testkit"
)

var t0 = time.Date(2025, 1, 15, 8, 0, 0, 0, time.UTC)

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type env struct {
	h      http.Handler
	store  *memstore.Store
	clock  *testkit.Clock
	svc    *identitysvc.Service
	logs   *syncBuffer
	router routers.Router

	validated int // responses checked against the OpenAPI document
}

type envOpt func(*httpapi.Deps, *httpapi.Options)

func newService(store *memstore.Store, clk ports.Clock) *identitysvc.Service {
	return identitysvc.New(identitysvc.Deps{
		Users: store, Sessions: store, Tx: store, Counters: memstore.NewCounters(), Audit: &testkit.AuditRecorder{},
		Clock: clk, Rand: rand.Reader,
	}, identitysvc.Options{
		Pepper:          []byte("0123456789abcdef-test-pepper"),
		Hash:            identity.TestHashParams,
		BootstrapSecret: testBootstrapSecret,
	})
}

// testBootstrapSecret is the bootstrap secret of test services.
const testBootstrapSecret = "test-bootstrap-secret-0123456789abcdef"

// openAPIRouter loads the merged document and returns a kin-openapi router
// over it.
func openAPIRouter(tb testing.TB) (*openapi3.T, routers.Router) {
	tb.Helper()
	raw, err := httpapi.OpenAPI()
	require.NoError(tb, err)
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	require.NoError(tb, err)
	r, err := legacy.NewRouter(doc)
	require.NoError(tb, err)
	return doc, r
}

// newEnv builds the full handler on an in-memory store. add, when not nil,
// registers test-only routes.
func newEnv(tb testing.TB, add func(*env, *gin.Engine), opts ...envOpt) *env {
	tb.Helper()
	e := &env{store: memstore.New(), clock: testkit.NewClock(t0), logs: &syncBuffer{}}
	e.svc = newService(e.store, e.clock)
	d := httpapi.Deps{
		Identity: e.svc,
		Logger:   slog.New(slog.NewJSONHandler(e.logs, nil)),
	}
	var o httpapi.Options
	for _, f := range opts {
		f(&d, &o)
	}
	var err error
	if add != nil {
		e.h, err = httpapi.NewWithExtraRoutes(d, o, func(g *gin.Engine) { add(e, g) })
	} else {
		e.h, err = httpapi.New(d, o)
	}
	require.NoError(tb, err)
	_, e.router = openAPIRouter(tb)
	return e
}

type req struct {
	method  string
	path    string
	body    string
	token   string
	headers map[string]string
	remote  string
}

// do serves r and, when the route is in the OpenAPI document, validates the
// response against it (status included), so the document cannot lie.
func (e *env) do(t *testing.T, r req) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	hr := httptest.NewRequest(r.method, r.path, body)
	if r.body != "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	for k, v := range r.headers {
		hr.Header.Set(k, v)
	}
	if r.remote != "" {
		hr.RemoteAddr = r.remote
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, hr)
	e.validate(t, hr, rec)
	return rec
}

func (e *env) validate(t *testing.T, hr *http.Request, rec *httptest.ResponseRecorder) {
	t.Helper()
	checked, err := e.check(hr, rec.Code, rec.Header(), rec.Body.Bytes())
	if checked {
		e.validated++
	}
	assert.NoError(t, err, "%s %s → %d %s does not match the OpenAPI document", hr.Method, hr.URL.Path, rec.Code, rec.Body.String())
}

// check validates one response against the document; checked is false when
// the route is not documented (unknown path, test-only route, preflight).
func (e *env) check(hr *http.Request, status int, header http.Header, body []byte) (checked bool, err error) {
	vr := hr.Clone(context.Background())
	vr.Body = http.NoBody
	route, params, err := e.router.FindRoute(vr)
	if err != nil {
		return false, nil
	}
	return true, openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: vr, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	})
}

func decode(t *testing.T, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &m), rec.Body.String())
	return m
}

type account struct {
	ID, Email, AccessCode, Token string
}

func (e *env) register(t *testing.T, email string) account {
	t.Helper()
	rec := e.do(t, req{method: "POST", path: "/api/auth/register",
		body: `{"email":"` + email + `","fullName":"Kwame Mensah","department":"Ministry of Finance"}`})
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	var out struct {
		AccessCode string `json:"accessCode"`
		Token      string `json:"token"`
		User       struct {
			ID string `json:"id"`
		} `json:"user"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out))
	return account{ID: out.User.ID, Email: email, AccessCode: out.AccessCode, Token: out.Token}
}

func httptestRequest(method, path string, body io.Reader) *http.Request {
	r := httptest.NewRequest(method, path, body)
	r.Header.Set("Content-Type", "application/json")
	return r
}

func serve(e *env, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, r)
	return rec
}

func identitysvcMeta() identitysvc.ClientMeta {
	return identitysvc.ClientMeta{IP: "192.0.2.1", UserAgent: "bench"}
}
