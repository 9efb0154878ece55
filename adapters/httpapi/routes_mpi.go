package httpapi

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/kente-gov/kente/app/mpisvc"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/core/mpi"
	"github.com/kente-gov/kente/ports"
)

// Premium module keys of the MPI routes (platform §7.4, §15.20).
const (
	moduleMPI   = "mpi_registry"
	moduleTrust = "trust_score"
)

// registerMPI adds the Oomus master patient index (platform §6.2) and the
// Health Trust Score (enterprise modules, module 3) routes
// (openapi/mpi.yaml). Every route is scoped to the caller's programme.
func registerMPI(r *router, s *server) {
	r.handleV1(http.MethodPost, "/api/v1/mpi/register", identity.Authenticated, s.mpiRegister, withModule(moduleMPI))
	r.handleV1(http.MethodGet, "/api/v1/mpi/search", identity.Authenticated, s.mpiSearch, withModule(moduleMPI))
	r.handleV1(http.MethodPost, "/api/v1/mpi/match", identity.Authenticated, s.mpiMatch, withModule(moduleMPI))
	r.handleV1(http.MethodPost, "/api/v1/mpi/merge", identity.Authenticated, s.mpiMerge, withModule(moduleMPI))
	r.handleV1(http.MethodGet, "/api/v1/mpi/resolve-dhis2/:dhis2_uid", identity.Authenticated, s.mpiResolveDHIS2, withModule(moduleMPI))
	r.handleV1(http.MethodGet, "/api/v1/mpi/trust/me", identity.Authenticated, s.trustMe, withModule(moduleTrust))
	r.handleV1(http.MethodPost, "/api/v1/mpi/trust/admin/recompute", identity.Admin, s.trustRecompute)
	r.handleV1(http.MethodGet, "/api/v1/mpi/trust/:mpi_id", identity.Authenticated, s.trustGet, withModule(moduleTrust))
	r.handleV1(http.MethodPost, "/api/v1/mpi/trust/:mpi_id/compute", identity.Authenticated, s.trustCompute, withModule(moduleTrust))
	r.handleV1(http.MethodGet, "/api/v1/mpi/trust/:mpi_id/history", identity.Authenticated, s.trustHistory, withModule(moduleTrust))
	r.handleV1(http.MethodGet, "/api/v1/mpi/trust/:mpi_id/risks", identity.Authenticated, s.trustRisks, withModule(moduleTrust))
	r.handleV1(http.MethodGet, "/api/v1/mpi/:mpi_id", identity.Authenticated, s.mpiGet, withModule(moduleMPI))
	r.handleV1(http.MethodPatch, "/api/v1/mpi/:mpi_id", identity.Authenticated, s.mpiPatch, withModule(moduleMPI))
	r.handleV1(http.MethodPost, "/api/v1/mpi/:mpi_id/link-dhis2", identity.Authenticated, s.mpiLinkDHIS2, withModule(moduleMPI))
	r.handleV1(http.MethodGet, "/api/v1/mpi/:mpi_id/card", identity.Authenticated, s.mpiCard, withModule(moduleMPI))
	r.handleV1(http.MethodGet, "/api/v1/mpi/verify/:token", identity.Public, s.mpiVerifyCard)
	r.handleV1(http.MethodPost, "/api/v1/mpi/admin/:mpi_id/verify", identity.Admin, s.mpiAdminVerify)
	r.handleV1(http.MethodGet, "/api/v1/mpi/admin/stats/global", identity.Admin, s.mpiAdminStats)
	r.handleV1(http.MethodGet, "/api/v1/mpi/admin/all", identity.Admin, s.mpiAdminAll)
	r.handleV1(http.MethodGet, "/api/v1/mpi/admin/federation/search", identity.Admin, s.mpiAdminAll)
	r.handleV1(http.MethodGet, "/api/v1/mpi/admin/federation/duplicates", identity.Admin, s.mpiFederationDuplicates)
	r.handleV1(http.MethodPost, "/api/v1/mpi/admin/federation/link", identity.Admin, s.mpiFederationLink)
	// One wildcard name for both methods: OpenAPI forbids two templated
	// paths differing only in a parameter's name, so GET reads :id as an
	// MPI id and DELETE as a link id (§6.2 names them mpi_id and link_id).
	r.handleV1(http.MethodGet, "/api/v1/mpi/admin/federation/links/:id", identity.Admin, s.mpiFederationLinks)
	r.handleV1(http.MethodDelete, "/api/v1/mpi/admin/federation/links/:id", identity.Admin, s.mpiFederationUnlink)
}

