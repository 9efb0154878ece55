package mpi

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// foldPairs maps precomposed letters to ASCII: each string of letters folds
// to the ASCII text after it. It covers Latin-1 Supplement, Latin
// Extended-A, the Latin Extended Additional letters Yoruba and Vietnamese
// use, and the African-alphabet letters of Akan, Ewe, Ga, Hausa, Fula,
// Wolof and Bambara orthographies (ɛ ɔ ŋ ɓ ɗ ƙ ƴ ɲ). Upper-case letters are
// lowered before the table is read, so only lower-case forms appear.
// Combining marks (decomposed input) are dropped separately.
var foldPairs = [...]struct{ from, to string }{
	{"àáâãäåāăąǎạảấầẩẫậắằẳẵặ", "a"},
	{"æ", "ae"},
	{"çćĉċč", "c"},
	{"ďđɗ", "d"},
	{"èéêëēĕėęěẹẻẽếềểễệɛǝə", "e"},
	{"ĝğġģ", "g"},
	{"ĥħ", "h"},
	{"ìíîïĩīĭįıǐịỉ", "i"},
	{"ĵ", "j"},
	{"ķƙ", "k"},
	{"ĺļľŀł", "l"},
	{"ñńņňŉŋ", "n"},
	{"ɲ", "ny"},
	{"òóôõöøōŏőǒọỏốồổỗộớờởỡợɔ", "o"},
	{"œ", "oe"},
	{"ŕŗř", "r"},
	{"śŝşšṣș", "s"},
	{"ß", "ss"},
	{"ţťŧțṭ", "t"},
	{"þ", "th"},
	{"ùúûüũūŭůűųǔụủứừửữựư", "u"},
	{"ŵẃẁẅ", "w"},
	{"ýÿŷƴỳỹỵ", "y"},
	{"źżžẓ", "z"},
	{"ɓ", "b"},
}

// foldTable is foldPairs indexed by rune. It is built once and only read.
var foldTable = func() map[rune]string {
	m := make(map[rune]string, 256)
	for _, p := range foldPairs {
		for _, r := range p.from {
			m[r] = p.to
		}
	}
	return m
}()

// Fold lower-cases s and folds its letters to ASCII a–z: precomposed
// letters through the fold table, combining marks dropped (so decomposed
// input folds the same), and any other letter outside ASCII dropped.
// Everything that is not a letter becomes a space, except apostrophes and
// similar marks inside a name (N'Diaye → ndiaye), which are removed.
func Fold(s string) string { return fold(s, false) }

// FoldArea folds like Fold but keeps ASCII digits, for place names such as
// "Dakar Plateau 2" or "District 18".
func FoldArea(s string) string { return strings.Join(strings.Fields(fold(s, true)), " ") }

func fold(s string, digits bool) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			switch {
			case r >= 'a' && r <= 'z':
				b.WriteRune(r)
			case r >= 'A' && r <= 'Z':
				b.WriteRune(r + 'a' - 'A')
			case digits && r >= '0' && r <= '9':
				b.WriteRune(r)
			case r == '\'' || r == '`':
				// elided
			default:
				b.WriteByte(' ')
			}
		case unicode.Is(unicode.Mn, r):
			// a combining mark: the letter before it is kept
		case r == '\u2019' || r == '\u2018' || r == '\u02bc':
			// typographic apostrophes and the modifier letter apostrophe
		default:
			lr := unicode.ToLower(r)
			if lr >= 'a' && lr <= 'z' { // e.g. the Turkish İ
				b.WriteRune(lr)
			} else if f, ok := foldTable[lr]; ok {
				b.WriteString(f)
			} else if !unicode.IsLetter(r) {
				b.WriteByte(' ')
			}
		}
	}
	return b.String()
}

// NameTokens normalises a name into its words: case and diacritics folded
// (see Fold), hyphens, dots and any other separators treated as spaces,
// runs of spaces collapsed. "Mamadou-Lamine  DIALLO" gives
// [mamadou lamine diallo]. At most maxNameTokens words are kept.
func NameTokens(s string) []string {
	t := strings.Fields(Fold(s))
	if len(t) > maxNameTokens {
		t = t[:maxNameTokens]
	}
	return t
}

// maxNameTokens bounds the words of one name that matching considers.
const maxNameTokens = 6

// NormalizeName returns the name's words (NameTokens) joined by one space.
func NormalizeName(s string) string { return strings.Join(NameTokens(s), " ") }

// CanonicalTokens returns the name's words with each known spelling variant
// replaced by its canonical form (see Canonical).
func CanonicalTokens(s string) []string {
	t := NameTokens(s)
	for i, w := range t {
		t[i] = Canonical(w)
	}
	return t
}

// Canonical returns the canonical spelling of one folded word when it is a
// known West African spelling variant (variants.go), and the word itself
// otherwise.
func Canonical(word string) string {
	if c, ok := variantTable[word]; ok {
		return c
	}
	return word
}
