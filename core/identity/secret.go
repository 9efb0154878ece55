package identity

import (
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// HashParams are Argon2id cost parameters.
type HashParams struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
}

// DefaultHashParams follow OWASP's Argon2id baseline (m=19 MiB, t=2, p=1):
// about 47 ms a hash on the reference 2-core machine.
var DefaultHashParams = HashParams{MemoryKiB: 19 * 1024, Time: 2, Threads: 1}

// TestHashParams are cheap parameters for tests only.
var TestHashParams = HashParams{MemoryKiB: 64, Time: 1, Threads: 1}

// Validate reports parameters too weak or too large to be sensible.
func (p HashParams) Validate() error {
	if p.MemoryKiB < 8 || p.MemoryKiB > 1<<22 {
		return errors.New("argon2 memory must be between 8 KiB and 4 GiB")
	}
	if p.Time < 1 || p.Time > 100 {
		return errors.New("argon2 time must be between 1 and 100")
	}
	if p.Threads < 1 {
		return errors.New("argon2 threads must be at least 1")
	}
	return nil
}

const (
	saltLen = 16
	keyLen  = 32
)

// HashSecret hashes a secret (an access or recovery code's bare symbols) with
// Argon2id and a fresh salt from r, in the PHC string format
// "$argon2id$v=19$m=...,t=...,p=...$salt$hash".
func HashSecret(r io.Reader, p HashParams, secret string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := io.ReadFull(r, salt); err != nil {
		return "", fmt.Errorf("read salt: %w", err)
	}
	key := argon2.IDKey([]byte(secret), salt, p.Time, p.MemoryKiB, p.Threads, keyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.MemoryKiB, p.Time, p.Threads, enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// VerifySecret reports whether secret matches encoded, in constant time for a
// given encoding. It reads Argon2id PHC strings and the original AskOzzy
// "pbkdf2:<b64 salt>:<b64 hash>" format (PBKDF2-HMAC-SHA256, 100,000
// iterations) so imported data keeps working.
func VerifySecret(encoded, secret string) bool {
	switch {
	case strings.HasPrefix(encoded, "$argon2id$"):
		return verifyArgon2(encoded, secret)
	case strings.HasPrefix(encoded, "pbkdf2:"):
		return verifyPBKDF2(encoded, secret)
	}
	return false
}

func verifyArgon2(encoded, secret string) bool {
	parts := strings.Split(encoded, "$")
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
	if len(parts) != 6 || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	if (HashParams{MemoryKiB: m, Time: t, Threads: p}).Validate() != nil {
		return false
	}
	enc := base64.RawStdEncoding
	salt, err := enc.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := enc.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > 128 {
		return false
	}
	got := argon2.IDKey([]byte(secret), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

const legacyPBKDF2Iterations = 100_000

func verifyPBKDF2(encoded, secret string) bool {
	parts := strings.Split(encoded, ":")
	if len(parts) != 3 {
		return false
	}
	salt, err := base64.StdEncoding.DecodeString(parts[1])
	if err != nil {
		return false
	}
	want, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(want) == 0 || len(want) > 128 {
		return false
	}
	got, err := pbkdf2.Key(sha256.New, secret, salt, legacyPBKDF2Iterations, len(want))
	if err != nil {
		return false
	}
	return subtle.ConstantTimeCompare(got, want) == 1
}

// LookupKey returns the indexed lookup key of a code: hex HMAC-SHA256 under
// the server's pepper, over a purpose label and the code's bare symbols. It
// lets a login find the account from the code alone before the slow hash is
// checked; without the pepper the key reveals nothing about the code.
func LookupKey(pepper []byte, purpose, bare string) string {
	m := hmac.New(sha256.New, pepper)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write([]byte(bare))
	return hex.EncodeToString(m.Sum(nil))
}

// Lookup-key purposes.
const (
	PurposeAccessCode = "access-code"
)
