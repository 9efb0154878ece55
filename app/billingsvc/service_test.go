package billingsvc_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/paystack"
	"github.com/kente-gov/kente/adapters/paystack/paystacktest"
	"github.com/kente-gov/kente/adapters/ratelimit/memory"
	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/app/billingsvc"
	"github.com/kente-gov/kente/app/tiersvc"
	"github.com/kente-gov/kente/core/billing"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/core/tier"
	"github.com/kente-gov/kente/ports"
	"github.com/kente-gov/kente/test/testkit"
)

var (
	ctx     = context.Background()
	t0      = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	userSeq atomic.Int64
)

type fixture struct {
	svc      *billingsvc.Service
	tiers    *tiersvc.Service
	users    *sqlstore.UserStore
	payments *sqlstore.PaymentStore
	clock    *testkit.Clock
}

// newFixture builds the services on a fresh database of d with gateway gw
// (nil: no secret key configured).
func newFixture(t *testing.T, d sqlstore.Dialect, gw ports.PaymentGateway) fixture {
	t.Helper()
	db := sqltest.Fresh(t, d)
	f := fixture{users: sqlstore.NewUserStore(db), payments: sqlstore.NewPaymentStore(db), clock: testkit.NewClock(t0)}
	f.tiers = tiersvc.New(tiersvc.Deps{
		Users: f.users, Subs: sqlstore.NewSubscriptionStore(db), Usage: sqlstore.NewUsageStore(db), Limits: memory.New(),
		Tx: db, Audit: &testkit.AuditRecorder{}, Clock: f.clock,
	}, tier.DefaultCatalog())
	f.svc = billingsvc.New(billingsvc.Deps{Gateway: gw, Payments: f.payments, Tiers: f.tiers, Tx: db, Clock: f.clock, Rand: rand.Reader}, billingsvc.Options{})
	return f
}

// paystackGateway is the real Paystack adapter against the fake API.
func paystackGateway(t *testing.T) (*paystack.Client, *paystacktest.Server) {
	t.Helper()
	api := paystacktest.New(t)
	gw, err := paystack.New(paystack.Config{SecretKey: paystacktest.SecretKey, BaseURL: api.URL})
	require.NoError(t, err)
	return gw, api
}

func (f fixture) user(t *testing.T) identity.User {
	t.Helper()
	n := userSeq.Add(1)
	u := identity.User{
		ID: fmt.Sprintf("usr_%016x", n), Email: fmt.Sprintf("payer%d@gov.gh", n), FullName: "Kofi Boateng",
		Role: identity.RoleUser, Tier: tier.Free, Status: identity.StatusActive, UserType: identity.UserTypeGovernment,
		AccessCodeKey: fmt.Sprintf("key%d", n), AccessCodeHash: "h", ReferralCode: fmt.Sprintf("KOFI-%d", n),
		CreatedAt: t0, UpdatedAt: t0,
	}
	require.NoError(t, f.users.CreateUser(ctx, u))
	return u
}

func (f fixture) standing(t *testing.T, userID string) tier.Standing {
	t.Helper()
	u, err := f.users.UserByID(ctx, userID)
	require.NoError(t, err)
	st, err := f.tiers.Standing(ctx, u)
	require.NoError(t, err)
	return st
}

func faultOf(t *testing.T, err error) *fault.Error {
	t.Helper()
	fe, ok := fault.As(err)
	require.True(t, ok, "want a fault, got %v", err)
	return fe
}

