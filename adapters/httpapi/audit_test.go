package httpapi_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/httpapi"
	"github.com/kente-gov/kente/adapters/httpapi/internal/memstore"
	"github.com/kente-gov/kente/app/auditsvc"
	"github.com/kente-gov/kente/core/audit"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/ports"
	"github.com/kente-gov/kente/test/testkit"
)

// lateUsers is a ports.UserStore bound after the env (and its store) exist.
type lateUsers struct{ ports.UserStore }

type auditEnv struct {
	*env
	log   *memstore.AuditLog
	audit *auditsvc.Service
	admin account // role admin
	super account // role super_admin
}

// newAuditEnv is newEnv with an audit service on an in-memory log, plus an
// admin and a super admin.
func newAuditEnv(t *testing.T) *auditEnv {
	t.Helper()
	a := &auditEnv{log: memstore.NewAuditLog()}
	users := &lateUsers{}
	a.audit = auditsvc.New(a.log, testkit.NewClock(t0), rand.Reader, nil).WithUsers(users)
	a.env = newEnv(t, nil, func(d *httpapi.Deps, _ *httpapi.Options) { d.Audit = a.audit })
	users.UserStore = a.store
	a.admin = a.register(t, "admin@gov.gh")
	a.store.SetRole(a.admin.ID, identity.RoleAdmin)
	a.super = a.register(t, "super@gov.gh")
	a.store.SetRole(a.super.ID, identity.RoleSuperAdmin)
	return a
}

func (a *auditEnv) record(t *testing.T, r audit.Record) {
	t.Helper()
	require.NoError(t, a.audit.Record(context.Background(), r))
}

type auditListBody struct {
	Entries []struct {
		ID        string         `json:"id"`
		Seq       int64          `json:"seq"`
		UserID    string         `json:"userId"`
		UserName  string         `json:"userName"`
		Action    string         `json:"action"`
		Resource  string         `json:"resource"`
		TargetID  string         `json:"targetId"`
		Outcome   string         `json:"outcome"`
		Details   map[string]any `json:"details"`
		IP        string         `json:"ip"`
		UserAgent string         `json:"userAgent"`
		CreatedAt string         `json:"createdAt"`
	} `json:"entries"`
	Total      int `json:"total"`
	Page       int `json:"page"`
	TotalPages int `json:"totalPages"`
}

func (a *auditEnv) list(t *testing.T, query string) auditListBody {
	t.Helper()
	rec := a.do(t, req{method: "GET", path: "/api/admin/audit" + query, token: a.admin.Token})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var out auditListBody
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out))
	return out
}

func seqsOf(b auditListBody) []int64 {
	out := make([]int64, len(b.Entries))
	for i, e := range b.Entries {
		out[i] = e.Seq
	}
	return out
}

// seedAudit records 6 entries, one every 12 hours from 2025-04-01 00:00 UTC:
// seq 1..6; odd seqs are the admin's logins, even seqs an unknown actor's
// failures (seq 6 is a reset_account).
func (a *auditEnv) seedAudit(t *testing.T) {
	t.Helper()
	start := time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
	for i := range 6 {
		r := audit.Record{
			At: start.Add(time.Duration(i) * 12 * time.Hour), ActorID: a.admin.ID, Action: "login",
			TargetType: "auth", TargetID: a.admin.ID, IP: "41.215.160.7", UserAgent: "Mozilla/5.0",
			Outcome: audit.Success, Details: json.RawMessage(`{"method":"access_code"}`),
		}
		if i%2 == 1 {
			r.ActorID, r.Action, r.Outcome, r.Details, r.IP = "usr_unknown0000000", "login_failed", audit.Failure, nil, "2001:db8:1:2::7"
		}
		if i == 5 {
			r.Action, r.TargetType, r.Outcome = "reset_account", "user", audit.Success
		}
		a.record(t, r)
	}
}

