package httpapi

import (
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/kente-gov/kente/app/identitysvc"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
)

type principalKey struct{}

var (
	errAuthRequired = fault.New(fault.Unauthenticated, "identity.unauthenticated", "Authentication required")
	errForbidden    = fault.New(fault.Forbidden, "identity.forbidden", "Insufficient permissions")
)

// authenticate resolves the bearer token through the identity service and
// stores the principal in the context; it answers 401 (or 403 for a
// deactivated account) itself.
func authenticate(svc *identitysvc.Service) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, err := svc.Authenticate(c.Request.Context(), bearerToken(c.GetHeader("Authorization")), clientMeta(c))
		if err != nil {
			fail(c, err)
			return
		}
		c.Set(principalKey{}, &p)
		c.Next()
	}
}

// bearerToken returns the token of an "Authorization: Bearer <token>"
// header (scheme case-insensitive), or "".
func bearerToken(h string) string {
	const scheme = "bearer "
	if len(h) <= len(scheme) || !strings.EqualFold(h[:len(scheme)], scheme) {
		return ""
	}
	return strings.TrimSpace(h[len(scheme):])
}

// require lets the request through only if the authenticated principal's
// role allows level: 401 without a principal, 403 for an insufficient role.
func require(level identity.Level) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, ok := principalOf(c)
		if !ok {
			fail(c, errAuthRequired)
			return
		}
		if !p.User.Role.Allows(level) {
			fail(c, errForbidden)
			return
		}
		c.Next()
	}
}

// principalOf returns the principal authenticate stored.
func principalOf(c *gin.Context) (identitysvc.Principal, bool) {
	v, ok := c.Get(principalKey{})
	if !ok {
		return identitysvc.Principal{}, false
	}
	p, ok := v.(*identitysvc.Principal)
	if !ok || p == nil {
		return identitysvc.Principal{}, false
	}
	return *p, true
}
