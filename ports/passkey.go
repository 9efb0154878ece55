package ports

import (
	"context"
	"encoding/json"
	"time"

	"github.com/kente-gov/kente/core/identity"
)

// PasskeyStore keeps users' WebAuthn credentials.
type PasskeyStore interface {
	// CreatePasskey stores p. A credential id already registered (to anyone)
	// or a taken id is fault.Conflict with code "identity.passkey_taken"; an
	// unknown user fault.NotFound.
	CreatePasskey(ctx context.Context, p identity.Passkey) error
	// PasskeysByUser lists userID's passkeys, oldest first (ties by id); an
	// empty list when there are none.
	PasskeysByUser(ctx context.Context, userID string) ([]identity.Passkey, error)
	// PasskeyByCredentialID returns the passkey with that credential id;
	// fault.NotFound when there is none.
	PasskeyByCredentialID(ctx context.Context, credentialID []byte) (identity.Passkey, error)
	// RecordPasskeyUse sets passkey id's sign count to to, its backup state
	// to backupState and its last-used time to at, if its sign count is
	// still from (compare-and-set, so two logins racing cannot move the
	// counter backwards). A count that moved is fault.Conflict; an unknown
	// passkey fault.NotFound.
	RecordPasskeyUse(ctx context.Context, id string, from, to uint32, backupState bool, at time.Time) error
	// DeletePasskey removes passkey id if it belongs to userID. Another
	// user's passkey, or none, is fault.NotFound, so callers cannot learn
	// which ids exist.
	DeletePasskey(ctx context.Context, userID, id string) error
}

// ChallengeStore keeps pending WebAuthn challenges, shared by every server
// instance, so a ceremony begun on one instance can finish on another.
type ChallengeStore interface {
	// PutChallenge stores c by c.ID; c.Value is not stored. A duplicate id
	// is fault.Conflict.
	PutChallenge(ctx context.Context, c identity.Challenge) error
	// TakeChallenge removes the challenge with that id and returns it (with
	// a nil Value). It is atomic: of concurrent takers exactly one gets the
	// challenge and the others fault.NotFound, as does an unknown id. Expiry
	// is the caller's to check.
	TakeChallenge(ctx context.Context, id string) (identity.Challenge, error)
	// PurgeChallenges deletes challenges that expire at or before now and
	// returns how many.
	PurgeChallenges(ctx context.Context, now time.Time) (int, error)
}

// PasskeyResponse is what a client's WebAuthn response claims, read without
// verifying it: the challenge it answers and the credential it names.
type PasskeyResponse struct {
	Challenge    []byte // from clientDataJSON
	CredentialID []byte // rawId
}

// PasskeyAssertion is what a verified login assertion reports.
type PasskeyAssertion struct {
	SignCount   uint32 // the authenticator's signature counter
	BackupState bool   // the BS flag
}

// Passkeys runs the WebAuthn ceremonies for one relying party (its id,
// name and allowed origins fixed by configuration). Options and responses
// are the W3C JSON forms (PublicKeyCredentialCreationOptions,
// PublicKeyCredentialRequestOptions, and the PublicKeyCredential a browser
// returns, binary members base64url). Challenges are issued and consumed
// by the caller; implementations only read them.
type Passkeys interface {
	// BeginRegistration returns creation options for u answering ch,
	// excluding the credentials in existing.
	BeginRegistration(ctx context.Context, u identity.User, existing []identity.Passkey, ch identity.Challenge) (json.RawMessage, error)
	// FinishRegistration verifies an attestation response for u against ch
	// (type, challenge, origin, RP id hash, user presence, attestation
	// statement, algorithm) and returns the new credential's fields
	// (CredentialID, PublicKey, SignCount, AAGUID, Transports, flags,
	// AttestationFormat); the caller names and stores it. A response that
	// does not verify is fault.Invalid.
	FinishRegistration(ctx context.Context, u identity.User, ch identity.Challenge, response json.RawMessage) (identity.Passkey, error)
	// BeginLogin returns request options answering ch that allow the
	// credentials in allowed (none: any credential the authenticator holds
	// for this relying party).
	BeginLogin(ctx context.Context, allowed []identity.Passkey, ch identity.Challenge) (json.RawMessage, error)
	// FinishLogin verifies an assertion by passkey p of user u against ch
	// (type, challenge, origin, RP id hash, user presence, user handle,
	// signature, backup flags) and returns the counter and flags it
	// reports. Sign-count policy is the caller's. A response that does not
	// verify is fault.Unauthenticated.
	FinishLogin(ctx context.Context, u identity.User, p identity.Passkey, ch identity.Challenge, response json.RawMessage) (PasskeyAssertion, error)
	// Inspect reads the challenge and credential id a response claims,
	// without verifying anything. A malformed response is fault.Invalid.
	Inspect(ctx context.Context, response json.RawMessage) (PasskeyResponse, error)
}
