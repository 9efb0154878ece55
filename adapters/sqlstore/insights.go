package sqlstore

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/kente-gov/kente/core/analytics"
	"github.com/kente-gov/kente/core/campaign"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/ports"
)

var _ ports.InsightsStore = (*InsightsStore)(nil)

// InsightsStore answers the aggregate queries of the AI optimizer and the
// analytics with GROUP BY per UTC day or month, so a programme with years of
// history costs a handful of grouped scans, not a row per job in Go. It
// implements ports.InsightsStore.
type InsightsStore struct{ db *DB }

// NewInsightsStore returns an InsightsStore on db, which must be migrated.
func NewInsightsStore(db *DB) *InsightsStore { return &InsightsStore{db: db} }

var errBadWindow = fault.Field("window", "insights.invalid_window", "the window's end must not be before its start")

// dayExpr returns the dialect's expression for the UTC calendar day
// (YYYY-MM-DD) of a time column; n = 7 gives the month (YYYY-MM). Every
// dialect stores UTC: SQLite as text that starts with the date, MariaDB
// DATETIME written in UTC, PostgreSQL TIMESTAMPTZ read at UTC.
func (s *InsightsStore) dayExpr(col string, n int) string {
	switch s.db.Dialect {
	case Postgres:
		if n == 7 {
			return "to_char(" + col + " AT TIME ZONE 'UTC', 'YYYY-MM')"
		}
		return "to_char(" + col + " AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
	case MySQL:
		if n == 7 {
			return "DATE_FORMAT(" + col + ", '%Y-%m')"
		}
		return "DATE_FORMAT(" + col + ", '%Y-%m-%d')"
	}
	return fmt.Sprintf("substr(%s, 1, %d)", col, n)
}

// sum returns COALESCE(SUM(x), 0) as an integer on every dialect
// (PostgreSQL and MariaDB sum integers into numerics).
func (s *InsightsStore) sum(x string) string {
	switch s.db.Dialect {
	case Postgres:
		return "CAST(COALESCE(SUM(" + x + "), 0) AS BIGINT)"
	case MySQL:
		return "CAST(COALESCE(SUM(" + x + "), 0) AS SIGNED)"
	}
	return "COALESCE(SUM(" + x + "), 0)"
}

// spendExpr is analytics.Spend in SQL, for rows of spendTypes.
const spendExpr = "CASE WHEN tx_type = 'refund' THEN -ABS(amount_fcfa) ELSE ABS(amount_fcfa) END"

// spendTypes are the ledger types that count as spend (analytics.Spend).
const spendTypes = "tx_type IN ('debit', 'subscription', 'pvc_order', 'refund')"

type dayRow struct {
	Day   string `bun:"d"`
	Value int64  `bun:"v"`
	Count int64  `bun:"n"`
}

// dayTotals reads per-day rows as day totals.
func dayTotals(rows []dayRow) ([]ports.DayTotal, error) {
	out := make([]ports.DayTotal, len(rows))
	for i, r := range rows {
		d, err := parseDay(r.Day)
		if err != nil {
			return nil, err
		}
		out[i] = ports.DayTotal{Day: d, Value: r.Value}
	}
	return out, nil
}

func parseDay(s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse day %q: %w", s, err)
	}
	return t, nil
}

func checkWindow(programmeID string, from, to time.Time) error {
	if err := checkText(programmeID); err != nil {
		return err
	}
	if to.Before(from) {
		return errBadWindow
	}
	return nil
}

// days runs a query of (d, v, n) rows and converts them to day totals.
func (s *InsightsStore) days(ctx context.Context, op, query string, args ...any) ([]dayRow, error) {
	var rows []dayRow
	if err := s.db.idb(ctx).NewRaw(query, args...).Scan(ctx, &rows); err != nil && !isNoRows(err) {
		return nil, s.db.wrapErr(err, op)
	}
	return rows, nil
}