var errMPIUnavailable = fault.New(fault.Unavailable, "mpi.unavailable", "The master patient index is not configured")

// mpiCaller returns the service and the caller's principal, or renders
// 503/401.
func (s *server) mpiCaller(c *gin.Context) (string, string, bool) {
	if s.mpi == nil {
		fail(c, errMPIUnavailable)
		return "", "", false
	}
	p, ok := v1Principal(c)
	return p.ProgrammeID, p.UserID, ok
}

type mpiRecordOut struct {
	MPIID       string            `json:"mpi_id"`
	FirstName   string            `json:"first_name"`
	LastName    string            `json:"last_name"`
	DateOfBirth *string           `json:"date_of_birth"`
	Gender      string            `json:"gender"`
	RegionCode  string            `json:"region_code"`
	District    string            `json:"district"`
	CountryCode string            `json:"country_code"`
	PhoneNumber *string           `json:"phone_number"`
	ExternalIDs map[string]string `json:"external_ids"`
	Programmes  []programmeLinkV1 `json:"programmes"`
	Status      string            `json:"status"`
	IsVerified  bool              `json:"is_verified"`
	VerifiedBy  *string           `json:"verified_by"`
	MergedInto  *string           `json:"merged_into"`
	CreatedAt   string            `json:"created_at"`
	UpdatedAt   string            `json:"updated_at"`
}

type programmeLinkV1 struct {
	ProgrammeType string `json:"programme_type"`
	LinkedAt      string `json:"linked_at"`
}

func mpiTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func mpiOptional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func dobOf(r mpi.Record) *string {
	if r.DateOfBirth.IsZero() {
		return nil
	}
	return mpiOptional(r.DateOfBirth.Format("2006-01-02"))
}

func toMPIRecordOut(r mpi.Record) mpiRecordOut {
	ext := r.ExternalIDs
	if ext == nil {
		ext = map[string]string{}
	}
	progs := make([]programmeLinkV1, 0, len(r.Programmes))
	for _, p := range r.Programmes {
		progs = append(progs, programmeLinkV1{ProgrammeType: p.ProgrammeType, LinkedAt: mpiTime(p.LinkedAt)})
	}
	return mpiRecordOut{MPIID: r.MPIID, FirstName: r.FirstName, LastName: r.LastName, DateOfBirth: dobOf(r),
		Gender: string(r.Gender), RegionCode: r.RegionCode, District: r.District, CountryCode: r.CountryCode,
		PhoneNumber: mpiOptional(r.PhoneNumber), ExternalIDs: ext, Programmes: progs, Status: string(r.Status),
		IsVerified: r.IsVerified, VerifiedBy: mpiOptional(r.VerifiedBy), MergedInto: mpiOptional(r.MergedInto),
		CreatedAt: mpiTime(r.CreatedAt), UpdatedAt: mpiTime(r.UpdatedAt)}
}

type mpiDemographics struct {
	FirstName   string            `json:"first_name"`
	LastName    string            `json:"last_name"`
	DateOfBirth string            `json:"date_of_birth"`
	Gender      string            `json:"gender"`
	RegionCode  string            `json:"region_code"`
	District    string            `json:"district"`
	CountryCode string            `json:"country_code"`
	PhoneNumber string            `json:"phone_number"`
	ExternalIDs map[string]string `json:"external_ids"`
	ForceCreate bool              `json:"force_create"`
}

func (q mpiDemographics) registration(actor string) mpisvc.Registration {
	return mpisvc.Registration{FirstName: q.FirstName, LastName: q.LastName, DateOfBirth: q.DateOfBirth, Gender: q.Gender,
		RegionCode: q.RegionCode, District: q.District, CountryCode: q.CountryCode, PhoneNumber: q.PhoneNumber,
		ExternalIDs: q.ExternalIDs, ForceCreate: q.ForceCreate, ActorID: actor}
}

