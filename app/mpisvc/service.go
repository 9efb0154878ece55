// Package mpisvc holds the use cases of the Oomus master patient index:
// registering beneficiaries with duplicate detection, search, match,
// patch, merge, DHIS2 links, and the Health Trust Score (compute, history,
// risks, batch recompute). Every method takes the programme id (the
// tenant) first after ctx. It speaks core types and core/fault errors and
// knows nothing of HTTP or SQL.
package mpisvc

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/kente-gov/kente/core/audit"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/mpi"
	"github.com/kente-gov/kente/ports"
)

// Auditor records audited actions (auditsvc.Service satisfies it).
type Auditor interface {
	Record(ctx context.Context, r audit.Record) error
}

// LegalIDPolicy says whether a programme requires a legal ID, which makes
// a missing NIN a trust risk. The programme context provides it.
type LegalIDPolicy interface {
	RequiresLegalID(ctx context.Context, programmeID string) (bool, error)
}

// NoLegalID is the LegalIDPolicy of a deployment whose programmes require
// no legal ID.
type NoLegalID struct{}

// RequiresLegalID returns false.
func (NoLegalID) RequiresLegalID(context.Context, string) (bool, error) { return false, nil }

// Config holds the linkage settings.
type Config struct {
	Weights mpi.Weights
	Bands   mpi.Bands
	// Candidates bounds how many blocked records one registration compares
	// (ports.MPIRecordStore.Candidates), and how many records of one
	// blocking key an import or recompute reads
	// (ports.MPIBulkStore.BlockedRecords).
	Candidates int
	// CardKey is the secret of the MPI card codes and QR tokens
	// (KENTE_CARD_HMAC_KEY); without it Card and VerifyCard answer
	// fault.Unavailable.
	CardKey []byte
}

// DefaultConfig returns §4.5 weights, §15.13 bands and 500 candidates.
func DefaultConfig() Config {
	return Config{Weights: mpi.DefaultWeights(), Bands: mpi.DefaultBands(), Candidates: 500}
}

// Service runs the MPI use cases.
type Service struct {
	records ports.MPIRecordStore
	trust   ports.TrustStore
	tx      ports.Tx
	audit   Auditor
	legal   LegalIDPolicy
	clock   ports.Clock
	rand    io.Reader
	cfg     Config
	cards   *mpi.CardKeys // nil without Config.CardKey
	// auditLog, when set (WithAuditLog), lets Stats count verifications.
	auditLog ports.AuditLog
}

// New returns a Service. rand must be a CSPRNG in production (it draws MPI
// ids). A nil legal policy is NoLegalID.
func New(records ports.MPIRecordStore, trust ports.TrustStore, tx ports.Tx, auditor Auditor, legal LegalIDPolicy,
	clock ports.Clock, rand io.Reader, cfg Config) *Service {
	if legal == nil {
		legal = NoLegalID{}
	}
	s := &Service{records: records, trust: trust, tx: tx, audit: auditor, legal: legal, clock: clock, rand: rand, cfg: cfg}
	if k, err := mpi.NewCardKeys(cfg.CardKey); err == nil {
		s.cards = &k
	}
	return s
}

// Registration is the input of Register.
type Registration struct {
	FirstName, LastName string
	DateOfBirth         string // YYYY-MM-DD, optional
	Gender              string // M, F or U; optional
	RegionCode          string
	District            string
	CountryCode         string
	PhoneNumber         string
	ExternalIDs         map[string]string
	ForceCreate         bool
	ActorID             string // who registers, for the audit log
}

// Registered is a created record and how it was decided.
type Registered struct {
	Record mpi.Record
	// Best is the closest existing record's match, when there was one.
	BestID string
	Best   mpi.Match
	// Forced is true when the record was created although BestID is
	// certainly the same person (ForceCreate).
	Forced bool
}

// Field limits.
const (
	maxName       = 100
	maxDistrict   = 100
	maxExtIDs     = 10
	maxExtKey     = 32
	maxExtValue   = 128
	maxReason     = 500
	idAttempts    = 3
	recomputePage = 500
)