// DailyActivity implements ports.InsightsStore.
func (s *InsightsStore) DailyActivity(ctx context.Context, programmeID string, from, to time.Time) (ports.DailyActivity, error) {
	if err := checkWindow(programmeID, from, to); err != nil {
		return ports.DailyActivity{}, err
	}
	from, to = dbTime(from), dbTime(to)
	out := ports.DailyActivity{JobsCreated: []ports.DayTotal{}, CardsCompleted: []ports.DayTotal{}, Spend: []ports.DaySpend{}}
	day := s.dayExpr("created_at", 10)
	rows, err := s.days(ctx, "jobs per day",
		"SELECT "+day+" AS d, COUNT(*) AS v, 0 AS n FROM card_jobs WHERE programme_id = ? AND created_at >= ? AND created_at < ? GROUP BY "+day+" ORDER BY d",
		programmeID, from, to)
	if err != nil {
		return out, err
	}
	if out.JobsCreated, err = dayTotals(rows); err != nil {
		return out, err
	}
	done := s.dayExpr("completed_at", 10)
	rows, err = s.days(ctx, "cards per day",
		"SELECT "+done+" AS d, "+s.sum("cards_generated")+" AS v, 0 AS n FROM card_jobs WHERE programme_id = ? AND status = ? AND completed_at >= ? AND completed_at < ? GROUP BY "+done+" ORDER BY d",
		programmeID, string(campaign.JobCompleted), from, to)
	if err != nil {
		return out, err
	}
	if out.CardsCompleted, err = dayTotals(rows); err != nil {
		return out, err
	}
	rows, err = s.days(ctx, "spend per day",
		"SELECT "+day+" AS d, "+s.sum(spendExpr)+" AS v, "+s.sum("CASE WHEN tx_type <> 'refund' THEN 1 ELSE 0 END")+" AS n FROM programme_ledger WHERE programme_id = ? AND "+spendTypes+" AND created_at >= ? AND created_at < ? GROUP BY "+day+" ORDER BY d",
		programmeID, from, to)
	if err != nil {
		return out, err
	}
	for _, r := range rows {
		d, err := parseDay(r.Day)
		if err != nil {
			return out, err
		}
		out.Spend = append(out.Spend, ports.DaySpend{Day: d, SpendFCFA: r.Value, Debits: r.Count})
	}
	return out, nil
}

// JobTotals implements ports.InsightsStore.
func (s *InsightsStore) JobTotals(ctx context.Context, programmeID string, from, to time.Time) ([]ports.JobTotal, error) {
	if err := checkWindow(programmeID, from, to); err != nil {
		return nil, err
	}
	q := "SELECT status, render_scale, COUNT(*) AS jobs, " + s.sum("cards_generated") + " AS cards, " + s.sum("cost_fcfa") +
		" AS cost FROM card_jobs WHERE programme_id = ?"
	args := []any{programmeID}
	if !from.IsZero() || !to.IsZero() {
		q += " AND created_at >= ? AND created_at < ?"
		args = append(args, dbTime(from), dbTime(to))
	}
	q += " GROUP BY status, render_scale ORDER BY status, render_scale"
	var rows []struct {
		Status string  `bun:"status"`
		Scale  float64 `bun:"render_scale"`
		Jobs   int64   `bun:"jobs"`
		Cards  int64   `bun:"cards"`
		Cost   int64   `bun:"cost"`
	}
	if err := s.db.idb(ctx).NewRaw(q, args...).Scan(ctx, &rows); err != nil && !isNoRows(err) {
		return nil, s.db.wrapErr(err, "job totals")
	}
	out := make([]ports.JobTotal, len(rows))
	for i, r := range rows {
		out[i] = ports.JobTotal{Status: campaign.JobStatus(r.Status), RenderScale: r.Scale, Jobs: r.Jobs, Cards: r.Cards, CostFCFA: r.Cost}
	}
	return out, nil
}

