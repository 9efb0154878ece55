package httpapi

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/kente-gov/kente/app/insightsvc"
	"github.com/kente-gov/kente/core/analytics"
	"github.com/kente-gov/kente/core/campaign"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
)

// The premium modules that gate the AI optimizer and the analytics
// (oomus-platform §7.4, §15.20). /api/v1/analytics/summary is ungated.
const (
	AIOptimizerModule = "ai_optimizer"
	AnalyticsModule   = "advanced_analytics"
)

var errInsightsUnavailable = fault.New(fault.Unavailable, "insights.unavailable", "The AI optimizer and analytics are not configured")

// registerInsights adds the AI Campaign Optimizer and Advanced Analytics
// routes (openapi/insights.yaml, oomus-enterprise-modules 1 and 5).
func registerInsights(r *router, s *server) {
	ai := withModule(AIOptimizerModule)
	r.handleV1(http.MethodGet, "/api/v1/ai/insights", identity.Authenticated, s.insightsGET(s.aiInsights), ai)
	r.handleV1(http.MethodGet, "/api/v1/ai/health-score", identity.Authenticated, s.insightsGET(s.aiHealthScore), ai)
	r.handleV1(http.MethodGet, "/api/v1/ai/forecast", identity.Authenticated, s.insightsGET(s.aiForecast), ai)
	r.handleV1(http.MethodGet, "/api/v1/ai/recommendations", identity.Authenticated, s.insightsGET(s.aiRecommendations), ai)
	r.handleV1(http.MethodGet, "/api/v1/ai/anomalies", identity.Authenticated, s.insightsGET(s.aiAnomalies), ai)
	an := withModule(AnalyticsModule)
	r.handleV1(http.MethodGet, "/api/v1/analytics/summary", identity.Authenticated, s.insightsGET(s.analyticsSummary))
	r.handleV1(http.MethodGet, "/api/v1/analytics/studio-stats", identity.Authenticated, s.insightsGET(s.analyticsStudioStats), an)
	r.handleV1(http.MethodGet, "/api/v1/analytics/campaigns-timeline", identity.Authenticated, s.insightsGET(s.analyticsCampaignsTimeline), an)
	r.handleV1(http.MethodGet, "/api/v1/analytics/spend-timeline", identity.Authenticated, s.insightsGET(s.analyticsSpendTimeline), an)
	r.handleV1(http.MethodGet, "/api/v1/analytics/campaign-types", identity.Authenticated, s.insightsGET(s.analyticsCampaignTypes), an)
	r.handleV1(http.MethodGet, "/api/v1/analytics/top-campaigns", identity.Authenticated, s.insightsGET(s.analyticsTopCampaigns), an)
}

// insightsGET serves a read of the caller's programme: 503 without the
// service, then read's value as JSON 200, or its error.
func (s *server) insightsGET(read func(c *gin.Context, programmeID string) (any, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		if s.insights == nil {
			fail(c, errInsightsUnavailable)
			return
		}
		p, ok := v1Principal(c)
		if !ok {
			return
		}
		out, err := read(c, p.ProgrammeID)
		if err != nil {
			fail(c, err)
			return
		}
		c.JSON(http.StatusOK, out)
	}
}

func isoDate(t time.Time) string { return t.UTC().Format(time.DateOnly) }

type componentsOut struct {
	JobSuccess    float64 `json:"job_success"`
	QuotaHealth   float64 `json:"quota_health"`
	BalanceHealth float64 `json:"balance_health"`
}

type healthOut struct {
	Score      float64       `json:"score"`
	Level      string        `json:"level"`
	Components componentsOut `json:"components"`
}

func toHealthOut(h campaign.Health) healthOut {
	return healthOut{Score: h.Score, Level: string(h.Level), Components: componentsOut{JobSuccess: h.Components.JobSuccess,
		QuotaHealth: h.Components.QuotaHealth, BalanceHealth: h.Components.BalanceHealth}}
}

type predictionOut struct {
	Date  string  `json:"date"`
	Value float64 `json:"value"`
}

