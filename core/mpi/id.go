package mpi

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// base36 is the alphabet of an MPI id's random suffix.
const base36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// SuffixLen is the length of an MPI id's random suffix (36^8 ≈ 2.8 × 10^12).
const SuffixLen = 8

// rejectAbove36 is 256 - 256 mod 36: bytes at or above it are discarded so
// every symbol is equally likely.
const rejectAbove36 = 256 - 256%len(base36)

// ErrMalformedID is returned by ParseID for a string that is not an MPI id.
var ErrMalformedID = errors.New("malformed MPI id")

// ID is a parsed MPI id "{CC}-{REG}-{YY}-{8 Base36}", e.g. SN-DKR-26-9XQ7LM2A.
type ID struct {
	Country string // ISO 3166-1 alpha-2, upper case
	Region  string // three upper-case letters
	Year    int    // two-digit UTC year of registration, 0–99
	Suffix  string // eight Base36 symbols, upper case
}

// String formats the id.
func (id ID) String() string {
	return fmt.Sprintf("%s-%s-%02d-%s", id.Country, id.Region, id.Year, id.Suffix)
}

// NewID draws a fresh MPI id for a record of country and region registered
// at now (its UTC year gives YY), reading the suffix from r (a CSPRNG in
// production) by rejection sampling. country and region must already be
// valid (see ValidCountry, ValidRegion); they are upper-cased.
func NewID(r io.Reader, country, region string, now time.Time) (string, error) {
	country, region = strings.ToUpper(country), strings.ToUpper(region)
	if !ValidCountry(country) {
		return "", fmt.Errorf("new MPI id: country %q is not ISO 3166-1 alpha-2", country)
	}
	if !ValidRegion(region) {
		return "", fmt.Errorf("new MPI id: region %q is not three letters", region)
	}
	out := make([]byte, 0, SuffixLen)
	buf := make([]byte, SuffixLen+4)
	for len(out) < SuffixLen {
		if _, err := io.ReadFull(r, buf); err != nil {
			return "", fmt.Errorf("new MPI id: read random: %w", err)
		}
		for _, b := range buf {
			if int(b) >= rejectAbove36 {
				continue
			}
			out = append(out, base36[int(b)%len(base36)])
			if len(out) == SuffixLen {
				break
			}
		}
	}
	return ID{Country: country, Region: region, Year: now.UTC().Year() % 100, Suffix: string(out)}.String(), nil
}

// ParseID parses a canonical MPI id strictly: upper case, hyphens exactly
// where they belong, a known country code, a three-letter region, two
// digits of year and eight Base36 symbols. Anything else is ErrMalformedID.
func ParseID(s string) (ID, error) {
	// CC-REG-YY-XXXXXXXX: 2+1+3+1+2+1+8 = 18 bytes.
	if len(s) != 18 || s[2] != '-' || s[6] != '-' || s[9] != '-' {
		return ID{}, ErrMalformedID
	}
	id := ID{Country: s[0:2], Region: s[3:6], Suffix: s[10:]}
	if !ValidCountry(id.Country) || !ValidRegion(id.Region) {
		return ID{}, ErrMalformedID
	}
	y0, y1 := s[7], s[8]
	if y0 < '0' || y0 > '9' || y1 < '0' || y1 > '9' {
		return ID{}, ErrMalformedID
	}
	id.Year = int(y0-'0')*10 + int(y1-'0')
	for i := 0; i < len(id.Suffix); i++ {
		c := id.Suffix[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return ID{}, ErrMalformedID
		}
	}
	return id, nil
}