// ProgrammeTotals implements ports.InsightsStore.
func (s *InsightsStore) ProgrammeTotals(ctx context.Context, programmeID string, from, to time.Time) (ports.ProgrammeTotals, error) {
	var out ports.ProgrammeTotals
	if err := checkWindow(programmeID, from, to); err != nil {
		return out, err
	}
	from, to = dbTime(from), dbTime(to)
	db := s.db.idb(ctx)
	in := "created_at >= ? AND created_at < ?"
	var camp struct {
		All    int64 `bun:"all_time"`
		Window int64 `bun:"in_window"`
	}
	err := db.NewRaw("SELECT COUNT(*) AS all_time, "+s.sum("CASE WHEN "+in+" THEN 1 ELSE 0 END")+" AS in_window FROM campaigns WHERE programme_id = ?",
		from, to, programmeID).Scan(ctx, &camp)
	if err != nil {
		return out, s.db.wrapErr(err, "count campaigns")
	}
	out.CampaignsAllTime, out.CampaignsInWindow = camp.All, camp.Window

	var spend struct {
		All    int64 `bun:"all_time"`
		Window int64 `bun:"in_window"`
	}
	err = db.NewRaw("SELECT "+s.sum(spendExpr)+" AS all_time, "+s.sum("CASE WHEN "+in+" THEN "+spendExpr+" ELSE 0 END")+
		" AS in_window FROM programme_ledger WHERE programme_id = ? AND "+spendTypes, from, to, programmeID).Scan(ctx, &spend)
	if err != nil {
		return out, s.db.wrapErr(err, "sum spend")
	}
	out.SpendAllTimeFCFA, out.SpendInWindowFCFA = spend.All, spend.Window

	var dist struct {
		Failed   int64 `bun:"failed"`
		SMS      int64 `bun:"sms"`
		WhatsApp int64 `bun:"whatsapp"`
	}
	err = db.NewRaw("SELECT "+s.sum("CASE WHEN event_type = 'failed' AND "+in+" THEN "+s.db.quoteCol("count")+" ELSE 0 END")+" AS failed, "+
		s.sum("CASE WHEN channel = 'sms' AND event_type IN ('sent', 'delivered') THEN "+s.db.quoteCol("count")+" ELSE 0 END")+" AS sms, "+
		s.sum("CASE WHEN channel = 'whatsapp' AND event_type IN ('sent', 'delivered') THEN "+s.db.quoteCol("count")+" ELSE 0 END")+" AS whatsapp "+
		"FROM distribution_events WHERE programme_id = ?", from, to, programmeID).Scan(ctx, &dist)
	if err != nil {
		return out, s.db.wrapErr(err, "sum distribution events")
	}
	out.FailedDistributionsInWindow, out.SMSSent, out.WhatsAppSent = dist.Failed, dist.SMS, dist.WhatsApp

	// cards has no programme index; its campaign index is reached through
	// the programme's campaigns.
	err = db.NewRaw("SELECT "+s.sum("scans")+" FROM cards WHERE campaign_id IN (SELECT id FROM campaigns WHERE programme_id = ?) AND programme_id = ?",
		programmeID, programmeID).Scan(ctx, &out.QRScans)
	if err != nil {
		return out, s.db.wrapErr(err, "sum scans")
	}
	var art struct {
		Bytes int64 `bun:"bytes"`
		PDFs  int64 `bun:"pdfs"`
	}
	err = db.NewRaw("SELECT "+s.sum(s.octets("content"))+" AS bytes, "+s.sum("CASE WHEN name = 'pdf' THEN 1 ELSE 0 END")+
		" AS pdfs FROM card_job_artifacts WHERE job_id IN (SELECT id FROM card_jobs WHERE programme_id = ?)", programmeID).Scan(ctx, &art)
	if err != nil {
		return out, s.db.wrapErr(err, "sum artifacts")
	}
	out.StorageBytes, out.PDFExports = art.Bytes, art.PDFs
	return out, nil
}

// octets returns the dialect's byte length of a text column.
func (s *InsightsStore) octets(col string) string {
	switch s.db.Dialect {
	case Postgres:
		return "octet_length(" + col + ")"
	case MySQL:
		return "LENGTH(" + col + ")"
	}
	return "length(CAST(" + col + " AS BLOB))"
}

