package ports

import (
	"context"
	"time"

	"github.com/kente-gov/kente/core/campaign"
	"github.com/kente-gov/kente/core/geo"
)

// GeoProgramme is a programme as the geo module sees it: its id and its
// ISO 3166-1 alpha-2 country.
type GeoProgramme struct {
	ID      string
	Country string
}

// GeoCampaign is one unarchived campaign's figures for the geo module:
// the core facts (region code, prefix, target, distinct beneficiaries and
// cards of its completed jobs) and its job counts.
type GeoCampaign struct {
	ProgrammeID string
	CampaignID  string
	geo.CampaignFacts
	JobsTotal     int64 // every job of the campaign, whatever its status
	JobsCompleted int64 // its jobs with status completed
}

// GeoEventFilter selects the distribution events a GeoStore sums.
type GeoEventFilter struct {
	ProgrammeID string    // empty: every programme (administrators)
	From        time.Time // created_at ≥ From; zero: unbounded
	To          time.Time // created_at < To; zero: unbounded
	ByChannel   bool      // also group by channel (else Channel is empty)
}

// GeoEventCount is the sum of the counts of one programme's distribution
// events of one stored region label, event type and (when grouped by it)
// channel.
type GeoEventCount struct {
	ProgrammeID string
	Region      string // the stored label, as ingested
	Channel     string // empty unless GeoEventFilter.ByChannel
	Type        geo.EventType
	Count       int64
}

// GeoStore is the read side of the Geospatial Command Center: aggregates
// computed by the database over campaigns, card-generation jobs, cards and
// distribution events. It never writes. Results are ordered by the store in
// byte order of their keys (not by a database collation), so every backend
// answers identically.
type GeoStore interface {
	// GeoProgrammes returns the programme programmeID, or every programme
	// when it is empty, ordered by id. An unknown id gives an empty slice.
	GeoProgrammes(ctx context.Context, programmeID string) ([]GeoProgramme, error)
	// GeoCampaigns returns the unarchived campaigns of programmeID (every
	// programme when empty), ordered by programme id then campaign id.
	// CardsGenerated is Σ cards_generated of the campaign's completed jobs;
	// Beneficiaries the distinct beneficiary ids on those jobs' cards.
	GeoCampaigns(ctx context.Context, programmeID string) ([]GeoCampaign, error)
	// GeoEventCounts sums the counts of the distribution events matching f
	// per programme, region label, event type (and channel), ordered by
	// those keys. A From after To is fault.Invalid.
	GeoEventCounts(ctx context.Context, f GeoEventFilter) ([]GeoEventCount, error)
	// LatestEvents returns the programme's latest distribution events
	// (every programme's when programmeID is empty), newest first (then by
	// id, descending). limit outside 1–100 is fault.Invalid naming "limit".
	LatestEvents(ctx context.Context, programmeID string, limit int) ([]campaign.DistributionEvent, error)
}
