package identity

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// PasskeyIDPrefix starts every public passkey id ("cred_…").
const PasskeyIDPrefix = "cred_"

// MaxCredentialIDLen is the longest WebAuthn credential id accepted, in
// bytes (WebAuthn Level 3 §5.1: at most 1023).
const MaxCredentialIDLen = 1023

// MaxPasskeyNameLen bounds a passkey's friendly name, in characters.
const MaxPasskeyNameLen = 64

// DefaultPasskeyName names a passkey registered without a name.
const DefaultPasskeyName = "Passkey"

// Passkey is a WebAuthn credential registered to a user: the public half of
// a key pair held by an authenticator.
type Passkey struct {
	ID                string // public id, "cred_" + 16 hex
	UserID            string
	CredentialID      []byte // the authenticator's credential id (rawId), unique
	PublicKey         []byte // COSE_Key of the credential
	SignCount         uint32 // last signature counter seen
	AAGUID            []byte // authenticator model, 16 bytes (zero for "none" attestation)
	Transports        []string
	BackupEligible    bool   // the BE flag at registration; must not change
	BackupState       bool   // the BS flag last seen
	AttestationFormat string // "none", "packed", ...
	Name              string
	CreatedAt         time.Time
	LastUsedAt        *time.Time
}

// CredentialKey returns the hex SHA-256 of a credential id: the fixed-width
// key stores index credential ids by.
func CredentialKey(credentialID []byte) string {
	sum := sha256.Sum256(credentialID)
	return hex.EncodeToString(sum[:])
}

// NormalisePasskeyName trims and collapses a friendly name, bounds it to
// MaxPasskeyNameLen characters, drops control characters, and returns
// DefaultPasskeyName when nothing is left.
func NormalisePasskeyName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > MaxPasskeyNameLen {
		s = strings.TrimSpace(string([]rune(s)[:MaxPasskeyNameLen]))
	}
	if s == "" {
		return DefaultPasskeyName
	}
	return s
}

// SignCountAdvances reports whether an assertion's signature counter got may
// follow the stored counter stored (WebAuthn §6.1.1). Authenticators that do
// not count report zero every time, which is allowed while both are zero;
// any other counter must strictly increase. A counter that does not advance
// means the credential may have been cloned.
func SignCountAdvances(stored, got uint32) bool {
	if got == 0 && stored == 0 {
		return true
	}
	return got > stored
}

// ChallengePurpose says which ceremony a challenge belongs to.
type ChallengePurpose string

// Challenge purposes.
const (
	ChallengeRegistration ChallengePurpose = "registration"
	ChallengeLogin        ChallengePurpose = "login"
)

// ChallengeLen is a WebAuthn challenge's length in random bytes.
const ChallengeLen = 32

// ChallengeTTL is how long a challenge may be answered after it is issued.
const ChallengeTTL = 300 * time.Second

// Challenge is a single-use WebAuthn challenge. Stores keep it by ID, the
// hash of its value; the value itself is known only to whoever issued it and
// to the client, which echoes it in its signed clientDataJSON.
type Challenge struct {
	ID        string // ChallengeKey(Value): hex SHA-256
	Value     []byte // the random bytes sent to the client; never stored
	Purpose   ChallengePurpose
	UserID    string // the user the ceremony is for; empty for a login with no known account
	CreatedAt time.Time
	ExpiresAt time.Time
}

// NewChallenge draws a challenge of ChallengeLen random bytes for purpose
// and userID, expiring ChallengeTTL after now.
func NewChallenge(r io.Reader, purpose ChallengePurpose, userID string, now time.Time) (Challenge, error) {
	v := make([]byte, ChallengeLen)
	if _, err := io.ReadFull(r, v); err != nil {
		return Challenge{}, fmt.Errorf("read random: %w", err)
	}
	return Challenge{
		ID:        ChallengeKey(v),
		Value:     v,
		Purpose:   purpose,
		UserID:    userID,
		CreatedAt: now,
		ExpiresAt: now.Add(ChallengeTTL),
	}, nil
}

// ChallengeKey returns the hex SHA-256 of a challenge value: its ID.
func ChallengeKey(value []byte) string {
	sum := sha256.Sum256(value)
	return hex.EncodeToString(sum[:])
}

// Expired reports whether c may no longer be answered at now.
func (c Challenge) Expired(now time.Time) bool {
	return !now.Before(c.ExpiresAt)
}
