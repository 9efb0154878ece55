package httpapi

import (
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/fx"

	"github.com/kente-gov/kente/app/auditsvc"
	"github.com/kente-gov/kente/app/identitysvc"
	"github.com/kente-gov/kente/app/passkeysvc"
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
}

// NewFromFx adapts New to fx.
func NewFromFx(p FxParams) (http.Handler, error) {
	return New(Deps{Identity: p.Identity, Passkeys: p.Passkeys, Audit: p.Audit, Ready: p.Ready, Logger: p.Logger, Metrics: p.Metrics}, p.Options)
}
