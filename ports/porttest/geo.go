package porttest

import (
	"context"
	"crypto/rand"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/campaign"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/geo"
	"github.com/kente-gov/kente/ports"
)

// GeoStores are a GeoStore and the writing ports that fill the tables it
// reads, all on one database.
type GeoStores struct {
	Geo          ports.GeoStore
	Programmes   ports.ProgrammeStore
	Campaigns    ports.CampaignStore
	Jobs         ports.CardJobStore
	Cards        ports.CardStore
	Distribution ports.DistributionEventStore
}

// geoFixture is the data the GeoStore contract seeds, with the answers
// written out by hand.
type geoFixture struct {
	p1, p2                       string // programme ids; p1 < p2
	dkr, ths, bare, archived, gn string // campaign ids
}

func seedGeo(t *testing.T, s GeoStores) geoFixture {
	t.Helper()
	ctx := context.Background()
	a, b := newProgramme(t), newProgramme(t)
	b.Country = "GN"
	if a.ID > b.ID {
		a, b = b, a
		a.Country, b.Country = "SN", "GN"
	}
	require.NoError(t, s.Programmes.CreateProgramme(ctx, a))
	require.NoError(t, s.Programmes.CreateProgramme(ctx, b))
	f := geoFixture{p1: a.ID, p2: b.ID}

	id := func() string {
		ref, err := campaign.NewRef(rand.Reader)
		require.NoError(t, err)
		return "geo-" + ref
	}
	camp := func(programmeID, prefix, regionCode string, target *int64) string {
		c := campaign.Campaign{ID: id(), ProgrammeID: programmeID, Name: "Campagne " + prefix, Type: "vaccination", Prefix: prefix,
			Language: "fr", Status: campaign.StatusDraft, TargetPopulation: target, RegionCode: regionCode, CreatedAt: base, UpdatedAt: base}
		require.NoError(t, s.Campaigns.CreateCampaign(ctx, c))
		return c.ID
	}
	// job stores a job of campaignID with status and cards_generated, and
	// one card per given beneficiary id.
	job := func(programmeID, campaignID string, status campaign.JobStatus, generated int64, bens ...string) {
		j := campaign.Job{ID: id(), CampaignID: campaignID, ProgrammeID: programmeID, Status: status, TotalCards: max(generated, 1),
			CardsGenerated: generated, DPI: 300, RenderScale: 1, TotalLots: 1, CreatedAt: base}
		require.NoError(t, s.Jobs.CreateCardJob(ctx, j, nil))
		cards := make([]campaign.Card, len(bens))
		for i, ben := range bens {
			ref, err := campaign.NewRef(rand.Reader)
			require.NoError(t, err)
			code := campaign.CardCode("GEO", ref)
			cards[i] = campaign.Card{Code: code, Ref: ref, JobID: j.ID, CampaignID: campaignID, ProgrammeID: programmeID, Row: i,
				BeneficiaryID: ben, TokenHash: campaign.Hash(code + "geo"), Status: campaign.CardValid, IssuedAt: base}
		}
		require.NoError(t, s.Cards.AddCards(ctx, cards))
	}
	hundred, fifty := int64(100), int64(50)

	// p1, Dakar by region code: a completed job of 4 cards for 3 distinct
	// beneficiaries, a failed job with one card, a pending and a cancelled
	// job. Counts: 4 jobs, 1 completed, 4 cards, 3 beneficiaries.
	f.dkr = camp(f.p1, "DKR-VAC", "DKR", &hundred)
	job(f.p1, f.dkr, campaign.JobCompleted, 4, "B1", "B2", "B2", "B3")
	job(f.p1, f.dkr, campaign.JobFailed, 1, "B9")
	job(f.p1, f.dkr, campaign.JobPending, 0)
	job(f.p1, f.dkr, campaign.JobCancelled, 0)
	// p1, Thiès by prefix: two completed jobs of 5 and 2 cards whose card
	// rows name B1 (on both jobs) and B4: 2 distinct beneficiaries.
	f.ths = camp(f.p1, "THS-NUT", "", &fifty)
	job(f.p1, f.ths, campaign.JobCompleted, 5, "B1", "B4")
	job(f.p1, f.ths, campaign.JobCompleted, 2, "B1")
	// p1, no jobs and no target.
	f.bare = camp(f.p1, "KAO-MILD", "", nil)
	// p1, archived: left out whatever its jobs.
	f.archived = camp(f.p1, "ZIG-OLD", "", &hundred)
	job(f.p1, f.archived, campaign.JobCompleted, 9, "B7")
	_, err := s.Campaigns.UpdateCampaign(ctx, f.archived, func(c *campaign.Campaign) error { c.Archived = true; return nil })
	require.NoError(t, err)
	// p2, Conakry: the same beneficiary ids as p1, one completed job.
	f.gn = camp(f.p2, "GN-POLIO", "", &hundred)
	job(f.p2, f.gn, campaign.JobCompleted, 7, "B1", "B2")

	ev := func(programmeID, client, region, channel, typ string, count int64, at time.Time) campaign.DistributionEvent {
		return campaign.DistributionEvent{ID: id(), ProgrammeID: programmeID, ClientEventID: client, Region: region, Channel: channel,
			EventType: typ, Count: count, CreatedAt: at}
	}
	n, err := s.Distribution.AddDistributionEvents(ctx, []campaign.DistributionEvent{
		ev(f.p1, "e1", "Dakar", "sms", "delivered", 40, base),
		ev(f.p1, "e2", "Dakar", "whatsapp", "delivered", 2, base.Add(time.Hour)),
		ev(f.p1, "e3", "Dakar", "sms", "failed", 3, base.Add(2*time.Hour)),
		ev(f.p1, "e4", "DKR", "qr", "delivered", 1, base.Add(3*time.Hour)),
		ev(f.p1, "e5", "Thiès", "sms", "sent", 5, base.Add(4*time.Hour)),
		ev(f.p1, "e6", "dakar", "sms", "failed", 1, base.Add(5*time.Hour)),
		ev(f.p2, "e1", "Conakry", "sms", "delivered", 6, base.Add(30*time.Minute)),
	})
	require.NoError(t, err)
	require.Equal(t, 7, n)
	return f
}

