package identity

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"time"
)

// SessionTokenPrefix starts every session bearer token.
const SessionTokenPrefix = "sess_"

// SessionTTL is a session's lifetime from creation.
const SessionTTL = 7 * 24 * time.Hour

// TouchInterval bounds how often a session's last-seen time is written.
const TouchInterval = time.Minute

// Session is a login on one device. Only the token's hash is ever stored.
type Session struct {
	ID         string // public id, "sess_" + 16 hex; never the token
	UserID     string
	TokenHash  string // hex SHA-256 of the bearer token
	IP         string
	UserAgent  string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	RevokedAt  *time.Time
}

// Active reports whether s is unrevoked and unexpired at now.
func (s Session) Active(now time.Time) bool {
	return s.RevokedAt == nil && now.Before(s.ExpiresAt)
}

// NeedsTouch reports whether s's last-seen time is stale enough to write.
func (s Session) NeedsTouch(now time.Time) bool {
	return now.Sub(s.LastSeenAt) >= TouchInterval
}

// NewSessionToken returns a bearer token with 256 random bits.
func NewSessionToken(r io.Reader) (string, error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("read random: %w", err)
	}
	return SessionTokenPrefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// HashToken returns the hex SHA-256 of a bearer token: what stores keep.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// WellFormedToken reports whether s could be a session token (prefix and
// length), so garbage is refused before any store is asked.
func WellFormedToken(s string) bool {
	if !strings.HasPrefix(s, SessionTokenPrefix) || len(s) != len(SessionTokenPrefix)+43 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s[len(SessionTokenPrefix):])
	return err == nil
}

// NewID returns prefix followed by 16 random lower-case hex digits (64 bits),
// the form of every public id ("usr_…", "sess_…").
func NewID(r io.Reader, prefix string) (string, error) {
	b := make([]byte, 8)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("read random: %w", err)
	}
	return prefix + hex.EncodeToString(b), nil
}

// MaskIP hides the host part of an address for display: "41.215.x.x" for
// IPv4, the first three groups and "x" for IPv6.
func MaskIP(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ""
	}
	a = a.Unmap()
	if a.Is4() {
		b := a.As4()
		return fmt.Sprintf("%d.%d.x.x", b[0], b[1])
	}
	b := a.As16()
	return fmt.Sprintf("%x:%x:%x:x", uint16(b[0])<<8|uint16(b[1]), uint16(b[2])<<8|uint16(b[3]), uint16(b[4])<<8|uint16(b[5]))
}

// DescribeDevice turns a User-Agent into "Browser on OS", the seed's form.
func DescribeDevice(ua string) string {
	if ua == "" {
		return "Unknown device"
	}
	browser := "Unknown browser"
	switch {
	case strings.Contains(ua, "Edg/"):
		browser = "Edge"
	case strings.Contains(ua, "OPR/") || strings.Contains(ua, "Opera"):
		browser = "Opera"
	case strings.Contains(ua, "Firefox/"):
		browser = "Firefox"
	case strings.Contains(ua, "Chrome/") || strings.Contains(ua, "CriOS/"):
		browser = "Chrome"
	case strings.Contains(ua, "Safari/"):
		browser = "Safari"
	case strings.HasPrefix(ua, "curl/"):
		browser = "curl"
	case strings.HasPrefix(ua, "Go-http-client"):
		browser = "Go client"
	}
	os := ""
	switch {
	case strings.Contains(ua, "iPhone"):
		os = "iPhone"
	case strings.Contains(ua, "iPad"):
		os = "iPad"
	case strings.Contains(ua, "Android"):
		os = "Android"
	case strings.Contains(ua, "Windows"):
		os = "Windows"
	case strings.Contains(ua, "Mac OS X") || strings.Contains(ua, "Macintosh"):
		os = "macOS"
	case strings.Contains(ua, "CrOS"):
		os = "ChromeOS"
	case strings.Contains(ua, "Linux"):
		os = "Linux"
	}
	if os == "" {
		return browser
	}
	return browser + " on " + os
}
