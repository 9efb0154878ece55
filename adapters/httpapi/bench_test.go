package httpapi_test

import (
	"crypto/rand"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/httpapi"
	"github.com/kente-gov/kente/adapters/httpapi/internal/memstore"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/test/testkit"
)

// BenchmarkProfile measures GET /api/user/profile through the whole stack
// (request ID, metrics, access log to a discarding logger, recovery, CORS,
// body limit, bearer authentication against the in-memory store, guard,
// JSON rendering).
func BenchmarkProfile(b *testing.B) {
	store := memstore.New()
	svc := newService(store, testkit.NewClock(t0))
	h, err := httpapi.New(httpapi.Deps{Identity: svc, Logger: slog.New(slog.DiscardHandler)}, httpapi.Options{})
	require.NoError(b, err)
	reg, err := svc.Register(b.Context(), identity.Registration{Email: "bench@gov.gh", FullName: "Bench Mark"}, identitysvcMeta())
	require.NoError(b, err)
	r := httptest.NewRequest(http.MethodGet, "/api/user/profile", nil)
	r.Header.Set("Authorization", "Bearer "+reg.Token)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}

type benchProfile struct {
	User struct {
		ID               string `json:"id"`
		Email            string `json:"email"`
		FullName         string `json:"fullName"`
		Department       string `json:"department"`
		Tier             string `json:"tier"`
		Role             string `json:"role"`
		ReferralCode     string `json:"referralCode"`
		TwoFactorEnabled bool   `json:"twoFactorEnabled"`
		CreatedAt        string `json:"createdAt"`
	} `json:"user"`
}

// BenchmarkBareGin is the floor: a bare gin engine answering the same JSON
// with no middleware and no authentication.
func BenchmarkBareGin(b *testing.B) {
	gin.SetMode(gin.ReleaseMode)
	g := gin.New()
	var body benchProfile
	body.User.ID = "usr_0123456789abcdef"
	body.User.Email = "bench@gov.gh"
	body.User.FullName = "Bench Mark"
	body.User.Tier = "free"
	body.User.Role = "user"
	body.User.ReferralCode = "BENCH-ABCD"
	body.User.CreatedAt = "2025-01-15T08:00:00Z"
	g.GET("/api/user/profile", func(c *gin.Context) { c.JSON(http.StatusOK, body) })
	r := httptest.NewRequest(http.MethodGet, "/api/user/profile", nil)
	r.Header.Set("Authorization", "Bearer "+rand.Text())
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		g.ServeHTTP(rec, r)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
