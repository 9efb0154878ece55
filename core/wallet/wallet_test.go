package wallet_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/wallet"
	"github.com/kente-gov/kente/core/wallet/offline"
)

var now = time.Date(2026, 11, 23, 13, 2, 0, 0, time.UTC)

// Vectors below were computed with Python's hmac/hashlib, independently of
// this package.
const (
	testHMACKey    = "kente-test-wallet-hmac-key-0123456789"
	testPayload    = "SN-DKR-26-9XQ7LM2A:8A06586D268B79A3:health"
	testPayloadMAC = "c97a08fd5f0f4751b2d9dd71eccbbc8927950e572b6e60bd753536cdbf405fcb"
)

func TestHMACKnownAnswer(t *testing.T) {
	assert.Equal(t, testPayloadMAC, wallet.HMAC([]byte(testHMACKey), testPayload))
	// RFC 4231-style sanity vector (the classic "quick brown fox").
	assert.Equal(t, "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8",
		wallet.HMAC([]byte("key"), "The quick brown fox jumps over the lazy dog"))
}

func TestVerifyHMAC(t *testing.T) {
	key := []byte(testHMACKey)
	tests := []struct {
		give string
		want bool
	}{
		{testPayloadMAC, true},
		{strings.ToUpper(testPayloadMAC), true},
		{testPayloadMAC[:63] + "0", false},
		{testPayloadMAC[:62], false},
		{"", false},
		{"zz" + testPayloadMAC[2:], false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, wallet.VerifyHMAC(key, testPayload, tt.give), tt.give)
	}
	assert.False(t, wallet.VerifyHMAC([]byte("other"), testPayload, testPayloadMAC))
}

func TestNewPassID(t *testing.T) {
	id, err := wallet.NewPassID(bytes.NewReader([]byte{0x8a, 0x06, 0x58, 0x6d, 0x26, 0x8b, 0x79, 0xa3}))
	require.NoError(t, err)
	assert.Equal(t, "8A06586D268B79A3", id)
	_, err = wallet.NewPassID(bytes.NewReader([]byte{1, 2}))
	assert.Error(t, err)
	id, err = wallet.NewPassID(rand.Reader)
	require.NoError(t, err)
	assert.Regexp(t, `^[0-9A-F]{16}$`, id)
}

func TestNewUUID(t *testing.T) {
	id, err := wallet.NewUUID(bytes.NewReader(make([]byte, 16)))
	require.NoError(t, err)
	assert.Equal(t, "00000000-0000-4000-8000-000000000000", id)
}

func TestPayloadRoundTrip(t *testing.T) {
	p := wallet.Payload("SN-DKR-26-9XQ7LM2A", "8A06586D268B79A3", wallet.TypeHealth)
	assert.Equal(t, testPayload, p)
	qr, err := wallet.ParsePayload(p)
	require.NoError(t, err)
	assert.Equal(t, wallet.QR{MPIID: "SN-DKR-26-9XQ7LM2A", PassID: "8A06586D268B79A3", Type: wallet.TypeHealth}, qr)
}

func TestParsePayloadStrict(t *testing.T) {
	bad := []string{
		"",
		"SN-1:8A06586D268B79A3",
		"SN-1:8A06586D268B79A3:health:x",
		":8A06586D268B79A3:health",
		"SN-1:8a06586d268b79a3:health",
		"SN-1:8A06586D268B79A:health",
		"SN-1:8A06586D268B79AG:health",
		"SN-1:8A06586D268B79A3:Health",
		"SN-1:8A06586D268B79A3:passport",
		" SN-1:8A06586D268B79A3:health",
		"SN-1:8A06586D268B79A3:health\n",
		"SN 1:8A06586D268B79A3:health",
		"SN-Ọ:8A06586D268B79A3:health",
		strings.Repeat("A", 65) + ":8A06586D268B79A3:health",
	}
	for _, s := range bad {
		_, err := wallet.ParsePayload(s)
		assert.ErrorIs(t, err, offline.ErrPayload, "%q", s)
	}
	for _, s := range []string{"a:0123456789ABCDEF:vaccination", strings.Repeat("A", 64) + ":FFFFFFFFFFFFFFFF:distribution", "x_y.z-1:0000000000000000:health"} {
		_, err := wallet.ParsePayload(s)
		assert.NoError(t, err, s)
	}
}

