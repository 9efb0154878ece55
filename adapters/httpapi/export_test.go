package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/kente-gov/kente/app/identitysvc"
	"github.com/kente-gov/kente/core/identity"
)

// NewWithExtraRoutes builds the engine as New does, then lets a test add
// routes (a panicking handler, an error echo) behind the global middleware.
func NewWithExtraRoutes(d Deps, o Options, add func(e *gin.Engine)) (http.Handler, error) {
	e, err := newEngine(d, o)
	if err != nil {
		return nil, err
	}
	add(e)
	return e, nil
}

// Fail exposes the error renderer.
var Fail = fail

// Guard returns the middleware router.handle puts in front of a route of
// level, so tests can guard test-only routes exactly as real ones.
func Guard(svc *identitysvc.Service, level identity.Level) []gin.HandlerFunc {
	return []gin.HandlerFunc{authenticate(svc), require(level)}
}
