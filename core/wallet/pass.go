// Package wallet holds the rules of the Oomus Sovereign Wallet: passes and
// their statuses, the QR payload and its two signatures (the Oomus HMAC and
// Kente's Ed25519, see package offline), the signing keyring and its
// rotation, device secrets, and the offline bundles devices decrypt.
//
// It does no I/O and reads no clock: randomness comes as an io.Reader and
// time as a now argument.
package wallet

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"time"

	"github.com/kente-gov/kente/core/wallet/offline"
)

// PassType is what a pass is for.
type PassType string

// Pass types.
const (
	TypeHealth       PassType = offline.TypeHealth
	TypeVaccination  PassType = offline.TypeVaccination
	TypeDistribution PassType = offline.TypeDistribution
)

// ParsePassType returns the pass type named s (exact, lower case).
func ParsePassType(s string) (PassType, bool) {
	switch t := PassType(s); t {
	case TypeHealth, TypeVaccination, TypeDistribution:
		return t, true
	}
	return "", false
}

// Status is a pass's state at a moment.
type Status string

// Statuses. Expired is never stored: it is derived from ExpiresAt.
const (
	StatusActive  Status = "active"
	StatusRevoked Status = "revoked"
	StatusExpired Status = "expired"
)

// ParseStatus returns the status named s (exact, lower case).
func ParseStatus(s string) (Status, bool) {
	switch st := Status(s); st {
	case StatusActive, StatusRevoked, StatusExpired:
		return st, true
	}
	return "", false
}

// Pass is one wallet pass of a programme's beneficiary.
type Pass struct {
	ID           string // uuid
	PassID       string // 16 upper-case hex
	Programme    string // the tenant
	MPIID        string
	HolderName   string
	HolderID     string
	CampaignID   string
	CampaignName string
	Type         PassType
	QRPayload    string // "{mpi_id}:{pass_id}:{pass_type}"
	QRSignature  string // hex HMAC-SHA256 of QRPayload (Oomus)
	SignatureEd  string // offline.Token text of QRPayload + ExpiresAt
	KeyID        string // the Ed25519 key that signed SignatureEd
	IssuedAt     time.Time
	ExpiresAt    time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time  // last change (issue or revocation), for sync
	RevokedAt    *time.Time // nil while not revoked
	RevokeReason string
}

// Status returns the pass's status at now: revoked once revoked, else
// expired from ExpiresAt on, else active.
func (p Pass) Status(now time.Time) Status {
	switch {
	case p.RevokedAt != nil:
		return StatusRevoked
	case !now.Before(p.ExpiresAt):
		return StatusExpired
	}
	return StatusActive
}

// ActiveKey is the value of the store's one-active-pass unique key for a
// programme's MPI id: "{programme}|{mpi_id}".
func ActiveKey(programme, mpiID string) string { return programme + "|" + mpiID }

// NewPassID draws a pass id: 8 bytes from r as 16 upper-case hex characters.
func NewPassID(r io.Reader) (string, error) {
	b := make([]byte, 8)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("read random: %w", err)
	}
	const digits = "0123456789ABCDEF"
	out := make([]byte, 16)
	for i, c := range b {
		out[2*i], out[2*i+1] = digits[c>>4], digits[c&0xf]
	}
	return string(out), nil
}

// NewUUID draws a random (version 4) UUID from r, for pass, device and
// sync ids.
func NewUUID(r io.Reader) (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("read random: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}

// QR is a parsed QR payload.
type QR struct {
	MPIID  string
	PassID string
	Type   PassType
}

// Payload builds the QR payload "{mpi_id}:{pass_id}:{pass_type}". It does
// not validate; ParsePayload of the result succeeds when each part is valid.
func Payload(mpiID, passID string, t PassType) string {
	return mpiID + ":" + passID + ":" + string(t)
}

// ParsePayload parses a QR payload strictly (see offline.ParsePayload).
func ParsePayload(s string) (QR, error) {
	p, err := offline.ParsePayload(s)
	if err != nil {
		return QR{}, err
	}
	return QR{MPIID: p.MPIID, PassID: p.PassID, Type: PassType(p.PassType)}, nil
}

// ValidMPIID reports whether s can appear in a QR payload: 1–64 characters
// of A–Z, a–z, 0–9, '-', '_', '.'.
func ValidMPIID(s string) bool { return offline.ValidMPIID(s) }

// HMAC returns the Oomus QR signature: lower-case hex HMAC-SHA256 of
// payload under key (the UTF-8 bytes of KENTE_WALLET_HMAC_KEY).
func HMAC(key []byte, payload string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(payload))
	return hex.EncodeToString(m.Sum(nil))
}

// VerifyHMAC reports whether sig is HMAC(key, payload), in constant time.
// Upper-case hex is accepted; anything that is not 64 hex digits is false.
func VerifyHMAC(key []byte, payload, sig string) bool {
	got, err := hex.DecodeString(sig)
	if err != nil || len(got) != sha256.Size {
		return false
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(payload))
	return hmac.Equal(m.Sum(nil), got)
}
