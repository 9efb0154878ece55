package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/kente-gov/kente/app/auditsvc"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/ports"
)

// registerAudit adds the audit-log endpoints shared by both API families
// (openapi/audit.yaml).
func registerAudit(r *router, s *server) {
	r.handle(http.MethodGet, "/api/admin/audit", identity.Admin, s.listAudit)
	r.handle(http.MethodGet, "/api/admin/audit/verify", identity.SuperAdmin, s.verifyAudit)
}

var errAuditUnavailable = fault.New(fault.Unavailable, "audit.unavailable", "The audit log is not configured")

type auditEntry struct {
	ID        string          `json:"id"`
	Seq       int64           `json:"seq"`
	UserID    string          `json:"userId"`
	UserName  string          `json:"userName"`
	Action    string          `json:"action"`
	Resource  string          `json:"resource"`
	TargetID  string          `json:"targetId"`
	Outcome   string          `json:"outcome"`
	Details   json.RawMessage `json:"details"`
	IP        string          `json:"ip"`
	UserAgent string          `json:"userAgent"`
	CreatedAt string          `json:"createdAt"`
}

type auditListResponse struct {
	Entries    []auditEntry `json:"entries"`
	Total      int          `json:"total"`
	Page       int          `json:"page"`
	TotalPages int          `json:"totalPages"`
}

type auditVerifyResponse struct {
	Valid       bool    `json:"valid"`
	Checked     int64   `json:"checked"`
	BrokenAtSeq *int64  `json:"brokenAtSeq"`
	Reason      *string `json:"reason"`
}

// emptyObject is the details of a record stored without any.
var emptyObject = json.RawMessage(`{}`)

func (s *server) listAudit(c *gin.Context) {
	if s.audit == nil {
		fail(c, errAuditUnavailable)
		return
	}
	f, page, err := auditQuery(c)
	if err != nil {
		fail(c, err)
		return
	}
	p, err := s.audit.List(c.Request.Context(), f, page)
	if err != nil {
		fail(c, err)
		return
	}
	out := auditListResponse{Entries: make([]auditEntry, len(p.Records)), Total: p.Total, Page: p.Page, TotalPages: p.TotalPages}
	for i, r := range p.Records {
		details := r.Details
		if len(bytes.TrimSpace(details)) == 0 {
			details = emptyObject
		}
		out.Entries[i] = auditEntry{
			ID: r.ID, Seq: r.Seq, UserID: r.ActorID, UserName: p.UserNames[r.ActorID],
			Action: r.Action, Resource: r.TargetType, TargetID: r.TargetID, Outcome: string(r.Outcome),
			Details: details, IP: identity.MaskIP(r.IP), UserAgent: r.UserAgent, CreatedAt: timestamp(r.At),
		}
	}
	c.JSON(http.StatusOK, out)
}

// auditQuery reads the list filters: page and limit (validated by the
// service), userId, action, startDate and endDate. A date (YYYY-MM-DD, UTC)
// as startDate starts at its midnight; as endDate it includes the whole
// day. An RFC 3339 endDate includes that instant. A malformed value is
// fault.Invalid naming the parameter.
func auditQuery(c *gin.Context) (ports.AuditFilter, int, error) {
	var f ports.AuditFilter
	page, err := intParam(c, "page", 1)
	if err != nil {
		return f, 0, err
	}
	if f.Limit, err = intParam(c, "limit", auditsvc.DefaultLimit); err != nil {
		return f, 0, err
	}
	if f.Limit == 0 {
		return f, 0, fault.Field("limit", "request.invalid_query", "limit must be between 1 and 100")
	}
	if f.ActorID, err = textParam(c, "userId"); err != nil {
		return f, 0, err
	}
	if f.Action, err = textParam(c, "action"); err != nil {
		return f, 0, err
	}
	if v := c.Query("startDate"); v != "" {
		t, _, ok := parseDate(v)
		if !ok {
			return f, 0, fault.Field("startDate", "request.invalid_query", "startDate must be a date (YYYY-MM-DD) or an RFC 3339 time")
		}
		f.From = t
	}
	if v := c.Query("endDate"); v != "" {
		t, dateOnly, ok := parseDate(v)
		if !ok {
			return f, 0, fault.Field("endDate", "request.invalid_query", "endDate must be a date (YYYY-MM-DD) or an RFC 3339 time")
		}
		if dateOnly {
			f.To = t.AddDate(0, 0, 1) // the whole day
		} else {
			f.To = t.Add(time.Microsecond) // inclusive of the instant, at stored precision
		}
	}
	return f, page, nil
}

// intParam reads an optional decimal query parameter; def when absent.
func intParam(c *gin.Context, name string, def int) (int, error) {
	v, ok := c.GetQuery(name)
	if !ok || v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fault.Field(name, "request.invalid_query", name+" must be an integer")
	}
	return n, nil
}

// maxTextParam bounds free-text filters; no stored value is longer.
const maxTextParam = 128

// textParam reads an optional text query parameter.
func textParam(c *gin.Context, name string) (string, error) {
	v := strings.TrimSpace(c.Query(name))
	if len(v) > maxTextParam || strings.IndexByte(v, 0) >= 0 || !utf8.ValidString(v) {
		return "", fault.Field(name, "request.invalid_query", name+" must be valid text of at most 128 bytes")
	}
	return v, nil
}

// parseDate accepts YYYY-MM-DD (midnight UTC; dateOnly) or RFC 3339.
func parseDate(v string) (t time.Time, dateOnly, ok bool) {
	if d, err := time.Parse(time.DateOnly, v); err == nil {
		return d.UTC(), true, true
	}
	if d, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return d.UTC(), false, true
	}
	return time.Time{}, false, false
}

func (s *server) verifyAudit(c *gin.Context) {
	if s.audit == nil {
		fail(c, errAuditUnavailable)
		return
	}
	res, err := s.audit.Verify(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	out := auditVerifyResponse{Valid: res.Break == nil, Checked: res.Checked}
	if b := res.Break; b != nil {
		seq, reason := b.Seq, b.Reason
		out.BrokenAtSeq, out.Reason = &seq, &reason
	}
	c.JSON(http.StatusOK, out)
}
