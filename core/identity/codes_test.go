package identity_test

import (
	"bytes"
	"crypto/rand"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/identity"
)

var accessCodeRE = regexp.MustCompile(`^OZZY-[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{4}-[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{4}$`)

func TestNewAccessCodeShape(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		c, err := identity.NewAccessCode(rand.Reader)
		require.NoError(t, err)
		assert.Regexp(t, accessCodeRE, c)
		assert.False(t, seen[c], "duplicate code %s", c)
		seen[c] = true
	}
}

func TestRandomSymbolsRejectsBiasedBytes(t *testing.T) {
	// 248..255 must be discarded; 0 maps to 'A', 30 to '9', 31 to 'A' again.
	src := bytes.NewReader([]byte{255, 248, 0, 30, 31, 249, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	s, err := identity.RandomSymbols(src, 4)
	require.NoError(t, err)
	assert.Equal(t, "A9AB", s)
}

func TestRandomSymbolsUniform(t *testing.T) {
	// Chi-squared over 31 symbols: with 31,000 draws the statistic exceeds
	// 70 (p ≈ 1e-5 at 30 degrees of freedom) only if the draw is biased.
	s, err := identity.RandomSymbols(rand.Reader, 31_000)
	require.NoError(t, err)
	counts := map[rune]int{}
	for _, c := range s {
		counts[c]++
	}
	require.Len(t, counts, 31)
	var chi float64
	for _, n := range counts {
		d := float64(n) - 1000
		chi += d * d / 1000
	}
	assert.Less(t, chi, 70.0)
}

func TestRandomSymbolsShortRead(t *testing.T) {
	_, err := identity.RandomSymbols(bytes.NewReader([]byte{1, 2}), 4)
	assert.Error(t, err)
}

func TestParseAccessCode(t *testing.T) {
	tests := []struct {
		give    string
		want    string
		wantErr bool
	}{
		{give: "OZZY-7K3M-X9PL", want: "7K3MX9PL"},
		{give: "ozzy-7k3m-x9pl", want: "7K3MX9PL"},
		{give: "  OZZY 7K3M X9PL ", want: "7K3MX9PL"},
		{give: "7K3M-X9PL", want: "7K3MX9PL"},
		{give: "OZZY-7K3M-X9P", wantErr: true},     // too short
		{give: "OZZY-7K3M-X9PLL", wantErr: true},   // too long
		{give: "OZZY-OK3M-X9P1", want: "OK3MX9P1"}, // legacy symbols parse; they match no account
		{give: "OZZY-7K3M_X9PL", want: "7K3MX9PL"},
		{give: "", wantErr: true},
		{give: strings.Repeat("A", 100), wantErr: true},
	}
	for _, tt := range tests {
		got, err := identity.ParseAccessCode(tt.give)
		if tt.wantErr {
			assert.ErrorIs(t, err, identity.ErrMalformedCode, tt.give)
			continue
		}
		require.NoError(t, err, tt.give)
		assert.Equal(t, tt.want, got)
	}
}

func TestParseRecoveryCode(t *testing.T) {
	got, err := identity.ParseRecoveryCode("rcvy-abcd-efgh-2345")
	require.NoError(t, err)
	assert.Equal(t, "ABCDEFGH2345", got)
	got, err = identity.ParseRecoveryCode("ABCD-EFGH")
	require.NoError(t, err)
	assert.Equal(t, "ABCDEFGH", got)
	_, err = identity.ParseRecoveryCode("RCVY-ABCD")
	assert.Error(t, err)
	c, err := identity.NewRecoveryCode(rand.Reader)
	require.NoError(t, err)
	assert.Regexp(t, `^RCVY-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$`, c)
	_, err = identity.ParseRecoveryCode(c)
	assert.NoError(t, err)
}

func TestNewReferralCode(t *testing.T) {
	tests := []struct {
		give string
		want string
	}{
		{"Kwame Mensah", `^KWAME-[A-Z2-9]{4}$`},
		{"Adwoa", `^ADWOA-[A-Z2-9]{4}$`},
		{"Éléonore Diallo", `^LONORE-[A-Z2-9]{4}$`},
		{"Bartholomewthethird Smith", `^BARTHOLOME-[A-Z2-9]{4}$`},
		{"李雷", `^OZZY-[A-Z2-9]{4}$`},
	}
	for _, tt := range tests {
		got, err := identity.NewReferralCode(rand.Reader, tt.give)
		require.NoError(t, err)
		assert.Regexp(t, tt.want, got, tt.give)
	}
}

func TestNormaliseReferralCode(t *testing.T) {
	assert.Equal(t, "KWAME-X7K9", identity.NormaliseReferralCode(" kwame-x7k9 "))
	assert.Equal(t, "", identity.NormaliseReferralCode("bad code!"))
	assert.Equal(t, "", identity.NormaliseReferralCode(strings.Repeat("A", 41)))
}

func FuzzParseAccessCode(f *testing.F) {
	for _, s := range []string{"OZZY-7K3M-X9PL", "ozzy7k3mx9pl", "", "OZZY-", "\x00\xff", "OZZY-OZZY-OZZY", strings.Repeat("-", 70)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := identity.ParseAccessCode(s)
		if err != nil {
			return
		}
		if len(got) != identity.AccessCodeSymbols {
			t.Fatalf("parsed %q to %q: wrong length", s, got)
		}
		again, err := identity.ParseAccessCode("OZZY-" + got[:4] + "-" + got[4:])
		if err != nil || again != got {
			t.Fatalf("round trip of %q failed: %q %v", got, again, err)
		}
	})
}

func FuzzParseRecoveryCode(f *testing.F) {
	for _, s := range []string{"RCVY-ABCD-EFGH-2345", "ABCD-EFGH", "", "rcvy", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := identity.ParseRecoveryCode(s)
		if err != nil {
			return
		}
		if len(got) != 8 && len(got) != 12 {
			t.Fatalf("parsed %q to %q: wrong length", s, got)
		}
		for _, c := range got {
			if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
				t.Fatalf("parsed %q to %q: symbol %q is not A-Z0-9", s, got, c)
			}
		}
	})
}
