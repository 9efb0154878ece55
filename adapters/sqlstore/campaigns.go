package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/kente-gov/kente/core/campaign"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/ports"
)

var (
	_ ports.CampaignStore          = (*CampaignStore)(nil)
	_ ports.CardJobStore           = (*CampaignStore)(nil)
	_ ports.CardStore              = (*CampaignStore)(nil)
	_ ports.EngineUsageStore       = (*CampaignStore)(nil)
	_ ports.DistributionEventStore = (*CampaignStore)(nil)
)

// CampaignStore keeps Oomus campaigns, card-generation jobs with their input
// and artifacts, cards, engine usage records and distribution events. It
// implements ports.CampaignStore, ports.CardJobStore, ports.CardStore,
// ports.EngineUsageStore and ports.DistributionEventStore.
type CampaignStore struct{ db *DB }

// NewCampaignStore returns a CampaignStore on db, which must be migrated.
func NewCampaignStore(db *DB) *CampaignStore { return &CampaignStore{db: db} }

var (
	errCampaignNotFound = fault.New(fault.NotFound, "campaign.not_found", "Campaign not found")
	errCardJobNotFound  = fault.New(fault.NotFound, "campaign.job_not_found", "Job not found")
	errCardNotFound     = fault.New(fault.NotFound, "campaign.card_not_found", "Card not found")
	errArtifactNotFound = fault.New(fault.NotFound, "campaign.artifact_not_found", "Artifact not found")
)

type campaignRow struct {
	bun.BaseModel `bun:"table:campaigns"`

	ID               string    `bun:"id,pk"`
	ProgrammeID      string    `bun:"programme_id"`
	Name             string    `bun:"name"`
	Type             string    `bun:"campaign_type"`
	Prefix           string    `bun:"prefix"`
	Language         string    `bun:"language"`
	TemplateID       string    `bun:"template_id"`
	Description      string    `bun:"description"`
	Status           string    `bun:"status"`
	TotalCards       int64     `bun:"total_cards"`
	Archived         bool      `bun:"archived"`
	TargetPopulation *int64    `bun:"target_population"`
	RegionCode       string    `bun:"region_code"`
	DosesPlanned     *int64    `bun:"doses_planned"`
	BudgetFCFA       *int64    `bun:"budget_fcfa"`
	CreatedAt        time.Time `bun:"created_at"`
	UpdatedAt        time.Time `bun:"updated_at"`
}

func newCampaignRow(c campaign.Campaign) campaignRow {
	return campaignRow{ID: c.ID, ProgrammeID: c.ProgrammeID, Name: c.Name, Type: string(c.Type), Prefix: c.Prefix, Language: c.Language,
		TemplateID: c.TemplateID, Description: c.Description, Status: c.Status, TotalCards: c.TotalCards, Archived: c.Archived,
		TargetPopulation: c.TargetPopulation, RegionCode: c.RegionCode, DosesPlanned: c.DosesPlanned, BudgetFCFA: c.BudgetFCFA,
		CreatedAt: dbTime(c.CreatedAt), UpdatedAt: dbTime(c.UpdatedAt)}
}

