package identity_test

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/identity"
)

func TestHashSecretRoundTrip(t *testing.T) {
	h, err := identity.HashSecret(rand.Reader, identity.TestHashParams, "7K3MX9PL")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$"))
	assert.True(t, identity.VerifySecret(h, "7K3MX9PL"))
	assert.False(t, identity.VerifySecret(h, "7K3MX9PM"))

	h2, err := identity.HashSecret(rand.Reader, identity.TestHashParams, "7K3MX9PL")
	require.NoError(t, err)
	assert.NotEqual(t, h, h2, "salts must differ")
}

func TestVerifySecretRejectsGarbage(t *testing.T) {
	for _, enc := range []string{
		"", "plain", "$argon2id$", "$argon2id$v=19$m=64,t=1,p=1$!!$!!",
		"$argon2id$v=18$m=64,t=1,p=1$AAAA$AAAA",
		"$argon2id$v=19$m=99999999,t=1,p=1$AAAA$AAAA", // absurd memory is refused, not allocated
		"pbkdf2:notb64:notb64", "pbkdf2:a:b:c",
	} {
		assert.False(t, identity.VerifySecret(enc, "x"), enc)
	}
}

func TestVerifySecretReadsLegacyPBKDF2(t *testing.T) {
	salt := []byte("0123456789abcdef")
	key, err := pbkdf2.Key(sha256.New, "ABCDEFGH", salt, 100_000, 32)
	require.NoError(t, err)
	enc := "pbkdf2:" + base64.StdEncoding.EncodeToString(salt) + ":" + base64.StdEncoding.EncodeToString(key)
	assert.True(t, identity.VerifySecret(enc, "ABCDEFGH"))
	assert.False(t, identity.VerifySecret(enc, "ABCDEFGJ"))
}

func TestLookupKey(t *testing.T) {
	a := identity.LookupKey([]byte("pepper-one-pepper-one"), identity.PurposeAccessCode, "7K3MX9PL")
	b := identity.LookupKey([]byte("pepper-two-pepper-two"), identity.PurposeAccessCode, "7K3MX9PL")
	c := identity.LookupKey([]byte("pepper-one-pepper-one"), "other", "7K3MX9PL")
	assert.Len(t, a, 64)
	assert.NotEqual(t, a, b)
	assert.NotEqual(t, a, c)
	assert.Equal(t, a, identity.LookupKey([]byte("pepper-one-pepper-one"), identity.PurposeAccessCode, "7K3MX9PL"))
}

func TestHashParamsValidate(t *testing.T) {
	assert.NoError(t, identity.DefaultHashParams.Validate())
	assert.Error(t, identity.HashParams{}.Validate())
	assert.Error(t, identity.HashParams{MemoryKiB: 64, Time: 0, Threads: 1}.Validate())
}

func BenchmarkVerifySecretDefault(b *testing.B) {
	h, err := identity.HashSecret(rand.Reader, identity.DefaultHashParams, "7K3MX9PL")
	require.NoError(b, err)
	for b.Loop() {
		identity.VerifySecret(h, "7K3MX9PL")
	}
}

func BenchmarkLookupKey(b *testing.B) {
	p := []byte("pepper-one-pepper-one")
	for b.Loop() {
		identity.LookupKey(p, identity.PurposeAccessCode, "7K3MX9PL")
	}
}
