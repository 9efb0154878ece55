package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/kente-gov/kente/app/tiersvc"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/core/tier"
)

// registerTiers adds pricing, usage, models, trials and the admin tier
// endpoints (openapi/tiers.yaml). The admin route's parameter is named
// userId because Gin requires one name per segment and the reset-account
// route already uses it.
func registerTiers(r *router, s *server) {
	r.handle(http.MethodGet, "/api/pricing", identity.Public, s.pricing)
	r.handle(http.MethodGet, "/api/models", identity.Authenticated, s.models)
	r.handle(http.MethodGet, "/api/usage/status", identity.Authenticated, s.usageStatus)
	r.handle(http.MethodGet, "/api/usage/nudge", identity.Authenticated, s.usageNudge)
	r.handle(http.MethodPost, "/api/trial/activate", identity.Authenticated, s.activateTrial)
	r.handle(http.MethodGet, "/api/trial/status", identity.Authenticated, s.trialStatus)
	r.handle(http.MethodGet, "/api/admin/rate-limits", identity.Admin, s.rateLimits)
	r.handle(http.MethodPatch, "/api/admin/users/:userId/tier", identity.Admin, s.setTier)
}

var errTiersUnavailable = fault.New(fault.Unavailable, "tier.unavailable", "Plans are not configured on this server")

// tiersOr503 reports whether the tiers service is configured, answering
// 503 when it is not.
func (s *server) tiersOr503(c *gin.Context) bool {
	if s.tiers == nil {
		fail(c, errTiersUnavailable)
		return false
	}
	return true
}

type pricingTier struct {
	ID                string   `json:"id"`
	Name              string   `json:"name"`
	Price             float64  `json:"price"`
	Currency          string   `json:"currency"`
	Period            string   `json:"period,omitempty"`
	YearlyPrice       float64  `json:"yearlyPrice"`
	StudentPrice      *float64 `json:"studentPrice,omitempty"`
	MessagesPerDay    int      `json:"messagesPerDay"`
	MessagesPerMinute int      `json:"messagesPerMinute"`
	Features          []string `json:"features"`
}

func cedis(pesewas int64) float64 { return float64(pesewas) / 100 }

// pricing is public; a valid bearer token of a student account adds the
// student prices. An invalid token is treated as no token.
func (s *server) pricing(c *gin.Context) {
	if !s.tiersOr503(c) {
		return
	}
	student := false
	if tok := bearerToken(c.GetHeader("Authorization")); tok != "" {
		if p, err := s.id.Authenticate(c.Request.Context(), tok, clientMeta(c)); err == nil {
			student = p.User.UserType == identity.UserTypeStudent
		}
	}
	plans := s.tiers.Catalog().Plans
	out := make([]pricingTier, len(plans))
	for i, p := range plans {
		t := pricingTier{ID: p.ID, Name: p.Name, Price: cedis(p.Monthly), Currency: p.Currency, YearlyPrice: cedis(p.Yearly),
			MessagesPerDay: p.MessagesPerDay, MessagesPerMinute: p.MessagesPerMinute, Features: p.Features}
		if tier.Paid(p.ID) {
			t.Period = string(tier.Monthly)
			if student {
				v := cedis(p.StudentMonthly)
				t.StudentPrice = &v
			}
		}
		out[i] = t
	}
	c.JSON(http.StatusOK, gin.H{"tiers": out})
}

type modelOut struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	Provider       string `json:"provider"`
	Tier           string `json:"tier"`
	Description    string `json:"description"`
	MaxTokens      int    `json:"maxTokens"`
	ContextWindow  int    `json:"contextWindow,omitempty"`
	SupportsVision bool   `json:"supportsVision"`
	Recommended    bool   `json:"recommended"`
	Available      bool   `json:"available"`
	// Served: the server has an LLM route for the model (chat).
	Served bool `json:"served"`
}

func (s *server) models(c *gin.Context) {
	if !s.tiersOr503(c) {
		return
	}
	p, _ := principalOf(c)
	ms, st, err := s.tiers.Models(c.Request.Context(), p.User)
	if err != nil {
		fail(c, err)
		return
	}
	out := make([]modelOut, len(ms))
	for i, m := range ms {
		out[i] = modelOut{ID: m.Model.ID, Name: m.Model.Name, Provider: m.Model.Provider, Tier: m.Model.Tier,
			Description: m.Model.Description, MaxTokens: m.Model.MaxTokens, ContextWindow: m.Model.ContextWindow,
			SupportsVision: m.Model.SupportsVision, Recommended: m.Model.Recommended, Available: m.Available}
		out[i].Served = s.modelServed(c.Request.Context(), m.Model.ID)
		out[i].Available = out[i].Available && out[i].Served
	}
	c.JSON(http.StatusOK, gin.H{"models": out, "tier": st.Tier})
}

