package mpi

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"
)

// LinkType says how two federated records of the registry relate
// (platform §6.2: POST /mpi/admin/federation/link).
type LinkType string

// Link types.
const (
	LinkSamePerson      LinkType = "same_person"
	LinkHouseholdMember LinkType = "household_member"
	LinkRelated         LinkType = "related"
)

// Valid reports whether t is one of the three link types.
func (t LinkType) Valid() bool {
	return t == LinkSamePerson || t == LinkHouseholdMember || t == LinkRelated
}

// FederationLink is a platform administrator's statement that two records,
// usually of different programmes, are the same person, members of one
// household, or otherwise related. Unlike a merge it changes neither
// record: each programme keeps its own identity and the link can be
// removed. One link exists per unordered pair of records.
type FederationLink struct {
	ID                string
	SourceMPIID       string
	SourceProgrammeID string
	TargetMPIID       string
	TargetProgrammeID string
	Type              LinkType
	// Confidence is on the 0–1 linkage scale of §15.13, like Match.Score.
	Confidence float64
	Notes      string
	CreatedBy  string
	CreatedAt  time.Time
}

// Other returns the MPI id at the other end of the link from mpiID.
func (l FederationLink) Other(mpiID string) string {
	if l.SourceMPIID == mpiID {
		return l.TargetMPIID
	}
	return l.SourceMPIID
}

// linkIDLen is the length of a federation link id's random part.
const linkIDLen = 16

// NewLinkID returns a federation link id: "fl_" and 16 lower-case Base36
// characters drawn from r, which must be a CSPRNG in production.
func NewLinkID(r io.Reader) (string, error) {
	var b [linkIDLen]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("new federation link id: read random: %w", err)
	}
	const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
	out := make([]byte, 0, 3+linkIDLen)
	out = append(out, "fl_"...)
	for _, c := range b {
		// c%36 is slightly biased (256 is not a multiple of 36): harmless
		// for an identifier that is not a secret.
		out = append(out, alphabet[int(c)%36])
	}
	return string(out), nil
}

// ValidConfidence reports whether c is a confidence on the 0–1 scale.
func ValidConfidence(c float64) bool { return !math.IsNaN(c) && c >= 0 && c <= 1 }

// FederationThreshold converts the percentage of GET
// /mpi/admin/federation/duplicates?threshold=85 (§6.2 writes it as a
// percent, §15.13 keeps one 0–1 scale) to the 0–1 scale, or returns an
// error when pct is outside 0–100.
func FederationThreshold(pct float64) (float64, error) {
	if math.IsNaN(pct) || pct < 0 || pct > 100 {
		return 0, fmt.Errorf("threshold must be a percentage between 0 and 100, got %v", pct)
	}
	return pct / 100, nil
}

// Pair is two records' comparison, for review lists such as the
// federation duplicates.
type Pair struct {
	A, B  Record
	Match Match
}

// RankPairs orders pairs best first: by score, then by the MPI ids, so
// equal scores keep a stable order.
func RankPairs(ps []Pair) {
	slices.SortFunc(ps, func(x, y Pair) int {
		if c := cmp.Compare(y.Match.Score, x.Match.Score); c != 0 {
			return c
		}
		if c := strings.Compare(x.A.MPIID, y.A.MPIID); c != 0 {
			return c
		}
		return strings.Compare(x.B.MPIID, y.B.MPIID)
	})
}