func (r campaignRow) campaign() campaign.Campaign {
	return campaign.Campaign{ID: r.ID, ProgrammeID: r.ProgrammeID, Name: r.Name, Type: campaign.Type(r.Type), Prefix: r.Prefix,
		Language: r.Language, TemplateID: r.TemplateID, Description: r.Description, Status: r.Status, TotalCards: r.TotalCards,
		Archived: r.Archived, TargetPopulation: r.TargetPopulation, RegionCode: r.RegionCode, DosesPlanned: r.DosesPlanned,
		BudgetFCFA: r.BudgetFCFA, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

// CreateCampaign implements ports.CampaignStore.
func (s *CampaignStore) CreateCampaign(ctx context.Context, c campaign.Campaign) error {
	if err := checkText(c.ID, c.ProgrammeID, c.Name, c.Prefix, c.Language, c.TemplateID, c.Description, c.Status, c.RegionCode); err != nil {
		return err
	}
	row := newCampaignRow(c)
	if _, err := s.db.idb(ctx).NewInsert().Model(&row).Exec(ctx); err != nil {
		if cl, _ := classify(err); cl == classUnique {
			return &fault.Error{Kind: fault.Conflict, Code: "campaign.prefix_taken", Field: "prefix",
				Msg: "Prefix " + c.Prefix + " is already used in this programme", Err: err}
		}
		return s.db.wrapErr(err, "store campaign")
	}
	return nil
}

// Campaign implements ports.CampaignStore.
func (s *CampaignStore) Campaign(ctx context.Context, id string) (campaign.Campaign, error) {
	if err := checkText(id); err != nil {
		return campaign.Campaign{}, err
	}
	var row campaignRow
	err := s.db.idb(ctx).NewSelect().Model(&row).Where("id = ?", id).Scan(ctx)
	if isNoRows(err) {
		return campaign.Campaign{}, errCampaignNotFound
	}
	if err != nil {
		return campaign.Campaign{}, s.db.wrapErr(err, "load campaign")
	}
	return row.campaign(), nil
}

// Campaigns implements ports.CampaignStore.
func (s *CampaignStore) Campaigns(ctx context.Context, f ports.CampaignFilter) ([]campaign.Campaign, int, error) {
	limit, err := pageLimit(f.Limit, f.Offset, 20, 100)
	if err != nil {
		return nil, 0, err
	}
	if err := checkText(f.ProgrammeID, f.Status, string(f.Type), f.Prefix); err != nil {
		return nil, 0, err
	}
	var rows []campaignRow
	q := s.db.idb(ctx).NewSelect().Model(&rows)
	if f.ProgrammeID != "" {
		q = q.Where("programme_id = ?", f.ProgrammeID)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.Type != "" {
		q = q.Where("campaign_type = ?", string(f.Type))
	}
	if f.Prefix != "" {
		q = q.Where("prefix = ?", f.Prefix)
	}
	if f.From != nil {
		q = q.Where("created_at >= ?", dbTime(*f.From))
	}
	if f.To != nil {
		q = q.Where("created_at <= ?", dbTime(*f.To))
	}
	if !f.IncludeArchived {
		q = q.Where("archived = ?", false)
	}
	total, err := q.Order("created_at DESC", "id DESC").Limit(int64(limit)).Offset(int64(f.Offset)).ScanAndCount(ctx)
	if err != nil && !isNoRows(err) {
		return nil, 0, s.db.wrapErr(err, "list campaigns")
	}
	out := make([]campaign.Campaign, len(rows))
	for i, r := range rows {
		out[i] = r.campaign()
	}
	return out, int(total), nil
}

// forUpdate adds FOR UPDATE outside SQLite (whose immediate transaction
// already holds the write lock).
func (s *CampaignStore) forUpdate(q *bun.SelectQuery) *bun.SelectQuery {
	if s.db.Dialect != SQLite {
		return q.For("UPDATE")
	}
	return q
}

// UpdateCampaign implements ports.CampaignStore.
func (s *CampaignStore) UpdateCampaign(ctx context.Context, id string, fn func(*campaign.Campaign) error) (campaign.Campaign, error) {
	if err := checkText(id); err != nil {
		return campaign.Campaign{}, err
	}
	var out campaign.Campaign
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		var row campaignRow
		err := s.forUpdate(s.db.idb(ctx).NewSelect().Model(&row).Where("id = ?", id)).Scan(ctx)
		if isNoRows(err) {
			return errCampaignNotFound
		}
		if err != nil {
			return s.db.wrapErr(err, "lock campaign")
		}
		c := row.campaign()
		if err := fn(&c); err != nil {
			return err
		}
		if err := checkText(c.Name, c.Description, c.Status, c.RegionCode); err != nil {
			return err
		}
		next := newCampaignRow(c)
		_, err = s.db.idb(ctx).NewUpdate().Model(&next).
			Column("name", "description", "status", "total_cards", "archived", "target_population", "region_code", "doses_planned", "budget_fcfa", "updated_at").
			Where("id = ?", id).Exec(ctx)
		if err != nil {
			return s.db.wrapErr(err, "update campaign")
		}
		next.ID, next.ProgrammeID, next.Type, next.Prefix, next.Language, next.TemplateID, next.CreatedAt = row.ID, row.ProgrammeID, row.Type, row.Prefix, row.Language, row.TemplateID, row.CreatedAt
		out = next.campaign()
		return nil
	})
	return out, err
}

type cardJobRow struct {
	bun.BaseModel `bun:"table:card_jobs"`

	ID             string     `bun:"id,pk"`
	CampaignID     string     `bun:"campaign_id"`
	ProgrammeID    string     `bun:"programme_id"`
	QueueJobID     string     `bun:"queue_job_id"`
	Status         string     `bun:"status"`
	TotalCards     int64      `bun:"total_cards"`
	CardsGenerated int64      `bun:"cards_generated"`
	Progress       int        `bun:"progress"`
	ETASeconds     int64      `bun:"eta_seconds"`
	DPI            int        `bun:"dpi"`
	RenderScale    float64    `bun:"render_scale"`
	TotalLots      int        `bun:"total_lots"`
	IncludeMPIID   bool       `bun:"include_mpi_id"`
	CostFCFA       int64      `bun:"cost_fcfa"`
	QuotaConsumed  int64      `bun:"quota_consumed"`
	QuotaRefunded  int64      `bun:"quota_refunded"`
	ErrorMessage   string     `bun:"error_message"`
	WorkSeconds    float64    `bun:"work_seconds"`
	CreatedAt      time.Time  `bun:"created_at"`
	StartedAt      *time.Time `bun:"started_at"`
	CompletedAt    *time.Time `bun:"completed_at"`
	FailedAt       *time.Time `bun:"failed_at"`
	CancelledAt    *time.Time `bun:"cancelled_at"`
}

func newCardJobRow(j campaign.Job) cardJobRow {
	return cardJobRow{ID: j.ID, CampaignID: j.CampaignID, ProgrammeID: j.ProgrammeID, QueueJobID: j.QueueJobID, Status: string(j.Status),
		TotalCards: j.TotalCards, CardsGenerated: j.CardsGenerated, Progress: j.Progress, ETASeconds: j.ETASeconds, DPI: j.DPI,
		RenderScale: j.RenderScale, TotalLots: j.TotalLots, IncludeMPIID: j.IncludeMPIID, CostFCFA: j.CostFCFA,
		QuotaConsumed: j.QuotaConsumed, QuotaRefunded: j.QuotaRefunded, ErrorMessage: j.ErrorMessage, WorkSeconds: j.WorkSeconds,
		CreatedAt: dbTime(j.CreatedAt), StartedAt: dbTimePtr(j.StartedAt), CompletedAt: dbTimePtr(j.CompletedAt),
		FailedAt: dbTimePtr(j.FailedAt), CancelledAt: dbTimePtr(j.CancelledAt)}
}

func (r cardJobRow) job() campaign.Job {
	return campaign.Job{ID: r.ID, CampaignID: r.CampaignID, ProgrammeID: r.ProgrammeID, QueueJobID: r.QueueJobID,
		Status: campaign.JobStatus(r.Status), TotalCards: r.TotalCards, CardsGenerated: r.CardsGenerated, Progress: r.Progress,
		ETASeconds: r.ETASeconds, DPI: r.DPI, RenderScale: r.RenderScale, TotalLots: r.TotalLots, IncludeMPIID: r.IncludeMPIID,
		CostFCFA: r.CostFCFA, QuotaConsumed: r.QuotaConsumed, QuotaRefunded: r.QuotaRefunded, ErrorMessage: r.ErrorMessage,
		WorkSeconds: r.WorkSeconds, CreatedAt: r.CreatedAt.UTC(), StartedAt: utcPtr(r.StartedAt), CompletedAt: utcPtr(r.CompletedAt),
		FailedAt: utcPtr(r.FailedAt), CancelledAt: utcPtr(r.CancelledAt)}
}

// beneficiaryJSON is the stored form of a job's input rows.
type beneficiaryJSON struct {
	FirstName     string `json:"first_name"`
	LastName      string `json:"last_name"`
	DateOfBirth   string `json:"date_of_birth"`
	BeneficiaryID string `json:"beneficiary_id"`
	PhoneNumber   string `json:"phone_number,omitempty"`
}

// inputArtifact names the stored input rows among a job's artifacts.
const inputArtifact = "input"

// CreateCardJob implements ports.CardJobStore: the job row and its input
// rows (one JSON artifact) in one transaction.
func (s *CampaignStore) CreateCardJob(ctx context.Context, j campaign.Job, rows []campaign.Beneficiary) error {
	if err := checkText(j.ID, j.CampaignID, j.ProgrammeID, j.QueueJobID, string(j.Status), j.ErrorMessage); err != nil {
		return err
	}
	in := make([]beneficiaryJSON, len(rows))
	for i, b := range rows {
		if err := checkText(b.FirstName, b.LastName, b.DateOfBirth, b.BeneficiaryID, b.PhoneNumber); err != nil {
			return err
		}
		in[i] = beneficiaryJSON(b)
	}
	raw, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("encode beneficiaries: %w", err)
	}
	return s.db.WithinTx(ctx, func(ctx context.Context) error {
		row := newCardJobRow(j)
		if _, err := s.db.idb(ctx).NewInsert().Model(&row).Exec(ctx); err != nil {
			return conflictOr(s.db, err, "campaign.job_taken", "store job")
		}
		return s.PutArtifact(ctx, j.ID, inputArtifact, raw)
	})
}

