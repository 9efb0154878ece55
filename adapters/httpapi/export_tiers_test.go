package httpapi

import (
	"github.com/gin-gonic/gin"

	"github.com/kente-gov/kente/app/identitysvc"
	"github.com/kente-gov/kente/app/tiersvc"
	"github.com/kente-gov/kente/core/identity"
)

// MessageGuard returns the chain router.handle builds for an authenticated
// route marked sendsMessage, so tests can try the message quota on a
// test-only route before the chat routes exist.
func MessageGuard(id *identitysvc.Service, tiers *tiersvc.Service) []gin.HandlerFunc {
	s := &server{id: id, tiers: tiers}
	var cfg limitConfig
	sendsMessage(&cfg)
	return []gin.HandlerFunc{authenticate(id), require(identity.Authenticated), s.rateLimit(cfg)}
}
