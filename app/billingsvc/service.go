// Package billingsvc holds the use cases of AskOzzy's subscription
// payments: starting a checkout with the payment gateway (Paystack) and
// applying its webhook, exactly once, after checking the signature and
// matching the charge against the payment Kente initialised. The plan
// itself is applied through tiersvc.
package billingsvc

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/kente-gov/kente/app/tiersvc"
	"github.com/kente-gov/kente/core/billing"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/core/tier"
	"github.com/kente-gov/kente/ports"
)

// Deps are the Service's dependencies. Gateway may be nil: the payment
// endpoints then answer fault.Unavailable; everything else is required.
type Deps struct {
	Gateway  ports.PaymentGateway
	Payments ports.PaymentStore
	Tiers    *tiersvc.Service
	Tx       ports.Tx
	Clock    ports.Clock
	Rand     io.Reader // a CSPRNG; draws payment references
	Log      *slog.Logger
}

// Options tune the Service.
type Options struct {
	// CallbackURL is where the gateway returns the customer; empty: the
	// gateway's default.
	CallbackURL string
}

// Service runs the billing use cases.
type Service struct {
	d Deps
	o Options
}

// New returns a Service; it panics on a missing required dependency.
func New(d Deps, o Options) *Service {
	if d.Payments == nil || d.Tiers == nil || d.Tx == nil || d.Clock == nil || d.Rand == nil {
		panic("billingsvc: missing dependency")
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{d: d, o: o}
}

// Errors of this package.
var (
	ErrNotConfigured = fault.New(fault.Unavailable, "billing.not_configured", "Payments are not configured on this server")
	ErrPlan          = fault.Field("plan", "billing.invalid_plan", "plan must be starter, professional or enterprise")
	ErrCycle         = fault.Field("billingCycle", "billing.invalid_cycle", "billingCycle must be monthly or yearly")
	ErrChannel       = fault.Field("channel", "billing.invalid_channel", "channel must be card or mobile_money")
	ErrPayload       = fault.New(fault.Invalid, "billing.invalid_event", "The webhook body is not a valid event")
)

// Configured reports whether a payment gateway is set.
func (s *Service) Configured() bool { return s.d.Gateway != nil }

// Initialize starts a checkout of plan for one cycle: it stores a pending
// payment with the expected amount (the student price for student
// accounts) under a fresh reference (OZZY-PAY-…), then asks the gateway
// for a checkout page.
func (s *Service) Initialize(ctx context.Context, u identity.User, plan string, cycle tier.Cycle, channel billing.Channel) (ports.CheckoutSession, error) {
	if s.d.Gateway == nil {
		return ports.CheckoutSession{}, ErrNotConfigured
	}
	if !tier.Paid(plan) {
		return ports.CheckoutSession{}, ErrPlan
	}
	if cycle == "" {
		cycle = tier.Monthly
	}
	if !cycle.Valid() {
		return ports.CheckoutSession{}, ErrCycle
	}
	if !channel.Valid() {
		return ports.CheckoutSession{}, ErrChannel
	}
	p, err := s.d.Tiers.Catalog().Plan(plan)
	if err != nil {
		return ports.CheckoutSession{}, ErrPlan
	}
	b := make([]byte, 10)
	if _, err := io.ReadFull(s.d.Rand, b); err != nil {
		return ports.CheckoutSession{}, fmt.Errorf("draw payment reference: %w", err)
	}
	pay := billing.Payment{
		Reference: "OZZY-PAY-" + strings.ToUpper(hex.EncodeToString(b)), UserID: u.ID, Plan: plan, Cycle: cycle,
		Amount: p.Price(cycle, u.UserType == identity.UserTypeStudent), Currency: p.Currency, Channel: channel,
		Status: billing.Pending, CreatedAt: s.d.Clock.Now(),
	}
	if err := s.d.Payments.CreatePayment(ctx, pay); err != nil {
		return ports.CheckoutSession{}, fmt.Errorf("initialize payment: %w", err)
	}
	c := ports.Checkout{
		Email: u.Email, Amount: pay.Amount, Currency: pay.Currency, Reference: pay.Reference, CallbackURL: s.o.CallbackURL,
		Metadata: map[string]string{"userId": u.ID, "plan": plan, "billingCycle": string(cycle), "type": "subscription"},
	}
	if channel != "" {
		c.Channels = []billing.Channel{channel}
	}
	sess, err := s.d.Gateway.Initialize(ctx, c)
	if err != nil {
		return ports.CheckoutSession{}, fmt.Errorf("initialize payment %s: %w", pay.Reference, err)
	}
	if sess.Reference == "" {
		sess.Reference = pay.Reference
	}
	return sess, nil
}

// event is the part of a Paystack webhook body Kente reads.
type event struct {
	Event string `json:"event"`
	Data  struct {
		Reference string `json:"reference"`
	} `json:"data"`
}

// Outcome says what a webhook delivery did.
type Outcome string

// Webhook outcomes.
const (
	Applied   Outcome = "applied"   // a charge activated its plan
	Duplicate Outcome = "duplicate" // already applied; nothing changed
	Ignored   Outcome = "ignored"   // stored only (other events, unknown or mismatched charges)
)

// HandleWebhook authenticates a raw webhook body (before parsing it:
// billing.ErrBadSignature, 401, and nothing stored), stores the event, and
// for charge.success confirms the charge with the gateway, matches it
// against the pending payment (amount, currency, reference, user) and, in
// one transaction, marks the payment succeeded and extends the user's plan
// from the current expiry. The same event delivered twice, or two
// deliveries at once, apply it once. A mismatch marks the payment rejected
// (retrying cannot fix it). A gateway outage is fault.Unavailable, so the
// gateway retries later.
func (s *Service) HandleWebhook(ctx context.Context, body []byte, signature string) (Outcome, error) {
	if s.d.Gateway == nil {
		return "", ErrNotConfigured
	}
	if err := s.d.Gateway.CheckSignature(body, signature); err != nil {
		return "", err
	}
	var ev event
	if err := json.Unmarshal(body, &ev); err != nil || ev.Event == "" {
		return "", ErrPayload
	}
	now := s.d.Clock.Now()
	if _, err := s.d.Payments.RecordEvent(ctx, billing.Event{
		ID: billing.EventID(body), Type: ev.Event, Reference: ev.Data.Reference, Payload: body, ReceivedAt: now,
	}); err != nil {
		return "", fmt.Errorf("store webhook: %w", err)
	}
	log := s.d.Log.With("event", ev.Event, "reference", ev.Data.Reference)
	if ev.Event != "charge.success" {
		log.InfoContext(ctx, "payment event stored")
		return Ignored, nil
	}
	pay, err := s.d.Payments.Payment(ctx, ev.Data.Reference)
	if fault.Is(err, fault.NotFound) {
		log.WarnContext(ctx, "charge for an unknown reference ignored")
		return Ignored, nil
	}
	if err != nil {
		return "", err
	}
	if pay.Status != billing.Pending {
		return Duplicate, nil
	}
	conf, err := s.d.Gateway.Verify(ctx, pay.Reference)
	if err != nil {
		return "", fmt.Errorf("verify %s: %w", pay.Reference, err)
	}
	out := Ignored
	err = s.d.Tx.WithinTx(ctx, func(ctx context.Context) error {
		out = Ignored
		_, err := s.d.Payments.UpdatePayment(ctx, pay.Reference, func(p *billing.Payment) error {
			if p.Status != billing.Pending {
				out = Duplicate
				return nil
			}
			at := now
			p.ProcessedAt = &at
			if reason, ok := p.Match(conf); !ok {
				p.Status, p.Note = billing.Rejected, reason
				return nil
			}
			p.Status, out = billing.Succeeded, Applied
			return nil
		})
		if err != nil || out != Applied {
			return err
		}
		_, err = s.d.Tiers.Extend(ctx, pay.UserID, pay.Plan, pay.Cycle)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("apply payment %s: %w", pay.Reference, err)
	}
	log.InfoContext(ctx, "charge processed", "outcome", string(out))
	return out, nil
}