// validate turns a registration into a record, or a fault.Invalid naming
// the field.
func (s *Service) validate(programmeID string, in Registration, now time.Time) (mpi.Record, error) {
	r := mpi.Record{
		ProgrammeID: programmeID, FirstName: strings.TrimSpace(in.FirstName), LastName: strings.TrimSpace(in.LastName),
		RegionCode: strings.ToUpper(strings.TrimSpace(in.RegionCode)), CountryCode: strings.ToUpper(strings.TrimSpace(in.CountryCode)),
		District: strings.TrimSpace(in.District), PhoneNumber: strings.TrimSpace(in.PhoneNumber), Gender: mpi.Gender(strings.ToUpper(in.Gender)),
		Status: mpi.StatusActive, CreatedAt: now, UpdatedAt: now,
	}
	if err := checkRecord(&r, in.DateOfBirth, in.ExternalIDs, now); err != nil {
		return mpi.Record{}, err
	}
	return r, nil
}

func checkRecord(r *mpi.Record, dob string, ext map[string]string, now time.Time) error {
	switch {
	case r.FirstName == "" || len(mpi.NameTokens(r.FirstName)) == 0:
		return fault.Field("first_name", "mpi.invalid_name", "first_name is required and must contain letters")
	case len(r.FirstName) > maxName:
		return fault.Field("first_name", "mpi.invalid_name", fmt.Sprintf("first_name must be at most %d bytes", maxName))
	case r.LastName == "" || len(mpi.NameTokens(r.LastName)) == 0:
		return fault.Field("last_name", "mpi.invalid_name", "last_name is required and must contain letters")
	case len(r.LastName) > maxName:
		return fault.Field("last_name", "mpi.invalid_name", fmt.Sprintf("last_name must be at most %d bytes", maxName))
	case !mpi.ValidRegion(r.RegionCode):
		return fault.Field("region_code", "mpi.invalid_region", "region_code must be three letters, e.g. DKR")
	case !mpi.ValidCountry(r.CountryCode):
		return fault.Field("country_code", "mpi.invalid_country", "country_code must be an ISO 3166-1 alpha-2 code, e.g. SN")
	case r.PhoneNumber != "" && !mpi.ValidPhone(r.PhoneNumber):
		return fault.Field("phone_number", "mpi.invalid_phone", "phone_number must be in E.164 form, e.g. +221771234567")
	case len(r.District) > maxDistrict:
		return fault.Field("district", "mpi.invalid_district", fmt.Sprintf("district must be at most %d bytes", maxDistrict))
	}
	if r.Gender == "" {
		r.Gender = mpi.Unknown
	}
	if !r.Gender.Valid() {
		return fault.Field("gender", "mpi.invalid_gender", "gender must be M, F or U")
	}
	if dob != "" {
		d, err := time.Parse("2006-01-02", dob)
		if err != nil {
			return fault.Field("date_of_birth", "mpi.invalid_date", "date_of_birth must be a date YYYY-MM-DD")
		}
		if !mpi.PlausibleBirthDate(d, now) {
			return fault.Field("date_of_birth", "mpi.implausible_date", fmt.Sprintf("date_of_birth must not be in the future nor more than %d years ago", mpi.MaxAge))
		}
		r.DateOfBirth = d
	}
	if len(ext) > maxExtIDs {
		return fault.Field("external_ids", "mpi.invalid_external_id", fmt.Sprintf("at most %d external ids", maxExtIDs))
	}
	for k, v := range ext {
		if k == "" || len(k) > maxExtKey || strings.ContainsAny(k, "=: ") || v == "" || len(v) > maxExtValue {
			return fault.Field("external_ids."+k, "mpi.invalid_external_id",
				fmt.Sprintf("external id keys are 1–%d characters without '=', ':' or spaces; values 1–%d characters", maxExtKey, maxExtValue))
		}
		if r.ExternalIDs == nil {
			r.ExternalIDs = map[string]string{}
		}
		r.ExternalIDs[k] = v
	}
	return nil
}

