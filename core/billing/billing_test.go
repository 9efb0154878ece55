package billing_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kente-gov/kente/core/billing"
)

func TestSignature(t *testing.T) {
	body := []byte(`{"event":"charge.success","data":{"reference":"OZZY-PAY-1"}}`)
	sig := billing.Sign("sk_test_secret", body)
	assert.Len(t, sig, 128)
	assert.Equal(t, strings.ToLower(sig), sig)
	assert.NoError(t, billing.CheckSignature("sk_test_secret", body, sig))
	assert.NoError(t, billing.CheckSignature("sk_test_secret", body, strings.ToUpper(sig)))
	tests := []struct{ name, secret, body, sig string }{
		{"other secret", "sk_test_other", string(body), sig},
		{"changed body", "sk_test_secret", string(body) + " ", sig},
		{"empty", "sk_test_secret", string(body), ""},
		{"not hex", "sk_test_secret", string(body), strings.Repeat("z", 128)},
		{"truncated", "sk_test_secret", string(body), sig[:64]},
		{"no secret", "", string(body), billing.Sign("", body)},
	}
	for _, tt := range tests {
		assert.ErrorIs(t, billing.CheckSignature(tt.secret, []byte(tt.body), tt.sig), billing.ErrBadSignature, tt.name)
	}
}

func TestMatch(t *testing.T) {
	p := billing.Payment{Reference: "OZZY-PAY-1", UserID: "usr_1", Amount: 6000, Currency: "GHS"}
	ok := billing.Confirmation{Reference: "OZZY-PAY-1", Success: true, Amount: 6000, Currency: "GHS", UserID: "usr_1"}
	_, matched := p.Match(ok)
	assert.True(t, matched)
	noUser := ok
	noUser.UserID = ""
	_, matched = p.Match(noUser)
	assert.True(t, matched, "metadata is optional")
	tests := []struct {
		name string
		edit func(*billing.Confirmation)
	}{
		{"failed", func(c *billing.Confirmation) { c.Success = false }},
		{"reference", func(c *billing.Confirmation) { c.Reference = "OZZY-PAY-2" }},
		{"amount", func(c *billing.Confirmation) { c.Amount = 5999 }},
		{"currency", func(c *billing.Confirmation) { c.Currency = "NGN" }},
		{"user", func(c *billing.Confirmation) { c.UserID = "usr_2" }},
	}
	for _, tt := range tests {
		c := ok
		tt.edit(&c)
		reason, matched := p.Match(c)
		assert.False(t, matched, tt.name)
		assert.NotEmpty(t, reason, tt.name)
	}
	assert.Equal(t, billing.EventID([]byte("a")), billing.EventID([]byte("a")))
	assert.NotEqual(t, billing.EventID([]byte("a")), billing.EventID([]byte("b")))
}
