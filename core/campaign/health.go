package campaign

import "math"

// Level is the band of a health score.
type Level string

// The health levels of oomus-platform §5.1.
const (
	LevelHigh     Level = "HIGH"     // score ≥ 75
	LevelMedium   Level = "MEDIUM"   // 60 ≤ score < 75
	LevelLow      Level = "LOW"      // 40 ≤ score < 60
	LevelCritical Level = "CRITICAL" // score < 40
)

// The weights of the health score's components (§5.1); they sum to 1.
const (
	WeightJobSuccess    = 0.40
	WeightQuotaHealth   = 0.30
	WeightBalanceHealth = 0.30
)

// QuotaHealthyPct is the usage up to which quota health is 100; from there it
// falls linearly to 0 at 100% usage (§15.11).
const QuotaHealthyPct = 75.0

// Components are the three sub-scores of the health score, each 0–100.
type Components struct {
	JobSuccess    float64
	QuotaHealth   float64
	BalanceHealth float64
}

// Health is the composite health score (0–100, one decimal), its level, and
// its components (one decimal each).
type Health struct {
	Score      float64
	Level      Level
	Components Components
}

// JobSuccessRate returns completed ÷ total × 100 for the jobs of the last 30
// days. With no jobs it returns 100: nothing has failed, and a new programme
// is not reported as failing.
func JobSuccessRate(completed, total int64) float64 {
	if total <= 0 {
		return 100
	}
	completed = min(max(completed, 0), total)
	return 100 * float64(completed) / float64(total)
}

// QuotaPct returns used ÷ quota × 100 for a monthly quota. A quota of 0 or
// less (−1 means unlimited) gives 0.
func QuotaPct(used, quota int64) float64 {
	if quota <= 0 || used <= 0 {
		return 0
	}
	return 100 * float64(used) / float64(quota)
}

// QuotaHealth returns 100 up to QuotaHealthyPct usage, then falls linearly to
// 0 at 100% usage and stays 0 beyond (§15.11).
func QuotaHealth(usedPct float64) float64 {
	switch {
	case math.IsNaN(usedPct) || usedPct <= QuotaHealthyPct:
		return 100
	case usedPct >= 100:
		return 0
	}
	return 100 * (100 - usedPct) / (100 - QuotaHealthyPct)
}

// BalanceReference returns the amount a balance is measured against: the
// month's expected spend (subscription plus projected overage), or, when that
// is zero, the last top-up. Zero means there is no reference.
func BalanceReference(subscriptionFCFA, projectedOverageFCFA, lastTopUpFCFA int64) int64 {
	if ref := max(subscriptionFCFA, 0) + max(projectedOverageFCFA, 0); ref > 0 {
		return ref
	}
	return max(lastTopUpFCFA, 0)
}

// BalanceHealth returns min(100, 100 × balance ÷ reference), 0 for a zero or
// negative balance. With no reference (≤ 0) a positive balance is healthy (100).
func BalanceHealth(balanceFCFA, referenceFCFA int64) float64 {
	switch {
	case balanceFCFA <= 0:
		return 0
	case referenceFCFA <= 0:
		return 100
	}
	return min(100, 100*float64(balanceFCFA)/float64(referenceFCFA))
}

// HealthLevel returns the level of a score (§5.1).
func HealthLevel(score float64) Level {
	switch {
	case score >= 75:
		return LevelHigh
	case score >= 60:
		return LevelMedium
	case score >= 40:
		return LevelLow
	}
	return LevelCritical
}

// NewHealth weighs the components (clamped to 0–100) into the score. The score
// is computed from the unrounded components, then score and components are
// rounded to one decimal; the level is that of the rounded score, so a shown
// 75.0 is always HIGH.
func NewHealth(c Components) Health {
	c.JobSuccess = clamp100(c.JobSuccess)
	c.QuotaHealth = clamp100(c.QuotaHealth)
	c.BalanceHealth = clamp100(c.BalanceHealth)
	score := round(WeightJobSuccess*c.JobSuccess+WeightQuotaHealth*c.QuotaHealth+WeightBalanceHealth*c.BalanceHealth, 1)
	return Health{
		Score: score,
		Level: HealthLevel(score),
		Components: Components{
			JobSuccess:    round(c.JobSuccess, 1),
			QuotaHealth:   round(c.QuotaHealth, 1),
			BalanceHealth: round(c.BalanceHealth, 1),
		},
	}
}

func clamp100(x float64) float64 {
	if math.IsNaN(x) {
		return 0
	}
	return min(100, max(0, x))
}