type forecastOut struct {
	Predictions []predictionOut `json:"predictions"`
	Confidence  float64         `json:"confidence"`
	RSquared    float64         `json:"r_squared"`
	Slope       float64         `json:"slope"`
}

func toForecastOut(f campaign.Forecast) forecastOut {
	out := forecastOut{Predictions: make([]predictionOut, len(f.Predictions)), Confidence: f.Confidence, RSquared: f.RSquared, Slope: f.Slope}
	for i, p := range f.Predictions {
		out.Predictions[i] = predictionOut{Date: isoDate(p.Date), Value: p.Value}
	}
	return out
}

type saturationOut struct {
	WillSaturate        bool    `json:"will_saturate"`
	DaysUntilSaturation *int    `json:"days_until_saturation"`
	SaturationPct       float64 `json:"saturation_pct"`
}

type anomalyOut struct {
	Index  int     `json:"index"`
	Date   string  `json:"date"`
	Value  float64 `json:"value"`
	ZScore float64 `json:"zscore"`
}

func toAnomaliesOut(as []campaign.Anomaly) []anomalyOut {
	out := make([]anomalyOut, len(as))
	for i, a := range as {
		out[i] = anomalyOut{Index: a.Index, Date: isoDate(a.Date), Value: a.Value, ZScore: a.ZScore}
	}
	return out
}

type recommendationOut struct {
	Category  string  `json:"category"`
	Priority  string  `json:"priority"`
	Title     string  `json:"title"`
	Body      string  `json:"body"`
	ActionURL *string `json:"action_url"`
}

func toRecommendationsOut(rs []campaign.Recommendation) []recommendationOut {
	out := make([]recommendationOut, len(rs))
	for i, r := range rs {
		out[i] = recommendationOut{Category: string(r.Category), Priority: string(r.Priority), Title: r.Title, Body: r.Body}
		if r.ActionURL != campaign.ActionNone {
			u := r.ActionURL
			out[i].ActionURL = &u
		}
	}
	return out
}

type metricsOut struct {
	QuotaPct       float64 `json:"quota_pct"`
	CardsUsedMonth int64   `json:"cards_used_month"`
	QuotaTotal     int64   `json:"quota_total"`
	JobSuccessRate float64 `json:"job_success_rate"`
	BalanceFCFA    int64   `json:"balance_fcfa"`
	DaysUntilReset int     `json:"days_until_reset"`
}

type insightsOut struct {
	Health          healthOut           `json:"health"`
	CardForecast    forecastOut         `json:"card_forecast"`
	SpendForecast   forecastOut         `json:"spend_forecast"`
	QuotaSaturation saturationOut       `json:"quota_saturation"`
	CardAnomalies   []anomalyOut        `json:"card_anomalies"`
	SpendAnomalies  []anomalyOut        `json:"spend_anomalies"`
	Recommendations []recommendationOut `json:"recommendations"`
	Metrics         metricsOut          `json:"metrics"`
}

func (s *server) aiInsights(c *gin.Context, prog string) (any, error) {
	in, err := s.insights.Insights(c.Request.Context(), prog)
	if err != nil {
		return nil, err
	}
	m := in.Metrics
	return insightsOut{
		Health: toHealthOut(in.Health), CardForecast: toForecastOut(in.CardForecast), SpendForecast: toForecastOut(in.SpendForecast),
		QuotaSaturation: saturationOut{WillSaturate: in.QuotaSaturation.WillSaturate, DaysUntilSaturation: in.QuotaSaturation.DaysUntilSaturation,
			SaturationPct: in.QuotaSaturation.SaturationPct},
		CardAnomalies: toAnomaliesOut(in.CardAnomalies), SpendAnomalies: toAnomaliesOut(in.SpendAnomalies),
		Recommendations: toRecommendationsOut(in.Recommendations),
		Metrics: metricsOut{QuotaPct: m.QuotaPct, CardsUsedMonth: m.CardsUsedMonth, QuotaTotal: m.QuotaTotal, JobSuccessRate: m.JobSuccessRate,
			BalanceFCFA: m.BalanceFCFA, DaysUntilReset: m.DaysUntilReset},
	}, nil
}

