package programme

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"time"
)

// Token lifetimes (§2, §15.1.2): access 30 minutes and refresh 30 days by
// default (both configurable), the 2FA login step 5 minutes.
const (
	DefaultAccessTTL  = 30 * time.Minute
	DefaultRefreshTTL = 30 * 24 * time.Hour
	TwoFactorTTL      = 5 * time.Minute
)

// Token purposes, carried in the "typ" claim so a token minted for one step
// is refused by every other.
const (
	PurposeAccess    = "access"
	PurposeTwoFactor = "2fa"
)

// Claims are what an Oomus token carries. A codec signs them (HS256) and
// checks signature, issuer, audience and expiry; Check applies the rules
// that do not need the key.
type Claims struct {
	Purpose      string // PurposeAccess or PurposeTwoFactor
	UserID       string // "sub"
	ProgrammeID  string // "pid"
	Role         Role
	IsAdmin      bool
	SessionID    string // "sid": the refresh-token family; empty for 2FA tokens
	TokenVersion int64  // "ver": the user's token version at issue
	ID           string // "jti"
	IssuedAt     time.Time
	ExpiresAt    time.Time
}

// ErrBadClaims is returned by Check for claims that no issued token has.
var ErrBadClaims = errors.New("token claims are incomplete or of the wrong purpose")

// Check reports claims that are not a complete token of purpose valid at now.
func (c Claims) Check(purpose string, now time.Time) error {
	if c.Purpose != purpose || !ValidUUID(c.UserID) || !ValidUUID(c.ProgrammeID) || c.ID == "" || c.TokenVersion < 0 {
		return ErrBadClaims
	}
	if purpose == PurposeAccess && (!ValidUUID(c.SessionID) || !c.Role.Valid()) {
		return ErrBadClaims
	}
	if c.ExpiresAt.IsZero() || !now.Before(c.ExpiresAt) || c.IssuedAt.After(now.Add(time.Minute)) {
		return ErrBadClaims
	}
	return nil
}

// Session is one login: a refresh-token family. Logging out revokes it,
// which also kills the access tokens that name it.
type Session struct {
	ID          string // UUID, the "sid" claim
	UserID      string
	ProgrammeID string
	IP          string
	UserAgent   string
	CreatedAt   time.Time
	ExpiresAt   time.Time // the family's absolute end: refresh does not extend it
	RevokedAt   *time.Time
}

// Active reports whether s is unrevoked and unexpired at now.
func (s Session) Active(now time.Time) bool { return s.RevokedAt == nil && now.Before(s.ExpiresAt) }

// RefreshToken is one issued refresh token of a session. Only its hash is
// stored; UsedAt is set when it is exchanged (rotation).
type RefreshToken struct {
	Hash      string // hex SHA-256 of the token
	SessionID string
	UserID    string
	IssuedAt  time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// RefreshTokenPrefix starts every refresh token.
const RefreshTokenPrefix = "ort_"

const refreshRandomLen = 32

// NewRefreshToken returns a refresh token with 256 random bits from r.
func NewRefreshToken(r io.Reader) (string, error) {
	b := make([]byte, refreshRandomLen)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("read random: %w", err)
	}
	return RefreshTokenPrefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// ErrMalformedToken is returned by ParseRefreshToken for input that cannot
// be a refresh token.
var ErrMalformedToken = errors.New("malformed refresh token")

// ParseRefreshToken checks the shape of a refresh token (prefix, length,
// base64url without padding) and returns the hash under which it is stored.
// Garbage is refused before any store is asked.
func ParseRefreshToken(s string) (hash string, err error) {
	want := len(RefreshTokenPrefix) + base64.RawURLEncoding.EncodedLen(refreshRandomLen)
	if len(s) != want || s[:len(RefreshTokenPrefix)] != RefreshTokenPrefix {
		return "", ErrMalformedToken
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(s[len(RefreshTokenPrefix):])
	if err != nil || len(raw) != refreshRandomLen {
		return "", ErrMalformedToken
	}
	return HashToken(s), nil
}

// HashToken returns the hex SHA-256 of a token: what stores keep.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// ProvisioningURI returns the otpauth:// URI of §2's 2FA setup in its exact
// shape, "otpauth://totp/{issuer}:{email}?secret={secret}&issuer={issuer}",
// with the issuer percent-encoded in both places ("%20", not the "+" of form
// encoding, which some authenticator apps show literally). Codes are the
// RFC 6238 defaults (6 digits, 30 s), so no digits or period are added.
func ProvisioningURI(issuer, email, secret string) string {
	iss := url.PathEscape(issuer)
	return "otpauth://totp/" + iss + ":" + url.PathEscape(email) + "?secret=" + url.QueryEscape(secret) + "&issuer=" + iss
}