func TestAuditList(t *testing.T) {
	a := newAuditEnv(t)
	a.seedAudit(t)

	all := a.list(t, "")
	assert.Equal(t, 6, all.Total)
	assert.Equal(t, 1, all.Page)
	assert.Equal(t, 1, all.TotalPages)
	assert.Equal(t, []int64{6, 5, 4, 3, 2, 1}, seqsOf(all), "newest first")

	first := all.Entries[5]
	assert.Regexp(t, `^audit_[0-9a-f]{16}$`, first.ID)
	assert.Equal(t, a.admin.ID, first.UserID)
	assert.Equal(t, "Kwame Mensah", first.UserName, "the actor's full name")
	assert.Equal(t, "login", first.Action)
	assert.Equal(t, "auth", first.Resource)
	assert.Equal(t, a.admin.ID, first.TargetID)
	assert.Equal(t, "success", first.Outcome)
	assert.Equal(t, map[string]any{"method": "access_code"}, first.Details)
	assert.Equal(t, "41.215.x.x", first.IP, "masked")
	assert.Equal(t, "Mozilla/5.0", first.UserAgent)
	assert.Equal(t, "2025-04-01T00:00:00Z", first.CreatedAt)

	unknown := all.Entries[4]
	assert.Equal(t, "usr_unknown0000000", unknown.UserID)
	assert.Empty(t, unknown.UserName, "unknown actors have no name")
	assert.Equal(t, map[string]any{}, unknown.Details, "no details render as {}")
	assert.Equal(t, "2001:db8:1:x", unknown.IP)
	assert.Equal(t, "failure", unknown.Outcome)
	assert.Equal(t, "user", all.Entries[0].Resource)

	tests := []struct {
		query      string
		want       []int64
		wantTotal  int
		wantPages  int
		wantPageNo int
	}{
		{"?action=login", []int64{5, 3, 1}, 3, 1, 1},
		{"?userId=usr_unknown0000000", []int64{6, 4, 2}, 3, 1, 1},
		{"?action=login_failed&userId=usr_unknown0000000", []int64{4, 2}, 2, 1, 1},
		{"?startDate=2025-04-02", []int64{6, 5, 4, 3}, 4, 1, 1},
		{"?endDate=2025-04-01", []int64{2, 1}, 2, 1, 1},                                             // the whole day
		{"?startDate=2025-04-02&endDate=2025-04-02", []int64{4, 3}, 2, 1, 1},                        // one day
		{"?startDate=2025-04-01T12:00:00Z&endDate=2025-04-02T12:00:00Z", []int64{4, 3, 2}, 3, 1, 1}, // instants, both inclusive
		{"?startDate=" + url.QueryEscape("2025-04-02T02:00:00+02:00"), []int64{6, 5, 4, 3}, 4, 1, 1},
		{"?limit=4", []int64{6, 5, 4, 3}, 6, 2, 1},
		{"?limit=4&page=2", []int64{2, 1}, 6, 2, 2},
		{"?limit=4&page=3", []int64{}, 6, 2, 3},
		{"?action=nothing", []int64{}, 0, 0, 1},
		{"?action=login&page=1&limit=100", []int64{5, 3, 1}, 3, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			got := a.list(t, tt.query)
			assert.Equal(t, tt.want, seqsOf(got))
			assert.Equal(t, tt.wantTotal, got.Total)
			assert.Equal(t, tt.wantPages, got.TotalPages)
			assert.Equal(t, tt.wantPageNo, got.Page)
		})
	}
}

func TestAuditListDefaultLimit(t *testing.T) {
	a := newAuditEnv(t)
	for i := range 51 {
		a.record(t, audit.Record{Action: "chat", Outcome: audit.Success, ActorID: fmt.Sprintf("usr_%016x", i)})
	}
	got := a.list(t, "")
	assert.Len(t, got.Entries, 50)
	assert.Equal(t, 51, got.Total)
	assert.Equal(t, 2, got.TotalPages)
	assert.Equal(t, 1, len(a.list(t, "?page=2").Entries))
}

