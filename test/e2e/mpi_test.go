package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
)

// mpiProgramme registers a programme with the MPI and trust modules on
// (and is_admin when admin), and returns its id and access token.
func mpiProgramme(t *testing.T, c *client, databaseURL, email string, admin bool) (string, string) {
	t.Helper()
	id := v1Register(t, c, email)["id"].(string)
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, databaseURL)
	require.NoError(t, err)
	defer db.Close()
	for _, m := range []string{"mpi_registry", "trust_score"} {
		_, err := db.Bun.ExecContext(ctx, "INSERT INTO programme_modules (programme_id, module_key, status) VALUES (?, ?, ?)", id, m, "active")
		require.NoError(t, err)
	}
	if admin {
		_, err = db.Bun.ExecContext(ctx, "UPDATE programmes SET is_admin = ? WHERE id = ?", true, id)
		require.NoError(t, err)
	}
	tok, _ := v1Login(t, c, email, v1Password)
	return id, tok
}

func mpiFatou() map[string]any {
	return map[string]any{"first_name": "Fatou", "last_name": "Diallo", "date_of_birth": "1990-05-03", "gender": "F",
		"region_code": "DKR", "country_code": "SN", "phone_number": "+221771234567", "district": "Pikine"}
}

// requireField checks a 422 /api/v1 error naming field.
func requireField(t *testing.T, res response, field string) {
	t.Helper()
	require.Equal(t, http.StatusUnprocessableEntity, res.Status, "%s", res.Body)
	body := res.JSON(t)
	assert.Equal(t, field, body["field"], "%s", res.Body)
	assert.NotEmpty(t, body["detail"])
	assert.NotEmpty(t, body["code"])
}

