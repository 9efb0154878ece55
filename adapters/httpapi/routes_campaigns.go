package httpapi

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/kente-gov/kente/app/campaignsvc"
	"github.com/kente-gov/kente/core/campaign"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
)

// jobBodyLimit caps a card-job upload: 10,000 rows (campaign.MaxBeneficiaries)
// of up to about 1.6 KB each (three 100-character fields in any script, a
// date, a phone number and the JSON around them).
const jobBodyLimit int64 = 16 << 20

var errCampaignsUnavailable = fault.New(fault.Unavailable, "campaign.unavailable", "Campaigns are not configured")

// registerCampaigns adds the Oomus campaign, job, verification and
// distribution routes (openapi/campaigns.yaml).
func registerCampaigns(r *router, s *server) {
	const c, j = "/api/v1/campaigns", "/api/v1/jobs"
	r.handleV1(http.MethodPost, c, identity.Authenticated, s.v1CreateCampaign, collection())
	r.handleV1(http.MethodGet, c, identity.Authenticated, s.v1Campaigns, collection())
	r.handleV1(http.MethodGet, c+"/:campaign_id", identity.Authenticated, s.v1Campaign)
	r.handleV1(http.MethodPatch, c+"/:campaign_id", identity.Authenticated, s.v1PatchCampaign)
	r.handleV1(http.MethodDelete, c+"/:campaign_id", identity.Authenticated, s.v1ArchiveCampaign)
	r.handleV1(http.MethodPost, c+"/:campaign_id/restore", identity.Authenticated, s.v1RestoreCampaign)
	r.handleV1(http.MethodPost, c+"/:campaign_id/jobs", identity.Authenticated, s.v1CreateJob, collection(), largeBody(jobBodyLimit))
	r.handleV1(http.MethodGet, j, identity.Authenticated, s.v1Jobs, collection())
	r.handleV1(http.MethodGet, j+"/:job_id", identity.Authenticated, s.v1Job)
	r.handleV1(http.MethodGet, j+"/:job_id/estimate", identity.Authenticated, s.v1JobEstimate)
	r.handleV1(http.MethodPost, j+"/:job_id/cancel", identity.Authenticated, s.v1CancelJob)
	r.handleV1(http.MethodGet, j+"/:job_id/download/:artifact", identity.Authenticated, s.v1JobDownload)
	r.handleV1(http.MethodGet, "/api/v1/verify/:code", identity.Public, s.v1VerifyCode)
	r.handleV1(http.MethodGet, "/api/v1/verify/ref/:code", identity.Public, s.v1VerifyRef)
	r.handleV1(http.MethodPost, "/api/v1/verify/qr", identity.Public, s.v1VerifyQR)
	r.handleV1(http.MethodGet, "/api/v1/verify/campaign/:campaign_id/stats", identity.Authenticated, s.v1CampaignStats)
	r.handleV1(http.MethodGet, "/api/v1/verify/campaign/:campaign_id/offline", identity.Authenticated, s.v1CampaignOffline)
	r.handleV1(http.MethodPost, "/api/v1/distribution/events", identity.Authenticated, s.v1DistributionEvents)
}

// campaignActor returns the service and the caller, or renders 503/401.
func (s *server) campaignActor(c *gin.Context) (*campaignsvc.Service, campaignsvc.Actor, bool) {
	if s.campaigns == nil {
		fail(c, errCampaignsUnavailable)
		return nil, campaignsvc.Actor{}, false
	}
	p, ok := v1Principal(c)
	if !ok {
		return nil, campaignsvc.Actor{}, false
	}
	return s.campaigns, campaignsvc.Actor{ProgrammeID: p.ProgrammeID, UserID: p.UserID, Role: p.Role, IsAdmin: p.IsAdmin,
		IP: c.ClientIP(), UserAgent: c.Request.UserAgent()}, true
}

type campaignIn struct {
	Name             string `json:"name"`
	CampaignType     string `json:"campaign_type"`
	Prefix           string `json:"prefix"`
	Language         string `json:"language"`
	TemplateID       string `json:"template_id"`
	Description      string `json:"description"`
	TargetPopulation *int64 `json:"target_population"`
	RegionCode       string `json:"region_code"`
	DosesPlanned     *int64 `json:"doses_planned"`
	BudgetFCFA       *int64 `json:"budget_fcfa"`
}

type campaignJobOut struct {
	JobID          string `json:"job_id"`
	Status         string `json:"status"`
	CardsGenerated int64  `json:"cards_generated"`
	CreatedAt      string `json:"created_at"`
}

