// Package jwtauth signs and verifies Oomus tokens as JWTs with
// github.com/golang-jwt/jwt/v5: HS256 only (pinned with WithValidMethods,
// so "none" and algorithm confusion are refused), a fixed issuer and
// audience, and the claims of core/programme. It implements
// ports.AccessTokens.
package jwtauth

import (
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/programme"
	"github.com/kente-gov/kente/ports"
)

var _ ports.AccessTokens = (*Codec)(nil)

// Defaults of the registered claims.
const (
	DefaultIssuer   = "kente"
	DefaultAudience = "oomus"
)

// MaxTokenLen bounds what Parse looks at; issued tokens are far shorter.
const MaxTokenLen = 4096

// Codec signs and verifies tokens with one HMAC key.
type Codec struct {
	key      []byte
	issuer   string
	audience string
}

// New returns a Codec keyed by secret (KENTE_JWT_SECRET, at least 32 bytes).
// Empty issuer and audience take the defaults.
func New(secret []byte, issuer, audience string) (*Codec, error) {
	if len(secret) < 32 {
		return nil, errors.New("jwtauth: the signing secret must be at least 32 bytes")
	}
	if issuer == "" {
		issuer = DefaultIssuer
	}
	if audience == "" {
		audience = DefaultAudience
	}
	return &Codec{key: append([]byte(nil), secret...), issuer: issuer, audience: audience}, nil
}

type tokenClaims struct {
	jwt.RegisteredClaims
	Type    string `json:"typ"`
	PID     string `json:"pid"`
	Role    string `json:"role,omitempty"`
	IsAdmin bool   `json:"adm,omitempty"`
	SID     string `json:"sid,omitempty"`
	Version int64  `json:"ver"`
}

// Sign returns the HS256 JWT of c.
func (k *Codec) Sign(c programme.Claims) (string, error) {
	tc := tokenClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer: k.issuer, Subject: c.UserID, Audience: jwt.ClaimStrings{k.audience}, ID: c.ID,
			IssuedAt: jwt.NewNumericDate(c.IssuedAt), NotBefore: jwt.NewNumericDate(c.IssuedAt),
			ExpiresAt: jwt.NewNumericDate(c.ExpiresAt),
		},
		Type: c.Purpose, PID: c.ProgrammeID, Role: string(c.Role), IsAdmin: c.IsAdmin, SID: c.SessionID, Version: c.TokenVersion,
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, tc).SignedString(k.key)
	if err != nil {
		return "", err
	}
	return s, nil
}

var errBadToken = fault.New(fault.Unauthenticated, "programme.invalid_token", "Invalid or expired token")

// Parse verifies token at now and returns its claims. Every failure is
// fault.Unauthenticated "programme.invalid_token"; the cause is kept.
func (k *Codec) Parse(token string, now time.Time) (programme.Claims, error) {
	if token == "" || len(token) > MaxTokenLen {
		return programme.Claims{}, errBadToken
	}
	var tc tokenClaims
	p := jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(k.issuer),
		jwt.WithAudience(k.audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(30*time.Second),
		jwt.WithTimeFunc(func() time.Time { return now }),
	)
	if _, err := p.ParseWithClaims(token, &tc, func(*jwt.Token) (any, error) { return k.key, nil }); err != nil {
		return programme.Claims{}, fault.Wrap(err, errBadToken.Kind, errBadToken.Code, errBadToken.Msg)
	}
	c := programme.Claims{
		Purpose: tc.Type, UserID: tc.Subject, ProgrammeID: tc.PID, Role: programme.Role(tc.Role), IsAdmin: tc.IsAdmin,
		SessionID: tc.SID, TokenVersion: tc.Version, ID: tc.ID,
	}
	if tc.IssuedAt != nil {
		c.IssuedAt = tc.IssuedAt.UTC()
	}
	if tc.ExpiresAt != nil {
		c.ExpiresAt = tc.ExpiresAt.UTC()
	}
	return c, nil
}