func FuzzParsePayload(f *testing.F) {
	for _, s := range []string{testPayload, "", ":::", "a:0123456789ABCDEF:vaccination", "a:b:c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		qr, err := wallet.ParsePayload(s)
		if err != nil {
			return
		}
		// Whatever parses rebuilds to the same bytes and parses again.
		again := wallet.Payload(qr.MPIID, qr.PassID, qr.Type)
		if again != s {
			t.Fatalf("parse(%q) rebuilt as %q", s, again)
		}
		if !wallet.ValidMPIID(qr.MPIID) || len(qr.PassID) != 16 {
			t.Fatalf("accepted bad parts %+v", qr)
		}
	})
}

func TestParsers(t *testing.T) {
	_, ok := wallet.ParsePassType("health")
	assert.True(t, ok)
	_, ok = wallet.ParsePassType("HEALTH")
	assert.False(t, ok)
	st, ok := wallet.ParseStatus("expired")
	assert.True(t, ok)
	assert.Equal(t, wallet.StatusExpired, st)
	_, ok = wallet.ParseStatus("pending")
	assert.False(t, ok)
	a, ok := wallet.ParseAlgo("")
	assert.True(t, ok)
	assert.Equal(t, wallet.AlgoXChaCha, a)
	_, ok = wallet.ParseAlgo("aes")
	assert.False(t, ok)
	_, ok = wallet.ParsePlatform("ios")
	assert.True(t, ok)
	_, ok = wallet.ParsePlatform("windows")
	assert.False(t, ok)
}

func TestPassStatus(t *testing.T) {
	p := wallet.Pass{ExpiresAt: now.Add(time.Hour)}
	assert.Equal(t, wallet.StatusActive, p.Status(now))
	assert.Equal(t, wallet.StatusActive, p.Status(now.Add(time.Hour-time.Nanosecond)))
	assert.Equal(t, wallet.StatusExpired, p.Status(now.Add(time.Hour)), "expired from expires_at on")
	at := now
	p.RevokedAt = &at
	assert.Equal(t, wallet.StatusRevoked, p.Status(now), "revoked wins")
	assert.Equal(t, wallet.StatusRevoked, p.Status(now.Add(2*time.Hour)), "revoked wins over expired")
	assert.Equal(t, "prog|SN-1", wallet.ActiveKey("prog", "SN-1"))
}

// RFC 8032 §7.1 test 1.
const (
	rfcSecret = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
	rfcPublic = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
	rfcSig    = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
)

func TestEd25519RFC8032Vector1(t *testing.T) {
	seed, _ := hex.DecodeString(rfcSecret)
	k := wallet.KeyFromSeed(seed, now)
	assert.Equal(t, rfcPublic, hex.EncodeToString(k.Public))
	assert.Equal(t, rfcSig, hex.EncodeToString(ed25519.Sign(k.Private, nil)))
	sig, _ := hex.DecodeString(rfcSig)
	assert.True(t, ed25519.Verify(k.Public, nil, sig))
	// Key id: first 16 hex of SHA-256 of the public key (Python hashlib).
	assert.Equal(t, "21fe31dfa154a261", k.ID)
	assert.Equal(t, wallet.KeyActive, k.Status)
}

