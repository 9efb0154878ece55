package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/fx"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/app/config"
	"github.com/kente-gov/kente/app/server"
	"github.com/kente-gov/kente/core/campaign"
	"github.com/kente-gov/kente/core/identity"
)

// benchCall sends one request to h and returns the status and body.
func benchCall(b *testing.B, h http.Handler, method, path, token string, body any) (int, []byte) {
	b.Helper()
	var rd *bytes.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			b.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	} else {
		rd = bytes.NewReader(nil)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w.Code, w.Body.Bytes()
}

// seedGeoBench stores, for programmeID, n campaigns spread over the map's
// region keys (by region code and by prefix), each with a completed job
// of 20 cards and a failed one, and 2n distribution events.
func seedGeoBench(b *testing.B, url, programmeID string, n int) {
	b.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	st := sqlstore.NewCampaignStore(db)
	keys := []string{"DKR", "SN", "THS", "ZIG", "DIO", "SL", "MAT", "LOU", "KED", "KAO"}
	at := time.Now().Add(-time.Hour).UTC()
	target := int64(400)
	var events []campaign.DistributionEvent
	for i := range n {
		key := keys[i%len(keys)]
		c := campaign.Campaign{ID: fmt.Sprintf("bench-c-%05d", i), ProgrammeID: programmeID, Name: "Bench", Type: "vaccination",
			Prefix: fmt.Sprintf("%s%d", key, i), Language: "fr", Status: campaign.StatusCompleted, // unique, starts with the key
			TargetPopulation: &target, CreatedAt: at, UpdatedAt: at}
		if i%2 == 0 {
			c.RegionCode = key
		}
		if err := st.CreateCampaign(ctx, c); err != nil {
			b.Fatal(err)
		}
		for k, status := range []campaign.JobStatus{campaign.JobCompleted, campaign.JobFailed} {
			j := campaign.Job{ID: fmt.Sprintf("bench-j-%05d-%d", i, k), CampaignID: c.ID, ProgrammeID: programmeID, Status: status,
				TotalCards: 20, DPI: 300, RenderScale: 1, TotalLots: 1, CreatedAt: at}
			if status == campaign.JobCompleted {
				j.CardsGenerated = 20
			}
			if err := st.CreateCardJob(ctx, j, nil); err != nil {
				b.Fatal(err)
			}
			if status != campaign.JobCompleted {
				continue
			}
			cards := make([]campaign.Card, 20)
			for r := range cards {
				ref, err := campaign.NewRef(rand.Reader)
				if err != nil {
					b.Fatal(err)
				}
				code := campaign.CardCode(c.Prefix, ref)
				cards[r] = campaign.Card{Code: code, Ref: ref, JobID: j.ID, CampaignID: c.ID, ProgrammeID: programmeID, Row: r,
					BeneficiaryID: fmt.Sprintf("B%d", r), TokenHash: campaign.Hash(code), Status: campaign.CardValid, IssuedAt: at}
			}
			if err := st.AddCards(ctx, cards); err != nil {
				b.Fatal(err)
			}
		}
		for k, typ := range []string{"delivered", "failed"} {
			events = append(events, campaign.DistributionEvent{ID: fmt.Sprintf("bench-e-%05d-%d", i, k), ProgrammeID: programmeID,
				ClientEventID: fmt.Sprintf("bench-%d-%d", i, k), Region: key, Channel: "sms", EventType: typ, Count: int64(1 + (i+k)%9), CreatedAt: at})
		}
	}
	if _, err := st.AddDistributionEvents(ctx, events); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Bun.ExecContext(ctx, "INSERT INTO programme_modules (programme_id, module_key, status) VALUES (?, ?, ?)",
		programmeID, "geo_command_center", "active"); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkGeoRegions1000 serves GET /api/v1/geo/regions and GET
// /api/v1/geo/heatmap through the whole handler (JWT auth, module check,
// SQL aggregation, core maths, JSON) for a programme of 1,000 campaigns,
// 2,000 jobs, 20,000 cards and 2,000 distribution events on SQLite, and
// reports p50 and p99 latencies.
func BenchmarkGeoRegions1000(b *testing.B) {
	url := sqltest.URL(b, sqlstore.SQLite)
	cfg := config.Defaults()
	cfg.DatabaseURL, cfg.Addr, cfg.Hash = url, "127.0.0.1:0", identity.TestHashParams
	cfg.Secrets = config.Secrets{CodePepper: strings.Repeat("p", 40), JWTSecret: strings.Repeat("j", 40),
		WalletHMACKey: strings.Repeat("w", 40), InvoiceHMACKey: strings.Repeat("i", 40), CardHMACKey: cardKey}
	var h http.Handler
	app := fx.New(server.OptionsFor(server.ProfileOf(cfg), cfg, slog.New(slog.DiscardHandler)), fx.Populate(&h), fx.NopLogger)
	if err := app.Err(); err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := app.Start(ctx); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = app.Stop(context.Background()) })

	status, body := benchCall(b, h, "POST", "/api/v1/auth/register", "", map[string]any{"email": "bench.geo@sante.sn", "password": v1Password, "name": "Bench Geo", "country": "SN"})
	if status != http.StatusCreated {
		b.Fatalf("register: %d %s", status, body)
	}
	var reg map[string]any
	_ = json.Unmarshal(body, &reg)
	seedGeoBench(b, url, reg["id"].(string), 1000)
	status, body = benchCall(b, h, "POST", "/api/v1/auth/login", "", map[string]any{"email": "bench.geo@sante.sn", "password": v1Password})
	if status != http.StatusOK {
		b.Fatalf("login: %d %s", status, body)
	}
	var login map[string]any
	_ = json.Unmarshal(body, &login)
	tok := login["access_token"].(string)

	for _, path := range []string{"/api/v1/geo/regions", "/api/v1/geo/heatmap?metric=risk_score"} {
		b.Run(path, func(b *testing.B) {
			status, body := benchCall(b, h, "GET", path, tok, nil)
			if status != http.StatusOK {
				b.Fatalf("%d %s", status, body)
			}
			if path == "/api/v1/geo/regions" {
				var out struct {
					Count   int `json:"count"`
					Regions []struct {
						Campaigns int `json:"campaigns_count"`
						Cards     int `json:"cards_generated"`
					} `json:"regions"`
				}
				_ = json.Unmarshal(body, &out)
				sum, cards := 0, 0
				for _, r := range out.Regions {
					sum += r.Campaigns
					cards += r.Cards
				}
				// Nine regions: SN and DKR are both Dakar.
				if out.Count != 9 || sum != 1000 || cards != 20_000 {
					b.Fatalf("unexpected figures: %d regions, %d campaigns, %d cards", out.Count, sum, cards)
				}
			}
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				status, _ := benchCall(b, h, "GET", path, tok, nil)
				lat = append(lat, time.Since(start))
				if status != http.StatusOK {
					b.Fatalf("status %d", status)
				}
			}
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[min(len(lat)-1, len(lat)*99/100)].Microseconds())/1000, "p99-ms")
		})
	}
}
