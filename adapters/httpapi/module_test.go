package httpapi_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/fx"

	"github.com/kente-gov/kente/adapters/httpapi"
	"github.com/kente-gov/kente/adapters/httpapi/internal/memstore"
	"github.com/kente-gov/kente/ports"
	"github.com/kente-gov/kente/test/testkit"
)

func TestModuleWires(t *testing.T) {
	store := memstore.New()
	var h http.Handler
	app := fx.New(
		fx.NopLogger,
		httpapi.Module,
		fx.Supply(newService(store, testkit.NewClock(t0)), slog.New(slog.DiscardHandler), httpapi.Options{}),
		fx.Provide(fx.Annotate(func() ports.Pinger { return pinger{name: "database"} }, fx.ResultTags(`group:"ready"`))),
		fx.Populate(&h),
	)
	require.NoError(t, app.Err())
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	assert.Equal(t, http.StatusOK, rec.Code)
}