func (s *server) aiHealthScore(c *gin.Context, prog string) (any, error) {
	h, err := s.insights.HealthScore(c.Request.Context(), prog)
	if err != nil {
		return nil, err
	}
	return toHealthOut(h), nil
}

func (s *server) aiForecast(c *gin.Context, prog string) (any, error) {
	cards, spend, err := s.insights.Forecast(c.Request.Context(), prog)
	if err != nil {
		return nil, err
	}
	return gin.H{"card_forecast": toForecastOut(cards), "spend_forecast": toForecastOut(spend)}, nil
}

func (s *server) aiRecommendations(c *gin.Context, prog string) (any, error) {
	recs, err := s.insights.Recommendations(c.Request.Context(), prog)
	if err != nil {
		return nil, err
	}
	return gin.H{"recommendations": toRecommendationsOut(recs), "count": len(recs)}, nil
}

func (s *server) aiAnomalies(c *gin.Context, prog string) (any, error) {
	cards, spend, err := s.insights.Anomalies(c.Request.Context(), prog)
	if err != nil {
		return nil, err
	}
	return gin.H{"card_anomalies": toAnomaliesOut(cards), "spend_anomalies": toAnomaliesOut(spend),
		"total_anomalies": len(cards) + len(spend)}, nil
}

type summaryOut struct {
	PeriodDays     int     `json:"period_days"`
	TotalCampaigns int64   `json:"total_campaigns"`
	AllCampaigns   int64   `json:"all_campaigns"`
	TotalJobs      int64   `json:"total_jobs"`
	TotalCards     int64   `json:"total_cards"`
	CompletedJobs  int64   `json:"completed_jobs"`
	FailedJobs     int64   `json:"failed_jobs"`
	SuccessRate    float64 `json:"success_rate"`
	TotalSpendFCFA int64   `json:"total_spend_fcfa"`
	BalanceFCFA    int64   `json:"balance_fcfa"`
	CardsTotal     int64   `json:"cards_total"`
}

func (s *server) analyticsSummary(c *gin.Context, prog string) (any, error) {
	d, err := analytics.ParseDays(c.Query("days"))
	if err != nil {
		return nil, err
	}
	sum, err := s.insights.Summary(c.Request.Context(), prog, d)
	if err != nil {
		return nil, err
	}
	return summaryOut{PeriodDays: sum.PeriodDays, TotalCampaigns: sum.TotalCampaigns, AllCampaigns: sum.AllCampaigns,
		TotalJobs: sum.TotalJobs, TotalCards: sum.TotalCards, CompletedJobs: sum.CompletedJobs, FailedJobs: sum.FailedJobs,
		SuccessRate: sum.SuccessRate, TotalSpendFCFA: sum.TotalSpendFCFA, BalanceFCFA: sum.BalanceFCFA, CardsTotal: sum.CardsTotal}, nil
}

type dpiOut struct {
	RenderScale float64 `json:"render_scale"`
	Jobs        int64   `json:"jobs"`
	Cards       int64   `json:"cards"`
}

type studioStatsOut struct {
	TotalCards      int64            `json:"total_cards"`
	DHIS2Cards      int64            `json:"dhis2_cards"`
	JobsByStatus    map[string]int64 `json:"jobs_by_status"`
	CardsByStatus   map[string]int64 `json:"cards_by_status"`
	DPIDistribution []dpiOut         `json:"dpi_distribution"`
	SMSSent         int64            `json:"sms_sent"`
	WhatsAppSent    int64            `json:"whatsapp_sent"`
	QRVerified      int64            `json:"qr_verified"`
	StorageMB       float64          `json:"storage_mb"`
	PDFExports      int64            `json:"pdf_exports"`
	CostFCFA        int64            `json:"cost_fcfa"`
	TotalCostFCFA   int64            `json:"total_cost_fcfa"`
}

