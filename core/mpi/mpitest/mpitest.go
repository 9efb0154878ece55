// Package mpitest generates labelled synthetic beneficiary records for
// testing and benchmarking record linkage: people with planted duplicate
// registrations (typos, swapped names, transliterations, a wrong or
// missing birth date), households that share a surname, phone and address
// but are different people, and twins. Everything comes from a fixed seed.
//
// Its name lists and transliteration pairs are written separately from the
// normaliser's variant list in core/mpi, and include spellings that list
// does not know, so a linkage test measures the matcher instead of grading
// the list against itself.
package mpitest

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/kente-gov/kente/core/mpi"
)

// Labelled is a synthetic record and the person it belongs to: two records
// with the same Person are the same human being.
type Labelled struct {
	Record mpi.Record
	Person int
	// Kind says how a planted duplicate was made ("" for a first
	// registration): typo, swap, transliteration, birth_date, compound, mixed.
	Kind string
}

// Options shape a dataset.
type Options struct {
	Seed uint64
	// Records is the number of records to generate.
	Records int
	// DuplicateRate is the share of records that are planted duplicates
	// of an earlier record (0.05 = 5%).
	DuplicateRate float64
	// HouseholdRate is the share of people living in a household of 2–4
	// with a shared surname, phone and district.
	HouseholdRate float64
	// TwinRate is the share of people who have a twin.
	TwinRate float64
	// Programme fills each record's ProgrammeID.
	Programme string
}

// Defaults returns the options of the linkage tests: 5% duplicates, 20% of
// people in households, 2% twins.
func Defaults(seed uint64, records int) Options {
	return Options{Seed: seed, Records: records, DuplicateRate: 0.05, HouseholdRate: 0.20, TwinRate: 0.02, Programme: "prog_synthetic"}
}

// Generate returns opts.Records records in registration order: a planted
// duplicate always comes after the first record of its person.
func Generate(opts Options) []Labelled {
	g := &gen{rng: rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15)), opts: opts}
	nDup := int(float64(opts.Records) * opts.DuplicateRate)
	nFirst := opts.Records - nDup
	out := make([]Labelled, 0, opts.Records)
	for len(out) < nFirst {
		out = append(out, g.people(nFirst-len(out))...)
	}
	// Plant duplicates of earlier people at random positions after them:
	// each record gets a sort key, a duplicate one between its source's
	// and the end.
	keys := make([]float64, 0, opts.Records)
	for i := range out {
		keys = append(keys, float64(i))
	}
	for i := 0; i < nDup; i++ {
		srcPos := g.rng.IntN(nFirst)
		out = append(out, g.duplicate(out[srcPos]))
		keys = append(keys, float64(srcPos)+0.5+g.rng.Float64()*float64(nFirst-srcPos))
	}
	idx := make([]int, len(out))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(keys[a], keys[b]) })
	sorted := make([]Labelled, len(out))
	for i, j := range idx {
		sorted[i] = out[j]
	}
	return sorted
}

type gen struct {
	rng    *rand.Rand
	opts   Options
	person int
}

var base = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// people returns one person, a household or a pair of twins, at most max
// records.
func (g *gen) people(max int) []Labelled {
	r := g.rng.Float64()
	switch {
	case r < g.opts.TwinRate/2 && max >= 2:
		a := g.newPerson()
		b := g.newPerson()
		b.Record.LastName, b.Record.DateOfBirth = a.Record.LastName, a.Record.DateOfBirth
		b.Record.RegionCode, b.Record.District, b.Record.CountryCode = a.Record.RegionCode, a.Record.District, a.Record.CountryCode
		b.Record.PhoneNumber = a.Record.PhoneNumber
		for g.firstNameOf(b) == g.firstNameOf(a) {
			b.Record.FirstName = g.firstName(b.Record.Gender)
		}
		return []Labelled{a, b}
	case r < g.opts.TwinRate/2+g.opts.HouseholdRate/3 && max >= 2:
		n := min(max, 2+g.rng.IntN(3))
		head := g.newPerson()
		out := []Labelled{head}
		for len(out) < n {
			m := g.newPerson()
			m.Record.LastName, m.Record.PhoneNumber = head.Record.LastName, head.Record.PhoneNumber
			m.Record.RegionCode, m.Record.District, m.Record.CountryCode = head.Record.RegionCode, head.Record.District, head.Record.CountryCode
			out = append(out, m)
		}
		return out
	}
	return []Labelled{g.newPerson()}
}

func (g *gen) firstNameOf(l Labelled) string { return strings.ToLower(l.Record.FirstName) }

