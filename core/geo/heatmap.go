package geo

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/kente-gov/kente/core/fault"
)

// Metric is a region figure a heatmap can show.
type Metric string

// The heatmap metrics of the seed; MetricCardsGenerated is the default.
const (
	MetricCardsGenerated          Metric = "cards_generated"
	MetricCoveragePct             Metric = "coverage_pct"
	MetricRiskScore               Metric = "risk_score"
	MetricDistributionSuccessRate Metric = "distribution_success_rate"
	MetricBeneficiariesCount      Metric = "beneficiaries_count"
)

// Metrics returns every heatmap metric, in the seed's order.
func Metrics() []Metric {
	return []Metric{MetricCardsGenerated, MetricCoveragePct, MetricRiskScore, MetricDistributionSuccessRate, MetricBeneficiariesCount}
}

// Label returns the metric's human name.
func (m Metric) Label() string {
	switch m {
	case MetricCardsGenerated:
		return "Cards generated"
	case MetricCoveragePct:
		return "Coverage (%)"
	case MetricRiskScore:
		return "Risk score"
	case MetricDistributionSuccessRate:
		return "Distribution success rate (%)"
	case MetricBeneficiariesCount:
		return "Beneficiaries"
	}
	return ""
}

// Value returns r's figure for the metric.
func (m Metric) Value(r RegionStats) float64 {
	switch m {
	case MetricCoveragePct:
		return r.CoveragePct
	case MetricRiskScore:
		return r.RiskScore
	case MetricDistributionSuccessRate:
		return r.DistributionSuccessRate
	case MetricBeneficiariesCount:
		return float64(r.BeneficiariesCount)
	}
	return float64(r.CardsGenerated)
}

// ParseMetric parses the `metric` query value: empty → cards_generated; an
// unknown name is fault.Invalid naming "metric".
func ParseMetric(raw string) (Metric, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return MetricCardsGenerated, nil
	}
	if m := Metric(raw); slices.Contains(Metrics(), m) {
		return m, nil
	}
	return "", fault.Field("metric", "geo.metric_unknown",
		"metric must be one of cards_generated, coverage_pct, risk_score, distribution_success_rate, beneficiaries_count")
}

// BaseColor is the heatmap's colour at full intensity.
const BaseColor = "#08BCF1"

// Color returns BaseColor with a two-hex-digit alpha of round(255·intensity)
// (intensity clamped to 0–1), and without suffix when that alpha is FF, as
// at intensity 1.0: 0 → "#08BCF100", 0.5 → "#08BCF180", 1 → "#08BCF1".
func Color(intensity float64) string {
	if math.IsNaN(intensity) {
		intensity = 0
	}
	a := int(math.Round(255 * min(1, max(0, intensity))))
	if a == 255 {
		return BaseColor
	}
	return fmt.Sprintf("%s%02X", BaseColor, a)
}

// Cell is one region of a heatmap.
type Cell struct {
	Region    string
	Value     float64
	Intensity float64 // value ÷ max, four decimals, 0–1
	Color     string
}

// Heatmap is the normalised matrix of GET /geo/heatmap.
type Heatmap struct {
	Cells    []Cell
	MaxValue float64
	Metric   Metric
	Label    string
}

// NewHeatmap returns the regions' cells for the metric, highest value first
// (then by region). Intensity is value ÷ the largest value; all 0 when the
// largest is 0 or less. The colour is that of the rounded intensity.
func NewHeatmap(regions []RegionStats, m Metric) Heatmap {
	h := Heatmap{Cells: make([]Cell, len(regions)), Metric: m, Label: m.Label()}
	for i, r := range regions {
		h.Cells[i] = Cell{Region: r.Region, Value: m.Value(r)}
		h.MaxValue = max(h.MaxValue, h.Cells[i].Value)
	}
	for i := range h.Cells {
		c := &h.Cells[i]
		if h.MaxValue > 0 {
			c.Intensity = round(max(0, c.Value)/h.MaxValue, 4)
		}
		c.Color = Color(c.Intensity)
	}
	slices.SortStableFunc(h.Cells, func(a, b Cell) int {
		switch {
		case a.Value > b.Value:
			return -1
		case a.Value < b.Value:
			return 1
		}
		return strings.Compare(a.Region, b.Region)
	})
	return h
}