func TestKeyringSignRotateVerify(t *testing.T) {
	first, err := wallet.NewSigningKey(rand.Reader, now)
	require.NoError(t, err)
	ring, err := wallet.NewKeyring(first)
	require.NoError(t, err)
	exp := now.Add(24 * time.Hour)
	tok, kid, err := ring.Sign(testPayload, exp)
	require.NoError(t, err)
	assert.Equal(t, first.ID, kid)
	assert.True(t, strings.HasPrefix(tok, "v1."+first.ID+"."), tok)

	second, err := wallet.NewSigningKey(rand.Reader, now)
	require.NoError(t, err)
	retired, err := ring.Rotate(second, now.Add(time.Minute))
	require.NoError(t, err)
	require.NotNil(t, retired)
	assert.Equal(t, first.ID, retired.ID)
	assert.Equal(t, wallet.KeyRetired, retired.Status)

	tok2, kid2, err := ring.Sign(testPayload, exp)
	require.NoError(t, err)
	assert.Equal(t, second.ID, kid2)

	v := ring.Verifier()
	assert.Equal(t, offline.Valid, v.Check(testPayload, tok, now).Status, "retired keys still verify")
	assert.Equal(t, offline.Valid, v.Check(testPayload, tok2, now).Status)
	for _, k := range ring.Keys() {
		assert.Nil(t, k.Private, "Keys never hands out private keys")
	}
	_, err = ring.Rotate(second, now)
	assert.Error(t, err, "a key cannot be added twice")
}

func TestKeyringRefusesBadSets(t *testing.T) {
	a, _ := wallet.NewSigningKey(rand.Reader, now)
	b, _ := wallet.NewSigningKey(rand.Reader, now)
	_, err := wallet.NewKeyring(a, b)
	assert.ErrorContains(t, err, "more than one active")
	a.ID = "0000000000000000"
	_, err = wallet.NewKeyring(a)
	assert.ErrorContains(t, err, "does not match")
	empty, err := wallet.NewKeyring()
	require.NoError(t, err)
	_, _, err = empty.Sign(testPayload, now)
	assert.ErrorIs(t, err, wallet.ErrNoActiveKey)
}