type campaignOut struct {
	ID               string           `json:"id"`
	ProgrammeID      string           `json:"programme_id"`
	Name             string           `json:"name"`
	CampaignType     string           `json:"campaign_type"`
	Prefix           string           `json:"prefix"`
	Language         string           `json:"language"`
	TemplateID       string           `json:"template_id"`
	Description      string           `json:"description"`
	Status           string           `json:"status"`
	TotalCards       int64            `json:"total_cards"`
	Archived         bool             `json:"archived"`
	TargetPopulation *int64           `json:"target_population"`
	RegionCode       *string          `json:"region_code"`
	DosesPlanned     *int64           `json:"doses_planned"`
	BudgetFCFA       *int64           `json:"budget_fcfa"`
	CreatedAt        string           `json:"created_at"`
	UpdatedAt        string           `json:"updated_at"`
	Jobs             []campaignJobOut `json:"jobs,omitempty"`
}

func toCampaignOut(c campaign.Campaign) campaignOut {
	out := campaignOut{ID: c.ID, ProgrammeID: c.ProgrammeID, Name: c.Name, CampaignType: string(c.Type), Prefix: c.Prefix,
		Language: c.Language, TemplateID: c.TemplateID, Description: c.Description, Status: c.Status, TotalCards: c.TotalCards,
		Archived: c.Archived, TargetPopulation: c.TargetPopulation, DosesPlanned: c.DosesPlanned, BudgetFCFA: c.BudgetFCFA,
		CreatedAt: billingTime(c.CreatedAt), UpdatedAt: billingTime(c.UpdatedAt)}
	if c.RegionCode != "" {
		rc := c.RegionCode
		out.RegionCode = &rc
	}
	return out
}

func (s *server) v1CreateCampaign(c *gin.Context) {
	svc, a, ok := s.campaignActor(c)
	if !ok {
		return
	}
	var in campaignIn
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	camp, err := svc.CreateCampaign(c.Request.Context(), a, campaignsvc.CampaignInput{Name: in.Name, Type: in.CampaignType, Prefix: in.Prefix,
		Language: in.Language, TemplateID: in.TemplateID, Description: in.Description, TargetPopulation: in.TargetPopulation,
		RegionCode: in.RegionCode, DosesPlanned: in.DosesPlanned, BudgetFCFA: in.BudgetFCFA})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, toCampaignOut(camp))
}

type campaignListOut struct {
	Total  int           `json:"total"`
	Limit  int           `json:"limit"`
	Offset int           `json:"offset"`
	Items  []campaignOut `json:"items"`
}

// timeQuery reads an optional RFC 3339 or YYYY-MM-DD query parameter.
func timeQuery(c *gin.Context, name string) (*time.Time, error) {
	v := c.Query(name)
	if v == "" {
		return nil, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return &t, nil
		}
	}
	return nil, fault.Field(name, "request.invalid_query", name+" must be a date (YYYY-MM-DD) or an RFC 3339 time")
}

func (s *server) v1Campaigns(c *gin.Context) {
	svc, a, ok := s.campaignActor(c)
	if !ok {
		return
	}
	limit, offset, ok := pageQuery(c)
	if !ok {
		return
	}
	from, err := timeQuery(c, "from")
	if err != nil {
		fail(c, err)
		return
	}
	to, err := timeQuery(c, "to")
	if err != nil {
		fail(c, err)
		return
	}
	pg, err := svc.Campaigns(c.Request.Context(), a, campaignsvc.CampaignQuery{Status: c.Query("status"), Type: c.Query("campaign_type"),
		ProgrammeID: c.Query("programme_id"), Prefix: c.Query("prefix"), From: from, To: to,
		IncludeArchived: c.Query("include_archived") == "true", Limit: limit, Offset: offset})
	if err != nil {
		fail(c, err)
		return
	}
	out := campaignListOut{Total: pg.Total, Limit: pg.Limit, Offset: pg.Offset, Items: make([]campaignOut, len(pg.Items))}
	for i, it := range pg.Items {
		out.Items[i] = toCampaignOut(it)
	}
	c.JSON(http.StatusOK, out)
}

func (s *server) v1Campaign(c *gin.Context) {
	svc, a, ok := s.campaignActor(c)
	if !ok {
		return
	}
	camp, jobs, err := svc.Campaign(c.Request.Context(), a, c.Param("campaign_id"))
	if err != nil {
		fail(c, err)
		return
	}
	out := toCampaignOut(camp)
	out.Jobs = make([]campaignJobOut, len(jobs))
	for i, j := range jobs {
		out.Jobs[i] = campaignJobOut{JobID: j.ID, Status: string(j.Status), CardsGenerated: j.CardsGenerated, CreatedAt: billingTime(j.CreatedAt)}
	}
	c.JSON(http.StatusOK, out)
}

