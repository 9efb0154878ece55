package httpapi_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/httpapi"
	"github.com/kente-gov/kente/adapters/httpapi/internal/memstore"
	"github.com/kente-gov/kente/adapters/jwtauth"
	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/app/mpisvc"
	"github.com/kente-gov/kente/app/programmesvc"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/test/testkit"
)

// mpiEnv serves the real router with the programme and MPI services on a
// fresh SQLite database, validating every response against the OpenAPI
// document.
type mpiEnv struct {
	*env
	db    *sqlstore.DB
	progs *programmesvc.Service
	audit *testkit.AuditRecorder
	clock *testkit.Clock
}

func newMPIEnv(t *testing.T) *mpiEnv {
	t.Helper()
	db := sqltest.Fresh(t, sqlstore.SQLite)
	clock := testkit.NewClock(time.Date(2026, 11, 23, 13, 3, 0, 0, time.UTC))
	codec, err := jwtauth.New([]byte(strings.Repeat("j", 32)), "", "")
	require.NoError(t, err)
	me := &mpiEnv{db: db, audit: &testkit.AuditRecorder{}, clock: clock}
	me.progs = programmesvc.New(programmesvc.Deps{
		Programmes: sqlstore.NewProgrammeStore(db), Users: sqlstore.NewProgrammeUserStore(db), Sessions: sqlstore.NewRefreshTokenStore(db),
		Modules: sqlstore.NewModuleChecker(db), Tokens: codec, Tx: db, Counters: sqlstore.NewCounters(db),
		Audit: &testkit.AuditRecorder{}, Clock: clock, Rand: rand.Reader,
	}, programmesvc.Options{Pepper: []byte(strings.Repeat("p", 32)), Hash: identity.TestHashParams})
	store := sqlstore.NewMPIStore(db)
	cfg := mpisvc.DefaultConfig()
	cfg.CardKey = []byte("test-card-key")
	ms := mpisvc.New(store, store, db, me.audit, nil, clock, rand.Reader, cfg)
	e := &env{store: memstore.New(), clock: clock, logs: &syncBuffer{}}
	e.svc = newService(e.store, clock)
	e.h, err = httpapi.New(httpapi.Deps{Identity: e.svc, Programmes: me.progs, MPI: ms,
		Logger: slog.New(slog.NewJSONHandler(e.logs, nil))}, httpapi.Options{})
	require.NoError(t, err)
	_, e.router = openAPIRouter(t)
	me.env = e
	return me
}

// programme registers a programme with the MPI module active (unless
// module is false), admin when admin is true, and returns an access token.
func (me *mpiEnv) programme(t *testing.T, email string, module, admin bool) string {
	t.Helper()
	ctx := context.Background()
	const pw = "Kente-2026-Strong"
	meta := programmesvc.ClientMeta{IP: "196.1.95.10", UserAgent: "test"}
	a, err := me.progs.Register(ctx, programmesvc.Registration{Email: email, Password: pw, Name: "PEV " + email, Country: "SN"}, meta)
	require.NoError(t, err)
	if module {
		_, err = me.db.Bun.ExecContext(ctx, "INSERT INTO programme_modules (programme_id, module_key, status) VALUES (?, ?, ?)",
			a.Programme.ID, "mpi_registry", "active")
		require.NoError(t, err)
	}
	if admin {
		_, err = me.db.Bun.ExecContext(ctx, "UPDATE programmes SET is_admin = 1 WHERE id = ?", a.Programme.ID)
		require.NoError(t, err)
	}
	tok, err := me.progs.Login(ctx, email, pw, meta)
	require.NoError(t, err)
	return tok.AccessToken
}

const fatou = `{"first_name":"Fatou","last_name":"Diallo","date_of_birth":"1990-05-03","gender":"F","region_code":"DKR","country_code":"SN","phone_number":"+221771234567"}`