func (s *server) mpiRegister(c *gin.Context) {
	prog, user, ok := s.mpiCaller(c)
	if !ok {
		return
	}
	var in mpiDemographics
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	out, err := s.mpi.Register(c.Request.Context(), prog, in.registration(user))
	if err != nil {
		fail(c, err)
		return
	}
	confidence := "new_identity"
	if out.Forced {
		confidence = "forced"
	}
	c.JSON(http.StatusCreated, gin.H{"mpi_id": out.Record.MPIID, "status": "created", "confidence": confidence,
		"created_at": mpiTime(out.Record.CreatedAt)})
}

func queryInt(c *gin.Context, name string, def int) (int, error) {
	v := c.Query(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fault.Field(name, "mpi.invalid_"+name, name+" must be an integer")
	}
	return n, nil
}

func (s *server) mpiSearch(c *gin.Context) {
	prog, _, ok := s.mpiCaller(c)
	if !ok {
		return
	}
	limit, err := queryInt(c, "limit", 20)
	if err != nil {
		fail(c, err)
		return
	}
	offset, err := queryInt(c, "offset", 0)
	if err != nil {
		fail(c, err)
		return
	}
	if limit < 1 {
		fail(c, fault.Field("limit", "mpi.invalid_limit", "limit must be between 1 and 100"))
		return
	}
	recs, total, err := s.mpi.Search(c.Request.Context(), prog, ports.MPIFilter{Name: c.Query("q"), MPIID: c.Query("mpi_id"),
		RegionCode: c.Query("region_code"), DateOfBirth: c.Query("date_of_birth"), Limit: limit, Offset: offset})
	if err != nil {
		fail(c, err)
		return
	}
	items := make([]gin.H, 0, len(recs))
	for _, r := range recs {
		items = append(items, gin.H{"mpi_id": r.MPIID, "first_name": r.FirstName, "last_name": r.LastName,
			"date_of_birth": dobOf(r), "gender": string(r.Gender), "region_code": r.RegionCode,
			"programme_count": r.ActiveProgrammes(), "created_at": mpiTime(r.CreatedAt)})
	}
	c.JSON(http.StatusOK, gin.H{"total": total, "items": items})
}

