package porttest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/billing"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/tier"
	"github.com/kente-gov/kente/ports"
)

func newPayment(userID string) billing.Payment {
	return billing.Payment{
		Reference: fmt.Sprintf("OZZY-PAY-%016x", seq.Add(1)), UserID: userID, Plan: tier.Professional,
		Cycle: tier.Monthly, Amount: 6000, Currency: "GHS", Channel: billing.MobileMoney,
		Status: billing.Pending, CreatedAt: base,
	}
}

func assertPayment(t *testing.T, want, got billing.Payment) {
	t.Helper()
	assertTime(t, want.CreatedAt, got.CreatedAt, "CreatedAt")
	assertTimePtr(t, want.ProcessedAt, got.ProcessedAt, "ProcessedAt")
	want.CreatedAt, want.ProcessedAt, got.CreatedAt, got.ProcessedAt = time.Time{}, nil, time.Time{}, nil
	assert.Equal(t, want, got)
}

// PaymentStore runs the contract of ports.PaymentStore. fresh returns empty
// stores for one subtest; a payment's user must exist.
func PaymentStore(t *testing.T, fresh func(t *testing.T) (ports.UserStore, ports.PaymentStore)) {
	ctx := context.Background()
	create := func(t *testing.T, users ports.UserStore) string {
		u := newUser()
		require.NoError(t, users.CreateUser(ctx, u))
		return u.ID
	}

	t.Run("CreateAndRead", func(t *testing.T) {
		t.Parallel()
		users, s := fresh(t)
		p := newPayment(create(t, users))
		require.NoError(t, s.CreatePayment(ctx, p))
		got, err := s.Payment(ctx, p.Reference)
		require.NoError(t, err)
		assertPayment(t, p, got)
		requireKind(t, s.CreatePayment(ctx, p), fault.Conflict)
		_, err = s.Payment(ctx, "OZZY-PAY-missing")
		requireKind(t, err, fault.NotFound)
	})

	t.Run("Update", func(t *testing.T) {
		t.Parallel()
		users, s := fresh(t)
		p := newPayment(create(t, users))
		require.NoError(t, s.CreatePayment(ctx, p))
		at := base.Add(time.Minute)
		got, err := s.UpdatePayment(ctx, p.Reference, func(q *billing.Payment) error {
			q.Status, q.ProcessedAt, q.Note = billing.Rejected, &at, "amount differs"
			return nil
		})
		require.NoError(t, err)
		want := p
		want.Status, want.ProcessedAt, want.Note = billing.Rejected, &at, "amount differs"
		assertPayment(t, want, got)
		got, err = s.Payment(ctx, p.Reference)
		require.NoError(t, err)
		assertPayment(t, want, got)

		boom := fault.New(fault.Invalid, "test.boom", "boom")
		_, err = s.UpdatePayment(ctx, p.Reference, func(q *billing.Payment) error { q.Status = billing.Succeeded; return boom })
		assert.ErrorIs(t, err, boom)
		got, _ = s.Payment(ctx, p.Reference)
		assert.Equal(t, billing.Rejected, got.Status)
		_, err = s.UpdatePayment(ctx, "OZZY-PAY-missing", func(*billing.Payment) error { return nil })
		requireKind(t, err, fault.NotFound)
	})

	t.Run("ConcurrentUpdatesSeeEachOther", func(t *testing.T) {
		t.Parallel()
		users, s := fresh(t)
		p := newPayment(create(t, users))
		require.NoError(t, s.CreatePayment(ctx, p))
		var won atomic.Int64
		var wg sync.WaitGroup
		for range 6 {
			wg.Go(func() {
				_, err := s.UpdatePayment(ctx, p.Reference, func(q *billing.Payment) error {
					if q.Status == billing.Pending {
						q.Status = billing.Succeeded
						won.Add(1)
					}
					return nil
				})
				assert.NoError(t, err)
			})
		}
		wg.Wait()
		// fn may run more than once on a retried transaction, but only one
		// committed run can see the payment pending.
		got, err := s.Payment(ctx, p.Reference)
		require.NoError(t, err)
		assert.Equal(t, billing.Succeeded, got.Status)
		assert.GreaterOrEqual(t, won.Load(), int64(1))
	})

	t.Run("RecordEventOnce", func(t *testing.T) {
		t.Parallel()
		_, s := fresh(t)
		body := []byte(fmt.Sprintf(`{"event":"charge.success","n":%d}`, seq.Add(1)))
		e := billing.Event{ID: billing.EventID(body), Type: "charge.success", Reference: "OZZY-PAY-x", Payload: body, ReceivedAt: base}
		stored, err := s.RecordEvent(ctx, e)
		require.NoError(t, err)
		assert.True(t, stored)
		stored, err = s.RecordEvent(ctx, e)
		require.NoError(t, err)
		assert.False(t, stored)
	})
}