func TestAuditListBadQuery(t *testing.T) {
	a := newAuditEnv(t)
	tests := []struct {
		query     string
		wantField string
	}{
		{"?page=0", "page"},
		{"?page=-1", "page"},
		{"?page=one", "page"},
		{"?page=99999999999999999999", "page"},
		{"?limit=0", "limit"},
		{"?limit=101", "limit"},
		{"?limit=-5", "limit"},
		{"?limit=1.5", "limit"},
		{"?startDate=2025-13-01", "startDate"},
		{"?startDate=yesterday", "startDate"},
		{"?endDate=2025-04-31", "endDate"},
		{"?endDate=01/04/2025", "endDate"},
		{"?startDate=2025-04-03&endDate=2025-04-01", "startDate"},
		{"?userId=usr%00x", "userId"},
		{"?action=%ff", "action"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			rec := a.do(t, req{method: "GET", path: "/api/admin/audit" + tt.query, token: a.admin.Token})
			require.Equal(t, http.StatusBadRequest, rec.Code, rec.Body.String())
			body := decode(t, rec)
			assert.Equal(t, tt.wantField, body["field"])
			assert.NotEmpty(t, body["error"])
		})
	}
}

func TestAuditVerify(t *testing.T) {
	a := newAuditEnv(t)
	verify := func(t *testing.T) map[string]any {
		t.Helper()
		rec := a.do(t, req{method: "GET", path: "/api/admin/audit/verify", token: a.super.Token})
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		return decode(t, rec)
	}
	assert.Equal(t, map[string]any{"valid": true, "checked": 0.0, "brokenAtSeq": nil, "reason": nil}, verify(t))

	a.seedAudit(t)
	assert.Equal(t, map[string]any{"valid": true, "checked": 6.0, "brokenAtSeq": nil, "reason": nil}, verify(t))

	require.True(t, a.log.Tamper(4, func(r *audit.Record) { r.Action = "login" }))
	got := verify(t)
	assert.Equal(t, false, got["valid"])
	assert.Equal(t, 3.0, got["checked"])
	assert.Equal(t, 4.0, got["brokenAtSeq"])
	assert.Contains(t, got["reason"], "edited")

	rec := a.do(t, req{method: "GET", path: "/api/admin/audit/verify", token: a.admin.Token})
	assert.Equal(t, http.StatusForbidden, rec.Code, "verify is for super admins only")
	rec = a.do(t, req{method: "GET", path: "/api/admin/audit", token: a.super.Token})
	assert.Equal(t, http.StatusOK, rec.Code, "super admins also list")
}

func TestAuditUnconfigured(t *testing.T) {
	e := newEnv(t, nil)
	admin := e.register(t, "admin@gov.gh")
	e.store.SetRole(admin.ID, identity.RoleSuperAdmin)
	for _, path := range []string{"/api/admin/audit", "/api/admin/audit/verify"} {
		rec := e.do(t, req{method: "GET", path: path, token: admin.Token})
		assert.Equal(t, http.StatusServiceUnavailable, rec.Code, path)
		assert.NotEmpty(t, decode(t, rec)["error"])
	}
}

func TestAuditRoutesGuarded(t *testing.T) {
	a := newAuditEnv(t)
	user := a.register(t, "user@gov.gh")
	dept := a.register(t, "dept@gov.gh")
	a.store.SetRole(dept.ID, identity.RoleDeptAdmin)
	tests := []struct {
		path  string
		token string
		want  int
	}{
		{"/api/admin/audit", "", http.StatusUnauthorized},
		{"/api/admin/audit", user.Token, http.StatusForbidden},
		{"/api/admin/audit", dept.Token, http.StatusForbidden},
		{"/api/admin/audit", a.admin.Token, http.StatusOK},
		{"/api/admin/audit/verify", "", http.StatusUnauthorized},
		{"/api/admin/audit/verify", dept.Token, http.StatusForbidden},
		{"/api/admin/audit/verify", a.admin.Token, http.StatusForbidden},
		{"/api/admin/audit/verify", a.super.Token, http.StatusOK},
	}
	for _, tt := range tests {
		rec := a.do(t, req{method: "GET", path: tt.path, token: tt.token})
		assert.Equal(t, tt.want, rec.Code, "%s with %q", tt.path, tt.token)
	}
	assert.Positive(t, a.validated)
}