// CardJob implements ports.CardJobStore.
func (s *CampaignStore) CardJob(ctx context.Context, id string) (campaign.Job, error) {
	if err := checkText(id); err != nil {
		return campaign.Job{}, err
	}
	var row cardJobRow
	err := s.db.idb(ctx).NewSelect().Model(&row).Where("id = ?", id).Scan(ctx)
	if isNoRows(err) {
		return campaign.Job{}, errCardJobNotFound
	}
	if err != nil {
		return campaign.Job{}, s.db.wrapErr(err, "load job")
	}
	return row.job(), nil
}

// CardJobs implements ports.CardJobStore.
func (s *CampaignStore) CardJobs(ctx context.Context, f ports.CardJobFilter) ([]campaign.Job, int, error) {
	limit, err := pageLimit(f.Limit, f.Offset, 20, 100)
	if err != nil {
		return nil, 0, err
	}
	if err := checkText(f.ProgrammeID, f.CampaignID, string(f.Status)); err != nil {
		return nil, 0, err
	}
	var rows []cardJobRow
	q := s.db.idb(ctx).NewSelect().Model(&rows)
	if f.ProgrammeID != "" {
		q = q.Where("programme_id = ?", f.ProgrammeID)
	}
	if f.CampaignID != "" {
		q = q.Where("campaign_id = ?", f.CampaignID)
	}
	if f.Status != "" {
		q = q.Where("status = ?", string(f.Status))
	}
	total, err := q.Order("created_at DESC", "id DESC").Limit(int64(limit)).Offset(int64(f.Offset)).ScanAndCount(ctx)
	if err != nil && !isNoRows(err) {
		return nil, 0, s.db.wrapErr(err, "list jobs")
	}
	out := make([]campaign.Job, len(rows))
	for i, r := range rows {
		out[i] = r.job()
	}
	return out, int(total), nil
}

