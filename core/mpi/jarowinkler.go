package mpi

// Jaro returns the Jaro similarity of a and b, from 0 (nothing in common)
// to 1 (equal), comparing runes. Two empty strings are equal.
func Jaro(a, b string) float64 {
	if a == b {
		return 1
	}
	var abuf, bbuf [32]rune
	ra, rb := appendRunes(abuf[:0], a), appendRunes(bbuf[:0], b)
	return jaro(ra, rb)
}

func appendRunes(dst []rune, s string) []rune {
	for _, r := range s {
		dst = append(dst, r)
	}
	return dst
}

func jaro(a, b []rune) float64 {
	la, lb := len(a), len(b)
	if la == 0 || lb == 0 {
		if la == lb {
			return 1
		}
		return 0
	}
	window := max(la, lb)/2 - 1
	if window < 0 {
		window = 0
	}
	var amBuf, bmBuf [32]bool
	am, bm := amBuf[:0], bmBuf[:0]
	if la > len(amBuf) {
		am = make([]bool, la)
	} else {
		am = amBuf[:la]
	}
	if lb > len(bmBuf) {
		bm = make([]bool, lb)
	} else {
		bm = bmBuf[:lb]
	}
	matches := 0
	for i := range a {
		lo, hi := max(0, i-window), min(lb, i+window+1)
		for j := lo; j < hi; j++ {
			if !bm[j] && a[i] == b[j] {
				am[i], bm[j] = true, true
				matches++
				break
			}
		}
	}
	if matches == 0 {
		return 0
	}
	transpositions, k := 0, 0
	for i := range a {
		if !am[i] {
			continue
		}
		for !bm[k] {
			k++
		}
		if a[i] != b[k] {
			transpositions++
		}
		k++
	}
	m := float64(matches)
	return (m/float64(la) + m/float64(lb) + (m-float64(transpositions)/2)/m) / 3
}

// Winkler's constants: the prefix scaling factor and the longest prefix
// that earns a bonus.
const (
	winklerScale     = 0.1
	winklerMaxPrefix = 4
)

// JaroWinkler returns the Jaro-Winkler similarity of a and b (Winkler 1990:
// the Jaro similarity raised by 0.1 per common leading rune, up to four),
// from 0 to 1. MARTHA/MARHTA gives 0.961, DWAYNE/DUANE 0.84, DIXON/DICKSONX
// 0.813.
func JaroWinkler(a, b string) float64 {
	if a == b {
		return 1
	}
	var abuf, bbuf [32]rune
	ra, rb := appendRunes(abuf[:0], a), appendRunes(bbuf[:0], b)
	j := jaro(ra, rb)
	prefix := 0
	for prefix < winklerMaxPrefix && prefix < len(ra) && prefix < len(rb) && ra[prefix] == rb[prefix] {
		prefix++
	}
	return j + float64(prefix)*winklerScale*(1-j)
}
