package campaignsvc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/kente-gov/kente/core/campaign"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/job"
	"github.com/kente-gov/kente/core/programme"
	"github.com/kente-gov/kente/ports"
)

// GenerateKind is the queue kind of card-generation jobs.
const GenerateKind = "campaign.generate"

// What a manifest says when a job asked for MPI ids (include_mpi_id) and
// its rows did not get them.
const (
	// MPINote: the service was built without an MPI registry.
	MPINote = "No MPI id was assigned: this server has no MPI registry configured for card generation; QR tokens use an empty mpi_id."
	// MPINoRegion: neither the campaign's region_code nor the first part
	// of its prefix is a three-letter MPI region code.
	MPINoRegion = "No MPI id was assigned: the campaign has no three-letter region code (region_code, or the first part of the prefix) to register its beneficiaries in; QR tokens use an empty mpi_id."
	// MPINoCountry: the programme's country is not an ISO 3166-1 code.
	MPINoCountry = "No MPI id was assigned: the programme has no ISO country code to register its beneficiaries in; QR tokens use an empty mpi_id."
)

// Artifact names a job download.
const (
	ArtifactManifest = "manifest"
	ArtifactRegistry = "registry"
)

// JobInput is POST /campaigns/{id}/jobs.
type JobInput struct {
	Beneficiaries []campaign.Beneficiary
	DPI           int   // 300 when 0
	IncludeMPIID  *bool // true when nil
}

type generatePayload struct {
	CardJobID string `json:"card_job_id"`
}

// quote prices n cards at dpi for the programme now: the plan, the month's
// studio usage, and the over-quota rules. Refusals are the rules' 402s.
func (s *Service) quote(ctx context.Context, programmeID string, n int64, dpi int, now time.Time) (programme.Quote, programme.Programme, error) {
	p, err := s.d.Programmes.ProgrammeByID(ctx, programmeID)
	if err != nil {
		return programme.Quote{}, programme.Programme{}, fmt.Errorf("load programme: %w", err)
	}
	plan, err := s.d.Billing.QuotaPlan(ctx, p.Plan)
	if err != nil {
		return programme.Quote{}, p, err
	}
	if !campaign.AllowedDPI(plan.Plan, dpi) {
		return programme.Quote{}, p, fault.Field("dpi", CodeDPINotInPlan, fmt.Sprintf("dpi %d is not available on the %s plan", dpi, plan.Plan))
	}
	used, err := s.usedCards(ctx, programmeID, now)
	if err != nil {
		return programme.Quote{}, p, err
	}
	q, err := programme.QuoteUsage(plan, programme.Usage{Meter: programme.MeterIdentities, Source: programme.SourceStudio, DPI: dpi,
		Used: used, Units: n}, p.BalanceFCFA)
	return q, p, err
}

// usedCards is the month's identity quota already consumed.
func (s *Service) usedCards(ctx context.Context, programmeID string, now time.Time) (int64, error) {
	recs, err := s.d.Usage.EngineUsage(ctx, programmeID, programme.BillingPeriod(now))
	if err != nil {
		return 0, err
	}
	var used int64
	for _, r := range recs {
		used += r.CardsGenerated
	}
	return used, nil
}

