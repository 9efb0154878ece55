package httpapi

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/kente-gov/kente/app/identitysvc"
	"github.com/kente-gov/kente/core/identity"
)

// registerIdentity adds the AskOzzy account and session endpoints
// (openapi/identity.yaml).
func registerIdentity(r *router, s *server) {
	r.handle(http.MethodPost, "/api/auth/register", identity.Public, s.register)
	r.handle(http.MethodPost, "/api/auth/login", identity.Public, s.login)
	r.handle(http.MethodPost, "/api/auth/logout", identity.Authenticated, s.logout)
	r.handle(http.MethodGet, "/api/user/profile", identity.Authenticated, s.profile)
	r.handle(http.MethodGet, "/api/user/sessions", identity.Authenticated, s.sessions)
	r.handle(http.MethodPost, "/api/user/sessions/revoke-all", identity.Authenticated, s.revokeAll)
}

// Request and response bodies. JSON tags live here, never on core types.

type registerRequest struct {
	Email        string `json:"email"`
	FullName     string `json:"fullName"`
	Department   string `json:"department"`
	ReferralCode string `json:"referralCode"`
	UserType     string `json:"userType"`
}

type loginRequest struct {
	AccessCode string `json:"accessCode"`
}

type authUser struct {
	ID         string `json:"id"`
	Email      string `json:"email"`
	FullName   string `json:"fullName"`
	Department string `json:"department"`
	Tier       string `json:"tier"`
	Role       string `json:"role"`
}

type registerResponse struct {
	AccessCode string   `json:"accessCode"`
	Token      string   `json:"token"`
	User       authUser `json:"user"`
}

type loginResponse struct {
	Token string   `json:"token"`
	User  authUser `json:"user"`
}

type profileUser struct {
	ID               string `json:"id"`
	Email            string `json:"email"`
	FullName         string `json:"fullName"`
	Department       string `json:"department"`
	Tier             string `json:"tier"`
	Role             string `json:"role"`
	ReferralCode     string `json:"referralCode"`
	TwoFactorEnabled bool   `json:"twoFactorEnabled"`
	CreatedAt        string `json:"createdAt"`
}

type profileResponse struct {
	User profileUser `json:"user"`
}

type sessionItem struct {
	ID         string `json:"id"`
	Device     string `json:"device"`
	IP         string `json:"ip"`
	LastActive string `json:"lastActive"`
	Current    bool   `json:"current"`
}

type sessionsResponse struct {
	Sessions []sessionItem `json:"sessions"`
}

type successResponse struct {
	Success bool `json:"success"`
}

type revokeAllResponse struct {
	Success      bool `json:"success"`
	RevokedCount int  `json:"revokedCount"`
}

// timestamp formats t as RFC 3339 in UTC with a Z, to the second.
func timestamp(t time.Time) string {
	return t.UTC().Format(time.RFC3339)
}

func toAuthUser(u identity.User) authUser {
	return authUser{
		ID: u.ID, Email: u.Email, FullName: u.FullName, Department: u.Department,
		Tier: u.Tier, Role: string(u.Role),
	}
}

func clientMeta(c *gin.Context) identitysvc.ClientMeta {
	return identitysvc.ClientMeta{IP: c.ClientIP(), UserAgent: c.Request.UserAgent()}
}

func (s *server) register(c *gin.Context) {
	var req registerRequest
	if err := bindJSON(c, &req, true); err != nil {
		fail(c, err)
		return
	}
	out, err := s.id.Register(c.Request.Context(), identity.Registration{
		Email: req.Email, FullName: req.FullName, Department: req.Department,
		ReferralCode: req.ReferralCode, UserType: req.UserType,
	}, clientMeta(c))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, registerResponse{AccessCode: out.AccessCode, Token: out.Token, User: toAuthUser(out.User)})
}

func (s *server) login(c *gin.Context) {
	var req loginRequest
	if err := bindJSON(c, &req, true); err != nil {
		fail(c, err)
		return
	}
	out, err := s.id.Login(c.Request.Context(), req.AccessCode, clientMeta(c))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, loginResponse{Token: out.Token, User: toAuthUser(out.User)})
}

func (s *server) logout(c *gin.Context) {
	p, _ := principalOf(c)
	if err := s.id.Logout(c.Request.Context(), p); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, successResponse{Success: true})
}

func (s *server) profile(c *gin.Context) {
	p, _ := principalOf(c)
	u, err := s.id.Profile(c.Request.Context(), p)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, profileResponse{User: profileUser{
		ID: u.ID, Email: u.Email, FullName: u.FullName, Department: u.Department,
		Tier: u.Tier, Role: string(u.Role), ReferralCode: u.ReferralCode,
		TwoFactorEnabled: false, // TOTP is not implemented yet
		CreatedAt:        timestamp(u.CreatedAt),
	}})
}

func (s *server) sessions(c *gin.Context) {
	p, _ := principalOf(c)
	list, err := s.id.Sessions(c.Request.Context(), p)
	if err != nil {
		fail(c, err)
		return
	}
	out := sessionsResponse{Sessions: make([]sessionItem, len(list))}
	for i, v := range list {
		out.Sessions[i] = sessionItem{ID: v.ID, Device: v.Device, IP: v.IP, LastActive: timestamp(v.LastActive), Current: v.Current}
	}
	c.JSON(http.StatusOK, out)
}

func (s *server) revokeAll(c *gin.Context) {
	p, _ := principalOf(c)
	n, err := s.id.RevokeOtherSessions(c.Request.Context(), p)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, revokeAllResponse{Success: true, RevokedCount: n})
}
