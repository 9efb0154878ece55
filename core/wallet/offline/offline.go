// Package offline checks Kente Sovereign Wallet passes on a field device
// with no network and no secret: a QR payload and its Ed25519 signature
// token are verified against the server's public keys, chosen by key id.
//
// It imports only the standard library so a field application can vendor
// it alone. core/wallet builds on the same definitions to sign passes.
//
// The signed message. A pass's QR payload is "{mpi_id}:{pass_id}:{pass_type}"
// (the Oomus form, unchanged). Its Ed25519 signature token is
//
//	v1.{key_id}.{expires_unix}.{signature}
//
// where key_id is KeyID of the signing public key, expires_unix the pass's
// expiry in Unix seconds (decimal, no sign, no leading zeros), and
// signature the base64url (no padding) Ed25519 signature of Message(payload,
// expires_unix):
//
//	"kente/wallet-pass/v1" 0x00 payload 0x00 expires_unix
//
// The expiry travels in the token, under the signature, so a device holding
// only (p, s) can say "expired" as well as "valid". Revocation cannot be
// known offline: a device learns it through sync and passes it as Revoked.
package offline

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Pass types a payload may name.
const (
	TypeHealth       = "health"
	TypeVaccination  = "vaccination"
	TypeDistribution = "distribution"
)

// MaxMPIIDLen is the longest MPI id a payload may carry.
const MaxMPIIDLen = 64

// PassIDLen is the length of a pass id: 16 upper-case hex characters.
const PassIDLen = 16

// Payload is a parsed QR payload.
type Payload struct {
	MPIID    string
	PassID   string
	PassType string
}

// String returns the payload's canonical form "{mpi_id}:{pass_id}:{pass_type}".
func (p Payload) String() string { return p.MPIID + ":" + p.PassID + ":" + p.PassType }

// Errors of ParsePayload and ParseToken; callers may match them with errors.Is.
var (
	ErrPayload   = errors.New("malformed wallet QR payload")
	ErrToken     = errors.New("malformed wallet signature token")
	ErrUnknownID = errors.New("signature key id is not a known key")
)

// ParsePayload parses a QR payload strictly: exactly three ':'-separated
// parts; an MPI id of 1–64 characters from A–Z, a–z, 0–9, '-', '_' and '.';
// a pass id of exactly 16 upper-case hex characters; and a known pass type
// in lower case. Anything else, surrounding spaces included, is ErrPayload.
func ParsePayload(s string) (Payload, error) {
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return Payload{}, fmt.Errorf("%w: want 3 parts separated by ':'", ErrPayload)
	}
	p := Payload{MPIID: parts[0], PassID: parts[1], PassType: parts[2]}
	if !ValidMPIID(p.MPIID) {
		return Payload{}, fmt.Errorf("%w: bad mpi_id", ErrPayload)
	}
	if !ValidPassID(p.PassID) {
		return Payload{}, fmt.Errorf("%w: bad pass_id", ErrPayload)
	}
	switch p.PassType {
	case TypeHealth, TypeVaccination, TypeDistribution:
	default:
		return Payload{}, fmt.Errorf("%w: bad pass_type", ErrPayload)
	}
	return p, nil
}

// ValidMPIID reports whether s may be an MPI id in a payload.
func ValidMPIID(s string) bool {
	if len(s) == 0 || len(s) > MaxMPIIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_', c == '.':
		default:
			return false
		}
	}
	return true
}

