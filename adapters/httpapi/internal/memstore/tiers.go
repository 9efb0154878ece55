package memstore

import (
	"context"
	"sync"
	"time"

	"github.com/kente-gov/kente/core/billing"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/tier"
	"github.com/kente-gov/kente/ports"
)

var (
	_ ports.SubscriptionStore = (*Billing)(nil)
	_ ports.UsageStore        = (*Billing)(nil)
	_ ports.PaymentStore      = (*Billing)(nil)
)

// Billing is an in-memory fake of ports.SubscriptionStore, UsageStore and
// PaymentStore for the httpapi tests. It passes their contract suites.
type Billing struct {
	mu       sync.Mutex
	subs     map[string]tier.Subscription
	usage    map[string]int
	payments map[string]billing.Payment
	events   map[string]billing.Event
}

// NewBilling returns an empty Billing.
func NewBilling() *Billing {
	return &Billing{subs: map[string]tier.Subscription{}, usage: map[string]int{},
		payments: map[string]billing.Payment{}, events: map[string]billing.Event{}}
}

// Subscription implements ports.SubscriptionStore.
func (b *Billing) Subscription(_ context.Context, userID string) (tier.Subscription, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if s, ok := b.subs[userID]; ok {
		return s, nil
	}
	return tier.Subscription{UserID: userID}, nil
}

// UpdateSubscription implements ports.SubscriptionStore.
func (b *Billing) UpdateSubscription(_ context.Context, userID string, fn func(*tier.Subscription) error) (tier.Subscription, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	s, ok := b.subs[userID]
	if !ok {
		s = tier.Subscription{UserID: userID}
	}
	if err := fn(&s); err != nil {
		return tier.Subscription{}, err
	}
	s.UserID = userID
	s.UpdatedAt = s.UpdatedAt.UTC()
	b.subs[userID] = s
	return s, nil
}

func usageKey(userID string, day time.Time) string {
	return userID + "|" + tier.Day(day).Format(time.DateOnly)
}

// TakeMessage implements ports.UsageStore.
func (b *Billing) TakeMessage(_ context.Context, userID string, day time.Time, limit int) (int, bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	k := usageKey(userID, day)
	if limit != tier.Unlimited && b.usage[k] >= limit {
		return b.usage[k], false, nil
	}
	b.usage[k]++
	return b.usage[k], true, nil
}

// ReturnMessage implements ports.UsageStore.
func (b *Billing) ReturnMessage(_ context.Context, userID string, day time.Time) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if k := usageKey(userID, day); b.usage[k] > 0 {
		b.usage[k]--
	}
	return nil
}

// MessagesUsed implements ports.UsageStore.
func (b *Billing) MessagesUsed(_ context.Context, userID string, day time.Time) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.usage[usageKey(userID, day)], nil
}

var errPaymentNotFound = fault.New(fault.NotFound, "billing.payment_not_found", "Payment not found")

// CreatePayment implements ports.PaymentStore.
func (b *Billing) CreatePayment(_ context.Context, p billing.Payment) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.payments[p.Reference]; ok {
		return fault.New(fault.Conflict, "billing.reference_taken", "Payment reference already used")
	}
	b.payments[p.Reference] = p
	return nil
}

// Payment implements ports.PaymentStore.
func (b *Billing) Payment(_ context.Context, reference string) (billing.Payment, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	p, ok := b.payments[reference]
	if !ok {
		return billing.Payment{}, errPaymentNotFound
	}
	return p, nil
}

// UpdatePayment implements ports.PaymentStore.
func (b *Billing) UpdatePayment(_ context.Context, reference string, fn func(*billing.Payment) error) (billing.Payment, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	p, ok := b.payments[reference]
	if !ok {
		return billing.Payment{}, errPaymentNotFound
	}
	if err := fn(&p); err != nil {
		return billing.Payment{}, err
	}
	p.Reference = reference
	b.payments[reference] = p
	return p, nil
}

// RecordEvent implements ports.PaymentStore.
func (b *Billing) RecordEvent(_ context.Context, e billing.Event) (bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.events[e.ID]; ok {
		return false, nil
	}
	b.events[e.ID] = e
	return true, nil
}

// Events returns how many webhook deliveries are stored.
func (b *Billing) Events() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.events)
}
