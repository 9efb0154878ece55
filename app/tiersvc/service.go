// Package tiersvc holds the use cases of AskOzzy's plans: pricing, usage,
// the model list, trials, administrators' tier grants, and the rate limits
// every authenticated request passes (a generous general limit, and the
// per-minute and per-day message quotas of the caller's plan). The rules
// are core/tier and core/ratelimit; the state is behind ports.
package tiersvc

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/kente-gov/kente/core/audit"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/core/ratelimit"
	"github.com/kente-gov/kente/core/tier"
	"github.com/kente-gov/kente/ports"
)

// Auditor records audit entries; *auditsvc.Service fits.
type Auditor interface {
	Record(ctx context.Context, r audit.Record) error
}

// Deps are the Service's ports. All are required.
type Deps struct {
	Users  ports.UserStore
	Subs   ports.SubscriptionStore
	Usage  ports.UsageStore
	Limits ports.RateLimitStore
	Tx     ports.Tx
	Audit  Auditor
	Clock  ports.Clock
	Log    *slog.Logger // discarded when nil
}

// Service runs the tier use cases.
type Service struct {
	d   Deps
	cat tier.Catalog
}

// New returns a Service over catalog, which must be valid (see
// tier.Catalog.Validate); it panics on a missing dependency or an invalid
// catalogue, both programmer errors (config validates the catalogue).
func New(d Deps, catalog tier.Catalog) *Service {
	if d.Users == nil || d.Subs == nil || d.Usage == nil || d.Limits == nil || d.Tx == nil || d.Audit == nil || d.Clock == nil {
		panic("tiersvc: missing dependency")
	}
	if err := catalog.Validate(); err != nil {
		panic(err)
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{d: d, cat: catalog}
}

// Now returns the service clock's time.
func (s *Service) Now() time.Time { return s.d.Clock.Now() }

// Catalog returns the deployment's plan data.
func (s *Service) Catalog() tier.Catalog { return s.cat }

// Standing returns u's effective plan now (tier.Catalog.Standing).
func (s *Service) Standing(ctx context.Context, u identity.User) (tier.Standing, error) {
	sub, err := s.d.Subs.Subscription(ctx, u.ID)
	if err != nil {
		return tier.Standing{}, fmt.Errorf("standing of %s: %w", u.ID, err)
	}
	return s.cat.Standing(u.Tier, sub, s.d.Clock.Now()), nil
}

// Usage is a user's message count today against their plan.
type Usage struct {
	Standing tier.Standing
	Used     int
	Limit    int // tier.Unlimited for none
	PerMin   int
	ResetsAt time.Time
}

// Usage returns u's usage today (UTC).
func (s *Service) Usage(ctx context.Context, u identity.User) (Usage, error) {
	st, err := s.Standing(ctx, u)
	if err != nil {
		return Usage{}, err
	}
	now := s.d.Clock.Now()
	used, err := s.d.Usage.MessagesUsed(ctx, u.ID, tier.Day(now))
	if err != nil {
		return Usage{}, fmt.Errorf("usage of %s: %w", u.ID, err)
	}
	p, _ := s.cat.Plan(st.Tier)
	return Usage{Standing: st, Used: used, Limit: p.MessagesPerDay, PerMin: p.MessagesPerMinute, ResetsAt: tier.NextReset(now)}, nil
}

// Nudge is a short prompt shown to a user.
type Nudge struct {
	Message   string
	Type      string // tier.NudgeLimitReached, NudgeAlmostThere or NudgeHalfway
	ActionURL string // empty for none
}

// Nudge returns u's usage nudge (tier.UsageNudge: free effective plan
// only, from half of today's quota used), or nil when there is none.
func (s *Service) Nudge(ctx context.Context, u identity.User) (*Nudge, error) {
	us, err := s.Usage(ctx, u)
	if err != nil {
		return nil, err
	}
	n := &Nudge{Type: tier.UsageNudge(us.Standing.Tier, us.Used, us.Limit), ActionURL: "/pricing"}
	switch n.Type {
	case tier.NudgeLimitReached:
		n.Message = fmt.Sprintf("You have used all %d free messages for today. They reset at midnight UTC, or upgrade your plan for more.", us.Limit)
	case tier.NudgeAlmostThere:
		n.Message = fmt.Sprintf("Only %d of your %d free messages left today. Upgrade your plan for more.", us.Limit-us.Used, us.Limit)
	case tier.NudgeHalfway:
		n.Message = fmt.Sprintf("You have used %d of your %d free messages today.", us.Used, us.Limit)
	default:
		return nil, nil
	}
	return n, nil
}

// ModelAccess is one catalogue model and whether the caller may use it.
type ModelAccess struct {
	Model     tier.Model
	Available bool
}

// Models lists the catalogue for u's effective plan.
func (s *Service) Models(ctx context.Context, u identity.User) ([]ModelAccess, tier.Standing, error) {
	st, err := s.Standing(ctx, u)
	if err != nil {
		return nil, st, err
	}
	out := make([]ModelAccess, len(s.cat.Models))
	for i, m := range s.cat.Models {
		out[i] = ModelAccess{Model: m, Available: tier.AtLeast(st.Tier, m.Tier)}
	}
	return out, st, nil
}

// AllowModel returns the model if u's effective plan unlocks it
// (tier.Catalog.Allow: 403 TIER_REQUIRED otherwise, 404 when unknown).
func (s *Service) AllowModel(ctx context.Context, u identity.User, modelID string) (tier.Model, error) {
	st, err := s.Standing(ctx, u)
	if err != nil {
		return tier.Model{}, err
	}
	return s.cat.Allow(st.Tier, modelID)
}

// StartTrial starts u's one trial of trialTier (professional when empty).
func (s *Service) StartTrial(ctx context.Context, u identity.User, trialTier string) (tier.Standing, error) {
	if trialTier == "" {
		trialTier = tier.Professional
	}
	now := s.d.Clock.Now()
	sub, err := s.d.Subs.UpdateSubscription(ctx, u.ID, func(sub *tier.Subscription) error {
		next, err := s.cat.StartTrial(u.Tier, *sub, trialTier, now)
		*sub = next
		return err
	})
	if err != nil {
		return tier.Standing{}, err
	}
	return s.cat.Standing(u.Tier, sub, now), nil
}

// ClientMeta describes where an administrator's request came from.
type ClientMeta struct{ IP, UserAgent string }

// SetTier is an administrator's manual grant: userID's plan becomes
// tierID with no expiry (free ends any paid period), mirrored into the
// account's tier, audited ("admin_set_tier") in the same transaction.
// fault.Invalid (field tier) for an unknown plan, fault.NotFound for an
// unknown user.
func (s *Service) SetTier(ctx context.Context, actor identity.User, userID, tierID string, meta ClientMeta) error {
	if !tier.Valid(tierID) {
		return tier.ErrUnknownTier
	}
	now := s.d.Clock.Now()
	return s.d.Tx.WithinTx(ctx, func(ctx context.Context) error {
		before, err := s.d.Users.UserByID(ctx, userID)
		if err != nil {
			return err
		}
		prev, err := s.d.Subs.Subscription(ctx, userID)
		if err != nil {
			return err
		}
		from := s.cat.Standing(before.Tier, prev, now).Tier
		if _, err := s.d.Subs.UpdateSubscription(ctx, userID, func(sub *tier.Subscription) error {
			*sub = tier.Grant(*sub, tierID, now)
			return nil
		}); err != nil {
			return err
		}
		if _, err := s.d.Users.UpdateUser(ctx, userID, func(u *identity.User) error { u.Tier = tierID; return nil }); err != nil {
			return err
		}
		details, _ := json.Marshal(map[string]string{"from": from, "to": tierID})
		return s.d.Audit.Record(ctx, audit.Record{
			At: now, ActorID: actor.ID, Action: "admin_set_tier", TargetType: "user", TargetID: userID,
			IP: meta.IP, UserAgent: meta.UserAgent, Outcome: audit.Success, Details: details,
		})
	})
}

// Extend applies a paid cycle of plan to userID (tier.Catalog.Extend) and
// mirrors the plan into the account's tier. Call it inside the payment's
// transaction (ports.Tx.WithinTx); it joins it.
func (s *Service) Extend(ctx context.Context, userID, plan string, cycle tier.Cycle) (tier.Subscription, error) {
	if !tier.Paid(plan) || !cycle.Valid() {
		return tier.Subscription{}, fmt.Errorf("extend %s: plan %q cycle %q: %w", userID, plan, cycle, tier.ErrUnknownTier)
	}
	now := s.d.Clock.Now()
	var out tier.Subscription
	err := s.d.Tx.WithinTx(ctx, func(ctx context.Context) error {
		u, err := s.d.Users.UserByID(ctx, userID)
		if err != nil {
			return err
		}
		out, err = s.d.Subs.UpdateSubscription(ctx, userID, func(sub *tier.Subscription) error {
			*sub = s.cat.Extend(u.Tier, *sub, plan, cycle, now)
			return nil
		})
		if err != nil {
			return err
		}
		_, err = s.d.Users.UpdateUser(ctx, userID, func(u *identity.User) error { u.Tier = plan; return nil })
		return err
	})
	return out, err
}

// Window is one rate-limit window as the client sees it.
type Window struct {
	Name      string // "general", "minute" or "day"
	Limit     int
	Remaining int
	Reset     time.Time     // when Remaining is back to Limit
	Period    time.Duration // the window's length
}

// Decision is the outcome of a rate-limit check: the windows checked and
// the binding one (the least remaining). Err is a fault.RateLimited error
// when the request is refused.
type Decision struct {
	Windows []Window
	Binding Window
}

// ErrRateLimited is the seed's 429 body; RetryAfterSeconds is set per
// refusal.
var ErrRateLimited = fault.New(fault.RateLimited, "ratelimit.exceeded", "Rate limit exceeded. Upgrade your plan for more messages.").With("code", "RATE_LIMITED")

func limited(retry time.Duration) error {
	e := *ErrRateLimited
	e.RetryAfterSeconds = max(1, ratelimit.Seconds(retry))
	return &e
}

func window(name string, l ratelimit.Limit, r ratelimit.Result, now time.Time) Window {
	return Window{Name: name, Limit: r.Limit, Remaining: r.Remaining, Reset: now.Add(r.ResetAfter), Period: l.Period}
}

// CheckRequest counts one request of userID against the general limit
// (every authenticated endpoint that does not send a message to a model).
// A refusal is ErrRateLimited with the decision's windows set. When the
// limiter store fails, the request is let through (and logged): the general
// limit protects capacity, and an outage of it must not take the API down.
func (s *Service) CheckRequest(ctx context.Context, userID string) (Decision, error) {
	now := s.d.Clock.Now()
	r, err := s.d.Limits.Take(ctx, "gen:"+userID, s.cat.General, 1, now)
	if err != nil {
		s.d.Log.WarnContext(ctx, "general rate limit unavailable; request let through", "err", err)
		return Decision{}, nil
	}
	w := window("general", s.cat.General, r, now)
	d := Decision{Windows: []Window{w}, Binding: w}
	if !r.Allowed {
		return d, limited(r.RetryAfter)
	}
	return d, nil
}

// TakeMessage admits one message to a model from u: the per-minute rate
// of u's effective plan first, then the durable daily quota (counted only
// when the minute allows it). A refusal is ErrRateLimited (retry after the
// minute's slot, or at the next UTC midnight); a failing limiter store is
// fault.Unavailable (quotas fail closed). Call ReturnMessage when the
// message is then not processed.
func (s *Service) TakeMessage(ctx context.Context, u identity.User) (Decision, error) {
	st, err := s.Standing(ctx, u)
	if err != nil {
		return Decision{}, err
	}
	p, _ := s.cat.Plan(st.Tier)
	now := s.d.Clock.Now()
	rate := p.MessageRate()
	r, err := s.d.Limits.Take(ctx, "msg:"+u.ID, rate, 1, now)
	if err != nil {
		return Decision{}, fmt.Errorf("message rate of %s: %w", u.ID, err)
	}
	minute := window("minute", rate, r, now)
	d := Decision{Windows: []Window{minute}, Binding: minute}
	if !r.Allowed {
		return d, limited(r.RetryAfter)
	}
	used, ok, err := s.d.Usage.TakeMessage(ctx, u.ID, tier.Day(now), p.MessagesPerDay)
	if err != nil {
		return d, fmt.Errorf("daily quota of %s: %w", u.ID, err)
	}
	if p.MessagesPerDay != tier.Unlimited {
		reset := tier.NextReset(now)
		day := Window{Name: "day", Limit: p.MessagesPerDay, Remaining: max(0, p.MessagesPerDay-used), Reset: reset, Period: 24 * time.Hour}
		d.Windows = append(d.Windows, day)
		if day.Remaining < minute.Remaining || !ok {
			d.Binding = day
		}
		if !ok {
			return d, limited(reset.Sub(now))
		}
	}
	return d, nil
}

// ReturnMessage gives back one message of today's quota, for a message
// that was admitted but then not processed (the model failed before
// answering).
func (s *Service) ReturnMessage(ctx context.Context, userID string) error {
	return s.d.Usage.ReturnMessage(ctx, userID, tier.Day(s.d.Clock.Now()))
}

// RateLimits returns each plan's message limits, for administrators.
func (s *Service) RateLimits() []tier.Plan { return s.cat.Plans }