func TestMPIRoutes(t *testing.T) {
	me := newMPIEnv(t)
	tok := me.programme(t, "mpi@sante.sn", true, false)
	other := me.programme(t, "other@sante.sn", true, false)
	admin := me.programme(t, "admin@sante.sn", true, true)
	noModule := me.programme(t, "nomodule@sante.sn", false, false)

	rec := me.do(t, req{method: "POST", path: "/api/v1/mpi/register", token: tok, body: fatou})
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	created := decode(t, rec)
	id := created["mpi_id"].(string)
	assert.Regexp(t, `^SN-DKR-26-[0-9A-Z]{8}$`, id)
	assert.Equal(t, "new_identity", created["confidence"])
	assert.Equal(t, "2026-11-23T13:03:00Z", created["created_at"])
	assert.Equal(t, "mpi.register", me.audit.Last().Action)

	// A certain duplicate: 409 with the existing id, score and fields.
	dup := strings.Replace(fatou, `"Fatou"`, `"FATOU"`, 1)
	rec = me.do(t, req{method: "POST", path: "/api/v1/mpi/register", token: tok, body: dup})
	require.Equal(t, http.StatusConflict, rec.Code, rec.Body.String())
	body := decode(t, rec)
	assert.Equal(t, "duplicate_detected", body["status"])
	assert.Equal(t, id, body["existing_mpi_id"])
	assert.Equal(t, 1.0, body["similarity_score"])
	assert.Contains(t, body["matched_fields"], "date_of_birth")

	// force_create: created and audited mpi.register_forced.
	rec = me.do(t, req{method: "POST", path: "/api/v1/mpi/register", token: tok, body: strings.Replace(dup, "{", `{"force_create":true,`, 1)})
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	forced := decode(t, rec)
	assert.Equal(t, "forced", forced["confidence"])
	assert.Equal(t, "mpi.register_forced", me.audit.Last().Action)
	assert.Equal(t, forced["mpi_id"], me.audit.Last().TargetID)

	// Merge without a reason: 422 naming it; with one: the source redirects.
	me.v1(t, "POST", "/api/v1/mpi/merge", tok, `{"source_mpi_id":"`+forced["mpi_id"].(string)+`","target_mpi_id":"`+id+`"}`, 422, "", "reason")
	rec = me.do(t, req{method: "POST", path: "/api/v1/mpi/merge", token: tok,
		body: `{"source_mpi_id":"` + forced["mpi_id"].(string) + `","target_mpi_id":"` + id + `","reason":"same person, checked the card"}`})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, id, decode(t, rec)["canonical_mpi_id"])
	assert.Equal(t, "mpi.merge", me.audit.Last().Action)

	// Another programme's record is not found; so is a record without the module.
	me.v1(t, "GET", "/api/v1/mpi/"+id, other, "", 404, "", "")
	me.v1(t, "GET", "/api/v1/mpi/"+id+"/card", other, "", 404, "", "")
	me.v1(t, "GET", "/api/v1/mpi/"+id, noModule, "", 403, "", "")
	me.v1(t, "GET", "/api/v1/mpi/"+id+"/card", noModule, "", 403, "", "")

	// Card and public verification: never a name, MPI id or birth date.
	rec = me.do(t, req{method: "GET", path: "/api/v1/mpi/" + id + "/card", token: tok})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	card := decode(t, rec)
	assert.Equal(t, id, card["mpi_id"])
	assert.Regexp(t, `^MPI-[0-9A-Z]{8}$`, card["card_code"])
	assert.Equal(t, "valid", card["status"])
	assert.Nil(t, card["campaign_id"])
	token := card["qr_token"].(string)
	assert.NotContains(t, token, id[len(id)-8:])
	rec = me.do(t, req{method: "GET", path: "/api/v1/mpi/verify/" + token})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	v := decode(t, rec)
	assert.Equal(t, "valid", v["status"])
	assert.Equal(t, 0.0, v["programme_count"])
	assert.Equal(t, "2026-11-23T13:03:00Z", v["verified_at"])
	for _, pii := range []string{id, "Fatou", "Diallo", "1990", "+221"} {
		assert.NotContains(t, rec.Body.String(), pii)
	}
	// The merged record's card is revoked.
	rec = me.do(t, req{method: "GET", path: "/api/v1/mpi/" + forced["mpi_id"].(string) + "/card", token: tok})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, "revoked", decode(t, rec)["status"])
	rec = me.do(t, req{method: "GET", path: "/api/v1/mpi/verify/" + decode(t, rec)["qr_token"].(string)})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, map[string]any{"status": "revoked", "verified_at": "2026-11-23T13:03:00Z"}, decode(t, rec))
	for _, bad := range []string{"nope", token[:len(token)-3] + "AAA", strings.Repeat("A", 600)} {
		rec = me.do(t, req{method: "GET", path: "/api/v1/mpi/verify/" + bad})
		require.Equal(t, http.StatusNotFound, rec.Code, rec.Body.String())
		assert.Equal(t, "not_found", decode(t, rec)["status"])
		assert.Equal(t, "mpi.card_not_found", decode(t, rec)["code"])
	}

	// Admin verify: admins only, a known method, audited.
	me.v1(t, "POST", "/api/v1/mpi/admin/"+id+"/verify", tok, `{"verification_method":"document_check"}`, 403, "", "")
	me.v1(t, "POST", "/api/v1/mpi/admin/"+id+"/verify", admin, `{"verification_method":"telepathy"}`, 422, "mpi.invalid_verification_method", "verification_method")
	me.v1(t, "POST", "/api/v1/mpi/admin/"+id+"/verify", admin, `{"verification_method":"document_check"}`, 404, "", "")
	var first map[string]any
	require.NoError(t, json.Unmarshal(me.audit.Records()[0].Details, &first))
	progA := first["programme_id"].(string)
	rec = me.do(t, req{method: "POST", path: "/api/v1/mpi/admin/" + id + "/verify", token: admin,
		body: `{"verification_method":"document_check","notes":"passport seen","programme_id":"` + progA + `"}`})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, true, decode(t, rec)["is_verified"])
	assert.NotEmpty(t, decode(t, rec)["verified_by"])
	last := me.audit.Last()
	assert.Equal(t, "mpi.admin_verify", last.Action)
	assert.Contains(t, string(last.Details), `"verification_method":"document_check"`)

	// Admin stats and list, across programmes.
	me.v1(t, "GET", "/api/v1/mpi/admin/stats/global", tok, "", 403, "", "")
	rec = me.do(t, req{method: "GET", path: "/api/v1/mpi/admin/stats/global", token: admin})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, map[string]any{"total_records": 1.0, "verified_records": 1.0, "linked_records": 0.0, "programmes_using_mpi": 1.0,
		"verifications_last_30d": nil, "merge_operations_last_30d": 1.0}, decode(t, rec), "no audit log wired here")
	rec = me.do(t, req{method: "GET", path: "/api/v1/mpi/admin/all?verified=true&country=sn", token: admin})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	list := decode(t, rec)
	assert.Equal(t, 1.0, list["total"])
	assert.Equal(t, id, list["items"].([]any)[0].(map[string]any)["mpi_id"])
	rec = me.do(t, req{method: "GET", path: "/api/v1/mpi/admin/federation/search?q=FATOU+diallo&country=SN", token: admin})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, 2.0, decode(t, rec)["total"], "the record and the one merged into it")
	rec = me.do(t, req{method: "GET", path: "/api/v1/mpi/admin/federation/search?q=kofi", token: admin})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, 0.0, decode(t, rec)["total"])
	me.v1(t, "GET", "/api/v1/mpi/admin/all?verified=maybe", admin, "", 422, "mpi.invalid_verified", "verified")
	me.v1(t, "GET", "/api/v1/mpi/admin/all?country=XX", admin, "", 422, "mpi.invalid_country", "country")
	me.v1(t, "GET", "/api/v1/mpi/admin/all?limit=500", admin, "", 422, "mpi.invalid_limit", "limit")
	me.v1(t, "GET", "/api/v1/mpi/admin/all", tok, "", 403, "", "")

	// resolve-dhis2 answers with the service clock.
	rec = me.do(t, req{method: "POST", path: "/api/v1/mpi/" + id + "/link-dhis2", token: tok, body: `{"dhis2_uid":"dhisUID0001","dhis2_instance_url":"https://dhis2.sante.sn"}`})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	me.clock.Add(10 * time.Minute)
	rec = me.do(t, req{method: "GET", path: "/api/v1/mpi/resolve-dhis2/dhisUID0001", token: tok})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, map[string]any{"dhis2_uid": "dhisUID0001", "mpi_id": id, "resolved_at": "2026-11-23T13:13:00Z"}, decode(t, rec))
	me.v1(t, "GET", "/api/v1/mpi/resolve-dhis2/unknown", tok, "", 404, "", "")
	assert.Greater(t, me.validated, 20, "responses were checked against the OpenAPI document")
}

