package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/fx"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/app/config"
	"github.com/kente-gov/kente/app/jobsvc"
	"github.com/kente-gov/kente/app/server"
	"github.com/kente-gov/kente/core/campaign"
	"github.com/kente-gov/kente/ports"
	"github.com/kente-gov/kente/test/testkit"
)

const cardKey = "cccccccccccccccccccccccccccccccccccccccc"

// campaignConfig is testConfig with the billing and card keys set (and the
// default body limit: the job route takes 10,000 rows on its own).
func campaignConfig(t *testing.T, url string) config.Config {
	cfg := testConfig(t, url)
	cfg.Secrets.InvoiceHMACKey = strings.Repeat("i", 40)
	cfg.Secrets.CardHMACKey = cardKey
	return cfg
}

// clockServer is a started server whose services read clock; stop ends it
// as a shutdown would (running jobs are cancelled and released).
type clockServer struct {
	*client
	runner *jobsvc.Runner
	stop   func()
}

// startWithClock is start with a fake clock supplied to the graph as
// ports.Clock (the services that accept one take it; the job runner keeps
// the system clock, so the clock should not run ahead of real time).
func startWithClock(t *testing.T, cfg config.Config, clock ports.Clock) clockServer {
	t.Helper()
	var h http.Handler
	var runner *jobsvc.Runner
	app := fx.New(server.OptionsFor(server.ProfileOf(cfg), cfg, slog.New(slog.DiscardHandler)),
		fx.Supply(fx.Annotate(clock, fx.As(new(ports.Clock)))), fx.Populate(&h, &runner), fx.NopLogger)
	require.NoError(t, app.Err())
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	require.NoError(t, app.Start(ctx))
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_ = app.Stop(ctx)
	}
	t.Cleanup(stop)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c := &client{t: t, base: srv.URL}
	res, err := http.Get(srv.URL + "/openapi.json")
	require.NoError(t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	loader := openapi3.NewLoader()
	c.doc, err = loader.LoadFromData(raw)
	require.NoError(t, err)
	c.doc.Servers = nil
	c.router, err = legacy.NewRouter(c.doc)
	require.NoError(t, err)
	return clockServer{client: c, runner: runner, stop: stop}
}

// beneficiaries returns n distinct people ("Aminata Diop" + a letter
// suffix, one birth date each), as the MPI registry would tell them apart.
func beneficiaries(n int) []map[string]any {
	out := make([]map[string]any, n)
	born := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range out {
		out[i] = map[string]any{"first_name": "Aminata", "last_name": "Diop" + letters(i),
			"date_of_birth": born.AddDate(0, 0, i).Format(time.DateOnly), "beneficiary_id": fmt.Sprintf("BEN-%05d", i)}
	}
	return out
}

// letters spells i in base 26 with a–z (0 → "a", 26 → "ba").
func letters(i int) string {
	s := string(rune('a' + i%26))
	for i /= 26; i > 0; i /= 26 {
		s = string(rune('a'+i%26)) + s
	}
	return s
}

type manifestDoc struct {
	TotalCards   int    `json:"total_cards"`
	IncludeMPIID bool   `json:"include_mpi_id"`
	MPINote      string `json:"mpi_note"`
	Cards        []struct {
		Row         int    `json:"row"`
		MPIID       string `json:"mpi_id"`
		LastName    string `json:"last_name"`
		CardCode    string `json:"card_code"`
		QRToken     string `json:"qr_token"`
		IssuedAt    string `json:"issued_at"`
		Beneficiary string `json:"beneficiary_id"`
	} `json:"cards"`
}

