package mpisvc

import (
	"context"
	"fmt"
	"strings"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/mpi"
	"github.com/kente-gov/kente/ports"
)

// Bounds of the federation duplicates scan (GET
// /mpi/admin/federation/duplicates).
const (
	// MaxFederationScan is how many candidate pairs one call reads and
	// scores at most; the caller continues from Duplicates.Next.
	MaxFederationScan = 5000
	// federationPage is how many candidate pairs one store read returns.
	federationPage = 1000
	// maxNotes bounds a federation link's notes.
	maxNotes = 1000
)

var errNoFederation = fault.New(fault.NotImplemented, "mpi.federation_unsupported", "This MPI store has no federation capability")

func (s *Service) federation() (ports.MPIFederationStore, error) {
	fs, ok := s.records.(ports.MPIFederationStore)
	if !ok {
		return nil, errNoFederation
	}
	return fs, nil
}

// DuplicatesQuery selects cross-programme duplicate pairs.
type DuplicatesQuery struct {
	// Threshold is the least score on the 0–1 scale (the HTTP adapter
	// converts the percentage of §6.2 with mpi.FederationThreshold); nil
	// is the configured federation band (§15.13: 0.85).
	Threshold *float64
	// Limit is how many pairs at most (1–100; 50 when zero).
	Limit int
	// After continues a scan from its Next (the zero pair starts it).
	After ports.MPIPair
}

// Duplicates is one page of cross-programme duplicate pairs.
type Duplicates struct {
	// Threshold is the least score applied, on the 0–1 scale.
	Threshold float64
	// Pairs scoring at or above the threshold, best first.
	Pairs []mpi.Pair
	// Scanned is how many candidate pairs were scored.
	Scanned int
	// Next is the cursor of the next page, zero when the scan is complete.
	Next ports.MPIPair
}

// FederationDuplicates scans the candidate pairs of active records of
// different programmes (records sharing a blocking key) in MPI-id order,
// scores each with the linkage weights, and returns those at or above
// q.Threshold, best first. A call stops when it has q.Limit pairs or has
// scored MaxFederationScan candidates; Next then says where to continue,
// so every pair is reached in bounded work per call. For platform
// administrators.
func (s *Service) FederationDuplicates(ctx context.Context, q DuplicatesQuery) (Duplicates, error) {
	fs, err := s.federation()
	if err != nil {
		return Duplicates{}, err
	}
	threshold := s.cfg.Bands.Federation
	if q.Threshold != nil {
		threshold = *q.Threshold
	}
	switch {
	case !mpi.ValidConfidence(threshold):
		return Duplicates{}, fault.Field("threshold", "mpi.invalid_threshold", "threshold must be a percentage between 0 and 100")
	case q.Limit < 0 || q.Limit > 100:
		return Duplicates{}, fault.Field("limit", "mpi.invalid_limit", "limit must be between 1 and 100")
	case q.Limit == 0:
		q.Limit = 50
	}
	out := Duplicates{Threshold: threshold}
	after := q.After
	for {
		want := min(federationPage, MaxFederationScan-out.Scanned)
		pairs, recs, err := fs.CrossProgrammePairs(ctx, after, want)
		if err != nil {
			return Duplicates{}, err
		}
		byID := make(map[string]mpi.Record, len(recs))
		profiles := make(map[string]mpi.Profile, len(recs))
		for _, r := range recs {
			byID[r.MPIID], profiles[r.MPIID] = r, mpi.Prepare(r)
		}
		full := false
		for _, p := range pairs {
			out.Scanned++
			after = p
			a, okA := byID[p.A]
			b, okB := byID[p.B]
			if !okA || !okB {
				continue // merged between the two reads
			}
			if m := mpi.Score(profiles[p.A], profiles[p.B], s.cfg.Weights); m.Score >= threshold {
				out.Pairs = append(out.Pairs, mpi.Pair{A: a, B: b, Match: m})
				if full = len(out.Pairs) == q.Limit; full {
					break
				}
			}
		}
		if !full && len(pairs) < want {
			break // the scan is complete: Next stays zero
		}
		if full || out.Scanned >= MaxFederationScan {
			out.Next = after
			break
		}
	}
	mpi.RankPairs(out.Pairs)
	return out, nil
}

// FederationLinkInput is the input of Link.
type FederationLinkInput struct {
	SourceMPIID, TargetMPIID string
	Type                     string
	Confidence               float64 // 0–1
	Notes                    string
	ActorID                  string
}

