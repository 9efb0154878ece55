package identity_test

import (
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/identity"
)

// RFC 6238 Appendix B, SHA-1 column: 8-digit codes for the ASCII secret
// "12345678901234567890".
func TestHOTPMatchesRFC6238Vectors(t *testing.T) {
	secret := []byte("12345678901234567890")
	tests := []struct {
		unix int64
		want string
	}{
		{59, "94287082"},
		{1111111109, "07081804"},
		{1111111111, "14050471"},
		{1234567890, "89005924"},
		{2000000000, "69279037"},
		{20000000000, "65353130"},
	}
	for _, tt := range tests {
		step := identity.TOTPStep(time.Unix(tt.unix, 0))
		assert.Equal(t, tt.want, identity.HOTP(secret, step, 8), "T=%d", tt.unix)
	}
}

// RFC 4226 Appendix D: 6-digit HOTP values for counters 0–9.
func TestHOTPMatchesRFC4226Vectors(t *testing.T) {
	want := []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"}
	for i, w := range want {
		assert.Equal(t, w, identity.HOTP([]byte("12345678901234567890"), uint64(i), 6))
	}
}

func TestVerifyTOTPWindowAndReplay(t *testing.T) {
	secretB32, err := identity.NewTOTPSecret(rand.Reader)
	require.NoError(t, err)
	assert.Len(t, secretB32, 32)
	secret, err := identity.DecodeTOTPSecret(strings.ToLower(secretB32))
	require.NoError(t, err)

	now := time.Date(2026, 5, 1, 10, 0, 15, 0, time.UTC)
	step := identity.TOTPStep(now)
	code := func(s uint64) string { return identity.HOTP(secret, s, 6) }

	got, ok := identity.VerifyTOTP(secret, code(step), now, 0)
	require.True(t, ok)
	assert.Equal(t, step, got)
	_, ok = identity.VerifyTOTP(secret, code(step), now, got)
	assert.False(t, ok, "a code cannot be used twice")

	_, ok = identity.VerifyTOTP(secret, code(step-1), now, 0)
	assert.True(t, ok, "one step behind is accepted")
	_, ok = identity.VerifyTOTP(secret, code(step+1), now, 0)
	assert.True(t, ok, "one step ahead is accepted")
	_, ok = identity.VerifyTOTP(secret, code(step-2), now, 0)
	assert.False(t, ok, "two steps behind is refused")
	_, ok = identity.VerifyTOTP(secret, code(step+2), now, 0)
	assert.False(t, ok)
	_, ok = identity.VerifyTOTP(secret, code(step-1), now, step-1)
	assert.False(t, ok, "a step at or before the last accepted one is refused")
	_, ok = identity.VerifyTOTP(secret, "12345", now, 0)
	assert.False(t, ok)
	_, ok = identity.VerifyTOTP(nil, code(step), now, 0)
	assert.False(t, ok)
}

func TestParseTOTPCode(t *testing.T) {
	for give, want := range map[string]string{"123456": "123456", "123 456": "123456", "123-456": "123456"} {
		got, err := identity.ParseTOTPCode(give)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
	for _, bad := range []string{"", "12345", "1234567", "12345a", "１２３４５６", strings.Repeat("1", 40)} {
		_, err := identity.ParseTOTPCode(bad)
		assert.Error(t, err, bad)
	}
}

func TestTOTPURI(t *testing.T) {
	u := identity.TOTPURI("AskOzzy", "kwame.mensah@gov.gh", "JBSWY3DPEHPK3PXP")
	assert.Equal(t, "otpauth://totp/AskOzzy:kwame.mensah@gov.gh?digits=6&issuer=AskOzzy&period=30&secret=JBSWY3DPEHPK3PXP", u)
}

func FuzzParseTOTPCode(f *testing.F) {
	for _, s := range []string{"123456", "123 456", "", "abcdef", "\x00\x01", "999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := identity.ParseTOTPCode(s)
		if err != nil {
			return
		}
		if len(got) != identity.TOTPDigits {
			t.Fatalf("%q parsed to %q", s, got)
		}
		for _, c := range got {
			if c < '0' || c > '9' {
				t.Fatalf("%q parsed to non-digits %q", s, got)
			}
		}
	})
}

func BenchmarkVerifyTOTP(b *testing.B) {
	secret := []byte("12345678901234567890")
	now := time.Unix(1_800_000_000, 0)
	code := identity.HOTP(secret, identity.TOTPStep(now), 6)
	for b.Loop() {
		identity.VerifyTOTP(secret, code, now, 0)
	}
}
