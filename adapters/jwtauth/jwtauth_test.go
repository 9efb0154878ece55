package jwtauth_test

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/jwtauth"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/programme"
)

var (
	now    = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	secret = []byte(strings.Repeat("k", 32))
	claims = programme.Claims{
		Purpose: programme.PurposeAccess, UserID: "0f8fad5b-d9cb-469f-a165-70867728950e", ProgrammeID: "1f8fad5b-d9cb-469f-a165-70867728950e",
		Role: programme.RoleSuperAdmin, IsAdmin: true, SessionID: "2f8fad5b-d9cb-469f-a165-70867728950e", TokenVersion: 7,
		ID: "3f8fad5b-d9cb-469f-a165-70867728950e", IssuedAt: now, ExpiresAt: now.Add(30 * time.Minute),
	}
)

func codec(t testing.TB) *jwtauth.Codec {
	t.Helper()
	c, err := jwtauth.New(secret, "", "")
	require.NoError(t, err)
	return c
}

func TestRoundTrip(t *testing.T) {
	c := codec(t)
	tok, err := c.Sign(claims)
	require.NoError(t, err)
	got, err := c.Parse(tok, now.Add(time.Minute))
	require.NoError(t, err)
	assert.Equal(t, claims, got)
	require.NoError(t, got.Check(programme.PurposeAccess, now.Add(time.Minute)))

	header, _, _ := strings.Cut(tok, ".")
	raw, err := base64.RawURLEncoding.DecodeString(header)
	require.NoError(t, err)
	assert.JSONEq(t, `{"alg":"HS256","typ":"JWT"}`, string(raw))
}

func TestNewRejectsShortSecret(t *testing.T) {
	_, err := jwtauth.New([]byte("short"), "", "")
	assert.Error(t, err)
}

func requireInvalid(t *testing.T, c *jwtauth.Codec, tok string, at time.Time, why string) {
	t.Helper()
	got, err := c.Parse(tok, at)
	fe, ok := fault.As(err)
	require.True(t, ok, "%s: %v", why, err)
	assert.Equal(t, fault.Unauthenticated, fe.Kind, why)
	assert.Equal(t, "programme.invalid_token", fe.Code, why)
	assert.Equal(t, programme.Claims{}, got, why)
}

func TestParseRefuses(t *testing.T) {
	c := codec(t)
	tok, err := c.Sign(claims)
	require.NoError(t, err)

	requireInvalid(t, c, tok, now.Add(31*time.Minute), "expired (past the 30 s leeway)")
	requireInvalid(t, c, tok, now.Add(-time.Hour), "not yet valid")
	requireInvalid(t, c, "", now, "empty")
	requireInvalid(t, c, "garbage", now, "garbage")
	requireInvalid(t, c, strings.Repeat("a", jwtauth.MaxTokenLen+1), now, "too long")
	requireInvalid(t, c, tok[:len(tok)-2]+"xx", now, "bad signature")

	other, err := jwtauth.New([]byte(strings.Repeat("o", 32)), "", "")
	require.NoError(t, err)
	requireInvalid(t, other, tok, now, "another key")
	wrongIss, err := jwtauth.New(secret, "someone-else", "")
	require.NoError(t, err)
	requireInvalid(t, wrongIss, tok, now, "another issuer")
	wrongAud, err := jwtauth.New(secret, "", "askozzy")
	require.NoError(t, err)
	requireInvalid(t, wrongAud, tok, now, "another audience")

	// Algorithm confusion: "none", and HS384/HS512 with the same key.
	reg := jwt.RegisteredClaims{Issuer: jwtauth.DefaultIssuer, Audience: jwt.ClaimStrings{jwtauth.DefaultAudience},
		Subject: claims.UserID, ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour)), IssuedAt: jwt.NewNumericDate(now)}
	none, err := jwt.NewWithClaims(jwt.SigningMethodNone, reg).SignedString(jwt.UnsafeAllowNoneSignatureType)
	require.NoError(t, err)
	requireInvalid(t, c, none, now, "alg none")
	for _, m := range []jwt.SigningMethod{jwt.SigningMethodHS384, jwt.SigningMethodHS512} {
		s, err := jwt.NewWithClaims(m, reg).SignedString(secret)
		require.NoError(t, err)
		requireInvalid(t, c, s, now, m.Alg())
	}
	// No expiry at all.
	noExp := reg
	noExp.ExpiresAt = nil
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, noExp).SignedString(secret)
	require.NoError(t, err)
	requireInvalid(t, c, s, now, "no exp")
}

func FuzzParse(f *testing.F) {
	c := codec(f)
	tok, err := c.Sign(claims)
	require.NoError(f, err)
	twoFA := claims
	twoFA.Purpose, twoFA.SessionID, twoFA.Role = programme.PurposeTwoFactor, "", ""
	tok2, err := c.Sign(twoFA)
	require.NoError(f, err)
	parts := strings.Split(tok, ".")
	for _, s := range []string{
		tok, tok2, "", "a.b.c", "..", parts[0] + "." + parts[1] + ".", parts[0] + ".." + parts[2],
		"eyJhbGciOiJub25lIn0." + parts[1] + ".", tok + "." + parts[2], strings.ToUpper(tok),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := c.Parse(s, now)
		if err != nil {
			if !fault.Is(err, fault.Unauthenticated) {
				t.Fatalf("Parse(%q) error of the wrong kind: %v", s, err)
			}
			return
		}
		// Only tokens this key signed parse; re-signing what was read must
		// verify again to the same claims.
		again, err := c.Sign(got)
		if err != nil {
			t.Fatalf("re-sign: %v", err)
		}
		back, err := c.Parse(again, now)
		if err != nil || back != got {
			t.Fatalf("Parse(%q) = %+v, which does not round-trip: %+v, %v", s, got, back, err)
		}
	})
}

func BenchmarkSign(b *testing.B) {
	c := codec(b)
	for b.Loop() {
		if _, err := c.Sign(claims); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	c := codec(b)
	tok, err := c.Sign(claims)
	require.NoError(b, err)
	for b.Loop() {
		if _, err := c.Parse(tok, now); err != nil {
			b.Fatal(err)
		}
	}
}
