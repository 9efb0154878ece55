package httpapi

import (
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/kente-gov/kente/core/billing"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/core/tier"
)

// registerBilling adds the Paystack checkout, the self-service upgrade and
// the webhook (openapi/billing.yaml).
func registerBilling(r *router, s *server) {
	r.handle(http.MethodPost, "/api/upgrade", identity.Authenticated, s.upgrade)
	r.handle(http.MethodPost, "/api/payments/initialize", identity.Authenticated, s.initializePayment)
	r.handle(http.MethodPost, "/api/webhooks/paystack", identity.Public, s.paystackWebhook)
}

var errBillingUnavailable = fault.New(fault.Unavailable, "billing.not_configured", "Payments are not configured on this server")

func (s *server) billingOr503(c *gin.Context) bool {
	if s.billing == nil || !s.billing.Configured() {
		fail(c, errBillingUnavailable)
		return false
	}
	return true
}

type checkoutIn struct {
	Plan         *string `json:"plan"`
	Tier         *string `json:"tier"`
	Channel      string  `json:"channel"`
	BillingCycle string  `json:"billingCycle"`
}

func (s *server) initializePayment(c *gin.Context) {
	if !s.billingOr503(c) {
		return
	}
	var in checkoutIn
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	if in.Plan == nil {
		fail(c, fault.Field("plan", "request.required", "plan is required"))
		return
	}
	p, _ := principalOf(c)
	sess, err := s.billing.Initialize(c.Request.Context(), p.User, *in.Plan, tier.Cycle(in.BillingCycle), billing.Channel(in.Channel))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"authorization_url": sess.AuthorizationURL, "access_code": sess.AccessCode, "reference": sess.Reference})
}

// upgrade is the seed's self-service upgrade: a checkout of tier, answered
// with its payment page.
func (s *server) upgrade(c *gin.Context) {
	if !s.billingOr503(c) {
		return
	}
	var in checkoutIn
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	if in.Tier == nil {
		fail(c, fault.Field("tier", "request.required", "tier is required"))
		return
	}
	if !tier.Paid(*in.Tier) {
		fail(c, fault.Field("tier", "billing.invalid_plan", "tier must be starter, professional or enterprise"))
		return
	}
	p, _ := principalOf(c)
	sess, err := s.billing.Initialize(c.Request.Context(), p.User, *in.Tier, tier.Cycle(in.BillingCycle), billing.Channel(in.Channel))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"success": true, "paymentRequired": true, "paymentUrl": sess.AuthorizationURL, "reference": sess.Reference})
}

// paystackWebhook reads the raw body (the signature covers its exact
// bytes) and hands it to the billing service, which checks the signature
// before parsing.
func (s *server) paystackWebhook(c *gin.Context) {
	if !s.billingOr503(c) {
		return
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		fail(c, decodeError(err))
		return
	}
	if _, err := s.billing.HandleWebhook(c.Request.Context(), body, c.GetHeader("x-paystack-signature")); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"success": true})
}
