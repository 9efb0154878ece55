package wallet

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/kente-gov/kente/core/wallet/offline"
)

// KeyStatus is a signing key's state.
type KeyStatus string

// Key statuses: the one active key signs new passes; retired keys only
// verify the passes they signed.
const (
	KeyActive  KeyStatus = "active"
	KeyRetired KeyStatus = "retired"
)

// SigningKey is an Ed25519 pass-signing key.
type SigningKey struct {
	ID        string            // offline.KeyID of Public
	Public    ed25519.PublicKey // 32 bytes
	Private   ed25519.PrivateKey
	Status    KeyStatus
	CreatedAt time.Time
	RetiredAt *time.Time
}

// NewSigningKey generates an active key from r (32 seed bytes).
func NewSigningKey(r io.Reader, now time.Time) (SigningKey, error) {
	seed := make([]byte, ed25519.SeedSize)
	if _, err := io.ReadFull(r, seed); err != nil {
		return SigningKey{}, fmt.Errorf("read random: %w", err)
	}
	return KeyFromSeed(seed, now), nil
}

// KeyFromSeed returns the active key of a 32-byte Ed25519 seed.
func KeyFromSeed(seed []byte, now time.Time) SigningKey {
	priv := ed25519.NewKeyFromSeed(seed)
	pub := priv.Public().(ed25519.PublicKey)
	return SigningKey{ID: offline.KeyID(pub), Public: pub, Private: priv, Status: KeyActive, CreatedAt: now.UTC()}
}

// ErrNoActiveKey is returned when a keyring has no active key to sign with.
var ErrNoActiveKey = errors.New("wallet keyring has no active signing key")

// Keyring is the set of signing keys: at most one active (it signs), any
// number retired (they still verify).
type Keyring struct {
	keys []SigningKey
}

// NewKeyring returns a keyring of keys. More than one active key is an
// error; keys whose id does not match their public key too.
func NewKeyring(keys ...SigningKey) (*Keyring, error) {
	active := 0
	for _, k := range keys {
		if len(k.Public) != ed25519.PublicKeySize || offline.KeyID(k.Public) != k.ID {
			return nil, fmt.Errorf("signing key %q: id does not match its public key", k.ID)
		}
		if k.Status == KeyActive {
			active++
			if len(k.Private) != ed25519.PrivateKeySize {
				return nil, fmt.Errorf("active signing key %s has no private key", k.ID)
			}
		}
	}
	if active > 1 {
		return nil, errors.New("wallet keyring has more than one active key")
	}
	return &Keyring{keys: append([]SigningKey(nil), keys...)}, nil
}

// Active returns the active key.
func (k *Keyring) Active() (SigningKey, error) {
	for _, key := range k.keys {
		if key.Status == KeyActive {
			return key, nil
		}
	}
	return SigningKey{}, ErrNoActiveKey
}

// Sign signs payload with its expiry under the active key and returns the
// signature token text and the key id.
func (k *Keyring) Sign(payload string, expiresAt time.Time) (token, keyID string, err error) {
	a, err := k.Active()
	if err != nil {
		return "", "", err
	}
	return offline.Sign(a.Private, payload, expiresAt).String(), a.ID, nil
}

// Rotate retires the active key (if any) at now and makes next, which
// must be a new active key, the active one. It returns the key retired.
func (k *Keyring) Rotate(next SigningKey, now time.Time) (*SigningKey, error) {
	if next.Status != KeyActive || len(next.Private) != ed25519.PrivateKeySize {
		return nil, errors.New("the next signing key must be active and hold its private key")
	}
	var retired *SigningKey
	for i := range k.keys {
		if k.keys[i].ID == next.ID {
			return nil, errors.New("the next signing key is already in the keyring")
		}
		if k.keys[i].Status == KeyActive {
			at := now.UTC()
			k.keys[i].Status, k.keys[i].RetiredAt = KeyRetired, &at
			r := k.keys[i]
			retired = &r
		}
	}
	k.keys = append(k.keys, next)
	return retired, nil
}

// Keys returns every key, public parts only (Private nil), in keyring order.
func (k *Keyring) Keys() []SigningKey {
	out := make([]SigningKey, len(k.keys))
	for i, key := range k.keys {
		key.Private = nil
		out[i] = key
	}
	return out
}

// Verifier returns an offline.Verifier trusting every key of the ring.
func (k *Keyring) Verifier() offline.Verifier {
	keys := make(offline.Keys, len(k.keys))
	for _, key := range k.keys {
		keys[key.ID] = key.Public
	}
	return offline.Verifier{Keys: keys}
}
