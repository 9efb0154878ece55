package mpi

import "time"

// Gender is a beneficiary's recorded sex: M, F, or U (unknown).
type Gender string

// Genders.
const (
	Male    Gender = "M"
	Female  Gender = "F"
	Unknown Gender = "U"
)

// Valid reports whether g is M, F or U.
func (g Gender) Valid() bool { return g == Male || g == Female || g == Unknown }

// Status is a record's lifecycle state.
type Status string

// Statuses. A merged record redirects to its MergedInto.
const (
	StatusActive Status = "active"
	StatusMerged Status = "merged"
)

// Well-known external id keys.
const (
	// ExtNIN is the external id key of the national identity number (§15.12:
	// there is no dedicated field).
	ExtNIN = "nin"
	// ExtDHIS2 is the external id key of a DHIS2 tracked-entity uid.
	ExtDHIS2 = "dhis2_uid"
)

// Record is one beneficiary identity of the master patient index (§4.5).
type Record struct {
	MPIID       string
	ProgrammeID string // the owning programme account (the tenant)
	FirstName   string
	LastName    string
	DateOfBirth time.Time // a calendar date at midnight UTC; zero when unknown
	Gender      Gender    // empty is treated as U
	RegionCode  string    // three letters
	District    string    // commune or district, free text; optional
	CountryCode string    // ISO 3166-1 alpha-2
	PhoneNumber string    // E.164; optional
	ExternalIDs map[string]string
	Programmes  []ProgrammeLink
	Links       []Link
	Status      Status
	IsVerified  bool // KYC: an administrator verified the identity
	VerifiedBy  string
	MergedInto  string // set when Status is merged
	MergedAt    time.Time
	MergeReason string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ProgrammeLink says the beneficiary takes part in a programme.
type ProgrammeLink struct {
	ProgrammeType string
	LinkedAt      time.Time
	Active        bool
}

// Link ties the record to an identity in another system.
type Link struct {
	Type        string // "dhis2"
	ExternalID  string // e.g. the DHIS2 uid
	InstanceURL string
	LinkedAt    time.Time
}

// ActiveProgrammes counts the record's active programme links.
func (r Record) ActiveProgrammes() int {
	n := 0
	for _, p := range r.Programmes {
		if p.Active {
			n++
		}
	}
	return n
}

// MergeInto returns target after absorbing source: programmes, external
// ids and links target lacks are added (target's own values win), and
// verification carries over. It does not change source.
func MergeInto(source, target Record, now time.Time) Record {
	out := target
	out.ExternalIDs = make(map[string]string, len(target.ExternalIDs)+len(source.ExternalIDs))
	for k, v := range source.ExternalIDs {
		out.ExternalIDs[k] = v
	}
	for k, v := range target.ExternalIDs {
		out.ExternalIDs[k] = v
	}
	out.Programmes = append([]ProgrammeLink(nil), target.Programmes...)
	for _, p := range source.Programmes {
		if !hasProgramme(out.Programmes, p.ProgrammeType) {
			out.Programmes = append(out.Programmes, p)
		}
	}
	out.Links = append([]Link(nil), target.Links...)
	for _, l := range source.Links {
		dup := false
		for _, m := range out.Links {
			dup = dup || (m.Type == l.Type && m.ExternalID == l.ExternalID)
		}
		if !dup {
			out.Links = append(out.Links, l)
		}
	}
	if out.PhoneNumber == "" {
		out.PhoneNumber = source.PhoneNumber
	}
	if out.DateOfBirth.IsZero() {
		out.DateOfBirth = source.DateOfBirth
	}
	if !out.IsVerified && source.IsVerified {
		out.IsVerified, out.VerifiedBy = true, source.VerifiedBy
	}
	out.UpdatedAt = now
	return out
}

func hasProgramme(ps []ProgrammeLink, t string) bool {
	for _, p := range ps {
		if p.ProgrammeType == t {
			return true
		}
	}
	return false
}
