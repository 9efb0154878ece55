package server

import (
	"crypto/rand"
	"log/slog"

	"go.uber.org/fx"

	"github.com/kente-gov/kente/adapters/paystack"
	"github.com/kente-gov/kente/adapters/ratelimit/memory"
	"github.com/kente-gov/kente/app/auditsvc"
	"github.com/kente-gov/kente/app/billingsvc"
	"github.com/kente-gov/kente/app/config"
	"github.com/kente-gov/kente/app/tiersvc"
	"github.com/kente-gov/kente/ports"
)

type tiersIn struct {
	fx.In
	Config config.Config
	Users  ports.UserStore
	Subs   ports.SubscriptionStore
	Usage  ports.UsageStore
	Limits ports.RateLimitStore
	Tx     ports.Tx
	Audit  *auditsvc.Service
	Log    *slog.Logger
}

// newTiers builds the tiers service on the configured plan data.
func newTiers(in tiersIn) *tiersvc.Service {
	return tiersvc.New(tiersvc.Deps{
		Users: in.Users, Subs: in.Subs, Usage: in.Usage, Limits: in.Limits, Tx: in.Tx, Audit: in.Audit,
		Clock: ports.SystemClock{}, Log: in.Log,
	}, in.Config.Tiers)
}

// newMemoryLimits is the standalone profile's rate-limit store.
func newMemoryLimits() ports.RateLimitStore { return memory.New() }

// newBilling builds the billing service; without KENTE_PAYSTACK_SECRET_KEY
// it has no gateway and the payment endpoints answer 503.
func newBilling(cfg config.Config, payments ports.PaymentStore, tiers *tiersvc.Service, tx ports.Tx, log *slog.Logger) (*billingsvc.Service, error) {
	d := billingsvc.Deps{Payments: payments, Tiers: tiers, Tx: tx, Clock: ports.SystemClock{}, Rand: rand.Reader, Log: log}
	if cfg.Secrets.PaystackSecretKey != "" {
		gw, err := paystack.New(paystack.Config{SecretKey: cfg.Secrets.PaystackSecretKey, BaseURL: cfg.PaystackBaseURL})
		if err != nil {
			return nil, err
		}
		d.Gateway = gw
	}
	return billingsvc.New(d, billingsvc.Options{}), nil
}
