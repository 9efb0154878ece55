package e2e

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/app/campaignsvc"
	"github.com/kente-gov/kente/core/campaign"
	"github.com/kente-gov/kente/core/job"
	"github.com/kente-gov/kente/core/programme"
	"github.com/kente-gov/kente/ports"
	"github.com/kente-gov/kente/test/testkit"
)

// noBilling stands in for billing: the benchmark generates cards only.
type noBilling struct{}

func (noBilling) QuotaPlan(context.Context, string) (programme.QuotaPlan, error) {
	p, _ := programme.DefaultQuotaPlan(programme.PlanStarter)
	return p, nil
}

func (noBilling) Charge(context.Context, campaignsvc.Actor, int64, int64, string, string) error {
	return nil
}

// BenchmarkCardGeneration10k runs the worker (codes, QR tokens, lots with
// progress, manifest and signed registry) on a 10,000-beneficiary job per
// database and reports cards generated per second; the Oomus target is 100
// cards in under 60 s (≈1.7 cards/s).
func BenchmarkCardGeneration10k(b *testing.B) {
	const n = 10_000
	for _, d := range sqltest.Dialects() {
		b.Run(string(d), func(b *testing.B) {
			db := sqltest.Fresh(b, d)
			st := sqlstore.NewCampaignStore(db)
			svc := campaignsvc.New(campaignsvc.Deps{Campaigns: st, Jobs: st, Cards: st, Usage: st, Distribution: st,
				Programmes: sqlstore.NewProgrammeStore(db), Ledger: sqlstore.NewBillingStore(db), Billing: noBilling{},
				Queue: sqlstore.NewJobQueue(db), Tx: db, Audit: &testkit.AuditRecorder{}, Clock: ports.SystemClock{}, Rand: rand.Reader},
				campaignsvc.Options{CardKey: []byte(cardKey)})
			ctx := context.Background()
			rows := make([]campaign.Beneficiary, n)
			for i := range rows {
				rows[i] = campaign.Beneficiary{FirstName: "Aminata", LastName: fmt.Sprintf("Diop%d", i), DateOfBirth: "1991-03-04", BeneficiaryID: fmt.Sprintf("BEN-%05d", i)}
			}
			var total time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				prefix := fmt.Sprintf("B%05d", i)
				c := campaign.Campaign{ID: "camp-" + prefix, ProgrammeID: "p1", Name: "Bench", Type: "vaccination", Prefix: prefix, Language: "fr",
					TemplateID: "vaccination", Status: campaign.StatusDraft, CreatedAt: time.Now(), UpdatedAt: time.Now()}
				if err := st.CreateCampaign(ctx, c); err != nil {
					b.Fatal(err)
				}
				j := campaign.Job{ID: "job-" + prefix, CampaignID: c.ID, ProgrammeID: "p1", Status: campaign.JobPending, TotalCards: n, DPI: 300,
					RenderScale: 1, TotalLots: campaign.Lots(n), QuotaConsumed: n, CreatedAt: time.Now()}
				if err := st.CreateCardJob(ctx, j, rows); err != nil {
					b.Fatal(err)
				}
				payload, _ := json.Marshal(map[string]string{"card_job_id": j.ID})
				b.StartTimer()
				start := time.Now()
				if err := svc.Generate(ctx, job.Job{Kind: campaignsvc.GenerateKind, Payload: payload, Attempt: 1, MaxAttempts: 5}); err != nil {
					b.Fatal(err)
				}
				total += time.Since(start)
				b.StopTimer()
				got, err := st.CardJob(ctx, j.ID)
				if err != nil || got.Status != campaign.JobCompleted || got.CardsGenerated != n {
					b.Fatalf("job %+v: %v", got, err)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(n*b.N)/total.Seconds(), "cards/s")
			b.ReportMetric(total.Seconds()/float64(n*b.N)*100, "s/100cards")
		})
	}
}
