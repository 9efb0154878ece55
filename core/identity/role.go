package identity

// Role is a user's platform role.
type Role string

// The roles of the AskOzzy seed.
const (
	RoleUser       Role = "user"
	RoleDeptAdmin  Role = "dept_admin"
	RoleAdmin      Role = "admin"
	RoleSuperAdmin Role = "super_admin"
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	switch r {
	case RoleUser, RoleDeptAdmin, RoleAdmin, RoleSuperAdmin:
		return true
	}
	return false
}

// Level is an auth level of the seed's table: who may call a route.
type Level uint8

// The auth levels, from least to most privileged.
const (
	// Public needs no authentication.
	Public Level = iota
	// Authenticated needs a valid session.
	Authenticated
	// DeptAdmin needs dept_admin, admin or super_admin.
	DeptAdmin
	// Admin needs admin or super_admin.
	Admin
	// SuperAdmin needs super_admin.
	SuperAdmin
)

// String names the level as the seed does.
func (l Level) String() string {
	switch l {
	case Public:
		return "public"
	case Authenticated:
		return "auth"
	case DeptAdmin:
		return "dept_admin+"
	case Admin:
		return "admin"
	case SuperAdmin:
		return "super_admin"
	}
	return "unknown"
}

// Allows reports whether a holder of role r may call a route of level l.
func (r Role) Allows(l Level) bool {
	switch l {
	case Public, Authenticated:
		return r.Valid()
	case DeptAdmin:
		return r == RoleDeptAdmin || r == RoleAdmin || r == RoleSuperAdmin
	case Admin:
		return r == RoleAdmin || r == RoleSuperAdmin
	case SuperAdmin:
		return r == RoleSuperAdmin
	}
	return false
}
