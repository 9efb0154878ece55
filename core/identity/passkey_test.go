package identity_test

import (
	"bytes"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/identity"
)

func TestSignCountAdvances(t *testing.T) {
	tests := []struct {
		stored, got uint32
		want        bool
	}{
		{0, 0, true}, // authenticators without a counter
		{0, 1, true},
		{5, 6, true},
		{5, 1000, true},
		{5, 5, false}, // not advanced: a clone, or a replay
		{5, 4, false},
		{5, 0, false}, // a counter that stops counting
		{1<<32 - 2, 1<<32 - 1, true},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, identity.SignCountAdvances(tt.stored, tt.got), "stored %d got %d", tt.stored, tt.got)
	}
}

func TestNormalisePasskeyName(t *testing.T) {
	tests := []struct{ give, want string }{
		{"", "Passkey"},
		{"   ", "Passkey"},
		{"  My   YubiKey ", "My YubiKey"},
		{"a\x00b\nc\x7f", "a b c"},
		{"Ọ̀ṣun 🇬🇭", "Ọ̀ṣun 🇬🇭"},
		{strings.Repeat("é", 70), strings.Repeat("é", 64)},
		{"\xff\xfe", "Passkey"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, identity.NormalisePasskeyName(tt.give), "%q", tt.give)
	}
}

func TestNewChallenge(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	c, err := identity.NewChallenge(rand.Reader, identity.ChallengeLogin, "usr_1", now)
	require.NoError(t, err)
	assert.Len(t, c.Value, identity.ChallengeLen)
	assert.Equal(t, identity.ChallengeKey(c.Value), c.ID)
	assert.Len(t, c.ID, 64)
	assert.Equal(t, now.Add(300*time.Second), c.ExpiresAt)
	assert.False(t, c.Expired(now.Add(299*time.Second)))
	assert.True(t, c.Expired(now.Add(300*time.Second)))

	d, err := identity.NewChallenge(rand.Reader, identity.ChallengeLogin, "usr_1", now)
	require.NoError(t, err)
	assert.NotEqual(t, c.ID, d.ID)

	_, err = identity.NewChallenge(bytes.NewReader(make([]byte, 8)), identity.ChallengeLogin, "", now)
	assert.Error(t, err, "a short random source fails")
}

func TestCredentialKey(t *testing.T) {
	assert.Equal(t, "039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81", identity.CredentialKey([]byte{1, 2, 3}))
}
