package ports

import (
	"context"
	"time"

	"github.com/kente-gov/kente/core/billing"
	"github.com/kente-gov/kente/core/ratelimit"
	"github.com/kente-gov/kente/core/tier"
)

// RateLimitStore keeps GCRA state (core/ratelimit) per key where every
// server instance sees it. Each Take is atomic: concurrent calls for one
// key, from any instance, never admit more than ratelimit.Check would for
// the same calls in some serial order.
type RateLimitStore interface {
	// Take applies ratelimit.Check for key at now with cost (0 only
	// inspects) and stores the new state. The store may forget a key once
	// its limit has fully refilled. An unreachable store is
	// fault.Unavailable.
	Take(ctx context.Context, key string, limit ratelimit.Limit, cost int, now time.Time) (ratelimit.Result, error)
}

// SubscriptionStore keeps each user's subscription (core/tier), apart from
// the account. It takes part in the transaction of a ctx from Tx.WithinTx.
type SubscriptionStore interface {
	// Subscription returns userID's subscription; the zero value with
	// UserID set when none is stored.
	Subscription(ctx context.Context, userID string) (tier.Subscription, error)
	// UpdateSubscription loads userID's subscription (the zero value with
	// UserID set when there is none), applies fn and stores the result
	// atomically: concurrent updates of one user are serialised. fn's error
	// aborts with nothing written; fn may run more than once.
	UpdateSubscription(ctx context.Context, userID string, fn func(*tier.Subscription) error) (tier.Subscription, error)
}

// UsageStore counts the messages each user sends per UTC day, durably.
type UsageStore interface {
	// TakeMessage counts one message for userID on day (a UTC midnight) if
	// fewer than limit are counted (limit tier.Unlimited: always), and
	// returns the count after the call and whether it was taken. Concurrent
	// calls never count past limit.
	TakeMessage(ctx context.Context, userID string, day time.Time, limit int) (used int, ok bool, err error)
	// ReturnMessage gives one counted message back (a message that was not
	// processed); the count never goes below zero.
	ReturnMessage(ctx context.Context, userID string, day time.Time) error
	// MessagesUsed returns userID's count on day; 0 when none.
	MessagesUsed(ctx context.Context, userID string, day time.Time) (int, error)
}

// PaymentStore keeps checkout attempts and webhook deliveries. It takes
// part in the transaction of a ctx from Tx.WithinTx.
type PaymentStore interface {
	// CreatePayment stores a new payment; a taken reference is
	// fault.Conflict.
	CreatePayment(ctx context.Context, p billing.Payment) error
	// Payment returns the payment of reference; fault.NotFound when absent.
	Payment(ctx context.Context, reference string) (billing.Payment, error)
	// UpdatePayment loads the payment of reference with its row locked,
	// applies fn and stores the result; fn's error aborts with nothing
	// written. fault.NotFound when absent.
	UpdatePayment(ctx context.Context, reference string, fn func(*billing.Payment) error) (billing.Payment, error)
	// RecordEvent stores a webhook delivery; stored is false when an event
	// with its ID was stored before (nothing changes).
	RecordEvent(ctx context.Context, e billing.Event) (stored bool, err error)
}

// Checkout is what a payment gateway needs to start a payment.
type Checkout struct {
	Email     string
	Amount    int64 // minor unit (pesewas)
	Currency  string
	Reference string
	Channels  []billing.Channel // empty: every channel the gateway offers
	// CallbackURL is where the gateway sends the customer afterwards;
	// empty: the gateway's default.
	CallbackURL string
	Metadata    map[string]string
}

// CheckoutSession is a started payment.
type CheckoutSession struct {
	AuthorizationURL string
	AccessCode       string
	Reference        string
}

// PaymentGateway starts and confirms payments and authenticates its
// webhooks. Gateway outages are fault.Unavailable; a refused request
// fault.Invalid.
type PaymentGateway interface {
	// Initialize starts a checkout.
	Initialize(ctx context.Context, c Checkout) (CheckoutSession, error)
	// Verify asks the gateway what happened to reference;
	// fault.NotFound when it does not know it.
	Verify(ctx context.Context, reference string) (billing.Confirmation, error)
	// CheckSignature authenticates a raw webhook body against its
	// signature header; billing.ErrBadSignature (fault.Unauthenticated)
	// when it does not match.
	CheckSignature(body []byte, signature string) error
}
