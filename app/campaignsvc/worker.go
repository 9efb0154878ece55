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
	"github.com/kente-gov/kente/core/mpi"
)

// maxCodeDraws bounds how often one lot draws new codes after a collision.
const maxCodeDraws = 5

// Generate is the queue handler of GenerateKind. It is resumable and safe
// to run again: each lot of cards is stored with the job's progress in one
// transaction, so a run that dies resumes after the last stored lot. A job
// that cannot be generated (its campaign archived, or its last attempt
// failing) is marked failed and its quota refunded, and Generate returns nil
// (or the last attempt's error). Errors of earlier attempts are returned for
// a retry.
func (s *Service) Generate(ctx context.Context, q job.Job) error {
	var p generatePayload
	if err := json.Unmarshal(q.Payload, &p); err != nil || p.CardJobID == "" {
		return fault.Field("payload", "campaign.invalid_payload", "the job payload names no card job")
	}
	err := s.generate(ctx, p.CardJobID)
	switch {
	case err == nil, errors.Is(err, errAbandon):
		return nil
	case ctx.Err() != nil:
		return err // shutdown: released for another run
	case q.Attempt >= q.MaxAttempts:
		if ferr := s.fail(context.WithoutCancel(ctx), p.CardJobID, "Generation failed after retries"); ferr != nil {
			return errors.Join(err, ferr)
		}
	}
	return err
}

// GiveUp settles a generation whose final attempt ended without an outcome
// (the worker stopped, the lease ran out): the card job is failed and its
// quota and overage refunded, as after a failed last attempt. It is
// idempotent.
func (s *Service) GiveUp(ctx context.Context, q job.Job, reason string) error {
	var p generatePayload
	if err := json.Unmarshal(q.Payload, &p); err != nil || p.CardJobID == "" {
		return fault.Field("payload", "campaign.invalid_payload", "the job payload names no card job")
	}
	return s.fail(ctx, p.CardJobID, "Generation stopped and could not be resumed: "+reason)
}

func (s *Service) generate(ctx context.Context, id string) error {
	j, err := s.d.Jobs.CardJob(ctx, id)
	if err != nil {
		return err
	}
	if !j.Status.Active() {
		return nil // completed, failed or cancelled: nothing to do
	}
	c, err := s.d.Campaigns.Campaign(ctx, j.CampaignID)
	if err != nil {
		return err
	}
	if c.Archived {
		if err := s.fail(ctx, id, "The campaign was archived before its cards were generated"); err != nil {
			return err
		}
		return errAbandon
	}
	if j.Status == campaign.JobPackaging { // the previous run died while packaging
		return s.pack(ctx, j, c)
	}
	now := s.d.Clock.Now().UTC()
	for _, next := range []campaign.JobStatus{campaign.JobProcessing, campaign.JobGenerating} {
		j, err = s.d.Jobs.UpdateCardJob(ctx, id, func(j *campaign.Job) error {
			if !campaign.CanMove(j.Status, next) {
				return fault.New(fault.Conflict, "campaign.job_moved", "the job is "+string(j.Status))
			}
			if j.StartedAt == nil {
				j.StartedAt = &now
			}
			j.Status = next
			return nil
		})
		if err != nil {
			return err
		}
	}
	if _, err := s.d.Campaigns.UpdateCampaign(ctx, c.ID, func(c *campaign.Campaign) error {
		c.Status, c.UpdatedAt = campaign.StatusGenerating, now
		return nil
	}); err != nil {
		return err
	}
	place, _, err := s.mpiPlace(ctx, j, c)
	if err != nil {
		return err
	}
	for j.CardsGenerated < j.TotalCards {
		if err := ctx.Err(); err != nil {
			return err
		}
		if j, err = s.lot(ctx, j, c, place); err != nil {
			return err
		}
	}
	return s.pack(ctx, j, c)
}