func (s *server) mpiGet(c *gin.Context) {
	prog, _, ok := s.mpiCaller(c)
	if !ok {
		return
	}
	r, err := s.mpi.Get(c.Request.Context(), prog, c.Param("mpi_id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toMPIRecordOut(r))
}

type mpiPatchRequest struct {
	FirstName   *string           `json:"first_name"`
	LastName    *string           `json:"last_name"`
	DateOfBirth *string           `json:"date_of_birth"`
	Gender      *string           `json:"gender"`
	RegionCode  *string           `json:"region_code"`
	District    *string           `json:"district"`
	CountryCode *string           `json:"country_code"`
	PhoneNumber *string           `json:"phone_number"`
	ExternalIDs map[string]string `json:"external_ids"`
}

func (s *server) mpiPatch(c *gin.Context) {
	prog, user, ok := s.mpiCaller(c)
	if !ok {
		return
	}
	var in mpiPatchRequest
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	r, err := s.mpi.Patch(c.Request.Context(), prog, c.Param("mpi_id"), mpisvc.Patch{FirstName: in.FirstName,
		LastName: in.LastName, DateOfBirth: in.DateOfBirth, Gender: in.Gender, RegionCode: in.RegionCode,
		District: in.District, CountryCode: in.CountryCode, PhoneNumber: in.PhoneNumber, ExternalIDs: in.ExternalIDs, ActorID: user})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toMPIRecordOut(r))
}

func (s *server) mpiMatch(c *gin.Context) {
	prog, _, ok := s.mpiCaller(c)
	if !ok {
		return
	}
	var in mpiDemographics
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	cands, err := s.mpi.Match(c.Request.Context(), prog, in.registration(""))
	if err != nil {
		fail(c, err)
		return
	}
	out := make([]gin.H, 0, len(cands))
	for _, m := range cands {
		fields := m.Match.MatchedFields
		if fields == nil {
			fields = []string{}
		}
		out = append(out, gin.H{"mpi_id": m.MPIID, "similarity_score": roundScore(m.Match.Score),
			"matched_fields": fields, "confidence": string(m.Band)})
	}
	c.JSON(http.StatusOK, gin.H{"matches": out})
}

func roundScore(f float64) float64 { return float64(int(f*10000+0.5)) / 10000 }

type mpiMergeRequest struct {
	SourceMPIID string `json:"source_mpi_id"`
	TargetMPIID string `json:"target_mpi_id"`
	Reason      string `json:"reason"`
	KeepTarget  *bool  `json:"keep_target"`
}

func (s *server) mpiMerge(c *gin.Context) {
	prog, user, ok := s.mpiCaller(c)
	if !ok {
		return
	}
	var in mpiMergeRequest
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	switch {
	case in.SourceMPIID == "":
		fail(c, fault.Field("source_mpi_id", "mpi.invalid_id", "source_mpi_id is required"))
		return
	case in.TargetMPIID == "":
		fail(c, fault.Field("target_mpi_id", "mpi.invalid_id", "target_mpi_id is required"))
		return
	case in.KeepTarget != nil && !*in.KeepTarget:
		fail(c, fault.Field("keep_target", "mpi.keep_target", "the target always becomes canonical; keep_target must be true or omitted"))
		return
	}
	src, err := s.mpi.Get(c.Request.Context(), prog, in.SourceMPIID)
	if err != nil {
		fail(c, err)
		return
	}
	r, err := s.mpi.Merge(c.Request.Context(), prog, in.SourceMPIID, in.TargetMPIID, in.Reason, user)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"canonical_mpi_id": r.MPIID, "merged_mpi_id": in.SourceMPIID,
		"merged_at": mpiTime(r.UpdatedAt), "programmes_migrated": src.ActiveProgrammes()})
}

type linkDHIS2Request struct {
	DHIS2UID         string `json:"dhis2_uid"`
	DHIS2InstanceURL string `json:"dhis2_instance_url"`
}

func (s *server) mpiLinkDHIS2(c *gin.Context) {
	prog, _, ok := s.mpiCaller(c)
	if !ok {
		return
	}
	var in linkDHIS2Request
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	r, err := s.mpi.LinkDHIS2(c.Request.Context(), prog, c.Param("mpi_id"), in.DHIS2UID, in.DHIS2InstanceURL)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"mpi_id": r.MPIID, "dhis2_uid": in.DHIS2UID, "linked_at": mpiTime(r.UpdatedAt)})
}

func (s *server) mpiResolveDHIS2(c *gin.Context) {
	prog, _, ok := s.mpiCaller(c)
	if !ok {
		return
	}
	r, err := s.mpi.ResolveDHIS2(c.Request.Context(), prog, c.Param("dhis2_uid"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"dhis2_uid": c.Param("dhis2_uid"), "mpi_id": r.MPIID, "resolved_at": mpiTime(s.mpi.Now())})
}

func trustOut(t mpi.Trust) gin.H {
	return gin.H{"mpi_id": t.MPIID, "score": t.Score, "level": string(t.Level), "computed_at": mpiTime(t.ComputedAt),
		"components": gin.H{"kyc_verified": t.Components.KYCVerified, "has_nin": t.Components.HasNIN,
			"programmes_count": t.Components.ProgrammesCount}}
}

func (s *server) trustMe(c *gin.Context) {
	prog, user, ok := s.mpiCaller(c)
	if !ok {
		return
	}
	t, err := s.mpi.Me(c.Request.Context(), prog, user)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, trustOut(t))
}

