package httpapi_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/httpapi"
	"github.com/kente-gov/kente/adapters/httpapi/internal/memstore"
	"github.com/kente-gov/kente/adapters/ratelimit/memory"
	"github.com/kente-gov/kente/app/tiersvc"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/core/ratelimit"
	"github.com/kente-gov/kente/core/tier"
	"github.com/kente-gov/kente/ports"
	"github.com/kente-gov/kente/test/testkit"
)

// BenchmarkLimiterOverhead serves the same authenticated request (GET
// /api/user/profile) without and with the rate limiter (in-memory store,
// general limit high enough never to refuse) as two sub-benchmarks of one
// run; the overhead is limited/plain.
func BenchmarkLimiterOverhead(b *testing.B) {
	store := memstore.New()
	svc := newService(store, testkit.NewClock(t0))
	reg, err := svc.Register(b.Context(), identity.Registration{Email: "bench@gov.gh", FullName: "Bench Mark"}, identitysvcMeta())
	require.NoError(b, err)
	cat := tier.DefaultCatalog()
	cat.General = ratelimit.Limit{Burst: 1 << 20, Period: time.Hour}
	bill := memstore.NewBilling()
	tiers := tiersvc.New(tiersvc.Deps{Users: store, Subs: bill, Usage: bill, Limits: memory.New(), Tx: store,
		Audit: &testkit.AuditRecorder{}, Clock: ports.SystemClock{}}, cat)
	plain, err := httpapi.New(httpapi.Deps{Identity: svc, Logger: slog.New(slog.DiscardHandler)}, httpapi.Options{})
	require.NoError(b, err)
	limited, err := httpapi.New(httpapi.Deps{Identity: svc, Tiers: tiers, Logger: slog.New(slog.DiscardHandler)}, httpapi.Options{})
	require.NoError(b, err)
	r := httptest.NewRequest(http.MethodGet, "/api/user/profile", nil)
	r.Header.Set("Authorization", "Bearer "+reg.Token)
	run := func(b *testing.B, h http.Handler) {
		b.ReportAllocs()
		for b.Loop() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
		}
	}
	b.Run("plain", func(b *testing.B) { run(b, plain) })
	b.Run("limited", func(b *testing.B) { run(b, limited) })
}
