package sqlstore

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/kente-gov/kente/core/campaign"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/geo"
	"github.com/kente-gov/kente/ports"
)

var _ ports.GeoStore = (*GeoStore)(nil)

// GeoStore computes the Geospatial Command Center's aggregates over the
// campaign tables. It implements ports.GeoStore and only reads.
type GeoStore struct{ db *DB }

// NewGeoStore returns a GeoStore on db, which must be migrated.
func NewGeoStore(db *DB) *GeoStore { return &GeoStore{db: db} }

// GeoProgrammes implements ports.GeoStore.
func (s *GeoStore) GeoProgrammes(ctx context.Context, programmeID string) ([]ports.GeoProgramme, error) {
	if err := checkText(programmeID); err != nil {
		return nil, err
	}
	var rows []struct {
		ID      string `bun:"id"`
		Country string `bun:"country"`
	}
	q := s.db.idb(ctx).NewSelect().Table("programmes").Column("id", "country")
	if programmeID != "" {
		q = q.Where("id = ?", programmeID)
	}
	if err := q.Scan(ctx, &rows); err != nil && !isNoRows(err) {
		return nil, s.db.wrapErr(err, "list geo programmes")
	}
	out := make([]ports.GeoProgramme, len(rows))
	for i, r := range rows {
		out[i] = ports.GeoProgramme{ID: r.ID, Country: r.Country}
	}
	slices.SortFunc(out, func(a, b ports.GeoProgramme) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// geoCampaignRow is one campaign with its aggregates.
type geoCampaignRow struct {
	ID               string `bun:"id"`
	ProgrammeID      string `bun:"programme_id"`
	Prefix           string `bun:"prefix"`
	RegionCode       string `bun:"region_code"`
	TargetPopulation *int64 `bun:"target_population"`
	JobsTotal        int64  `bun:"jobs_total"`
	JobsCompleted    int64  `bun:"jobs_completed"`
	Cards            int64  `bun:"cards"`
	Beneficiaries    int64  `bun:"beneficiaries"`
}

// GeoCampaigns implements ports.GeoStore in one statement: the campaigns
// left-joined with their jobs' counts and the distinct beneficiaries of
// their completed jobs' cards (reached through the cards' (job_id, row)
// index). With a programme, every part is restricted to it.
func (s *GeoStore) GeoCampaigns(ctx context.Context, programmeID string) ([]ports.GeoCampaign, error) {
	if err := checkText(programmeID); err != nil {
		return nil, err
	}
	completed := string(campaign.JobCompleted)
	var args []any
	jobsWhere, cardsWhere, campWhere := "", "", "WHERE c.archived = ?"
	args = append(args, completed, completed) // the job sums
	if programmeID != "" {
		jobsWhere = "WHERE programme_id = ?"
		args = append(args, programmeID)
	}
	args = append(args, completed)
	if programmeID != "" {
		cardsWhere = "AND kj.programme_id = ?"
		args = append(args, programmeID)
	}
	args = append(args, false)
	if programmeID != "" {
		campWhere += " AND c.programme_id = ?"
		args = append(args, programmeID)
	}
	query := `SELECT c.id, c.programme_id, c.prefix, c.region_code, c.target_population,
	COALESCE(j.jobs_total, 0) AS jobs_total, COALESCE(j.jobs_completed, 0) AS jobs_completed,
	COALESCE(j.cards, 0) AS cards, COALESCE(b.beneficiaries, 0) AS beneficiaries
FROM campaigns AS c
LEFT JOIN (
	SELECT campaign_id, COUNT(*) AS jobs_total,
		SUM(CASE WHEN status = ? THEN 1 ELSE 0 END) AS jobs_completed,
		SUM(CASE WHEN status = ? THEN cards_generated ELSE 0 END) AS cards
	FROM card_jobs ` + jobsWhere + `
	GROUP BY campaign_id
) AS j ON j.campaign_id = c.id
LEFT JOIN (
	SELECT kj.campaign_id, COUNT(DISTINCT k.beneficiary_id) AS beneficiaries
	FROM card_jobs AS kj JOIN cards AS k ON k.job_id = kj.id
	WHERE kj.status = ? ` + cardsWhere + `
	GROUP BY kj.campaign_id
) AS b ON b.campaign_id = c.id
` + campWhere
	var rows []geoCampaignRow
	if err := s.db.idb(ctx).NewRaw(query, args...).Scan(ctx, &rows); err != nil && !isNoRows(err) {
		return nil, s.db.wrapErr(err, "aggregate geo campaigns")
	}
	out := make([]ports.GeoCampaign, len(rows))
	for i, r := range rows {
		var target int64
		if r.TargetPopulation != nil {
			target = *r.TargetPopulation
		}
		out[i] = ports.GeoCampaign{ProgrammeID: r.ProgrammeID, CampaignID: r.ID,
			CampaignFacts: geo.CampaignFacts{Prefix: r.Prefix, RegionCode: r.RegionCode, TargetPopulation: target,
				Beneficiaries: r.Beneficiaries, CardsGenerated: r.Cards},
			JobsTotal: r.JobsTotal, JobsCompleted: r.JobsCompleted}
	}
	slices.SortFunc(out, func(a, b ports.GeoCampaign) int {
		return cmp.Or(strings.Compare(a.ProgrammeID, b.ProgrammeID), strings.Compare(a.CampaignID, b.CampaignID))
	})
	return out, nil
}

// GeoEventCounts implements ports.GeoStore with one GROUP BY. The event
// tables compare text bytewise on every backend (MariaDB's are utf8mb4_bin,
// and ingestion trims regions, so PAD SPACE cannot merge two labels).
func (s *GeoStore) GeoEventCounts(ctx context.Context, f ports.GeoEventFilter) ([]ports.GeoEventCount, error) {
	if err := checkText(f.ProgrammeID); err != nil {
		return nil, err
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.From.After(f.To) {
		return nil, fault.Field("from", "geo.invalid_window", "from must not be after to")
	}
	var rows []struct {
		ProgrammeID string `bun:"programme_id"`
		Region      string `bun:"region"`
		Channel     string `bun:"channel"`
		EventType   string `bun:"event_type"`
		Total       int64  `bun:"total"`
	}
	keys := []string{"programme_id", "region", "event_type"}
	if f.ByChannel {
		keys = append(keys, "channel")
	}
	q := s.db.idb(ctx).NewSelect().Table("distribution_events").Column(keys...).
		ColumnExpr("COALESCE(SUM(count), 0) AS total").Group(keys...)
	if f.ProgrammeID != "" {
		q = q.Where("programme_id = ?", f.ProgrammeID)
	}
	if !f.From.IsZero() {
		q = q.Where("created_at >= ?", dbTime(f.From))
	}
	if !f.To.IsZero() {
		q = q.Where("created_at < ?", dbTime(f.To))
	}
	if err := q.Scan(ctx, &rows); err != nil && !isNoRows(err) {
		return nil, s.db.wrapErr(err, "aggregate distribution events")
	}
	out := make([]ports.GeoEventCount, len(rows))
	for i, r := range rows {
		out[i] = ports.GeoEventCount{ProgrammeID: r.ProgrammeID, Region: r.Region, Channel: r.Channel, Type: geo.EventType(r.EventType), Count: r.Total}
	}
	slices.SortFunc(out, func(a, b ports.GeoEventCount) int {
		return cmp.Or(strings.Compare(a.ProgrammeID, b.ProgrammeID), strings.Compare(a.Region, b.Region),
			strings.Compare(string(a.Type), string(b.Type)), strings.Compare(a.Channel, b.Channel))
	})
	return out, nil
}

// LatestEvents implements ports.GeoStore.
func (s *GeoStore) LatestEvents(ctx context.Context, programmeID string, limit int) ([]campaign.DistributionEvent, error) {
	if limit < 1 || limit > geo.MaxEventsLimit {
		return nil, fault.Field("limit", "geo.limit_invalid", "limit must be an integer between 1 and 100")
	}
	return latestEvents(ctx, s.db, programmeID, limit)
}
