package identity_test

import (
	"crypto/rand"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/identity"
)

func TestSessionToken(t *testing.T) {
	tok, err := identity.NewSessionToken(rand.Reader)
	require.NoError(t, err)
	assert.True(t, identity.WellFormedToken(tok))
	assert.Len(t, identity.HashToken(tok), 64)
	assert.NotEqual(t, tok, identity.HashToken(tok))
	for _, bad := range []string{"", "sess_", "sess_short", "Bearer " + tok, tok + "x", "tok_" + tok[5:]} {
		assert.False(t, identity.WellFormedToken(bad), bad)
	}
}

func TestSessionActiveAndTouch(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	s := identity.Session{CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(identity.SessionTTL)}
	assert.True(t, s.Active(now))
	assert.False(t, s.Active(now.Add(identity.SessionTTL)))
	assert.False(t, s.NeedsTouch(now.Add(59*time.Second)))
	assert.True(t, s.NeedsTouch(now.Add(time.Minute)))
	s.RevokedAt = &now
	assert.False(t, s.Active(now))
}

func TestMaskIP(t *testing.T) {
	tests := []struct{ give, want string }{
		{"41.215.12.9", "41.215.x.x"},
		{"::ffff:10.1.2.3", "10.1.x.x"},
		{"2001:db8:85a3::8a2e:370:7334", "2001:db8:85a3:x"},
		{"not-an-ip", ""},
		{"", ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, identity.MaskIP(tt.give), tt.give)
	}
}

func TestDescribeDevice(t *testing.T) {
	tests := []struct{ give, want string }{
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36", "Chrome on Windows"},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", "Safari on iPhone"},
		{"Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0", "Firefox on Linux"},
		{"Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36", "Chrome on Android"},
		{"Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36 Edg/124.0", "Edge on Windows"},
		{"curl/8.5.0", "curl"},
		{"", "Unknown device"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, identity.DescribeDevice(tt.give))
	}
}

func TestNewID(t *testing.T) {
	id, err := identity.NewID(rand.Reader, "usr_")
	require.NoError(t, err)
	assert.Regexp(t, `^usr_[0-9a-f]{16}$`, id)
}