func toStudioStatsOut(st insightsvc.StudioStats) studioStatsOut {
	out := studioStatsOut{TotalCards: st.TotalCards, DHIS2Cards: st.DHIS2Cards, JobsByStatus: st.JobsByStatus, CardsByStatus: st.CardsByStatus,
		DPIDistribution: make([]dpiOut, len(st.DPIDistribution)), SMSSent: st.SMSSent, WhatsAppSent: st.WhatsAppSent, QRVerified: st.QRVerified,
		StorageMB: st.StorageMB, PDFExports: st.PDFExports, CostFCFA: st.CostFCFA, TotalCostFCFA: st.TotalCostFCFA}
	for i, r := range st.DPIDistribution {
		out.DPIDistribution[i] = dpiOut{RenderScale: r.RenderScale, Jobs: r.Jobs, Cards: r.Cards}
	}
	return out
}

func (s *server) analyticsStudioStats(c *gin.Context, prog string) (any, error) {
	st, err := s.insights.StudioStats(c.Request.Context(), prog)
	if err != nil {
		return nil, err
	}
	return toStudioStatsOut(st), nil
}

type timelineDayOut struct {
	Date       string `json:"date"`
	Jobs       int64  `json:"jobs"`
	Cards      int64  `json:"cards"`
	DHIS2Cards int64  `json:"dhis2_cards"`
}

func (s *server) analyticsCampaignsTimeline(c *gin.Context, prog string) (any, error) {
	d, err := analytics.ParseDays(c.Query("days"))
	if err != nil {
		return nil, err
	}
	tl, err := s.insights.CampaignsTimeline(c.Request.Context(), prog, d)
	if err != nil {
		return nil, err
	}
	out := make([]timelineDayOut, len(tl))
	for i, t := range tl {
		out[i] = timelineDayOut{Date: isoDate(t.Date), Jobs: t.Jobs, Cards: t.Cards, DHIS2Cards: t.DHIS2Cards}
	}
	return out, nil
}

type spendDayOut struct {
	Date       string `json:"date"`
	AmountFCFA int64  `json:"amount_fcfa"`
}

func (s *server) analyticsSpendTimeline(c *gin.Context, prog string) (any, error) {
	d, err := analytics.ParseDays(c.Query("days"))
	if err != nil {
		return nil, err
	}
	tl, err := s.insights.SpendTimeline(c.Request.Context(), prog, d)
	if err != nil {
		return nil, err
	}
	out := make([]spendDayOut, len(tl))
	for i, t := range tl {
		out[i] = spendDayOut{Date: isoDate(t.Date), AmountFCFA: t.AmountFCFA}
	}
	return out, nil
}

type campaignTypeOut struct {
	CampaignType string `json:"campaign_type"`
	Campaigns    int64  `json:"campaigns"`
	Jobs         int64  `json:"jobs"`
	Cards        int64  `json:"cards"`
}

func (s *server) analyticsCampaignTypes(c *gin.Context, prog string) (any, error) {
	types, err := s.insights.CampaignTypes(c.Request.Context(), prog)
	if err != nil {
		return nil, err
	}
	out := make([]campaignTypeOut, len(types))
	for i, t := range types {
		out[i] = campaignTypeOut{CampaignType: t.Type, Campaigns: t.Campaigns, Jobs: t.Jobs, Cards: t.Cards}
	}
	return out, nil
}

type topCampaignOut struct {
	CampaignID   string `json:"campaign_id"`
	Name         string `json:"name"`
	CampaignType string `json:"campaign_type"`
	Jobs         int64  `json:"jobs"`
	Cards        int64  `json:"cards"`
}

func (s *server) analyticsTopCampaigns(c *gin.Context, prog string) (any, error) {
	limit, err := analytics.ParseLimit(c.Query("limit"))
	if err != nil {
		return nil, err
	}
	top, err := s.insights.TopCampaigns(c.Request.Context(), prog, limit)
	if err != nil {
		return nil, err
	}
	out := make([]topCampaignOut, len(top))
	for i, t := range top {
		out[i] = topCampaignOut{CampaignID: t.ID, Name: t.Name, CampaignType: t.Type, Jobs: t.Jobs, Cards: t.Cards}
	}
	return out, nil
}
