package mpi

import (
	"slices"
	"strconv"
	"strings"
)

// Phonetic returns a Soundex-style code of one folded word, after a few
// rewrites for spellings that sound alike in West African orthographies
// (ph→f, dj→j, kh→k, qu/q→k, ou→u, sh/ch→s, c before e/i/y→s, th→t, dh→d).
// Words with the same code sound alike: it is for blocking, not scoring.
func Phonetic(word string) string {
	w := phoneticRewrites.Replace(word)
	if strings.HasPrefix(w, "c") && len(w) > 1 && strings.ContainsRune("eiy", rune(w[1])) {
		w = "s" + w[1:]
	}
	if w == "" {
		return ""
	}
	code := []byte{w[0]}
	last := soundexDigit(w[0])
	for i := 1; i < len(w) && len(code) < 4; i++ {
		d := soundexDigit(w[i])
		switch {
		case d == 0:
			if w[i] != 'h' && w[i] != 'w' { // vowels separate equal digits
				last = 0
			}
		case d != last:
			code = append(code, '0'+d)
			last = d
		}
	}
	return string(code)
}

var phoneticRewrites = strings.NewReplacer(
	"ph", "f", "dj", "j", "kh", "k", "qu", "k", "q", "k", "ou", "u",
	"sh", "s", "ch", "s", "th", "t", "dh", "d", "ce", "se", "ci", "si", "cy", "sy",
)

func soundexDigit(c byte) byte {
	switch c {
	case 'b', 'f', 'p', 'v':
		return 1
	case 'c', 'g', 'j', 'k', 's', 'x', 'z':
		return 2
	case 'd', 't':
		return 3
	case 'l':
		return 4
	case 'm', 'n':
		return 5
	case 'r':
		return 6
	}
	return 0
}

// BlockingKeysVersion identifies the derivation of BlockingKeys. Stores
// that keep keys record the version they were derived with and derive them
// again when it differs, so a release that changes BlockingKeys (or
// Phonetic, the name normalisation or the variant list it reads) must
// increase it.
const BlockingKeysVersion = 1

// phoneKeyDigits is how many trailing digits of a phone number form its
// blocking key (the subscriber number, without the country code).
const phoneKeyDigits = 8

// BlockingKeys returns the keys under which r is indexed for matching. Two
// records that may be the same person share at least one key, unless both
// their names and their birth year differ; matching a new record therefore
// compares it only with the records under its keys, not with every record.
// Keys, for the first word f of the first name and l of the last name:
//   - "n:" the sorted pair of Phonetic(f), Phonetic(l), then ":" and the
//     birth decade ("197"), or "-" when the birth date is unknown: tolerant
//     of a wrong birth date within the decade, and of first and last name
//     swapped (MatchKeys also reads the neighbouring decade near its
//     edges, and every decade for a record without a birth date);
//   - "y:" Phonetic(f) ":" birth year ":" l's initial, and the same with f
//     and l exchanged: tolerant of a misspelt name (beyond its initial);
//   - "p:" the last eight digits of the phone number;
//   - "x:" key "=" value for each external id (NIN, DHIS2 uid, ...).
//
// The result is sorted and has no duplicates.
func BlockingKeys(r Record) []string {
	return Prepare(r).BlockingKeys(r.PhoneNumber)
}

// BlockingKeys returns the blocking keys of a prepared record whose phone
// number is phone (see the function BlockingKeys).
func (p Profile) BlockingKeys(phone string) []string {
	keys := make([]string, 0, 8)
	var f, l string
	if len(p.First) > 0 {
		f = p.First[0]
	}
	if len(p.Last) > 0 {
		l = p.Last[0]
	}
	pf, pl := Phonetic(f), Phonetic(l)
	if pf != "" || pl != "" {
		keys = append(keys, p.nameKey(pf, pl, "")[0])
	}
	if !p.DOB.IsZero() {
		y := strconv.Itoa(p.DOB.Year())
		if pf != "" && l != "" {
			keys = append(keys, "y:"+pf+":"+y+":"+l[:1])
		}
		if pl != "" && f != "" {
			keys = append(keys, "y:"+pl+":"+y+":"+f[:1])
		}
	}
	if digits := phoneDigits(phone); len(digits) >= phoneKeyDigits {
		keys = append(keys, "p:"+digits[len(digits)-phoneKeyDigits:])
	}
	for k, v := range p.External {
		if k != "" && v != "" {
			keys = append(keys, "x:"+k+"="+v)
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// nameKey returns the "n:" key of the phonetic pair for a birth decade
// (p's own when decade is ""), "-" standing for an unknown birth date.
func (p Profile) nameKey(pf, pl, decade string) []string {
	if decade == "" {
		decade = "-"
		if !p.DOB.IsZero() {
			decade = strconv.Itoa(p.DOB.Year() / 10)
		}
	}
	return []string{"n:" + min(pf, pl) + ":" + max(pf, pl) + ":" + decade}
}

// Birth decades MatchKeys reads for a record without a birth date.
const (
	firstDecade = 185
	lastDecade  = 210
)

// MatchKeys returns the keys to look up when matching p (whose phone
// number is phone) against indexed records: its BlockingKeys, and for the
// name pair the keys of the records it may be compared with although they
// file it under another decade: a record with a birth date reads the
// neighbouring decade when its year ends in 0 or 9 (birth dates a year
// apart) and the records without a birth date; a record without one reads
// every decade. The result is sorted and has no duplicates.
func (p Profile) MatchKeys(phone string) []string {
	keys := p.BlockingKeys(phone)
	var f, l string
	if len(p.First) > 0 {
		f = p.First[0]
	}
	if len(p.Last) > 0 {
		l = p.Last[0]
	}
	pf, pl := Phonetic(f), Phonetic(l)
	if pf == "" && pl == "" {
		return keys
	}
	if p.DOB.IsZero() {
		for d := firstDecade; d <= lastDecade; d++ {
			keys = append(keys, p.nameKey(pf, pl, strconv.Itoa(d))...)
		}
	} else {
		y := p.DOB.Year()
		keys = append(keys, p.nameKey(pf, pl, "-")...)
		switch y % 10 {
		case 0:
			keys = append(keys, p.nameKey(pf, pl, strconv.Itoa(y/10-1))...)
		case 9:
			keys = append(keys, p.nameKey(pf, pl, strconv.Itoa(y/10+1))...)
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// phoneKey returns the last phoneKeyDigits digits of phone, or "" when it
// has fewer.
func phoneKey(phone string) string {
	if d := phoneDigits(phone); len(d) >= phoneKeyDigits {
		return d[len(d)-phoneKeyDigits:]
	}
	return ""
}

func phoneDigits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