func TestDeviceSecretAndBundleKey(t *testing.T) {
	s, err := wallet.NewDeviceSecret(bytes.NewReader(seq32()))
	require.NoError(t, err)
	assert.Equal(t, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8", s)
	key, err := wallet.BundleKey(s, "8A06586D268B79A3")
	require.NoError(t, err)
	// HKDF-SHA256 computed with Python hmac (RFC 5869 extract+expand).
	assert.Equal(t, "ad502c7f399fa9a8e69ba5820dae14298eb2331f72f6b0b8cf57b5f2b811462d", hex.EncodeToString(key))
	other, _ := wallet.BundleKey(s, "8A06586D268B79A4")
	assert.NotEqual(t, key, other, "each pass has its own key")
	for _, bad := range []string{"", "short", s + "A", strings.Replace(s, "A", "+", 1)} {
		_, err := wallet.BundleKey(bad, "8A06586D268B79A3")
		assert.ErrorIs(t, err, wallet.ErrDeviceSecret, bad)
	}
}

func seq32() []byte {
	b := make([]byte, 32)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

func TestXORSHA256KnownAnswer(t *testing.T) {
	out := wallet.XORSHA256(seq32(), bytes.Repeat([]byte("x"), 70))
	assert.Equal(t, "088c78452ace937ba2fd56eb5d1321fecdacf048e0c3010bc42b60b41e1b02fc7cdeed727eab9b48f2afab18168068936a36413b3834df3ed95429bfc70f104177f5fc52b1b3", hex.EncodeToString(out))
	assert.Equal(t, bytes.Repeat([]byte("x"), 70), wallet.XORSHA256(seq32(), out), "its own inverse")

	b, err := wallet.SealBundle(rand.Reader, wallet.AlgoXORSHA256, seq32(), "P", bytes.Repeat([]byte("x"), 70), now.Add(time.Hour), now)
	require.NoError(t, err)
	assert.Equal(t, "941c9ee2fed7328cdd14d412f23af363994de6e37ef1adcfcc780fab82d0be68", b.Hash, "hash of the decoded bytes")
	assert.Equal(t, hex.EncodeToString(out), hexOf(t, b.Encrypted))
}

func hexOf(t *testing.T, b64 string) string {
	raw, err := base64.StdEncoding.DecodeString(b64)
	require.NoError(t, err)
	return hex.EncodeToString(raw)
}

func TestBundleRoundTrip(t *testing.T) {
	key := seq32()
	plain := []byte(`{"pass_id":"8A06586D268B79A3"}`)
	exp := now.Add(time.Hour)
	for _, algo := range []wallet.Algo{wallet.AlgoXChaCha, wallet.AlgoXORSHA256} {
		t.Run(string(algo), func(t *testing.T) {
			b, err := wallet.SealBundle(rand.Reader, algo, key, "8A06586D268B79A3", plain, exp, now)
			require.NoError(t, err)
			assert.Equal(t, algo, b.Algo)
			assert.Regexp(t, `^[0-9a-f]{64}$`, b.Hash)
			got, err := wallet.OpenBundle(b, key, "8A06586D268B79A3", now)
			require.NoError(t, err)
			assert.Equal(t, plain, got)

			_, err = wallet.OpenBundle(b, key, "8A06586D268B79A3", exp)
			assert.ErrorIs(t, err, wallet.ErrBundleExpired)

			tampered := b
			raw, _ := base64.StdEncoding.DecodeString(b.Encrypted)
			raw[len(raw)-1] ^= 1
			tampered.Encrypted = base64.StdEncoding.EncodeToString(raw)
			_, err = wallet.OpenBundle(tampered, key, "8A06586D268B79A3", now)
			assert.ErrorIs(t, err, wallet.ErrBundleHash)
		})
	}
	b, err := wallet.SealBundle(rand.Reader, wallet.AlgoXChaCha, key, "8A06586D268B79A3", plain, exp, now)
	require.NoError(t, err)
	_, err = wallet.OpenBundle(b, make([]byte, 32), "8A06586D268B79A3", now)
	assert.ErrorIs(t, err, wallet.ErrBundleOpen, "wrong key")
	_, err = wallet.OpenBundle(b, key, "0000000000000000", now)
	assert.ErrorIs(t, err, wallet.ErrBundleOpen, "bound to its pass id")
	_, err = wallet.SealBundle(rand.Reader, wallet.AlgoXChaCha, key, "P", plain, now, now)
	assert.ErrorIs(t, err, wallet.ErrBundleExpired, "an expired bundle is refused")
	_, err = wallet.SealBundle(rand.Reader, "rot13", key, "P", plain, exp, now)
	assert.ErrorIs(t, err, wallet.ErrBundleAlgo)
}

func FuzzOpenBundle(f *testing.F) {
	key := seq32()
	b, _ := wallet.SealBundle(rand.Reader, wallet.AlgoXChaCha, key, "8A06586D268B79A3", []byte(`{"a":1}`), now.Add(time.Hour), now)
	f.Add(string(b.Algo), b.Encrypted, b.Hash)
	x, _ := wallet.SealBundle(rand.Reader, wallet.AlgoXORSHA256, key, "8A06586D268B79A3", []byte(`{"a":1}`), now.Add(time.Hour), now)
	f.Add(string(x.Algo), x.Encrypted, x.Hash)
	f.Add("xchacha20poly1305", "", "")
	f.Fuzz(func(t *testing.T, algo, enc, hash string) {
		in := wallet.Bundle{Algo: wallet.Algo(algo), Encrypted: enc, Hash: hash, ExpiresAt: now.Add(time.Hour)}
		pt, err := wallet.OpenBundle(in, key, "8A06586D268B79A3", now)
		if err != nil {
			return
		}
		// What opens must be the exact bytes the hash names.
		raw, _ := base64.StdEncoding.DecodeString(enc)
		if in.Algo == wallet.AlgoXORSHA256 && !bytes.Equal(wallet.XORSHA256(key, pt), raw) {
			t.Fatalf("xor-sha256 did not invert")
		}
	})
}

func TestContentJSON(t *testing.T) {
	p := wallet.Pass{PassID: "8A06586D268B79A3", MPIID: "SN-1", HolderName: "Fatou", Type: wallet.TypeHealth,
		QRPayload: "SN-1:8A06586D268B79A3:health", IssuedAt: now, ExpiresAt: now.Add(time.Hour)}
	b, err := wallet.MarshalContent(p)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	assert.Equal(t, "SN-1:8A06586D268B79A3:health", m["qr_payload"])
	assert.Equal(t, "2026-11-23T14:02:00Z", m["expires_at"])
	assert.NotContains(t, m, "holder_id", "empty optional fields are left out")
}
