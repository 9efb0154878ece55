package campaignsvc_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/app/campaignsvc"
	"github.com/kente-gov/kente/core/campaign"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/job"
	"github.com/kente-gov/kente/core/programme"
	"github.com/kente-gov/kente/ports"
	"github.com/kente-gov/kente/test/testkit"
)

var ctx = context.Background()

var start = time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)

// stubBilling serves a plan with a card quota of 5 at 10 FCFA per card and
// records charges (the real debit is tested through the API in test/e2e).
type stubBilling struct {
	quota   int64 // 5 when 0
	charged []int64
}

func (b *stubBilling) QuotaPlan(context.Context, string) (programme.QuotaPlan, error) {
	p, _ := programme.DefaultQuotaPlan(programme.PlanStarter)
	p.StudioPrintQuota, p.SPPricePerCard = 5, 10
	if b.quota != 0 {
		p.StudioPrintQuota = b.quota
	}
	return p, nil
}

func (b *stubBilling) Charge(_ context.Context, _ campaignsvc.Actor, amount, _ int64, _, _ string) error {
	b.charged = append(b.charged, amount)
	return nil
}

// flakyJobs fails reading a job's input while fail is set.
type flakyJobs struct {
	ports.CardJobStore
	fail bool
}

func (f *flakyJobs) Beneficiaries(ctx context.Context, jobID string, from, n int) ([]campaign.Beneficiary, error) {
	if f.fail {
		return nil, errors.New("disk on fire")
	}
	return f.CardJobStore.Beneficiaries(ctx, jobID, from, n)
}

type fixture struct {
	svc     *campaignsvc.Service
	clock   *testkit.Clock
	store   *sqlstore.CampaignStore
	ledger  *sqlstore.BillingStore
	queue   *sqlstore.JobQueue
	jobs    *flakyJobs
	billing *stubBilling
	actor   campaignsvc.Actor
}

func newFixture(t *testing.T, d sqlstore.Dialect) fixture { return newFixtureWith(t, d, nil) }

// newFixtureWith is newFixture with the service's region map set.
func newFixtureWith(t *testing.T, d sqlstore.Dialect, regions map[string]string) fixture {
	db := sqltest.Fresh(t, d)
	f := fixture{clock: testkit.NewClock(start), store: sqlstore.NewCampaignStore(db), ledger: sqlstore.NewBillingStore(db),
		queue: sqlstore.NewJobQueue(db), billing: &stubBilling{}}
	f.jobs = &flakyJobs{CardJobStore: f.store}
	progs := sqlstore.NewProgrammeStore(db)
	id, err := programme.NewUUID(rand.Reader)
	require.NoError(t, err)
	require.NoError(t, progs.CreateProgramme(ctx, programme.Programme{ID: id, Email: id[:8] + "@sante.sn", Name: "PEV", Country: "SN",
		Currency: "XOF", Plan: programme.PlanStarter, Status: programme.StatusActive, CreatedAt: start, UpdatedAt: start}))
	f.actor = campaignsvc.Actor{ProgrammeID: id, UserID: "u1", Role: programme.RoleProgrammeAdmin}
	f.svc = campaignsvc.New(campaignsvc.Deps{Campaigns: f.store, Jobs: f.jobs, Cards: f.store, Usage: f.store, Distribution: f.store,
		Programmes: progs, Ledger: f.ledger, Billing: f.billing, Queue: f.queue, Tx: db, Audit: &testkit.AuditRecorder{},
		Clock: f.clock, Rand: rand.Reader}, campaignsvc.Options{CardKey: []byte("0123456789abcdef0123"), Regions: regions})
	return f
}

func rows(n int) []campaign.Beneficiary {
	out := make([]campaign.Beneficiary, n)
	for i := range out {
		out[i] = campaign.Beneficiary{FirstName: "Awa", LastName: "Sarr", DateOfBirth: "2001-02-03", BeneficiaryID: fmt.Sprintf("B%d", i)}
	}
	return out
}

func (f fixture) campaign(t *testing.T, prefix string) campaign.Campaign {
	c, err := f.svc.CreateCampaign(ctx, f.actor, campaignsvc.CampaignInput{Name: "Campagne " + prefix, Type: "vaccination", Prefix: prefix})
	require.NoError(t, err)
	return c
}

// claim takes the job's queue entry as a worker would.
func (f fixture) claim(t *testing.T) job.Job {
	js, err := f.queue.Claim(ctx, "w1", []string{campaignsvc.GenerateKind}, 1, f.clock.Now(), time.Minute)
	require.NoError(t, err)
	require.Len(t, js, 1)
	return js[0]
}

