package mpi_test

import (
	"bytes"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/mpi"
)

var now = time.Date(2026, 11, 23, 13, 3, 0, 0, time.UTC)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestJaroWinklerPublishedValues(t *testing.T) {
	tests := []struct {
		a, b string
		want float64
	}{
		{"MARTHA", "MARHTA", 0.961},
		{"DWAYNE", "DUANE", 0.840},
		{"DIXON", "DICKSONX", 0.813},
		{"JONES", "JONES", 1},
		{"ABC", "XYZ", 0},
		{"", "", 1},
		{"A", "", 0},
	}
	for _, tt := range tests {
		assert.InDelta(t, tt.want, mpi.JaroWinkler(tt.a, tt.b), 0.0005, "%s/%s", tt.a, tt.b)
		assert.InDelta(t, mpi.JaroWinkler(tt.a, tt.b), mpi.JaroWinkler(tt.b, tt.a), 1e-12, "symmetric")
	}
	assert.InDelta(t, 0.944, mpi.Jaro("MARTHA", "MARHTA"), 0.0005)
}

func TestNewIDAndParse(t *testing.T) {
	id, err := mpi.NewID(rand.Reader, "SN", "DKR", now)
	require.NoError(t, err)
	assert.Regexp(t, `^SN-DKR-26-[0-9A-Z]{8}$`, id)
	p, err := mpi.ParseID(id)
	require.NoError(t, err)
	assert.Equal(t, "SN", p.Country)
	assert.Equal(t, "DKR", p.Region)
	assert.Equal(t, 26, p.Year)
	assert.Equal(t, id, p.String())

	// Deterministic suffix from a fixed reader; bytes ≥ 252 are rejected.
	r := bytes.NewReader([]byte{0, 1, 35, 36, 255, 252, 71, 10, 11, 12, 13, 14, 15, 16})
	id, err = mpi.NewID(r, "gh", "acc", time.Date(2031, 1, 1, 0, 30, 0, 0, time.FixedZone("x", 3600)))
	require.NoError(t, err)
	assert.Equal(t, "GH-ACC-30-01Z0ZAB", id[:17], "the UTC year of an instant just after new year elsewhere")

	_, err = mpi.NewID(rand.Reader, "XX", "DKR", now)
	assert.Error(t, err)
	_, err = mpi.NewID(rand.Reader, "SN", "DK", now)
	assert.Error(t, err)
	_, err = mpi.NewID(bytes.NewReader(nil), "SN", "DKR", now)
	assert.Error(t, err)
}

func TestParseIDRejects(t *testing.T) {
	for _, s := range []string{
		"", "SN-DKR-26-9XQ7LM2", "SN-DKR-26-9XQ7LM2AB", "sn-DKR-26-9XQ7LM2A", "SN-dkr-26-9XQ7LM2A",
		"SN-DKR-26-9xq7lm2a", "XX-DKR-26-9XQ7LM2A", "SN-DK1-26-9XQ7LM2A", "SN_DKR-26-9XQ7LM2A",
		"SN-DKR-2A-9XQ7LM2A", "SN-DKR-26-9XQ7LM2-", "SN-DKR-26-9XQ7LÉA",
	} {
		_, err := mpi.ParseID(s)
		assert.ErrorIs(t, err, mpi.ErrMalformedID, s)
	}
}

func FuzzParseID(f *testing.F) {
	f.Add("SN-DKR-26-9XQ7LM2A")
	f.Add("GH-ACC-00-00000000")
	f.Add("SN-DKR-26-9XQ7LM2")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := mpi.ParseID(s)
		if err != nil {
			return
		}
		if id.String() != s {
			t.Fatalf("ParseID(%q) round-trips to %q", s, id.String())
		}
		if !mpi.ValidCountry(id.Country) || !mpi.ValidRegion(id.Region) || id.Year < 0 || id.Year > 99 {
			t.Fatalf("ParseID(%q) accepted a bad part: %+v", s, id)
		}
	})
}