func TestMPIRegisterValidation(t *testing.T) {
	me := newMPIEnv(t)
	tok := me.programme(t, "mpi@sante.sn", true, false)
	cases := []struct{ name, from, to, field string }{
		{"region not three letters", `"region_code":"DKR"`, `"region_code":"DAKAR"`, "region_code"},
		{"unknown country", `"country_code":"SN"`, `"country_code":"XX"`, "country_code"},
		{"phone not E.164", `"phone_number":"+221771234567"`, `"phone_number":"77 123 45 67"`, "phone_number"},
		{"impossible date", `"date_of_birth":"1990-05-03"`, `"date_of_birth":"1990-02-30"`, "date_of_birth"},
		{"future date", `"date_of_birth":"1990-05-03"`, `"date_of_birth":"2030-01-01"`, "date_of_birth"},
		{"no first name", `"first_name":"Fatou"`, `"first_name":""`, "first_name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			me.v1(t, "POST", "/api/v1/mpi/register", tok, strings.Replace(fatou, tc.from, tc.to, 1), 422, "", tc.field)
		})
	}
	assert.Empty(t, me.audit.Records(), "nothing registered")
}

func (me *mpiEnv) v1(t *testing.T, method, path, token, body string, status int, code, field string) {
	t.Helper()
	rec := me.do(t, req{method: method, path: path, token: token, body: body})
	requireV1(t, rec, status, code, field)
}