// best returns the closest active record to r under its blocking keys.
func (s *Service) best(ctx context.Context, r mpi.Record) (mpi.Record, mpi.Match, []scored, error) {
	p := mpi.Prepare(r)
	cands, err := s.records.Candidates(ctx, r.ProgrammeID, p.MatchKeys(r.PhoneNumber), s.cfg.Candidates)
	if err != nil {
		return mpi.Record{}, mpi.Match{}, nil, err
	}
	var out []scored
	var bestR mpi.Record
	var bestM mpi.Match
	for _, c := range cands {
		if c.MPIID == r.MPIID {
			continue
		}
		m := mpi.Score(p, mpi.Prepare(c), s.cfg.Weights)
		out = append(out, scored{c, m})
		if m.Score > bestM.Score {
			bestR, bestM = c, m
		}
	}
	return bestR, bestM, out, nil
}

type scored struct {
	rec mpi.Record
	m   mpi.Match
}

// Register validates in and creates a record with a fresh MPI id. When an
// active record of the programme scores at or above the Certain band it
// returns fault.Conflict "mpi.duplicate_detected" whose Extra carries
// existing_mpi_id, similarity_score and matched_fields, unless ForceCreate
// is set; a forced creation is audited "mpi.register_forced", a plain one
// "mpi.register".
func (s *Service) Register(ctx context.Context, programmeID string, in Registration) (Registered, error) {
	now := s.clock.Now()
	r, err := s.validate(programmeID, in, now)
	if err != nil {
		return Registered{}, err
	}
	var out Registered
	err = s.tx.WithinTx(ctx, func(ctx context.Context) error {
		best, m, _, err := s.best(ctx, r)
		if err != nil {
			return err
		}
		out = Registered{BestID: best.MPIID, Best: m}
		if best.MPIID != "" && s.cfg.Bands.Decide(m) == mpi.BandCertain && !in.ForceCreate {
			return duplicateErr(best.MPIID, m)
		}
		for attempt := 1; ; attempt++ {
			if r.MPIID, err = mpi.NewID(s.rand, r.CountryCode, r.RegionCode, now); err != nil {
				return err
			}
			err = s.records.CreateRecord(ctx, r)
			if fe, ok := fault.As(err); ok && fe.Code == "mpi.id_taken" && attempt < idAttempts {
				continue
			}
			if err != nil {
				return err
			}
			break
		}
		action := "mpi.register"
		if in.ForceCreate && best.MPIID != "" && s.cfg.Bands.Decide(m) == mpi.BandCertain {
			action, out.Forced = "mpi.register_forced", true
		}
		out.Record = r
		return s.record(ctx, in.ActorID, action, r.MPIID, map[string]any{"programme_id": programmeID,
			"best_match": best.MPIID, "similarity_score": round(m.Score)})
	})
	if err != nil {
		return Registered{}, err
	}
	return out, nil
}

func duplicateErr(existing string, m mpi.Match) error {
	fields := m.MatchedFields
	if fields == nil {
		fields = []string{}
	}
	return fault.New(fault.Conflict, "mpi.duplicate_detected", "A record for this person already exists").
		With("status", "duplicate_detected").With("existing_mpi_id", existing).
		With("similarity_score", round(m.Score)).With("matched_fields", fields).
		With("action", "use_existing_or_review")
}

func round(f float64) float64 { return float64(int(f*10000+0.5)) / 10000 }

func (s *Service) record(ctx context.Context, actor, action, target string, details map[string]any) error {
	return s.recordAs(ctx, actor, action, "mpi_record", target, details)
}

// recordAs audits a successful action on a target of targetType.
func (s *Service) recordAs(ctx context.Context, actor, action, targetType, target string, details map[string]any) error {
	b, err := json.Marshal(details)
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return s.audit.Record(ctx, audit.Record{At: s.clock.Now(), ActorID: actor, Action: action, TargetType: targetType,
		TargetID: target, Outcome: audit.Success, Details: b})
}

// Candidate is one match result.
type Candidate struct {
	MPIID string
	Match mpi.Match
	Band  mpi.Band
}

// Match returns the active records that score at or above the Possible
// band against the demographics in, best first.
func (s *Service) Match(ctx context.Context, programmeID string, in Registration) ([]Candidate, error) {
	r, err := s.validate(programmeID, in, s.clock.Now())
	if err != nil {
		return nil, err
	}
	_, _, all, err := s.best(ctx, r)
	if err != nil {
		return nil, err
	}
	var out []Candidate
	for _, c := range all {
		if b := s.cfg.Bands.Decide(c.m); b != mpi.BandNew {
			out = append(out, Candidate{MPIID: c.rec.MPIID, Match: c.m, Band: b})
		}
	}
	sortCandidates(out)
	return out, nil
}