// UpdateCardJob implements ports.CardJobStore.
func (s *CampaignStore) UpdateCardJob(ctx context.Context, id string, fn func(*campaign.Job) error) (campaign.Job, error) {
	if err := checkText(id); err != nil {
		return campaign.Job{}, err
	}
	var out campaign.Job
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		var row cardJobRow
		err := s.forUpdate(s.db.idb(ctx).NewSelect().Model(&row).Where("id = ?", id)).Scan(ctx)
		if isNoRows(err) {
			return errCardJobNotFound
		}
		if err != nil {
			return s.db.wrapErr(err, "lock job")
		}
		j := row.job()
		if err := fn(&j); err != nil {
			return err
		}
		j.ID, j.CampaignID, j.ProgrammeID, j.CreatedAt = row.ID, row.CampaignID, row.ProgrammeID, row.CreatedAt
		if err := checkText(j.QueueJobID, string(j.Status), j.ErrorMessage); err != nil {
			return err
		}
		next := newCardJobRow(j)
		if _, err := s.db.idb(ctx).NewUpdate().Model(&next).ExcludeColumn("id", "campaign_id", "programme_id", "created_at").
			Where("id = ?", id).Exec(ctx); err != nil {
			return s.db.wrapErr(err, "update job")
		}
		out = next.job()
		return nil
	})
	return out, err
}

