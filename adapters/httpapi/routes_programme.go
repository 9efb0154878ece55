package httpapi

import (
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/kente-gov/kente/app/programmesvc"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/core/programme"
)

// registerProgramme adds the Oomus account routes (openapi/programme.yaml):
// registration, login with 2FA, refresh, sessions, profile, logo, and the
// platform administrators' programme management.
func registerProgramme(r *router, s *server) {
	r.handleV1(http.MethodPost, "/api/v1/auth/register", identity.Public, s.v1Register)
	r.handleV1(http.MethodPost, "/api/v1/auth/login", identity.Public, s.v1Login)
	r.handleV1(http.MethodPost, "/api/v1/auth/2fa/login", identity.Public, s.v1Login2FA)
	r.handleV1(http.MethodPost, "/api/v1/auth/refresh", identity.Public, s.v1Refresh)
	r.handleV1(http.MethodPost, "/api/v1/auth/logout", identity.Authenticated, s.v1Logout)
	r.handleV1(http.MethodPost, "/api/v1/auth/logout-all", identity.Authenticated, s.v1LogoutAll)
	r.handleV1(http.MethodGet, "/api/v1/auth/me", identity.Authenticated, s.v1Me)
	r.handleV1(http.MethodPatch, "/api/v1/auth/me", identity.Authenticated, s.v1PatchMe)
	r.handleV1(http.MethodPost, "/api/v1/auth/change-password", identity.Authenticated, s.v1ChangePassword)
	r.handleV1(http.MethodPost, "/api/v1/auth/logo", identity.Authenticated, s.v1Logo, acceptMultipart())
	r.handleV1(http.MethodPost, "/api/v1/auth/2fa/setup", identity.Authenticated, s.v1SetupTOTP)
	r.handleV1(http.MethodPost, "/api/v1/auth/2fa/verify-setup", identity.Authenticated, s.v1VerifyTOTP)
	r.handleV1(http.MethodDelete, "/api/v1/auth/2fa/disable", identity.Authenticated, s.v1DisableTOTP)
	r.handleV1(http.MethodGet, "/api/v1/admin/programmes", identity.Admin, s.v1AdminList, collection())
	r.handleV1(http.MethodPost, "/api/v1/admin/programmes", identity.Admin, s.v1AdminCreate, collection())
	r.handleV1(http.MethodPatch, "/api/v1/admin/programmes/:programme_id", identity.Admin, s.v1AdminUpdate)
	r.handleV1(http.MethodDelete, "/api/v1/admin/programmes/:programme_id", identity.Admin, s.v1AdminDelete)
}

// programmeOut is ProgrammeOut of oomus-platform §4.1.
type programmeOut struct {
	ID               string   `json:"id"`
	Email            string   `json:"email"`
	Name             string   `json:"name"`
	Country          string   `json:"country"`
	Phone            string   `json:"phone"`
	Role             string   `json:"role"`
	Plan             string   `json:"plan"`
	Status           string   `json:"status"`
	BalanceFCFA      int64    `json:"balance_fcfa"`
	CardsGenerated   int64    `json:"cards_generated"`
	IsAdmin          bool     `json:"is_admin"`
	Permissions      []string `json:"permissions"`
	TwoFactorEnabled bool     `json:"two_factor_enabled"`
	LogoURL          *string  `json:"logo_url"`
	CreatedAt        string   `json:"created_at"`
}

func toProgrammeOut(a programmesvc.Account) programmeOut {
	p, u := a.Programme, a.User
	var logo *string
	if p.LogoURL != "" {
		logo = &p.LogoURL
	}
	email := u.Email
	if email == "" {
		email = p.Email
	}
	return programmeOut{ID: p.ID, Email: email, Name: p.Name, Country: p.Country, Phone: p.Phone, Role: string(u.Role),
		Plan: p.Plan, Status: string(p.Status), BalanceFCFA: p.BalanceFCFA, CardsGenerated: p.CardsGenerated, IsAdmin: p.IsAdmin,
		Permissions: u.Role.Permissions(), TwoFactorEnabled: u.TOTPEnabled, LogoURL: logo,
		CreatedAt: p.CreatedAt.UTC().Format(time.RFC3339)}
}

func v1Meta(c *gin.Context) programmesvc.ClientMeta {
	return programmesvc.ClientMeta{IP: c.ClientIP(), UserAgent: c.Request.UserAgent()}
}

// v1Principal returns the principal or renders 401.
func v1Principal(c *gin.Context) (programmesvc.Principal, bool) {
	p, ok := v1PrincipalOf(c)
	if !ok {
		fail(c, errAuthRequired)
	}
	return p, ok
}

