package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/kente-gov/kente/app/billingv1svc"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/core/programme"
)

var errBillingV1Unavailable = fault.New(fault.Unavailable, "billing.unavailable", "Billing is not configured")

// registerBillingV1 adds the Oomus billing routes (openapi/billing_v1.yaml):
// quota plans, balance, ledger, usage, recharge requests and their admin
// queue, plan changes, premium modules, invoices, and the platform stats.
func registerBillingV1(r *router, s *server) {
	const b = "/api/v1/billing"
	r.handleV1(http.MethodGet, b+"/quota-plans", identity.Public, s.v1QuotaPlans, collection())
	r.handleV1(http.MethodPut, b+"/quota-plans/:plan", identity.Admin, s.v1PutQuotaPlan)
	r.handleV1(http.MethodGet, b+"/balance", identity.Authenticated, s.v1Balance)
	r.handleV1(http.MethodGet, b+"/transactions", identity.Authenticated, s.v1Transactions, collection())
	r.handleV1(http.MethodGet, b+"/ledger", identity.Authenticated, s.v1Ledger)
	r.handleV1(http.MethodGet, b+"/my-usage", identity.Authenticated, s.v1MyUsage)
	r.handleV1(http.MethodPost, b+"/recharge-requests", identity.Authenticated, s.v1CreateRecharge, collection())
	r.handleV1(http.MethodGet, b+"/recharge-requests", identity.Authenticated, s.v1MyRecharges, collection())
	r.handleV1(http.MethodPost, b+"/change-plan", identity.Authenticated, s.v1ChangePlan)
	r.handleV1(http.MethodGet, b+"/premium-modules", identity.Authenticated, s.moduleList((*billingv1svc.Service).Modules, true), collection())
	r.handleV1(http.MethodGet, b+"/premium-modules/active", identity.Authenticated, s.moduleList((*billingv1svc.Service).ActiveModules, true))
	r.handleV1(http.MethodPost, b+"/premium-modules/activate", identity.Authenticated, s.v1ActivateModule)
	r.handleV1(http.MethodPost, b+"/premium-modules/deactivate", identity.Authenticated, s.v1DeactivateModule)
	r.handleV1(http.MethodDelete, b+"/premium-modules/:module_key", identity.Authenticated, s.v1DeleteModule)
	r.handleV1(http.MethodGet, b+"/premium-modules/:module_key/access", identity.Authenticated, s.v1ModuleAccess)
	r.handleV1(http.MethodGet, b+"/my-modules", identity.Authenticated, s.moduleList((*billingv1svc.Service).Modules, false))
	for _, inv := range []string{b + "/invoices", b + "/v2/invoices"} {
		r.handleV1(http.MethodGet, inv, identity.Authenticated, s.v1Invoices, collection())
		r.handleV1(http.MethodGet, inv+"/:invoice_id", identity.Authenticated, s.v1Invoice)
		r.handleV1(http.MethodGet, inv+"/:invoice_id/verify", identity.Authenticated, s.v1VerifyInvoice)
		r.handleV1(http.MethodGet, inv+"/:invoice_id/pdf", identity.Authenticated, s.v1InvoicePDF)
	}
	r.handleV1(http.MethodGet, "/api/v1/admin/recharge-requests", identity.Admin, s.v1AdminRecharges, collection())
	r.handleV1(http.MethodPatch, "/api/v1/admin/recharge-requests/:request_id/validate", identity.Admin, s.v1ValidateRecharge)
	r.handleV1(http.MethodPatch, "/api/v1/admin/recharge-requests/:request_id/reject", identity.Admin, s.v1RejectRecharge)
	r.handleV1(http.MethodGet, "/api/v1/admin/stats", identity.Admin, s.v1AdminStats)
}

