package identity

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kente-gov/kente/core/fault"
)

// Status is an account's state.
type Status string

// Account states.
const (
	StatusActive      Status = "active"
	StatusDeactivated Status = "deactivated"
)

// UserType is what kind of person an account belongs to.
type UserType string

// The user types. The seed's "government" is the original's gog_employee.
const (
	UserTypeGovernment UserType = "government"
	UserTypeStudent    UserType = "student"
)

// DefaultTier is the plan of a new account.
const DefaultTier = "free"

// User is an AskOzzy account.
type User struct {
	ID         string
	Email      string // lower-cased, unique
	FullName   string
	Department string
	Role       Role
	Tier       string
	Status     Status
	UserType   UserType

	AccessCodeKey  string // LookupKey of the access code: unique, indexed
	AccessCodeHash string // slow hash of the access code

	// Second factors and recovery. TOTP seeds are sealed (SecretBox), never
	// stored in the clear; the recovery code only as a slow hash.
	TOTPSecret       string // sealed seed of the enabled authenticator
	TOTPPending      string // sealed seed awaiting verification (setup or reset)
	TOTPEnabled      bool
	TOTPLastStep     int64  // last accepted TOTP step; codes at or before it are refused
	RecoveryCodeHash string // empty once used or never issued

	// Brute-force state of the account.
	FailedLogins int        // consecutive credential failures
	LockedUntil  *time.Time // credential attempts refused until then

	ReferralCode          string // this user's own code, unique
	ReferredBy            string // user id of the referrer, if any
	SubmittedReferralCode string // what was typed at registration

	CreatedAt time.Time
	UpdatedAt time.Time
	LastLogin *time.Time
}

// Length limits of registration fields, in characters.
const (
	MaxEmailLen      = 254
	MinFullNameLen   = 2
	MaxFullNameLen   = 100
	MaxDepartmentLen = 200
)

// Registration is what a person submits to open an account.
type Registration struct {
	Email        string
	FullName     string
	Department   string
	ReferralCode string
	UserType     string
}

// NormaliseEmail trims and lower-cases an address and checks its shape.
func NormaliseEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", fault.Field("email", "identity.email_required", "email is required")
	}
	if len(s) > MaxEmailLen {
		return "", fault.Field("email", "identity.email_too_long", "email must be at most 254 characters")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "", fault.Field("email", "identity.email_invalid", "email is not a valid address")
	}
	at := strings.LastIndexByte(s, '@')
	if at < 1 || !strings.Contains(s[at+1:], ".") || strings.HasSuffix(s, ".") {
		return "", fault.Field("email", "identity.email_invalid", "email is not a valid address")
	}
	return s, nil
}

// Normalise validates r and returns it cleaned: trimmed, e-mail lower-cased,
// user type defaulted to government.
func (r Registration) Normalise() (Registration, error) {
	email, err := NormaliseEmail(r.Email)
	if err != nil {
		return Registration{}, err
	}
	r.Email = email
	r.FullName = strings.Join(strings.Fields(r.FullName), " ")
	if n := utf8.RuneCountInString(r.FullName); n < MinFullNameLen || n > MaxFullNameLen {
		if n == 0 {
			return Registration{}, fault.Field("fullName", "identity.full_name_required", "fullName is required")
		}
		return Registration{}, fault.Field("fullName", "identity.full_name_length", "fullName must be 2 to 100 characters")
	}
	if !utf8.ValidString(r.FullName) || strings.ContainsAny(r.FullName, "\x00<>") {
		return Registration{}, fault.Field("fullName", "identity.full_name_invalid", "fullName contains characters that are not allowed")
	}
	r.Department = strings.TrimSpace(r.Department)
	if utf8.RuneCountInString(r.Department) > MaxDepartmentLen || strings.ContainsRune(r.Department, 0) {
		return Registration{}, fault.Field("department", "identity.department_invalid", "department must be at most 200 characters")
	}
	switch strings.ToLower(strings.TrimSpace(r.UserType)) {
	case "", "government", "gog_employee":
		r.UserType = string(UserTypeGovernment)
	case "student":
		r.UserType = string(UserTypeStudent)
	default:
		return Registration{}, fault.Field("userType", "identity.user_type_invalid", "userType must be government or student")
	}
	r.ReferralCode = NormaliseReferralCode(r.ReferralCode)
	return r, nil
}

// Activity is a user's dashboard figures.
type Activity struct {
	TotalConversations int
	TotalMessages      int
	TokensUsed         int64
	DocumentsGenerated int
	CurrentStreak      int
	UsagePercent       int // share of today's message allowance used, 0–100
}