// Beneficiaries implements ports.CardJobStore.
func (s *CampaignStore) Beneficiaries(ctx context.Context, jobID string, from, n int) ([]campaign.Beneficiary, error) {
	raw, err := s.Artifact(ctx, jobID, inputArtifact)
	if err != nil {
		return nil, err
	}
	var in []beneficiaryJSON
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, fmt.Errorf("decode beneficiaries of job %s: %w", jobID, err)
	}
	if from < 0 || n < 0 {
		return nil, fault.Field("from", "store.invalid_page", "from and n must not be negative")
	}
	from = min(from, len(in))
	end := min(from+n, len(in))
	out := make([]campaign.Beneficiary, 0, end-from)
	for _, b := range in[from:end] {
		out = append(out, campaign.Beneficiary(b))
	}
	return out, nil
}

type artifactRow struct {
	bun.BaseModel `bun:"table:card_job_artifacts"`

	JobID   string `bun:"job_id,pk"`
	Name    string `bun:"name,pk"`
	Content string `bun:"content"`
}

// PutArtifact implements ports.CardJobStore.
func (s *CampaignStore) PutArtifact(ctx context.Context, jobID, name string, content []byte) error {
	if err := checkText(jobID, name, string(content)); err != nil {
		return err
	}
	return s.db.WithinTx(ctx, func(ctx context.Context) error {
		idb := s.db.idb(ctx)
		if _, err := idb.NewDelete().Model((*artifactRow)(nil)).Where("job_id = ? AND name = ?", jobID, name).Exec(ctx); err != nil {
			return s.db.wrapErr(err, "replace artifact")
		}
		row := artifactRow{JobID: jobID, Name: name, Content: string(content)}
		if _, err := idb.NewInsert().Model(&row).Exec(ctx); err != nil {
			if cl, _ := classify(err); cl == classForeignKey {
				return errCardJobNotFound
			}
			return s.db.wrapErr(err, "store artifact")
		}
		return nil
	})
}

// Artifact implements ports.CardJobStore.
func (s *CampaignStore) Artifact(ctx context.Context, jobID, name string) ([]byte, error) {
	if err := checkText(jobID, name); err != nil {
		return nil, err
	}
	var row artifactRow
	err := s.db.idb(ctx).NewSelect().Model(&row).Where("job_id = ? AND name = ?", jobID, name).Scan(ctx)
	if isNoRows(err) {
		return nil, errArtifactNotFound
	}
	if err != nil {
		return nil, s.db.wrapErr(err, "load artifact")
	}
	return []byte(row.Content), nil
}