func TestQuotaIsMonthly(t *testing.T) {
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d)
			c := f.campaign(t, "DKR-VAC")
			_, err := f.svc.CreateJob(ctx, f.actor, c.ID, campaignsvc.JobInput{Beneficiaries: rows(5)})
			require.NoError(t, err)
			_, err = f.svc.CreateJob(ctx, f.actor, c.ID, campaignsvc.JobInput{Beneficiaries: rows(1)})
			fe, ok := fault.As(err)
			require.True(t, ok, "%v", err)
			assert.Equal(t, fault.PaymentRequired, fe.Kind)
			assert.Equal(t, int64(10), fe.Extra["expected_cost_fcfa"])
			assert.Equal(t, int64(0), fe.Extra["balance_fcfa"])

			f.clock.Set(time.Date(2026, 12, 1, 0, 0, 1, 0, time.UTC)) // a new month: a fresh quota
			j, err := f.svc.CreateJob(ctx, f.actor, c.ID, campaignsvc.JobInput{Beneficiaries: rows(5)})
			require.NoError(t, err)
			assert.Equal(t, int64(0), j.CostFCFA)
			assert.Empty(t, f.billing.charged)
			recs, err := f.store.EngineUsage(ctx, f.actor.ProgrammeID, "2026-12")
			require.NoError(t, err)
			require.Len(t, recs, 1)
			assert.Equal(t, int64(5), recs[0].CardsGenerated)
		})
	}
}

func TestWorkerProgressAndFailureRefund(t *testing.T) {
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d)
			c := f.campaign(t, "THS-NUT")
			created, err := f.svc.CreateJob(ctx, f.actor, c.ID, campaignsvc.JobInput{Beneficiaries: rows(3)})
			require.NoError(t, err)

			// An attempt that fails leaves the job to the queue's retry.
			f.jobs.fail = true
			q := f.claim(t)
			require.Equal(t, created.QueueJobID, q.ID)
			err = f.svc.Generate(ctx, q)
			require.Error(t, err)
			j, err := f.store.CardJob(ctx, created.ID)
			require.NoError(t, err)
			assert.Equal(t, campaign.JobGenerating, j.Status)
			assert.Equal(t, int64(0), j.QuotaRefunded)
			assert.True(t, j.StartedAt.Equal(start))

			// The last attempt fails the job and refunds it.
			f.clock.Add(time.Minute)
			q.Attempt = q.MaxAttempts
			require.Error(t, f.svc.Generate(ctx, q))
			j, err = f.store.CardJob(ctx, created.ID)
			require.NoError(t, err)
			assert.Equal(t, campaign.JobFailed, j.Status)
			assert.Equal(t, int64(3), j.QuotaRefunded)
			require.NotNil(t, j.FailedAt)
			assert.True(t, j.FailedAt.Equal(start.Add(time.Minute)))
			entries, total, err := f.ledger.LedgerEntries(ctx, f.actor.ProgrammeID, programme.TxRefund, 10, 0)
			require.NoError(t, err)
			require.Equal(t, 1, total)
			assert.Equal(t, int64(3), entries[0].CardCount)
			assert.Equal(t, "JOB:"+j.ID, entries[0].Reference)
			recs, err := f.store.EngineUsage(ctx, f.actor.ProgrammeID, "2026-11")
			require.NoError(t, err)
			assert.Equal(t, int64(0), recs[0].CardsGenerated, "the quota came back")

			// Running it again changes nothing (handlers may run twice).
			f.jobs.fail = false
			require.NoError(t, f.svc.Generate(ctx, q))
			again, err := f.store.CardJob(ctx, created.ID)
			require.NoError(t, err)
			assert.Equal(t, j, again)
		})
	}
}

func TestWorkerCompletesWithMeasuredWork(t *testing.T) {
	f := newFixture(t, sqlstore.SQLite)
	f.billing.quota = 10_000
	c := f.campaign(t, "KDG-VAC")
	created, err := f.svc.CreateJob(ctx, f.actor, c.ID, campaignsvc.JobInput{Beneficiaries: rows(campaign.LotSize + 7)})
	require.NoError(t, err)
	assert.Equal(t, 2, created.TotalLots)
	assert.Equal(t, int64(305), created.ETASeconds, "507 cards at the 100-per-60-s target (304.2 s, rounded up) before any measure")
	q := f.claim(t)
	require.NoError(t, f.svc.Generate(ctx, q))
	j, err := f.store.CardJob(ctx, created.ID)
	require.NoError(t, err)
	assert.Equal(t, campaign.JobCompleted, j.Status)
	assert.Equal(t, int64(campaign.LotSize+7), j.CardsGenerated)
	assert.Equal(t, 100, j.Progress)
	assert.Equal(t, int64(0), j.ETASeconds)
	require.NotNil(t, j.CompletedAt)
	assert.True(t, j.CompletedAt.Equal(start))
	camp, _, err := f.svc.Campaign(ctx, f.actor, c.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(campaign.LotSize+7), camp.TotalCards)
	assert.Equal(t, campaign.StatusCompleted, camp.Status)
	raw, err := f.svc.Artifact(ctx, f.actor, j.ID, campaignsvc.ArtifactManifest)
	require.NoError(t, err)
	var m campaign.Manifest
	require.NoError(t, json.Unmarshal(raw, &m))
	assert.Equal(t, campaign.LotSize+7, m.TotalCards)
	assert.Equal(t, start.Format(time.RFC3339), m.GeneratedAt)

	// Cancelling a completed job is refused.
	_, err = f.svc.CancelJob(ctx, f.actor, j.ID)
	assert.True(t, fault.Is(err, fault.Conflict))
	// Another programme sees nothing.
	_, err = f.svc.Job(ctx, campaignsvc.Actor{ProgrammeID: "other"}, j.ID)
	assert.True(t, fault.Is(err, fault.NotFound))
}

