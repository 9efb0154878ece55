package mpi

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Weights are the dedup engine's attribute weights (§4.5). They need not
// sum to one: a score divides by the weights of the attributes present on
// both records.
type Weights struct {
	FirstName  float64
	LastName   float64
	BirthDate  float64
	Gender     float64
	Area       float64 // region, and commune/district when both have one
	ExternalID float64
}

// DefaultWeights are the weights of platform §4.5: 25/25/20/10/10/10.
func DefaultWeights() Weights {
	return Weights{FirstName: 0.25, LastName: 0.25, BirthDate: 0.20, Gender: 0.10, Area: 0.10, ExternalID: 0.10}
}

// Partial credit for near matches.
const (
	// dobSwapped is the date-of-birth similarity when day and month are
	// swapped (05/03 against 03/05), a common data-entry slip.
	dobSwapped = 0.9
	// dobNear is the similarity of birth dates within a year of each other
	// (§4.5: "exact, or within ±1 year"): partial, not full, credit.
	dobNear = 0.7
	// areaDistrictDiffers is the area similarity of the same region with
	// different districts.
	areaDistrictDiffers = 0.5
	// fuzzyFloor is the similarity above which a name counts as a fuzzy
	// match in MatchedFields.
	fuzzyFloor = 0.85
)

// Profile is a record prepared for matching: normalised names and the
// attributes the score reads. Prepare it once per record.
type Profile struct {
	First, Last []string // canonical name words
	firstJoined string
	lastJoined  string
	DOB         time.Time
	Gender      Gender
	Region      string
	District    string
	External    map[string]string
	// Phone is the subscriber part (last eight digits) of the phone number,
	// "" when unknown: not scored, but it corroborates (see
	// Match.Uncorroborated).
	Phone string
}

// Prepare builds r's matching profile.
func Prepare(r Record) Profile {
	p := Profile{
		First: CanonicalTokens(r.FirstName), Last: CanonicalTokens(r.LastName),
		Gender: r.Gender, Region: strings.ToUpper(r.RegionCode), District: FoldArea(r.District),
		External: r.ExternalIDs, Phone: phoneKey(r.PhoneNumber),
	}
	if !r.DateOfBirth.IsZero() {
		p.DOB = Date(r.DateOfBirth)
	}
	p.firstJoined, p.lastJoined = strings.Join(p.First, ""), strings.Join(p.Last, "")
	return p
}

// Match is the comparison of two records.
type Match struct {
	Score         float64  // 0–1
	MatchedFields []string // e.g. first_name, last_name_fuzzy, date_of_birth, name_swapped
	// Uncorroborated is true when one record has a birth date and the
	// other not, and neither an external id nor the phone number agrees:
	// the score, renormalised without the birth date, cannot tell a
	// namesake of another age from the same person, so Bands.Decide
	// treats such a match as probable at most.
	Uncorroborated bool
}

// Score compares two prepared records with weights w (§4.5). Each attribute
// gives a similarity from 0 to 1: names by Jaro-Winkler over their
// canonical words (compound names and spacing tolerated, first and last
// name swapped when that fits better), the birth date exact (1), with day
// and month swapped (0.9) or within a year (0.7), sex exact, area by region
// (and district when both have one), external ids equal on any shared key.
// An attribute missing on either side is left out and the remaining
// weights renormalised, so two identical records score 1.
func Score(a, b Profile, w Weights) Match {
	var m Match
	var sum, total float64
	add := func(weight, sim float64) {
		sum += weight * sim
		total += weight
	}

	if len(a.First) > 0 && len(b.First) > 0 || len(a.Last) > 0 && len(b.Last) > 0 {
		ff, ll := nameSim(a.First, b.First, a.firstJoined, b.firstJoined), nameSim(a.Last, b.Last, a.lastJoined, b.lastJoined)
		fl, lf := nameSim(a.First, b.Last, a.firstJoined, b.lastJoined), nameSim(a.Last, b.First, a.lastJoined, b.firstJoined)
		first, last := ff, ll
		if fl+lf > ff+ll && fl >= 0 && lf >= 0 {
			first, last = fl, lf
			m.MatchedFields = append(m.MatchedFields, "name_swapped")
		}
		if first >= 0 {
			add(w.FirstName, first)
			m.MatchedFields = appendNameField(m.MatchedFields, "first_name", first)
		}
		if last >= 0 {
			add(w.LastName, last)
			m.MatchedFields = appendNameField(m.MatchedFields, "last_name", last)
		}
	}
	if !a.DOB.IsZero() && !b.DOB.IsZero() {
		s := dobSim(a.DOB, b.DOB)
		add(w.BirthDate, s)
		switch {
		case s == 1:
			m.MatchedFields = append(m.MatchedFields, "date_of_birth")
		case s > 0:
			m.MatchedFields = append(m.MatchedFields, "date_of_birth_approx")
		}
	}
	if known(a.Gender) && known(b.Gender) {
		s := 0.0
		if a.Gender == b.Gender {
			s = 1
			m.MatchedFields = append(m.MatchedFields, "gender")
		}
		add(w.Gender, s)
	}
	if a.Region != "" && b.Region != "" {
		s := 0.0
		if a.Region == b.Region {
			s = 1
			if a.District != "" && b.District != "" && a.District != b.District {
				s = areaDistrictDiffers
			}
			m.MatchedFields = append(m.MatchedFields, "region_code")
		}
		add(w.Area, s)
	}
	extSame := false
	if s, ok := externalSim(a.External, b.External); ok {
		add(w.ExternalID, s)
		if s == 1 {
			extSame = true
			m.MatchedFields = append(m.MatchedFields, "external_id")
		}
	}
	m.Uncorroborated = a.DOB.IsZero() != b.DOB.IsZero() && !extSame && (a.Phone == "" || a.Phone != b.Phone)
	if total > 0 {
		m.Score = sum / total
	}
	return m
}

