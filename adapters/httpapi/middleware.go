package httpapi

import (
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/kente-gov/kente/core/fault"
)

// RequestIDHeader carries the request ID in both directions.
const RequestIDHeader = "X-Request-ID"

type requestIDKey struct{}

// requestID accepts an incoming X-Request-ID of at most 64 characters of
// [A-Za-z0-9_-], or mints one, and echoes it on the response.
func requestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader(RequestIDHeader)
		if !validRequestID(id) {
			id = rand.Text()
		}
		c.Set(requestIDKey{}, id)
		c.Header(RequestIDHeader, id)
		c.Next()
	}
}

func validRequestID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '_') {
			return false
		}
	}
	return true
}

// requestIDOf returns the request's ID, or "" outside the middleware.
func requestIDOf(c *gin.Context) string {
	v, _ := c.Get(requestIDKey{})
	id, _ := v.(string)
	return id
}

// httpMetrics are the adapter's Prometheus collectors.
type httpMetrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newHTTPMetrics(reg prometheus.Registerer) (*httpMetrics, error) {
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "kente_http_requests_total",
		Help: "HTTP requests by method, route template and status.",
	}, []string{"method", "route", "status"})
	latency := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "kente_http_request_duration_seconds",
		Help:    "HTTP request latency by method and route template.",
		Buckets: prometheus.DefBuckets,
	}, []string{"method", "route"})
	var err error
	if requests, err = register(reg, requests); err != nil {
		return nil, err
	}
	if latency, err = register(reg, latency); err != nil {
		return nil, err
	}
	return &httpMetrics{requests: requests, latency: latency}, nil
}

// register registers c, or returns the collector already registered under
// its name (so two engines may share one registry).
func register[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing, nil
			}
		}
		return c, fmt.Errorf("register http metrics: %w", err)
	}
	return c, nil
}

// methodLabel bounds the method label to the standard methods.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return m
	}
	return "OTHER"
}

// observe records metrics and writes one access-log line per request
// (method, route template, status, duration, request ID; never tokens or
// bodies). For a 5xx it also logs, once, the causes handlers attached.
func observe(log *slog.Logger, m *httpMetrics) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		elapsed := time.Since(start)
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		method := methodLabel(c.Request.Method)
		status := c.Writer.Status()
		m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
		m.latency.WithLabelValues(method, route).Observe(elapsed.Seconds())

		ctx := c.Request.Context()
		if status >= http.StatusInternalServerError && len(c.Errors) > 0 {
			log.LogAttrs(ctx, slog.LevelError, "request failed",
				slog.String("request_id", requestIDOf(c)),
				slog.String("method", method),
				slog.String("route", route),
				slog.Int("status", status),
				slog.String("err", c.Errors.Last().Err.Error()))
		}
		log.LogAttrs(ctx, slog.LevelInfo, "http request",
			slog.String("method", method),
			slog.String("route", route),
			slog.Int("status", status),
			slog.Duration("duration", elapsed),
			slog.String("request_id", requestIDOf(c)))
	}
}

// recovery turns a panic into a 500 in the family's shape; the panic value
// and stack are logged by observe with the request ID.
func recovery() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler { //nolint:errorlint // sentinel compared as net/http does
				panic(v)
			}
			err := fmt.Errorf("panic: %v\n%s", v, debug.Stack())
			if c.Writer.Written() {
				_ = c.Error(err)
				c.Abort()
				return
			}
			fail(c, err)
		}()
		c.Next()
	}
}

// The AskOzzy contract's CORS headers, also used for /api/v1's methods and
// headers.
const (
	corsMethods = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
	corsHeaders = "Content-Type, Authorization"
)

// cors sets CORS headers on /api (always Access-Control-Allow-Origin: *, as
// the AskOzzy contract says) and /api/v1 (the configured origins, with
// Vary: Origin unless "*"), and answers any OPTIONS request under /api with
// 204.
func cors(origins []string) gin.HandlerFunc {
	allowAll := false
	allowed := make(map[string]bool, len(origins))
	for _, o := range origins {
		if o == "*" {
			allowAll = true
		}
		allowed[o] = true
	}
	return func(c *gin.Context) {
		path := c.Request.URL.Path
		if !strings.HasPrefix(path, "/api/") && path != "/api" {
			c.Next()
			return
		}
		h := c.Writer.Header()
		switch {
		case !isV1(path) || allowAll:
			h.Set("Access-Control-Allow-Origin", "*")
		default:
			h.Add("Vary", "Origin")
			if o := c.GetHeader("Origin"); o != "" && allowed[o] {
				h.Set("Access-Control-Allow-Origin", o)
			}
		}
		h.Set("Access-Control-Allow-Methods", corsMethods)
		h.Set("Access-Control-Allow-Headers", corsHeaders)
		if c.Request.Method == http.MethodOptions {
			c.AbortWithStatus(http.StatusNoContent)
			return
		}
		c.Next()
	}
}

var errTooLarge = fault.New(fault.TooLarge, "request.too_large", "Request body is too large")

// bodyLimit refuses a declared Content-Length above the cap at once and
// caps the body actually read, so a chunked body cannot exceed it either.
// The cap is limit unless perRoute names the matched route ("METHOD
// /path", as gin's FullPath gives it).
func bodyLimit(def int64, perRoute map[string]int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		limit := def
		if n, ok := perRoute[c.Request.Method+" "+c.FullPath()]; ok {
			limit = n
		}
		if c.Request.ContentLength > limit {
			fail(c, errTooLarge)
			return
		}
		if c.Request.Body != nil && c.Request.Body != http.NoBody {
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
		}
		c.Next()
	}
}

// requireJSON answers 415 when a request carries a body that is not
// declared as JSON (application/json or any +json type).
func requireJSON() gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength == 0 || c.Request.Body == nil || c.Request.Body == http.NoBody {
			c.Next()
			return
		}
		mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			renderStatus(c, http.StatusUnsupportedMediaType, "unsupported_media_type", "Content-Type must be application/json")
			return
		}
		c.Next()
	}
}
