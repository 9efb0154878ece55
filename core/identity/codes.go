package identity

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// CodeAlphabet is the alphabet of every human code: no I, L, O, 0 or 1.
const CodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// rejectAbove is 256 - 256 mod 31: bytes at or above it are discarded so that
// every symbol is equally likely.
const rejectAbove = 256 - 256%len(CodeAlphabet)

// Code lengths, in symbols.
const (
	AccessCodeSymbols   = 8  // OZZY-XXXX-XXXX, ≈ 39.6 bits
	RecoveryCodeSymbols = 12 // RCVY-XXXX-XXXX-XXXX, ≈ 59.4 bits
	referralSymbols     = 4
)

// ErrMalformedCode is returned by the parsers for input that cannot be a code.
var ErrMalformedCode = errors.New("malformed code")

// RandomSymbols draws n symbols of CodeAlphabet from r by rejection sampling.
func RandomSymbols(r io.Reader, n int) (string, error) {
	out := make([]byte, 0, n)
	buf := make([]byte, n+8)
	for len(out) < n {
		if _, err := io.ReadFull(r, buf); err != nil {
			return "", fmt.Errorf("read random: %w", err)
		}
		for _, b := range buf {
			if int(b) >= rejectAbove {
				continue
			}
			out = append(out, CodeAlphabet[int(b)%len(CodeAlphabet)])
			if len(out) == n {
				break
			}
		}
	}
	return string(out), nil
}

// NewAccessCode returns a fresh access code "OZZY-XXXX-XXXX".
func NewAccessCode(r io.Reader) (string, error) {
	s, err := RandomSymbols(r, AccessCodeSymbols)
	if err != nil {
		return "", err
	}
	return "OZZY-" + s[:4] + "-" + s[4:], nil
}

// NewRecoveryCode returns a fresh recovery code "RCVY-XXXX-XXXX-XXXX".
func NewRecoveryCode(r io.Reader) (string, error) {
	s, err := RandomSymbols(r, RecoveryCodeSymbols)
	if err != nil {
		return "", err
	}
	return "RCVY-" + s[:4] + "-" + s[4:8] + "-" + s[8:], nil
}

// maxCodeInput bounds what the parsers look at; no real code is near it.
const maxCodeInput = 64

// normaliseSymbols upper-cases s, keeps only A-Z and 0-9, and strips a
// leading prefix.
func normaliseSymbols(s, prefix string) string {
	if len(s) > maxCodeInput {
		return ""
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') {
			b.WriteByte(c)
		}
	}
	return strings.TrimPrefix(b.String(), prefix)
}

// ParseAccessCode normalises a typed access code ("ozzy-7k3m x9pl",
// "OZZY-7K3M-X9PL", "7K3MX9PL") to its 8 bare symbols. Symbols outside
// CodeAlphabet are accepted (imported or legacy codes may hold them); such a
// code simply matches no account.
func ParseAccessCode(s string) (string, error) {
	n := normaliseSymbols(s, "OZZY")
	if len(n) != AccessCodeSymbols {
		return "", ErrMalformedCode
	}
	return n, nil
}

// ParseRecoveryCode normalises a typed recovery code to its bare symbols
// (A-Z, 0-9). It accepts the 12-symbol RCVY form and the original's 8-symbol
// form.
func ParseRecoveryCode(s string) (string, error) {
	n := normaliseSymbols(s, "RCVY")
	if len(n) != RecoveryCodeSymbols && len(n) != 8 {
		return "", ErrMalformedCode
	}
	return n, nil
}

// maxReferralName caps the name part of a referral code.
const maxReferralName = 10

// NewReferralCode returns "<NAME>-<4 symbols>" built from the first word of
// fullName, ASCII letters only (others dropped); "OZZY" when none remain.
func NewReferralCode(r io.Reader, fullName string) (string, error) {
	first := fullName
	if i := strings.IndexAny(strings.TrimSpace(fullName), " \t"); i > 0 {
		first = strings.TrimSpace(fullName)[:i]
	}
	var b strings.Builder
	for _, c := range strings.ToUpper(first) {
		if c >= 'A' && c <= 'Z' {
			b.WriteRune(c)
			if b.Len() == maxReferralName {
				break
			}
		}
	}
	name := b.String()
	if name == "" {
		name = "OZZY"
	}
	s, err := RandomSymbols(r, referralSymbols)
	if err != nil {
		return "", err
	}
	return name + "-" + s, nil
}

// NormaliseReferralCode upper-cases and trims a submitted referral code; it
// returns "" for input that cannot be one (unknown codes are accepted and not
// linked, so there is no error).
func NormaliseReferralCode(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) == 0 || len(s) > 40 {
		return ""
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-') {
			return ""
		}
	}
	return s
}
