package identity

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
)

// SecretBox encrypts small secrets that must be read back (TOTP seeds) with
// AES-256-GCM under a key derived from the server pepper, so a database dump
// alone does not reveal them.
type SecretBox struct {
	aead cipher.AEAD
}

// NewSecretBox derives a key for purpose from pepper with HKDF-SHA256.
func NewSecretBox(pepper []byte, purpose string) (*SecretBox, error) {
	key, err := hkdf.Key(sha256.New, pepper, nil, "kente/"+purpose, 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &SecretBox{aead: aead}, nil
}

const sealedPrefix = "v1:"

// Seal encrypts plaintext with a fresh nonce from r: "v1:" + base64.
func (b *SecretBox) Seal(r io.Reader, plaintext string) (string, error) {
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := io.ReadFull(r, nonce); err != nil {
		return "", fmt.Errorf("read nonce: %w", err)
	}
	out := b.aead.Seal(nonce, nonce, []byte(plaintext), nil)
	return sealedPrefix + base64.RawStdEncoding.EncodeToString(out), nil
}

// ErrUnsealable is returned for a sealed value that does not open under
// this box's key.
var ErrUnsealable = errors.New("sealed secret does not open")

// Open decrypts a value made by Seal.
func (b *SecretBox) Open(sealed string) (string, error) {
	if len(sealed) < len(sealedPrefix) || sealed[:len(sealedPrefix)] != sealedPrefix {
		return "", ErrUnsealable
	}
	raw, err := base64.RawStdEncoding.DecodeString(sealed[len(sealedPrefix):])
	if err != nil || len(raw) < b.aead.NonceSize() {
		return "", ErrUnsealable
	}
	n := b.aead.NonceSize()
	pt, err := b.aead.Open(nil, raw[:n], raw[n:], nil)
	if err != nil {
		return "", ErrUnsealable
	}
	return string(pt), nil
}
