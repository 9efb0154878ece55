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
	r.handle(http.MethodGet, "/api/user/dashboard", identity.Authenticated, s.dashboard)

	// Second factors, recovery and resets.
	r.handle(http.MethodPost, "/api/auth/register/verify-totp", identity.Public, s.verifyEnrolment)
	r.handle(http.MethodPost, "/api/user/2fa/setup", identity.Authenticated, s.setupTOTP)
	r.handle(http.MethodPost, "/api/user/2fa/verify", identity.Authenticated, s.verifyTOTP)
	r.handle(http.MethodPost, "/api/user/2fa/disable", identity.Authenticated, s.disableTOTP)
	r.handle(http.MethodPost, "/api/auth/recovery-code/regenerate", identity.Authenticated, s.regenerateRecovery)
	r.handle(http.MethodPost, "/api/auth/reset-account", identity.Public, s.resetAccount)

	// Admin bootstrap and account administration.
	r.handle(http.MethodPost, "/api/admin/bootstrap", identity.Public, s.bootstrap)
	r.handle(http.MethodGet, "/api/admin/verify", identity.Admin, s.verifyAdmin)
	r.handle(http.MethodPost, "/api/admin/users/:userId/reset-account", identity.SuperAdmin, s.adminResetAccount)
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
	TOTPCode   string `json:"totpCode"`
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
	AccessCode   string   `json:"accessCode"`
	RecoveryCode string   `json:"recoveryCode"`
	Token        string   `json:"token"`
	User         authUser `json:"user"`
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
	c.JSON(http.StatusCreated, registerResponse{AccessCode: out.AccessCode, RecoveryCode: out.RecoveryCode, Token: out.Token, User: toAuthUser(out.User)})
}

func (s *server) login(c *gin.Context) {
	var req loginRequest
	if err := bindJSON(c, &req, true); err != nil {
		fail(c, err)
		return
	}
	out, err := s.id.Login(c.Request.Context(), identitysvc.Credentials{AccessCode: req.AccessCode, TOTPCode: req.TOTPCode}, clientMeta(c))
	if err != nil {
		fail(c, err)
		return
	}
	user := toAuthUser(out.User)
	user.Tier = s.effectiveTier(c.Request.Context(), out.User)
	c.JSON(http.StatusOK, loginResponse{Token: out.Token, User: user})
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
		Tier: s.effectiveTier(c.Request.Context(), u), Role: string(u.Role), ReferralCode: u.ReferralCode,
		TwoFactorEnabled: u.TOTPEnabled,
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

type codeRequest struct {
	Code string `json:"code"`
}

type enrolmentRequest struct {
	UserID string `json:"userId"`
	Email  string `json:"email"`
	Code   string `json:"code"`
}

type enrolmentResponse struct {
	Success bool     `json:"success"`
	Token   string   `json:"token"`
	User    authUser `json:"user"`
}

type totpSetupResponse struct {
	Secret string `json:"secret"`
	QRURL  string `json:"qrUrl"`
}

type recoveryResponse struct {
	Success      bool   `json:"success,omitempty"`
	RecoveryCode string `json:"recoveryCode"`
}

type resetRequest struct {
	Email        string `json:"email"`
	RecoveryCode string `json:"recoveryCode"`
}

type resetResponse struct {
	Success      bool   `json:"success,omitempty"`
	TOTPURI      string `json:"totpUri"`
	TOTPSecret   string `json:"totpSecret"`
	AccessCode   string `json:"accessCode"`
	RecoveryCode string `json:"recoveryCode"`
	Email        string `json:"email"`
	FullName     string `json:"fullName,omitempty"`
}

type bootstrapRequest struct {
	Email           string `json:"email"`
	FullName        string `json:"fullName"`
	BootstrapSecret string `json:"bootstrapSecret"`
}

type bootstrapUser struct {
	ID       string `json:"id"`
	Email    string `json:"email"`
	FullName string `json:"fullName"`
	Role     string `json:"role"`
	Tier     string `json:"tier"`
}

type bootstrapResponse struct {
	AccessCode string        `json:"accessCode"`
	User       bootstrapUser `json:"user"`
}

type dashboardStats struct {
	TotalConversations int    `json:"totalConversations"`
	TotalMessages      int    `json:"totalMessages"`
	TokensUsed         int64  `json:"tokensUsed"`
	DocumentsGenerated int    `json:"documentsGenerated"`
	CurrentStreak      int    `json:"currentStreak"`
	Tier               string `json:"tier"`
	UsagePercent       int    `json:"usagePercent"`
}

func (s *server) dashboard(c *gin.Context) {
	p, _ := principalOf(c)
	d, err := s.id.Dashboard(c.Request.Context(), p)
	if err != nil {
		fail(c, err)
		return
	}
	a := d.Activity
	c.JSON(http.StatusOK, gin.H{"stats": dashboardStats{
		TotalConversations: a.TotalConversations, TotalMessages: a.TotalMessages, TokensUsed: a.TokensUsed,
		DocumentsGenerated: a.DocumentsGenerated, CurrentStreak: a.CurrentStreak, Tier: d.Tier, UsagePercent: a.UsagePercent,
	}})
}

func (s *server) verifyEnrolment(c *gin.Context) {
	var req enrolmentRequest
	if err := bindJSON(c, &req, true); err != nil {
		fail(c, err)
		return
	}
	out, err := s.id.CompleteEnrolment(c.Request.Context(), identitysvc.EnrolmentCheck{UserID: req.UserID, Email: req.Email, Code: req.Code}, clientMeta(c))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, enrolmentResponse{Success: true, Token: out.Token, User: toAuthUser(out.User)})
}