// Link records that two active records (of any programmes) are the same
// person, members of one household, or related. Both must exist
// (fault.NotFound naming the field) and be active (fault.Conflict
// "mpi.already_merged"), differ, have a link type of mpi.LinkType and a
// confidence on the 0–1 scale (fault.Invalid naming the field); a link
// between the same two records is fault.Conflict
// "mpi.federation_link_exists". The link is audited
// "mpi.federation.link". For platform administrators.
func (s *Service) Link(ctx context.Context, in FederationLinkInput) (mpi.FederationLink, error) {
	fs, err := s.federation()
	if err != nil {
		return mpi.FederationLink{}, err
	}
	in.SourceMPIID, in.TargetMPIID = strings.TrimSpace(in.SourceMPIID), strings.TrimSpace(in.TargetMPIID)
	in.Notes = strings.TrimSpace(in.Notes)
	switch {
	case in.SourceMPIID == "":
		return mpi.FederationLink{}, fault.Field("source_mpi_id", "mpi.invalid_id", "source_mpi_id is required")
	case in.TargetMPIID == "":
		return mpi.FederationLink{}, fault.Field("target_mpi_id", "mpi.invalid_id", "target_mpi_id is required")
	case in.SourceMPIID == in.TargetMPIID:
		return mpi.FederationLink{}, fault.Field("target_mpi_id", "mpi.link_self", "a record cannot be linked to itself")
	case !mpi.LinkType(in.Type).Valid():
		return mpi.FederationLink{}, fault.Field("link_type", "mpi.invalid_link_type", "link_type must be same_person, household_member or related")
	case !mpi.ValidConfidence(in.Confidence):
		return mpi.FederationLink{}, fault.Field("confidence", "mpi.invalid_confidence", "confidence must be between 0 and 1")
	case len(in.Notes) > maxNotes:
		return mpi.FederationLink{}, fault.Field("notes", "mpi.invalid_notes", fmt.Sprintf("notes must be at most %d bytes", maxNotes))
	}
	var out mpi.FederationLink
	err = s.tx.WithinTx(ctx, func(ctx context.Context) error {
		src, err := s.activeAnywhere(ctx, fs, in.SourceMPIID, "source_mpi_id")
		if err != nil {
			return err
		}
		dst, err := s.activeAnywhere(ctx, fs, in.TargetMPIID, "target_mpi_id")
		if err != nil {
			return err
		}
		id, err := mpi.NewLinkID(s.rand)
		if err != nil {
			return err
		}
		out = mpi.FederationLink{ID: id, SourceMPIID: src.MPIID, SourceProgrammeID: src.ProgrammeID, TargetMPIID: dst.MPIID,
			TargetProgrammeID: dst.ProgrammeID, Type: mpi.LinkType(in.Type), Confidence: in.Confidence, Notes: in.Notes,
			CreatedBy: in.ActorID, CreatedAt: s.clock.Now()}
		if err := fs.CreateFederationLink(ctx, out); err != nil {
			return err
		}
		return s.recordAs(ctx, in.ActorID, "mpi.federation.link", "mpi_federation_link", id, map[string]any{
			"source_mpi_id": out.SourceMPIID, "source_programme_id": out.SourceProgrammeID,
			"target_mpi_id": out.TargetMPIID, "target_programme_id": out.TargetProgrammeID,
			"link_type": string(out.Type), "confidence": out.Confidence})
	})
	if err != nil {
		return mpi.FederationLink{}, err
	}
	return out, nil
}

func (s *Service) activeAnywhere(ctx context.Context, fs ports.MPIFederationStore, mpiID, field string) (mpi.Record, error) {
	r, err := fs.RecordAnyProgramme(ctx, mpiID)
	if fe, ok := fault.As(err); ok && fe.Kind == fault.NotFound {
		return mpi.Record{}, fault.New(fault.NotFound, fe.Code, fe.Msg).WithField(field)
	}
	if err != nil {
		return mpi.Record{}, err
	}
	if r.Status != mpi.StatusActive {
		return mpi.Record{}, fault.New(fault.Conflict, "mpi.already_merged", "The record is merged; link its canonical record").WithField(field)
	}
	return r, nil
}

// Links returns the federation links of a record (any programme), oldest
// first; fault.NotFound when the record does not exist. For platform
// administrators.
func (s *Service) Links(ctx context.Context, mpiID string) ([]mpi.FederationLink, error) {
	fs, err := s.federation()
	if err != nil {
		return nil, err
	}
	if _, err := fs.RecordAnyProgramme(ctx, mpiID); err != nil {
		return nil, err
	}
	return fs.FederationLinks(ctx, mpiID)
}

// Unlink removes a federation link and audits "mpi.federation.unlink";
// fault.NotFound when absent. For platform administrators.
func (s *Service) Unlink(ctx context.Context, linkID, actorID string) (mpi.FederationLink, error) {
	fs, err := s.federation()
	if err != nil {
		return mpi.FederationLink{}, err
	}
	var out mpi.FederationLink
	err = s.tx.WithinTx(ctx, func(ctx context.Context) error {
		l, err := fs.DeleteFederationLink(ctx, linkID)
		if err != nil {
			return err
		}
		out = l
		return s.recordAs(ctx, actorID, "mpi.federation.unlink", "mpi_federation_link", linkID, map[string]any{
			"source_mpi_id": l.SourceMPIID, "target_mpi_id": l.TargetMPIID, "link_type": string(l.Type)})
	})
	return out, err
}