// ValidPassID reports whether s is 16 upper-case hex characters.
func ValidPassID(s string) bool {
	if len(s) != PassIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// KeyID returns a public key's id: the first 16 lower-case hex characters
// (64 bits) of the SHA-256 of its 32 raw bytes.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

const messageLabel = "kente/wallet-pass/v1"

// Message returns the bytes an Ed25519 pass signature covers.
func Message(payload string, expiresUnix int64) []byte {
	b := make([]byte, 0, len(messageLabel)+len(payload)+24)
	b = append(b, messageLabel...)
	b = append(b, 0)
	b = append(b, payload...)
	b = append(b, 0)
	return strconv.AppendInt(b, expiresUnix, 10)
}

// Token is a parsed signature token.
type Token struct {
	KeyID     string
	ExpiresAt time.Time // UTC, whole seconds
	Signature []byte    // 64 bytes
}

// String returns the token's canonical text form.
func (t Token) String() string {
	return "v1." + t.KeyID + "." + strconv.FormatInt(t.ExpiresAt.Unix(), 10) + "." +
		base64.RawURLEncoding.EncodeToString(t.Signature)
}

// ParseToken parses "v1.{key_id}.{expires_unix}.{signature}" strictly.
func ParseToken(s string) (Token, error) {
	parts := strings.Split(s, ".")
	if len(parts) != 4 || parts[0] != "v1" {
		return Token{}, fmt.Errorf("%w: want v1.key_id.expires.signature", ErrToken)
	}
	if len(parts[1]) != 16 || strings.Trim(parts[1], "0123456789abcdef") != "" {
		return Token{}, fmt.Errorf("%w: bad key id", ErrToken)
	}
	exp := parts[2]
	if exp == "" || len(exp) > 12 || strings.Trim(exp, "0123456789") != "" || (exp[0] == '0' && exp != "0") {
		return Token{}, fmt.Errorf("%w: bad expiry", ErrToken)
	}
	unix, _ := strconv.ParseInt(exp, 10, 64)
	sig, err := base64.RawURLEncoding.Strict().DecodeString(parts[3])
	if err != nil || len(sig) != ed25519.SignatureSize {
		return Token{}, fmt.Errorf("%w: bad signature encoding", ErrToken)
	}
	return Token{KeyID: parts[1], ExpiresAt: time.Unix(unix, 0).UTC(), Signature: sig}, nil
}

// Sign returns the signature token of payload expiring at expiresAt
// (truncated to whole seconds) under priv.
func Sign(priv ed25519.PrivateKey, payload string, expiresAt time.Time) Token {
	unix := expiresAt.Unix()
	return Token{
		KeyID:     KeyID(priv.Public().(ed25519.PublicKey)),
		ExpiresAt: time.Unix(unix, 0).UTC(),
		Signature: ed25519.Sign(priv, Message(payload, unix)),
	}
}

// Keys are the public keys a device trusts, by key id.
type Keys map[string]ed25519.PublicKey

// NewKeys returns the set holding pubs, each under its KeyID.
func NewKeys(pubs ...ed25519.PublicKey) Keys {
	k := make(Keys, len(pubs))
	for _, p := range pubs {
		k[KeyID(p)] = p
	}
	return k
}

// keyFile is the JSON of GET /api/v1/wallet/keys, what ParseKeys reads.
type keyFile struct {
	Keys []struct {
		KeyID     string `json:"key_id"`
		Algorithm string `json:"algorithm"`
		PublicKey string `json:"public_key"`
	} `json:"keys"`
}

// ParseKeys reads a public-key file: the JSON the server publishes,
// {"keys": [{"key_id": "...", "algorithm": "ed25519", "public_key":
// "<base64url, no padding, 32 bytes>"}]}. A key whose id does not match
// its bytes is refused, so a file cannot alias one key under another id.
func ParseKeys(data []byte) (Keys, error) {
	var f keyFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("read key file: %w", err)
	}
	if len(f.Keys) == 0 {
		return nil, errors.New("key file holds no keys")
	}
	out := make(Keys, len(f.Keys))
	for i, k := range f.Keys {
		if k.Algorithm != "ed25519" {
			return nil, fmt.Errorf("key %d: algorithm %q is not ed25519", i, k.Algorithm)
		}
		raw, err := base64.RawURLEncoding.Strict().DecodeString(k.PublicKey)
		if err != nil || len(raw) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("key %d: public_key must be 32 bytes in base64url", i)
		}
		pub := ed25519.PublicKey(raw)
		if KeyID(pub) != k.KeyID {
			return nil, fmt.Errorf("key %d: key_id %q does not match the key (%s)", i, k.KeyID, KeyID(pub))
		}
		out[k.KeyID] = pub
	}
	return out, nil
}

// Status is the outcome of an offline check.
type Status string

// Statuses of Check. Revoked is reported only for pass ids the caller
// learnt were revoked (through sync).
const (
	Valid   Status = "valid"
	Invalid Status = "invalid"
	Expired Status = "expired"
	Revoked Status = "revoked"
)

// Result is what Check found. Payload and Token are set whenever the
// signature verified (statuses other than Invalid).
type Result struct {
	Status  Status
	Reason  string // why, for Invalid
	Payload Payload
	Token   Token
}

// Verifier checks passes against trusted keys and, optionally, the pass
// ids a device learnt were revoked.
type Verifier struct {
	Keys    Keys
	Revoked map[string]bool // by pass id
}

// Check verifies payload p and signature token s at now. A malformed
// payload or token, an unknown key id or a bad signature is Invalid; a
// good signature is Revoked, Expired (at or after its expiry) or Valid,
// in that order. Check never panics on any input.
func (v Verifier) Check(p, s string, now time.Time) Result {
	payload, err := ParsePayload(p)
	if err != nil {
		return Result{Status: Invalid, Reason: err.Error()}
	}
	tok, err := ParseToken(s)
	if err != nil {
		return Result{Status: Invalid, Reason: err.Error()}
	}
	pub, ok := v.Keys[tok.KeyID]
	if !ok || len(pub) != ed25519.PublicKeySize {
		return Result{Status: Invalid, Reason: ErrUnknownID.Error()}
	}
	if !ed25519.Verify(pub, Message(p, tok.ExpiresAt.Unix()), tok.Signature) {
		return Result{Status: Invalid, Reason: "signature does not verify"}
	}
	r := Result{Status: Valid, Payload: payload, Token: tok}
	switch {
	case v.Revoked[payload.PassID]:
		r.Status = Revoked
	case !now.Before(tok.ExpiresAt):
		r.Status = Expired
	}
	return r
}
