// Package walletsvc holds the Oomus Sovereign Wallet use cases: issuing,
// listing and revoking passes, offline bundles, device registration and
// sync, statistics, the Ed25519 public keys and the public verification.
// Every method takes the programme (the tenant) as a string; the HTTP layer
// passes the authenticated programme. It speaks core types and core/fault
// errors and knows nothing of HTTP or SQL.
package walletsvc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kente-gov/kente/core/audit"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/core/wallet"
	"github.com/kente-gov/kente/core/wallet/offline"
	"github.com/kente-gov/kente/ports"
)

// Auditor records audit events; *auditsvc.Service implements it.
type Auditor interface {
	Record(ctx context.Context, r audit.Record) error
}

// Audit actions of this service.
const (
	ActionPassRevoked       = "wallet.pass_revoked"
	ActionSigningKeyRotated = "wallet.signing_key_rotated"
)

// DefaultValidity is a pass's lifetime when the issuer names no expiry.
const DefaultValidity = 365 * 24 * time.Hour

// Stores are the wallet ports the service uses.
type Stores struct {
	Passes  ports.PassStore
	Devices ports.DeviceStore
	Syncs   ports.SyncStore
	Keys    ports.SigningKeyStore
}

// Service runs the wallet use cases.
type Service struct {
	st      Stores
	audit   Auditor
	clock   ports.Clock
	rand    io.Reader
	hmacKey []byte
	devBox  *identity.SecretBox
	keyBox  *identity.SecretBox
	log     *slog.Logger
}

// Sealing purposes of the SecretBoxes derived from the wallet HMAC key.
const (
	purposeDeviceSecret = "wallet/device-secret"
	purposeSigningKey   = "wallet/signing-key"
)

// New returns a Service. hmacKey is KENTE_WALLET_HMAC_KEY's UTF-8 bytes
// (at least 32); it signs QR payloads and, through HKDF with distinct
// purposes, seals device secrets and signing keys at rest. rand must be a
// CSPRNG in production. A nil logger discards.
func New(st Stores, auditor Auditor, clock ports.Clock, rand io.Reader, hmacKey []byte, log *slog.Logger) (*Service, error) {
	if len(hmacKey) < 32 {
		return nil, errors.New("wallet HMAC key must be at least 32 bytes")
	}
	devBox, err := identity.NewSecretBox(hmacKey, purposeDeviceSecret)
	if err != nil {
		return nil, err
	}
	keyBox, err := identity.NewSecretBox(hmacKey, purposeSigningKey)
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{st: st, audit: auditor, clock: clock, rand: rand, hmacKey: append([]byte(nil), hmacKey...),
		devBox: devBox, keyBox: keyBox, log: log}, nil
}

// PassView is a pass with its status at the moment it was read.
type PassView struct {
	wallet.Pass
	Status wallet.Status
}

func (s *Service) view(p wallet.Pass, now time.Time) PassView {
	return PassView{Pass: p, Status: p.Status(now)}
}

// IssueInput is the body of POST /wallet/pass.
type IssueInput struct {
	MPIID        string
	HolderName   string
	HolderID     string
	CampaignID   string
	CampaignName string
	PassType     string
	ExpiresAt    *time.Time // nil: DefaultValidity after issue
}

// Issued is the result of IssuePass: Created is false when the MPI id's
// active pass was returned (200), true for a new pass (201).
type Issued struct {
	PassView
	Created bool
}

var (
	errPassNotFound  = fault.New(fault.NotFound, "wallet.pass_not_found", "Pass not found")
	errMPINotFound   = fault.New(fault.NotFound, "wallet.mpi_not_found", "No active pass for this MPI ID")
	errDeviceUnknown = fault.New(fault.NotFound, "wallet.device_not_found", "Device not registered")
)

func checkLen(field, v string, max int, required bool) error {
	switch {
	case required && strings.TrimSpace(v) == "":
		return fault.Field(field, "wallet."+field+"_required", field+" is required")
	case utf8.RuneCountInString(v) > max || !utf8.ValidString(v) || strings.ContainsRune(v, 0):
		return fault.Field(field, "wallet."+field+"_invalid", fmt.Sprintf("%s must be valid text of at most %d characters", field, max))
	}
	return nil
}

const maxIssueAttempts = 5