// quoteCol quotes a column name that is a keyword in some dialect.
func (db *DB) quoteCol(name string) string {
	if db.Dialect == MySQL {
		return "`" + name + "`"
	}
	return `"` + name + `"`
}

// CampaignFacts implements ports.InsightsStore.
func (s *InsightsStore) CampaignFacts(ctx context.Context, programmeID string) ([]analytics.CampaignFacts, error) {
	if err := checkText(programmeID); err != nil {
		return nil, err
	}
	var rows []struct {
		ID    string `bun:"id"`
		Name  string `bun:"name"`
		Type  string `bun:"campaign_type"`
		Jobs  int64  `bun:"jobs"`
		Cards int64  `bun:"cards"`
	}
	q := "SELECT c.id, c.name, c.campaign_type, COALESCE(j.jobs, 0) AS jobs, COALESCE(j.cards, 0) AS cards FROM campaigns c " +
		"LEFT JOIN (SELECT campaign_id, COUNT(*) AS jobs, " + s.sum("CASE WHEN status = 'completed' THEN cards_generated ELSE 0 END") +
		" AS cards FROM card_jobs WHERE programme_id = ? GROUP BY campaign_id) j ON j.campaign_id = c.id WHERE c.programme_id = ?"
	if err := s.db.idb(ctx).NewRaw(q, programmeID, programmeID).Scan(ctx, &rows); err != nil && !isNoRows(err) {
		return nil, s.db.wrapErr(err, "campaign facts")
	}
	out := make([]analytics.CampaignFacts, len(rows))
	for i, r := range rows {
		out[i] = analytics.CampaignFacts{ID: r.ID, Name: r.Name, Type: r.Type, Jobs: r.Jobs, Cards: r.Cards}
	}
	return out, nil
}

// UsageByPeriod implements ports.InsightsStore.
func (s *InsightsStore) UsageByPeriod(ctx context.Context, programmeID string) ([]ports.PeriodUsage, error) {
	if err := checkText(programmeID); err != nil {
		return nil, err
	}
	var usage []struct {
		Period string     `bun:"period"`
		Studio int64      `bun:"studio"`
		Other  int64      `bun:"other"`
		Last   *time.Time `bun:"last_updated"`
	}
	err := s.db.idb(ctx).NewRaw("SELECT period, "+s.sum("CASE WHEN engine_mode = ? THEN cards_generated ELSE 0 END")+" AS studio, "+
		s.sum("CASE WHEN engine_mode <> ? THEN cards_generated ELSE 0 END")+" AS other, MAX(last_updated) AS last_updated "+
		"FROM engine_usage WHERE programme_id = ? GROUP BY period", string(campaign.EngineStudioPrint), string(campaign.EngineStudioPrint), programmeID).
		Scan(ctx, &usage)
	if err != nil && !isNoRows(err) {
		return nil, s.db.wrapErr(err, "usage by period")
	}
	month := s.dayExpr("created_at", 7)
	var jobs []dayRow
	jobs, err = s.days(ctx, "job quota by period",
		"SELECT "+month+" AS d, "+s.sum("quota_consumed - quota_refunded")+" AS v, 0 AS n FROM card_jobs WHERE programme_id = ? GROUP BY "+month,
		programmeID)
	if err != nil {
		return nil, err
	}
	byPeriod := map[string]*ports.PeriodUsage{}
	get := func(p string) *ports.PeriodUsage {
		if u, ok := byPeriod[p]; ok {
			return u
		}
		u := &ports.PeriodUsage{Period: p}
		byPeriod[p] = u
		return u
	}
	for _, r := range usage {
		u := get(r.Period)
		u.StudioPrint, u.OtherModes = r.Studio, r.Other
		if r.Last != nil {
			u.LastUpdated = r.Last.UTC()
		}
	}
	for _, r := range jobs {
		get(r.Day).JobsNetQuota = r.Value
	}
	out := make([]ports.PeriodUsage, 0, len(byPeriod))
	for _, u := range byPeriod {
		out = append(out, *u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Period < out[j].Period })
	return out, nil
}