func TestCampaignsAndJobs(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d sqlstore.Dialect) {
		url := sqltest.URL(t, d)
		clock := testkit.NewClock(time.Now().Add(-time.Hour))
		s := startWithClock(t, campaignConfig(t, url), clock)
		c := s.client
		require.NoError(t, s.runner.Stop(context.Background()), "the test drives the worker with RunDue")
		runDue := func(want int) {
			t.Helper()
			n, err := s.runner.RunDue(context.Background())
			require.NoError(t, err)
			require.Equal(t, want, n)
		}
		admin := billingLogin(t, c, url, true)
		user := billingLogin(t, c, url, false)
		other := billingLogin(t, c, url, false)
		res := c.do("PUT", "/api/v1/billing/quota-plans/starter", admin, map[string]any{"studio_print_quota": 5, "sp_price_per_card": 10})
		require.Equal(t, 200, res.Status, "%s", res.Body)

		// Campaign CRUD.
		requireV1Error(t, c.do("POST", "/api/v1/campaigns", user, map[string]any{"name": "X", "campaign_type": "vaccination", "prefix": "DKR-VAC"}), 422, "campaign.invalid_name", "name")
		requireV1Error(t, c.do("POST", "/api/v1/campaigns", user, map[string]any{"name": "Dakar", "campaign_type": "polio", "prefix": "DKR-VAC"}), 422, "campaign.invalid_type", "campaign_type")
		requireV1Error(t, c.do("POST", "/api/v1/campaigns", user, map[string]any{"name": "Dakar", "campaign_type": "vaccination", "prefix": "dkr"}), 422, "campaign.invalid_prefix", "prefix")
		res = c.do("POST", "/api/v1/campaigns/", user, map[string]any{"name": "Vaccination Dakar", "campaign_type": "vaccination", "prefix": "DKR-VAC",
			"target_population": 12000, "region_code": "DKR", "doses_planned": 24000, "budget_fcfa": 5000000})
		require.Equal(t, 201, res.Status, "%s", res.Body)
		camp := res.JSON(t)
		cid := camp["id"].(string)
		assert.Equal(t, "draft", camp["status"])
		assert.Equal(t, float64(12000), camp["target_population"])
		assert.Equal(t, "DKR", camp["region_code"])
		requireV1Error(t, c.do("POST", "/api/v1/campaigns", user, map[string]any{"name": "Again", "campaign_type": "mild", "prefix": "DKR-VAC"}), 409, "campaign.prefix_taken", "prefix")
		res = c.do("POST", "/api/v1/campaigns", other, map[string]any{"name": "Other programme", "campaign_type": "mild", "prefix": "DKR-VAC"})
		require.Equal(t, 201, res.Status, "another programme may use the prefix: %s", res.Body)
		otherCID := res.JSON(t)["id"].(string)

		res = c.do("PATCH", "/api/v1/campaigns/"+cid, user, map[string]any{"name": "Vaccination Dakar 2026", "description": "Rougeole"})
		require.Equal(t, 200, res.Status, "%s", res.Body)
		assert.Equal(t, "Vaccination Dakar 2026", res.JSON(t)["name"])
		requireV1Error(t, c.do("PATCH", "/api/v1/campaigns/"+cid, user, map[string]any{"prefix": "NEW"}), 422, "campaign.immutable", "prefix")
		requireV1Error(t, c.do("PATCH", "/api/v1/campaigns/"+cid, user, map[string]any{"campaign_type": "hiv"}), 422, "campaign.immutable", "campaign_type")
		assert.Equal(t, 404, c.do("GET", "/api/v1/campaigns/"+cid, other, nil).Status, "another programme's campaign")
		assert.Equal(t, 404, c.do("PATCH", "/api/v1/campaigns/"+cid, other, map[string]any{"name": "Hijack"}).Status)

		list := c.do("GET", "/api/v1/campaigns?limit=10", user, nil)
		require.Equal(t, 200, list.Status, "%s", list.Body)
		assert.Equal(t, float64(1), list.JSON(t)["total"])
		assert.Equal(t, float64(10), list.JSON(t)["limit"])
		all := c.do("GET", "/api/v1/campaigns/", admin, nil).JSON(t)
		assert.Equal(t, float64(2), all["total"], "admins see every programme")
		byProgramme := c.do("GET", "/api/v1/campaigns?campaign_type=mild", admin, nil).JSON(t)
		assert.Equal(t, float64(1), byProgramme["total"])
		requireV1Error(t, c.do("GET", "/api/v1/campaigns?limit=101", user, nil), 422, "request.invalid_limit", "limit")

		assert.Equal(t, 204, c.do("DELETE", "/api/v1/campaigns/"+cid, user, nil).Status)
		assert.Equal(t, float64(0), c.do("GET", "/api/v1/campaigns", user, nil).JSON(t)["total"], "archived campaigns leave the list")
		assert.Equal(t, float64(1), c.do("GET", "/api/v1/campaigns?include_archived=true", user, nil).JSON(t)["total"])
		requireV1Error(t, c.do("POST", "/api/v1/campaigns/"+cid+"/jobs", user, map[string]any{"beneficiaries": beneficiaries(1)}), 409, "campaign.archived", "")
		res = c.do("POST", "/api/v1/campaigns/"+cid+"/restore", user, nil)
		require.Equal(t, 200, res.Status, "%s", res.Body)
		assert.Equal(t, false, res.JSON(t)["archived"])

		// Job input is validated row by row; DPI by plan.
		rows := beneficiaries(3)
		rows[1]["date_of_birth"] = "1991-13-40"
		requireV1Error(t, c.do("POST", "/api/v1/campaigns/"+cid+"/jobs", user, map[string]any{"beneficiaries": rows}), 422, "campaign.invalid_beneficiary", "beneficiaries[1].date_of_birth")
		rows = beneficiaries(3)
		rows[2]["phone_number"] = "0770000"
		requireV1Error(t, c.do("POST", "/api/v1/campaigns/"+cid+"/jobs", user, map[string]any{"beneficiaries": rows}), 422, "campaign.invalid_beneficiary", "beneficiaries[2].phone_number")
		requireV1Error(t, c.do("POST", "/api/v1/campaigns/"+cid+"/jobs", user, map[string]any{"beneficiaries": beneficiaries(1), "dpi": 451}), 422, "campaign.invalid_dpi", "dpi")
		requireV1Error(t, c.do("POST", "/api/v1/campaigns/"+cid+"/jobs", user, map[string]any{"beneficiaries": beneficiaries(1), "dpi": 600}), 422, "campaign.dpi_not_in_plan", "dpi")
		requireV1Error(t, c.do("POST", "/api/v1/campaigns/"+cid+"/jobs", user, map[string]any{"beneficiaries": []any{}}), 422, "campaign.no_beneficiaries", "beneficiaries")

		// A job within quota: 202 pending, then completed by the worker.
		res = c.do("POST", "/api/v1/campaigns/"+cid+"/jobs", user, map[string]any{"beneficiaries": beneficiaries(3)})
		require.Equal(t, 202, res.Status, "%s", res.Body)
		j := res.JSON(t)
		jid := j["job_id"].(string)
		assert.Equal(t, "pending", j["status"])
		assert.Equal(t, float64(3), j["quota_consumed"])
		assert.Equal(t, float64(0), j["cost"])
		assert.Equal(t, float64(1.0), j["render_scale"])
		requireV1Error(t, c.do("GET", "/api/v1/jobs/"+jid+"/download/manifest", user, nil), 409, "campaign.job_not_completed", "")
		est := c.do("GET", "/api/v1/jobs/"+jid+"/estimate", user, nil)
		require.Equal(t, 200, est.Status, "%s", est.Body)
		assert.Equal(t, float64(2), est.JSON(t)["free_cards"], "3 of the quota of 5 are used now")
		assert.Equal(t, float64(10), est.JSON(t)["expected_cost_fcfa"])
		assert.Equal(t, false, est.JSON(t)["can_launch"])
		runDue(1)
		res = c.do("GET", "/api/v1/jobs/"+jid, user, nil)
		require.Equal(t, 200, res.Status, "%s", res.Body)
		j = res.JSON(t)
		assert.Equal(t, "completed", j["status"])
		assert.Equal(t, float64(3), j["cards_generated"])
		assert.Equal(t, float64(100), j["progress"])
		assert.Equal(t, float64(0), j["eta_seconds"])
		assert.NotNil(t, j["completed_at"])
		art := j["artifacts"].(map[string]any)
		assert.Equal(t, "/api/v1/jobs/"+jid+"/download/manifest", art["manifest_url"])
		assert.Nil(t, art["pdf_url"])
		assert.Equal(t, 404, c.do("GET", "/api/v1/jobs/"+jid, other, nil).Status)
		detail := c.do("GET", "/api/v1/campaigns/"+cid, user, nil).JSON(t)
		assert.Equal(t, float64(3), detail["total_cards"])
		assert.Equal(t, "completed", detail["status"])
		assert.Len(t, detail["jobs"], 1)

		res = c.do("GET", "/api/v1/jobs/"+jid+"/download/manifest", user, nil)
		require.Equal(t, 200, res.Status, "%s", res.Body)
		assert.Contains(t, res.Header.Get("Content-Disposition"), "manifest.json")
		var m manifestDoc
		require.NoError(t, json.Unmarshal(res.Body, &m))
		require.Len(t, m.Cards, 3)
		assert.True(t, m.IncludeMPIID)
		assert.Empty(t, m.MPINote, "every row got an MPI id")
		codeRE := regexp.MustCompile(`^DKR-VAC-[0-9A-Z]{8}$`)
		mpiRE := regexp.MustCompile(`^SN-DKR-[0-9]{2}-[0-9A-Z]{8}$`)
		people := map[string]bool{}
		for i, cd := range m.Cards {
			assert.Equal(t, i, cd.Row)
			assert.Regexp(t, codeRE, cd.CardCode)
			assert.Regexp(t, mpiRE, cd.MPIID, "registered in the campaign's region and the programme's country")
			people[cd.MPIID] = true
			assert.Equal(t, campaign.QRToken([]byte(cardKey), cd.MPIID, "DKR-VAC", cd.CardCode), cd.QRToken, "§15.15 token over the MPI id")
		}
		assert.Len(t, people, 3, "three people, three ids")
		assert.Equal(t, "Diopa", m.Cards[0].LastName)
		res = c.do("GET", "/api/v1/jobs/"+jid+"/download/registry", user, nil)
		require.Equal(t, 200, res.Status, "%s", res.Body)
		reg, ok := campaign.VerifyRegistry([]byte(cardKey), res.Body)
		require.True(t, ok, "the registry is signed with the card key")
		assert.Len(t, reg.Entries, 6, "one entry per token and per code")
		assert.Equal(t, "valid", reg.Entries[campaign.Hash(m.Cards[0].QRToken)].Status)
		assert.Equal(t, "valid", reg.Entries[campaign.Hash(m.Cards[1].CardCode)].Status)
		assert.NotContains(t, string(res.Body), "Diop")
		assert.NotContains(t, string(res.Body), "BEN-")
		_, ok = campaign.VerifyRegistry([]byte(cardKey), []byte(strings.Replace(string(res.Body), `"valid"`, `"revoked"`, 1)))
		assert.False(t, ok, "a tampered registry fails")
		for _, a := range []string{"pdf", "zip", "portal"} {
			requireV1Error(t, c.do("GET", "/api/v1/jobs/"+jid+"/download/"+a, user, nil), 501, "campaign.rendering_not_implemented", "")
		}
		requireV1Error(t, c.do("GET", "/api/v1/jobs/"+jid+"/download/docx", user, nil), 422, "campaign.invalid_artifact", "artifact")

		// Verification online: no PII, scans counted, distribution event written.
		card := m.Cards[0]
		res = c.do("GET", "/api/v1/verify/"+card.CardCode, "", nil)
		require.Equal(t, 200, res.Status, "%s", res.Body)
		v := res.JSON(t)
		assert.Equal(t, true, v["valid"])
		assert.Equal(t, "DKR-VAC", v["campaign"])
		assert.NotContains(t, string(res.Body), "Diop")
		assert.NotContains(t, string(res.Body), "BEN-")
		res = c.do("GET", "/api/v1/verify/ref/"+strings.ToLower(card.CardCode[len(card.CardCode)-8:]), "", nil)
		require.Equal(t, 200, res.Status, "%s", res.Body)
		assert.Equal(t, card.CardCode, res.JSON(t)["card_code"])
		res = c.do("POST", "/api/v1/verify/qr", "", map[string]any{"payload": card.QRToken})
		require.Equal(t, 200, res.Status, "%s", res.Body)
		assert.Equal(t, "qr_scan", res.JSON(t)["channel"])
		requireV1Error(t, c.do("POST", "/api/v1/verify/qr", "", map[string]any{"payload": strings.Repeat("a", 64)}), 404, "verify.not_found", "")
		requireV1Error(t, c.do("POST", "/api/v1/verify/qr", "", map[string]any{"payload": "OOMUS:x"}), 422, "verify.invalid_token", "payload")
		requireV1Error(t, c.do("GET", "/api/v1/verify/DKR-VAC-00000000", "", nil), 404, "verify.not_found", "")
		requireV1Error(t, c.do("GET", "/api/v1/verify/nonsense", "", nil), 422, "verify.invalid_code", "code")
		st := c.do("GET", "/api/v1/verify/campaign/"+cid+"/stats", user, nil)
		require.Equal(t, 200, st.Status, "%s", st.Body)
		assert.Equal(t, float64(3), st.JSON(t)["total_cards"])
		assert.Equal(t, float64(1), st.JSON(t)["verified_cards"])
		assert.Equal(t, 33.3, st.JSON(t)["verification_rate"])
		assert.NotNil(t, st.JSON(t)["last_verification_at"])
		assert.Equal(t, 404, c.do("GET", "/api/v1/verify/campaign/"+cid+"/stats", other, nil).Status)

		// Verification offline: the exported registry recognises the card.
		res = c.do("GET", "/api/v1/verify/campaign/"+cid+"/offline", user, nil)
		require.Equal(t, 200, res.Status, "%s", res.Body)
		reg, ok = campaign.VerifyRegistry([]byte(cardKey), res.Body)
		require.True(t, ok)
		assert.Equal(t, 3, reg.TotalCards)
		assert.Equal(t, "valid", reg.Entries[campaign.Hash(card.QRToken)].Status, "a scanned token is found offline")
		assert.Equal(t, "code", reg.Entries[campaign.Hash(card.CardCode)].Kind, "a typed code is found offline")
		_, found := reg.Entries[campaign.Hash(strings.Repeat("b", 64))]
		assert.False(t, found)

		// Over quota: 402 with the expected cost and the balance.
		res = c.do("POST", "/api/v1/campaigns/"+cid+"/jobs", user, map[string]any{"beneficiaries": beneficiaries(4)})
		require.Equal(t, 402, res.Status, "%s", res.Body)
		assert.Equal(t, float64(20), res.JSON(t)["expected_cost_fcfa"], "2 free, 2 billed at 10")
		assert.Equal(t, float64(0), res.JSON(t)["balance_fcfa"])
		res = c.do("POST", "/api/v1/campaigns/"+cid+"/jobs", user, map[string]any{"beneficiaries": beneficiaries(13)})
		require.Equal(t, 402, res.Status, "%s", res.Body)
		assert.Equal(t, "billing.quota_hard_limit", res.JSON(t)["code"], "3 + 13 passes 3 × 5")
		// A 10,000-row upload (over the 1 MiB default body limit) is read and
		// judged on its merits; a body over the job route's own cap is 413.
		big := map[string]any{"beneficiaries": beneficiaries(campaign.MaxBeneficiaries)}
		if raw, err := json.Marshal(big); assert.NoError(t, err) {
			assert.Greater(t, len(raw), 1<<20)
		}
		res = c.do("POST", "/api/v1/campaigns/"+cid+"/jobs", user, big)
		require.Equal(t, 402, res.Status, "%s", res.Body)
		assert.Equal(t, "billing.quota_hard_limit", res.JSON(t)["code"])
		huge := beneficiaries(1)
		huge[0]["notes"] = strings.Repeat("x", 17<<20)
		requireV1Error(t, c.do("POST", "/api/v1/campaigns/"+cid+"/jobs", user, map[string]any{"beneficiaries": huge}), 413, "request.too_large", "")
		requireV1Error(t, c.do("POST", "/api/v1/campaigns", user, map[string]any{"name": strings.Repeat("x", 2<<20), "campaign_type": "mild", "prefix": "BIG"}), 413, "request.too_large", "")
		rr := c.do("POST", "/api/v1/billing/recharge-requests", user, map[string]any{"amount_fcfa": 1000, "payment_method": "cash"})
		require.Equal(t, 202, rr.Status, "%s", rr.Body)
		require.Equal(t, 200, c.do("PATCH", "/api/v1/admin/recharge-requests/"+rr.JSON(t)["request_id"].(string)+"/validate", admin, map[string]any{}).Status)
		res = c.do("POST", "/api/v1/campaigns/"+cid+"/jobs/", user, map[string]any{"beneficiaries": beneficiaries(4), "include_mpi_id": false})
		require.Equal(t, 202, res.Status, "%s", res.Body)
		paid := res.JSON(t)
		assert.Equal(t, float64(20), paid["cost"])
		assert.Equal(t, float64(980), c.do("GET", "/api/v1/billing/balance", user, nil).JSON(t)["balance_fcfa"])

		// Cancel while pending: quota and overage refunded with a refund transaction.
		res = c.do("POST", "/api/v1/jobs/"+paid["job_id"].(string)+"/cancel", user, nil)
		require.Equal(t, 200, res.Status, "%s", res.Body)
		assert.Equal(t, "cancelled", res.JSON(t)["status"])
		assert.Equal(t, float64(4), res.JSON(t)["quota_refunded"])
		assert.NotNil(t, res.JSON(t)["cancelled_at"])
		requireV1Error(t, c.do("POST", "/api/v1/jobs/"+paid["job_id"].(string)+"/cancel", user, nil), 409, "campaign.job_not_cancellable", "")
		assert.Equal(t, float64(1000), c.do("GET", "/api/v1/billing/balance", user, nil).JSON(t)["balance_fcfa"])
		refunds := c.do("GET", "/api/v1/billing/transactions?tx_type=refund", user, nil).JSON(t)
		require.Equal(t, float64(1), refunds["total"])
		assert.Equal(t, float64(20), refunds["items"].([]any)[0].(map[string]any)["amount"])
		runDue(0)

		// A job whose campaign is archived before it runs fails, refunded.
		res = c.do("POST", "/api/v1/campaigns/"+cid+"/jobs", user, map[string]any{"beneficiaries": beneficiaries(2)})
		require.Equal(t, 202, res.Status, "%s", res.Body)
		failID := res.JSON(t)["job_id"].(string)
		assert.Equal(t, float64(0), res.JSON(t)["cost"], "the cancelled job's quota came back")
		require.Equal(t, 204, c.do("DELETE", "/api/v1/campaigns/"+cid, user, nil).Status)
		runDue(1)
		res = c.do("GET", "/api/v1/jobs/"+failID, user, nil)
		require.Equal(t, 200, res.Status)
		f := res.JSON(t)
		assert.Equal(t, "failed", f["status"])
		assert.Contains(t, f["error"], "archived")
		assert.Equal(t, float64(2), f["quota_refunded"])
		assert.NotNil(t, f["failed_at"])
		assert.Equal(t, float64(2), c.do("GET", "/api/v1/billing/transactions?tx_type=refund", user, nil).JSON(t)["total"])
		jobs := c.do("GET", "/api/v1/jobs/", user, nil).JSON(t)
		assert.Equal(t, float64(3), jobs["total"])
		assert.Equal(t, float64(0), c.do("GET", "/api/v1/jobs", other, nil).JSON(t)["total"])
		// The archived campaign's cards stay verifiable.
		assert.Equal(t, 200, c.do("GET", "/api/v1/verify/"+m.Cards[2].CardCode, "", nil).Status)

		// Distribution events: authenticated, batched, idempotent.
		batch := map[string]any{"events": []any{
			map[string]any{"client_event_id": "ext-1", "region": "Dakar", "channel": "sms", "event_type": "delivered", "count": 40},
			map[string]any{"client_event_id": "ext-2", "region": "Thiès", "channel": "whatsapp", "event_type": "failed", "count": 2, "campaign_id": otherCID},
		}}
		requireV1Error(t, c.do("POST", "/api/v1/distribution/events", user, batch), 422, "campaign.not_found", "events[1].campaign_id")
		batch["events"].([]any)[1].(map[string]any)["campaign_id"] = cid
		assert.Equal(t, 401, c.do("POST", "/api/v1/distribution/events", "", batch).Status)
		res = c.do("POST", "/api/v1/distribution/events", user, batch)
		require.Equal(t, 200, res.Status, "%s", res.Body)
		assert.Equal(t, float64(2), res.JSON(t)["accepted"])
		res = c.do("POST", "/api/v1/distribution/events", user, batch)
		require.Equal(t, 200, res.Status, "%s", res.Body)
		assert.Equal(t, float64(0), res.JSON(t)["accepted"])
		assert.Equal(t, float64(2), res.JSON(t)["duplicates"])
		requireV1Error(t, c.do("POST", "/api/v1/distribution/events", user, map[string]any{"events": []any{
			map[string]any{"client_event_id": "ext-3", "region": "Dakar", "channel": "fax", "event_type": "sent", "count": 1}}}), 422, "distribution.invalid_event", "events[0].channel")
	})
}

