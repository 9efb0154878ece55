package porttest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/campaign"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/ports"
)

// CampaignStores are the campaign ports of one backend, sharing a database.
type CampaignStores struct {
	Campaigns    ports.CampaignStore
	Jobs         ports.CardJobStore
	Cards        ports.CardStore
	Usage        ports.EngineUsageStore
	Distribution ports.DistributionEventStore
	Tx           ports.Tx
}

// Campaigns is the contract of the campaign stores: campaigns (prefix unique
// per programme, filters, paging, locked updates), jobs with their input and
// artifacts (rollback included), cards (collisions refused whole, lookups,
// scans), usage records and idempotent distribution events.
func Campaigns(t *testing.T, fresh func(t *testing.T) CampaignStores) {
	ctx := context.Background()
	id := func(t *testing.T) string {
		ref, err := campaign.NewRef(rand.Reader)
		require.NoError(t, err)
		return "id-" + ref
	}
	newCampaign := func(t *testing.T, programmeID, prefix string, at time.Time) campaign.Campaign {
		target := int64(5000)
		return campaign.Campaign{ID: id(t), ProgrammeID: programmeID, Name: "Vaccination Dakar « été »", Type: "vaccination", Prefix: prefix,
			Language: "fr", TemplateID: "vaccination", Status: campaign.StatusDraft, TargetPopulation: &target, RegionCode: "DKR",
			CreatedAt: at, UpdatedAt: at}
	}
	newJob := func(t *testing.T, c campaign.Campaign, n int64) campaign.Job {
		return campaign.Job{ID: id(t), CampaignID: c.ID, ProgrammeID: c.ProgrammeID, Status: campaign.JobPending, TotalCards: n, DPI: 450,
			RenderScale: 1.4, TotalLots: campaign.Lots(n), IncludeMPIID: true, CostFCFA: 30, QuotaConsumed: n, CreatedAt: base}
	}
	rows := func(n int) []campaign.Beneficiary {
		out := make([]campaign.Beneficiary, n)
		for i := range out {
			out[i] = campaign.Beneficiary{FirstName: "Aïda", LastName: fmt.Sprintf("Ndiaye %d", i), DateOfBirth: "1990-01-02", BeneficiaryID: fmt.Sprintf("B%d", i)}
		}
		return out
	}
	card := func(t *testing.T, j campaign.Job, row int) campaign.Card {
		ref, err := campaign.NewRef(rand.Reader)
		require.NoError(t, err)
		code := campaign.CardCode("DKR-VAC", ref)
		return campaign.Card{Code: code, Ref: ref, JobID: j.ID, CampaignID: j.CampaignID, ProgrammeID: j.ProgrammeID, Row: row,
			BeneficiaryID: fmt.Sprintf("B%d", row), TokenHash: campaign.Hash(code + "token"), Status: campaign.CardValid, IssuedAt: base}
	}

	t.Run("campaign round trip and unique prefix per programme", func(t *testing.T) {
		s := fresh(t)
		c := newCampaign(t, "p1", "DKR-VAC", base)
		require.NoError(t, s.Campaigns.CreateCampaign(ctx, c))
		got, err := s.Campaigns.Campaign(ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, c, got)

		dup := newCampaign(t, "p1", "DKR-VAC", base)
		err = s.Campaigns.CreateCampaign(ctx, dup)
		assert.True(t, fault.Is(err, fault.Conflict), "got %v", err)
		if fe, ok := fault.As(err); assert.True(t, ok) {
			assert.Equal(t, "prefix", fe.Field)
		}
		require.NoError(t, s.Campaigns.CreateCampaign(ctx, newCampaign(t, "p2", "DKR-VAC", base)), "another programme may reuse it")

		_, err = s.Campaigns.Campaign(ctx, "missing")
		assert.True(t, fault.Is(err, fault.NotFound))
	})

	t.Run("filters, archive and paging newest first", func(t *testing.T) {
		s := fresh(t)
		var ids []string
		for i := range 5 {
			c := newCampaign(t, "p1", fmt.Sprintf("P%02d", i), base.Add(time.Duration(i)*time.Minute))
			if i == 4 {
				c.Type = "hiv"
			}
			require.NoError(t, s.Campaigns.CreateCampaign(ctx, c))
			ids = append(ids, c.ID)
		}
		require.NoError(t, s.Campaigns.CreateCampaign(ctx, newCampaign(t, "p2", "OTHER", base)))

		page, total, err := s.Campaigns.Campaigns(ctx, ports.CampaignFilter{ProgrammeID: "p1", Limit: 2, Offset: 1})
		require.NoError(t, err)
		assert.Equal(t, 5, total)
		require.Len(t, page, 2)
		assert.Equal(t, ids[3], page[0].ID)
		assert.Equal(t, ids[2], page[1].ID)

		hiv, total, err := s.Campaigns.Campaigns(ctx, ports.CampaignFilter{ProgrammeID: "p1", Type: "hiv"})
		require.NoError(t, err)
		assert.Equal(t, 1, total)
		assert.Equal(t, ids[4], hiv[0].ID)

		_, total, err = s.Campaigns.Campaigns(ctx, ports.CampaignFilter{})
		require.NoError(t, err)
		assert.Equal(t, 6, total, "no programme: every programme")

		from, to := base.Add(time.Minute), base.Add(2*time.Minute)
		_, total, err = s.Campaigns.Campaigns(ctx, ports.CampaignFilter{ProgrammeID: "p1", From: &from, To: &to})
		require.NoError(t, err)
		assert.Equal(t, 2, total)

		later := base.Add(time.Hour)
		got, err := s.Campaigns.UpdateCampaign(ctx, ids[0], func(c *campaign.Campaign) error {
			c.Archived, c.Name, c.UpdatedAt = true, "Renamed", later
			c.Prefix = "IGNORED" // immutable: not stored
			return nil
		})
		require.NoError(t, err)
		assert.True(t, got.Archived)
		assert.Equal(t, "P00", got.Prefix)
		_, total, err = s.Campaigns.Campaigns(ctx, ports.CampaignFilter{ProgrammeID: "p1"})
		require.NoError(t, err)
		assert.Equal(t, 4, total, "archived campaigns are hidden")
		_, total, err = s.Campaigns.Campaigns(ctx, ports.CampaignFilter{ProgrammeID: "p1", IncludeArchived: true})
		require.NoError(t, err)
		assert.Equal(t, 5, total)
		stored, err := s.Campaigns.Campaign(ctx, ids[0])
		require.NoError(t, err)
		assert.Equal(t, "Renamed", stored.Name)
		assert.Equal(t, "P00", stored.Prefix)
		assert.True(t, stored.UpdatedAt.Equal(later))

		boom := errors.New("boom")
		_, err = s.Campaigns.UpdateCampaign(ctx, ids[1], func(c *campaign.Campaign) error { c.Name = "x"; return boom })
		assert.ErrorIs(t, err, boom)
		stored, err = s.Campaigns.Campaign(ctx, ids[1])
		require.NoError(t, err)
		assert.NotEqual(t, "x", stored.Name)
		_, _, err = s.Campaigns.Campaigns(ctx, ports.CampaignFilter{Limit: 101})
		assert.True(t, fault.Is(err, fault.Invalid))
	})

	t.Run("jobs, input rows, artifacts and rollback", func(t *testing.T) {
		s := fresh(t)
		c := newCampaign(t, "p1", "DKR-VAC", base)
		require.NoError(t, s.Campaigns.CreateCampaign(ctx, c))
		j := newJob(t, c, 3)
		require.NoError(t, s.Jobs.CreateCardJob(ctx, j, rows(3)))
		got, err := s.Jobs.CardJob(ctx, j.ID)
		require.NoError(t, err)
		assert.Equal(t, j, got)
		in, err := s.Jobs.Beneficiaries(ctx, j.ID, 1, 5)
		require.NoError(t, err)
		require.Len(t, in, 2)
		assert.Equal(t, "Ndiaye 1", in[0].LastName)
		assert.Equal(t, "Aïda", in[0].FirstName)

		now := base.Add(time.Minute)
		got, err = s.Jobs.UpdateCardJob(ctx, j.ID, func(j *campaign.Job) error {
			j.Status, j.CardsGenerated, j.Progress, j.StartedAt, j.QueueJobID = campaign.JobGenerating, 2, 66, &now, "q1"
			return nil
		})
		require.NoError(t, err)
		assert.Equal(t, campaign.JobGenerating, got.Status)
		stored, err := s.Jobs.CardJob(ctx, j.ID)
		require.NoError(t, err)
		assert.Equal(t, got, stored)
		assert.True(t, stored.StartedAt.Equal(now))

		// A failing transaction leaves no job behind.
		j2 := newJob(t, c, 1)
		boom := errors.New("boom")
		err = s.Tx.WithinTx(ctx, func(ctx context.Context) error {
			require.NoError(t, s.Jobs.CreateCardJob(ctx, j2, rows(1)))
			return boom
		})
		assert.ErrorIs(t, err, boom)
		_, err = s.Jobs.CardJob(ctx, j2.ID)
		assert.True(t, fault.Is(err, fault.NotFound))

		require.NoError(t, s.Jobs.PutArtifact(ctx, j.ID, "manifest", []byte(`{"a":1}`)))
		require.NoError(t, s.Jobs.PutArtifact(ctx, j.ID, "manifest", []byte(`{"a":2}`)))
		raw, err := s.Jobs.Artifact(ctx, j.ID, "manifest")
		require.NoError(t, err)
		assert.JSONEq(t, `{"a":2}`, string(raw))
		_, err = s.Jobs.Artifact(ctx, j.ID, "registry")
		assert.True(t, fault.Is(err, fault.NotFound))

		list, total, err := s.Jobs.CardJobs(ctx, ports.CardJobFilter{ProgrammeID: "p1"})
		require.NoError(t, err)
		assert.Equal(t, 1, total)
		assert.Equal(t, j.ID, list[0].ID)
		_, total, err = s.Jobs.CardJobs(ctx, ports.CardJobFilter{ProgrammeID: "p2"})
		require.NoError(t, err)
		assert.Equal(t, 0, total)
	})

	t.Run("cards: collisions refused whole, lookups and scans", func(t *testing.T) {
		s := fresh(t)
		c := newCampaign(t, "p1", "DKR-VAC", base)
		require.NoError(t, s.Campaigns.CreateCampaign(ctx, c))
		j := newJob(t, c, 3)
		require.NoError(t, s.Jobs.CreateCardJob(ctx, j, rows(3)))
		a, b := card(t, j, 0), card(t, j, 1)
		require.NoError(t, s.Cards.AddCards(ctx, []campaign.Card{a, b}))

		clash := card(t, j, 2)
		clash2 := card(t, j, 2)
		clash2.Row = 3
		clash2.Ref = a.Ref // taken reference
		err := s.Cards.AddCards(ctx, []campaign.Card{clash, clash2})
		assert.True(t, fault.Is(err, fault.Conflict), "got %v", err)
		_, err = s.Cards.CardBy(ctx, "code", clash.Code)
		assert.True(t, fault.Is(err, fault.NotFound), "nothing of a refused lot is stored")

		for _, by := range []struct{ by, v string }{{"code", a.Code}, {"ref", a.Ref}, {"token_hash", a.TokenHash}} {
			got, err := s.Cards.CardBy(ctx, by.by, by.v)
			require.NoError(t, err, by.by)
			assert.Equal(t, a.Code, got.Code)
			assert.Equal(t, "B0", got.BeneficiaryID)
		}
		_, err = s.Cards.CardBy(ctx, "name", "x")
		assert.True(t, fault.Is(err, fault.Invalid))

		stats, err := s.Cards.ScanStats(ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, campaign.ScanStats{TotalCards: 2}, stats)
		t1, t2 := base.Add(time.Hour), base.Add(2*time.Hour)
		require.NoError(t, s.Cards.CountScan(ctx, a.Code, t1))
		require.NoError(t, s.Cards.CountScan(ctx, a.Code, t2))
		assert.True(t, fault.Is(s.Cards.CountScan(ctx, "NOPE-00000000", t2), fault.NotFound))
		stats, err = s.Cards.ScanStats(ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, int64(2), stats.TotalCards)
		assert.Equal(t, int64(1), stats.VerifiedCards)
		require.NotNil(t, stats.First)
		require.NotNil(t, stats.Last)
		assert.True(t, stats.First.Equal(t1))
		assert.True(t, stats.Last.Equal(t2))
		got, err := s.Cards.CardBy(ctx, "code", a.Code)
		require.NoError(t, err)
		assert.Equal(t, int64(2), got.Scans)

		all, err := s.Cards.JobCards(ctx, j.ID)
		require.NoError(t, err)
		require.Len(t, all, 2)
		assert.Equal(t, 0, all[0].Row)
		assert.Equal(t, 1, all[1].Row)
		byCampaign, err := s.Cards.CampaignCards(ctx, c.ID)
		require.NoError(t, err)
		assert.Len(t, byCampaign, 2)
	})

	t.Run("engine usage per programme, mode and month", func(t *testing.T) {
		s := fresh(t)
		require.NoError(t, s.Usage.AddEngineUsage(ctx, "p1", campaign.EngineStudioPrint, "2026-11", 100, base))
		require.NoError(t, s.Usage.AddEngineUsage(ctx, "p1", campaign.EngineStudioPrint, "2026-11", -30, base.Add(time.Minute)))
		require.NoError(t, s.Usage.AddEngineUsage(ctx, "p1", campaign.EngineStudioPrint, "2026-12", 7, base))
		require.NoError(t, s.Usage.AddEngineUsage(ctx, "p2", campaign.EngineStudioPrint, "2026-11", 9, base))
		got, err := s.Usage.EngineUsage(ctx, "p1", "2026-11")
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, int64(70), got[0].CardsGenerated)
		assert.Equal(t, campaign.EngineStudioPrint, got[0].EngineMode)
		assert.True(t, got[0].LastUpdated.Equal(base.Add(time.Minute)))
	})

	t.Run("distribution events are idempotent per programme", func(t *testing.T) {
		s := fresh(t)
		ev := func(client string, at time.Time) campaign.DistributionEvent {
			return campaign.DistributionEvent{ID: id(t), ProgrammeID: "p1", ClientEventID: client, Region: "Dakar", Channel: "sms",
				EventType: "delivered", Count: 3, CreatedAt: at}
		}
		n, err := s.Distribution.AddDistributionEvents(ctx, []campaign.DistributionEvent{ev("e1", base), ev("e2", base.Add(time.Second))})
		require.NoError(t, err)
		assert.Equal(t, 2, n)
		n, err = s.Distribution.AddDistributionEvents(ctx, []campaign.DistributionEvent{ev("e2", base), ev("e3", base.Add(2*time.Second))})
		require.NoError(t, err)
		assert.Equal(t, 1, n, "e2 was already stored")
		other := ev("e1", base)
		other.ProgrammeID = "p2"
		n, err = s.Distribution.AddDistributionEvents(ctx, []campaign.DistributionEvent{other})
		require.NoError(t, err)
		assert.Equal(t, 1, n, "client ids are per programme")
		got, err := s.Distribution.DistributionEvents(ctx, "p1", 10)
		require.NoError(t, err)
		require.Len(t, got, 3)
		assert.Equal(t, "e3", got[0].ClientEventID)
		assert.Equal(t, int64(3), got[0].Count)
		all, err := s.Distribution.DistributionEvents(ctx, "", 10)
		require.NoError(t, err)
		assert.Len(t, all, 4)
	})
}