func TestCheckoutThenWebhookExtendsFromCurrentExpiry(t *testing.T) {
	gw, api := paystackGateway(t)
	f := newFixture(t, sqlstore.SQLite, gw)
	u := f.user(t)

	// Already paid until t0+10 days.
	f.clock.Set(t0.AddDate(0, 0, -20))
	_, err := f.tiers.Extend(ctx, u.ID, tier.Professional, tier.Monthly)
	require.NoError(t, err)
	f.clock.Set(t0)
	current := t0.AddDate(0, 0, 10)
	require.Equal(t, current, f.standing(t, u.ID).ExpiresAt.UTC())

	sess, err := f.svc.Initialize(ctx, u, tier.Professional, tier.Monthly, billing.MobileMoney)
	require.NoError(t, err)
	assert.Regexp(t, `^OZZY-PAY-[0-9A-F]{20}$`, sess.Reference)
	assert.Contains(t, sess.AuthorizationURL, "https://checkout.paystack.com/")
	tx, ok := api.Tx(sess.Reference)
	require.True(t, ok)
	assert.Equal(t, int64(6000), tx.Amount, "60 GHS in pesewas")
	assert.Equal(t, "GHS", tx.Currency)
	assert.Equal(t, u.Email, tx.Email)
	assert.Equal(t, []string{"mobile_money"}, tx.Channels)
	assert.Equal(t, u.ID, tx.Metadata["userId"])
	pay, err := f.payments.Payment(ctx, sess.Reference)
	require.NoError(t, err)
	assert.Equal(t, billing.Pending, pay.Status)

	require.True(t, api.Pay(sess.Reference, 0))
	body := paystacktest.ChargeSuccess(sess.Reference, 6000, "GHS", u.Email, u.ID)
	out, err := f.svc.HandleWebhook(ctx, body, paystacktest.Sign(body))
	require.NoError(t, err)
	assert.Equal(t, billingsvc.Applied, out)

	st := f.standing(t, u.ID)
	assert.Equal(t, tier.Professional, st.Tier)
	require.NotNil(t, st.ExpiresAt)
	assert.Equal(t, current.AddDate(0, 0, 30), st.ExpiresAt.UTC(), "extended from the current expiry, not from now")
	pay, err = f.payments.Payment(ctx, sess.Reference)
	require.NoError(t, err)
	assert.Equal(t, billing.Succeeded, pay.Status)

	// The same delivery again changes nothing and asks the gateway nothing.
	verifies := api.Calls("GET /transaction/verify")
	out, err = f.svc.HandleWebhook(ctx, body, paystacktest.Sign(body))
	require.NoError(t, err)
	assert.Equal(t, billingsvc.Duplicate, out)
	assert.Equal(t, current.AddDate(0, 0, 30), f.standing(t, u.ID).ExpiresAt.UTC())
	assert.Equal(t, verifies, api.Calls("GET /transaction/verify"))
}

func TestConcurrentDeliveriesApplyOnce(t *testing.T) {
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			gw, api := paystackGateway(t)
			f := newFixture(t, d, gw)
			u := f.user(t)
			sess, err := f.svc.Initialize(ctx, u, tier.Starter, tier.Yearly, "")
			require.NoError(t, err)
			require.True(t, api.Pay(sess.Reference, 0))
			body := paystacktest.ChargeSuccess(sess.Reference, 30000, "GHS", u.Email, u.ID)
			sig := paystacktest.Sign(body)

			const n = 8
			outs := make([]billingsvc.Outcome, n)
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() { outs[i], errs[i] = f.svc.HandleWebhook(ctx, body, sig) })
			}
			wg.Wait()
			applied := 0
			for i := range n {
				require.NoError(t, errs[i])
				if outs[i] == billingsvc.Applied {
					applied++
				} else {
					assert.Equal(t, billingsvc.Duplicate, outs[i])
				}
			}
			assert.Equal(t, 1, applied)
			st := f.standing(t, u.ID)
			assert.Equal(t, tier.Starter, st.Tier)
			require.NotNil(t, st.ExpiresAt)
			assert.Equal(t, t0.AddDate(0, 0, 365), st.ExpiresAt.UTC(), "one year, once")
		})
	}
}

// fixedGateway is a PaymentGateway whose verify answer is set by the test;
// it checks signatures like Paystack's.
type fixedGateway struct{ conf billing.Confirmation }

func (g *fixedGateway) Initialize(_ context.Context, c ports.Checkout) (ports.CheckoutSession, error) {
	return ports.CheckoutSession{AuthorizationURL: "https://checkout.example/" + c.Reference, Reference: c.Reference}, nil
}

func (g *fixedGateway) Verify(context.Context, string) (billing.Confirmation, error) {
	return g.conf, nil
}

func (g *fixedGateway) CheckSignature(body []byte, signature string) error {
	return billing.CheckSignature(paystacktest.SecretKey, body, signature)
}