// TestCampaignJobSurvivesRestart stops the server while a job is generating
// and starts another on the same database: the new one resumes after the
// last stored lot and completes, each beneficiary with exactly one card.
func TestCampaignJobSurvivesRestart(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d sqlstore.Dialect) {
		url := sqltest.URL(t, d)
		cfg := campaignConfig(t, url)
		s1 := startWithClock(t, cfg, testkit.NewClock(time.Now().Add(-time.Hour)))
		user := billingLogin(t, s1.client, url, false)
		res := s1.do("POST", "/api/v1/campaigns", user, map[string]any{"name": "Restart", "campaign_type": "nutrition", "prefix": "THS-NUT"})
		require.Equal(t, 201, res.Status, "%s", res.Body)
		const n = 6000
		res = s1.do("POST", "/api/v1/campaigns/"+res.JSON(t)["id"].(string)+"/jobs", user, map[string]any{"beneficiaries": beneficiaries(n)})
		require.Equal(t, 202, res.Status, "%s", res.Body)
		jid := res.JSON(t)["job_id"].(string)
		deadline := time.Now().Add(60 * time.Second)
		for {
			j := s1.do("GET", "/api/v1/jobs/"+jid, user, nil).JSON(t)
			if j["cards_generated"].(float64) > 0 {
				break
			}
			require.True(t, time.Now().Before(deadline), "the job never started")
			time.Sleep(2 * time.Millisecond)
		}
		s1.stop() // shutdown cancels the running handler; its job is released
		db, err := sqlstore.Open(context.Background(), url)
		require.NoError(t, err)
		mid, err := sqlstore.NewCampaignStore(db).CardJob(context.Background(), jid)
		require.NoError(t, err)
		require.NoError(t, db.Close())
		require.Equal(t, campaign.JobGenerating, mid.Status, "stopped in the middle of the job")
		require.Greater(t, mid.CardsGenerated, int64(0))
		require.Less(t, mid.CardsGenerated, int64(n))
		t.Logf("stopped after %d of %d cards", mid.CardsGenerated, n)
		s2 := startWithClock(t, cfg, testkit.NewClock(time.Now().Add(-time.Hour)))
		var j map[string]any
		for {
			j = s2.do("GET", "/api/v1/jobs/"+jid, user, nil).JSON(t)
			if j["status"] == "completed" || j["status"] == "failed" {
				break
			}
			require.True(t, time.Now().Before(deadline), "the job never completed: %v", j)
			time.Sleep(20 * time.Millisecond)
		}
		assert.Equal(t, "completed", j["status"])
		assert.Equal(t, float64(n), j["cards_generated"])
		res = s2.do("GET", "/api/v1/jobs/"+jid+"/download/manifest", user, nil)
		require.Equal(t, 200, res.Status)
		var m manifestDoc
		require.NoError(t, json.Unmarshal(res.Body, &m))
		require.Len(t, m.Cards, n)
		codes := map[string]bool{}
		for i, cd := range m.Cards {
			require.Equal(t, i, cd.Row)
			codes[cd.CardCode] = true
		}
		assert.Len(t, codes, n, "every code is unique")
	})
}