func sortCandidates(cs []Candidate) {
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && (cs[j].Match.Score > cs[j-1].Match.Score ||
			cs[j].Match.Score == cs[j-1].Match.Score && cs[j].MPIID < cs[j-1].MPIID); j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}

// Get returns a record, following merged_into redirects to the canonical
// record; fault.NotFound when absent.
func (s *Service) Get(ctx context.Context, programmeID, mpiID string) (mpi.Record, error) {
	r, err := s.records.Record(ctx, programmeID, mpiID)
	for hops := 0; err == nil && r.Status == mpi.StatusMerged && r.MergedInto != "" && hops < 8; hops++ {
		r, err = s.records.Record(ctx, programmeID, r.MergedInto)
	}
	return r, err
}

// Search lists active records.
func (s *Service) Search(ctx context.Context, programmeID string, f ports.MPIFilter) ([]mpi.Record, int, error) {
	if f.Limit < 0 || f.Limit > 100 {
		return nil, 0, fault.Field("limit", "mpi.invalid_limit", "limit must be between 1 and 100")
	}
	if f.Offset < 0 {
		return nil, 0, fault.Field("offset", "mpi.invalid_offset", "offset must not be negative")
	}
	return s.records.SearchRecords(ctx, programmeID, f)
}

// Merge makes target canonical: source is marked merged into target (and
// so redirects), target absorbs source's programmes, external ids and
// links, and records earlier merged into source now point at target. A
// reason is required; the merge is audited "mpi.merge".
func (s *Service) Merge(ctx context.Context, programmeID, sourceID, targetID, reason, actorID string) (mpi.Record, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "" || len(reason) > maxReason:
		return mpi.Record{}, fault.Field("reason", "mpi.reason_required", fmt.Sprintf("reason is required (at most %d bytes)", maxReason))
	case sourceID == targetID:
		return mpi.Record{}, fault.Field("target_mpi_id", "mpi.merge_self", "a record cannot be merged into itself")
	}
	now := s.clock.Now()
	var out mpi.Record
	err := s.tx.WithinTx(ctx, func(ctx context.Context) error {
		src, err := s.records.Record(ctx, programmeID, sourceID)
		if err != nil {
			return err
		}
		if src.Status != mpi.StatusActive {
			return fault.New(fault.Conflict, "mpi.already_merged", "The source record is already merged").WithField("source_mpi_id")
		}
		if _, err := s.records.UpdateRecord(ctx, programmeID, sourceID, func(r *mpi.Record) error {
			r.Status, r.MergedInto, r.MergedAt, r.MergeReason, r.UpdatedAt = mpi.StatusMerged, targetID, now, reason, now
			return nil
		}); err != nil {
			return err
		}
		out, err = s.records.UpdateRecord(ctx, programmeID, targetID, func(t *mpi.Record) error {
			if t.Status != mpi.StatusActive {
				return fault.New(fault.Conflict, "mpi.already_merged", "The target record is merged").WithField("target_mpi_id")
			}
			*t = mpi.MergeInto(src, *t, now)
			return nil
		})
		if err != nil {
			return err
		}
		if _, err := s.records.RepointMerged(ctx, programmeID, sourceID, targetID); err != nil {
			return err
		}
		return s.record(ctx, actorID, "mpi.merge", targetID, map[string]any{"programme_id": programmeID,
			"source_mpi_id": sourceID, "target_mpi_id": targetID, "reason": reason})
	})
	return out, err
}

// LinkDHIS2 ties a record to a DHIS2 tracked entity.
func (s *Service) LinkDHIS2(ctx context.Context, programmeID, mpiID, uid, instanceURL string) (mpi.Record, error) {
	if uid == "" || len(uid) > maxExtValue {
		return mpi.Record{}, fault.Field("dhis2_uid", "mpi.invalid_external_id", "dhis2_uid is required")
	}
	now := s.clock.Now()
	return s.records.UpdateRecord(ctx, programmeID, mpiID, func(r *mpi.Record) error {
		if r.Status != mpi.StatusActive {
			return fault.New(fault.Conflict, "mpi.already_merged", "The record is merged; link its canonical record")
		}
		if r.ExternalIDs == nil {
			r.ExternalIDs = map[string]string{}
		}
		r.ExternalIDs[mpi.ExtDHIS2] = uid
		r.Links = append(r.Links, mpi.Link{Type: "dhis2", ExternalID: uid, InstanceURL: instanceURL, LinkedAt: now})
		r.UpdatedAt = now
		return nil
	})
}