// billingActor returns the service and the caller, or renders 503/401.
func (s *server) billingActor(c *gin.Context) (*billingv1svc.Service, billingv1svc.Actor, bool) {
	if s.billingV1 == nil {
		fail(c, errBillingV1Unavailable)
		return nil, billingv1svc.Actor{}, false
	}
	p, ok := v1Principal(c)
	if !ok {
		return nil, billingv1svc.Actor{}, false
	}
	return s.billingV1, billingv1svc.Actor{ProgrammeID: p.ProgrammeID, UserID: p.UserID, Role: p.Role, IsAdmin: p.IsAdmin,
		IP: c.ClientIP(), UserAgent: c.Request.UserAgent()}, true
}

// pageQuery reads limit and offset.
func pageQuery(c *gin.Context) (int, int, bool) {
	limit, err := intParam(c, "limit", 0)
	if err != nil {
		fail(c, err)
		return 0, 0, false
	}
	offset, err := intParam(c, "offset", 0)
	if err != nil {
		fail(c, err)
		return 0, 0, false
	}
	return limit, offset, true
}

// billingTime formats a billing timestamp (ISO 8601 UTC with Z).
func billingTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func billingTimePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	v := billingTime(*t)
	return &v
}

type quotaPlanOut struct {
	Plan                    string   `json:"plan"`
	DisplayName             string   `json:"display_name"`
	MonthlySubscriptionFCFA int64    `json:"monthly_subscription_fcfa"`
	StudioPrintQuota        int64    `json:"studio_print_quota"`
	BeneficiaryQuota        int64    `json:"beneficiary_quota"`
	SMSQuota                int64    `json:"sms_quota"`
	WhatsAppQuota           int64    `json:"whatsapp_quota"`
	VerificationsQuota      int64    `json:"verifications_quota"`
	StorageGB               int64    `json:"storage_gb"`
	OverageBeneficiaryFCFA  int64    `json:"overage_beneficiary_fcfa"`
	OverageSMSFCFA          int64    `json:"overage_sms_fcfa"`
	OverageWhatsAppFCFA     int64    `json:"overage_whatsapp_fcfa"`
	InfraFactor             float64  `json:"infra_factor"`
	SPPricePerCard          int64    `json:"sp_price_per_card"`
	SPDHIS2Price            int64    `json:"sp_dhis2_price"`
	SPQualitySurcharge      int64    `json:"sp_quality_surcharge"`
	Modules                 []string `json:"modules"`
}

func toQuotaPlanOut(p programme.QuotaPlan) quotaPlanOut {
	mods := programme.BundledModules(p.Plan)
	if mods == nil {
		mods = []string{}
	}
	return quotaPlanOut{Plan: p.Plan, DisplayName: p.DisplayName, MonthlySubscriptionFCFA: p.MonthlySubscriptionFCFA,
		StudioPrintQuota: p.StudioPrintQuota, BeneficiaryQuota: p.BeneficiaryQuota, SMSQuota: p.SMSQuota, WhatsAppQuota: p.WhatsAppQuota,
		VerificationsQuota: p.VerificationsQuota, StorageGB: p.StorageGB, OverageBeneficiaryFCFA: p.OverageBeneficiaryFCFA,
		OverageSMSFCFA: p.OverageSMSFCFA, OverageWhatsAppFCFA: p.OverageWhatsAppFCFA, InfraFactor: p.InfraFactor,
		SPPricePerCard: p.SPPricePerCard, SPDHIS2Price: p.SPDHIS2Price, SPQualitySurcharge: p.SPQualitySurcharge, Modules: mods}
}