type cardRow struct {
	bun.BaseModel `bun:"table:cards"`

	Code          string     `bun:"code,pk"`
	Ref           string     `bun:"ref"`
	JobID         string     `bun:"job_id"`
	CampaignID    string     `bun:"campaign_id"`
	ProgrammeID   string     `bun:"programme_id"`
	Row           int        `bun:"row_index"`
	BeneficiaryID string     `bun:"beneficiary_id"`
	MPIID         string     `bun:"mpi_id"`
	TokenHash     string     `bun:"token_hash"`
	Status        string     `bun:"status"`
	Scans         int64      `bun:"scans"`
	IssuedAt      time.Time  `bun:"issued_at"`
	FirstScanAt   *time.Time `bun:"first_scan_at"`
	LastScanAt    *time.Time `bun:"last_scan_at"`
}

func (r cardRow) card() campaign.Card {
	return campaign.Card{Code: r.Code, Ref: r.Ref, JobID: r.JobID, CampaignID: r.CampaignID, ProgrammeID: r.ProgrammeID, Row: r.Row,
		BeneficiaryID: r.BeneficiaryID, MPIID: r.MPIID, TokenHash: r.TokenHash, Status: r.Status, Scans: r.Scans,
		IssuedAt: r.IssuedAt.UTC(), LastScanAt: utcPtr(r.LastScanAt)}
}

// AddCards implements ports.CardStore.
func (s *CampaignStore) AddCards(ctx context.Context, cards []campaign.Card) error {
	if len(cards) == 0 {
		return nil
	}
	rows := make([]cardRow, len(cards))
	for i, c := range cards {
		if err := checkText(c.Code, c.Ref, c.JobID, c.CampaignID, c.ProgrammeID, c.BeneficiaryID, c.MPIID, c.TokenHash, c.Status); err != nil {
			return err
		}
		rows[i] = cardRow{Code: c.Code, Ref: c.Ref, JobID: c.JobID, CampaignID: c.CampaignID, ProgrammeID: c.ProgrammeID, Row: c.Row,
			BeneficiaryID: c.BeneficiaryID, MPIID: c.MPIID, TokenHash: c.TokenHash, Status: c.Status, IssuedAt: dbTime(c.IssuedAt)}
	}
	return s.db.WithinTx(ctx, func(ctx context.Context) error {
		if _, err := s.db.idb(ctx).NewInsert().Model(&rows).Exec(ctx); err != nil {
			if cl, _ := classify(err); cl == classForeignKey {
				return errCardJobNotFound
			}
			return conflictOr(s.db, err, "campaign.card_taken", "store cards")
		}
		return nil
	})
}

// JobCards implements ports.CardStore.
func (s *CampaignStore) JobCards(ctx context.Context, jobID string) ([]campaign.Card, error) {
	return s.cards(ctx, "job_id", jobID)
}

// CampaignCards implements ports.CardStore.
func (s *CampaignStore) CampaignCards(ctx context.Context, campaignID string) ([]campaign.Card, error) {
	return s.cards(ctx, "campaign_id", campaignID)
}

func (s *CampaignStore) cards(ctx context.Context, col, id string) ([]campaign.Card, error) {
	if err := checkText(id); err != nil {
		return nil, err
	}
	var rows []cardRow
	err := s.db.idb(ctx).NewSelect().Model(&rows).Where("? = ?", bun.Ident(col), id).Order("job_id", "row_index").Scan(ctx)
	if err != nil && !isNoRows(err) {
		return nil, s.db.wrapErr(err, "list cards")
	}
	out := make([]campaign.Card, len(rows))
	for i, r := range rows {
		out[i] = r.card()
	}
	return out, nil
}

// CardBy implements ports.CardStore.
func (s *CampaignStore) CardBy(ctx context.Context, by, value string) (campaign.Card, error) {
	switch by {
	case "code", "ref", "token_hash":
	default:
		return campaign.Card{}, fault.Field("by", "store.invalid_lookup", "by must be code, ref or token_hash")
	}
	if err := checkText(value); err != nil {
		return campaign.Card{}, err
	}
	var row cardRow
	err := s.db.idb(ctx).NewSelect().Model(&row).Where("? = ?", bun.Ident(by), value).Limit(1).Scan(ctx)
	if isNoRows(err) {
		return campaign.Card{}, errCardNotFound
	}
	if err != nil {
		return campaign.Card{}, s.db.wrapErr(err, "load card")
	}
	return row.card(), nil
}

