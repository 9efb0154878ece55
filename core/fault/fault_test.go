package fault_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/fault"
)

func TestKindOfWrapped(t *testing.T) {
	base := fault.Field("email", "identity.email_invalid", "email is not a valid address")
	err := fmt.Errorf("register: %w", base)

	assert.Equal(t, fault.Invalid, fault.KindOf(err))
	fe, ok := fault.As(err)
	require.True(t, ok)
	assert.Equal(t, "email", fe.Field)
	assert.True(t, fault.Is(err, fault.Invalid))
	assert.False(t, fault.Is(err, fault.NotFound))
}

func TestPlainErrorIsInternal(t *testing.T) {
	assert.Equal(t, fault.Internal, fault.KindOf(errors.New("boom")))
	assert.Equal(t, fault.Internal, fault.KindOf(nil))
}

func TestWrapKeepsCauseOutOfMessage(t *testing.T) {
	cause := errors.New("dial tcp: refused")
	err := fault.Wrap(cause, fault.Unavailable, "db.down", "database unavailable")
	assert.ErrorIs(t, err, cause)
	assert.Equal(t, "database unavailable", err.Msg)
	assert.Nil(t, fault.Wrap(nil, fault.Internal, "x", "y"))
}

func TestWithCopies(t *testing.T) {
	a := fault.New(fault.Unauthenticated, "identity.totp_required", "a TOTP code is required")
	b := a.With("totpRequired", true)
	assert.Nil(t, a.Extra)
	assert.Equal(t, true, b.Extra["totpRequired"])
	c := a.WithField("totpCode")
	assert.Empty(t, a.Field)
	assert.Equal(t, "totpCode", c.Field)
}

func TestKindNames(t *testing.T) {
	tests := []struct {
		give fault.Kind
		want string
	}{
		{fault.Internal, "internal"},
		{fault.Invalid, "invalid"},
		{fault.RateLimited, "rate_limited"},
		{fault.Unavailable, "unavailable"},
		{fault.Kind(200), "kind(200)"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.give.String())
	}
}