func (s *server) v1QuotaPlans(c *gin.Context) {
	if s.billingV1 == nil {
		fail(c, errBillingV1Unavailable)
		return
	}
	plans, err := s.billingV1.QuotaPlans(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	out := mapSlice(plans, toQuotaPlanOut)
	c.JSON(http.StatusOK, out)
}

func (s *server) v1PutQuotaPlan(c *gin.Context) {
	svc, a, ok := s.billingActor(c)
	if !ok {
		return
	}
	var in struct {
		DisplayName             *string  `json:"display_name"`
		MonthlySubscriptionFCFA *int64   `json:"monthly_subscription_fcfa"`
		StudioPrintQuota        *int64   `json:"studio_print_quota"`
		BeneficiaryQuota        *int64   `json:"beneficiary_quota"`
		SMSQuota                *int64   `json:"sms_quota"`
		WhatsAppQuota           *int64   `json:"whatsapp_quota"`
		VerificationsQuota      *int64   `json:"verifications_quota"`
		VerificationQuota       *int64   `json:"verification_quota"` // older spelling
		StorageGB               *int64   `json:"storage_gb"`
		OverageBeneficiaryFCFA  *int64   `json:"overage_beneficiary_fcfa"`
		OverageSMSFCFA          *int64   `json:"overage_sms_fcfa"`
		OverageWhatsAppFCFA     *int64   `json:"overage_whatsapp_fcfa"`
		InfraFactor             *float64 `json:"infra_factor"`
		SPPricePerCard          *int64   `json:"sp_price_per_card"`
		SPDHIS2Price            *int64   `json:"sp_dhis2_price"`
		SPQualitySurcharge      *int64   `json:"sp_quality_surcharge"`
	}
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	if in.VerificationsQuota == nil {
		in.VerificationsQuota = in.VerificationQuota
	}
	p, err := svc.UpdateQuotaPlan(c.Request.Context(), a, c.Param("plan"), billingv1svc.QuotaPlanChange{
		DisplayName: in.DisplayName, MonthlySubscriptionFCFA: in.MonthlySubscriptionFCFA, StudioPrintQuota: in.StudioPrintQuota,
		BeneficiaryQuota: in.BeneficiaryQuota, SMSQuota: in.SMSQuota, WhatsAppQuota: in.WhatsAppQuota, VerificationsQuota: in.VerificationsQuota,
		StorageGB: in.StorageGB, OverageBeneficiaryFCFA: in.OverageBeneficiaryFCFA, OverageSMSFCFA: in.OverageSMSFCFA,
		OverageWhatsAppFCFA: in.OverageWhatsAppFCFA, InfraFactor: in.InfraFactor, SPPricePerCard: in.SPPricePerCard,
		SPDHIS2Price: in.SPDHIS2Price, SPQualitySurcharge: in.SPQualitySurcharge})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toQuotaPlanOut(p))
}

// remaining is quota − used, -1 for an unlimited quota.
func remaining(quota, used int64) int64 {
	if quota == programme.Unlimited {
		return programme.Unlimited
	}
	return max(quota-used, 0)
}

func (s *server) v1Balance(c *gin.Context) {
	svc, a, ok := s.billingActor(c)
	if !ok {
		return
	}
	v, err := svc.Balance(c.Request.Context(), a)
	if err != nil {
		fail(c, err)
		return
	}
	p, u := v.Plan, v.Usage
	c.JSON(http.StatusOK, gin.H{
		"account_id": v.Programme.ID, "plan": p.Plan, "plan_display_name": p.DisplayName, "balance_fcfa": v.Programme.BalanceFCFA,
		"monthly_subscription_fcfa": p.MonthlySubscriptionFCFA, "currency": "XOF", "quota_reset_date": v.QuotaResetDate.Format("2006-01-02"),
		"quota": gin.H{
			"identities_total": p.StudioPrintQuota, "identities_used": u.IdentitiesUsed, "identities_remaining": remaining(p.StudioPrintQuota, u.IdentitiesUsed),
			"sms_total": p.SMSQuota, "sms_used": u.SMSSent, "sms_remaining": remaining(p.SMSQuota, u.SMSSent),
			"whatsapp_total": p.WhatsAppQuota, "whatsapp_used": u.WhatsAppSent, "whatsapp_remaining": remaining(p.WhatsAppQuota, u.WhatsAppSent),
			"verifications_total": p.VerificationsQuota, "storage_gb_total": p.StorageGB,
		},
	})
}