// CreateJob validates the beneficiaries row by row and, in one transaction
// holding the programme's row, prices the job under the billing rules,
// stores it, enqueues its queue job, consumes the quota (usage record) and
// debits any overage.
func (s *Service) CreateJob(ctx context.Context, a Actor, campaignID string, in JobInput) (campaign.Job, error) {
	c, err := s.campaignFor(ctx, a, campaignID)
	if err != nil {
		return campaign.Job{}, err
	}
	if c.ProgrammeID != a.ProgrammeID {
		return campaign.Job{}, errCampaignMissing // administrators launch jobs only in their own programme
	}
	if c.Archived {
		return campaign.Job{}, fault.New(fault.Conflict, CodeArchived, "The campaign is archived; restore it to generate cards")
	}
	if c.TemplateID == "" {
		return campaign.Job{}, fault.Field("template_id", CodeNoTemplate, "A campaign without a template cannot be generated")
	}
	if in.DPI == 0 {
		in.DPI = 300
	}
	scale, err := campaign.RenderScale(in.DPI)
	if err != nil {
		return campaign.Job{}, err
	}
	now := s.d.Clock.Now().UTC()
	if err := campaign.CheckBeneficiaries(in.Beneficiaries, now); err != nil {
		return campaign.Job{}, err
	}
	n := int64(len(in.Beneficiaries))
	id, err := s.uuid()
	if err != nil {
		return campaign.Job{}, err
	}
	include := in.IncludeMPIID == nil || *in.IncludeMPIID
	j := campaign.Job{ID: id, CampaignID: c.ID, ProgrammeID: c.ProgrammeID, Status: campaign.JobPending, TotalCards: n, DPI: in.DPI,
		RenderScale: scale, TotalLots: campaign.Lots(n), IncludeMPIID: include, QuotaConsumed: n,
		ETASeconds: campaign.ETASeconds(0, n, 0, 100/campaign.TargetSecondsPer100), CreatedAt: now}
	payload, _ := json.Marshal(generatePayload{CardJobID: id})
	err = s.d.Tx.WithinTx(ctx, func(ctx context.Context) error {
		// Concurrent launches of one programme take turns on its row, so the
		// month's usage and the balance priced here are the ones this job is
		// charged against (two launches cannot both fit in the last quota).
		if _, err := s.d.Programmes.UpdateProgramme(ctx, c.ProgrammeID, func(*programme.Programme) error { return nil }); err != nil {
			return fmt.Errorf("lock programme: %w", err)
		}
		q, _, err := s.quote(ctx, c.ProgrammeID, n, in.DPI, now)
		if err != nil {
			return err
		}
		j.CostFCFA = q.CostFCFA
		qid, err := s.d.Queue.Enqueue(ctx, GenerateKind, payload, job.Options{RunAt: now})
		if err != nil {
			return err
		}
		j.QueueJobID = qid
		if err := s.d.Jobs.CreateCardJob(ctx, j, in.Beneficiaries); err != nil {
			return err
		}
		if err := s.d.Usage.AddEngineUsage(ctx, c.ProgrammeID, campaign.EngineStudioPrint, programme.BillingPeriod(now), n, now); err != nil {
			return err
		}
		if q.CostFCFA > 0 {
			desc := fmt.Sprintf("Card generation %s: %s", c.Prefix, q.Description)
			if err := s.d.Billing.Charge(ctx, a, q.CostFCFA, n, "JOB:"+id, desc); err != nil {
				return err
			}
		}
		return s.d.Audit.Record(ctx, s.event(a, "campaign.job_create", "job", id, map[string]any{
			"campaign_id": c.ID, "cards": n, "dpi": in.DPI, "cost_fcfa": q.CostFCFA}))
	})
	if err != nil {
		return campaign.Job{}, err
	}
	return j, nil
}

// JobQuery filters the job list.
type JobQuery struct {
	CampaignID    string
	Status        string
	Limit, Offset int
}

// JobPage is a page of jobs.
type JobPage struct {
	Items                []campaign.Job
	Total, Limit, Offset int
}

// Jobs lists the caller's programme's jobs, newest first.
func (s *Service) Jobs(ctx context.Context, a Actor, q JobQuery) (JobPage, error) {
	limit, offset, err := page(q.Limit, q.Offset, 20, 100)
	if err != nil {
		return JobPage{}, err
	}
	items, total, err := s.d.Jobs.CardJobs(ctx, ports.CardJobFilter{ProgrammeID: a.ProgrammeID, CampaignID: q.CampaignID,
		Status: campaign.JobStatus(q.Status), Limit: limit, Offset: offset})
	if err != nil {
		return JobPage{}, err
	}
	return JobPage{Items: items, Total: total, Limit: limit, Offset: offset}, nil
}

// Job returns a job the caller may see.
func (s *Service) Job(ctx context.Context, a Actor, id string) (campaign.Job, error) {
	j, err := s.d.Jobs.CardJob(ctx, id)
	if fault.Is(err, fault.NotFound) || (err == nil && !visible(a, j.ProgrammeID)) {
		return campaign.Job{}, errJobMissing
	}
	return j, err
}

// Estimate is what a job would cost if launched now.
type Estimate struct {
	Job         campaign.Job
	Quote       programme.Quote
	BalanceFCFA int64
	Blocked     *fault.Error // the 402 a launch would meet, if any
	ETASeconds  int64
}