type campaignPatchIn struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
}

func (s *server) v1PatchCampaign(c *gin.Context) {
	svc, a, ok := s.campaignActor(c)
	if !ok {
		return
	}
	var raw map[string]any
	var in campaignPatchIn
	if err := bindJSON(c, &raw, true); err != nil {
		fail(c, err)
		return
	}
	for k := range raw {
		switch k {
		case "name", "description":
		case "campaign_type", "prefix":
			fail(c, fault.Field(k, "campaign.immutable", k+" cannot be changed after creation"))
			return
		default:
			fail(c, fault.Field(k, "campaign.not_patchable", "only name and description can be changed"))
			return
		}
	}
	for k, v := range raw {
		str, isStr := v.(string)
		if !isStr {
			fail(c, fault.Field(k, "request.invalid_type", k+" must be a string"))
			return
		}
		if k == "name" {
			in.Name = &str
		} else {
			in.Description = &str
		}
	}
	camp, err := svc.UpdateCampaign(c.Request.Context(), a, c.Param("campaign_id"), campaignsvc.CampaignPatch{Name: in.Name, Description: in.Description})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toCampaignOut(camp))
}

func (s *server) v1ArchiveCampaign(c *gin.Context) {
	svc, a, ok := s.campaignActor(c)
	if !ok {
		return
	}
	if _, err := svc.SetArchived(c.Request.Context(), a, c.Param("campaign_id"), true); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *server) v1RestoreCampaign(c *gin.Context) {
	svc, a, ok := s.campaignActor(c)
	if !ok {
		return
	}
	camp, err := svc.SetArchived(c.Request.Context(), a, c.Param("campaign_id"), false)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toCampaignOut(camp))
}

type beneficiaryIn struct {
	FirstName     string `json:"first_name"`
	LastName      string `json:"last_name"`
	DateOfBirth   string `json:"date_of_birth"`
	BeneficiaryID string `json:"beneficiary_id"`
	PhoneNumber   string `json:"phone_number"`
}

type jobIn struct {
	Beneficiaries []beneficiaryIn `json:"beneficiaries"`
	DPI           int             `json:"dpi"`
	IncludeMPIID  *bool           `json:"include_mpi_id"`
}

type artifactsOut struct {
	PDFURL                *string `json:"pdf_url"`
	ZipURL                *string `json:"zip_url"`
	VerificationPortalURL *string `json:"verification_portal_url"`
	ManifestURL           string  `json:"manifest_url"`
	RegistryURL           string  `json:"registry_url"`
}

type jobOut struct {
	JobID          string        `json:"job_id"`
	CampaignID     string        `json:"campaign_id"`
	ProgrammeID    string        `json:"programme_id"`
	Status         string        `json:"status"`
	Progress       int           `json:"progress"`
	CardsGenerated int64         `json:"cards_generated"`
	TotalCards     int64         `json:"total_cards"`
	ETASeconds     int64         `json:"eta_seconds"`
	DPI            int           `json:"dpi"`
	RenderScale    float64       `json:"render_scale"`
	TotalLots      int           `json:"total_lots"`
	IncludeMPIID   bool          `json:"include_mpi_id"`
	Cost           int64         `json:"cost"`
	QuotaConsumed  int64         `json:"quota_consumed"`
	QuotaRefunded  int64         `json:"quota_refunded"`
	Error          *string       `json:"error"`
	CreatedAt      string        `json:"created_at"`
	StartedAt      *string       `json:"started_at"`
	CompletedAt    *string       `json:"completed_at"`
	FailedAt       *string       `json:"failed_at"`
	CancelledAt    *string       `json:"cancelled_at"`
	Artifacts      *artifactsOut `json:"artifacts,omitempty"`
}

func toJobOut(j campaign.Job) jobOut {
	out := jobOut{JobID: j.ID, CampaignID: j.CampaignID, ProgrammeID: j.ProgrammeID, Status: string(j.Status), Progress: j.Progress,
		CardsGenerated: j.CardsGenerated, TotalCards: j.TotalCards, ETASeconds: j.ETASeconds, DPI: j.DPI, RenderScale: j.RenderScale,
		TotalLots: j.TotalLots, IncludeMPIID: j.IncludeMPIID, Cost: j.CostFCFA, QuotaConsumed: j.QuotaConsumed, QuotaRefunded: j.QuotaRefunded,
		CreatedAt: billingTime(j.CreatedAt), StartedAt: billingTimePtr(j.StartedAt), CompletedAt: billingTimePtr(j.CompletedAt),
		FailedAt: billingTimePtr(j.FailedAt), CancelledAt: billingTimePtr(j.CancelledAt)}
	if j.ErrorMessage != "" {
		msg := j.ErrorMessage
		out.Error = &msg
	}
	if j.Status == campaign.JobCompleted {
		base := "/api/v1/jobs/" + j.ID + "/download/"
		out.Artifacts = &artifactsOut{ManifestURL: base + "manifest", RegistryURL: base + "registry"}
	}
	return out
}

