package server

import (
	"context"
	"crypto/rand"
	"log/slog"

	"go.uber.org/fx"

	"github.com/kente-gov/kente/app/auditsvc"
	"github.com/kente-gov/kente/app/billingv1svc"
	"github.com/kente-gov/kente/app/campaignsvc"
	"github.com/kente-gov/kente/app/config"
	"github.com/kente-gov/kente/app/jobsvc"
	"github.com/kente-gov/kente/app/mpisvc"
	"github.com/kente-gov/kente/core/campaign"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/job"
	"github.com/kente-gov/kente/core/programme"
	"github.com/kente-gov/kente/ports"
)

type campaignsIn struct {
	fx.In
	Config       config.Config
	Campaigns    ports.CampaignStore
	Jobs         ports.CardJobStore
	Cards        ports.CardStore
	Usage        ports.EngineUsageStore
	Distribution ports.DistributionEventStore
	Programmes   ports.ProgrammeStore
	Ledger       ports.LedgerStore
	Queue        ports.JobQueue
	Tx           ports.Tx
	Audit        *auditsvc.Service
	BillingV1    *billingv1svc.Service `optional:"true"`
	MPI          *mpisvc.Service       `optional:"true"`
	Clock        ports.Clock           `optional:"true"` // tests supply a fake; the system clock otherwise
	Log          *slog.Logger
}

// newCampaigns builds the Oomus campaign service keyed by
// KENTE_CARD_HMAC_KEY. Without the key or the billing service (a config
// that skipped ResolveSecrets) it returns nil and the campaign routes
// answer 503.
func newCampaigns(in campaignsIn) *campaignsvc.Service {
	if len(in.Config.Secrets.CardHMACKey) < 16 || in.BillingV1 == nil {
		in.Log.Warn("KENTE_CARD_HMAC_KEY or the /api/v1 billing service is missing: the campaign routes answer 503")
		return nil
	}
	clock := in.Clock
	if clock == nil {
		clock = ports.SystemClock{}
	}
	var assigner campaignsvc.MPIAssigner
	if in.MPI != nil {
		assigner = campaignMPI{in.MPI}
	}
	return campaignsvc.New(campaignsvc.Deps{
		Campaigns: in.Campaigns, Jobs: in.Jobs, Cards: in.Cards, Usage: in.Usage, Distribution: in.Distribution,
		Programmes: in.Programmes, Ledger: in.Ledger, Billing: campaignBilling{in.BillingV1}, Queue: in.Queue, Tx: in.Tx,
		Audit: in.Audit, MPI: assigner, Clock: clock, Rand: rand.Reader, Log: in.Log,
	}, campaignsvc.Options{CardKey: []byte(in.Config.Secrets.CardHMACKey), Regions: in.Config.GeoRegions})
}

// campaignBilling adapts the Oomus billing service to campaignsvc.Billing:
// job overage is a "debit" with a GEN invoice.
type campaignBilling struct{ b *billingv1svc.Service }

func (c campaignBilling) QuotaPlan(ctx context.Context, plan string) (programme.QuotaPlan, error) {
	return c.b.QuotaPlan(ctx, plan)
}

func (c campaignBilling) Charge(ctx context.Context, a campaignsvc.Actor, amount, cards int64, reference, description string) error {
	_, _, err := c.b.ApplyDebit(ctx, billingv1svc.Actor{ProgrammeID: a.ProgrammeID, UserID: a.UserID, Role: a.Role, IsAdmin: a.IsAdmin,
		IP: a.IP, UserAgent: a.UserAgent}, billingv1svc.Debit{ProgrammeID: a.ProgrammeID, AmountFCFA: amount, TxType: programme.TxDebit,
		InvoiceType: programme.InvoiceGeneration, Description: description, CardCount: cards, Reference: reference})
	return err
}

// campaignMPI adapts the MPI registry to campaignsvc.MPIAssigner: a lot of
// job rows is one registry import (its rules: a certain match reuses the
// existing id, every import audited as "mpi.import").
type campaignMPI struct{ m *mpisvc.Service }

func (a campaignMPI) AssignMPIIDs(ctx context.Context, programmeID, regionCode, countryCode, actorID string, rows []campaign.Beneficiary) ([]string, error) {
	ids := make([]string, len(rows))
	for lo := 0; lo < len(rows); lo += mpisvc.MaxImportChunk {
		part := rows[lo:min(lo+mpisvc.MaxImportChunk, len(rows))]
		in := make([]mpisvc.Registration, len(part))
		for i, b := range part {
			in[i] = mpisvc.Registration{FirstName: b.FirstName, LastName: b.LastName, DateOfBirth: b.DateOfBirth, PhoneNumber: b.PhoneNumber,
				RegionCode: regionCode, CountryCode: countryCode, ActorID: actorID}
		}
		res, err := a.m.Import(ctx, programmeID, in, actorID)
		if err != nil {
			return nil, err
		}
		for _, c := range res.Created {
			ids[lo+c.Index] = c.MPIID
		}
		for _, d := range res.Duplicates {
			ids[lo+d.Index] = d.ExistingID
		}
	}
	return ids, nil
}

type campaignJobIn struct {
	fx.In
	Svc *campaignsvc.Service `optional:"true"`
}

// newCampaignJob runs queued card generations; a payload that names no job
// fails permanently. Without the service queued jobs wait.
func newCampaignJob(in campaignJobIn) jobsvc.Registration {
	return jobsvc.Registration{Kind: campaignsvc.GenerateKind, Handler: func(ctx context.Context, j job.Job) error {
		if in.Svc == nil {
			return fault.New(fault.Unavailable, "campaign.unavailable", "Campaigns are not configured")
		}
		err := in.Svc.Generate(ctx, j)
		if fault.Is(err, fault.Invalid) {
			return jobsvc.Permanent(err)
		}
		return err
	}, GiveUp: func(ctx context.Context, j job.Job, reason string) error {
		if in.Svc == nil {
			return fault.New(fault.Unavailable, "campaign.unavailable", "Campaigns are not configured")
		}
		err := in.Svc.GiveUp(ctx, j, reason)
		if fault.Is(err, fault.Invalid) || fault.Is(err, fault.NotFound) {
			return jobsvc.Permanent(err)
		}
		return err
	}}
}
