package mpi

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
)

// CardPrefix is the card-code prefix of the MPI identity card (GET
// /mpi/{mpi_id}/card), which belongs to no campaign.
const CardPrefix = "MPI"

// ErrCardToken is returned for a card token that is malformed or was not
// sealed under the key: the caller answers "not found" either way.
var ErrCardToken = errors.New("mpi: invalid card token")

// CardKeys are the keys derived from one card secret (config
// KENTE_CARD_HMAC_KEY) for the MPI card: one seals QR tokens, one derives
// their nonces, one derives card codes. Each is HMAC-SHA256(secret,
// label), so the secret itself never keys two uses.
type CardKeys struct {
	seal  cipher.AEAD
	nonce []byte
	code  []byte
}

// NewCardKeys derives the card keys from secret; an empty secret is an
// error.
func NewCardKeys(secret []byte) (CardKeys, error) {
	if len(secret) == 0 {
		return CardKeys{}, errors.New("mpi: empty card key")
	}
	derive := func(label string) []byte {
		m := hmac.New(sha256.New, secret)
		m.Write([]byte(label))
		return m.Sum(nil)
	}
	block, err := aes.NewCipher(derive("kente/mpi-card/seal/v1"))
	if err != nil {
		return CardKeys{}, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return CardKeys{}, err
	}
	return CardKeys{seal: aead, nonce: derive("kente/mpi-card/nonce/v1"), code: derive("kente/mpi-card/code/v1")}, nil
}

// CardCode returns the card code of an MPI id: CardPrefix "-" and eight
// Base36 characters of HMAC-SHA256(code key, mpi_id). It is stable, so
// the card can be printed again with the same code.
func (k CardKeys) CardCode(mpiID string) string {
	m := hmac.New(sha256.New, k.code)
	m.Write([]byte(mpiID))
	sum := m.Sum(nil)
	b := make([]byte, SuffixLen)
	for i := range b {
		b[i] = base36[int(sum[i])%len(base36)]
	}
	return CardPrefix + "-" + string(b)
}

// Token returns the opaque QR token of the card of mpiID in programmeID:
// base64url (no padding) of a 12-byte nonce and the AES-256-GCM sealing
// of "programme_id|mpi_id|card_code". The nonce is HMAC-derived from the
// plaintext, so one card always has the same token; the token reveals
// nothing without the key, and only Open can read it.
func (k CardKeys) Token(programmeID, mpiID string) string {
	plain := []byte(programmeID + "|" + mpiID + "|" + k.CardCode(mpiID))
	m := hmac.New(sha256.New, k.nonce)
	m.Write(plain)
	nonce := m.Sum(nil)[:k.seal.NonceSize()]
	out := k.seal.Seal(append([]byte(nil), nonce...), nonce, plain, []byte(CardPrefix))
	return base64.RawURLEncoding.EncodeToString(out)
}

// Open returns the programme and MPI id a token was made for;
// ErrCardToken when it is malformed, altered or sealed under another key.
func (k CardKeys) Open(token string) (programmeID, mpiID string, err error) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	ns := k.seal.NonceSize()
	if err != nil || len(raw) < ns+k.seal.Overhead() {
		return "", "", ErrCardToken
	}
	plain, err := k.seal.Open(nil, raw[:ns], raw[ns:], []byte(CardPrefix))
	if err != nil {
		return "", "", ErrCardToken
	}
	parts := strings.Split(string(plain), "|")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] != k.CardCode(parts[1]) {
		return "", "", ErrCardToken
	}
	return parts[0], parts[1], nil
}
