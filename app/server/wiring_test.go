package server_test

import (
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/fx"

	"github.com/kente-gov/kente/app/auditsvc"
	"github.com/kente-gov/kente/app/billingsvc"
	"github.com/kente-gov/kente/app/billingv1svc"
	"github.com/kente-gov/kente/app/campaignsvc"
	"github.com/kente-gov/kente/app/chatsvc"
	"github.com/kente-gov/kente/app/config"
	"github.com/kente-gov/kente/app/geosvc"
	"github.com/kente-gov/kente/app/identitysvc"
	"github.com/kente-gov/kente/app/insightsvc"
	"github.com/kente-gov/kente/app/mpisvc"
	"github.com/kente-gov/kente/app/passkeysvc"
	"github.com/kente-gov/kente/app/programmesvc"
	"github.com/kente-gov/kente/app/server"
	"github.com/kente-gov/kente/app/tiersvc"
	"github.com/kente-gov/kente/app/walletsvc"
	"github.com/kente-gov/kente/core/identity"
)

// TestEveryServiceIsWired builds the standalone graph on SQLite and asks it
// for every context's service. The HTTP adapter takes services as optional
// (a route of an absent service answers 503), so without this test a
// constructor whose dependency is missing would silently switch a whole
// context off instead of failing start-up.
func TestEveryServiceIsWired(t *testing.T) {
	cfg := config.Defaults()
	cfg.DatabaseURL = "sqlite://" + filepath.Join(t.TempDir(), "wiring.db")
	cfg.Addr = "127.0.0.1:0"
	cfg.Hash = identity.TestHashParams
	cfg.Secrets = config.Secrets{
		CodePepper: strings.Repeat("p", 40), JWTSecret: strings.Repeat("j", 40),
		WalletHMACKey: strings.Repeat("w", 40), InvoiceHMACKey: strings.Repeat("i", 40), CardHMACKey: strings.Repeat("c", 40),
	}
	var (
		identitySvc *identitysvc.Service
		audit       *auditsvc.Service
		passkeys    *passkeysvc.Service
		programmes  *programmesvc.Service
		tiers       *tiersvc.Service
		payments    *billingsvc.Service
		billingV1   *billingv1svc.Service
		mpi         *mpisvc.Service
		wallet      *walletsvc.Service
		chat        *chatsvc.Service
		campaigns   *campaignsvc.Service
		geoSvc      *geosvc.Service
		insights    *insightsvc.Service
	)
	app := fx.New(server.OptionsFor(server.ProfileStandalone, cfg, slog.New(slog.DiscardHandler)), fx.NopLogger,
		fx.Populate(&identitySvc, &audit, &passkeys, &programmes, &tiers, &payments, &billingV1, &mpi, &wallet, &chat, &campaigns, &geoSvc, &insights))
	require.NoError(t, app.Err())
	for name, v := range map[string]any{
		"identity": identitySvc, "audit": audit, "passkeys": passkeys, "programmes": programmes, "tiers": tiers,
		"payments": payments, "billing v1": billingV1, "mpi": mpi, "wallet": wallet, "chat": chat, "campaigns": campaigns,
		"geo": geoSvc, "insights": insights,
	} {
		require.NotNil(t, v, "%s service is not built", name)
	}
}