// GeoStore is the contract of the geo read model: campaign aggregates
// (completed jobs' cards, distinct beneficiaries, job counts, archived
// campaigns left out, programmes kept apart), event sums by region and
// type (and channel) in a window, the latest events, and the programmes.
func GeoStore(t *testing.T, fresh func(t *testing.T) GeoStores) {
	ctx := context.Background()
	s := fresh(t)
	f := seedGeo(t, s)
	facts := func(prefix, code string, target, bens, cards int64) geo.CampaignFacts {
		return geo.CampaignFacts{Prefix: prefix, RegionCode: code, TargetPopulation: target, Beneficiaries: bens, CardsGenerated: cards}
	}
	sortedIDs := func(ids ...string) []string {
		slices.Sort(ids)
		return ids
	}

	t.Run("campaign aggregates of one programme", func(t *testing.T) {
		got, err := s.Geo.GeoCampaigns(ctx, f.p1)
		require.NoError(t, err)
		want := map[string]ports.GeoCampaign{
			f.dkr:  {ProgrammeID: f.p1, CampaignID: f.dkr, CampaignFacts: facts("DKR-VAC", "DKR", 100, 3, 4), JobsTotal: 4, JobsCompleted: 1},
			f.ths:  {ProgrammeID: f.p1, CampaignID: f.ths, CampaignFacts: facts("THS-NUT", "", 50, 2, 7), JobsTotal: 2, JobsCompleted: 2},
			f.bare: {ProgrammeID: f.p1, CampaignID: f.bare, CampaignFacts: facts("KAO-MILD", "", 0, 0, 0)},
		}
		require.Len(t, got, 3, "the archived campaign and p2's are left out")
		order := sortedIDs(f.dkr, f.ths, f.bare)
		for i, g := range got {
			assert.Equal(t, order[i], g.CampaignID, "ordered by campaign id")
			assert.Equal(t, want[g.CampaignID], g)
		}
	})

	t.Run("campaign aggregates of every programme", func(t *testing.T) {
		got, err := s.Geo.GeoCampaigns(ctx, "")
		require.NoError(t, err)
		require.Len(t, got, 4)
		p1 := sortedIDs(f.dkr, f.ths, f.bare)
		for i, id := range p1 {
			assert.Equal(t, f.p1, got[i].ProgrammeID)
			assert.Equal(t, id, got[i].CampaignID)
		}
		assert.Equal(t, ports.GeoCampaign{ProgrammeID: f.p2, CampaignID: f.gn, CampaignFacts: facts("GN-POLIO", "", 100, 2, 7),
			JobsTotal: 1, JobsCompleted: 1}, got[3], "beneficiary ids are counted per campaign")
		none, err := s.Geo.GeoCampaigns(ctx, "no-such-programme")
		require.NoError(t, err)
		assert.Empty(t, none)
	})

	t.Run("event sums by region label and type", func(t *testing.T) {
		got, err := s.Geo.GeoEventCounts(ctx, ports.GeoEventFilter{ProgrammeID: f.p1})
		require.NoError(t, err)
		assert.Equal(t, []ports.GeoEventCount{
			{ProgrammeID: f.p1, Region: "DKR", Type: geo.EventDelivered, Count: 1},
			{ProgrammeID: f.p1, Region: "Dakar", Type: geo.EventDelivered, Count: 42},
			{ProgrammeID: f.p1, Region: "Dakar", Type: geo.EventFailed, Count: 3},
			{ProgrammeID: f.p1, Region: "Thiès", Type: geo.EventSent, Count: 5},
			{ProgrammeID: f.p1, Region: "dakar", Type: geo.EventFailed, Count: 1},
		}, got, "labels are kept bytewise, ordered bytewise")
	})

	t.Run("event sums by channel, every programme", func(t *testing.T) {
		got, err := s.Geo.GeoEventCounts(ctx, ports.GeoEventFilter{ByChannel: true})
		require.NoError(t, err)
		assert.Equal(t, []ports.GeoEventCount{
			{ProgrammeID: f.p1, Region: "DKR", Channel: "qr", Type: geo.EventDelivered, Count: 1},
			{ProgrammeID: f.p1, Region: "Dakar", Channel: "sms", Type: geo.EventDelivered, Count: 40},
			{ProgrammeID: f.p1, Region: "Dakar", Channel: "whatsapp", Type: geo.EventDelivered, Count: 2},
			{ProgrammeID: f.p1, Region: "Dakar", Channel: "sms", Type: geo.EventFailed, Count: 3},
			{ProgrammeID: f.p1, Region: "Thiès", Channel: "sms", Type: geo.EventSent, Count: 5},
			{ProgrammeID: f.p1, Region: "dakar", Channel: "sms", Type: geo.EventFailed, Count: 1},
			{ProgrammeID: f.p2, Region: "Conakry", Channel: "sms", Type: geo.EventDelivered, Count: 6},
		}, got)
	})

	t.Run("event sums in a window", func(t *testing.T) {
		// [base+1h, base+3h): e2 and e3 only; From inclusive, To exclusive.
		got, err := s.Geo.GeoEventCounts(ctx, ports.GeoEventFilter{ProgrammeID: f.p1, From: base.Add(time.Hour), To: base.Add(3 * time.Hour)})
		require.NoError(t, err)
		assert.Equal(t, []ports.GeoEventCount{
			{ProgrammeID: f.p1, Region: "Dakar", Type: geo.EventDelivered, Count: 2},
			{ProgrammeID: f.p1, Region: "Dakar", Type: geo.EventFailed, Count: 3},
		}, got)
		got, err = s.Geo.GeoEventCounts(ctx, ports.GeoEventFilter{From: base.Add(4 * time.Hour)})
		require.NoError(t, err)
		assert.Len(t, got, 2, "e5 and e6")
		got, err = s.Geo.GeoEventCounts(ctx, ports.GeoEventFilter{ProgrammeID: f.p2, To: base})
		require.NoError(t, err)
		assert.Empty(t, got)
		_, err = s.Geo.GeoEventCounts(ctx, ports.GeoEventFilter{From: base.Add(time.Hour), To: base})
		assert.True(t, fault.Is(err, fault.Invalid), "got %v", err)
	})

	t.Run("latest events", func(t *testing.T) {
		got, err := s.Geo.LatestEvents(ctx, f.p1, 3)
		require.NoError(t, err)
		require.Len(t, got, 3)
		assert.Equal(t, []string{"e6", "e5", "e4"}, []string{got[0].ClientEventID, got[1].ClientEventID, got[2].ClientEventID})
		assert.Equal(t, "dakar", got[0].Region)
		assert.Equal(t, int64(1), got[0].Count)
		assertTime(t, base.Add(5*time.Hour), got[0].CreatedAt, "CreatedAt")
		all, err := s.Geo.LatestEvents(ctx, "", 100)
		require.NoError(t, err)
		require.Len(t, all, 7)
		assert.Equal(t, f.p2, all[5].ProgrammeID, "p2's event at base+30m comes before p1's first")
		for _, bad := range []int{0, -1, 101} {
			_, err := s.Geo.LatestEvents(ctx, f.p1, bad)
			if fe, ok := fault.As(err); assert.True(t, ok, "limit %d: %v", bad, err) {
				assert.Equal(t, fault.Invalid, fe.Kind)
				assert.Equal(t, "limit", fe.Field)
			}
		}
		none, err := s.Geo.LatestEvents(ctx, "no-such-programme", 20)
		require.NoError(t, err)
		assert.Empty(t, none)
	})

	t.Run("programmes", func(t *testing.T) {
		got, err := s.Geo.GeoProgrammes(ctx, "")
		require.NoError(t, err)
		assert.Equal(t, []ports.GeoProgramme{{ID: f.p1, Country: "SN"}, {ID: f.p2, Country: "GN"}}, got)
		got, err = s.Geo.GeoProgrammes(ctx, f.p2)
		require.NoError(t, err)
		assert.Equal(t, []ports.GeoProgramme{{ID: f.p2, Country: "GN"}}, got)
		got, err = s.Geo.GeoProgrammes(ctx, "no-such-programme")
		require.NoError(t, err)
		assert.Empty(t, got)
	})

	t.Run("an empty database", func(t *testing.T) {
		e := fresh(t)
		c, err := e.Geo.GeoCampaigns(ctx, "")
		require.NoError(t, err)
		assert.Empty(t, c)
		ev, err := e.Geo.GeoEventCounts(ctx, ports.GeoEventFilter{})
		require.NoError(t, err)
		assert.Empty(t, ev)
		l, err := e.Geo.LatestEvents(ctx, "", geo.DefaultEventsLimit)
		require.NoError(t, err)
		assert.Empty(t, l)
	})
}
