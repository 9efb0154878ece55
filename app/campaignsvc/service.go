// Package campaignsvc holds the Oomus campaign use cases: campaigns, the
// card-generation jobs (validated input, quota and overage through the
// billing rules, a durable queue job committed with the job row and the
// debit, a worker that generates cards in lots), usage records, public
// verification and distribution events. It speaks core types and core/fault
// errors and knows nothing of HTTP or SQL.
package campaignsvc

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"

	"github.com/kente-gov/kente/core/audit"
	"github.com/kente-gov/kente/core/campaign"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/geo"
	"github.com/kente-gov/kente/core/programme"
	"github.com/kente-gov/kente/ports"
)

// Auditor records actions; records written with a transaction's ctx commit
// with it. *auditsvc.Service implements it.
type Auditor interface {
	Record(ctx context.Context, r audit.Record) error
}

// Billing is what jobs need of the Oomus billing context: the effective
// quota plan and a billed debit (ledger entry, signed invoice, audit) that
// joins the caller's transaction. app/server adapts *billingv1svc.Service.
type Billing interface {
	// QuotaPlan returns the plan's effective quotas and prices.
	QuotaPlan(ctx context.Context, plan string) (programme.QuotaPlan, error)
	// Charge debits amountFCFA (> 0) from the programme for cards cards;
	// fault.PaymentRequired with the expected cost and the balance when the
	// balance cannot cover it.
	Charge(ctx context.Context, a Actor, amountFCFA, cards int64, reference, description string) error
}

// Deps are the ports the service drives.
type Deps struct {
	Campaigns    ports.CampaignStore
	Jobs         ports.CardJobStore
	Cards        ports.CardStore
	Usage        ports.EngineUsageStore
	Distribution ports.DistributionEventStore
	Programmes   ports.ProgrammeStore
	Ledger       ports.LedgerStore
	Billing      Billing
	Queue        ports.JobQueue
	Tx           ports.Tx
	Audit        Auditor
	// MPI gives job rows master-patient-index ids when a job asks for them
	// (include_mpi_id); nil: no id is assigned and the manifest says so.
	MPI   MPIAssigner
	Clock ports.Clock
	Rand  io.Reader // a CSPRNG
	Log   *slog.Logger
}

// MPIAssigner registers job rows in the master patient index (adapted
// from app/mpisvc in app/server, since services see only core and ports).
type MPIAssigner interface {
	// AssignMPIIDs matches each row against the programme's registry with
	// the registry's rules, inside the caller's transaction: a certain
	// match reuses the existing id, otherwise a record is created in
	// regionCode/countryCode. It returns one id per row, "" for a row the
	// registry refused (an invalid name, an implausible date).
	AssignMPIIDs(ctx context.Context, programmeID, regionCode, countryCode, actorID string, rows []campaign.Beneficiary) ([]string, error)
}

// Options tune the service.
type Options struct {
	// CardKey keys QR tokens and registry signatures (KENTE_CARD_HMAC_KEY);
	// at least 16 bytes.
	CardKey []byte
	// PortalBaseURL prefixes the verification URLs of artifacts; may be empty.
	PortalBaseURL string
	// Regions is the deployment's region map (KENTE_GEO_REGION_MAP, as the
	// geospatial command center reads it) naming the region of the
	// distribution event a verification writes; geo.DefaultRegionEntries
	// when empty.
	Regions map[string]string
}

// Actor is the authenticated caller as the inbound adapter resolved it.
type Actor struct {
	ProgrammeID string
	UserID      string
	Role        programme.Role
	IsAdmin     bool
	IP          string
	UserAgent   string
}

// Service runs the campaign use cases.
type Service struct {
	d       Deps
	opts    Options
	regions geo.RegionMap
}

// New returns a Service; it panics on a missing dependency, a short key or
// an invalid region map
// (programmer errors caught at wiring time).
func New(d Deps, opts Options) *Service {
	if len(opts.CardKey) < 16 {
		panic("campaignsvc: the card HMAC key must be at least 16 bytes")
	}
	if d.Campaigns == nil || d.Jobs == nil || d.Cards == nil || d.Usage == nil || d.Distribution == nil || d.Programmes == nil ||
		d.Ledger == nil || d.Billing == nil || d.Queue == nil || d.Tx == nil || d.Audit == nil || d.Clock == nil || d.Rand == nil {
		panic("campaignsvc: every dependency but Log is required")
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	regions := geo.DefaultRegionMap()
	if len(opts.Regions) > 0 {
		var err error
		if regions, err = geo.NewRegionMap(opts.Regions); err != nil {
			panic("campaignsvc: " + err.Error())
		}
	}
	return &Service{d: d, opts: opts, regions: regions}
}

// Stable fault codes.
const (
	CodeNotFound       = "campaign.not_found"
	CodeJobNotFound    = "campaign.job_not_found"
	CodeArchived       = "campaign.archived"
	CodeNotCancellable = "campaign.job_not_cancellable"
	CodeNoTemplate     = "campaign.no_template"
	CodeDPINotInPlan   = "campaign.dpi_not_in_plan"
	CodeNotReady       = "campaign.job_not_completed"
	CodeRendering      = "campaign.rendering_not_implemented"
	CodeCardUnknown    = "verify.not_found"
)

var (
	errCampaignMissing = fault.New(fault.NotFound, CodeNotFound, "Campaign not found")
	errJobMissing      = fault.New(fault.NotFound, CodeJobNotFound, "Job not found")
)

// visible reports whether a may see a record of programmeID: its own
// programme, or any when a is a platform administrator.
func visible(a Actor, programmeID string) bool { return a.IsAdmin || a.ProgrammeID == programmeID }

// event builds an audit record of a successful action by a.
func (s *Service) event(a Actor, action, targetType, targetID string, details map[string]any) audit.Record {
	var raw json.RawMessage
	if len(details) > 0 {
		raw, _ = json.Marshal(details)
	}
	ua := a.UserAgent
	if len(ua) > 512 {
		ua = ua[:512]
	}
	return audit.Record{At: s.d.Clock.Now(), ActorID: a.UserID, Action: action, TargetType: targetType, TargetID: targetID,
		IP: a.IP, UserAgent: ua, Outcome: audit.Success, Details: raw}
}

func (s *Service) uuid() (string, error) {
	id, err := programme.NewUUID(s.d.Rand)
	if err != nil {
		return "", fmt.Errorf("new id: %w", err)
	}
	return id, nil
}

// page checks limit (1–max, def when 0) and offset.
func page(limit, offset, def, maxLimit int) (int, int, error) {
	if limit == 0 {
		limit = def
	}
	if limit < 1 || limit > maxLimit {
		return 0, 0, fault.Field("limit", "request.invalid_limit", fmt.Sprintf("limit must be between 1 and %d", maxLimit))
	}
	if offset < 0 {
		return 0, 0, fault.Field("offset", "request.invalid_offset", "offset must not be negative")
	}
	return limit, offset, nil
}
