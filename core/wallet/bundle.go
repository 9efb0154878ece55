package wallet

import (
	"crypto/hkdf"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"golang.org/x/crypto/chacha20poly1305"
)

// Algo names a bundle construction.
type Algo string

// Bundle constructions.
const (
	// AlgoXChaCha is XChaCha20-Poly1305 (authenticated encryption), the
	// default: encrypted = nonce (24 bytes) ‖ ciphertext ‖ tag (16 bytes),
	// with the pass id's bytes as associated data.
	AlgoXChaCha Algo = "xchacha20poly1305"
	// AlgoXORSHA256 is the Oomus-compatible "xor-sha256" construction. It
	// is OBFUSCATION, NOT ENCRYPTION: no nonce and no authentication, the
	// same key and plaintext always give the same bytes, and anyone who
	// learns one plaintext of a key learns its keystream. Keystream block i
	// (i = 0, 1, ...) is SHA-256(key ‖ uint32 big-endian(i)); encrypted =
	// plaintext XOR keystream, truncated to the plaintext's length. The
	// bundle's hash is the only integrity check.
	AlgoXORSHA256 Algo = "xor-sha256"
)

// ParseAlgo returns the construction named s; "" is the default AEAD.
func ParseAlgo(s string) (Algo, bool) {
	switch a := Algo(s); a {
	case "":
		return AlgoXChaCha, true
	case AlgoXChaCha, AlgoXORSHA256:
		return a, true
	}
	return "", false
}

// DeviceSecretLen is the size of a device secret in bytes.
const DeviceSecretLen = 32

// NewDeviceSecret draws a device secret from r: 32 bytes, returned as
// base64url without padding (43 characters).
func NewDeviceSecret(r io.Reader) (string, error) {
	b := make([]byte, DeviceSecretLen)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("read random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// ErrDeviceSecret is returned for a device secret that is not 32 bytes of
// base64url.
var ErrDeviceSecret = errors.New("device secret must be 32 bytes in base64url")

// bundleInfo is the HKDF info of bundle keys.
const bundleInfo = "kente/wallet-bundle/v1"

// BundleKey derives the key of passID's bundles for a device:
// HKDF-SHA256(ikm = the device secret's 32 decoded bytes, salt = the pass
// id's ASCII bytes, info = "kente/wallet-bundle/v1", 32 bytes). A salt per
// pass gives every pass its own key, so xor-sha256 never reuses a
// keystream across passes.
func BundleKey(deviceSecret, passID string) ([]byte, error) {
	raw, err := base64.RawURLEncoding.Strict().DecodeString(deviceSecret)
	if err != nil || len(raw) != DeviceSecretLen {
		return nil, ErrDeviceSecret
	}
	return hkdf.Key(sha256.New, raw, []byte(passID), bundleInfo, 32)
}

// Bundle is an offline bundle of one pass for one device.
type Bundle struct {
	Algo      Algo
	Encrypted string // standard base64 with padding
	Hash      string // lower-case hex SHA-256 of the decoded Encrypted bytes
	ExpiresAt time.Time
}

// Bundle errors.
var (
	ErrBundleExpired = errors.New("wallet bundle has expired")
	ErrBundleHash    = errors.New("wallet bundle hash does not match its bytes")
	ErrBundleOpen    = errors.New("wallet bundle does not decrypt under this key")
	ErrBundleAlgo    = errors.New("wallet bundle algorithm is not supported")
	ErrBundleFormat  = errors.New("wallet bundle is malformed")
)

// MaxBundleLen bounds a bundle's decoded bytes.
const MaxBundleLen = 1 << 20

// SealBundle makes passID's bundle of plaintext (the pass JSON) under key
// (BundleKey) with algo, expiring at expiresAt; r supplies the AEAD nonce.
// A bundle that would already be expired at now is ErrBundleExpired.
func SealBundle(r io.Reader, algo Algo, key []byte, passID string, plaintext []byte, expiresAt, now time.Time) (Bundle, error) {
	if !now.Before(expiresAt) {
		return Bundle{}, ErrBundleExpired
	}
	if len(plaintext) > MaxBundleLen-chacha20poly1305.NonceSizeX-chacha20poly1305.Overhead {
		return Bundle{}, ErrBundleFormat
	}
	var out []byte
	switch algo {
	case AlgoXChaCha:
		aead, err := chacha20poly1305.NewX(key)
		if err != nil {
			return Bundle{}, fmt.Errorf("bundle key: %w", err)
		}
		nonce := make([]byte, chacha20poly1305.NonceSizeX, chacha20poly1305.NonceSizeX+len(plaintext)+chacha20poly1305.Overhead)
		if _, err := io.ReadFull(r, nonce); err != nil {
			return Bundle{}, fmt.Errorf("read nonce: %w", err)
		}
		out = aead.Seal(nonce, nonce, plaintext, []byte(passID))
	case AlgoXORSHA256:
		out = XORSHA256(key, plaintext)
	default:
		return Bundle{}, ErrBundleAlgo
	}
	sum := sha256.Sum256(out)
	return Bundle{
		Algo:      algo,
		Encrypted: base64.StdEncoding.EncodeToString(out),
		Hash:      hex.EncodeToString(sum[:]),
		ExpiresAt: expiresAt.UTC(),
	}, nil
}

// OpenBundle is what a device does with a bundle: refuse it at or after
// its expiry, check its hash against the decoded bytes, then decrypt
// (xchacha20poly1305 also authenticates) with key and passID. It never
// panics on any input.
func OpenBundle(b Bundle, key []byte, passID string, now time.Time) ([]byte, error) {
	if !now.Before(b.ExpiresAt) {
		return nil, ErrBundleExpired
	}
	if base64.StdEncoding.DecodedLen(len(b.Encrypted)) > MaxBundleLen {
		return nil, ErrBundleFormat
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(b.Encrypted)
	if err != nil {
		return nil, ErrBundleFormat
	}
	want, err := hex.DecodeString(b.Hash)
	sum := sha256.Sum256(raw)
	if err != nil || len(want) != sha256.Size || subtle.ConstantTimeCompare(sum[:], want) != 1 {
		return nil, ErrBundleHash
	}
	switch b.Algo {
	case AlgoXChaCha:
		aead, err := chacha20poly1305.NewX(key)
		if err != nil {
			return nil, ErrBundleOpen
		}
		if len(raw) < chacha20poly1305.NonceSizeX+chacha20poly1305.Overhead {
			return nil, ErrBundleFormat
		}
		n := chacha20poly1305.NonceSizeX
		pt, err := aead.Open(nil, raw[:n], raw[n:], []byte(passID))
		if err != nil {
			return nil, ErrBundleOpen
		}
		return pt, nil
	case AlgoXORSHA256:
		return XORSHA256(key, raw), nil
	}
	return nil, ErrBundleAlgo
}

// XORSHA256 applies the xor-sha256 keystream of key to data (it is its own
// inverse): byte j is data[j] XOR block[j/32][j%32], where block i is
// SHA-256(key ‖ uint32 big-endian(i)). Obfuscation, not encryption.
func XORSHA256(key, data []byte) []byte {
	out := make([]byte, len(data))
	in := make([]byte, len(key)+4)
	copy(in, key)
	var block [sha256.Size]byte
	for off, i := 0, uint32(0); off < len(data); off, i = off+sha256.Size, i+1 {
		binary.BigEndian.PutUint32(in[len(key):], i)
		block = sha256.Sum256(in)
		end := min(off+sha256.Size, len(data))
		for j := off; j < end; j++ {
			out[j] = data[j] ^ block[j-off]
		}
	}
	return out
}