// CountScan implements ports.CardStore.
func (s *CampaignStore) CountScan(ctx context.Context, code string, now time.Time) error {
	if err := checkText(code); err != nil {
		return err
	}
	t := dbTime(now)
	res, err := s.db.idb(ctx).NewUpdate().Table("cards").Set("scans = scans + 1").Set("last_scan_at = ?", t).
		Set("first_scan_at = COALESCE(first_scan_at, ?)", t).Where("code = ?", code).Exec(ctx)
	if err != nil {
		return s.db.wrapErr(err, "count scan")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errCardNotFound
	}
	return nil
}

// ScanStats implements ports.CardStore.
func (s *CampaignStore) ScanStats(ctx context.Context, campaignID string) (campaign.ScanStats, error) {
	if err := checkText(campaignID); err != nil {
		return campaign.ScanStats{}, err
	}
	var agg struct {
		Total    int64      `bun:"total"`
		Verified int64      `bun:"verified"`
		First    *time.Time `bun:"first"`
		Last     *time.Time `bun:"last"`
	}
	err := s.db.idb(ctx).NewSelect().Table("cards").
		ColumnExpr("COUNT(*) AS total").
		ColumnExpr("COALESCE(SUM(CASE WHEN scans > 0 THEN 1 ELSE 0 END), 0) AS verified").
		ColumnExpr("MIN(first_scan_at) AS ?", bun.Ident("first")).
		ColumnExpr("MAX(last_scan_at) AS ?", bun.Ident("last")).
		Where("campaign_id = ?", campaignID).Scan(ctx, &agg)
	if err != nil {
		return campaign.ScanStats{}, s.db.wrapErr(err, "campaign scan stats")
	}
	return campaign.ScanStats{TotalCards: agg.Total, VerifiedCards: agg.Verified, First: utcPtr(agg.First), Last: utcPtr(agg.Last)}, nil
}

type engineUsageRow struct {
	bun.BaseModel `bun:"table:engine_usage"`

	ProgrammeID    string    `bun:"programme_id,pk"`
	EngineMode     string    `bun:"engine_mode,pk"`
	Period         string    `bun:"period,pk"`
	CardsGenerated int64     `bun:"cards_generated"`
	LastUpdated    time.Time `bun:"last_updated"`
}

// AddEngineUsage implements ports.EngineUsageStore: an update, or an insert
// when the record does not exist yet, in one transaction.
func (s *CampaignStore) AddEngineUsage(ctx context.Context, programmeID string, mode campaign.EngineMode, period string, cards int64, now time.Time) error {
	if err := checkText(programmeID, string(mode), period); err != nil {
		return err
	}
	return s.db.WithinTx(ctx, func(ctx context.Context) error {
		idb := s.db.idb(ctx)
		res, err := idb.NewUpdate().Table("engine_usage").Set("cards_generated = cards_generated + ?", cards).Set("last_updated = ?", dbTime(now)).
			Where("programme_id = ? AND engine_mode = ? AND period = ?", programmeID, string(mode), period).Exec(ctx)
		if err != nil {
			return s.db.wrapErr(err, "add engine usage")
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return nil
		}
		row := engineUsageRow{ProgrammeID: programmeID, EngineMode: string(mode), Period: period, CardsGenerated: cards, LastUpdated: dbTime(now)}
		if _, err := idb.NewInsert().Model(&row).Exec(ctx); err != nil {
			return s.db.wrapErr(err, "create engine usage")
		}
		return nil
	})
}

