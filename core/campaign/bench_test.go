package campaign_test

import (
	"math/rand/v2"
	"testing"

	"github.com/kente-gov/kente/core/campaign"
)

func window90() []campaign.IndexedPoint {
	rng := rand.New(rand.NewPCG(3, 4))
	s := make([]campaign.IndexedPoint, 90)
	for i := range s {
		s[i] = campaign.IndexedPoint{Index: i, Date: date(2026, 2, 16).AddDate(0, 0, i), Value: 50 + 2*float64(i) + rng.NormFloat64()*10}
	}
	s[40].Value = 900
	return s
}

func BenchmarkFitOLS90(b *testing.B) {
	s := window90()
	xs, ys := make([]float64, len(s)), make([]float64, len(s))
	for i, p := range s {
		xs[i], ys[i] = float64(p.Index), p.Value
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := campaign.FitOLS(xs, ys); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkForecast90(b *testing.B) {
	s := window90()
	b.ReportAllocs()
	for b.Loop() {
		campaign.NewForecast(s, now)
	}
}

func BenchmarkAnomalies90(b *testing.B) {
	s := window90()
	b.ReportAllocs()
	for b.Loop() {
		if len(campaign.Anomalies(s)) != 1 {
			b.Fatal("want one anomaly")
		}
	}
}

func BenchmarkWindow90(b *testing.B) {
	pts := make([]campaign.DayPoint, 0, 90)
	for _, p := range window90() {
		pts = append(pts, campaign.DayPoint{Date: p.Date, Value: p.Value})
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := campaign.Window(pts, now); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRecommend(b *testing.B) {
	s := nominalSignals()
	s.QuotaPct, s.JobSuccessRate, s.FailedSyncs = 80, 50, 9
	b.ReportAllocs()
	for b.Loop() {
		campaign.Recommend(s)
	}
}

func BenchmarkInsights365(b *testing.B) {
	// A year of history, one point per job (three a day): Window keeps 90 days.
	var f campaign.Facts
	for i := range 365 * 3 {
		d := now.AddDate(0, 0, -i/3)
		f.CardPoints = append(f.CardPoints, campaign.DayPoint{Date: d, Value: float64(10 + i%7)})
		f.SpendPoints = append(f.SpendPoints, campaign.DayPoint{Date: d, Value: float64(1000 + i%13)})
	}
	f.Jobs30d, f.JobsCompleted30d, f.QuotaTotal, f.CardsUsedMonth = 90, 80, 10_000, 4_000
	f.BalanceFCFA, f.BalanceReferenceFCFA = 500_000, 250_000
	b.ReportAllocs()
	for b.Loop() {
		if _, err := campaign.NewInsights(f, now); err != nil {
			b.Fatal(err)
		}
	}
}
