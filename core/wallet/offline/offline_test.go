package offline_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/wallet/offline"
)

var now = time.Date(2026, 11, 23, 13, 2, 0, 0, time.UTC)

const payload = "SN-DKR-26-9XQ7LM2A:8A06586D268B79A3:health"

func TestMessageFormat(t *testing.T) {
	assert.Equal(t, "kente/wallet-pass/v1\x00"+payload+"\x001795000000", string(offline.Message(payload, 1795000000)))
}

func TestCheck(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	otherPub, otherPriv, _ := ed25519.GenerateKey(rand.Reader)
	exp := now.Add(time.Hour)
	tok := offline.Sign(priv, payload, exp)
	assert.Equal(t, offline.KeyID(pub), tok.KeyID)
	s := tok.String()
	parsed, err := offline.ParseToken(s)
	require.NoError(t, err)
	assert.Equal(t, tok, parsed)

	v := offline.Verifier{Keys: offline.NewKeys(pub, otherPub)}
	r := v.Check(payload, s, now)
	assert.Equal(t, offline.Valid, r.Status)
	assert.Equal(t, "8A06586D268B79A3", r.Payload.PassID)
	assert.Equal(t, exp, r.Token.ExpiresAt)
	assert.Equal(t, offline.Expired, v.Check(payload, s, exp).Status)
	assert.Equal(t, offline.Valid, v.Check(payload, s, exp.Add(-time.Second)).Status)

	v.Revoked = map[string]bool{"8A06586D268B79A3": true}
	assert.Equal(t, offline.Revoked, v.Check(payload, s, now).Status)
	v.Revoked = nil

	// Tampering of any part is invalid.
	later := strings.Replace(s, "."+itoa(exp.Unix())+".", "."+itoa(exp.Unix()+86400)+".", 1)
	other := offline.Sign(otherPriv, payload, exp)
	forged := offline.Token{KeyID: tok.KeyID, ExpiresAt: exp, Signature: other.Signature}
	tests := map[string][2]string{
		"other payload":        {"SN-DKR-26-9XQ7LM2A:8A06586D268B79A3:vaccination", s},
		"extended expiry":      {payload, later},
		"signature of another": {payload, forged.String()},
		"unknown key":          {payload, offline.Sign(mustKey(t), payload, exp).String()},
		"bad payload":          {"x", s},
		"bad token":            {payload, "v2." + s[3:]},
		"empty":                {"", ""},
	}
	for name, tt := range tests {
		r := v.Check(tt[0], tt[1], now)
		assert.Equal(t, offline.Invalid, r.Status, name)
		assert.NotEmpty(t, r.Reason, name)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func mustKey(t *testing.T) ed25519.PrivateKey {
	_, k, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	return k
}

func TestParseToken(t *testing.T) {
	sig := base64.RawURLEncoding.EncodeToString(make([]byte, 64))
	good := "v1.0123456789abcdef.1795000000." + sig
	_, err := offline.ParseToken(good)
	require.NoError(t, err)
	for _, bad := range []string{
		"", "v1", "v1.0123456789abcdef.1795000000", good + ".x",
		"v1.0123456789ABCDEF.1795000000." + sig,
		"v1.0123456789abcde.1795000000." + sig,
		"v1.0123456789abcdef.01795000000." + sig,
		"v1.0123456789abcdef.-1." + sig,
		"v1.0123456789abcdef.1795000000." + sig[:85],
		"v1.0123456789abcdef.1795000000." + sig + "A",
		"v1.0123456789abcdef.1795000000." + base64.StdEncoding.EncodeToString(make([]byte, 64)),
	} {
		_, err := offline.ParseToken(bad)
		assert.ErrorIs(t, err, offline.ErrToken, bad)
	}
}

func TestParseKeys(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	enc := base64.RawURLEncoding.EncodeToString(pub)
	good := `{"keys":[{"key_id":"` + offline.KeyID(pub) + `","algorithm":"ed25519","public_key":"` + enc + `","status":"active"}]}`
	keys, err := offline.ParseKeys([]byte(good))
	require.NoError(t, err)
	assert.Equal(t, ed25519.PublicKey(pub), keys[offline.KeyID(pub)])
	for _, bad := range []string{
		`{}`, `not json`,
		strings.Replace(good, offline.KeyID(pub), "0000000000000000", 1),
		strings.Replace(good, "ed25519", "rsa", 1),
		strings.Replace(good, enc, enc[:20], 1),
	} {
		_, err := offline.ParseKeys([]byte(bad))
		assert.Error(t, err, bad)
	}
}

func FuzzCheck(f *testing.F) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	f.Add(payload, offline.Sign(priv, payload, now.Add(time.Hour)).String())
	f.Add("", "")
	v := offline.Verifier{Keys: offline.NewKeys(pub)}
	f.Fuzz(func(t *testing.T, p, s string) {
		r := v.Check(p, s, now)
		if r.Status != offline.Invalid && r.Payload.String() != p {
			t.Fatalf("accepted %q as %q", p, r.Payload.String())
		}
	})
}
