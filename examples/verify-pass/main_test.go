package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/wallet/offline"
)

const payload = "SN-DKR-26-9XQ7LM2A:8A06586D268B79A3:health"

func keyFile(t *testing.T, pub ed25519.PublicKey) string {
	path := filepath.Join(t.TempDir(), "keys.json")
	body := `{"keys":[{"key_id":"` + offline.KeyID(pub) + `","algorithm":"ed25519","public_key":"` +
		base64.RawURLEncoding.EncodeToString(pub) + `","status":"active"}]}`
	require.NoError(t, os.WriteFile(path, []byte(body), 0o600))
	return path
}

func TestRun(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	now := time.Date(2026, 11, 23, 13, 0, 0, 0, time.UTC)
	tok := offline.Sign(priv, payload, now.Add(time.Hour)).String()
	keys := keyFile(t, pub)

	tests := []struct {
		name string
		p, s string
		at   time.Time
		code int
		want string
	}{
		{"valid", payload, tok, now, 0, "valid: pass 8A06586D268B79A3 (health)"},
		{"expired", payload, tok, now.Add(time.Hour), 1, "expired: pass 8A06586D268B79A3"},
		{"tampered", strings.Replace(payload, "health", "vaccination", 1), tok, now, 1, "invalid: signature does not verify"},
		{"malformed", "nope", tok, now, 1, "invalid: malformed wallet QR payload"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run([]string{"-keys", keys, "-p", tt.p, "-s", tt.s}, tt.at, &out, &errOut)
			assert.Equal(t, tt.code, code, errOut.String())
			assert.Contains(t, out.String(), tt.want)
		})
	}
	var errOut bytes.Buffer
	assert.Equal(t, 2, run(nil, now, &bytes.Buffer{}, &errOut))
	assert.Contains(t, errOut.String(), "usage")
}

// TestBinary builds and runs the real program, as a field operator would.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	bin := filepath.Join(t.TempDir(), "verify-pass")
	build := exec.Command("go", "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	tok := offline.Sign(priv, payload, time.Now().Add(time.Hour)).String()
	got, err := exec.Command(bin, "-keys", keyFile(t, pub), "-p", payload, "-s", tok).CombinedOutput()
	require.NoError(t, err, string(got))
	assert.True(t, strings.HasPrefix(string(got), "valid: "), string(got))
}
