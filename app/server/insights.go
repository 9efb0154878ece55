package server

import (
	"log/slog"

	"go.uber.org/fx"

	"github.com/kente-gov/kente/app/billingv1svc"
	"github.com/kente-gov/kente/app/insightsvc"
	"github.com/kente-gov/kente/ports"
)

type insightsIn struct {
	fx.In
	Store      ports.InsightsStore
	Usage      ports.EngineUsageStore
	Programmes ports.ProgrammeStore
	BillingV1  *billingv1svc.Service `optional:"true"`
	Clock      ports.Clock           `optional:"true"` // tests supply a fake; the system clock otherwise
	Log        *slog.Logger
}

// newInsights builds the AI optimizer and analytics service. It reads the
// plans' quotas through the Oomus billing service; without it (a config
// that skipped ResolveSecrets) it returns nil and the /api/v1/ai and
// /api/v1/analytics routes answer 503.
func newInsights(in insightsIn) *insightsvc.Service {
	if in.BillingV1 == nil {
		in.Log.Warn("the /api/v1 billing service is missing: the AI optimizer and analytics routes answer 503")
		return nil
	}
	clock := in.Clock
	if clock == nil {
		clock = ports.SystemClock{}
	}
	return insightsvc.New(insightsvc.Deps{Store: in.Store, Usage: in.Usage, Programmes: in.Programmes, Plans: in.BillingV1, Clock: clock})
}