func (s *server) usageStatus(c *gin.Context) {
	if !s.tiersOr503(c) {
		return
	}
	p, _ := principalOf(c)
	u, err := s.tiers.Usage(c.Request.Context(), p.User)
	if err != nil {
		fail(c, err)
		return
	}
	usage := gin.H{
		"messagesUsed": u.Used, "messagesLimit": u.Limit, "messagesPerMinute": u.PerMin, "tier": u.Standing.Tier,
		"resetsAt": timestamp(u.ResetsAt), "inGracePeriod": u.Standing.InGracePeriod, "subscriptionExpiresAt": optTime(u.Standing.ExpiresAt),
	}
	c.JSON(http.StatusOK, gin.H{"usage": usage})
}

// effectiveTier is the plan identity responses show for u: its effective
// plan (tiersvc.Standing: a running trial, a lapsed subscription) when a
// tiers service is set, else the account's stored tier. A failing read
// falls back to the stored tier, logged: a profile must not fail for it.
func (s *server) effectiveTier(ctx context.Context, u identity.User) string {
	if s.tiers == nil {
		return u.Tier
	}
	st, err := s.tiers.Standing(ctx, u)
	if err != nil {
		s.log.WarnContext(ctx, "effective tier unavailable; stored tier shown", "err", err)
		return u.Tier
	}
	return st.Tier
}

func optTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return timestamp(*t)
}

func (s *server) usageNudge(c *gin.Context) {
	if !s.tiersOr503(c) {
		return
	}
	p, _ := principalOf(c)
	n, err := s.tiers.Nudge(c.Request.Context(), p.User)
	if err != nil {
		fail(c, err)
		return
	}
	if n == nil {
		c.JSON(http.StatusOK, gin.H{"nudge": nil})
		return
	}
	var action any
	if n.ActionURL != "" {
		action = n.ActionURL
	}
	c.JSON(http.StatusOK, gin.H{"nudge": gin.H{"message": n.Message, "type": n.Type, "actionUrl": action}})
}

func (s *server) activateTrial(c *gin.Context) {
	if !s.tiersOr503(c) {
		return
	}
	var in struct {
		Tier string `json:"tier"`
	}
	if err := bindJSON(c, &in, false); err != nil {
		fail(c, err)
		return
	}
	p, _ := principalOf(c)
	st, err := s.tiers.StartTrial(c.Request.Context(), p.User, in.Tier)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"success": true, "trialEnd": optTime(st.Trial.EndsAt), "tier": st.Trial.Tier})
}

func (s *server) trialStatus(c *gin.Context) {
	if !s.tiersOr503(c) {
		return
	}
	p, _ := principalOf(c)
	st, err := s.tiers.Standing(c.Request.Context(), p.User)
	if err != nil {
		fail(c, err)
		return
	}
	t := st.Trial
	var trialTier any
	if t.Tier != "" {
		trialTier = t.Tier
	}
	c.JSON(http.StatusOK, gin.H{"trial": gin.H{
		"active": t.Active, "used": t.Used, "tier": trialTier, "startedAt": optTime(t.StartedAt), "endsAt": optTime(t.EndsAt),
		"daysRemaining": t.DaysRemaining,
	}})
}

func (s *server) rateLimits(c *gin.Context) {
	if !s.tiersOr503(c) {
		return
	}
	out := gin.H{}
	for _, p := range s.tiers.RateLimits() {
		out[p.ID] = gin.H{"messagesPerDay": p.MessagesPerDay, "messagesPerMinute": p.MessagesPerMinute}
	}
	g := s.tiers.Catalog().General
	c.JSON(http.StatusOK, gin.H{"rateLimits": out, "general": gin.H{"requestsPerMinute": g.Burst * int(time.Minute) / int(g.Period)}})
}

func (s *server) setTier(c *gin.Context) {
	if !s.tiersOr503(c) {
		return
	}
	var in struct {
		Tier *string `json:"tier"`
	}
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	if in.Tier == nil {
		fail(c, fault.Field("tier", "request.required", "tier is required"))
		return
	}
	p, _ := principalOf(c)
	meta := clientMeta(c)
	if err := s.tiers.SetTier(c.Request.Context(), p.User, c.Param("userId"), *in.Tier,
		tiersvc.ClientMeta{IP: meta.IP, UserAgent: meta.UserAgent}); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"success": true})
}
