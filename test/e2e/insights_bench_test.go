package e2e

import (
	"bytes"
	"context"
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
	"github.com/kente-gov/kente/app/insightsvc"
	"github.com/kente-gov/kente/app/server"
	"github.com/kente-gov/kente/core/campaign"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/core/programme"
	"github.com/kente-gov/kente/ports"
)

type defaultPlans struct{}

func (defaultPlans) QuotaPlan(_ context.Context, plan string) (programme.QuotaPlan, error) {
	p, _ := programme.DefaultQuotaPlan(plan)
	return p, nil
}

// BenchmarkAIInsights measures GET /api/v1/ai/insights through the whole
// server on SQLite for a programme with 1,000 campaigns and 365 days of
// history (10 completed jobs and 10 debits a day), seeded through the
// stores. It reports p50 and p99 in ms, and the share of the service's time
// spent in the store queries (sql_%) versus the core maths (maths_%).
// Run it with: go test -tags nomsgpack ./test/e2e/ -run '^$' -bench AIInsights
func BenchmarkAIInsights(b *testing.B) {
	const campaigns, days, perDay = 1000, 365, 10
	ctx := context.Background()
	url := sqltest.URL(b, sqlstore.SQLite)
	cfg := config.Defaults()
	cfg.DatabaseURL, cfg.Addr, cfg.Hash = url, "127.0.0.1:0", identity.TestHashParams
	cfg.Secrets = config.Secrets{CodePepper: strings.Repeat("p", 40), JWTSecret: strings.Repeat("j", 40), WalletHMACKey: strings.Repeat("w", 40),
		InvoiceHMACKey: strings.Repeat("i", 40), CardHMACKey: cardKey}
	var h http.Handler
	app := fx.New(server.OptionsFor(server.ProfileOf(cfg), cfg, slog.New(slog.DiscardHandler)), fx.Populate(&h), fx.NopLogger)
	if err := app.Start(ctx); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = app.Stop(context.Background()) })
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	post := func(path string, body any, token string) map[string]any {
		raw, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", srv.URL+path, bytes.NewReader(raw))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer res.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(res.Body).Decode(&m)
		return m
	}
	post("/api/v1/auth/register", map[string]any{"email": "bench@sante.sn", "password": billingPassword, "name": "PEV Bench", "country": "SN"}, "")
	token := post("/api/v1/auth/login", map[string]any{"email": "bench@sante.sn", "password": billingPassword}, "")["access_token"].(string)

	db, err := sqlstore.Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	var programmeID string
	if err := db.Bun.NewSelect().Table("programmes").Column("id").Limit(1).Scan(ctx, &programmeID); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Bun.ExecContext(ctx, "INSERT INTO programme_modules (programme_id, module_key, status) VALUES (?, ?, ?)", programmeID, "ai_optimizer", "active"); err != nil {
		b.Fatal(err)
	}
	camps, ledger := sqlstore.NewCampaignStore(db), sqlstore.NewBillingStore(db)
	now := time.Now().UTC()
	start := now.AddDate(0, 0, -days)
	err = db.WithinTx(ctx, func(ctx context.Context) error {
		if _, err := ledger.ApplyBalanceChange(ctx, ports.BalanceChange{Entry: programme.LedgerEntry{ID: "topup", ProgrammeID: programmeID,
			Type: programme.TxTopup, AmountFCFA: 1 << 40, CreatedAt: start}}); err != nil {
			return err
		}
		for i := range campaigns {
			c := campaign.Campaign{ID: fmt.Sprintf("camp-%04d", i), ProgrammeID: programmeID, Name: fmt.Sprintf("Campagne %d", i), Type: "vaccination",
				Prefix: fmt.Sprintf("C%04d", i), Language: "fr", TemplateID: "vaccination", Status: campaign.StatusCompleted, CreatedAt: start, UpdatedAt: start}
			if err := camps.CreateCampaign(ctx, c); err != nil {
				return err
			}
		}
		for d := range days {
			for k := range perDay {
				at := start.AddDate(0, 0, d).Add(time.Duration(k) * time.Minute)
				n := int64(100 + (d*7+k*13)%400)
				done := at.Add(time.Minute)
				status := campaign.JobCompleted
				if k == 0 && d%9 == 0 {
					status = campaign.JobFailed
				}
				j := campaign.Job{ID: fmt.Sprintf("job-%03d-%02d", d, k), CampaignID: fmt.Sprintf("camp-%04d", (d*perDay+k)%campaigns), ProgrammeID: programmeID,
					Status: status, TotalCards: n, CardsGenerated: n, DPI: 300, RenderScale: 1, TotalLots: 1, CostFCFA: n * 8, QuotaConsumed: n, CreatedAt: at}
				if status == campaign.JobCompleted {
					j.CompletedAt = &done
				}
				if err := camps.CreateCardJob(ctx, j, nil); err != nil {
					return err
				}
				if _, err := ledger.ApplyBalanceChange(ctx, ports.BalanceChange{Entry: programme.LedgerEntry{ID: "tx-" + j.ID, ProgrammeID: programmeID,
					Type: programme.TxDebit, AmountFCFA: -n * 8, CardCount: n, Reference: "JOB:" + j.ID, CreatedAt: done}}); err != nil {
					return err
				}
				if err := camps.AddEngineUsage(ctx, programmeID, campaign.EngineStudioPrint, programme.BillingPeriod(at), n, at); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}

	get := func() time.Duration {
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/ai/insights", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		t0 := time.Now()
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var body map[string]any
		_ = json.NewDecoder(res.Body).Decode(&body)
		res.Body.Close()
		el := time.Since(t0)
		if res.StatusCode != 200 || len(body["card_forecast"].(map[string]any)["predictions"].([]any)) != 30 {
			b.Fatalf("GET /ai/insights: %d %v", res.StatusCode, body)
		}
		return el
	}
	get() // warm up
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		lat = append(lat, get())
	}
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50_ms")
	b.ReportMetric(pct(0.99), "p99_ms")

	// The service's time split: the store queries (Facts) versus the core
	// maths (NewInsights), on the same data.
	svc := insightsvc.New(insightsvc.Deps{Store: sqlstore.NewInsightsStore(db), Usage: camps, Programmes: sqlstore.NewProgrammeStore(db),
		Plans: defaultPlans{}, Clock: ports.SystemClock{}})
	var sqlT, mathT time.Duration
	for range 50 {
		t0 := time.Now()
		f, err := svc.Facts(ctx, programmeID, now)
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := campaign.NewInsights(f, now); err != nil {
			b.Fatal(err)
		}
		sqlT += t1.Sub(t0)
		mathT += time.Since(t1)
	}
	b.ReportMetric(100*float64(sqlT)/float64(sqlT+mathT), "sql_%")
	b.ReportMetric(100*float64(mathT)/float64(sqlT+mathT), "maths_%")
	b.ReportMetric(float64(sqlT.Microseconds())/50/1000, "sql_ms/op")
	b.ReportMetric(float64(mathT.Microseconds())/50/1000, "maths_ms/op")
}