// lot generates and stores the next lot of cards with the job's progress,
// registering its rows in the MPI at place when place.ok.
func (s *Service) lot(ctx context.Context, j campaign.Job, c campaign.Campaign, place mpiPlacement) (campaign.Job, error) {
	start := s.d.Clock.Now()
	rows, err := s.d.Jobs.Beneficiaries(ctx, j.ID, int(j.CardsGenerated), campaign.LotSize)
	if err != nil {
		return j, err
	}
	if len(rows) == 0 {
		return j, fmt.Errorf("job %s: input ends at row %d of %d", j.ID, j.CardsGenerated, j.TotalCards)
	}
	for draw := 1; ; draw++ {
		cards := make([]campaign.Card, len(rows))
		issued := s.d.Clock.Now().UTC()
		for i, b := range rows {
			ref, err := campaign.NewRef(s.d.Rand)
			if err != nil {
				return j, err
			}
			code := campaign.CardCode(c.Prefix, ref)
			cards[i] = campaign.Card{Code: code, Ref: ref, JobID: j.ID, CampaignID: c.ID, ProgrammeID: j.ProgrammeID,
				Row: int(j.CardsGenerated) + i, BeneficiaryID: b.BeneficiaryID, Status: campaign.CardValid, IssuedAt: issued,
				TokenHash: campaign.Hash(campaign.QRToken(s.opts.CardKey, "", c.Prefix, code))}
		}
		var out campaign.Job
		err := s.d.Tx.WithinTx(ctx, func(ctx context.Context) error {
			if place.ok {
				// In the lot's transaction: a lot that is drawn again or
				// rolled back leaves no MPI record behind.
				ids, err := s.d.MPI.AssignMPIIDs(ctx, j.ProgrammeID, place.region, place.country, "job:"+j.ID, rows)
				if err != nil {
					return fmt.Errorf("assign MPI ids: %w", err)
				}
				for i := range cards {
					cards[i].MPIID = ids[i]
					cards[i].TokenHash = campaign.Hash(campaign.QRToken(s.opts.CardKey, ids[i], c.Prefix, cards[i].Code))
				}
			}
			if err := s.d.Cards.AddCards(ctx, cards); err != nil {
				return err
			}
			var err error
			out, err = s.d.Jobs.UpdateCardJob(ctx, j.ID, func(x *campaign.Job) error {
				if x.Status != campaign.JobGenerating || x.CardsGenerated != j.CardsGenerated {
					return fault.New(fault.Conflict, "campaign.job_moved", "the job changed under the worker")
				}
				x.CardsGenerated += int64(len(cards))
				x.Progress = campaign.Progress(x.CardsGenerated, x.TotalCards)
				x.WorkSeconds += s.d.Clock.Now().Sub(start).Seconds()
				x.ETASeconds = campaign.ETASeconds(x.CardsGenerated, x.TotalCards-x.CardsGenerated,
					time.Duration(x.WorkSeconds*float64(time.Second)), 100/campaign.TargetSecondsPer100)
				return nil
			})
			return err
		})
		if err == nil {
			return out, nil
		}
		if fe, ok := fault.As(err); !ok || fe.Code != "campaign.card_taken" || draw == maxCodeDraws {
			return j, err
		}
		// A code collided (36^8 codes): draw the whole lot again.
	}
}

// mpiPlacement is where a job's rows are registered in the MPI.
type mpiPlacement struct {
	ok              bool
	region, country string
}

// mpiPlace says whether the job's rows get MPI ids and in which region and
// country (campaign.MPIRegion; the programme's country), or, in note,
// why they do not. A job that did not ask for ids gets neither.
func (s *Service) mpiPlace(ctx context.Context, j campaign.Job, c campaign.Campaign) (mpiPlacement, string, error) {
	switch {
	case !j.IncludeMPIID:
		return mpiPlacement{}, "", nil
	case s.d.MPI == nil:
		return mpiPlacement{}, MPINote, nil
	}
	region := c.MPIRegion()
	if region == "" {
		return mpiPlacement{}, MPINoRegion, nil
	}
	p, err := s.d.Programmes.ProgrammeByID(ctx, j.ProgrammeID)
	if err != nil {
		return mpiPlacement{}, "", fmt.Errorf("load programme: %w", err)
	}
	if !mpi.ValidCountry(p.Country) {
		return mpiPlacement{}, MPINoCountry, nil
	}
	return mpiPlacement{ok: true, region: region, country: p.Country}, "", nil
}