type transactionOut struct {
	ID               string  `json:"id"`
	TxType           string  `json:"tx_type"`
	Amount           int64   `json:"amount"`
	AmountFCFA       int64   `json:"amount_fcfa"`
	Description      string  `json:"description"`
	CardCount        int64   `json:"card_count"`
	Reference        string  `json:"reference"`
	BalanceAfterFCFA int64   `json:"balance_after_fcfa"`
	InvoiceID        *string `json:"invoice_id"`
	CreatedAt        string  `json:"created_at"`
}

func toTransactionOut(e programme.LedgerEntry) transactionOut {
	var inv *string
	if e.InvoiceID != "" {
		inv = &e.InvoiceID
	}
	return transactionOut{ID: e.ID, TxType: string(e.Type), Amount: e.AmountFCFA, AmountFCFA: e.AmountFCFA, Description: e.Description,
		CardCount: e.CardCount, Reference: e.Reference, BalanceAfterFCFA: e.BalanceAfterFCFA, InvoiceID: inv, CreatedAt: billingTime(e.CreatedAt)}
}

func (s *server) v1Transactions(c *gin.Context) {
	svc, a, ok := s.billingActor(c)
	if !ok {
		return
	}
	limit, offset, ok := pageQuery(c)
	if !ok {
		return
	}
	txType := c.Query("tx_type")
	if txType == "" {
		txType = c.Query("type")
	}
	pg, err := svc.Ledger(c.Request.Context(), a, txType, limit, offset)
	if err != nil {
		fail(c, err)
		return
	}
	items := mapSlice(pg.Entries, toTransactionOut)
	c.JSON(http.StatusOK, gin.H{"total": pg.Total, "items": items})
}

type invoiceOut struct {
	ID            string `json:"id"`
	InvoiceNumber string `json:"invoice_number"`
	InvoiceType   string `json:"invoice_type"`
	Status        string `json:"status"`
	TotalFCFA     int64  `json:"total_fcfa"`
	BillingPeriod string `json:"billing_period"`
	IssuedAt      string `json:"issued_at"`
	SignatureHash string `json:"signature_hash"`
}

func toInvoiceOut(inv programme.Invoice) invoiceOut {
	return invoiceOut{ID: inv.ID, InvoiceNumber: inv.Number, InvoiceType: string(inv.Type), Status: inv.Status, TotalFCFA: inv.TotalFCFA,
		BillingPeriod: inv.BillingPeriod, IssuedAt: billingTime(inv.IssuedAt), SignatureHash: inv.SignatureHash}
}

func (s *server) v1Ledger(c *gin.Context) {
	svc, a, ok := s.billingActor(c)
	if !ok {
		return
	}
	limit, offset, ok := pageQuery(c)
	if !ok {
		return
	}
	pg, err := svc.Ledger(c.Request.Context(), a, c.Query("tx_type"), limit, offset)
	if err != nil {
		fail(c, err)
		return
	}
	with, without := 0, 0
	entries := make([]gin.H, len(pg.Entries))
	for i, e := range pg.Entries {
		debit := e.AmountFCFA < 0
		var inv any
		if e.InvoiceID != "" {
			inv = toInvoiceOut(pg.Invoices[e.InvoiceID])
		}
		if debit && e.InvoiceID != "" {
			with++
		} else if debit {
			without++
		}
		var invID *string
		if e.InvoiceID != "" {
			invID = &pg.Entries[i].InvoiceID
		}
		entries[i] = gin.H{"id": e.ID, "description": e.Description, "amount": e.AmountFCFA, "tx_type": string(e.Type), "is_debit": debit,
			"invoice_id": invID, "audited": !debit || e.InvoiceID != "", "invoice": inv, "balance_after_fcfa": e.BalanceAfterFCFA,
			"created_at": billingTime(e.CreatedAt)}
	}
	c.JSON(http.StatusOK, gin.H{"programme_id": a.ProgrammeID, "total_entries": pg.Total, "debits_with_invoice": with,
		"debits_without_invoice": without, "entries": entries})
}