// TestCardJobsAssignMPIIDs: include_mpi_id registers each row in the MPI
// with its rules: people already registered keep their id, new ones get
// one; a campaign without a region code, or a job that did not ask, gets
// none and the manifest says why.
func TestCardJobsAssignMPIIDs(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d sqlstore.Dialect) {
		url := sqltest.URL(t, d)
		s := startWithClock(t, campaignConfig(t, url), testkit.NewClock(time.Now().Add(-time.Hour)))
		c := s.client
		require.NoError(t, s.runner.Stop(context.Background()))
		admin := billingLogin(t, c, url, true)
		user := billingLogin(t, c, url, false)
		require.Equal(t, 200, c.do("PUT", "/api/v1/billing/quota-plans/starter", admin, map[string]any{"studio_print_quota": 100, "sp_price_per_card": 10}).Status)
		manifest := func(campaignID string, body map[string]any) manifestDoc {
			t.Helper()
			res := c.do("POST", "/api/v1/campaigns/"+campaignID+"/jobs", user, body)
			require.Equal(t, 202, res.Status, "%s", res.Body)
			jid := res.JSON(t)["job_id"].(string)
			n, err := s.runner.RunDue(context.Background())
			require.NoError(t, err)
			require.Equal(t, 1, n)
			res = c.do("GET", "/api/v1/jobs/"+jid+"/download/manifest", user, nil)
			require.Equal(t, 200, res.Status, "%s", res.Body)
			var m manifestDoc
			require.NoError(t, json.Unmarshal(res.Body, &m))
			return m
		}
		newCampaign := func(body map[string]any) string {
			res := c.do("POST", "/api/v1/campaigns", user, body)
			require.Equal(t, 201, res.Status, "%s", res.Body)
			return res.JSON(t)["id"].(string)
		}
		ths := newCampaign(map[string]any{"name": "Vaccination Thiès", "campaign_type": "vaccination", "prefix": "THS-VAC"})

		first := manifest(ths, map[string]any{"beneficiaries": beneficiaries(3)})
		require.Len(t, first.Cards, 3)
		assert.Empty(t, first.MPINote)
		for _, cd := range first.Cards {
			assert.Regexp(t, `^SN-THS-[0-9]{2}-[0-9A-Z]{8}$`, cd.MPIID, "region from the prefix")
		}
		rows := beneficiaries(4) // the same three people and a fourth
		second := manifest(ths, map[string]any{"beneficiaries": rows})
		require.Len(t, second.Cards, 4)
		for i := range 3 {
			assert.Equal(t, first.Cards[i].MPIID, second.Cards[i].MPIID, "row %d: a registered person keeps their id", i)
		}
		assert.NotEmpty(t, second.Cards[3].MPIID)
		assert.NotContains(t, []string{first.Cards[0].MPIID, first.Cards[1].MPIID, first.Cards[2].MPIID}, second.Cards[3].MPIID)

		noMPI := manifest(ths, map[string]any{"beneficiaries": beneficiaries(2), "include_mpi_id": false})
		assert.False(t, noMPI.IncludeMPIID)
		assert.Empty(t, noMPI.MPINote)
		assert.Empty(t, noMPI.Cards[0].MPIID)
		assert.Equal(t, campaign.QRToken([]byte(cardKey), "", "THS-VAC", noMPI.Cards[0].CardCode), noMPI.Cards[0].QRToken)

		nowhere := newCampaign(map[string]any{"name": "Nutrition", "campaign_type": "nutrition", "prefix": "NUTRI-1"})
		m := manifest(nowhere, map[string]any{"beneficiaries": beneficiaries(1)})
		assert.Contains(t, m.MPINote, "no three-letter region code")
		assert.Empty(t, m.Cards[0].MPIID)
	})
}