func TestValidation(t *testing.T) {
	assert.True(t, mpi.ValidCountry("SN"))
	assert.True(t, mpi.ValidCountry("GH"))
	assert.True(t, mpi.ValidCountry("ZW"))
	assert.False(t, mpi.ValidCountry("sn"))
	assert.False(t, mpi.ValidCountry("XK"))
	assert.False(t, mpi.ValidCountry("S "))
	assert.False(t, mpi.ValidCountry("N "))
	assert.Len(t, mpi.CountryCodes(), 249)

	assert.True(t, mpi.ValidRegion("DKR"))
	assert.False(t, mpi.ValidRegion("DK"))
	assert.False(t, mpi.ValidRegion("dkr"))
	assert.False(t, mpi.ValidRegion("DK1"))

	for _, p := range []string{"+221771234567", "+233241234567", "+12025550123"} {
		assert.True(t, mpi.ValidPhone(p), p)
	}
	for _, p := range []string{"", "221771234567", "+0221771234", "+2217712345678901", "+22177 123456", "+2217"} {
		assert.False(t, mpi.ValidPhone(p), p)
	}

	assert.True(t, mpi.PlausibleBirthDate(day(1990, 5, 1), now))
	assert.True(t, mpi.PlausibleBirthDate(day(2026, 11, 23), now), "born today")
	assert.False(t, mpi.PlausibleBirthDate(day(2026, 11, 24), now), "tomorrow")
	assert.False(t, mpi.PlausibleBirthDate(day(1905, 11, 22), now), "121 years")
	assert.True(t, mpi.PlausibleBirthDate(day(1906, 11, 23), now), "120 today")
	assert.False(t, mpi.PlausibleBirthDate(time.Time{}, now))
	assert.Equal(t, 35, mpi.Age(day(1990, 11, 24), now))
	assert.Equal(t, 36, mpi.Age(day(1990, 11, 23), now))
}

func TestNormalise(t *testing.T) {
	tests := []struct{ give, want string }{
		{"  Mamadou-Lamine   DIALLO ", "mamadou lamine diallo"},
		{"N'Diaye", "ndiaye"},
		{"Adébáyọ̀", "adebayo"},
		{"Adébáyọ̀", "adebayo"}, // decomposed
		{"Kwàmé Ɔsɛi", "kwame osei"},
		{"İbrahim", "ibrahim"},
		{"Ŋgɔnɔ Ɓa", "ngono ba"},
		{"Ɲuman", "nyuman"},
		{"Sène, Aïssatou.", "sene aissatou"},
		{"O’Brien", "obrien"},
		{"李", ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, mpi.NormalizeName(tt.give), tt.give)
	}
	assert.Equal(t, []string{"mohammed", "lamin"}, mpi.CanonicalTokens("Mamadou Lamine"))
	assert.Equal(t, []string{"ibrahim"}, mpi.CanonicalTokens("Braima"))
	assert.Equal(t, "kwabena", mpi.Canonical("kobina"))
	assert.Equal(t, "diallo", mpi.Canonical("jallow"))
	assert.Equal(t, "mensah", mpi.Canonical("mensah"))
}

func FuzzNormalizeName(f *testing.F) {
	for _, s := range []string{"Mamadou-Lamine DIALLO", "Adébáyọ̀", "N'Diaye", "\xff\xfe", "ɲ ŋ ɔ ɛ", "  "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := mpi.NormalizeName(s)
		for i := 0; i < len(n); i++ {
			if c := n[i]; !(c >= 'a' && c <= 'z' || c == ' ') {
				t.Fatalf("NormalizeName(%q) = %q holds %q", s, n, c)
			}
		}
		if strings.Contains(n, "  ") || strings.TrimSpace(n) != n {
			t.Fatalf("NormalizeName(%q) = %q has stray spaces", s, n)
		}
		if again := mpi.NormalizeName(n); again != n {
			t.Fatalf("not idempotent: %q → %q → %q", s, n, again)
		}
		for _, w := range mpi.CanonicalTokens(s) {
			if w == "" {
				t.Fatalf("empty token from %q", s)
			}
		}
	})
}

func TestVariantGroupsAreDisjoint(t *testing.T) {
	seen := map[string]int{}
	for i, g := range mpi.VariantGroups() {
		for _, w := range g {
			f := mpi.NormalizeName(w)
			require.Equal(t, w, f, "variant %q must be stored folded", w)
			if j, ok := seen[f]; ok && j != i {
				t.Errorf("%q appears in groups %d and %d", w, j, i)
			}
			seen[f] = i
			assert.Equal(t, g[0], mpi.Canonical(f), w)
		}
	}
}

