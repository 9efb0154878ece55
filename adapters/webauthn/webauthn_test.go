package webauthn_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/webauthn"
	"github.com/kente-gov/kente/adapters/webauthn/webauthntest"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
)

const origin = "https://askozzy.gov.gh"

var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func newRP(t *testing.T) *webauthn.RelyingParty {
	t.Helper()
	rp, err := webauthn.New(webauthn.Config{RPID: "askozzy.gov.gh", RPName: "AskOzzy", Origins: []string{origin}})
	require.NoError(t, err)
	return rp
}

var kwame = identity.User{ID: "usr_0123456789abcdef", Email: "kwame@gov.gh", FullName: "Kwame Mensah"}

func challenge(t *testing.T, p identity.ChallengePurpose) identity.Challenge {
	t.Helper()
	ch, err := identity.NewChallenge(rand.Reader, p, kwame.ID, now)
	require.NoError(t, err)
	return ch
}

// register runs a whole registration with a and returns the passkey.
func register(t *testing.T, rp *webauthn.RelyingParty, a *webauthntest.Authenticator) identity.Passkey {
	t.Helper()
	ctx := context.Background()
	ch := challenge(t, identity.ChallengeRegistration)
	opts, err := rp.BeginRegistration(ctx, kwame, nil, ch)
	require.NoError(t, err)
	resp, err := a.Register(opts)
	require.NoError(t, err)
	p, err := rp.FinishRegistration(ctx, kwame, ch, resp)
	require.NoError(t, err)
	return p
}

func TestCreationOptions(t *testing.T) {
	rp := newRP(t)
	ch := challenge(t, identity.ChallengeRegistration)
	existing := identity.Passkey{CredentialID: []byte{1, 2, 3}, Transports: []string{"usb"}}
	raw, err := rp.BeginRegistration(context.Background(), kwame, []identity.Passkey{existing}, ch)
	require.NoError(t, err)
	var o map[string]any
	require.NoError(t, json.Unmarshal(raw, &o))
	assert.Equal(t, "askozzy.gov.gh", o["rp"].(map[string]any)["id"])
	assert.Equal(t, "AskOzzy", o["rp"].(map[string]any)["name"])
	assert.Equal(t, map[string]any{"id": "dXNyXzAxMjM0NTY3ODlhYmNkZWY", "name": "kwame@gov.gh", "displayName": "Kwame Mensah"}, o["user"])
	assert.Equal(t, []any{
		map[string]any{"type": "public-key", "alg": float64(-7)},
		map[string]any{"type": "public-key", "alg": float64(-257)},
	}, o["pubKeyCredParams"])
	assert.Equal(t, "preferred", o["authenticatorSelection"].(map[string]any)["userVerification"])
	assert.Equal(t, float64(60000), o["timeout"])
	assert.Equal(t, "none", o["attestation"])
	assert.Len(t, o["challenge"], 43, "32 bytes, base64url without padding")
	assert.Equal(t, []any{map[string]any{"type": "public-key", "id": "AQID", "transports": []any{"usb"}}}, o["excludeCredentials"])
}

func TestRequestOptions(t *testing.T) {
	rp := newRP(t)
	ch := challenge(t, identity.ChallengeLogin)
	for _, allowed := range [][]identity.Passkey{nil, {{CredentialID: []byte{9}}}} {
		raw, err := rp.BeginLogin(context.Background(), allowed, ch)
		require.NoError(t, err)
		var o map[string]any
		require.NoError(t, json.Unmarshal(raw, &o))
		assert.Equal(t, "askozzy.gov.gh", o["rpId"])
		assert.Equal(t, "preferred", o["userVerification"])
		assert.Equal(t, float64(60000), o["timeout"])
		require.Contains(t, o, "allowCredentials")
		assert.Len(t, o["allowCredentials"], len(allowed))
	}
}

func TestRegisterAndLogin(t *testing.T) {
	rp := newRP(t)
	ctx := context.Background()
	a := webauthntest.New(origin)
	p := register(t, rp, a)
	assert.Equal(t, a.CredentialID, p.CredentialID)
	assert.Equal(t, "none", p.AttestationFormat)
	assert.Equal(t, []string{"internal", "hybrid"}, p.Transports)
	assert.Equal(t, uint32(0), p.SignCount)
	assert.NotEmpty(t, p.PublicKey)

	for want := uint32(1); want <= 3; want++ {
		ch := challenge(t, identity.ChallengeLogin)
		opts, err := rp.BeginLogin(ctx, []identity.Passkey{p}, ch)
		require.NoError(t, err)
		resp, err := a.Login(opts)
		require.NoError(t, err)

		info, err := rp.Inspect(ctx, resp)
		require.NoError(t, err)
		assert.Equal(t, ch.Value, info.Challenge)
		assert.Equal(t, a.CredentialID, info.CredentialID)

		got, err := rp.FinishLogin(ctx, kwame, p, ch, resp)
		require.NoError(t, err)
		assert.Equal(t, want, got.SignCount)
		p.SignCount = got.SignCount
	}
}

