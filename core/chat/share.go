package chat

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"time"
)

// Share tokens are 32 random bytes, base64url without padding (43
// characters, 256 bits): unguessable, so the public link is the only
// capability. Stores keep only HashShareToken of a token; unsharing clears
// it, which revokes the link.
const (
	shareTokenBytes = 32
	// ShareTokenLen is the length of a share token in characters.
	ShareTokenLen = 43
	// ShareTTL is how long a share link works after sharing (§4.15).
	ShareTTL = 30 * 24 * time.Hour
)

// NewShareToken draws a share token from r (crypto/rand.Reader in
// production).
func NewShareToken(r io.Reader) (string, error) {
	var b [shareTokenBytes]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("read random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// ValidShareToken reports whether s has the shape of a share token, so a
// malformed one is rejected before any lookup.
func ValidShareToken(s string) bool {
	if len(s) != ShareTokenLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	// The last character carries 2 padding bits, which must be zero.
	_, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return err == nil
}

// HashShareToken is what a store keeps and looks up: the hex SHA-256 of
// the token.
func HashShareToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// ShareExpired reports whether a link shared at sharedAt has lapsed at now.
func ShareExpired(sharedAt, now time.Time) bool {
	return !now.Before(sharedAt.Add(ShareTTL))
}