func (s *server) v1MyUsage(c *gin.Context) {
	svc, a, ok := s.billingActor(c)
	if !ok {
		return
	}
	u, err := svc.MyUsage(c.Request.Context(), a)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"period": u.Period, "identities_used": u.IdentitiesUsed, "studio_cards": u.StudioCards,
		"dhis2_cards": u.DHIS2Cards, "sms_sent": u.SMSSent, "whatsapp_sent": u.WhatsAppSent, "storage_gb_used": u.StorageGBUsed})
}

type rechargeOut struct {
	RequestID     string          `json:"request_id"`
	ProgrammeID   string          `json:"programme_id"`
	AmountFCFA    int64           `json:"amount_fcfa"`
	PaymentMethod string          `json:"payment_method"`
	Reference     string          `json:"reference"`
	Notes         string          `json:"notes"`
	Status        string          `json:"status"`
	DecisionNotes string          `json:"decision_notes"`
	DecidedAt     *string         `json:"decided_at"`
	CreatedAt     string          `json:"created_at"`
	Message       string          `json:"message,omitempty"`
	Transaction   *transactionOut `json:"transaction,omitempty"`
}

func toRechargeOut(r programme.RechargeRequest) rechargeOut {
	return rechargeOut{RequestID: r.ID, ProgrammeID: r.ProgrammeID, AmountFCFA: r.AmountFCFA, PaymentMethod: r.PaymentMethod,
		Reference: r.Reference, Notes: r.Notes, Status: r.Status, DecisionNotes: r.DecisionNotes, DecidedAt: billingTimePtr(r.DecidedAt),
		CreatedAt: billingTime(r.CreatedAt)}
}

func (s *server) v1CreateRecharge(c *gin.Context) {
	svc, a, ok := s.billingActor(c)
	if !ok {
		return
	}
	var in struct {
		AmountFCFA    int64  `json:"amount_fcfa"`
		PaymentMethod string `json:"payment_method"`
		Reference     string `json:"reference"`
		Notes         string `json:"notes"`
	}
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	r, err := svc.RequestRecharge(c.Request.Context(), a, billingv1svc.RechargeInput{AmountFCFA: in.AmountFCFA,
		PaymentMethod: in.PaymentMethod, Reference: in.Reference, Notes: in.Notes})
	if err != nil {
		fail(c, err)
		return
	}
	out := toRechargeOut(r)
	out.Message = "Recharge request received; the balance is credited once a platform administrator validates it"
	c.JSON(http.StatusAccepted, out)
}

func renderRecharges(c *gin.Context, pg billingv1svc.RechargePage) {
	items := mapSlice(pg.Items, toRechargeOut)
	c.JSON(http.StatusOK, gin.H{"total": pg.Total, "items": items})
}

func (s *server) v1MyRecharges(c *gin.Context) {
	svc, a, ok := s.billingActor(c)
	if !ok {
		return
	}
	limit, offset, ok := pageQuery(c)
	if !ok {
		return
	}
	pg, err := svc.MyRecharges(c.Request.Context(), a, limit, offset)
	if err != nil {
		fail(c, err)
		return
	}
	renderRecharges(c, pg)
}

func (s *server) v1AdminRecharges(c *gin.Context) {
	svc, a, ok := s.billingActor(c)
	if !ok {
		return
	}
	limit, offset, ok := pageQuery(c)
	if !ok {
		return
	}
	pg, err := svc.AdminRecharges(c.Request.Context(), a, c.Query("status"), limit, offset)
	if err != nil {
		fail(c, err)
		return
	}
	renderRecharges(c, pg)
}

// decisionNotes reads the optional {notes} body of validate/reject.
func decisionNotes(c *gin.Context) (string, bool) {
	var in struct {
		Notes string `json:"notes"`
	}
	if err := bindJSON(c, &in, false); err != nil {
		fail(c, err)
		return "", false
	}
	return in.Notes, true
}