// Estimate prices the job's card count under the plan and usage of now.
func (s *Service) Estimate(ctx context.Context, a Actor, id string) (Estimate, error) {
	j, err := s.Job(ctx, a, id)
	if err != nil {
		return Estimate{}, err
	}
	now := s.d.Clock.Now().UTC()
	q, p, err := s.quote(ctx, j.ProgrammeID, j.TotalCards, j.DPI, now)
	out := Estimate{Job: j, Quote: q, BalanceFCFA: p.BalanceFCFA,
		ETASeconds: campaign.ETASeconds(0, j.TotalCards, 0, 100/campaign.TargetSecondsPer100)}
	if fe, ok := fault.As(err); ok && fe.Kind == fault.PaymentRequired {
		out.Blocked = fe
		return out, nil
	}
	return out, err
}

// CancelJob cancels a pending job: its queue job is cancelled, its quota
// given back and a refund transaction written, atomically. A job already
// being processed is fault.Conflict.
func (s *Service) CancelJob(ctx context.Context, a Actor, id string) (campaign.Job, error) {
	j, err := s.Job(ctx, a, id)
	if err != nil {
		return campaign.Job{}, err
	}
	notCancellable := fault.New(fault.Conflict, CodeNotCancellable, "Only a pending job can be cancelled")
	if j.Status != campaign.JobPending {
		return campaign.Job{}, notCancellable
	}
	now := s.d.Clock.Now().UTC()
	var out campaign.Job
	err = s.d.Tx.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.d.Queue.Cancel(ctx, j.QueueJobID, now); err != nil {
			if fault.Is(err, fault.Conflict) {
				return notCancellable
			}
			return err
		}
		var err error
		out, err = s.d.Jobs.UpdateCardJob(ctx, id, func(j *campaign.Job) error {
			if !campaign.CanMove(j.Status, campaign.JobCancelled) {
				return notCancellable
			}
			j.Status, j.CancelledAt, j.ETASeconds = campaign.JobCancelled, &now, 0
			return s.refund(ctx, j, "cancelled", now)
		})
		if err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, s.event(a, "campaign.job_cancel", "job", id, map[string]any{"quota_refunded": out.QuotaRefunded}))
	})
	return out, err
}

// refund gives back a job's quota (usage record) and writes its refund
// transaction (the overage paid, possibly 0 FCFA, with the card count);
// it runs inside the caller's transaction and sets j.QuotaRefunded.
func (s *Service) refund(ctx context.Context, j *campaign.Job, why string, now time.Time) error {
	if j.QuotaRefunded > 0 {
		return nil
	}
	back := j.QuotaConsumed
	if err := s.d.Usage.AddEngineUsage(ctx, j.ProgrammeID, campaign.EngineStudioPrint, programme.BillingPeriod(j.CreatedAt), -back, now); err != nil {
		return err
	}
	id, err := s.uuid()
	if err != nil {
		return err
	}
	_, err = s.d.Ledger.ApplyBalanceChange(ctx, ports.BalanceChange{Entry: programme.LedgerEntry{ID: id, ProgrammeID: j.ProgrammeID,
		Type: programme.TxRefund, AmountFCFA: j.CostFCFA, CardCount: back, Reference: "JOB:" + j.ID, CreatedAt: now,
		Description: fmt.Sprintf("Refund of job %s (%s): %d cards of quota", j.ID, why, back)}})
	if err != nil {
		return fmt.Errorf("refund job %s: %w", j.ID, err)
	}
	j.QuotaRefunded = back
	return nil
}

// Artifact returns a completed job's manifest or registry (JSON). pdf, zip
// and portal are fault.NotImplemented until card rendering exists.
func (s *Service) Artifact(ctx context.Context, a Actor, id, name string) ([]byte, error) {
	switch name {
	case ArtifactManifest, ArtifactRegistry:
	case "pdf", "zip", "portal":
		return nil, fault.New(fault.NotImplemented, CodeRendering,
			"The "+name+" artifact needs the Card Studio rendering work (PDF/PNG card renderer and portal build), which is not implemented yet; the manifest and registry are available")
	default:
		return nil, fault.Field("artifact", "campaign.invalid_artifact", "artifact must be manifest, registry, pdf, zip or portal")
	}
	j, err := s.Job(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if j.Status != campaign.JobCompleted {
		return nil, fault.New(fault.Conflict, CodeNotReady, "The job has not completed; artifacts exist only for completed jobs")
	}
	return s.d.Jobs.Artifact(ctx, id, name)
}

// errAbandon marks a job the worker failed on purpose (it has been marked
// failed and refunded); the queue job then completes.
var errAbandon = errors.New("job abandoned")
