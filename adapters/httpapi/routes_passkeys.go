package httpapi

import (
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
)

// registerPasskeys adds the AskOzzy WebAuthn (passkey) endpoints
// (openapi/passkeys.yaml).
func registerPasskeys(r *router, s *server) {
	r.handle(http.MethodPost, "/api/auth/webauthn/register-options", identity.Authenticated, s.passkeyRegisterOptions)
	r.handle(http.MethodPost, "/api/auth/webauthn/register-complete", identity.Authenticated, s.passkeyRegisterComplete)
	r.handle(http.MethodPost, "/api/auth/webauthn/login-options", identity.Public, s.passkeyLoginOptions)
	r.handle(http.MethodPost, "/api/auth/webauthn/login-complete", identity.Public, s.passkeyLoginComplete)
	r.handle(http.MethodGet, "/api/auth/webauthn/credentials", identity.Authenticated, s.passkeyList)
	r.handle(http.MethodDelete, "/api/auth/webauthn/credentials/:id", identity.Authenticated, s.passkeyDelete)
}

var errPasskeysUnavailable = fault.New(fault.Unavailable, "identity.passkeys_unavailable", "Passkeys are not configured on this server")

type passkeyOptionsResponse struct {
	Options json.RawMessage `json:"options"`
}

type passkeyRegisterRequest struct {
	Credential json.RawMessage `json:"credential"`
	Name       string          `json:"name"`
}

type passkeyRegisterResponse struct {
	Success      bool   `json:"success"`
	CredentialID string `json:"credentialId"`
}

type passkeyLoginOptionsRequest struct {
	Email string `json:"email"`
}

type passkeyLoginRequest struct {
	Credential json.RawMessage `json:"credential"`
	Email      string          `json:"email"`
}

type passkeyItem struct {
	ID        string  `json:"id"`
	Name      string  `json:"name"`
	CreatedAt string  `json:"createdAt"`
	LastUsed  *string `json:"lastUsed"`
}

type passkeyListResponse struct {
	Credentials []passkeyItem `json:"credentials"`
}

// passkeysReady answers 503 when no passkey service is wired.
func (s *server) passkeysReady(c *gin.Context) bool {
	if s.passkeys == nil {
		fail(c, errPasskeysUnavailable)
		return false
	}
	return true
}

func (s *server) passkeyRegisterOptions(c *gin.Context) {
	if !s.passkeysReady(c) {
		return
	}
	p, _ := principalOf(c)
	opts, err := s.passkeys.RegistrationOptions(c.Request.Context(), p.User)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, passkeyOptionsResponse{Options: opts})
}

func (s *server) passkeyRegisterComplete(c *gin.Context) {
	if !s.passkeysReady(c) {
		return
	}
	var req passkeyRegisterRequest
	if err := bindJSON(c, &req, true); err != nil {
		fail(c, err)
		return
	}
	p, _ := principalOf(c)
	pk, err := s.passkeys.Register(c.Request.Context(), p.User, req.Credential, req.Name, clientMeta(c))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, passkeyRegisterResponse{Success: true, CredentialID: pk.ID})
}

func (s *server) passkeyLoginOptions(c *gin.Context) {
	if !s.passkeysReady(c) {
		return
	}
	var req passkeyLoginOptionsRequest
	if err := bindJSON(c, &req, true); err != nil {
		fail(c, err)
		return
	}
	if req.Email == "" {
		fail(c, fault.Field("email", "identity.email_required", "email is required"))
		return
	}
	opts, err := s.passkeys.LoginOptions(c.Request.Context(), req.Email)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, passkeyOptionsResponse{Options: opts})
}

func (s *server) passkeyLoginComplete(c *gin.Context) {
	if !s.passkeysReady(c) {
		return
	}
	var req passkeyLoginRequest
	if err := bindJSON(c, &req, true); err != nil {
		fail(c, err)
		return
	}
	out, err := s.passkeys.Login(c.Request.Context(), req.Credential, req.Email, clientMeta(c))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, passkeyLoginResponse{Token: out.Token, User: passkeyUser{
		ID: out.User.ID, Email: out.User.Email, FullName: out.User.FullName,
		Tier: out.User.Tier, Role: string(out.User.Role),
	}})
}

// passkeyUser is the user of the spec's login-complete answer (no
// department, unlike the access-code login's).
type passkeyUser struct {
	ID       string `json:"id"`
	Email    string `json:"email"`
	FullName string `json:"fullName"`
	Tier     string `json:"tier"`
	Role     string `json:"role"`
}

type passkeyLoginResponse struct {
	Token string      `json:"token"`
	User  passkeyUser `json:"user"`
}

func (s *server) passkeyList(c *gin.Context) {
	if !s.passkeysReady(c) {
		return
	}
	p, _ := principalOf(c)
	list, err := s.passkeys.List(c.Request.Context(), p.User)
	if err != nil {
		fail(c, err)
		return
	}
	out := passkeyListResponse{Credentials: make([]passkeyItem, len(list))}
	for i, pk := range list {
		item := passkeyItem{ID: pk.ID, Name: pk.Name, CreatedAt: timestamp(pk.CreatedAt)}
		if pk.LastUsedAt != nil {
			ts := timestamp(*pk.LastUsedAt)
			item.LastUsed = &ts
		}
		out.Credentials[i] = item
	}
	c.JSON(http.StatusOK, out)
}

func (s *server) passkeyDelete(c *gin.Context) {
	if !s.passkeysReady(c) {
		return
	}
	p, _ := principalOf(c)
	if err := s.passkeys.Remove(c.Request.Context(), p.User, c.Param("id"), clientMeta(c)); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, successResponse{Success: true})
}