// EngineUsage implements ports.EngineUsageStore.
func (s *CampaignStore) EngineUsage(ctx context.Context, programmeID, period string) ([]campaign.UsageRecord, error) {
	if err := checkText(programmeID, period); err != nil {
		return nil, err
	}
	var rows []engineUsageRow
	err := s.db.idb(ctx).NewSelect().Model(&rows).Where("programme_id = ? AND period = ?", programmeID, period).Order("engine_mode").Scan(ctx)
	if err != nil && !isNoRows(err) {
		return nil, s.db.wrapErr(err, "list engine usage")
	}
	out := make([]campaign.UsageRecord, len(rows))
	for i, r := range rows {
		out[i] = campaign.UsageRecord{ProgrammeID: r.ProgrammeID, EngineMode: campaign.EngineMode(r.EngineMode), Period: r.Period,
			CardsGenerated: r.CardsGenerated, LastUpdated: r.LastUpdated.UTC()}
	}
	return out, nil
}

type distributionRow struct {
	bun.BaseModel `bun:"table:distribution_events"`

	ID            string    `bun:"id,pk"`
	ProgrammeID   string    `bun:"programme_id"`
	ClientEventID string    `bun:"client_event_id"`
	CampaignID    string    `bun:"campaign_id"`
	Region        string    `bun:"region"`
	Channel       string    `bun:"channel"`
	EventType     string    `bun:"event_type"`
	Count         int64     `bun:"count"`
	CreatedAt     time.Time `bun:"created_at"`
}

// AddDistributionEvents implements ports.DistributionEventStore: each event
// is inserted unless its (programme, client event id) exists, in one
// transaction.
func (s *CampaignStore) AddDistributionEvents(ctx context.Context, events []campaign.DistributionEvent) (int, error) {
	stored := 0
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		stored = 0
		idb := s.db.idb(ctx)
		for _, e := range events {
			if err := checkText(e.ID, e.ProgrammeID, e.ClientEventID, e.CampaignID, e.Region, e.Channel, e.EventType); err != nil {
				return err
			}
			n, err := idb.NewSelect().Table("distribution_events").Where("programme_id = ? AND client_event_id = ?", e.ProgrammeID, e.ClientEventID).Count(ctx)
			if err != nil {
				return s.db.wrapErr(err, "look up distribution event")
			}
			if n > 0 {
				continue
			}
			row := distributionRow{ID: e.ID, ProgrammeID: e.ProgrammeID, ClientEventID: e.ClientEventID, CampaignID: e.CampaignID,
				Region: e.Region, Channel: e.Channel, EventType: e.EventType, Count: e.Count, CreatedAt: dbTime(e.CreatedAt)}
			if _, err := idb.NewInsert().Model(&row).Exec(ctx); err != nil {
				return conflictOr(s.db, err, "distribution.event_taken", "store distribution event")
			}
			stored++
		}
		return nil
	})
	return stored, err
}

// DistributionEvents implements ports.DistributionEventStore.
func (s *CampaignStore) DistributionEvents(ctx context.Context, programmeID string, limit int) ([]campaign.DistributionEvent, error) {
	limit, err := pageLimit(limit, 0, 50, 500)
	if err != nil {
		return nil, err
	}
	return latestEvents(ctx, s.db, programmeID, limit)
}

// latestEvents returns a programme's (every programme's when programmeID
// is empty) latest limit distribution events, newest first.
func latestEvents(ctx context.Context, db *DB, programmeID string, limit int) ([]campaign.DistributionEvent, error) {
	if err := checkText(programmeID); err != nil {
		return nil, err
	}
	var rows []distributionRow
	q := db.idb(ctx).NewSelect().Model(&rows)
	if programmeID != "" {
		q = q.Where("programme_id = ?", programmeID)
	}
	if err := q.Order("created_at DESC", "id DESC").Limit(int64(limit)).Scan(ctx); err != nil && !isNoRows(err) {
		return nil, db.wrapErr(err, "list distribution events")
	}
	out := make([]campaign.DistributionEvent, len(rows))
	for i, r := range rows {
		out[i] = campaign.DistributionEvent{ID: r.ID, ProgrammeID: r.ProgrammeID, ClientEventID: r.ClientEventID, CampaignID: r.CampaignID,
			Region: r.Region, Channel: r.Channel, EventType: r.EventType, Count: r.Count, CreatedAt: r.CreatedAt.UTC()}
	}
	return out, nil
}