// IssuePass returns the programme's active pass for in.MPIID, or issues
// one: a fresh pass id, the QR payload, its HMAC and its Ed25519 signature
// token. Idempotent on the MPI id: concurrent calls for one MPI id return
// one pass (the store's unique key decides; losers read the winner's). An
// active pass that has expired is superseded: revoked with a reason and
// replaced. Bad input is fault.Invalid naming the field.
func (s *Service) IssuePass(ctx context.Context, programme string, in IssueInput) (Issued, error) {
	if err := s.checkProgramme(programme); err != nil {
		return Issued{}, err
	}
	if in.MPIID == "" {
		return Issued{}, fault.Field("mpi_id", "wallet.mpi_id_required", "mpi_id is required")
	}
	if !wallet.ValidMPIID(in.MPIID) {
		return Issued{}, fault.Field("mpi_id", "wallet.mpi_id_invalid", "mpi_id must be 1 to 64 letters, digits, '-', '_' or '.'")
	}
	if in.PassType == "" {
		in.PassType = string(wallet.TypeHealth)
	}
	typ, ok := wallet.ParsePassType(in.PassType)
	if !ok {
		return Issued{}, fault.Field("pass_type", "wallet.pass_type_invalid", "pass_type must be health, vaccination or distribution")
	}
	for _, c := range []struct {
		field, v string
		max      int
	}{{"holder_name", in.HolderName, 255}, {"holder_id", in.HolderID, 64}, {"campaign_id", in.CampaignID, 64}, {"campaign_name", in.CampaignName, 255}} {
		if err := checkLen(c.field, c.v, c.max, false); err != nil {
			return Issued{}, err
		}
	}
	now := s.clock.Now()
	exp := now.Add(DefaultValidity)
	if in.ExpiresAt != nil {
		exp = in.ExpiresAt.UTC()
		if !exp.After(now) {
			return Issued{}, fault.Field("expires_at", "wallet.expires_at_past", "expires_at must be in the future")
		}
	}
	exp = exp.Truncate(time.Second) // the signature token carries whole seconds

	for attempt := 1; ; attempt++ {
		existing, err := s.st.Passes.ActivePassByMPI(ctx, programme, in.MPIID)
		switch {
		case err == nil && existing.Status(now) == wallet.StatusActive:
			return Issued{PassView: s.view(existing, now)}, nil
		case err == nil: // expired: supersede it
			if _, err := s.revoke(ctx, programme, "", existing.PassID, "Superseded: the pass expired and a new one was issued", now); err != nil && !fault.Is(err, fault.Conflict) {
				return Issued{}, err
			}
		case !fault.Is(err, fault.NotFound):
			return Issued{}, fmt.Errorf("issue pass for %s: %w", in.MPIID, err)
		}
		p, err := s.newPass(ctx, programme, in, typ, now, exp)
		if err != nil {
			return Issued{}, err
		}
		err = s.st.Passes.CreatePass(ctx, p)
		if err == nil {
			return Issued{PassView: s.view(p, now), Created: true}, nil
		}
		fe, _ := fault.As(err)
		if attempt == maxIssueAttempts || fe == nil || fe.Kind != fault.Conflict {
			return Issued{}, fmt.Errorf("issue pass for %s: %w", in.MPIID, err)
		}
		// Lost a race (another issue won, read its pass) or drew a taken id.
	}
}

func (s *Service) newPass(ctx context.Context, programme string, in IssueInput, typ wallet.PassType, now, exp time.Time) (wallet.Pass, error) {
	id, err := wallet.NewUUID(s.rand)
	if err != nil {
		return wallet.Pass{}, err
	}
	passID, err := wallet.NewPassID(s.rand)
	if err != nil {
		return wallet.Pass{}, err
	}
	ring, err := s.keyring(ctx)
	if err != nil {
		return wallet.Pass{}, err
	}
	payload := wallet.Payload(in.MPIID, passID, typ)
	tok, kid, err := ring.Sign(payload, exp)
	if err != nil {
		return wallet.Pass{}, err
	}
	return wallet.Pass{
		ID: id, PassID: passID, Programme: programme, MPIID: in.MPIID,
		HolderName: strings.TrimSpace(in.HolderName), HolderID: strings.TrimSpace(in.HolderID),
		CampaignID: in.CampaignID, CampaignName: strings.TrimSpace(in.CampaignName), Type: typ,
		QRPayload: payload, QRSignature: wallet.HMAC(s.hmacKey, payload), SignatureEd: tok, KeyID: kid,
		IssuedAt: now, ExpiresAt: exp, CreatedAt: now, UpdatedAt: now,
	}, nil
}

func (s *Service) checkProgramme(programme string) error {
	if programme == "" || len(programme) > 64 || !utf8.ValidString(programme) || strings.ContainsAny(programme, "|\x00") {
		return fault.New(fault.Forbidden, "wallet.programme_required", "A programme account is required")
	}
	return nil
}

// ActivePass returns the programme's active pass for mpiID (possibly
// expired); fault.NotFound when there is none.
func (s *Service) ActivePass(ctx context.Context, programme, mpiID string) (PassView, error) {
	if err := s.checkProgramme(programme); err != nil {
		return PassView{}, err
	}
	if !wallet.ValidMPIID(mpiID) {
		return PassView{}, errMPINotFound
	}
	p, err := s.st.Passes.ActivePassByMPI(ctx, programme, mpiID)
	if fault.Is(err, fault.NotFound) {
		return PassView{}, errMPINotFound
	}
	if err != nil {
		return PassView{}, err
	}
	return s.view(p, s.clock.Now()), nil
}