// Now returns the time of the service's clock, for responses that say
// when they were answered (resolve-dhis2's resolved_at).
func (s *Service) Now() time.Time { return s.clock.Now() }

// ResolveDHIS2 returns the active record linked to a DHIS2 uid;
// fault.NotFound when none is.
func (s *Service) ResolveDHIS2(ctx context.Context, programmeID, uid string) (mpi.Record, error) {
	return s.records.RecordByExternalID(ctx, programmeID, mpi.ExtDHIS2, uid)
}

// ComputeTrust computes a record's trust score now, appends it to the
// history, and returns it.
func (s *Service) ComputeTrust(ctx context.Context, programmeID, mpiID string) (mpi.Trust, error) {
	r, err := s.Get(ctx, programmeID, mpiID)
	if err != nil {
		return mpi.Trust{}, err
	}
	return s.computeTrust(ctx, r)
}

func (s *Service) computeTrust(ctx context.Context, r mpi.Record) (mpi.Trust, error) {
	t, err := s.evaluate(ctx, r)
	if err != nil {
		return mpi.Trust{}, err
	}
	if err := s.trust.AppendTrust(ctx, r.ProgrammeID, t); err != nil {
		return mpi.Trust{}, err
	}
	return t, nil
}

// TrustHistory returns up to limit past scores, oldest first.
func (s *Service) TrustHistory(ctx context.Context, programmeID, mpiID string, limit int) ([]mpi.Trust, error) {
	if _, err := s.records.Record(ctx, programmeID, mpiID); err != nil {
		return nil, err
	}
	return s.trust.TrustHistory(ctx, programmeID, mpiID, limit)
}

// Recomputed is the result of a batch recompute.
type Recomputed struct {
	Recomputed int
	DurationMS int64
}

// RecomputeAll recomputes the trust score of every active record of the
// programme and appends each to the history. It works a keyset page of
// recomputePage records at a time, each page in one transaction with its
// duplicate candidates read in bulk (when the store is an
// ports.MPIBulkStore), so memory stays bounded by the page whatever the
// registry's size.
func (s *Service) RecomputeAll(ctx context.Context, programmeID string) (Recomputed, error) {
	start := s.clock.Now()
	var out Recomputed
	legal, err := s.legal.RequiresLegalID(ctx, programmeID)
	if err != nil {
		return out, err
	}
	after := ""
	for {
		page, err := s.records.RecordsAfter(ctx, programmeID, after, recomputePage)
		if err != nil {
			return out, err
		}
		n := 0
		err = s.tx.WithinTx(ctx, func(ctx context.Context) error {
			n = 0
			active := make([]mpi.Record, 0, len(page))
			for _, r := range page {
				if r.Status == mpi.StatusActive {
					active = append(active, r)
				}
			}
			bests, err := s.bestOfMany(ctx, programmeID, active)
			if err != nil {
				return err
			}
			now := s.clock.Now()
			for i, r := range active {
				t := mpi.ComputeTrust(r, mpi.TrustInput{BestDuplicateScore: bests[i].m.Score, DuplicateOf: bests[i].rec.MPIID,
					RequiresLegalID: legal, DuplicateThreshold: s.cfg.Bands.Probable}, now)
				if err := s.trust.AppendTrust(ctx, programmeID, t); err != nil {
					return fmt.Errorf("recompute %s: %w", r.MPIID, err)
				}
				n++
			}
			return nil
		})
		if err != nil {
			return out, err
		}
		out.Recomputed += n
		if len(page) < recomputePage {
			break
		}
		after = page[len(page)-1].MPIID
	}
	out.DurationMS = s.clock.Now().Sub(start).Milliseconds()
	return out, nil
}
