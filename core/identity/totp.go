package identity

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
)

// TOTP parameters of RFC 6238 as AskOzzy uses them: HMAC-SHA1, 6 digits, a
// 30-second step, and one step of drift either way.
const (
	TOTPDigits    = 6
	TOTPPeriod    = 30 * time.Second
	TOTPSkew      = 1
	totpSecretLen = 20 // 160 bits, 32 base32 characters
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewTOTPSecret returns a fresh 160-bit secret, base32-encoded without padding.
func NewTOTPSecret(r io.Reader) (string, error) {
	b := make([]byte, totpSecretLen)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("read random: %w", err)
	}
	return b32.EncodeToString(b), nil
}

// DecodeTOTPSecret decodes a base32 secret (case and spaces ignored).
func DecodeTOTPSecret(s string) ([]byte, error) {
	s = strings.ToUpper(strings.ReplaceAll(strings.TrimRight(s, "="), " ", ""))
	b, err := b32.DecodeString(s)
	if err != nil || len(b) < 10 {
		return nil, ErrMalformedCode
	}
	return b, nil
}

// HOTP computes the RFC 4226 one-time password of counter with the given
// number of digits (6 to 8).
func HOTP(secret []byte, counter uint64, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	m := hmac.New(sha1.New, secret)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, bin%mod)
}

// TOTPStep returns the RFC 6238 time step of t.
func TOTPStep(t time.Time) uint64 {
	return uint64(t.Unix()) / uint64(TOTPPeriod/time.Second)
}

// ParseTOTPCode normalises a typed code: spaces and dashes dropped, exactly
// TOTPDigits decimal digits.
func ParseTOTPCode(s string) (string, error) {
	if len(s) > 32 {
		return "", ErrMalformedCode
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			b.WriteByte(c)
		case c == ' ' || c == '-':
		default:
			return "", ErrMalformedCode
		}
	}
	if b.Len() != TOTPDigits {
		return "", ErrMalformedCode
	}
	return b.String(), nil
}

// VerifyTOTP checks code against secret at now, accepting steps −1, 0 and
// +1. A step at or before lastStep (the last one accepted for this account)
// is refused, so a code cannot be replayed in its window. It returns the
// matched step, to be stored as the new lastStep.
func VerifyTOTP(secret []byte, code string, now time.Time, lastStep uint64) (uint64, bool) {
	code, err := ParseTOTPCode(code)
	if err != nil || len(secret) == 0 {
		return 0, false
	}
	cur := TOTPStep(now)
	var matched uint64
	ok := 0
	for d := -TOTPSkew; d <= TOTPSkew; d++ {
		step := cur + uint64(int64(d))
		if d < 0 && cur < uint64(-d) {
			continue
		}
		eq := subtle.ConstantTimeCompare([]byte(HOTP(secret, step, TOTPDigits)), []byte(code))
		if eq == 1 && ok == 0 {
			matched, ok = step, 1
		}
	}
	if ok == 0 || matched <= lastStep {
		return 0, false
	}
	return matched, true
}

// TOTPURI returns the otpauth:// URI an authenticator app scans.
func TOTPURI(issuer, account, secret string) string {
	label := url.PathEscape(issuer) + ":" + url.PathEscape(account)
	q := url.Values{}
	q.Set("secret", secret)
	q.Set("issuer", issuer)
	q.Set("digits", fmt.Sprint(TOTPDigits))
	q.Set("period", fmt.Sprint(int(TOTPPeriod/time.Second)))
	return "otpauth://totp/" + label + "?" + q.Encode()
}