func (s *server) v1CreateJob(c *gin.Context) {
	svc, a, ok := s.campaignActor(c)
	if !ok {
		return
	}
	var in jobIn
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	rows := make([]campaign.Beneficiary, len(in.Beneficiaries))
	for i, b := range in.Beneficiaries {
		rows[i] = campaign.Beneficiary{FirstName: b.FirstName, LastName: b.LastName, DateOfBirth: b.DateOfBirth,
			BeneficiaryID: b.BeneficiaryID, PhoneNumber: b.PhoneNumber}
	}
	j, err := svc.CreateJob(c.Request.Context(), a, c.Param("campaign_id"), campaignsvc.JobInput{Beneficiaries: rows, DPI: in.DPI, IncludeMPIID: in.IncludeMPIID})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, toJobOut(j))
}

type jobListOut struct {
	Total  int      `json:"total"`
	Limit  int      `json:"limit"`
	Offset int      `json:"offset"`
	Items  []jobOut `json:"items"`
}

func (s *server) v1Jobs(c *gin.Context) {
	svc, a, ok := s.campaignActor(c)
	if !ok {
		return
	}
	limit, offset, ok := pageQuery(c)
	if !ok {
		return
	}
	pg, err := svc.Jobs(c.Request.Context(), a, campaignsvc.JobQuery{CampaignID: c.Query("campaign_id"), Status: c.Query("status"), Limit: limit, Offset: offset})
	if err != nil {
		fail(c, err)
		return
	}
	out := jobListOut{Total: pg.Total, Limit: pg.Limit, Offset: pg.Offset, Items: make([]jobOut, len(pg.Items))}
	for i, j := range pg.Items {
		out.Items[i] = toJobOut(j)
	}
	c.JSON(http.StatusOK, out)
}