// first returns the first non-empty string: the current field name, then
// its older aliases (§15.1.3).
func first(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

type registerV1Request struct {
	Email        string `json:"email"`
	Password     string `json:"password"`
	Name         string `json:"name"`
	Country      string `json:"country"`
	Phone        string `json:"phone"`
	FullName     string `json:"full_name"`    // older alias of name
	Organization string `json:"organization"` // older alias of name
}

func (q registerV1Request) registration() programmesvc.Registration {
	return programmesvc.Registration{Email: q.Email, Password: q.Password, Name: first(q.Name, q.Organization, q.FullName),
		Country: q.Country, Phone: q.Phone}
}

func (s *server) v1Register(c *gin.Context) {
	if s.programmes == nil {
		fail(c, errProgrammesUnavailable)
		return
	}
	var in registerV1Request
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	a, err := s.programmes.Register(c.Request.Context(), in.registration(), v1Meta(c))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, toProgrammeOut(a))
}

type tokensOut struct {
	AccessToken  string        `json:"access_token"`
	RefreshToken string        `json:"refresh_token"`
	TokenType    string        `json:"token_type"`
	ExpiresIn    int           `json:"expires_in"`
	Requires2FA  bool          `json:"requires_2fa"`
	TOTPToken    string        `json:"totp_token,omitempty"`
	Programme    *programmeOut `json:"programme,omitempty"`
}

func renderTokens(c *gin.Context, t programmesvc.Tokens) {
	out := tokensOut{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, TokenType: "bearer",
		Requires2FA: t.RequiresTwoFactor, TOTPToken: t.TwoFactorToken}
	if !t.RequiresTwoFactor {
		out.ExpiresIn = int(t.ExpiresIn / time.Second)
		po := toProgrammeOut(t.Account)
		out.Programme = &po
	}
	c.JSON(http.StatusOK, out)
}

func (s *server) v1Login(c *gin.Context) {
	if s.programmes == nil {
		fail(c, errProgrammesUnavailable)
		return
	}
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	t, err := s.programmes.Login(c.Request.Context(), in.Email, in.Password, v1Meta(c))
	if err != nil {
		fail(c, err)
		return
	}
	renderTokens(c, t)
}

func (s *server) v1Login2FA(c *gin.Context) {
	if s.programmes == nil {
		fail(c, errProgrammesUnavailable)
		return
	}
	var in struct {
		TOTPToken string `json:"totp_token"`
		Code      string `json:"code"`
		Email     string `json:"email"` // the older form, refused
	}
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	if in.TOTPToken == "" && in.Email != "" {
		fail(c, fault.Field("totp_token", "programme.totp_token_required",
			"totp_token from /auth/login is required; the older {email, code} form is not accepted"))
		return
	}
	t, err := s.programmes.LoginTwoFactor(c.Request.Context(), in.TOTPToken, in.Code, v1Meta(c))
	if err != nil {
		fail(c, err)
		return
	}
	renderTokens(c, t)
}

func (s *server) v1Refresh(c *gin.Context) {
	if s.programmes == nil {
		fail(c, errProgrammesUnavailable)
		return
	}
	var in struct {
		RefreshToken string `json:"refresh_token"`
	}
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	t, err := s.programmes.Refresh(c.Request.Context(), in.RefreshToken, v1Meta(c))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, tokensOut{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, TokenType: "bearer",
		ExpiresIn: int(t.ExpiresIn / time.Second)})
}

func (s *server) v1Logout(c *gin.Context) {
	p, ok := v1Principal(c)
	if !ok {
		return
	}
	if err := s.programmes.Logout(c.Request.Context(), p, v1Meta(c)); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *server) v1LogoutAll(c *gin.Context) {
	p, ok := v1Principal(c)
	if !ok {
		return
	}
	if err := s.programmes.LogoutAll(c.Request.Context(), p, v1Meta(c)); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *server) v1Me(c *gin.Context) {
	p, ok := v1Principal(c)
	if !ok {
		return
	}
	a, err := s.programmes.Me(c.Request.Context(), p)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toProgrammeOut(a))
}

type profileV1Request struct {
	Name         *string `json:"name"`
	Country      *string `json:"country"`
	Phone        *string `json:"phone"`
	FullName     *string `json:"full_name"`    // older alias of name
	Organization *string `json:"organization"` // older alias of name
}

func (q profileV1Request) change() programmesvc.ProfileChange {
	name := q.Name
	if name == nil {
		name = q.Organization
	}
	if name == nil {
		name = q.FullName
	}
	return programmesvc.ProfileChange{Name: name, Country: q.Country, Phone: q.Phone}
}

