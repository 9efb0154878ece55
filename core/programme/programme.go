package programme

import (
	"fmt"
	"io"
	"time"
)

// Role is a programme user's role (oomus-platform §3.2).
type Role string

// The roles of §3.2.
const (
	RoleSuperAdmin     Role = "super_admin"
	RoleProgrammeAdmin Role = "programme_admin"
	RoleProgrammeUser  Role = "programme_user"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	switch r {
	case RoleSuperAdmin, RoleProgrammeAdmin, RoleProgrammeUser:
		return true
	}
	return false
}

// CanConfigure reports whether r may change its programme's settings
// (profile, logo): programme_user is an operator and may not (§3.2).
func (r Role) CanConfigure() bool { return r == RoleSuperAdmin || r == RoleProgrammeAdmin }

// Status is a programme's or a user's status.
type Status string

// The statuses of ProgrammeOut (§4.1).
const (
	StatusActive    Status = "active"
	StatusSuspended Status = "suspended"
	StatusPending   Status = "pending"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	return s == StatusActive || s == StatusSuspended || s == StatusPending
}

// Plans are the quota plans of §7.1 (v5.14). The billing context owns their
// prices and quotas; a programme only names one.
const (
	PlanStarter             = "starter"
	PlanRegionalOps         = "regional_ops"
	PlanNationalCampaign    = "national_campaign"
	PlanSovereignEnterprise = "sovereign_enterprise"
)

// legacyPlans maps the §7.1 legacy aliases to their plans.
var legacyPlans = map[string]string{"standard": PlanStarter, "pro": PlanRegionalOps, "enterprise": PlanNationalCampaign}

// NormalisePlan returns the plan named by s (an alias included) and whether
// it is known.
func NormalisePlan(s string) (string, bool) {
	switch s {
	case PlanStarter, PlanRegionalOps, PlanNationalCampaign, PlanSovereignEnterprise:
		return s, true
	}
	p, ok := legacyPlans[s]
	return p, ok
}

// Programme is a tenant: it owns campaigns, jobs, a balance and modules.
// BalanceFCFA is written only by the billing context.
type Programme struct {
	ID             string // UUID
	Email          string // contact email: the first user's at creation
	Name           string
	Country        string // ISO 3166-1 alpha-2
	Currency       string // ISO 4217, from Country
	Phone          string
	Plan           string
	Status         Status
	BalanceFCFA    int64
	CardsGenerated int64
	IsAdmin        bool   // platform administrator flag
	LogoURL        string // data URI, or empty
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// User is a login identity of one programme.
type User struct {
	ID           string // UUID
	ProgrammeID  string
	Email        string // lower-case, unique across programmes
	Name         string
	Role         Role
	Status       Status
	PasswordHash string // Argon2id PHC
	// TokenVersion is stamped into access tokens; bumping it (password
	// change, logout-all) invalidates every token issued before.
	TokenVersion int64
	TOTPSecret   string // sealed seed, empty when 2FA is off
	TOTPEnabled  bool
	TOTPLastStep int64
	FailedLogins int
	LockedUntil  *time.Time
	LastLogin    *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// NewUUID returns a random (version 4) UUID read from r, in its canonical
// lower-case form (§15.1.5).
func NewUUID(r io.Reader) (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("read random: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}

// ValidUUID reports whether s is a canonical lower-case UUID, so a path
// parameter can be refused before any store is asked.
func ValidUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
				return false
			}
		}
	}
	return true
}

// Permissions lists the rights a role grants, as ProgrammeOut's
// permissions[] shows them (§3.2; custom roles are not modelled yet).
func (r Role) Permissions() []string {
	switch r {
	case RoleSuperAdmin:
		return []string{"platform:admin", "programme:configure", "campaigns:write", "jobs:launch", "billing:manage", "users:manage"}
	case RoleProgrammeAdmin:
		return []string{"programme:configure", "campaigns:write", "jobs:launch", "billing:manage", "users:manage"}
	case RoleProgrammeUser:
		return []string{"campaigns:read", "jobs:launch", "distribution:execute"}
	}
	return []string{}
}
