package identity_test

import (
	"crypto/rand"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/identity"
)

func TestBudgetWindows(t *testing.T) {
	b := identity.Budget{Limit: 10, Window: 5 * time.Minute}
	now := time.Date(2026, 1, 1, 10, 7, 30, 0, time.UTC)
	assert.Equal(t, time.Date(2026, 1, 1, 10, 5, 0, 0, time.UTC), b.WindowStart(now))
	assert.Equal(t, 150, b.RetryAfter(now))
	assert.Equal(t, 1, b.RetryAfter(time.Date(2026, 1, 1, 10, 9, 59, 999_000_000, time.UTC)))
	assert.Equal(t, 300, b.RetryAfter(time.Date(2026, 1, 1, 10, 10, 0, 0, time.UTC)))
}

func TestLockoutBackoff(t *testing.T) {
	th := identity.DefaultThrottle
	require.True(t, th.Valid())
	tests := []struct {
		give int
		want time.Duration
	}{
		{0, 0}, {4, 0}, {5, 30 * time.Second}, {6, time.Minute}, {7, 2 * time.Minute},
		{11, 32 * time.Minute}, {12, time.Hour}, {100, time.Hour}, // 30 s × 2^7 = 64 min, capped
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, th.LockoutFor(tt.give), "failures %d", tt.give)
	}
	for n := 0; n < 200; n++ {
		assert.LessOrEqual(t, th.LockoutFor(n), th.LockoutFor(n+1), "monotonic at %d", n)
	}
}

func TestSecretBox(t *testing.T) {
	box, err := identity.NewSecretBox([]byte("pepper-pepper-pepper-pepper-1234"), "totp")
	require.NoError(t, err)
	s, err := box.Seal(rand.Reader, "JBSWY3DPEHPK3PXP")
	require.NoError(t, err)
	assert.NotContains(t, s, "JBSWY3DPEHPK3PXP")
	got, err := box.Open(s)
	require.NoError(t, err)
	assert.Equal(t, "JBSWY3DPEHPK3PXP", got)

	other, err := identity.NewSecretBox([]byte("pepper-pepper-pepper-pepper-1234"), "other")
	require.NoError(t, err)
	_, err = other.Open(s)
	assert.ErrorIs(t, err, identity.ErrUnsealable, "another purpose's key does not open it")
	for _, bad := range []string{"", "v1:", "v1:!!", "v2:" + s[3:], s[:len(s)-2]} {
		_, err = box.Open(bad)
		assert.ErrorIs(t, err, identity.ErrUnsealable, bad)
	}
}
