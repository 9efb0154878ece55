package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/kente-gov/kente/app/programmesvc"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
)

// The /api/v1 (Oomus) auth levels, in the route table's identity.Level
// terms: identity.Public needs nothing, identity.Authenticated a valid
// programme access token (JWT), and identity.Admin a token of a programme
// with the is_admin platform flag. No other level is used on /api/v1.

type v1PrincipalKey struct{}

var errProgrammesUnavailable = fault.New(fault.Unavailable, "programme.unavailable", "Programme accounts are not configured")

// routeOption adjusts one route registered with handleV1.
type routeOption func(*routeConfig)

type routeConfig struct {
	module    string
	multipart bool
	slash     bool
	maxBody   int64
}

// largeBody lets the route take a body of up to n bytes, or the configured
// Options.BodyLimit when that is larger (the card-job upload carries up to
// 10,000 rows).
func largeBody(n int64) routeOption { return func(c *routeConfig) { c.maxBody = n } }

// withModule makes the route answer 403 "programme.module_required" unless
// premium module key is active for the caller's programme. The route must
// not be public.
func withModule(key string) routeOption { return func(c *routeConfig) { c.module = key } }

// acceptMultipart lets a POST/PUT/PATCH route take a multipart/form-data
// body instead of JSON.
func acceptMultipart() routeOption { return func(c *routeConfig) { c.multipart = true } }

// collection serves the route also with a trailing slash ("/x" and "/x/"),
// as Oomus clients call collection routes both ways.
func collection() routeOption { return func(c *routeConfig) { c.slash = true } }

// handleV1 registers an /api/v1 route: its auth chain answers in the /api/v1
// error shape, and options add a module requirement, multipart bodies or
// the trailing-slash twin.
func (r *router) handleV1(method, path string, level identity.Level, h gin.HandlerFunc, opts ...routeOption) {
	var cfg routeConfig
	for _, o := range opts {
		o(&cfg)
	}
	if level != identity.Public && level != identity.Authenticated && level != identity.Admin {
		panic("httpapi: /api/v1 routes are public, authenticated or admin: " + path)
	}
	if cfg.module != "" && level == identity.Public {
		panic("httpapi: a module requirement needs an authenticated route: " + path)
	}
	paths := []string{path}
	if cfg.slash {
		paths = append(paths, path+"/")
	}
	for _, p := range paths {
		r.routes = append(r.routes, Route{Method: method, Path: p, Level: level})
		if r.g == nil {
			continue
		}
		if cfg.maxBody > r.s.opts.BodyLimit {
			r.s.bodyLimits[method+" "+p] = cfg.maxBody
		}
		chain := make([]gin.HandlerFunc, 0, 5)
		if level != identity.Public {
			chain = append(chain, authenticateV1(r.s))
			if level == identity.Admin {
				chain = append(chain, requireAdminV1())
			}
			if cfg.module != "" {
				chain = append(chain, requireModule(r.s, cfg.module))
			}
		}
		switch method {
		case http.MethodPost, http.MethodPut, http.MethodPatch:
			if !cfg.multipart {
				chain = append(chain, requireJSON())
			}
		}
		chain = append(chain, h)
		r.g.Handle(method, p, chain...)
	}
}

// authenticateV1 resolves the bearer access token through the programme
// service and stores the principal in the context: 401 for a missing or
// bad token, 403 for a suspended account.
func authenticateV1(s *server) gin.HandlerFunc {
	return func(c *gin.Context) {
		if s.programmes == nil {
			fail(c, errProgrammesUnavailable)
			return
		}
		p, err := s.programmes.Authenticate(c.Request.Context(), bearerToken(c.GetHeader("Authorization")))
		if err != nil {
			fail(c, err)
			return
		}
		c.Set(v1PrincipalKey{}, &p)
		c.Next()
	}
}

// requireAdminV1 lets only principals of an is_admin programme through
// (403 otherwise).
func requireAdminV1() gin.HandlerFunc {
	return func(c *gin.Context) {
		p, ok := v1PrincipalOf(c)
		if !ok {
			fail(c, errAuthRequired)
			return
		}
		if err := programmesvc.RequireAdmin(p); err != nil {
			fail(c, err)
			return
		}
		c.Next()
	}
}

// requireModule is the require_module check: 403 naming key unless the
// module is active for the caller's programme.
func requireModule(s *server, key string) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, ok := v1PrincipalOf(c)
		if !ok {
			fail(c, errAuthRequired)
			return
		}
		if err := s.programmes.RequireModule(c.Request.Context(), p, key); err != nil {
			fail(c, err)
			return
		}
		c.Next()
	}
}

// v1PrincipalOf returns the principal authenticateV1 stored.
func v1PrincipalOf(c *gin.Context) (programmesvc.Principal, bool) {
	v, ok := c.Get(v1PrincipalKey{})
	if !ok {
		return programmesvc.Principal{}, false
	}
	p, ok := v.(*programmesvc.Principal)
	if !ok || p == nil {
		return programmesvc.Principal{}, false
	}
	return *p, true
}

// V1Principal returns the authenticated programme principal of an /api/v1
// request, for handlers of other contexts registered with handleV1.
func V1Principal(c *gin.Context) (programmesvc.Principal, bool) { return v1PrincipalOf(c) }