func (s *server) v1ValidateRecharge(c *gin.Context) {
	svc, a, ok := s.billingActor(c)
	if !ok {
		return
	}
	notes, ok := decisionNotes(c)
	if !ok {
		return
	}
	d, err := svc.ValidateRecharge(c.Request.Context(), a, c.Param("request_id"), notes)
	if err != nil {
		fail(c, err)
		return
	}
	out := toRechargeOut(d.Request)
	if d.Entry != nil {
		t := toTransactionOut(*d.Entry)
		out.Transaction = &t
	}
	c.JSON(http.StatusOK, out)
}

func (s *server) v1RejectRecharge(c *gin.Context) {
	svc, a, ok := s.billingActor(c)
	if !ok {
		return
	}
	notes, ok := decisionNotes(c)
	if !ok {
		return
	}
	r, err := svc.RejectRecharge(c.Request.Context(), a, c.Param("request_id"), notes)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toRechargeOut(r))
}

func (s *server) v1ChangePlan(c *gin.Context) {
	svc, a, ok := s.billingActor(c)
	if !ok {
		return
	}
	var in struct {
		PlanAlias string `json:"plan_alias"`
		Plan      string `json:"plan"` // v4.2 name
	}
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	ch, err := svc.ChangePlan(c.Request.Context(), a, first(in.PlanAlias, in.Plan))
	if err != nil {
		fail(c, err)
		return
	}
	out := gin.H{"previous_plan": ch.PreviousPlan, "new_plan": ch.NewPlan, "effective_date": ch.EffectiveDate.UTC().Format("2006-01-02"),
		"modules_activated": ch.ModulesActivated, "invoice_number": nil, "amount_debited_fcfa": int64(0), "balance_fcfa": ch.Entry.BalanceAfterFCFA}
	if ch.Invoice != nil {
		out["invoice_number"], out["invoice_id"], out["amount_debited_fcfa"] = ch.Invoice.Number, ch.Invoice.ID, ch.Invoice.TotalFCFA
	}
	c.JSON(http.StatusOK, out)
}

func toModuleOut(v billingv1svc.ModuleView) gin.H {
	return gin.H{"id": v.Module.Key, "key": v.Module.Key, "name": v.Module.Label, "label": v.Module.Label, "description": v.Module.Description,
		"status": v.Status, "is_active": v.Status == programme.ModuleActive, "included_in_plan": v.IncludedInPlan, "plan": v.Plan,
		"monthly_cost": v.MonthlyCost, "activated_at": billingTimePtr(v.ActivatedAt)}
}

func renderModules(c *gin.Context, views []billingv1svc.ModuleView, wrap bool) {
	out := mapSlice(views, toModuleOut)
	if wrap {
		c.JSON(http.StatusOK, gin.H{"modules": out})
		return
	}
	c.JSON(http.StatusOK, out)
}

// moduleList answers a module listing from list; wrap puts it under
// "modules" (the catalogue and active views) or answers the bare array
// (my-modules).
func (s *server) moduleList(list func(*billingv1svc.Service, context.Context, billingv1svc.Actor) ([]billingv1svc.ModuleView, error), wrap bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		svc, a, ok := s.billingActor(c)
		if !ok {
			return
		}
		v, err := list(svc, c.Request.Context(), a)
		if err != nil {
			fail(c, err)
			return
		}
		renderModules(c, v, wrap)
	}
}

// moduleKey reads {module_key} (v5.6: module_id).
func moduleKey(c *gin.Context) (string, bool) {
	var in struct {
		ModuleKey string `json:"module_key"`
		ModuleID  string `json:"module_id"`
	}
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return "", false
	}
	key := first(in.ModuleKey, in.ModuleID)
	if key == "" {
		fail(c, fault.Field("module_key", "billing.module_key_required", "module_key is required"))
		return "", false
	}
	return key, true
}

