package geo

// RiskLevel is the band of a regional risk score.
type RiskLevel string

// The risk levels of §15.10.
const (
	RiskHigh   RiskLevel = "HIGH"   // score ≥ 60
	RiskMedium RiskLevel = "MEDIUM" // 30 ≤ score < 60
	RiskLow    RiskLevel = "LOW"    // score < 30
)

// The risk-zone thresholds of §5.2.
const (
	RiskZoneScore    = 30.0 // a region is a risk zone when its score exceeds this
	RiskZoneCoverage = 40.0 // ... or its coverage is below this
)

// RiskScore returns the regional risk score of §5.2 (0–100): coverage points
// (<20% → 40, <40% → 25, <60% → 10), distribution-success points (<60% → 35,
// <75% → 20, <85% → 8) and card-volume points (<100 → 25, <500 → 15,
// <1,000 → 5). A region with no data scores 100.
func RiskScore(coveragePct, distributionSuccessPct float64, cards int64) float64 {
	var s float64
	switch {
	case coveragePct < 20:
		s += 40
	case coveragePct < 40:
		s += 25
	case coveragePct < 60:
		s += 10
	}
	switch {
	case distributionSuccessPct < 60:
		s += 35
	case distributionSuccessPct < 75:
		s += 20
	case distributionSuccessPct < 85:
		s += 8
	}
	switch {
	case cards < 100:
		s += 25
	case cards < 500:
		s += 15
	case cards < 1000:
		s += 5
	}
	return s
}

// Level returns the level of a risk score (§15.10).
func Level(score float64) RiskLevel {
	switch {
	case score >= 60:
		return RiskHigh
	case score >= 30:
		return RiskMedium
	}
	return RiskLow
}

// IsRiskZone reports whether a region is a risk zone: score > 30 or
// coverage < 40%.
func IsRiskZone(score, coveragePct float64) bool {
	return score > RiskZoneScore || coveragePct < RiskZoneCoverage
}

// Coverage returns beneficiaries ÷ target population × 100, one decimal; 0
// without a target (§15.8). It is not capped: over 100% flags a target that
// is too low.
func Coverage(beneficiaries, target int64) float64 {
	if target <= 0 || beneficiaries <= 0 {
		return 0
	}
	return round(100*float64(beneficiaries)/float64(target), 1)
}

// SuccessRate returns ok ÷ (ok + failed) × 100, one decimal; 0 when both are 0.
func SuccessRate(ok, failed int64) float64 {
	ok, failed = max(ok, 0), max(failed, 0)
	if ok+failed == 0 {
		return 0
	}
	return round(100*float64(ok)/float64(ok+failed), 1)
}
