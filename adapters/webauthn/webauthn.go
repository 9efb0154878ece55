// Package webauthn implements ports.Passkeys, the WebAuthn (passkey)
// ceremonies, on github.com/go-webauthn/webauthn. It is the only package
// that knows that library.
//
// The relying party (its id, name and allowed origins) comes from Config,
// never from a request. Challenges are issued, stored and consumed by the
// caller; this adapter builds options around a given challenge and verifies
// responses against it: client data type, challenge, origin, RP id hash,
// user presence, attestation statement ("none", "packed" and the other
// formats the library knows), algorithm, credential id, user handle,
// signature (ECDSA signatures DER-encoded, as browsers send them) and
// backup flags. Expiry and sign-count policy are the caller's.
package webauthn

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/protocol/webauthncose"
	gowebauthn "github.com/go-webauthn/webauthn/webauthn"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/ports"
)

var _ ports.Passkeys = (*RelyingParty)(nil)

// Timeout is the ceremony timeout offered to browsers.
const Timeout = 60 * time.Second

// Config names the relying party. app/config fills it from
// KENTE_WEBAUTHN_RP_ID, KENTE_WEBAUTHN_RP_NAME and KENTE_WEBAUTHN_ORIGINS.
type Config struct {
	// RPID is the relying party id: the registrable domain passkeys are
	// bound to, e.g. "askozzy.gov.gh" ("localhost" in development).
	RPID string
	// RPName is shown by authenticators, e.g. "AskOzzy".
	RPName string
	// Origins are the exact origins ("https://askozzy.gov.gh") whose
	// client data is accepted.
	Origins []string
}

// Validate reports a missing or malformed field.
func (c Config) Validate() error {
	if err := ValidateRPID(c.RPID); err != nil {
		return fmt.Errorf("webauthn: %w", err)
	}
	if strings.TrimSpace(c.RPName) == "" {
		return errors.New("webauthn: RP name is required")
	}
	if len(c.Origins) == 0 {
		return errors.New("webauthn: at least one origin is required")
	}
	for _, o := range c.Origins {
		if err := ValidateOrigin(o); err != nil {
			return fmt.Errorf("webauthn: %w", err)
		}
	}
	return nil
}

// ValidateRPID reports whether id can be a relying party id: a domain
// name (not an IP address, URL or host:port).
func ValidateRPID(id string) error {
	if id == "" {
		return errors.New("RP ID is required")
	}
	if strings.ContainsAny(id, ":/?#@ ") {
		return fmt.Errorf("RP ID %q must be a bare domain like askozzy.gov.gh", id)
	}
	if err := protocol.ValidateRPID(id); err != nil {
		return fmt.Errorf("RP ID %q is not a valid domain: %w", id, err)
	}
	return nil
}

// ValidateOrigin reports whether o is an http(s) origin: scheme and host,
// optional port, nothing else.
func ValidateOrigin(o string) error {
	u, err := url.Parse(o)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil || strings.HasSuffix(o, "/") {
		return fmt.Errorf("%q is not an origin like https://askozzy.gov.gh", o)
	}
	return nil
}

// RelyingParty runs the WebAuthn ceremonies of one relying party. It is safe
// for concurrent use.
type RelyingParty struct {
	wa *gowebauthn.WebAuthn
}

// params are the algorithms offered: ES256 (-7) and RS256 (-257).
var params = []protocol.CredentialParameter{
	{Type: protocol.PublicKeyCredentialType, Algorithm: webauthncose.AlgES256},
	{Type: protocol.PublicKeyCredentialType, Algorithm: webauthncose.AlgRS256},
}