// ListInput is the query of GET /wallet/passes.
type ListInput struct {
	Status string // "", active, revoked, expired
	Limit  int    // 1–500; 0 means 100
	Offset int
}

// PassList is a page of passes with the programme's figures.
type PassList struct {
	Passes []PassView
	Total  int // passes matching the filter
	Stats  wallet.Counts
}

// ListPasses returns a page of the programme's passes, newest first.
func (s *Service) ListPasses(ctx context.Context, programme string, in ListInput) (PassList, error) {
	if err := s.checkProgramme(programme); err != nil {
		return PassList{}, err
	}
	var st wallet.Status
	if in.Status != "" {
		var ok bool
		if st, ok = wallet.ParseStatus(in.Status); !ok {
			return PassList{}, fault.Field("status", "wallet.status_invalid", "status must be active, revoked or expired")
		}
	}
	if in.Limit == 0 {
		in.Limit = 100
	}
	if in.Limit < 1 || in.Limit > 500 {
		return PassList{}, fault.Field("limit", "wallet.limit_invalid", "limit must be between 1 and 500")
	}
	if in.Offset < 0 {
		return PassList{}, fault.Field("offset", "wallet.offset_invalid", "offset must be 0 or more")
	}
	now := s.clock.Now()
	ps, total, err := s.st.Passes.ListPasses(ctx, ports.PassFilter{Programme: programme, Status: st, Now: now, Limit: in.Limit, Offset: in.Offset})
	if err != nil {
		return PassList{}, err
	}
	stats, err := s.stats(ctx, programme, now)
	if err != nil {
		return PassList{}, err
	}
	out := PassList{Passes: make([]PassView, len(ps)), Total: total, Stats: stats}
	for i, p := range ps {
		out.Passes[i] = s.view(p, now)
	}
	return out, nil
}

// Revocation is the result of RevokePass.
type Revocation struct {
	PassID    string
	Status    wallet.Status // revoked
	RevokedAt time.Time
	Reason    string
}

// RevokePass revokes the programme's pass passID with reason (required,
// at most 500 characters), audited with actorID. An unknown pass or one of
// another programme is fault.NotFound; a revoked one fault.Conflict.
func (s *Service) RevokePass(ctx context.Context, programme, actorID, passID, reason string) (Revocation, error) {
	if err := s.checkProgramme(programme); err != nil {
		return Revocation{}, err
	}
	reason = strings.TrimSpace(reason)
	if err := checkLen("reason", reason, 500, true); err != nil {
		return Revocation{}, err
	}
	if !offline.ValidPassID(passID) {
		return Revocation{}, errPassNotFound
	}
	p, err := s.revoke(ctx, programme, actorID, passID, reason, s.clock.Now())
	if err != nil {
		return Revocation{}, err
	}
	return Revocation{PassID: p.PassID, Status: wallet.StatusRevoked, RevokedAt: *p.RevokedAt, Reason: p.RevokeReason}, nil
}

func (s *Service) revoke(ctx context.Context, programme, actorID, passID, reason string, now time.Time) (wallet.Pass, error) {
	p, err := s.st.Passes.RevokePass(ctx, programme, passID, reason, now)
	if fault.Is(err, fault.NotFound) {
		return wallet.Pass{}, errPassNotFound
	}
	if err != nil {
		return wallet.Pass{}, err
	}
	details, _ := json.Marshal(map[string]string{"programme": programme, "reason": reason, "mpi_id": p.MPIID})
	if err := s.audit.Record(ctx, audit.Record{At: now, ActorID: actorID, Action: ActionPassRevoked,
		TargetType: "wallet_pass", TargetID: passID, Outcome: audit.Success, Details: details}); err != nil {
		// The revocation stands; a lost audit record is logged loudly.
		s.log.ErrorContext(ctx, "audit wallet revocation", "pass_id", passID, "err", err)
	}
	return p, nil
}

// Stats returns the programme's wallet figures now.
func (s *Service) Stats(ctx context.Context, programme string) (wallet.Counts, error) {
	if err := s.checkProgramme(programme); err != nil {
		return wallet.Counts{}, err
	}
	return s.stats(ctx, programme, s.clock.Now())
}

func (s *Service) stats(ctx context.Context, programme string, now time.Time) (wallet.Counts, error) {
	c, err := s.st.Passes.CountPasses(ctx, programme, now)
	if err != nil {
		return wallet.Counts{}, err
	}
	devices, err := s.st.Devices.ListDevices(ctx, programme)
	if err != nil {
		return wallet.Counts{}, err
	}
	c.DevicesRegistered = len(devices)
	return c, nil
}
