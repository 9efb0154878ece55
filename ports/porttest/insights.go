package porttest

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/analytics"
	"github.com/kente-gov/kente/core/campaign"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/programme"
	"github.com/kente-gov/kente/ports"
)

// InsightsStores are the insights port of one backend and the writers that
// fill the data it aggregates, sharing one database.
type InsightsStores struct {
	Insights     ports.InsightsStore
	Programmes   ports.ProgrammeStore
	Ledger       ports.LedgerStore
	Campaigns    ports.CampaignStore
	Jobs         ports.CardJobStore
	Cards        ports.CardStore
	Usage        ports.EngineUsageStore
	Distribution ports.DistributionEventStore
}

// Insights is the contract of ports.InsightsStore: per-day buckets on UTC
// calendar days (a job created at 23:59:59 and completed at 00:00:01 lands
// on two days), window bounds [from, to), per-status and per-scale job
// totals, spend as analytics.Spend, counters scoped to the programme, and
// zeros for an empty programme. The expected figures are written out by
// hand from the seeded rows.
func Insights(t *testing.T, fresh func(t *testing.T) InsightsStores) {
	ctx := context.Background()
	today := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	at := func(daysAgo int, hh, mm, ss int) time.Time {
		return today.AddDate(0, 0, -daysAgo).Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute + time.Duration(ss)*time.Second)
	}
	n := 0
	id := func(kind string) string {
		n++
		return fmt.Sprintf("%s-%04d-insights", kind, n)
	}

	type world struct {
		s        InsightsStores
		p, q     programme.Programme
		c1, c2   campaign.Campaign
		j1, j2   campaign.Job
		from, to time.Time // the 30-day window ending today
	}
	seed := func(t *testing.T) world {
		s := fresh(t)
		w := world{s: s, p: newProgramme(t), q: newProgramme(t), from: today.AddDate(0, 0, -29), to: today.AddDate(0, 0, 1)}
		require.NoError(t, s.Programmes.CreateProgramme(ctx, w.p))
		require.NoError(t, s.Programmes.CreateProgramme(ctx, w.q))
		newCamp := func(programmeID, prefix string, typ campaign.Type, created time.Time) campaign.Campaign {
			c := campaign.Campaign{ID: id("camp"), ProgrammeID: programmeID, Name: "Campagne " + prefix, Type: typ, Prefix: prefix, Language: "fr",
				TemplateID: string(typ), Status: campaign.StatusDraft, CreatedAt: created, UpdatedAt: created}
			require.NoError(t, s.Campaigns.CreateCampaign(ctx, c))
			return c
		}
		w.c1 = newCamp(w.p.ID, "DKR-VAC", "vaccination", at(10, 9, 0, 0))
		w.c2 = newCamp(w.p.ID, "THS-NUT", "nutrition", at(40, 9, 0, 0))
		cq := newCamp(w.q.ID, "DKR-VAC", "vaccination", at(5, 9, 0, 0))
		newJob := func(c campaign.Campaign, status campaign.JobStatus, cards int64, scale float64, cost, consumed, refunded int64, created time.Time, completed *time.Time) campaign.Job {
			j := campaign.Job{ID: id("job"), CampaignID: c.ID, ProgrammeID: c.ProgrammeID, Status: status, TotalCards: max(cards, 1), CardsGenerated: cards,
				DPI: 300, RenderScale: scale, TotalLots: 1, CostFCFA: cost, QuotaConsumed: consumed, QuotaRefunded: refunded, CreatedAt: created, CompletedAt: completed}
			require.NoError(t, s.Jobs.CreateCardJob(ctx, j, nil))
			return j
		}
		done := func(t time.Time) *time.Time { return &t }
		w.j1 = newJob(w.c1, campaign.JobCompleted, 100, 1.0, 50, 100, 0, at(2, 10, 0, 0), done(at(2, 23, 30, 0)))
		w.j2 = newJob(w.c1, campaign.JobCompleted, 40, 1.4, 0, 40, 0, at(1, 23, 59, 59), done(at(0, 0, 0, 1)))
		newJob(w.c2, campaign.JobFailed, 10, 1.0, 20, 10, 10, at(1, 12, 0, 0), nil)
		newJob(w.c2, campaign.JobPending, 0, 1.0, 0, 5, 0, at(0, 8, 0, 0), nil)
		newJob(w.c1, campaign.JobCompleted, 7, 1.0, 0, 7, 0, at(45, 8, 0, 0), done(at(45, 9, 0, 0)))
		jq := newJob(cq, campaign.JobCompleted, 1000, 1.0, 999, 1000, 0, at(1, 8, 0, 0), done(at(1, 9, 0, 0)))

		ledger := func(p programme.Programme, typ programme.TxType, amount int64, when time.Time) {
			_, err := s.Ledger.ApplyBalanceChange(ctx, ports.BalanceChange{Entry: programme.LedgerEntry{ID: id("tx"), ProgrammeID: p.ID, Type: typ,
				AmountFCFA: amount, Description: "insights", CreatedAt: when}})
			require.NoError(t, err)
		}
		ledger(w.p, programme.TxTopup, 100_000, at(61, 8, 0, 0))
		ledger(w.p, programme.TxDebit, -1_000, at(60, 8, 0, 0)) // outside the window
		ledger(w.p, programme.TxDebit, -500, at(2, 0, 0, 0))
		ledger(w.p, programme.TxDebit, -300, at(2, 23, 59, 59))
		ledger(w.p, programme.TxRefund, 200, at(1, 10, 0, 0))
		ledger(w.p, programme.TxSubscription, -25_000, at(0, 7, 0, 0))
		ledger(w.p, programme.TxCredit, 5_000, at(0, 7, 30, 0)) // not spend
		ledger(w.q, programme.TxTopup, 10_000, at(3, 8, 0, 0))
		ledger(w.q, programme.TxDebit, -999, at(1, 8, 0, 0))

		events := []campaign.DistributionEvent{
			{ProgrammeID: w.p.ID, Channel: "sms", EventType: "sent", Count: 5, CreatedAt: at(0, 9, 0, 0)},
			{ProgrammeID: w.p.ID, Channel: "sms", EventType: "delivered", Count: 3, CreatedAt: at(0, 9, 0, 0)},
			{ProgrammeID: w.p.ID, Channel: "sms", EventType: "failed", Count: 2, CreatedAt: at(0, 9, 0, 0)},
			{ProgrammeID: w.p.ID, Channel: "whatsapp", EventType: "delivered", Count: 4, CreatedAt: at(3, 9, 0, 0)},
			{ProgrammeID: w.p.ID, Channel: "whatsapp", EventType: "failed", Count: 6, CreatedAt: at(40, 9, 0, 0)}, // outside
			{ProgrammeID: w.p.ID, Channel: "qr", EventType: "delivered", Count: 9, CreatedAt: at(0, 9, 0, 0)},
			{ProgrammeID: w.q.ID, Channel: "sms", EventType: "sent", Count: 100, CreatedAt: at(0, 9, 0, 0)},
			{ProgrammeID: w.q.ID, Channel: "sms", EventType: "failed", Count: 100, CreatedAt: at(0, 9, 0, 0)},
		}
		for i := range events {
			events[i].ID, events[i].ClientEventID, events[i].Region = id("ev"), id("client"), "Dakar"
		}
		stored, err := s.Distribution.AddDistributionEvents(ctx, events)
		require.NoError(t, err)
		require.Equal(t, len(events), stored)

		card := func(j campaign.Job, row int) campaign.Card {
			ref := fmt.Sprintf("R%07d", n)
			n++
			code := campaign.CardCode("DKR-VAC", ref)
			return campaign.Card{Code: code, Ref: ref, JobID: j.ID, CampaignID: j.CampaignID, ProgrammeID: j.ProgrammeID, Row: row,
				BeneficiaryID: fmt.Sprintf("B%d", row), TokenHash: campaign.Hash(code + "token"), Status: campaign.CardValid, IssuedAt: at(2, 23, 0, 0)}
		}
		c1, c2, cq1 := card(w.j1, 0), card(w.j1, 1), card(jq, 0)
		require.NoError(t, s.Cards.AddCards(ctx, []campaign.Card{c1, c2}))
		require.NoError(t, s.Cards.AddCards(ctx, []campaign.Card{cq1}))
		for _, code := range []string{c1.Code, c1.Code, c2.Code, cq1.Code} {
			require.NoError(t, s.Cards.CountScan(ctx, code, at(0, 10, 0, 0)))
		}

		require.NoError(t, s.Usage.AddEngineUsage(ctx, w.p.ID, campaign.EngineStudioPrint, "2026-10", 50, at(45, 8, 0, 0)))
		require.NoError(t, s.Usage.AddEngineUsage(ctx, w.p.ID, campaign.EngineStudioPrint, "2026-11", 147, at(1, 8, 0, 0)))
		require.NoError(t, s.Usage.AddEngineUsage(ctx, w.p.ID, campaign.EngineCampaignDelivery, "2026-11", 5, at(0, 9, 0, 0)))
		require.NoError(t, s.Usage.AddEngineUsage(ctx, w.q.ID, campaign.EngineStudioPrint, "2026-11", 1000, at(1, 8, 0, 0)))
		return w
	}

	t.Run("daily activity on UTC days within [from, to)", func(t *testing.T) {
		w := seed(t)
		got, err := w.s.Insights.DailyActivity(ctx, w.p.ID, w.from, w.to)
		require.NoError(t, err)
		assert.Equal(t, []ports.DayTotal{{Day: today.AddDate(0, 0, -2), Value: 1}, {Day: today.AddDate(0, 0, -1), Value: 2}, {Day: today, Value: 1}},
			got.JobsCreated, "the job at 23:59:59 counts on its own day; the 45-day-old one is outside")
		assert.Equal(t, []ports.DayTotal{{Day: today.AddDate(0, 0, -2), Value: 100}, {Day: today, Value: 40}}, got.CardsCompleted,
			"cards by completion day, completed jobs only")
		assert.Equal(t, []ports.DaySpend{{Day: today.AddDate(0, 0, -2), SpendFCFA: 800, Debits: 2}, {Day: today.AddDate(0, 0, -1), SpendFCFA: -200, Debits: 0},
			{Day: today, SpendFCFA: 25_000, Debits: 1}}, got.Spend, "debits and subscriptions less refunds; credits and top-ups are not spend")

		// A one-day window: today only.
		got, err = w.s.Insights.DailyActivity(ctx, w.p.ID, today, w.to)
		require.NoError(t, err)
		assert.Equal(t, []ports.DayTotal{{Day: today, Value: 1}}, got.JobsCreated)
		assert.Equal(t, []ports.DayTotal{{Day: today, Value: 40}}, got.CardsCompleted)
		assert.Equal(t, []ports.DaySpend{{Day: today, SpendFCFA: 25_000, Debits: 1}}, got.Spend)
	})

	t.Run("job totals by status and scale", func(t *testing.T) {
		w := seed(t)
		sortTotals := func(ts []ports.JobTotal) []ports.JobTotal {
			sort.Slice(ts, func(i, j int) bool {
				if ts[i].Status != ts[j].Status {
					return ts[i].Status < ts[j].Status
				}
				return ts[i].RenderScale < ts[j].RenderScale
			})
			return ts
		}
		all, err := w.s.Insights.JobTotals(ctx, w.p.ID, time.Time{}, time.Time{})
		require.NoError(t, err)
		assert.Equal(t, []ports.JobTotal{
			{Status: campaign.JobCompleted, RenderScale: 1.0, Jobs: 2, Cards: 107, CostFCFA: 50},
			{Status: campaign.JobCompleted, RenderScale: 1.4, Jobs: 1, Cards: 40, CostFCFA: 0},
			{Status: campaign.JobFailed, RenderScale: 1.0, Jobs: 1, Cards: 10, CostFCFA: 20},
			{Status: campaign.JobPending, RenderScale: 1.0, Jobs: 1, Cards: 0, CostFCFA: 0},
		}, sortTotals(all))
		win, err := w.s.Insights.JobTotals(ctx, w.p.ID, w.from, w.to)
		require.NoError(t, err)
		assert.Equal(t, []ports.JobTotal{
			{Status: campaign.JobCompleted, RenderScale: 1.0, Jobs: 1, Cards: 100, CostFCFA: 50},
			{Status: campaign.JobCompleted, RenderScale: 1.4, Jobs: 1, Cards: 40, CostFCFA: 0},
			{Status: campaign.JobFailed, RenderScale: 1.0, Jobs: 1, Cards: 10, CostFCFA: 20},
			{Status: campaign.JobPending, RenderScale: 1.0, Jobs: 1, Cards: 0, CostFCFA: 0},
		}, sortTotals(win), "created in the window")
	})

	t.Run("programme totals", func(t *testing.T) {
		w := seed(t)
		before, err := w.s.Insights.ProgrammeTotals(ctx, w.p.ID, w.from, w.to)
		require.NoError(t, err)
		assert.Equal(t, int64(2), before.CampaignsAllTime)
		assert.Equal(t, int64(1), before.CampaignsInWindow)
		assert.Equal(t, int64(26_600), before.SpendAllTimeFCFA, "1,000 + 800 − 200 + 25,000")
		assert.Equal(t, int64(25_600), before.SpendInWindowFCFA)
		assert.Equal(t, int64(2), before.FailedDistributionsInWindow, "the failure 40 days ago is outside")
		assert.Equal(t, int64(8), before.SMSSent, "sent + delivered")
		assert.Equal(t, int64(4), before.WhatsAppSent)
		assert.Equal(t, int64(3), before.QRScans)
		assert.Equal(t, int64(0), before.PDFExports)

		require.NoError(t, w.s.Jobs.PutArtifact(ctx, w.j1.ID, "manifest", []byte("héllo")))
		require.NoError(t, w.s.Jobs.PutArtifact(ctx, w.j2.ID, "pdf", []byte("abc")))
		after, err := w.s.Insights.ProgrammeTotals(ctx, w.p.ID, w.from, w.to)
		require.NoError(t, err)
		assert.Equal(t, before.StorageBytes+9, after.StorageBytes, "bytes, not characters: é is two")
		assert.Equal(t, int64(1), after.PDFExports)
	})

	t.Run("campaign facts", func(t *testing.T) {
		w := seed(t)
		got, err := w.s.Insights.CampaignFacts(ctx, w.p.ID)
		require.NoError(t, err)
		sort.Slice(got, func(i, j int) bool { return got[i].Name < got[j].Name })
		assert.Equal(t, []analytics.CampaignFacts{
			{ID: w.c1.ID, Name: w.c1.Name, Type: "vaccination", Jobs: 3, Cards: 147},
			{ID: w.c2.ID, Name: w.c2.Name, Type: "nutrition", Jobs: 2, Cards: 0},
		}, got)
	})

	t.Run("usage by period", func(t *testing.T) {
		w := seed(t)
		got, err := w.s.Insights.UsageByPeriod(ctx, w.p.ID)
		require.NoError(t, err)
		require.Len(t, got, 2)
		assert.Equal(t, "2026-10", got[0].Period)
		assert.Equal(t, int64(50), got[0].StudioPrint)
		assert.Equal(t, int64(0), got[0].OtherModes)
		assert.Equal(t, int64(7), got[0].JobsNetQuota)
		assert.True(t, at(45, 8, 0, 0).Equal(got[0].LastUpdated), "got %v", got[0].LastUpdated)
		assert.Equal(t, "2026-11", got[1].Period)
		assert.Equal(t, int64(147), got[1].StudioPrint)
		assert.Equal(t, int64(5), got[1].OtherModes)
		assert.Equal(t, int64(145), got[1].JobsNetQuota, "100 + 40 + (10 − 10) + 5")
		assert.True(t, at(0, 9, 0, 0).Equal(got[1].LastUpdated), "the latest record of the month, got %v", got[1].LastUpdated)
	})

	t.Run("an empty programme answers zeros", func(t *testing.T) {
		w := seed(t)
		empty := newProgramme(t)
		require.NoError(t, w.s.Programmes.CreateProgramme(ctx, empty))
		d, err := w.s.Insights.DailyActivity(ctx, empty.ID, w.from, w.to)
		require.NoError(t, err)
		assert.Equal(t, ports.DailyActivity{JobsCreated: []ports.DayTotal{}, CardsCompleted: []ports.DayTotal{}, Spend: []ports.DaySpend{}}, d)
		jt, err := w.s.Insights.JobTotals(ctx, empty.ID, time.Time{}, time.Time{})
		require.NoError(t, err)
		assert.Empty(t, jt)
		pt, err := w.s.Insights.ProgrammeTotals(ctx, empty.ID, w.from, w.to)
		require.NoError(t, err)
		assert.Equal(t, ports.ProgrammeTotals{}, pt)
		cf, err := w.s.Insights.CampaignFacts(ctx, "no-such-programme")
		require.NoError(t, err)
		assert.Empty(t, cf)
		u, err := w.s.Insights.UsageByPeriod(ctx, empty.ID)
		require.NoError(t, err)
		assert.Empty(t, u)
	})

	t.Run("a reversed window is invalid", func(t *testing.T) {
		w := seed(t)
		_, err := w.s.Insights.DailyActivity(ctx, w.p.ID, w.to, w.from)
		assert.True(t, fault.Is(err, fault.Invalid), "got %v", err)
		_, err = w.s.Insights.ProgrammeTotals(ctx, w.p.ID, w.to, w.from)
		assert.True(t, fault.Is(err, fault.Invalid), "got %v", err)
	})
}