func (s *server) v1ActivateModule(c *gin.Context) {
	svc, a, ok := s.billingActor(c)
	if !ok {
		return
	}
	key, ok := moduleKey(c)
	if !ok {
		return
	}
	act, err := svc.ActivateModule(c.Request.Context(), a, key)
	if err != nil {
		fail(c, err)
		return
	}
	out := gin.H{"module_id": key, "status": programme.ModuleActive, "activated_at": billingTimePtr(act.View.ActivatedAt),
		"billing_note": act.BillingNote, "invoice_number": nil}
	if act.Invoice != nil {
		out["invoice_number"] = act.Invoice.Number
	}
	c.JSON(http.StatusOK, out)
}

func (s *server) deactivate(c *gin.Context, key string) {
	svc, a, ok := s.billingActor(c)
	if !ok {
		return
	}
	if err := svc.DeactivateModule(c.Request.Context(), a, key); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"module_id": key, "status": programme.ModuleInactive})
}

func (s *server) v1DeactivateModule(c *gin.Context) {
	if s.billingV1 == nil {
		fail(c, errBillingV1Unavailable)
		return
	}
	key, ok := moduleKey(c)
	if !ok {
		return
	}
	s.deactivate(c, key)
}

func (s *server) v1DeleteModule(c *gin.Context) { s.deactivate(c, c.Param("module_key")) }

// v1ModuleAccess is the require_module check as a route: 204 when the
// module is active for the caller's programme, 403 naming it otherwise.
func (s *server) v1ModuleAccess(c *gin.Context) {
	p, ok := v1Principal(c)
	if !ok {
		return
	}
	key := c.Param("module_key")
	if _, known := programme.ModuleByKey(key); !known {
		fail(c, fault.New(fault.NotFound, billingv1svc.CodeUnknownModule, "Unknown module '"+key+"'"))
		return
	}
	if err := s.programmes.RequireModule(c.Request.Context(), p, key); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *server) v1Invoices(c *gin.Context) {
	svc, a, ok := s.billingActor(c)
	if !ok {
		return
	}
	limit, offset, ok := pageQuery(c)
	if !ok {
		return
	}
	pg, err := svc.Invoices(c.Request.Context(), a, limit, offset)
	if err != nil {
		fail(c, err)
		return
	}
	items := mapSlice(pg.Items, toInvoiceOut)
	c.JSON(http.StatusOK, gin.H{"total": pg.Total, "items": items})
}

func (s *server) v1Invoice(c *gin.Context) {
	svc, a, ok := s.billingActor(c)
	if !ok {
		return
	}
	inv, err := svc.Invoice(c.Request.Context(), a, c.Param("invoice_id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toInvoiceOut(inv))
}

func (s *server) v1VerifyInvoice(c *gin.Context) {
	svc, a, ok := s.billingActor(c)
	if !ok {
		return
	}
	inv, valid, err := svc.VerifyInvoice(c.Request.Context(), a, c.Param("invoice_id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"invoice_id": inv.ID, "invoice_number": inv.Number, "valid": valid, "algorithm": "HMAC-SHA256",
		"signature_hash": inv.SignatureHash})
}

func (s *server) v1InvoicePDF(c *gin.Context) {
	svc, a, ok := s.billingActor(c)
	if !ok {
		return
	}
	fail(c, svc.InvoicePDF(c.Request.Context(), a, c.Param("invoice_id")))
}

func (s *server) v1AdminStats(c *gin.Context) {
	svc, a, ok := s.billingActor(c)
	if !ok {
		return
	}
	st, err := svc.Stats(c.Request.Context(), a)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"programmes_total": st.ProgrammesTotal, "campaigns_total": st.CampaignsTotal, "jobs_total": st.JobsTotal,
		"cards_total": st.CardsTotal, "revenue_fcfa": st.RevenueFCFA})
}