func known(g Gender) bool { return g == Male || g == Female }

func appendNameField(fields []string, name string, sim float64) []string {
	switch {
	case sim == 1:
		return append(fields, name)
	case sim >= fuzzyFloor:
		return append(fields, name+"_fuzzy")
	}
	return fields
}

// nameSim compares two names given as canonical words (and the words
// joined without spaces). It is -1 when either is empty. It is the better
// of the joined strings' Jaro-Winkler (tolerates "Abdul Rahman" against
// "Abdulrahman") and the mean, over the words of the shorter name, of each
// word's best Jaro-Winkler against the other name's words, lightly reduced
// for words the longer name has in addition (so "Mamadou Lamine" against
// "Mamadou" is close to, but not exactly, 1).
func nameSim(a, b []string, aj, bj string) float64 {
	if len(a) == 0 || len(b) == 0 {
		return -1
	}
	if aj == bj {
		return 1
	}
	best := JaroWinkler(aj, bj)
	if len(a) == 1 && len(b) == 1 {
		return wordSim(a[0], b[0], best)
	}
	short, long := a, b
	if len(short) > len(long) {
		short, long = long, short
	}
	if len(long) > 1 {
		var s float64
		for _, x := range short {
			m := 0.0
			for _, y := range long {
				m = max(m, wordSim(x, y, JaroWinkler(x, y)))
			}
			s += m
		}
		s /= float64(len(short))
		s *= 0.95 + 0.05*float64(len(short))/float64(len(long))
		best = max(best, s)
	}
	return best
}

// phoneticFloor is the least similarity of two words that sound alike
// (same Phonetic code and first letter): a slip that keeps the sound
// ("Efoa" for "Efua", "Omaar" for "Omar") weighs less than Jaro-Winkler
// alone makes it on short names.
const phoneticFloor = 0.95

// wordSim is jw, the Jaro-Winkler of words x and y, raised to
// phoneticFloor when they sound alike.
func wordSim(x, y string, jw float64) float64 {
	if jw >= phoneticFloor || x == "" || y == "" || x[0] != y[0] {
		return jw
	}
	if Phonetic(x) == Phonetic(y) {
		return phoneticFloor
	}
	return jw
}

func dobSim(a, b time.Time) float64 {
	if a.Equal(b) {
		return 1
	}
	if a.Year() == b.Year() && int(a.Month()) == b.Day() && a.Day() == int(b.Month()) {
		return dobSwapped
	}
	d := a.Sub(b)
	if d < 0 {
		d = -d
	}
	if d <= 366*24*time.Hour {
		return dobNear
	}
	return 0
}

// externalSim compares external ids on the keys both records have: 1 when
// any shared key has the same value, 0 when they all differ, and not ok
// when no key is shared.
func externalSim(a, b map[string]string) (float64, bool) {
	shared := false
	for k, v := range a {
		if w, ok := b[k]; ok && v != "" && w != "" {
			if v == w {
				return 1, true
			}
			shared = true
		}
	}
	return 0, shared
}

// Band is the decision a linkage score leads to (§15.13).
type Band string

// Bands, from the most to the least certain.
const (
	// BandCertain: the same person (registration answers 409 unless forced).
	BandCertain Band = "certain"
	// BandProbable: a probable duplicate for the human review queue.
	BandProbable Band = "probable"
	// BandPossible: flagged on the dashboard only.
	BandPossible Band = "possible"
	// BandNew: a new identity.
	BandNew Band = "new"
)

// Bands are the configurable decision thresholds on the 0–1 scale.
type Bands struct {
	Certain    float64 // at or above: the same person
	Probable   float64 // at or above (and below Certain): review queue
	Possible   float64 // at or above (and below Probable): dashboard flag
	Federation float64 // cross-programme duplicate threshold of the admin view
}

// DefaultBands are the thresholds of §15.13: 0.95, 0.75, 0.50, federation
// 0.85.
func DefaultBands() Bands {
	return Bands{Certain: 0.95, Probable: 0.75, Possible: 0.50, Federation: 0.85}
}

// Validate reports thresholds outside 0–1 or out of order.
func (b Bands) Validate() error {
	for _, v := range []float64{b.Certain, b.Probable, b.Possible, b.Federation} {
		if v < 0 || v > 1 {
			return fmt.Errorf("linkage thresholds must be between 0 and 1, got %v", v)
		}
	}
	if !(b.Possible <= b.Probable && b.Probable <= b.Certain) {
		return errors.New("linkage thresholds must satisfy possible ≤ probable ≤ certain")
	}
	return nil
}

// Decide returns the band of a match: Classify of its score, except that
// an uncorroborated match (Match.Uncorroborated) is at most probable.
func (b Bands) Decide(m Match) Band {
	band := b.Classify(m.Score)
	if band == BandCertain && m.Uncorroborated {
		return BandProbable
	}
	return band
}

// Classify returns the band of score.
func (b Bands) Classify(score float64) Band {
	switch {
	case score >= b.Certain:
		return BandCertain
	case score >= b.Probable:
		return BandProbable
	case score >= b.Possible:
		return BandPossible
	}
	return BandNew
}