func (s *server) trustGet(c *gin.Context) {
	prog, _, ok := s.mpiCaller(c)
	if !ok {
		return
	}
	t, err := s.mpi.Trust(c.Request.Context(), prog, c.Param("mpi_id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, trustOut(t))
}

func (s *server) trustCompute(c *gin.Context) {
	prog, _, ok := s.mpiCaller(c)
	if !ok {
		return
	}
	t, err := s.mpi.ComputeTrust(c.Request.Context(), prog, c.Param("mpi_id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"mpi_id": t.MPIID, "score": t.Score, "level": string(t.Level), "computed_at": mpiTime(t.ComputedAt)})
}

func (s *server) trustHistory(c *gin.Context) {
	prog, _, ok := s.mpiCaller(c)
	if !ok {
		return
	}
	h, err := s.mpi.TrustHistory(c.Request.Context(), prog, c.Param("mpi_id"), 100)
	if err != nil {
		fail(c, err)
		return
	}
	out := make([]gin.H, 0, len(h))
	for _, t := range h {
		out = append(out, gin.H{"score": t.Score, "level": string(t.Level), "computed_at": mpiTime(t.ComputedAt)})
	}
	c.JSON(http.StatusOK, gin.H{"history": out, "count": len(out)})
}

func (s *server) trustRisks(c *gin.Context) {
	prog, _, ok := s.mpiCaller(c)
	if !ok {
		return
	}
	risks, err := s.mpi.Risks(c.Request.Context(), prog, c.Param("mpi_id"))
	if err != nil {
		fail(c, err)
		return
	}
	out := make([]gin.H, 0, len(risks))
	for _, r := range risks {
		out = append(out, gin.H{"risk_type": string(r.Type), "severity": string(r.Severity), "description": r.Description,
			"detected_at": mpiTime(r.DetectedAt)})
	}
	c.JSON(http.StatusOK, gin.H{"risks": out, "count": len(out)})
}

type recomputeRequest struct {
	ProgrammeID string `json:"programme_id"`
}

// trustRecompute runs the batch recompute and waits for it, answering the
// seed's {recomputed, duration_ms}; the body may name another programme.
func (s *server) trustRecompute(c *gin.Context) {
	prog, _, ok := s.mpiCaller(c)
	if !ok {
		return
	}
	var in recomputeRequest
	if err := bindJSON(c, &in, false); err != nil {
		fail(c, err)
		return
	}
	if in.ProgrammeID != "" {
		prog = in.ProgrammeID
	}
	out, err := s.mpi.RecomputeAll(c.Request.Context(), prog)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"recomputed": out.Recomputed, "duration_ms": out.DurationMS})
}

func (s *server) mpiCard(c *gin.Context) {
	prog, _, ok := s.mpiCaller(c)
	if !ok {
		return
	}
	card, err := s.mpi.Card(c.Request.Context(), prog, c.Param("mpi_id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"mpi_id": card.MPIID, "card_code": card.CardCode, "campaign_id": nil,
		"status": card.Status, "issued_at": mpiTime(card.IssuedAt), "qr_token": card.Token})
}

// mpiVerifyCard answers the public card check (platform §6.2): the status,
// the number of active programmes and when it was checked, never a name,
// MPI id or birth date; 404 {status:"not_found", message}.
func (s *server) mpiVerifyCard(c *gin.Context) {
	if s.mpi == nil {
		fail(c, errMPIUnavailable)
		return
	}
	v, err := s.mpi.VerifyCard(c.Request.Context(), c.Param("token"))
	if fe, isF := fault.As(err); isF && fe.Kind == fault.NotFound {
		c.JSON(http.StatusNotFound, gin.H{"status": "not_found", "message": fe.Msg, "detail": fe.Msg, "code": fe.Code})
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	if v.Status != mpisvc.CardValid {
		c.JSON(http.StatusOK, gin.H{"status": v.Status, "verified_at": mpiTime(v.VerifiedAt)})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": v.Status, "programme_count": v.ProgrammesCount, "verified_at": mpiTime(v.VerifiedAt)})
}

type mpiAdminVerifyRequest struct {
	VerificationMethod string `json:"verification_method"`
	Notes              string `json:"notes"`
	ProgrammeID        string `json:"programme_id"`
}

// mpiAdminVerify sets is_verified and verified_by (KYC) on a record of the
// caller's programme, or of programme_id when given.
func (s *server) mpiAdminVerify(c *gin.Context) {
	prog, user, ok := s.mpiCaller(c)
	if !ok {
		return
	}
	var in mpiAdminVerifyRequest
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	if in.ProgrammeID != "" {
		prog = in.ProgrammeID
	}
	r, err := s.mpi.AdminVerify(c.Request.Context(), prog, c.Param("mpi_id"), in.VerificationMethod, in.Notes, user)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toMPIRecordOut(r))
}

// mpiAdminStats answers the registry-wide counts (platform §6.2).
func (s *server) mpiAdminStats(c *gin.Context) {
	if _, _, ok := s.mpiCaller(c); !ok {
		return
	}
	st, err := s.mpi.Stats(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	var verifications any = st.VerificationsLast30d
	if st.VerificationsLast30d < 0 {
		verifications = nil
	}
	c.JSON(http.StatusOK, gin.H{"total_records": st.TotalRecords, "verified_records": st.VerifiedRecords,
		"linked_records": st.LinkedRecords, "programmes_using_mpi": st.Programmes,
		"verifications_last_30d": verifications, "merge_operations_last_30d": st.MergesSince})
}

// mpiAdminAll lists the records of every programme: limit, offset,
// verified (true|false), programme_id, country, and q (name words); it is
// also the federation search (§6.2: q and country).
func (s *server) mpiAdminAll(c *gin.Context) {
	if _, _, ok := s.mpiCaller(c); !ok {
		return
	}
	limit, err := queryInt(c, "limit", 20)
	if err != nil {
		fail(c, err)
		return
	}
	offset, err := queryInt(c, "offset", 0)
	if err != nil {
		fail(c, err)
		return
	}
	if limit < 1 {
		fail(c, fault.Field("limit", "mpi.invalid_limit", "limit must be between 1 and 100"))
		return
	}
	f := ports.MPIAdminFilter{Name: c.Query("q"), ProgrammeID: c.Query("programme_id"),
		CountryCode: strings.ToUpper(c.Query("country")), Limit: limit, Offset: offset}
	if v := c.Query("verified"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			fail(c, fault.Field("verified", "mpi.invalid_verified", "verified must be true or false"))
			return
		}
		f.Verified = &b
	}
	recs, total, err := s.mpi.All(c.Request.Context(), f)
	if err != nil {
		fail(c, err)
		return
	}
	items := make([]gin.H, 0, len(recs))
	for _, r := range recs {
		items = append(items, gin.H{"mpi_id": r.MPIID, "programme_id": r.ProgrammeID, "first_name": r.FirstName,
			"last_name": r.LastName, "date_of_birth": dobOf(r), "gender": string(r.Gender), "region_code": r.RegionCode,
			"country_code": r.CountryCode, "status": string(r.Status), "is_verified": r.IsVerified,
			"programme_count": r.ActiveProgrammes(), "created_at": mpiTime(r.CreatedAt)})
	}
	c.JSON(http.StatusOK, gin.H{"total": total, "items": items})
}

// mpiPairRecord is one side of a federation duplicate pair.
func mpiPairRecord(r mpi.Record) gin.H {
	return gin.H{"mpi_id": r.MPIID, "programme_id": r.ProgrammeID, "first_name": r.FirstName, "last_name": r.LastName,
		"date_of_birth": dobOf(r), "gender": string(r.Gender), "region_code": r.RegionCode, "country_code": r.CountryCode}
}

// mpiFederationDuplicates lists cross-programme candidate pairs scoring at
// or above threshold, a percentage (§6.2 ?threshold=85; default the
// federation band of §15.13), with limit (1–100, 50) pairs per page and a
// cursor from the previous page's next_cursor.
func (s *server) mpiFederationDuplicates(c *gin.Context) {
	if _, _, ok := s.mpiCaller(c); !ok {
		return
	}
	var q mpisvc.DuplicatesQuery
	if v := c.Query("threshold"); v != "" {
		pct, err := strconv.ParseFloat(v, 64)
		if err != nil {
			fail(c, fault.Field("threshold", "mpi.invalid_threshold", "threshold must be a percentage between 0 and 100"))
			return
		}
		t, err := mpi.FederationThreshold(pct)
		if err != nil {
			fail(c, fault.Field("threshold", "mpi.invalid_threshold", "threshold must be a percentage between 0 and 100"))
			return
		}
		q.Threshold = &t
	}
	limit, err := queryInt(c, "limit", 50)
	if err != nil {
		fail(c, err)
		return
	}
	if limit < 1 {
		fail(c, fault.Field("limit", "mpi.invalid_limit", "limit must be between 1 and 100"))
		return
	}
	q.Limit = limit
	if v := c.Query("cursor"); v != "" {
		a, b, ok := strings.Cut(v, ",")
		if !ok || a == "" || b == "" || a >= b {
			fail(c, fault.Field("cursor", "mpi.invalid_cursor", "cursor must be a next_cursor of a previous page"))
			return
		}
		q.After = ports.MPIPair{A: a, B: b}
	}
	out, err := s.mpi.FederationDuplicates(c.Request.Context(), q)
	if err != nil {
		fail(c, err)
		return
	}
	items := make([]gin.H, 0, len(out.Pairs))
	for _, p := range out.Pairs {
		fields := p.Match.MatchedFields
		if fields == nil {
			fields = []string{}
		}
		items = append(items, gin.H{"source": mpiPairRecord(p.A), "target": mpiPairRecord(p.B),
			"similarity_score": roundScore(p.Match.Score), "matched_fields": fields})
	}
	var next *string
	if out.Next != (ports.MPIPair{}) {
		v := out.Next.A + "," + out.Next.B
		next = &v
	}
	c.JSON(http.StatusOK, gin.H{"threshold": roundScore(out.Threshold * 100), "items": items, "count": len(items),
		"scanned_pairs": out.Scanned, "next_cursor": next})
}

func federationLinkOut(l mpi.FederationLink) gin.H {
	return gin.H{"link_id": l.ID, "source_mpi_id": l.SourceMPIID, "source_programme_id": l.SourceProgrammeID,
		"target_mpi_id": l.TargetMPIID, "target_programme_id": l.TargetProgrammeID, "link_type": string(l.Type),
		"confidence": l.Confidence, "notes": l.Notes, "created_by": l.CreatedBy, "created_at": mpiTime(l.CreatedAt)}
}

type federationLinkRequest struct {
	SourceMPIID string   `json:"source_mpi_id"`
	TargetMPIID string   `json:"target_mpi_id"`
	LinkType    string   `json:"link_type"`
	Confidence  *float64 `json:"confidence"`
	Notes       string   `json:"notes"`
}

// mpiFederationLink links two records of any programmes; confidence is on
// the 0–1 linkage scale.
func (s *server) mpiFederationLink(c *gin.Context) {
	_, user, ok := s.mpiCaller(c)
	if !ok {
		return
	}
	var in federationLinkRequest
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	if in.Confidence == nil {
		fail(c, fault.Field("confidence", "mpi.invalid_confidence", "confidence is required, between 0 and 1"))
		return
	}
	l, err := s.mpi.Link(c.Request.Context(), mpisvc.FederationLinkInput{SourceMPIID: in.SourceMPIID, TargetMPIID: in.TargetMPIID,
		Type: in.LinkType, Confidence: *in.Confidence, Notes: in.Notes, ActorID: user})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, federationLinkOut(l))
}

// mpiFederationLinks lists the links of the record :id (any programme).
func (s *server) mpiFederationLinks(c *gin.Context) {
	if _, _, ok := s.mpiCaller(c); !ok {
		return
	}
	ls, err := s.mpi.Links(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	out := make([]gin.H, 0, len(ls))
	for _, l := range ls {
		out = append(out, federationLinkOut(l))
	}
	c.JSON(http.StatusOK, gin.H{"mpi_id": c.Param("id"), "links": out, "count": len(out)})
}

// mpiFederationUnlink removes the link :id; 204.
func (s *server) mpiFederationUnlink(c *gin.Context) {
	_, user, ok := s.mpiCaller(c)
	if !ok {
		return
	}
	if _, err := s.mpi.Unlink(c.Request.Context(), c.Param("id"), user); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
