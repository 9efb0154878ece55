// Package webauthntest is a software WebAuthn authenticator for tests: it
// answers the options a relying party sends with the JSON a browser would
// return, signing with an ES256 key held in memory. Fields may be changed
// between ceremonies to simulate attacks (another origin, another RP id, a
// counter that goes backwards).
//
// It uses "none" attestation, sets the UP and UV flags, encodes the COSE key
// and attestation object in CTAP2 canonical CBOR, and signs assertions over
// authenticatorData ‖ SHA-256(clientDataJSON) with an ASN.1 DER ECDSA
// signature, as real authenticators do. It is not an authenticator for
// production use.
package webauthntest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/fxamacker/cbor/v2"
)

// Authenticator flags (WebAuthn §6.1).
const (
	FlagUP byte = 0x01 // user present
	FlagUV byte = 0x04 // user verified
	FlagAT byte = 0x40 // attested credential data included
)

// Authenticator is one software authenticator holding one credential.
type Authenticator struct {
	// Origin is put in clientDataJSON.
	Origin string
	// RPID is hashed into authenticatorData. Empty: the rp.id / rpId of the
	// options answered.
	RPID string
	// Flags are set in authenticatorData (AT is added at registration).
	Flags byte
	// SignCount is the counter; each assertion first adds one to it.
	SignCount uint32
	// CredentialID is the credential's id (rawId).
	CredentialID []byte
	// UserHandle is the user id of the options registered, sent back with
	// assertions.
	UserHandle []byte

	key *ecdsa.PrivateKey
}

// New returns an authenticator that answers as a browser at origin would,
// with a fresh P-256 key and a random 32-byte credential id.
func New(origin string) *Authenticator {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic("webauthntest: generate key: " + err.Error())
	}
	id := make([]byte, 32)
	_, _ = rand.Read(id)
	return &Authenticator{Origin: origin, Flags: FlagUP | FlagUV, CredentialID: id, key: key}
}

var b64 = base64.RawURLEncoding

// creationOptions is the part of PublicKeyCredentialCreationOptions read.
type creationOptions struct {
	Challenge string `json:"challenge"`
	RP        struct {
		ID string `json:"id"`
	} `json:"rp"`
	User struct {
		ID string `json:"id"`
	} `json:"user"`
}

// requestOptions is the part of PublicKeyCredentialRequestOptions read.
type requestOptions struct {
	Challenge string `json:"challenge"`
	RPID      string `json:"rpId"`
}

// Register answers creation options (the JSON a server sent, with or
// without an {"options": …} wrapper) with a registration response.
func (a *Authenticator) Register(options []byte) ([]byte, error) {
	var o creationOptions
	if err := json.Unmarshal(unwrap(options), &o); err != nil {
		return nil, fmt.Errorf("webauthntest: creation options: %w", err)
	}
	if o.Challenge == "" {
		return nil, errors.New("webauthntest: creation options have no challenge")
	}
	uh, err := b64.DecodeString(o.User.ID)
	if err != nil {
		return nil, fmt.Errorf("webauthntest: user id: %w", err)
	}
	a.UserHandle = uh
	clientData, err := a.clientData("webauthn.create", o.Challenge)
	if err != nil {
		return nil, err
	}
	authData := a.authData(a.rpID(o.RP.ID), a.Flags|FlagAT, a.SignCount)
	authData = binary.BigEndian.AppendUint16(append(authData, make([]byte, 16)...), uint16(len(a.CredentialID))) // zero AAGUID
	authData = append(authData, a.CredentialID...)
	cose, err := a.coseKey()
	if err != nil {
		return nil, err
	}
	authData = append(authData, cose...)
	att, err := encMode.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": authData})
	if err != nil {
		return nil, fmt.Errorf("webauthntest: attestation object: %w", err)
	}
	return json.Marshal(map[string]any{
		"id":    b64.EncodeToString(a.CredentialID),
		"rawId": b64.EncodeToString(a.CredentialID),
		"type":  "public-key",
		"response": map[string]any{
			"clientDataJSON":    b64.EncodeToString(clientData),
			"attestationObject": b64.EncodeToString(att),
			"transports":        []string{"internal", "hybrid"},
		},
		"authenticatorAttachment": "platform",
		"clientExtensionResults":  map[string]any{},
	})
}

// Login answers request options with an assertion, after adding one to
// SignCount.
func (a *Authenticator) Login(options []byte) ([]byte, error) {
	var o requestOptions
	if err := json.Unmarshal(unwrap(options), &o); err != nil {
		return nil, fmt.Errorf("webauthntest: request options: %w", err)
	}
	if o.Challenge == "" {
		return nil, errors.New("webauthntest: request options have no challenge")
	}
	clientData, err := a.clientData("webauthn.get", o.Challenge)
	if err != nil {
		return nil, err
	}
	a.SignCount++
	authData := a.authData(a.rpID(o.RPID), a.Flags, a.SignCount)
	cdHash := sha256.Sum256(clientData)
	digest := sha256.Sum256(append(append([]byte{}, authData...), cdHash[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, a.key, digest[:])
	if err != nil {
		return nil, fmt.Errorf("webauthntest: sign: %w", err)
	}
	return json.Marshal(map[string]any{
		"id":    b64.EncodeToString(a.CredentialID),
		"rawId": b64.EncodeToString(a.CredentialID),
		"type":  "public-key",
		"response": map[string]any{
			"clientDataJSON":    b64.EncodeToString(clientData),
			"authenticatorData": b64.EncodeToString(authData),
			"signature":         b64.EncodeToString(sig),
			"userHandle":        b64.EncodeToString(a.UserHandle),
		},
		"authenticatorAttachment": "platform",
		"clientExtensionResults":  map[string]any{},
	})
}

// unwrap returns the value of a top-level "options" member, or raw.
func unwrap(raw []byte) []byte {
	var w struct {
		Options json.RawMessage `json:"options"`
	}
	if json.Unmarshal(raw, &w) == nil && len(w.Options) > 0 {
		return w.Options
	}
	return raw
}

func (a *Authenticator) rpID(fromOptions string) string {
	if a.RPID != "" {
		return a.RPID
	}
	return fromOptions
}

func (a *Authenticator) clientData(typ, challenge string) ([]byte, error) {
	cd, err := json.Marshal(map[string]any{"type": typ, "challenge": challenge, "origin": a.Origin, "crossOrigin": false})
	if err != nil {
		return nil, fmt.Errorf("webauthntest: client data: %w", err)
	}
	return cd, nil
}

// authData is rpIdHash ‖ flags ‖ signCount (big-endian).
func (a *Authenticator) authData(rpID string, flags byte, count uint32) []byte {
	h := sha256.Sum256([]byte(rpID))
	out := append(h[:], flags)
	return binary.BigEndian.AppendUint32(out, count)
}

var encMode, _ = cbor.CTAP2EncOptions().EncMode()

// coseKey encodes the public key as a COSE_Key: EC2, ES256, P-256.
func (a *Authenticator) coseKey() ([]byte, error) {
	pub, err := a.key.PublicKey.ECDH()
	if err != nil {
		return nil, fmt.Errorf("webauthntest: public key: %w", err)
	}
	raw := pub.Bytes() // 0x04 ‖ X ‖ Y
	k, err := encMode.Marshal(map[int]any{1: 2, 3: -7, -1: 1, -2: raw[1:33], -3: raw[33:65]})
	if err != nil {
		return nil, fmt.Errorf("webauthntest: COSE key: %w", err)
	}
	return k, nil
}