// TestConcurrentLaunchesShareTheQuota launches eight one-card jobs at once
// against a quota of 5 and no balance: exactly five fit, the others are
// refused, and the month's usage says 5 (the launches take turns on the
// programme's row, so none is priced against a stale usage figure).
func TestConcurrentLaunchesShareTheQuota(t *testing.T) {
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d)
			c := f.campaign(t, "SLT-VAC")
			const launches = 8
			errs := make(chan error, launches)
			var wg sync.WaitGroup
			for range launches {
				wg.Go(func() {
					_, err := f.svc.CreateJob(ctx, f.actor, c.ID, campaignsvc.JobInput{Beneficiaries: rows(1)})
					errs <- err
				})
			}
			wg.Wait()
			close(errs)
			ok, refused := 0, 0
			for err := range errs {
				if err == nil {
					ok++
					continue
				}
				fe, isFault := fault.As(err)
				require.True(t, isFault, "%v", err)
				require.Equal(t, fault.PaymentRequired, fe.Kind, "%v", err)
				refused++
			}
			assert.Equal(t, 5, ok)
			assert.Equal(t, launches-5, refused)
			recs, err := f.store.EngineUsage(ctx, f.actor.ProgrammeID, "2026-11")
			require.NoError(t, err)
			require.Len(t, recs, 1)
			assert.Equal(t, int64(5), recs[0].CardsGenerated)
			assert.Empty(t, f.billing.charged)
		})
	}
}

// TestGiveUpAfterLostWorkerRefunds: a generation whose every attempt's
// worker died (leases ran out) comes back from the queue exhausted;
// GiveUp fails the card job and refunds its quota, once.
func TestGiveUpAfterLostWorkerRefunds(t *testing.T) {
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d)
			c := f.campaign(t, "LST-VAC")
			created, err := f.svc.CreateJob(ctx, f.actor, c.ID, campaignsvc.JobInput{Beneficiaries: rows(2)})
			require.NoError(t, err)
			var q job.Job
			for range job.DefaultMaxAttempts + 1 {
				js, err := f.queue.Claim(ctx, "w", []string{campaignsvc.GenerateKind}, 1, f.clock.Now(), time.Minute)
				require.NoError(t, err)
				require.Len(t, js, 1)
				q = js[0]
				f.clock.Add(2 * time.Minute) // the worker dies; its lease runs out
			}
			require.True(t, q.Exhausted)
			require.NoError(t, f.svc.GiveUp(ctx, q, job.ReasonLeaseExpired))
			require.NoError(t, f.svc.GiveUp(ctx, q, job.ReasonLeaseExpired), "idempotent")
			j, err := f.store.CardJob(ctx, created.ID)
			require.NoError(t, err)
			assert.Equal(t, campaign.JobFailed, j.Status)
			assert.Contains(t, j.ErrorMessage, "could not be resumed")
			assert.Equal(t, int64(2), j.QuotaRefunded)
			_, total, err := f.ledger.LedgerEntries(ctx, f.actor.ProgrammeID, programme.TxRefund, 10, 0)
			require.NoError(t, err)
			assert.Equal(t, 1, total, "one refund")
			recs, err := f.store.EngineUsage(ctx, f.actor.ProgrammeID, "2026-11")
			require.NoError(t, err)
			assert.Equal(t, int64(0), recs[0].CardsGenerated)
		})
	}
}

// TestVerificationEventUsesTheDeploymentRegionMap: the distribution event a
// verification writes names the region through the deployment's map, as
// the geospatial command center reads it.
func TestVerificationEventUsesTheDeploymentRegionMap(t *testing.T) {
	f := newFixtureWith(t, sqlstore.SQLite, map[string]string{"KAO": "Kaolack", "DKR": "Dakar"})
	f.billing.quota = 100
	c := f.campaign(t, "KAO-VAC")
	_, err := f.svc.CreateJob(ctx, f.actor, c.ID, campaignsvc.JobInput{Beneficiaries: rows(1)})
	require.NoError(t, err)
	require.NoError(t, f.svc.Generate(ctx, f.claim(t)))
	cards, err := f.store.CampaignCards(ctx, c.ID)
	require.NoError(t, err)
	require.Len(t, cards, 1)
	_, err = f.svc.VerifyCode(ctx, cards[0].Code)
	require.NoError(t, err)
	events, err := f.store.DistributionEvents(ctx, f.actor.ProgrammeID, 10)
	require.NoError(t, err)
	require.Len(t, events, 1)
	assert.Equal(t, "Kaolack", events[0].Region, "KAO is not in the documented map")
}