// pack builds the manifest and the signed registry, stores them, and
// completes the job and its campaign's card count in one transaction.
func (s *Service) pack(ctx context.Context, j campaign.Job, c campaign.Campaign) error {
	j, err := s.d.Jobs.UpdateCardJob(ctx, j.ID, func(x *campaign.Job) error {
		if x.CardsGenerated < x.TotalCards || !campaign.CanMove(x.Status, campaign.JobPackaging) {
			return fault.New(fault.Conflict, "campaign.job_moved", "the job changed under the worker")
		}
		x.Status = campaign.JobPackaging
		return nil
	})
	if err != nil {
		return err
	}
	manifest, registry, err := s.Artifacts(ctx, j, c)
	if err != nil {
		return err
	}
	now := s.d.Clock.Now().UTC()
	return s.d.Tx.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.d.Jobs.PutArtifact(ctx, j.ID, ArtifactManifest, manifest); err != nil {
			return err
		}
		if err := s.d.Jobs.PutArtifact(ctx, j.ID, ArtifactRegistry, registry); err != nil {
			return err
		}
		if _, err := s.d.Jobs.UpdateCardJob(ctx, j.ID, func(x *campaign.Job) error {
			if !campaign.CanMove(x.Status, campaign.JobCompleted) {
				return fault.New(fault.Conflict, "campaign.job_moved", "the job changed under the worker")
			}
			x.Status, x.Progress, x.ETASeconds, x.CompletedAt = campaign.JobCompleted, 100, 0, &now
			return nil
		}); err != nil {
			return err
		}
		_, err := s.d.Campaigns.UpdateCampaign(ctx, c.ID, func(c *campaign.Campaign) error {
			c.TotalCards += j.CardsGenerated
			c.Status, c.UpdatedAt = campaign.StatusCompleted, now
			return nil
		})
		return err
	})
}

// Artifacts builds a job's manifest and signed registry from its stored
// cards and input (the worker's packaging step; exported for benchmarks).
func (s *Service) Artifacts(ctx context.Context, j campaign.Job, c campaign.Campaign) (manifest, registry []byte, err error) {
	cards, err := s.d.Cards.JobCards(ctx, j.ID)
	if err != nil {
		return nil, nil, err
	}
	rows, err := s.d.Jobs.Beneficiaries(ctx, j.ID, 0, int(j.TotalCards))
	if err != nil {
		return nil, nil, err
	}
	now := s.d.Clock.Now().UTC()
	m := campaign.Manifest{JobID: j.ID, CampaignID: c.ID, Prefix: c.Prefix, DPI: j.DPI, RenderScale: j.RenderScale,
		GeneratedAt: now.Format(time.RFC3339), TotalCards: len(cards), IncludeMPIID: j.IncludeMPIID, Cards: make([]campaign.ManifestCard, len(cards))}
	place, note, err := s.mpiPlace(ctx, j, c)
	if err != nil {
		return nil, nil, err
	}
	m.MPINote = note
	for i, cd := range cards {
		mc := campaign.ManifestCard{Row: cd.Row, BeneficiaryID: cd.BeneficiaryID, CardCode: cd.Code, MPIID: cd.MPIID,
			QRToken: campaign.QRToken(s.opts.CardKey, cd.MPIID, c.Prefix, cd.Code), IssuedAt: cd.IssuedAt.Format(time.RFC3339)}
		if cd.Row < len(rows) {
			b := rows[cd.Row]
			mc.FirstName, mc.LastName, mc.DateOfBirth = b.FirstName, b.LastName, b.DateOfBirth
		}
		m.Cards[i] = mc
	}
	if place.ok {
		assigned := 0
		for _, cd := range cards {
			if cd.MPIID != "" {
				assigned++
			}
		}
		if assigned < len(cards) {
			m.MPINote = fmt.Sprintf("MPI ids were assigned to %d of %d rows; the registry refused the others (a name without letters, "+
				"an implausible date of birth), whose QR tokens use an empty mpi_id.", assigned, len(cards))
		}
	}
	manifest, err = json.Marshal(m)
	if err != nil {
		return nil, nil, fmt.Errorf("encode manifest: %w", err)
	}
	registry, err = campaign.BuildRegistry(s.opts.CardKey, c.Prefix, cards, now)
	if err != nil {
		return nil, nil, err
	}
	return manifest, registry, nil
}

// fail marks an active job failed and refunds its quota, atomically.
func (s *Service) fail(ctx context.Context, id, reason string) error {
	now := s.d.Clock.Now().UTC()
	return s.d.Tx.WithinTx(ctx, func(ctx context.Context) error {
		j, err := s.d.Jobs.UpdateCardJob(ctx, id, func(j *campaign.Job) error {
			if !campaign.CanMove(j.Status, campaign.JobFailed) {
				return nil // already final
			}
			j.Status, j.ErrorMessage, j.FailedAt, j.ETASeconds = campaign.JobFailed, reason, &now, 0
			return s.refund(ctx, j, "failed", now)
		})
		if err != nil {
			return err
		}
		if j.Status == campaign.JobFailed {
			_, err = s.d.Campaigns.UpdateCampaign(ctx, j.CampaignID, func(c *campaign.Campaign) error {
				if c.Status == campaign.StatusGenerating || c.Status == campaign.StatusDraft {
					c.Status, c.UpdatedAt = campaign.StatusFailed, now
				}
				return nil
			})
		}
		return err
	})
}