func TestMPIEndToEnd(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d sqlstore.Dialect) {
		cfg := testConfig(t, sqltest.URL(t, d))
		cfg.Secrets.CardHMACKey = strings.Repeat("c", 40)
		c := start(t, cfg)
		progA, tok := mpiProgramme(t, c, cfg.DatabaseURL, "mpi.a@sante.sn", false)
		_, other := mpiProgramme(t, c, cfg.DatabaseURL, "mpi.b@sante.sn", false)
		_, admin := mpiProgramme(t, c, cfg.DatabaseURL, "mpi.admin@sante.sn", true)

		// Validation: 422 naming the field.
		for field, bad := range map[string]any{"region_code": "DAKAR", "country_code": "XX", "phone_number": "77 123 45 67",
			"date_of_birth": "1990-13-01", "gender": "X"} {
			in := mpiFatou()
			in[field] = bad
			requireField(t, c.do("POST", "/api/v1/mpi/register", tok, in), field)
		}

		// Register, then a certain duplicate → 409 with the existing id.
		res := c.do("POST", "/api/v1/mpi/register", tok, mpiFatou())
		require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
		id := res.JSON(t)["mpi_id"].(string)
		assert.Regexp(t, `^SN-DKR-\d{2}-[0-9A-Z]{8}$`, id)
		dup := mpiFatou()
		dup["first_name"] = "FATOU"
		res = c.do("POST", "/api/v1/mpi/register", tok, dup)
		require.Equal(t, http.StatusConflict, res.Status, "%s", res.Body)
		body := res.JSON(t)
		assert.Equal(t, id, body["existing_mpi_id"])
		assert.Equal(t, "duplicate_detected", body["status"])
		assert.GreaterOrEqual(t, body["similarity_score"], 0.95)
		assert.Contains(t, body["matched_fields"], "last_name")

		// force_create: created, and audited.
		dup["force_create"] = true
		res = c.do("POST", "/api/v1/mpi/register", tok, dup)
		require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
		forced := res.JSON(t)
		assert.Equal(t, "forced", forced["confidence"])
		forcedID := forced["mpi_id"].(string)

		// Get, search, patch, match.
		res = c.do("GET", "/api/v1/mpi/"+id, tok, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Equal(t, "Fatou", res.JSON(t)["first_name"])
		res = c.do("GET", "/api/v1/mpi/search?q=fatou&limit=10", tok, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Equal(t, 2.0, res.JSON(t)["total"])
		res = c.do("PATCH", "/api/v1/mpi/"+id, tok, map[string]any{"phone_number": "+221770000001"})
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Equal(t, "+221770000001", res.JSON(t)["phone_number"])
		requireField(t, c.do("PATCH", "/api/v1/mpi/"+id, tok, map[string]any{"region_code": "1X"}), "region_code")
		res = c.do("POST", "/api/v1/mpi/match", tok, mpiFatou())
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.NotEmpty(t, res.JSON(t)["matches"])

		// Merge: the reason is required; then the source redirects.
		requireField(t, c.do("POST", "/api/v1/mpi/merge", tok, map[string]any{"source_mpi_id": forcedID, "target_mpi_id": id}), "reason")
		res = c.do("POST", "/api/v1/mpi/merge", tok, map[string]any{"source_mpi_id": forcedID, "target_mpi_id": id, "reason": "same person"})
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Equal(t, id, res.JSON(t)["canonical_mpi_id"])
		res = c.do("GET", "/api/v1/mpi/"+forcedID, tok, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Equal(t, id, res.JSON(t)["mpi_id"], "a merged id redirects to the canonical record")

		// DHIS2.
		res = c.do("POST", "/api/v1/mpi/"+id+"/link-dhis2", tok, map[string]any{"dhis2_uid": "dhisUID0001", "dhis2_instance_url": "https://dhis2.sante.sn"})
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		res = c.do("GET", "/api/v1/mpi/resolve-dhis2/dhisUID0001", tok, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Equal(t, id, res.JSON(t)["mpi_id"])
		assert.Equal(t, http.StatusNotFound, c.do("GET", "/api/v1/mpi/resolve-dhis2/dhisUID0001", other, nil).Status)

		// Another programme: 404 everywhere.
		for _, p := range []string{"/api/v1/mpi/" + id, "/api/v1/mpi/" + id + "/card", "/api/v1/mpi/trust/" + id} {
			assert.Equal(t, http.StatusNotFound, c.do("GET", p, other, nil).Status, p)
		}

		// Card and the public check: no PII.
		res = c.do("GET", "/api/v1/mpi/"+id+"/card", tok, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		card := res.JSON(t)
		assert.Equal(t, "valid", card["status"])
		res = c.do("GET", "/api/v1/mpi/verify/"+card["qr_token"].(string), "", nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Equal(t, "valid", res.JSON(t)["status"])
		for _, pii := range []string{id, "Fatou", "Diallo", "1990-05-03", "+22177"} {
			assert.NotContains(t, string(res.Body), pii)
		}
		res = c.do("GET", "/api/v1/mpi/verify/forged-token", "", nil)
		require.Equal(t, http.StatusNotFound, res.Status, "%s", res.Body)
		assert.Equal(t, "not_found", res.JSON(t)["status"])

		// Admin verify (KYC), then the trust score counts it.
		assert.Equal(t, http.StatusForbidden, c.do("POST", "/api/v1/mpi/admin/"+id+"/verify", tok, map[string]any{"verification_method": "document_check"}).Status)
		requireField(t, c.do("POST", "/api/v1/mpi/admin/"+id+"/verify", admin, map[string]any{"verification_method": "guess", "programme_id": progA}), "verification_method")
		res = c.do("POST", "/api/v1/mpi/admin/"+id+"/verify", admin, map[string]any{"verification_method": "document_check", "notes": "passport", "programme_id": progA})
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Equal(t, true, res.JSON(t)["is_verified"])

		// Admin stats and list across programmes.
		assert.Equal(t, http.StatusForbidden, c.do("GET", "/api/v1/mpi/admin/stats/global", tok, nil).Status)
		res = c.do("GET", "/api/v1/mpi/admin/stats/global", admin, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Equal(t, map[string]any{"total_records": 1.0, "verified_records": 1.0, "linked_records": 1.0, "programmes_using_mpi": 1.0,
			"verifications_last_30d": 1.0, "merge_operations_last_30d": 1.0}, res.JSON(t))
		res = c.do("GET", "/api/v1/mpi/admin/all?country=SN&programme_id="+progA, admin, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Equal(t, 2.0, res.JSON(t)["total"], "the canonical and the merged record")
		requireField(t, c.do("GET", "/api/v1/mpi/admin/all?verified=perhaps", admin, nil), "verified")
		res = c.do("GET", "/api/v1/mpi/admin/federation/search?q=fatou", admin, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Equal(t, 2.0, res.JSON(t)["total"])

		// Trust: compute, history, risks.
		res = c.do("POST", "/api/v1/mpi/trust/"+id+"/compute", tok, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		score := res.JSON(t)["score"].(float64)
		assert.GreaterOrEqual(t, score, 30.0, "kyc_verified counts")
		res = c.do("GET", "/api/v1/mpi/trust/"+id+"/history", tok, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		res = c.do("GET", "/api/v1/mpi/trust/"+id+"/risks", tok, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Equal(t, http.StatusNotFound, c.do("GET", "/api/v1/mpi/trust/me", tok, nil).Status, "no record linked to the caller")

		requireField(t, c.do("GET", "/api/v1/mpi/search?limit=0", tok, nil), "limit")

		// The audit trail has the forced registration, the merge and the KYC.
		ctx := context.Background()
		db, err := sqlstore.Open(ctx, cfg.DatabaseURL)
		require.NoError(t, err)
		defer db.Close()
		var actions []string
		require.NoError(t, db.Bun.NewSelect().Table("audit_log").Column("action").Where("action LIKE ?", "mpi.%").
			OrderExpr("seq").Scan(ctx, &actions))
		assert.Equal(t, []string{"mpi.register", "mpi.register_forced", "mpi.update", "mpi.merge", "mpi.admin_verify"}, actions)
	})
}

func TestMPIFederationEndToEnd(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d sqlstore.Dialect) {
		cfg := testConfig(t, sqltest.URL(t, d))
		c := start(t, cfg)
		_, tokA := mpiProgramme(t, c, cfg.DatabaseURL, "fed.a@sante.sn", false)
		_, tokB := mpiProgramme(t, c, cfg.DatabaseURL, "fed.b@sante.sn", false)
		_, admin := mpiProgramme(t, c, cfg.DatabaseURL, "fed.admin@sante.sn", true)

		register := func(tok string, in map[string]any) string {
			t.Helper()
			res := c.do("POST", "/api/v1/mpi/register", tok, in)
			require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
			return res.JSON(t)["mpi_id"].(string)
		}
		a := register(tokA, mpiFatou())
		twin := mpiFatou()
		twin["first_name"], twin["phone_number"] = "Fatoumata", "+221770000009"
		b := register(tokB, twin) // the same person in another programme
		other := map[string]any{"first_name": "Kwame", "last_name": "Mensah", "date_of_birth": "1961-02-01", "gender": "M",
			"region_code": "ACC", "country_code": "GH"}
		k := register(tokB, other)

		// Duplicates: the cross-programme pair only; threshold is a percentage.
		assert.Equal(t, http.StatusForbidden, c.do("GET", "/api/v1/mpi/admin/federation/duplicates", tokA, nil).Status)
		res := c.do("GET", "/api/v1/mpi/admin/federation/duplicates", admin, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		body := res.JSON(t)
		assert.Equal(t, 85.0, body["threshold"], "§15.13 federation default")
		require.Len(t, body["items"], 1, "%s", res.Body)
		pair := body["items"].([]any)[0].(map[string]any)
		ids := []string{pair["source"].(map[string]any)["mpi_id"].(string), pair["target"].(map[string]any)["mpi_id"].(string)}
		assert.ElementsMatch(t, []string{a, b}, ids)
		assert.GreaterOrEqual(t, pair["similarity_score"], 0.85)
		assert.Nil(t, body["next_cursor"])
		res = c.do("GET", "/api/v1/mpi/admin/federation/duplicates?threshold=99.9", admin, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Empty(t, res.JSON(t)["items"], "Fatoumata is not an exact Fatou")
		for _, bad := range []string{"101", "-1", "high"} {
			requireField(t, c.do("GET", "/api/v1/mpi/admin/federation/duplicates?threshold="+bad, admin, nil), "threshold")
		}
		requireField(t, c.do("GET", "/api/v1/mpi/admin/federation/duplicates?limit=0", admin, nil), "limit")
		requireField(t, c.do("GET", "/api/v1/mpi/admin/federation/duplicates?cursor=nonsense", admin, nil), "cursor")

		// Federation search honours q and country.
		res = c.do("GET", "/api/v1/mpi/admin/federation/search?q=mensah&country=gh", admin, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Equal(t, 1.0, res.JSON(t)["total"])
		res = c.do("GET", "/api/v1/mpi/admin/federation/search?q=mensah&country=SN", admin, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Equal(t, 0.0, res.JSON(t)["total"])
		requireField(t, c.do("GET", "/api/v1/mpi/admin/federation/search?country=XX", admin, nil), "country")

		// Link: validation, then created, then a duplicate link is 409.
		link := func(body map[string]any) response {
			return c.do("POST", "/api/v1/mpi/admin/federation/link", admin, body)
		}
		good := map[string]any{"source_mpi_id": a, "target_mpi_id": b, "link_type": "same_person", "confidence": 0.93, "notes": "same NIN card"}
		assert.Equal(t, http.StatusForbidden, c.do("POST", "/api/v1/mpi/admin/federation/link", tokA, good).Status)
		for field, bad := range map[string]any{"link_type": "cousin", "confidence": 93, "target_mpi_id": a} {
			in := map[string]any{}
			for key, v := range good {
				in[key] = v
			}
			in[field] = bad
			requireField(t, link(in), field)
		}
		noConf := map[string]any{"source_mpi_id": a, "target_mpi_id": b, "link_type": "related"}
		requireField(t, link(noConf), "confidence")
		missing := map[string]any{"source_mpi_id": a, "target_mpi_id": "SN-DKR-26-NOPENOPE", "link_type": "related", "confidence": 0.5}
		res = link(missing)
		require.Equal(t, http.StatusNotFound, res.Status, "%s", res.Body)
		assert.Equal(t, "target_mpi_id", res.JSON(t)["field"])

		res = link(good)
		require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
		created := res.JSON(t)
		linkID := created["link_id"].(string)
		assert.Equal(t, "same_person", created["link_type"])
		assert.Equal(t, 0.93, created["confidence"])
		reversed := map[string]any{"source_mpi_id": b, "target_mpi_id": a, "link_type": "related", "confidence": 0.5}
		res = link(reversed)
		require.Equal(t, http.StatusConflict, res.Status, "%s", res.Body)
		assert.Equal(t, "mpi.federation_link_exists", res.JSON(t)["code"])
		res = link(map[string]any{"source_mpi_id": b, "target_mpi_id": k, "link_type": "household_member", "confidence": 1})
		require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
		res = c.do("GET", "/api/v1/mpi/admin/federation/duplicates", admin, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Empty(t, res.JSON(t)["items"], "a linked pair has been reviewed: no longer a candidate")

		// Links of a record, from either end.
		res = c.do("GET", "/api/v1/mpi/admin/federation/links/"+b, admin, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Equal(t, 2.0, res.JSON(t)["count"])
		res = c.do("GET", "/api/v1/mpi/admin/federation/links/"+a, admin, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Equal(t, 1.0, res.JSON(t)["count"])
		assert.Equal(t, http.StatusNotFound, c.do("GET", "/api/v1/mpi/admin/federation/links/SN-DKR-26-NOPENOPE", admin, nil).Status)
		assert.Equal(t, http.StatusForbidden, c.do("GET", "/api/v1/mpi/admin/federation/links/"+a, tokA, nil).Status)

		// Unlink: 204, then 404; the pair can be linked again.
		assert.Equal(t, http.StatusForbidden, c.do("DELETE", "/api/v1/mpi/admin/federation/links/"+linkID, tokA, nil).Status)
		res = c.do("DELETE", "/api/v1/mpi/admin/federation/links/"+linkID, admin, nil)
		require.Equal(t, http.StatusNoContent, res.Status, "%s", res.Body)
		assert.Equal(t, http.StatusNotFound, c.do("DELETE", "/api/v1/mpi/admin/federation/links/"+linkID, admin, nil).Status)
		res = c.do("GET", "/api/v1/mpi/admin/federation/links/"+a, admin, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Equal(t, 0.0, res.JSON(t)["count"])
		assert.Len(t, c.do("GET", "/api/v1/mpi/admin/federation/duplicates", admin, nil).JSON(t)["items"], 1, "unlinked: a candidate again")
		require.Equal(t, http.StatusCreated, link(reversed).Status)

		// Audited.
		ctx := context.Background()
		db, err := sqlstore.Open(ctx, cfg.DatabaseURL)
		require.NoError(t, err)
		defer db.Close()
		var actions []string
		require.NoError(t, db.Bun.NewSelect().Table("audit_log").Column("action").Where("action LIKE ?", "mpi.federation.%").
			OrderExpr("seq").Scan(ctx, &actions))
		assert.Equal(t, []string{"mpi.federation.link", "mpi.federation.link", "mpi.federation.unlink", "mpi.federation.link"}, actions)
	})
}