func (s *server) v1Job(c *gin.Context) {
	svc, a, ok := s.campaignActor(c)
	if !ok {
		return
	}
	j, err := svc.Job(c.Request.Context(), a, c.Param("job_id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toJobOut(j))
}

type estimateOut struct {
	JobID            string  `json:"job_id"`
	TotalCards       int64   `json:"total_cards"`
	DPI              int     `json:"dpi"`
	RenderScale      float64 `json:"render_scale"`
	FreeCards        int64   `json:"free_cards"`
	BilledCards      int64   `json:"billed_cards"`
	UnitPriceFCFA    int64   `json:"unit_price_fcfa"`
	ExpectedCostFCFA int64   `json:"expected_cost_fcfa"`
	BalanceFCFA      int64   `json:"balance_fcfa"`
	CanLaunch        bool    `json:"can_launch"`
	BlockedCode      *string `json:"blocked_code"`
	Description      string  `json:"description"`
	ETASeconds       int64   `json:"eta_seconds"`
}

func (s *server) v1JobEstimate(c *gin.Context) {
	svc, a, ok := s.campaignActor(c)
	if !ok {
		return
	}
	e, err := svc.Estimate(c.Request.Context(), a, c.Param("job_id"))
	if err != nil {
		fail(c, err)
		return
	}
	out := estimateOut{JobID: e.Job.ID, TotalCards: e.Job.TotalCards, DPI: e.Job.DPI, RenderScale: e.Job.RenderScale, FreeCards: e.Quote.Free,
		BilledCards: e.Quote.Billed, UnitPriceFCFA: e.Quote.UnitPriceFCFA, ExpectedCostFCFA: e.Quote.CostFCFA, BalanceFCFA: e.BalanceFCFA,
		CanLaunch: e.Blocked == nil, Description: e.Quote.Description, ETASeconds: e.ETASeconds}
	if e.Blocked != nil {
		code := e.Blocked.Code
		out.BlockedCode = &code
	}
	c.JSON(http.StatusOK, out)
}

func (s *server) v1CancelJob(c *gin.Context) {
	svc, a, ok := s.campaignActor(c)
	if !ok {
		return
	}
	j, err := svc.CancelJob(c.Request.Context(), a, c.Param("job_id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toJobOut(j))
}

func (s *server) v1JobDownload(c *gin.Context) {
	svc, a, ok := s.campaignActor(c)
	if !ok {
		return
	}
	name := c.Param("artifact")
	raw, err := svc.Artifact(c.Request.Context(), a, c.Param("job_id"), name)
	if err != nil {
		fail(c, err)
		return
	}
	file := "manifest.json"
	if name == campaignsvc.ArtifactRegistry {
		file = "registry.json"
	}
	c.Header("Content-Disposition", `attachment; filename="`+file+`"`)
	c.Data(http.StatusOK, "application/json", raw)
}

type verifyOut struct {
	Valid        bool   `json:"valid"`
	Status       string `json:"status"`
	CardCode     string `json:"card_code"`
	CampaignID   string `json:"campaign_id"`
	Campaign     string `json:"campaign"`
	CampaignName string `json:"campaign_name"`
	IssuedAt     string `json:"issued_at"`
	VerifiedAt   string `json:"verified_at"`
	Channel      string `json:"channel"`
}

func (s *server) renderVerification(c *gin.Context, v campaignsvc.Verification, err error) {
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, verifyOut{Valid: v.Valid, Status: v.Status, CardCode: v.CardCode, CampaignID: v.CampaignID, Campaign: v.Prefix,
		CampaignName: v.CampaignName, IssuedAt: billingTime(v.IssuedAt), VerifiedAt: billingTime(v.VerifiedAt), Channel: v.Channel})
}

func (s *server) v1VerifyCode(c *gin.Context) {
	if s.campaigns == nil {
		fail(c, errCampaignsUnavailable)
		return
	}
	v, err := s.campaigns.VerifyCode(c.Request.Context(), c.Param("code"))
	s.renderVerification(c, v, err)
}

func (s *server) v1VerifyRef(c *gin.Context) {
	if s.campaigns == nil {
		fail(c, errCampaignsUnavailable)
		return
	}
	v, err := s.campaigns.VerifyRef(c.Request.Context(), c.Param("code"))
	s.renderVerification(c, v, err)
}

type verifyQRIn struct {
	Payload string `json:"payload"`
}

func (s *server) v1VerifyQR(c *gin.Context) {
	if s.campaigns == nil {
		fail(c, errCampaignsUnavailable)
		return
	}
	var in verifyQRIn
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	v, err := s.campaigns.VerifyToken(c.Request.Context(), in.Payload)
	s.renderVerification(c, v, err)
}

type campaignStatsOut struct {
	CampaignID          string  `json:"campaign_id"`
	TotalCards          int64   `json:"total_cards"`
	VerifiedCards       int64   `json:"verified_cards"`
	VerificationRate    float64 `json:"verification_rate"`
	FirstVerificationAt *string `json:"first_verification_at"`
	LastVerificationAt  *string `json:"last_verification_at"`
}

func (s *server) v1CampaignStats(c *gin.Context) {
	svc, a, ok := s.campaignActor(c)
	if !ok {
		return
	}
	st, err := svc.Stats(c.Request.Context(), a, c.Param("campaign_id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, campaignStatsOut{CampaignID: st.CampaignID, TotalCards: st.Stats.TotalCards, VerifiedCards: st.Stats.VerifiedCards,
		VerificationRate: st.VerificationRate, FirstVerificationAt: billingTimePtr(st.Stats.First), LastVerificationAt: billingTimePtr(st.Stats.Last)})
}

func (s *server) v1CampaignOffline(c *gin.Context) {
	svc, a, ok := s.campaignActor(c)
	if !ok {
		return
	}
	raw, err := svc.OfflineRegistry(c.Request.Context(), a, c.Param("campaign_id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="registry.json"`)
	c.Data(http.StatusOK, "application/json", raw)
}

type distributionEventIn struct {
	ClientEventID string `json:"client_event_id"`
	CampaignID    string `json:"campaign_id"`
	Region        string `json:"region"`
	Channel       string `json:"channel"`
	EventType     string `json:"event_type"`
	Count         int64  `json:"count"`
}

type distributionIn struct {
	Events []distributionEventIn `json:"events"`
}

type distributionOut struct {
	Accepted   int `json:"accepted"`
	Duplicates int `json:"duplicates"`
}

func (s *server) v1DistributionEvents(c *gin.Context) {
	svc, a, ok := s.campaignActor(c)
	if !ok {
		return
	}
	var in distributionIn
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	events := make([]campaignsvc.EventInput, len(in.Events))
	for i, e := range in.Events {
		events[i] = campaignsvc.EventInput(e)
	}
	res, err := svc.IngestEvents(c.Request.Context(), a, events)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, distributionOut{Accepted: res.Accepted, Duplicates: res.Duplicates})
}
