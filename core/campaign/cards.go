package campaign

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/mpi"
)

// Type is a campaign's type (§4.2); it is immutable after creation.
type Type string

// Types are the 11 campaign types of §4.2, also the Studio template names.
var Types = []Type{"vaccination", "mild", "nutrition", "antenatal", "hiv", "assurance", "refugee", "identity", "lab", "cps", "farmercard"}

// Valid reports whether t is one of Types.
func (t Type) Valid() bool {
	for _, v := range Types {
		if v == t {
			return true
		}
	}
	return false
}

// Languages are the campaign languages of §4.2.
var Languages = []string{"fr", "en", "wo"}

// Campaign statuses (§4.2).
const (
	StatusDraft        = "draft"
	StatusPreviewReady = "preview_ready"
	StatusGenerating   = "generating"
	StatusCompleted    = "completed"
	StatusFailed       = "failed"
)

// Campaign is an Oomus campaign (§4.2) with the optional §15.8 fields the
// geo module reads. Archived is the reversible DELETE of §4.2.
type Campaign struct {
	ID               string
	ProgrammeID      string
	Name             string
	Type             Type
	Prefix           string
	Language         string
	TemplateID       string
	Description      string
	Status           string
	TotalCards       int64
	Archived         bool
	TargetPopulation *int64
	RegionCode       string
	DosesPlanned     *int64
	BudgetFCFA       *int64
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

var prefixRE = regexp.MustCompile(`^[A-Z][A-Z0-9-]{2,7}$`)

// CheckPrefix validates a card prefix: ^[A-Z][A-Z0-9-]{2,7}$.
func CheckPrefix(p string) error {
	if !prefixRE.MatchString(p) {
		return fault.Field("prefix", "campaign.invalid_prefix", "prefix must match ^[A-Z][A-Z0-9-]{2,7}$ (3–8 uppercase letters, digits or hyphens, starting with a letter)")
	}
	return nil
}

// CheckName validates a campaign name (2–200 characters).
func CheckName(name string) error {
	n := utf8.RuneCountInString(strings.TrimSpace(name))
	if n < 2 || n > 200 {
		return fault.Field("name", "campaign.invalid_name", "name must be 2 to 200 characters")
	}
	return nil
}

// MPIRegion is the MPI region code the campaign's beneficiaries are
// registered in: its region_code when that is a three-letter MPI region
// code, else the first part of its prefix when that is one ("THS-VAC" →
// "THS"), else "" (no MPI id can be assigned).
func (c Campaign) MPIRegion() string {
	if r := strings.ToUpper(c.RegionCode); mpi.ValidRegion(r) {
		return r
	}
	if r, _, _ := strings.Cut(c.Prefix, "-"); mpi.ValidRegion(r) {
		return r
	}
	return ""
}

// Check validates a new campaign's fields.
func (c Campaign) Check() error {
	if err := CheckName(c.Name); err != nil {
		return err
	}
	if !c.Type.Valid() {
		return fault.Field("campaign_type", "campaign.invalid_type", "campaign_type must be one of vaccination, mild, nutrition, antenatal, hiv, assurance, refugee, identity, lab, cps, farmercard")
	}
	if err := CheckPrefix(c.Prefix); err != nil {
		return err
	}
	okLang := false
	for _, l := range Languages {
		okLang = okLang || l == c.Language
	}
	if !okLang {
		return fault.Field("language", "campaign.invalid_language", "language must be fr, en or wo")
	}
	if c.TemplateID != "" && !Type(c.TemplateID).Valid() {
		return fault.Field("template_id", "campaign.invalid_template", "template_id must name one of the 11 Studio templates")
	}
	if utf8.RuneCountInString(c.Description) > 2000 {
		return fault.Field("description", "campaign.invalid_description", "description must be at most 2000 characters")
	}
	for _, f := range []struct {
		name string
		v    *int64
	}{{"target_population", c.TargetPopulation}, {"doses_planned", c.DosesPlanned}, {"budget_fcfa", c.BudgetFCFA}} {
		if f.v != nil && (*f.v < 0 || *f.v > 1_000_000_000_000) {
			return fault.Field(f.name, "campaign.invalid_number", f.name+" must be a non-negative integer")
		}
	}
	if c.RegionCode != "" && !regexp.MustCompile(`^[A-Z]{2,4}$`).MatchString(c.RegionCode) {
		return fault.Field("region_code", "campaign.invalid_region", "region_code must be 2 to 4 uppercase letters")
	}
	return nil
}

// JobStatus is a card-generation job's status (§4.3).
type JobStatus string

// The job lifecycle: pending → processing → generating → packaging →
// completed; failed from any active status; cancelled only while pending.
const (
	JobPending    JobStatus = "pending"
	JobProcessing JobStatus = "processing"
	JobGenerating JobStatus = "generating"
	JobPackaging  JobStatus = "packaging"
	JobCompleted  JobStatus = "completed"
	JobFailed     JobStatus = "failed"
	JobCancelled  JobStatus = "cancelled"
)

// Active reports whether s is pending, processing, generating or packaging.
func (s JobStatus) Active() bool {
	return s == JobPending || s == JobProcessing || s == JobGenerating || s == JobPackaging
}

// CanMove reports whether the lifecycle allows from → to.
func CanMove(from, to JobStatus) bool {
	switch to {
	case JobProcessing:
		return from == JobPending || from == JobProcessing || from == JobGenerating // a restarted worker resumes
	case JobGenerating:
		return from == JobProcessing || from == JobGenerating
	case JobPackaging:
		return from == JobGenerating || from == JobPackaging
	case JobCompleted:
		return from == JobPackaging
	case JobFailed:
		return from.Active()
	case JobCancelled:
		return from == JobPending
	}
	return false
}

// RenderScale returns the §4.3 render scale (the DPI cost factor) of dpi:
// 300 → 1.0, 450 → 1.4, 600 → 2.0; fault.Invalid naming "dpi" otherwise.
func RenderScale(dpi int) (float64, error) {
	switch dpi {
	case 300:
		return 1.0, nil
	case 450:
		return 1.4, nil
	case 600:
		return 2.0, nil
	}
	return 0, fault.Field("dpi", "campaign.invalid_dpi", "dpi must be 300, 450 or 600")
}

// MaxBeneficiaries is the most beneficiaries one job takes (§4.3).
const MaxBeneficiaries = 10_000

// Beneficiary is one row of a job's input (§4.3).
type Beneficiary struct {
	FirstName     string
	LastName      string
	DateOfBirth   string // YYYY-MM-DD
	BeneficiaryID string
	PhoneNumber   string // optional, E.164
}

var phoneRE = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// CheckBeneficiaries validates a job's rows one by one; the first bad row is
// fault.Invalid with Field "beneficiaries[i].field". Dates of birth may not
// be after now. Beneficiary ids must be unique within the job.
func CheckBeneficiaries(rows []Beneficiary, now time.Time) error {
	if len(rows) == 0 {
		return fault.Field("beneficiaries", "campaign.no_beneficiaries", "beneficiaries must hold at least one row")
	}
	if len(rows) > MaxBeneficiaries {
		return fault.Field("beneficiaries", "campaign.too_many_beneficiaries", fmt.Sprintf("beneficiaries must hold at most %d rows", MaxBeneficiaries))
	}
	seen := make(map[string]int, len(rows))
	for i, b := range rows {
		bad := func(field, msg string) error {
			return fault.Field(fmt.Sprintf("beneficiaries[%d].%s", i, field), "campaign.invalid_beneficiary", fmt.Sprintf("row %d: %s", i, msg))
		}
		for _, f := range []struct{ name, v string }{{"first_name", b.FirstName}, {"last_name", b.LastName}, {"beneficiary_id", b.BeneficiaryID}} {
			if n := utf8.RuneCountInString(strings.TrimSpace(f.v)); n == 0 || n > 100 {
				return bad(f.name, f.name+" is required (at most 100 characters)")
			}
		}
		d, err := time.Parse("2006-01-02", b.DateOfBirth)
		if err != nil {
			return bad("date_of_birth", "date_of_birth must be a date YYYY-MM-DD")
		}
		if d.After(now) || d.Year() < 1900 {
			return bad("date_of_birth", "date_of_birth must be between 1900 and today")
		}
		if b.PhoneNumber != "" && !phoneRE.MatchString(b.PhoneNumber) {
			return bad("phone_number", "phone_number must be E.164 (+ and 7 to 15 digits)")
		}
		if j, dup := seen[b.BeneficiaryID]; dup {
			return bad("beneficiary_id", fmt.Sprintf("beneficiary_id repeats row %d", j))
		}
		seen[b.BeneficiaryID] = i
	}
	return nil
}

const base36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// RefLen is the length of a card's reference (the Base36 part of its code).
const RefLen = 8

// NewRef draws RefLen Base36 characters uniformly from r (a CSPRNG).
func NewRef(r io.Reader) (string, error) {
	var out [RefLen]byte
	var buf [16]byte
	n := 0
	for n < RefLen {
		if _, err := io.ReadFull(r, buf[:]); err != nil {
			return "", fmt.Errorf("read random: %w", err)
		}
		for _, b := range buf {
			if b >= 252 { // 7×36: reject to stay uniform
				continue
			}
			out[n] = base36[int(b)%36]
			n++
			if n == RefLen {
				break
			}
		}
	}
	return string(out[:]), nil
}

// CardCode is "{prefix}-{ref}" (§4.4).
func CardCode(prefix, ref string) string { return prefix + "-" + ref }

// RefOf returns the reference part of a card code (its last RefLen characters
// after the final hyphen) and whether code is well formed.
func RefOf(code string) (string, bool) {
	i := strings.LastIndexByte(code, '-')
	if i < 3 || len(code)-i-1 != RefLen {
		return "", false
	}
	ref := code[i+1:]
	return ref, CheckRef(ref) && CheckPrefix(code[:i]) == nil
}

// CheckRef reports whether s is RefLen Base36 characters (upper case).
func CheckRef(s string) bool {
	if len(s) != RefLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(base36, s[i]) < 0 {
			return false
		}
	}
	return true
}

// QRToken is the §15.15 token: hex HMAC-SHA256 under key of
// "mpi_id|prefix|card_code". Cards without an MPI id use "".
func QRToken(key []byte, mpiID, prefix, cardCode string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(mpiID + "|" + prefix + "|" + cardCode))
	return hex.EncodeToString(m.Sum(nil))
}

// Hash is the hex SHA-256 the registry and the stores key cards by.
func Hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// ETASeconds estimates the seconds left for remaining cards from measured
// throughput (done cards in elapsed); with no measure yet it assumes
// fallbackPerSecond cards per second. It never returns a negative value.
func ETASeconds(done, remaining int64, elapsed time.Duration, fallbackPerSecond float64) int64 {
	if remaining <= 0 {
		return 0
	}
	rate := fallbackPerSecond
	if done > 0 && elapsed > 0 {
		rate = float64(done) / elapsed.Seconds()
	}
	if rate <= 0 {
		return 0
	}
	return int64(math.Ceil(float64(remaining) / rate))
}

// Progress is done/total as 0–100 (integer percent, floored).
func Progress(done, total int64) int {
	if total <= 0 {
		return 0
	}
	return int(done * 100 / total)
}
