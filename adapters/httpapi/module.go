package httpapi

import (
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/fx"

	"github.com/kente-gov/kente/app/auditsvc"
	"github.com/kente-gov/kente/app/billingsvc"
	"github.com/kente-gov/kente/app/billingv1svc"
	"github.com/kente-gov/kente/app/campaignsvc"
	"github.com/kente-gov/kente/app/chatsvc"
	"github.com/kente-gov/kente/app/geosvc"
	"github.com/kente-gov/kente/app/identitysvc"
	"github.com/kente-gov/kente/app/insightsvc"
	"github.com/kente-gov/kente/app/mpisvc"
	"github.com/kente-gov/kente/app/passkeysvc"
	"github.com/kente-gov/kente/app/programmesvc"
	"github.com/kente-gov/kente/app/tiersvc"
	"github.com/kente-gov/kente/app/walletsvc"
	"github.com/kente-gov/kente/ports"
)

// Module provides the HTTP handler to an fx application. It needs an
// *identitysvc.Service, a *slog.Logger, an Options value, and optionally a
// *prometheus.Registry, an *auditsvc.Service (without it the audit routes
// answer 503) and ports.Pinger values in the "ready" group.
var Module = fx.Module("httpapi", fx.Provide(NewFromFx))

// FxParams are NewFromFx's inputs from the container.
type FxParams struct {
	fx.In

	Identity *identitysvc.Service
	Audit    *auditsvc.Service `optional:"true"`
	Ready    []ports.Pinger    `group:"ready"`
	Logger   *slog.Logger
	Metrics  *prometheus.Registry `optional:"true"`
	Options  Options

	Passkeys *passkeysvc.Service `optional:"true"`

	Programmes *programmesvc.Service `optional:"true"`

	Tiers   *tiersvc.Service    `optional:"true"`
	Billing *billingsvc.Service `optional:"true"`

	MPI *mpisvc.Service `optional:"true"`

	Wallet *walletsvc.Service `optional:"true"`

	BillingV1 *billingv1svc.Service `optional:"true"`

	Chat *chatsvc.Service `optional:"true"`

	Campaigns *campaignsvc.Service `optional:"true"`

	Insights *insightsvc.Service `optional:"true"`

	Geo *geosvc.Service `optional:"true"`
}

// NewFromFx adapts New to fx.
func NewFromFx(p FxParams) (http.Handler, error) {
	return New(Deps{Identity: p.Identity, Passkeys: p.Passkeys, Programmes: p.Programmes, Tiers: p.Tiers, Billing: p.Billing, MPI: p.MPI, Wallet: p.Wallet, BillingV1: p.BillingV1, Chat: p.Chat, Campaigns: p.Campaigns, Insights: p.Insights, Geo: p.Geo, Audit: p.Audit, Ready: p.Ready, Logger: p.Logger, Metrics: p.Metrics}, p.Options)
}
