package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/kente-gov/kente/core/identity"
)

// readyTimeout bounds the /readyz pings together.
const readyTimeout = 2 * time.Second

// registerSystem adds the operational endpoints (openapi/system.yaml).
func registerSystem(r *router, s *server) {
	r.handle(http.MethodGet, "/healthz", identity.Public, s.healthz)
	r.handle(http.MethodGet, "/readyz", identity.Public, s.readyz)
	r.handle(http.MethodGet, "/metrics", identity.Public, s.metricsHandler())
	r.handle(http.MethodGet, "/openapi.json", identity.Public, s.openAPIDoc)
}

type statusBody struct {
	Status string `json:"status"`
}

type readyBody struct {
	Status string   `json:"status"`
	Failed []string `json:"failed,omitempty"`
}

func (s *server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, statusBody{Status: "ok"})
}

// pingerName names a pinger in /readyz: its Name() when it has one, else
// its Go type.
func pingerName(p any) string {
	if n, ok := p.(interface{ Name() string }); ok {
		return n.Name()
	}
	return fmt.Sprintf("%T", p)
}

func (s *server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), readyTimeout)
	defer cancel()
	errs := make([]error, len(s.ready))
	var wg sync.WaitGroup
	for i, p := range s.ready {
		wg.Go(func() { errs[i] = p.Ping(ctx) })
	}
	wg.Wait()
	var failed []string
	for i, err := range errs {
		if err != nil {
			name := pingerName(s.ready[i])
			failed = append(failed, name)
			s.log.LogAttrs(ctx, slog.LevelWarn, "readiness check failed",
				slog.String("request_id", requestIDOf(c)), slog.String("check", name), slog.String("err", err.Error()))
		}
	}
	if len(failed) > 0 {
		c.JSON(http.StatusServiceUnavailable, readyBody{Status: "unavailable", Failed: failed})
		return
	}
	c.JSON(http.StatusOK, readyBody{Status: "ready"})
}

func (s *server) metricsHandler() gin.HandlerFunc {
	if s.metrics == nil { // building the route table only
		return nil
	}
	return gin.WrapH(promhttp.HandlerFor(s.metrics, promhttp.HandlerOpts{}))
}

func (s *server) openAPIDoc(c *gin.Context) {
	c.Data(http.StatusOK, "application/json", s.openapi)
}
