package ports

import (
	"context"
	"time"

	"github.com/kente-gov/kente/core/campaign"
)

// CampaignFilter selects campaigns; empty fields match all.
type CampaignFilter struct {
	ProgrammeID     string // empty: every programme (administrators)
	Status          string
	Type            campaign.Type
	Prefix          string
	From, To        *time.Time // created_at bounds, inclusive
	IncludeArchived bool
	Limit           int // 1–100
	Offset          int
}

// CampaignStore keeps campaigns (§4.2).
type CampaignStore interface {
	// CreateCampaign stores c; a prefix already used in the programme (or a
	// taken id) is fault.Conflict with Field "prefix".
	CreateCampaign(ctx context.Context, c campaign.Campaign) error
	// Campaign returns fault.NotFound when absent.
	Campaign(ctx context.Context, id string) (campaign.Campaign, error)
	// Campaigns lists matching campaigns newest first and how many match.
	Campaigns(ctx context.Context, f CampaignFilter) ([]campaign.Campaign, int, error)
	// UpdateCampaign locks the campaign, applies fn and stores the mutable
	// fields (name, description, status, total_cards, archived, the §15.8
	// fields, updated_at) atomically; fn's error aborts. fault.NotFound when
	// absent.
	UpdateCampaign(ctx context.Context, id string, fn func(*campaign.Campaign) error) (campaign.Campaign, error)
}

// CardJobFilter selects jobs.
type CardJobFilter struct {
	ProgrammeID string // empty: all
	CampaignID  string
	Status      campaign.JobStatus
	Limit       int // 1–100
	Offset      int
}

// CardJobStore keeps card-generation jobs (§4.3) with their input rows and
// artifacts.
type CardJobStore interface {
	// CreateCardJob stores j with its beneficiaries; a taken id is
	// fault.Conflict.
	CreateCardJob(ctx context.Context, j campaign.Job, rows []campaign.Beneficiary) error
	// CardJob returns fault.NotFound when absent.
	CardJob(ctx context.Context, id string) (campaign.Job, error)
	// CardJobs lists matching jobs newest first and how many match.
	CardJobs(ctx context.Context, f CardJobFilter) ([]campaign.Job, int, error)
	// UpdateCardJob locks the job, applies fn and stores every field but
	// the ids and created_at, atomically; fn's error aborts. fault.NotFound
	// when absent.
	UpdateCardJob(ctx context.Context, id string, fn func(*campaign.Job) error) (campaign.Job, error)
	// Beneficiaries returns rows [from, from+n) of the job's input.
	Beneficiaries(ctx context.Context, jobID string, from, n int) ([]campaign.Beneficiary, error)
	// PutArtifact stores (or replaces) a named artifact of a job.
	PutArtifact(ctx context.Context, jobID, name string, content []byte) error
	// Artifact returns fault.NotFound when the job has no such artifact.
	Artifact(ctx context.Context, jobID, name string) ([]byte, error)
}

// CardStore keeps generated cards (§4.4).
type CardStore interface {
	// AddCards stores cards atomically; a code, reference or token hash
	// already taken is fault.Conflict (nothing stored), so the caller draws
	// new codes.
	AddCards(ctx context.Context, cards []campaign.Card) error
	// JobCards returns the job's cards ordered by row.
	JobCards(ctx context.Context, jobID string) ([]campaign.Card, error)
	// CampaignCards returns the campaign's cards ordered by job then row.
	CampaignCards(ctx context.Context, campaignID string) ([]campaign.Card, error)
	// CardBy returns the card whose code, reference or token hash is value
	// (by is "code", "ref" or "token_hash"); fault.NotFound when none.
	CardBy(ctx context.Context, by, value string) (campaign.Card, error)
	// CountScan adds one verification to the card at now.
	CountScan(ctx context.Context, code string, now time.Time) error
	// ScanStats returns a campaign's card count, the cards verified at least
	// once, and the first and last verification times (nil when none).
	ScanStats(ctx context.Context, campaignID string) (campaign.ScanStats, error)
}

// EngineUsageStore keeps the usage records per programme, engine mode and
// month (§4.3 EngineUsageRecord).
type EngineUsageStore interface {
	// AddEngineUsage adds cards (negative to give back) to the record of
	// (programme, mode, period), creating it, at now.
	AddEngineUsage(ctx context.Context, programmeID string, mode campaign.EngineMode, period string, cards int64, now time.Time) error
	// EngineUsage returns a programme's records of a period (all modes).
	EngineUsage(ctx context.Context, programmeID, period string) ([]campaign.UsageRecord, error)
}

// DistributionEventStore keeps GeoDistributionEvents.
type DistributionEventStore interface {
	// AddDistributionEvents stores events; one whose (ProgrammeID,
	// ClientEventID) is already stored is skipped. It returns how many were
	// stored.
	AddDistributionEvents(ctx context.Context, events []campaign.DistributionEvent) (int, error)
	// DistributionEvents returns a programme's latest events, newest first
	// (every programme when programmeID is empty). limit 1–500.
	DistributionEvents(ctx context.Context, programmeID string, limit int) ([]campaign.DistributionEvent, error)
}