func TestRegistrationRefused(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(a *webauthntest.Authenticator)
	}{
		{"wrong origin", func(a *webauthntest.Authenticator) { a.Origin = "https://evil.example" }},
		{"wrong RP ID hash", func(a *webauthntest.Authenticator) { a.RPID = "evil.example" }},
		{"user not present", func(a *webauthntest.Authenticator) { a.Flags = 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rp := newRP(t)
			a := webauthntest.New(origin)
			tt.tamper(a)
			ch := challenge(t, identity.ChallengeRegistration)
			opts, err := rp.BeginRegistration(context.Background(), kwame, nil, ch)
			require.NoError(t, err)
			resp, err := a.Register(opts)
			require.NoError(t, err)
			_, err = rp.FinishRegistration(context.Background(), kwame, ch, resp)
			require.Error(t, err)
			assert.Equal(t, fault.Invalid, fault.KindOf(err), "%v", err)
		})
	}
}

func TestLoginRefused(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(t *testing.T, a *webauthntest.Authenticator, ch *identity.Challenge, p *identity.Passkey)
	}{
		{"wrong origin", func(_ *testing.T, a *webauthntest.Authenticator, _ *identity.Challenge, _ *identity.Passkey) {
			a.Origin = "http://localhost:8080"
		}},
		{"wrong RP ID hash", func(_ *testing.T, a *webauthntest.Authenticator, _ *identity.Challenge, _ *identity.Passkey) {
			a.RPID = "evil.example"
		}},
		{"user not present", func(_ *testing.T, a *webauthntest.Authenticator, _ *identity.Challenge, _ *identity.Passkey) {
			a.Flags = FlagUVOnly
		}},
		{"other challenge", func(t *testing.T, _ *webauthntest.Authenticator, ch *identity.Challenge, _ *identity.Passkey) {
			*ch = challenge(t, identity.ChallengeLogin)
		}},
		{"other key", func(_ *testing.T, _ *webauthntest.Authenticator, _ *identity.Challenge, p *identity.Passkey) {
			p.PublicKey = otherKey
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rp := newRP(t)
			ctx := context.Background()
			a := webauthntest.New(origin)
			p := register(t, rp, a)
			ch := challenge(t, identity.ChallengeLogin)
			opts, err := rp.BeginLogin(ctx, []identity.Passkey{p}, ch)
			require.NoError(t, err)
			tt.tamper(t, a, &ch, &p)
			resp, err := a.Login(opts)
			require.NoError(t, err)
			_, err = rp.FinishLogin(ctx, kwame, p, ch, resp)
			require.Error(t, err)
			assert.Equal(t, fault.Unauthenticated, fault.KindOf(err), "%v", err)
		})
	}
}

// FlagUVOnly is UV without UP.
const FlagUVOnly = webauthntest.FlagUV

var otherKey = func() []byte {
	rp, _ := webauthn.New(webauthn.Config{RPID: "askozzy.gov.gh", RPName: "AskOzzy", Origins: []string{origin}})
	a := webauthntest.New(origin)
	ch, _ := identity.NewChallenge(rand.Reader, identity.ChallengeRegistration, kwame.ID, now)
	opts, _ := rp.BeginRegistration(context.Background(), kwame, nil, ch)
	resp, _ := a.Register(opts)
	p, err := rp.FinishRegistration(context.Background(), kwame, ch, resp)
	if err != nil {
		panic(err)
	}
	return p.PublicKey
}()

func TestMalformedResponses(t *testing.T) {
	rp := newRP(t)
	ctx := context.Background()
	ch := challenge(t, identity.ChallengeLogin)
	for _, give := range []string{`{}`, `[]`, `{"rawId":"AQID","response":{"clientDataJSON":"bm9wZQ"}}`, `{"rawId":5}`} {
		_, err := rp.Inspect(ctx, json.RawMessage(give))
		assert.Equal(t, fault.Invalid, fault.KindOf(err), "Inspect(%s): %v", give, err)
		_, err = rp.FinishLogin(ctx, kwame, identity.Passkey{}, ch, json.RawMessage(give))
		assert.Equal(t, fault.Invalid, fault.KindOf(err), "FinishLogin(%s): %v", give, err)
		_, err = rp.FinishRegistration(ctx, kwame, ch, json.RawMessage(give))
		assert.Equal(t, fault.Invalid, fault.KindOf(err), "FinishRegistration(%s): %v", give, err)
	}
}

func TestConfigValidate(t *testing.T) {
	ok := webauthn.Config{RPID: "localhost", RPName: "AskOzzy", Origins: []string{"http://localhost:8080"}}
	require.NoError(t, ok.Validate())
	tests := []struct {
		name string
		give func(c *webauthn.Config)
	}{
		{"no RP ID", func(c *webauthn.Config) { c.RPID = "" }},
		{"IP RP ID", func(c *webauthn.Config) { c.RPID = "127.0.0.1" }},
		{"no name", func(c *webauthn.Config) { c.RPName = " " }},
		{"no origins", func(c *webauthn.Config) { c.Origins = nil }},
		{"path origin", func(c *webauthn.Config) { c.Origins = []string{"https://a.gov.gh/x"} }},
		{"ftp origin", func(c *webauthn.Config) { c.Origins = []string{"ftp://a.gov.gh"} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.give(&c)
			assert.Error(t, c.Validate())
			_, err := webauthn.New(c)
			assert.Error(t, err)
		})
	}
}
