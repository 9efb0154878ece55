package mpisvc

import (
	"context"
	"strings"
	"time"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/mpi"
)

// Card statuses (platform §4.4).
const (
	CardValid   = "valid"
	CardRevoked = "revoked"
)

// Card is the MPI identity card of a record (GET /mpi/{mpi_id}/card): a
// stable card code, and the opaque QR token that VerifyCard checks.
type Card struct {
	MPIID    string
	CardCode string
	Status   string // CardValid, or CardRevoked once the record is merged
	IssuedAt time.Time
	Token    string
}

// CardCheck is what the public verification of a card token may tell:
// never a name, MPI id or birth date (platform §6.2, §15.16).
type CardCheck struct {
	Status          string // CardValid or CardRevoked
	ProgrammesCount int    // active programme links; valid cards only
	VerifiedAt      time.Time
}

var (
	errCardsOff     = fault.New(fault.Unavailable, "mpi.cards_unavailable", "MPI cards are not configured")
	errCardNotFound = fault.New(fault.NotFound, "mpi.card_not_found", "No card matches this token")
)

// Card returns the card of a record of programmeID (merged records
// included: their card is revoked); fault.NotFound when absent.
func (s *Service) Card(ctx context.Context, programmeID, mpiID string) (Card, error) {
	if s.cards == nil {
		return Card{}, errCardsOff
	}
	r, err := s.records.Record(ctx, programmeID, mpiID)
	if err != nil {
		return Card{}, err
	}
	return Card{MPIID: r.MPIID, CardCode: s.cards.CardCode(r.MPIID), Status: cardStatus(r), IssuedAt: r.CreatedAt,
		Token: s.cards.Token(r.ProgrammeID, r.MPIID)}, nil
}

func cardStatus(r mpi.Record) string {
	if r.Status != mpi.StatusActive {
		return CardRevoked
	}
	return CardValid
}

// VerifyCard checks a card token from a QR code, for anyone: a token that
// is malformed, forged, or names a record that no longer exists is
// fault.NotFound "mpi.card_not_found".
func (s *Service) VerifyCard(ctx context.Context, token string) (CardCheck, error) {
	if s.cards == nil {
		return CardCheck{}, errCardsOff
	}
	token = strings.TrimSpace(token)
	if len(token) > 512 {
		return CardCheck{}, errCardNotFound
	}
	prog, id, err := s.cards.Open(token)
	if err != nil {
		return CardCheck{}, errCardNotFound
	}
	r, err := s.records.Record(ctx, prog, id)
	if fault.Is(err, fault.NotFound) {
		return CardCheck{}, errCardNotFound
	}
	if err != nil {
		return CardCheck{}, err
	}
	out := CardCheck{Status: cardStatus(r), VerifiedAt: s.clock.Now()}
	if out.Status == CardValid {
		out.ProgrammesCount = r.ActiveProgrammes()
	}
	return out, nil
}

// Verification methods accepted by AdminVerify.
var verificationMethods = map[string]bool{"document_check": true, "in_person": true, "biometric": true, "registry_lookup": true}

// AdminVerify marks an active record KYC-verified by actorID
// (is_verified, verified_by) and audits "mpi.admin_verify" with the
// method and notes. method must be one of document_check, in_person,
// biometric, registry_lookup; notes at most 500 characters.
func (s *Service) AdminVerify(ctx context.Context, programmeID, mpiID, method, notes, actorID string) (mpi.Record, error) {
	switch {
	case !verificationMethods[method]:
		return mpi.Record{}, fault.Field("verification_method", "mpi.invalid_verification_method",
			"verification_method must be document_check, in_person, biometric or registry_lookup")
	case len(notes) > maxReason:
		return mpi.Record{}, fault.Field("notes", "mpi.notes_too_long", "notes must be at most 500 characters")
	}
	var out mpi.Record
	err := s.tx.WithinTx(ctx, func(ctx context.Context) error {
		now := s.clock.Now()
		r, err := s.records.UpdateRecord(ctx, programmeID, mpiID, func(r *mpi.Record) error {
			if r.Status != mpi.StatusActive {
				return fault.New(fault.Conflict, "mpi.record_merged", "A merged record cannot be verified; verify "+r.MergedInto)
			}
			r.IsVerified, r.VerifiedBy, r.UpdatedAt = true, actorID, now
			return nil
		})
		if err != nil {
			return err
		}
		out = r
		return s.record(ctx, actorID, "mpi.admin_verify", mpiID, map[string]any{"programme_id": programmeID,
			"verification_method": method, "notes": notes})
	})
	return out, err
}