func (s *server) v1PatchMe(c *gin.Context) {
	p, ok := v1Principal(c)
	if !ok {
		return
	}
	var in profileV1Request
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	a, err := s.programmes.UpdateMe(c.Request.Context(), p, in.change(), v1Meta(c))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toProgrammeOut(a))
}

func (s *server) v1ChangePassword(c *gin.Context) {
	p, ok := v1Principal(c)
	if !ok {
		return
	}
	var in struct {
		Current string `json:"current_password"`
		New     string `json:"new_password"`
	}
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	if err := s.programmes.ChangePassword(c.Request.Context(), p, in.Current, in.New, v1Meta(c)); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

var errLogoFile = fault.Field("file", "programme.logo_required", "a multipart/form-data body with the image in field file is required")

func (s *server) v1Logo(c *gin.Context) {
	p, ok := v1Principal(c)
	if !ok {
		return
	}
	fh, err := c.FormFile("file")
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			fail(c, errTooLarge)
			return
		}
		fail(c, errLogoFile)
		return
	}
	f, err := fh.Open()
	if err != nil {
		fail(c, errLogoFile)
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, programme.MaxLogoBytes+1))
	if err != nil {
		fail(c, errLogoFile)
		return
	}
	a, err := s.programmes.UploadLogo(c.Request.Context(), p, data, v1Meta(c))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toProgrammeOut(a))
}

func (s *server) v1SetupTOTP(c *gin.Context) {
	p, ok := v1Principal(c)
	if !ok {
		return
	}
	t, err := s.programmes.SetupTOTP(c.Request.Context(), p)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"secret": t.Secret, "provisioning_uri": t.URI})
}

func (s *server) v1VerifyTOTP(c *gin.Context) {
	p, ok := v1Principal(c)
	if !ok {
		return
	}
	var in struct {
		Secret string `json:"secret"`
		Code   string `json:"code"`
	}
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	a, err := s.programmes.VerifyTOTPSetup(c.Request.Context(), p, in.Secret, in.Code, v1Meta(c))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toProgrammeOut(a))
}

func (s *server) v1DisableTOTP(c *gin.Context) {
	p, ok := v1Principal(c)
	if !ok {
		return
	}
	var in struct {
		Current string `json:"current_password"`
	}
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	a, err := s.programmes.DisableTOTP(c.Request.Context(), p, in.Current, v1Meta(c))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toProgrammeOut(a))
}

type programmeListOut struct {
	Total int            `json:"total"`
	Items []programmeOut `json:"items"`
}

func (s *server) v1AdminList(c *gin.Context) {
	p, ok := v1Principal(c)
	if !ok {
		return
	}
	limit, err := intParam(c, "limit", 0)
	if err != nil {
		fail(c, err)
		return
	}
	offset, err := intParam(c, "offset", 0)
	if err != nil {
		fail(c, err)
		return
	}
	page, err := s.programmes.AdminList(c.Request.Context(), p, limit, offset)
	if err != nil {
		fail(c, err)
		return
	}
	out := programmeListOut{Total: page.Total, Items: make([]programmeOut, len(page.Items))}
	for i, a := range page.Items {
		out.Items[i] = toProgrammeOut(a)
	}
	c.JSON(http.StatusOK, out)
}

func (s *server) v1AdminCreate(c *gin.Context) {
	p, ok := v1Principal(c)
	if !ok {
		return
	}
	var in registerV1Request
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	a, err := s.programmes.AdminCreate(c.Request.Context(), p, in.registration(), v1Meta(c))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, toProgrammeOut(a))
}

func (s *server) v1AdminUpdate(c *gin.Context) {
	p, ok := v1Principal(c)
	if !ok {
		return
	}
	var in struct {
		profileV1Request
		Plan    *string `json:"plan"`
		Status  *string `json:"status"`
		IsAdmin *bool   `json:"is_admin"`
		Email   *string `json:"email"`
	}
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	a, err := s.programmes.AdminUpdate(c.Request.Context(), p, c.Param("programme_id"), programmesvc.AdminChange{
		ProfileChange: in.change(), Plan: in.Plan, Status: in.Status, IsAdmin: in.IsAdmin, Email: in.Email}, v1Meta(c))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toProgrammeOut(a))
}

func (s *server) v1AdminDelete(c *gin.Context) {
	p, ok := v1Principal(c)
	if !ok {
		return
	}
	if err := s.programmes.AdminDelete(c.Request.Context(), p, c.Param("programme_id"), v1Meta(c)); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