// New returns a RelyingParty for cfg, or an error for an invalid Config.
func New(cfg Config) (*RelyingParty, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	wa, err := gowebauthn.New(&gowebauthn.Config{
		RPID:                  cfg.RPID,
		RPDisplayName:         cfg.RPName,
		RPOrigins:             slices.Clone(cfg.Origins),
		AttestationPreference: protocol.PreferNoAttestation,
		AuthenticatorSelection: protocol.AuthenticatorSelection{
			ResidentKey:      protocol.ResidentKeyRequirementPreferred,
			UserVerification: protocol.VerificationPreferred,
		},
		Timeouts: gowebauthn.TimeoutsConfig{
			// Expiry is enforced by the caller on its own clock.
			Login:        gowebauthn.TimeoutConfig{Timeout: Timeout, TimeoutUVD: Timeout},
			Registration: gowebauthn.TimeoutConfig{Timeout: Timeout, TimeoutUVD: Timeout},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("webauthn: %w", err)
	}
	return &RelyingParty{wa: wa}, nil
}

// user adapts an identity.User and its passkeys to the library.
type user struct {
	u     identity.User
	creds []gowebauthn.Credential
}

// WebAuthnID is the user handle: the user id, which holds no personal data.
func (w user) WebAuthnID() []byte { return []byte(w.u.ID) }

// WebAuthnName is the account name authenticators show: the email.
func (w user) WebAuthnName() string { return w.u.Email }

// WebAuthnDisplayName is the person's name.
func (w user) WebAuthnDisplayName() string { return w.u.FullName }

// WebAuthnCredentials are the credentials a ceremony may use.
func (w user) WebAuthnCredentials() []gowebauthn.Credential { return w.creds }

func credential(p identity.Passkey) gowebauthn.Credential {
	transports := make([]protocol.AuthenticatorTransport, len(p.Transports))
	for i, t := range p.Transports {
		transports[i] = protocol.AuthenticatorTransport(t)
	}
	return gowebauthn.Credential{
		ID:                p.CredentialID,
		PublicKey:         p.PublicKey,
		AttestationFormat: p.AttestationFormat,
		Transport:         transports,
		Flags:             gowebauthn.CredentialFlags{UserPresent: true, BackupEligible: p.BackupEligible, BackupState: p.BackupState},
		Authenticator:     gowebauthn.Authenticator{AAGUID: p.AAGUID, SignCount: p.SignCount},
	}
}

func descriptors(ps []identity.Passkey) []protocol.CredentialDescriptor {
	out := make([]protocol.CredentialDescriptor, len(ps))
	for i, p := range ps {
		c := credential(p)
		out[i] = c.Descriptor()
	}
	return out
}

// withRegistrationChallenge makes a registration offer the caller's
// challenge instead of drawing its own.
func withRegistrationChallenge(ch identity.Challenge) gowebauthn.RegistrationOption {
	return func(o *protocol.PublicKeyCredentialCreationOptions) error {
		o.Challenge = protocol.URLEncodedBase64(slices.Clone(ch.Value))
		return nil
	}
}

func checkChallenge(ch identity.Challenge) error {
	if len(ch.Value) < protocol.MinimumChallengeLength {
		return errors.New("webauthn: challenge value is missing or too short")
	}
	return nil
}

// BeginRegistration returns PublicKeyCredentialCreationOptions for u that
// offer ES256 and RS256, prefer user verification and a discoverable
// credential, ask for no attestation, and exclude existing.
func (rp *RelyingParty) BeginRegistration(_ context.Context, u identity.User, existing []identity.Passkey, ch identity.Challenge) (json.RawMessage, error) {
	if err := checkChallenge(ch); err != nil {
		return nil, err
	}
	opts := []gowebauthn.RegistrationOption{
		gowebauthn.WithCredentialParameters(params),
		withRegistrationChallenge(ch),
	}
	if len(existing) > 0 {
		opts = append(opts, gowebauthn.WithExclusions(descriptors(existing)))
	}
	creation, _, err := rp.wa.BeginRegistration(user{u: u}, opts...)
	if err != nil {
		return nil, fmt.Errorf("begin passkey registration: %w", err)
	}
	raw, err := json.Marshal(creation.Response)
	if err != nil {
		return nil, fmt.Errorf("encode creation options: %w", err)
	}
	return raw, nil
}

// session is the library's view of a ceremony begun with ch for userID.
func (rp *RelyingParty) session(userID string, ch identity.Challenge) gowebauthn.SessionData {
	return gowebauthn.SessionData{
		Challenge:        base64.RawURLEncoding.EncodeToString(ch.Value),
		RelyingPartyID:   rp.wa.Config.RPID,
		UserID:           []byte(userID),
		UserVerification: protocol.VerificationPreferred,
		CredParams:       params,
	}
}

// Faults of verification. The library's reason is kept as the cause (for
// logs) and summarised in the public message, which names no secret.
var (
	errMalformed        = fault.Field("credential", "identity.passkey_malformed", "credential is not a valid WebAuthn response")
	errRegistrationFail = fault.New(fault.Invalid, "identity.passkey_invalid", "The passkey could not be verified")
	errLoginFail        = fault.New(fault.Unauthenticated, "identity.passkey_rejected", "The passkey could not be verified")
)

// failure wraps a library error as base, with its details in the message.
func failure(base *fault.Error, err error) error {
	msg := base.Msg
	var pe *protocol.Error
	if errors.As(err, &pe) && pe.Details != "" {
		msg += ": " + pe.Details
	}
	return &fault.Error{Kind: base.Kind, Code: base.Code, Msg: msg, Field: base.Field, Err: err}
}

// FinishRegistration verifies an attestation response and returns the new
// credential's fields. A malformed response is fault.Invalid on field
// credential; one that does not verify fault.Invalid
// "identity.passkey_invalid".
func (rp *RelyingParty) FinishRegistration(_ context.Context, u identity.User, ch identity.Challenge, response json.RawMessage) (identity.Passkey, error) {
	if err := checkChallenge(ch); err != nil {
		return identity.Passkey{}, err
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(response)
	if err != nil {
		return identity.Passkey{}, failure(errMalformed, err)
	}
	if len(parsed.RawID) > identity.MaxCredentialIDLen {
		return identity.Passkey{}, errMalformed
	}
	cred, err := rp.wa.CreateCredential(user{u: u}, rp.session(u.ID, ch), parsed)
	if err != nil {
		return identity.Passkey{}, failure(errRegistrationFail, err)
	}
	transports := make([]string, 0, len(cred.Transport))
	for _, t := range cred.Transport {
		if s := strings.TrimSpace(string(t)); s != "" && len(s) <= 32 && !strings.ContainsAny(s, ", \x00") {
			transports = append(transports, s)
		}
	}
	return identity.Passkey{
		UserID:            u.ID,
		CredentialID:      cred.ID,
		PublicKey:         cred.PublicKey,
		SignCount:         cred.Authenticator.SignCount,
		AAGUID:            cred.Authenticator.AAGUID,
		Transports:        transports,
		BackupEligible:    cred.Flags.BackupEligible,
		BackupState:       cred.Flags.BackupState,
		AttestationFormat: cred.AttestationFormat,
	}, nil
}

// BeginLogin returns PublicKeyCredentialRequestOptions answering ch that
// allow the credentials in allowed (an empty list when there are none).
func (rp *RelyingParty) BeginLogin(_ context.Context, allowed []identity.Passkey, ch identity.Challenge) (json.RawMessage, error) {
	if err := checkChallenge(ch); err != nil {
		return nil, err
	}
	assertion, _, err := rp.wa.BeginDiscoverableLogin(
		gowebauthn.WithChallenge(slices.Clone(ch.Value)),
		gowebauthn.WithAllowedCredentials(descriptors(allowed)),
	)
	if err != nil {
		return nil, fmt.Errorf("begin passkey login: %w", err)
	}
	opts := assertion.Response
	if opts.AllowedCredentials == nil {
		opts.AllowedCredentials = []protocol.CredentialDescriptor{}
	}
	raw, err := json.Marshal(requestOptions{opts})
	if err != nil {
		return nil, fmt.Errorf("encode request options: %w", err)
	}
	return raw, nil
}

// requestOptions always renders allowCredentials, which the library omits
// when empty, so every login-options answer has the same shape.
type requestOptions struct {
	protocol.PublicKeyCredentialRequestOptions
}

// MarshalJSON implements json.Marshaler.
func (r requestOptions) MarshalJSON() ([]byte, error) {
	raw, err := json.Marshal(r.PublicKeyCredentialRequestOptions)
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	if _, ok := m["allowCredentials"]; !ok {
		m["allowCredentials"] = json.RawMessage("[]")
	}
	return json.Marshal(m)
}

// FinishLogin verifies an assertion by p, a passkey of u, and returns its
// counter and backup state. A malformed response is fault.Invalid on field
// credential; one that does not verify fault.Unauthenticated
// "identity.passkey_rejected".
func (rp *RelyingParty) FinishLogin(_ context.Context, u identity.User, p identity.Passkey, ch identity.Challenge, response json.RawMessage) (ports.PasskeyAssertion, error) {
	if err := checkChallenge(ch); err != nil {
		return ports.PasskeyAssertion{}, err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(response)
	if err != nil {
		return ports.PasskeyAssertion{}, failure(errMalformed, err)
	}
	if _, err := rp.wa.ValidateLogin(user{u: u, creds: []gowebauthn.Credential{credential(p)}}, rp.session(u.ID, ch), parsed); err != nil {
		return ports.PasskeyAssertion{}, failure(errLoginFail, err)
	}
	flags := parsed.Response.AuthenticatorData.Flags
	return ports.PasskeyAssertion{
		SignCount:   parsed.Response.AuthenticatorData.Counter,
		BackupState: flags.HasBackupState(),
	}, nil
}

// claimed is the part of a PublicKeyCredential Inspect reads.
type claimed struct {
	RawID    protocol.URLEncodedBase64 `json:"rawId"`
	Response struct {
		ClientDataJSON protocol.URLEncodedBase64 `json:"clientDataJSON"`
	} `json:"response"`
}

// Inspect reads the challenge and credential id a response claims, without
// verifying them. A malformed response is fault.Invalid on field
// credential.
func (rp *RelyingParty) Inspect(_ context.Context, response json.RawMessage) (ports.PasskeyResponse, error) {
	var c claimed
	if err := json.Unmarshal(response, &c); err != nil {
		return ports.PasskeyResponse{}, fault.Wrap(err, fault.Invalid, errMalformed.Code, errMalformed.Msg).WithField("credential")
	}
	var cd struct {
		Challenge string `json:"challenge"`
	}
	if len(c.RawID) == 0 || len(c.RawID) > identity.MaxCredentialIDLen || json.Unmarshal(c.Response.ClientDataJSON, &cd) != nil {
		return ports.PasskeyResponse{}, errMalformed
	}
	challenge, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(cd.Challenge, "="))
	if err != nil || len(challenge) == 0 {
		return ports.PasskeyResponse{}, errMalformed
	}
	return ports.PasskeyResponse{Challenge: challenge, CredentialID: c.RawID}, nil
}
