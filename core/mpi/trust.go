package mpi

import (
	"fmt"
	"math"
	"time"
)

// Trust score signal effects (platform §5.3).
const (
	trustKYC              = 30
	trustNIN              = 15
	trustPhone            = 10
	trustBirthDate        = 10
	trustPerProgramme     = 10
	trustMaxProgrammes    = 3
	trustDuplicatePenalty = 20
	trustInconsistency    = 10
)

// Level is a trust level (§15.12).
type Level string

// Levels: HIGH ≥ 80, MEDIUM 60–79, LOW 40–59, CRITICAL < 40.
const (
	LevelHigh     Level = "HIGH"
	LevelMedium   Level = "MEDIUM"
	LevelLow      Level = "LOW"
	LevelCritical Level = "CRITICAL"
)

// LevelOf returns the level of a 0–100 score.
func LevelOf(score float64) Level {
	switch {
	case score >= 80:
		return LevelHigh
	case score >= 60:
		return LevelMedium
	case score >= 40:
		return LevelLow
	}
	return LevelCritical
}

// RiskType names a risk signal.
type RiskType string

// Risk signals (§5.3).
const (
	RiskProbableDuplicate        RiskType = "probable_duplicate"
	RiskDemographicInconsistency RiskType = "demographic_inconsistency"
	RiskMissingNIN               RiskType = "missing_nin"
)

// Severity is a risk signal's severity (§15.12): duplicate HIGH,
// inconsistency MEDIUM, missing NIN LOW.
type Severity string

// Severities.
const (
	SeverityHigh   Severity = "HIGH"
	SeverityMedium Severity = "MEDIUM"
	SeverityLow    Severity = "LOW"
)

// Risk is one active risk signal of a record.
type Risk struct {
	Type        RiskType
	Severity    Severity
	Description string
	DetectedAt  time.Time
}

// TrustInput is what the trust score reads beyond the record itself.
type TrustInput struct {
	// BestDuplicateScore is the highest linkage score (0–1) of another
	// active record against this one; 0 when none was found.
	BestDuplicateScore float64
	// DuplicateOf is the MPI id of that record.
	DuplicateOf string
	// RequiresLegalID says the owning programme requires a legal ID, which
	// makes a missing NIN a risk.
	RequiresLegalID bool
	// DuplicateThreshold is the linkage score from which a duplicate is
	// probable; zero means DefaultBands().Probable (0.75).
	DuplicateThreshold float64
}

// Components are the signals a trust score was computed from.
type Components struct {
	KYCVerified       bool
	HasNIN            bool
	HasPhone          bool
	HasBirthDate      bool
	ProgrammesCount   int // active programmes
	ProbableDuplicate bool
	Inconsistent      bool
}

// Trust is a computed Health Trust Score.
type Trust struct {
	MPIID      string
	Score      float64 // 0–100
	Level      Level
	Components Components
	Risks      []Risk
	ComputedAt time.Time
}

// ComputeTrust scores r at now from the §5.3 signals: KYC-verified +30, NIN
// present +15, phone present +10, date of birth present +10, each active
// programme +10 (at most 3), a probable duplicate −20, inconsistent
// demographics −10; clamped to 0–100. It also returns the active risk
// signals. The check of gender against the first name is left out: Kente
// has no name–gender data source it could cite.
func ComputeTrust(r Record, in TrustInput, now time.Time) Trust {
	threshold := in.DuplicateThreshold
	if threshold == 0 {
		threshold = DefaultBands().Probable
	}
	c := Components{
		KYCVerified:     r.IsVerified,
		HasNIN:          r.ExternalIDs[ExtNIN] != "",
		HasPhone:        r.PhoneNumber != "",
		HasBirthDate:    !r.DateOfBirth.IsZero(),
		ProgrammesCount: r.ActiveProgrammes(),
	}
	c.ProbableDuplicate = in.DuplicateOf != "" && in.BestDuplicateScore >= threshold
	problems := Inconsistencies(r, now)
	c.Inconsistent = len(problems) > 0

	score := 0.0
	if c.KYCVerified {
		score += trustKYC
	}
	if c.HasNIN {
		score += trustNIN
	}
	if c.HasPhone {
		score += trustPhone
	}
	if c.HasBirthDate {
		score += trustBirthDate
	}
	score += float64(min(c.ProgrammesCount, trustMaxProgrammes) * trustPerProgramme)
	if c.ProbableDuplicate {
		score -= trustDuplicatePenalty
	}
	if c.Inconsistent {
		score -= trustInconsistency
	}
	score = math.Max(0, math.Min(100, score))

	t := Trust{MPIID: r.MPIID, Score: score, Level: LevelOf(score), Components: c, ComputedAt: now}
	if c.ProbableDuplicate {
		t.Risks = append(t.Risks, Risk{
			Type: RiskProbableDuplicate, Severity: SeverityHigh, DetectedAt: now,
			Description: fmt.Sprintf("A probable duplicate (score %d/100) was identified: %s.",
				int(math.Round(in.BestDuplicateScore*100)), in.DuplicateOf),
		})
	}
	if c.Inconsistent {
		t.Risks = append(t.Risks, Risk{
			Type: RiskDemographicInconsistency, Severity: SeverityMedium, DetectedAt: now,
			Description: "Inconsistent demographics: " + joinProblems(problems) + ".",
		})
	}
	if in.RequiresLegalID && !c.HasNIN {
		t.Risks = append(t.Risks, Risk{
			Type: RiskMissingNIN, Severity: SeverityLow, DetectedAt: now,
			Description: "The programme requires a legal ID and no NIN is recorded.",
		})
	}
	return t
}

// Inconsistencies lists what is implausible in r's demographics at now: an
// implausible age (a birth date in the future or more than MaxAge years
// ago) and a phone number that is not E.164.
func Inconsistencies(r Record, now time.Time) []string {
	var out []string
	if !r.DateOfBirth.IsZero() && !PlausibleBirthDate(r.DateOfBirth, now) {
		out = append(out, "implausible age")
	}
	if r.PhoneNumber != "" && !ValidPhone(r.PhoneNumber) {
		out = append(out, "invalid phone number format")
	}
	return out
}

func joinProblems(ps []string) string {
	s := ""
	for i, p := range ps {
		if i > 0 {
			s += ", "
		}
		s += p
	}
	return s
}