func rec(first, last string, dob time.Time, g mpi.Gender) mpi.Record {
	return mpi.Record{FirstName: first, LastName: last, DateOfBirth: dob, Gender: g, RegionCode: "DKR", CountryCode: "SN"}
}

func score(a, b mpi.Record) mpi.Match {
	return mpi.Score(mpi.Prepare(a), mpi.Prepare(b), mpi.DefaultWeights())
}

func TestScore(t *testing.T) {
	base := rec("Fatou", "Diallo", day(1990, 5, 3), mpi.Female)

	m := score(base, base)
	assert.Equal(t, 1.0, m.Score, "identical records without external ids score 1")
	assert.Equal(t, []string{"first_name", "last_name", "date_of_birth", "gender", "region_code"}, m.MatchedFields)

	swapped := rec("Diallo", "Fatou", day(1990, 5, 3), mpi.Female)
	m = score(base, swapped)
	assert.Equal(t, 1.0, m.Score)
	assert.Contains(t, m.MatchedFields, "name_swapped")

	translit := rec("Fatou", "Jallow", day(1990, 5, 3), mpi.Female)
	assert.Equal(t, 1.0, score(base, translit).Score)

	typo := rec("Fatuo", "Diallo", day(1990, 5, 3), mpi.Female)
	m = score(base, typo)
	assert.InDelta(t, (0.25*mpi.JaroWinkler("fatou", "fatuo")+0.65)/0.9, m.Score, 1e-9)
	assert.Contains(t, m.MatchedFields, "first_name_fuzzy")

	noDOB := base
	noDOB.DateOfBirth = time.Time{}
	assert.Equal(t, 1.0, score(base, noDOB).Score, "missing birth date renormalised")

	dobSwap := rec("Fatou", "Diallo", day(1990, 3, 5), mpi.Female)
	assert.InDelta(t, (0.70+0.2*0.9)/0.9, score(base, dobSwap).Score, 1e-9)
	near := rec("Fatou", "Diallo", day(1991, 2, 1), mpi.Female)
	assert.InDelta(t, (0.70+0.2*0.7)/0.9, score(base, near).Score, 1e-9)

	twin := rec("Awa", "Diallo", day(1990, 5, 3), mpi.Female)
	m = score(base, twin)
	assert.Less(t, m.Score, 0.95)
	assert.NotContains(t, m.MatchedFields, "first_name")

	withNIN, otherNIN := base, base
	withNIN.ExternalIDs = map[string]string{"nin": "1234567890123"}
	otherNIN.ExternalIDs = map[string]string{"nin": "9999999999999"}
	assert.InDelta(t, 0.9, score(withNIN, otherNIN).Score, 1e-9, "a different NIN costs its weight")
	assert.Equal(t, 1.0, score(withNIN, withNIN).Score)
	assert.Contains(t, score(withNIN, withNIN).MatchedFields, "external_id")

	compound := rec("Mamadou Lamine", "Diallo", day(1990, 5, 3), mpi.Male)
	short := rec("Mamadou", "Diallo", day(1990, 5, 3), mpi.Male)
	s := score(compound, short).Score
	assert.Greater(t, s, 0.95)
	assert.Less(t, s, 1.0)

	district := base
	district.District = "Pikine"
	other := base
	other.District = "Guédiawaye"
	assert.InDelta(t, (0.8+0.1*0.5)/0.9, score(district, other).Score, 1e-9)

	stranger := rec("Kwame", "Mensah", day(1970, 1, 1), mpi.Male)
	stranger.RegionCode = "ACC"
	assert.Less(t, score(base, stranger).Score, 0.5)
}

func TestBands(t *testing.T) {
	b := mpi.DefaultBands()
	require.NoError(t, b.Validate())
	assert.Equal(t, mpi.BandCertain, b.Classify(0.95))
	assert.Equal(t, mpi.BandProbable, b.Classify(0.9499))
	assert.Equal(t, mpi.BandProbable, b.Classify(0.75))
	assert.Equal(t, mpi.BandPossible, b.Classify(0.5))
	assert.Equal(t, mpi.BandNew, b.Classify(0.4999))
	assert.Error(t, mpi.Bands{Certain: 0.5, Probable: 0.75, Possible: 0.2}.Validate())
	assert.Error(t, mpi.Bands{Certain: 1.5}.Validate())
}

