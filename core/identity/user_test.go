package identity_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
)

func TestRegistrationNormalise(t *testing.T) {
	got, err := identity.Registration{
		Email: "  Kwame.Mensah@Gov.GH ", FullName: " Kwame   Mensah ", Department: " Finance ",
		ReferralCode: "kwame-x7k9",
	}.Normalise()
	require.NoError(t, err)
	assert.Equal(t, "kwame.mensah@gov.gh", got.Email)
	assert.Equal(t, "Kwame Mensah", got.FullName)
	assert.Equal(t, "Finance", got.Department)
	assert.Equal(t, "government", got.UserType)
	assert.Equal(t, "KWAME-X7K9", got.ReferralCode)
}

func TestRegistrationErrorsNameTheField(t *testing.T) {
	ok := identity.Registration{Email: "a@b.gh", FullName: "Ama Owusu"}
	tests := []struct {
		name      string
		give      func(r identity.Registration) identity.Registration
		wantField string
	}{
		{"no email", func(r identity.Registration) identity.Registration { r.Email = ""; return r }, "email"},
		{"bad email", func(r identity.Registration) identity.Registration { r.Email = "not an email"; return r }, "email"},
		{"display name", func(r identity.Registration) identity.Registration { r.Email = "Ama <a@b.gh>"; return r }, "email"},
		{"no tld", func(r identity.Registration) identity.Registration { r.Email = "a@localhost"; return r }, "email"},
		{"long email", func(r identity.Registration) identity.Registration {
			r.Email = strings.Repeat("a", 250) + "@b.gh"
			return r
		}, "email"},
		{"no name", func(r identity.Registration) identity.Registration { r.FullName = "  "; return r }, "fullName"},
		{"short name", func(r identity.Registration) identity.Registration { r.FullName = "A"; return r }, "fullName"},
		{"long name", func(r identity.Registration) identity.Registration { r.FullName = strings.Repeat("a", 101); return r }, "fullName"},
		{"markup name", func(r identity.Registration) identity.Registration { r.FullName = "<script>"; return r }, "fullName"},
		{"long department", func(r identity.Registration) identity.Registration {
			r.Department = strings.Repeat("d", 201)
			return r
		}, "department"},
		{"bad type", func(r identity.Registration) identity.Registration { r.UserType = "alien"; return r }, "userType"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.give(ok).Normalise()
			fe, isFault := fault.As(err)
			require.True(t, isFault, "want a fault, got %v", err)
			assert.Equal(t, fault.Invalid, fe.Kind)
			assert.Equal(t, tt.wantField, fe.Field)
		})
	}
}

func TestRoleAllows(t *testing.T) {
	tests := []struct {
		role  identity.Role
		level identity.Level
		want  bool
	}{
		{identity.RoleUser, identity.Authenticated, true},
		{identity.RoleUser, identity.DeptAdmin, false},
		{identity.RoleDeptAdmin, identity.DeptAdmin, true},
		{identity.RoleDeptAdmin, identity.Admin, false},
		{identity.RoleAdmin, identity.Admin, true},
		{identity.RoleAdmin, identity.SuperAdmin, false},
		{identity.RoleSuperAdmin, identity.SuperAdmin, true},
		{identity.Role("root"), identity.Authenticated, false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.role.Allows(tt.level), "%s at %s", tt.role, tt.level)
	}
}