func TestMismatchedChargeIsRejected(t *testing.T) {
	tests := []struct {
		name string
		give func(c *billing.Confirmation)
		note string
	}{
		{"amount", func(c *billing.Confirmation) { c.Amount-- }, "amount differs from the amount initialised"},
		{"currency", func(c *billing.Confirmation) { c.Currency = "NGN" }, "currency differs"},
		{"user", func(c *billing.Confirmation) { c.UserID = "usr_someone_else" }, "user differs"},
		{"reference", func(c *billing.Confirmation) { c.Reference = "OZZY-PAY-OTHER" }, "reference differs"},
		{"not successful", func(c *billing.Confirmation) { c.Success = false }, "the gateway does not report the charge as successful"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gw := &fixedGateway{}
			f := newFixture(t, sqlstore.SQLite, gw)
			u := f.user(t)
			sess, err := f.svc.Initialize(ctx, u, tier.Starter, tier.Monthly, billing.Card)
			require.NoError(t, err)
			gw.conf = billing.Confirmation{Reference: sess.Reference, Success: true, Amount: 3000, Currency: "GHS", UserID: u.ID}
			tt.give(&gw.conf)

			// The body claims the right amount and user: only the gateway's word counts.
			body := paystacktest.ChargeSuccess(sess.Reference, 3000, "GHS", u.Email, u.ID)
			out, err := f.svc.HandleWebhook(ctx, body, paystacktest.Sign(body))
			require.NoError(t, err)
			assert.Equal(t, billingsvc.Ignored, out)
			pay, err := f.payments.Payment(ctx, sess.Reference)
			require.NoError(t, err)
			assert.Equal(t, billing.Rejected, pay.Status)
			assert.Equal(t, tt.note, pay.Note)
			st := f.standing(t, u.ID)
			assert.Equal(t, tier.Free, st.Tier)
			assert.Nil(t, st.ExpiresAt)

			// A later, matching delivery cannot revive a rejected payment.
			gw.conf = billing.Confirmation{Reference: sess.Reference, Success: true, Amount: 3000, Currency: "GHS", UserID: u.ID}
			body2 := append(append([]byte(nil), body[:len(body)-1]...), []byte(` }`)...)
			out, err = f.svc.HandleWebhook(ctx, body2, paystacktest.Sign(body2))
			require.NoError(t, err)
			assert.Equal(t, billingsvc.Duplicate, out)
			assert.Equal(t, tier.Free, f.standing(t, u.ID).Tier)
		})
	}
}

func TestBadSignatureStoresNothing(t *testing.T) {
	gw, api := paystackGateway(t)
	f := newFixture(t, sqlstore.SQLite, gw)
	u := f.user(t)
	sess, err := f.svc.Initialize(ctx, u, tier.Starter, tier.Monthly, "")
	require.NoError(t, err)
	require.True(t, api.Pay(sess.Reference, 0))
	body := paystacktest.ChargeSuccess(sess.Reference, 3000, "GHS", u.Email, u.ID)

	for _, sig := range []string{"", "00", billing.Sign("sk_test_wrong_key", body), paystacktest.Sign(append(body, ' '))} {
		_, err := f.svc.HandleWebhook(ctx, body, sig)
		assert.Equal(t, fault.Unauthenticated, faultOf(t, err).Kind)
	}
	pay, err := f.payments.Payment(ctx, sess.Reference)
	require.NoError(t, err)
	assert.Equal(t, billing.Pending, pay.Status)
	assert.Equal(t, 0, api.Calls("GET /transaction/verify"))
	stored, err := f.payments.RecordEvent(ctx, billing.Event{ID: billing.EventID(body), Type: "charge.success", Reference: sess.Reference, Payload: body, ReceivedAt: t0})
	require.NoError(t, err)
	assert.True(t, stored, "the refused delivery was not stored")
	assert.Equal(t, tier.Free, f.standing(t, u.ID).Tier)
}

func TestPaymentsWithoutSecretKeyAreUnavailable(t *testing.T) {
	f := newFixture(t, sqlstore.SQLite, nil)
	u := f.user(t)
	assert.False(t, f.svc.Configured())

	_, err := f.svc.Initialize(ctx, u, tier.Starter, tier.Monthly, "")
	fe := faultOf(t, err)
	assert.Equal(t, fault.Unavailable, fe.Kind, "503")
	assert.Equal(t, "billing.not_configured", fe.Code)
	body := paystacktest.ChargeSuccess("OZZY-PAY-X", 3000, "GHS", u.Email, u.ID)
	_, err = f.svc.HandleWebhook(ctx, body, paystacktest.Sign(body))
	assert.Equal(t, fault.Unavailable, faultOf(t, err).Kind)

	// Everything else still works.
	st, err := f.tiers.StartTrial(ctx, u, "")
	require.NoError(t, err)
	assert.Equal(t, tier.Professional, st.Tier)
}

func TestInitializeValidatesFields(t *testing.T) {
	gw, _ := paystackGateway(t)
	f := newFixture(t, sqlstore.SQLite, gw)
	u := f.user(t)
	tests := []struct {
		name    string
		plan    string
		cycle   tier.Cycle
		channel billing.Channel
		field   string
	}{
		{"free plan", tier.Free, tier.Monthly, "", "plan"},
		{"unknown plan", "gold", tier.Monthly, "", "plan"},
		{"cycle", tier.Starter, "weekly", "", "billingCycle"},
		{"channel", tier.Starter, tier.Monthly, "cheque", "channel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.svc.Initialize(ctx, u, tt.plan, tt.cycle, tt.channel)
			fe := faultOf(t, err)
			assert.Equal(t, fault.Invalid, fe.Kind)
			assert.Equal(t, tt.field, fe.Field)
		})
	}
}