func TestBlockingKeys(t *testing.T) {
	a := rec("Kwame", "Mensah", day(1990, 5, 3), mpi.Male)
	a.PhoneNumber = "+233241234567"
	a.ExternalIDs = map[string]string{"nin": "GHA-1"}
	keys := mpi.BlockingKeys(a)
	assert.Equal(t, []string{"n:k5:m52:199", "p:41234567", "x:nin=GHA-1", "y:k5:1990:m", "y:m52:1990:k"}, keys)
	assert.Equal(t, []string{"n:k5:m52:-", "n:k5:m52:198", "n:k5:m52:199", "p:41234567", "x:nin=GHA-1", "y:k5:1990:m", "y:m52:1990:k"},
		mpi.Prepare(a).MatchKeys(a.PhoneNumber), "the record's keys, the undated records, and the decade before 1990")

	// share: matching y (its MatchKeys) reads x (filed under BlockingKeys).
	share := func(x, y mpi.Record) bool {
		kx := map[string]bool{}
		for _, k := range mpi.BlockingKeys(x) {
			kx[k] = true
		}
		for _, k := range mpi.Prepare(y).MatchKeys(y.PhoneNumber) {
			if kx[k] {
				return true
			}
		}
		return false
	}
	b := rec("Kwame", "Mensah", day(1990, 5, 3), mpi.Male)
	assert.True(t, share(b, rec("Mensah", "Kwame", day(1990, 5, 3), mpi.Male)), "swap")
	assert.True(t, share(b, rec("Kouamé", "Mensah", day(1991, 5, 3), mpi.Male)), "variant and wrong year")
	assert.True(t, share(b, rec("Kwame", "Mensha", day(1990, 5, 3), mpi.Male)), "typo")
	assert.False(t, share(b, rec("Ama", "Owusu", day(1990, 5, 3), mpi.Female)))
	assert.True(t, share(b, rec("Kwame", "Mensha", day(1989, 12, 30), mpi.Male)), "a year apart, across a decade")
	assert.True(t, share(rec("Kwame", "Mensha", day(1989, 12, 30), mpi.Male), b), "and the other way round")
	assert.True(t, share(b, rec("Kwame", "Mensah", time.Time{}, mpi.Male)), "no birth date reads every decade")
	assert.True(t, share(rec("Kwame", "Mensah", time.Time{}, mpi.Male), b), "a dated record reads the undated ones")
	assert.False(t, share(b, rec("Kwame", "Mensah", day(1960, 5, 3), mpi.Male)), "namesakes thirty years apart")
	assert.Equal(t, "s2", mpi.Phonetic("sisay"))
	assert.Equal(t, mpi.Phonetic("cisse"), mpi.Phonetic("sisse"))
}