func (s *server) setupTOTP(c *gin.Context) {
	var req codeRequest
	if err := bindJSON(c, &req, false); err != nil {
		fail(c, err)
		return
	}
	p, _ := principalOf(c)
	out, err := s.id.SetupTOTP(c.Request.Context(), p, req.Code)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, totpSetupResponse{Secret: out.Secret, QRURL: out.URI})
}

func (s *server) verifyTOTP(c *gin.Context) {
	var req codeRequest
	if err := bindJSON(c, &req, true); err != nil {
		fail(c, err)
		return
	}
	p, _ := principalOf(c)
	code, err := s.id.VerifyTOTP(c.Request.Context(), p, req.Code, clientMeta(c))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, recoveryResponse{Success: true, RecoveryCode: code})
}

func (s *server) disableTOTP(c *gin.Context) {
	var req codeRequest
	if err := bindJSON(c, &req, true); err != nil {
		fail(c, err)
		return
	}
	p, _ := principalOf(c)
	if err := s.id.DisableTOTP(c.Request.Context(), p, req.Code, clientMeta(c)); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, successResponse{Success: true})
}

func (s *server) regenerateRecovery(c *gin.Context) {
	p, _ := principalOf(c)
	code, err := s.id.RegenerateRecoveryCode(c.Request.Context(), p, clientMeta(c))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, recoveryResponse{RecoveryCode: code})
}

func toResetResponse(r identitysvc.Reset) resetResponse {
	return resetResponse{TOTPURI: r.TOTPURI, TOTPSecret: r.TOTPSecret, AccessCode: r.AccessCode, RecoveryCode: r.RecoveryCode, Email: r.Email}
}

func (s *server) resetAccount(c *gin.Context) {
	var req resetRequest
	if err := bindJSON(c, &req, true); err != nil {
		fail(c, err)
		return
	}
	out, err := s.id.ResetAccount(c.Request.Context(), req.Email, req.RecoveryCode, clientMeta(c))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toResetResponse(out))
}

func (s *server) adminResetAccount(c *gin.Context) {
	p, _ := principalOf(c)
	out, err := s.id.AdminResetAccount(c.Request.Context(), p, c.Param("userId"), clientMeta(c))
	if err != nil {
		fail(c, err)
		return
	}
	res := toResetResponse(out)
	res.Success, res.FullName = true, out.FullName
	c.JSON(http.StatusOK, res)
}

func (s *server) bootstrap(c *gin.Context) {
	var req bootstrapRequest
	if err := bindJSON(c, &req, true); err != nil {
		fail(c, err)
		return
	}
	out, err := s.id.Bootstrap(c.Request.Context(), identitysvc.BootstrapInput{
		Email: req.Email, FullName: req.FullName, Secret: req.BootstrapSecret,
	}, clientMeta(c))
	if err != nil {
		fail(c, err)
		return
	}
	u := out.User
	c.JSON(http.StatusCreated, bootstrapResponse{AccessCode: out.AccessCode, User: bootstrapUser{
		ID: u.ID, Email: u.Email, FullName: u.FullName, Role: string(u.Role), Tier: u.Tier,
	}})
}

func (s *server) verifyAdmin(c *gin.Context) {
	p, _ := principalOf(c)
	c.JSON(http.StatusOK, gin.H{"admin": true, "role": string(p.User.Role)})
}