func (g *gen) newPerson() Labelled {
	g.person++
	gender := mpi.Male
	if g.rng.IntN(2) == 0 {
		gender = mpi.Female
	}
	c := countries[g.rng.IntN(len(countries))]
	r := mpi.Record{
		ProgrammeID: g.opts.Programme,
		FirstName:   g.firstName(gender),
		LastName:    c.surnames[g.rng.IntN(len(c.surnames))],
		DateOfBirth: base.AddDate(-g.rng.IntN(80), 0, -g.rng.IntN(365)),
		Gender:      gender,
		CountryCode: c.code,
		RegionCode:  c.regions[g.rng.IntN(len(c.regions))],
		District:    fmt.Sprintf("District %d", g.rng.IntN(40)),
	}
	if g.rng.IntN(10) < 7 {
		r.PhoneNumber = fmt.Sprintf("%s%09d", c.dial, 200000000+g.rng.IntN(700000000))
	}
	if g.rng.IntN(10) < 3 {
		r.ExternalIDs = map[string]string{mpi.ExtNIN: fmt.Sprintf("%s%011d", c.code, g.rng.Int64N(1e11))}
	}
	if g.rng.IntN(10) < 1 {
		r.DateOfBirth = time.Time{} // unknown
	}
	if g.rng.IntN(8) == 0 { // a compound given name
		r.FirstName += " " + g.firstName(gender)
	}
	return Labelled{Record: r, Person: g.person}
}

func (g *gen) firstName(gender mpi.Gender) string {
	if gender == mpi.Female {
		return femaleNames[g.rng.IntN(len(femaleNames))]
	}
	return maleNames[g.rng.IntN(len(maleNames))]
}

// duplicate returns another registration of src's person, changed the way
// field registrations go wrong. External ids are usually not re-entered.
func (g *gen) duplicate(src Labelled) Labelled {
	r := src.Record
	r.ExternalIDs = nil
	if len(src.Record.ExternalIDs) > 0 && g.rng.IntN(3) == 0 {
		r.ExternalIDs = src.Record.ExternalIDs
	}
	if g.rng.IntN(2) == 0 {
		r.PhoneNumber = "" // not given the second time
	}
	kind := ""
	switch k := g.rng.IntN(100); {
	case k < 35:
		kind = "typo"
		if g.rng.IntN(2) == 0 {
			r.FirstName = g.typo(r.FirstName)
		} else {
			r.LastName = g.typo(r.LastName)
		}
	case k < 50:
		kind = "swap"
		r.FirstName, r.LastName = r.LastName, r.FirstName
	case k < 75:
		kind = "transliteration"
		f, okF := g.transliterate(r.FirstName)
		l, okL := g.transliterate(r.LastName)
		if !okF && !okL {
			kind = "typo"
			f = g.typo(r.FirstName)
		}
		r.FirstName, r.LastName = f, l
	case k < 85:
		kind = "birth_date"
		switch {
		case r.DateOfBirth.IsZero():
			r.DateOfBirth = base.AddDate(-30, 0, 0)
		case r.DateOfBirth.Day() <= 12 && r.DateOfBirth.Day() != int(r.DateOfBirth.Month()):
			r.DateOfBirth = time.Date(r.DateOfBirth.Year(), time.Month(r.DateOfBirth.Day()), int(r.DateOfBirth.Month()), 0, 0, 0, 0, time.UTC)
		default:
			r.DateOfBirth = time.Time{} // not known the second time
		}
	case k < 92:
		kind = "compound"
		if w := strings.Fields(r.FirstName); len(w) > 1 {
			r.FirstName = w[0]
		} else {
			r.FirstName = strings.ToUpper(r.FirstName) + "-" + g.firstName(r.Gender)
		}
	default:
		kind = "mixed"
		r.FirstName, _ = g.transliterate(r.FirstName)
		r.LastName = strings.ToUpper(g.typo(r.LastName))
	}
	if g.rng.IntN(4) == 0 {
		r.FirstName = strings.ToUpper(r.FirstName)
	}
	return Labelled{Record: r, Person: src.Person, Kind: kind}
}

// typo makes one keyboard slip in a word of s: a changed, dropped, doubled
// or transposed letter, never the first letter.
func (g *gen) typo(s string) string {
	b := []byte(s)
	if len(b) < 4 {
		return s + string(b[len(b)-1])
	}
	i := 1 + g.rng.IntN(len(b)-2)
	switch g.rng.IntN(4) {
	case 0:
		b[i] = "aeiounrstl"[g.rng.IntN(10)]
	case 1:
		b = append(b[:i], b[i+1:]...)
	case 2:
		b = append(b[:i+1], b[i:]...)
	default:
		b[i], b[i+1] = b[i+1], b[i]
	}
	return string(b)
}

// transliterate replaces one word of s with another spelling of it from
// the generator's own list, reporting whether it knew one.
func (g *gen) transliterate(s string) (string, bool) {
	words := strings.Fields(s)
	for i, w := range words {
		for _, grp := range spellings {
			for _, v := range grp {
				if strings.EqualFold(v, w) {
					alt := grp[g.rng.IntN(len(grp))]
					for strings.EqualFold(alt, w) {
						alt = grp[g.rng.IntN(len(grp))]
					}
					words[i] = alt
					return strings.Join(words, " "), true
				}
			}
		}
	}
	return s, false
}