func TestTrust(t *testing.T) {
	r := rec("Fatou", "Diallo", day(1990, 5, 3), mpi.Female)
	r.MPIID = "SN-DKR-26-9XQ7LM2A"
	got := mpi.ComputeTrust(r, mpi.TrustInput{}, now)
	assert.Equal(t, 10.0, got.Score)
	assert.Equal(t, mpi.LevelCritical, got.Level)
	assert.Empty(t, got.Risks)

	r.IsVerified, r.PhoneNumber = true, "+221771234567"
	r.ExternalIDs = map[string]string{"nin": "1"}
	r.Programmes = []mpi.ProgrammeLink{{ProgrammeType: "a", Active: true}, {ProgrammeType: "b", Active: true}, {ProgrammeType: "c", Active: true}, {ProgrammeType: "d", Active: true}, {ProgrammeType: "e"}}
	got = mpi.ComputeTrust(r, mpi.TrustInput{RequiresLegalID: true}, now)
	assert.Equal(t, 95.0, got.Score, "30+15+10+10+3×10")
	assert.Equal(t, mpi.LevelHigh, got.Level)
	assert.Equal(t, 4, got.Components.ProgrammesCount)
	assert.Empty(t, got.Risks)

	got = mpi.ComputeTrust(r, mpi.TrustInput{BestDuplicateScore: 0.82, DuplicateOf: "SN-DKR-26-AAAAAAAA"}, now)
	assert.Equal(t, 75.0, got.Score)
	assert.Equal(t, mpi.LevelMedium, got.Level)
	require.Len(t, got.Risks, 1)
	assert.Equal(t, mpi.RiskProbableDuplicate, got.Risks[0].Type)
	assert.Equal(t, mpi.SeverityHigh, got.Risks[0].Severity)
	assert.Contains(t, got.Risks[0].Description, "score 82/100")
	assert.Equal(t, now, got.Risks[0].DetectedAt)

	got = mpi.ComputeTrust(r, mpi.TrustInput{BestDuplicateScore: 0.74, DuplicateOf: "SN-DKR-26-AAAAAAAA"}, now)
	assert.Empty(t, got.Risks, "below 0.75 is no probable duplicate")

	bad := rec("Ama", "Owusu", day(2030, 1, 1), mpi.Female)
	bad.PhoneNumber = "0241234567"
	got = mpi.ComputeTrust(bad, mpi.TrustInput{RequiresLegalID: true, BestDuplicateScore: 0.9, DuplicateOf: "X"}, now)
	assert.Equal(t, 0.0, got.Score, "clamped at 0")
	require.Len(t, got.Risks, 3)
	assert.Equal(t, mpi.RiskDemographicInconsistency, got.Risks[1].Type)
	assert.Equal(t, mpi.SeverityMedium, got.Risks[1].Severity)
	assert.Contains(t, got.Risks[1].Description, "implausible age")
	assert.Contains(t, got.Risks[1].Description, "invalid phone")
	assert.Equal(t, mpi.RiskMissingNIN, got.Risks[2].Type)
	assert.Equal(t, mpi.SeverityLow, got.Risks[2].Severity)

	for _, tt := range []struct {
		give float64
		want mpi.Level
	}{{100, mpi.LevelHigh}, {80, mpi.LevelHigh}, {79.9, mpi.LevelMedium}, {60, mpi.LevelMedium}, {59, mpi.LevelLow}, {40, mpi.LevelLow}, {39.5, mpi.LevelCritical}, {0, mpi.LevelCritical}} {
		assert.Equal(t, tt.want, mpi.LevelOf(tt.give), "%v", tt.give)
	}
}

func TestMergeInto(t *testing.T) {
	src := rec("Fatou", "Diallo", day(1990, 5, 3), mpi.Female)
	src.PhoneNumber = "+221771234567"
	src.ExternalIDs = map[string]string{"nin": "1", "dhis2_uid": "abc"}
	src.Programmes = []mpi.ProgrammeLink{{ProgrammeType: "vaccination", Active: true}}
	tgt := rec("Fatou", "Diallo", time.Time{}, mpi.Female)
	tgt.ExternalIDs = map[string]string{"nin": "2"}
	tgt.Programmes = []mpi.ProgrammeLink{{ProgrammeType: "nutrition", Active: true}, {ProgrammeType: "vaccination", Active: false}}
	out := mpi.MergeInto(src, tgt, now)
	assert.Equal(t, map[string]string{"nin": "2", "dhis2_uid": "abc"}, out.ExternalIDs)
	assert.Len(t, out.Programmes, 2)
	assert.Equal(t, "+221771234567", out.PhoneNumber)
	assert.Equal(t, day(1990, 5, 3), out.DateOfBirth)
	assert.Equal(t, now, out.UpdatedAt)
	assert.Equal(t, map[string]string{"nin": "2"}, tgt.ExternalIDs, "target unchanged")
}

func BenchmarkScore(b *testing.B) {
	x := mpi.Prepare(rec("Mamadou Lamine", "Diallo", day(1990, 5, 3), mpi.Male))
	y := mpi.Prepare(rec("Mouhamed", "Jalloh", day(1990, 3, 5), mpi.Male))
	b.ReportAllocs()
	for b.Loop() {
		mpi.Score(x, y, mpi.DefaultWeights())
	}
}
