// Package billing holds the rules of AskOzzy's subscription payments: the
// payment record a checkout creates, how a gateway's confirmation is
// matched against it, and the webhook signature (HMAC-SHA512, compared in
// constant time). No I/O and no clock.
package billing

import (
	"crypto/hmac"
	"crypto/sha512"
	"encoding/hex"
	"strings"
	"time"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/tier"
)

// Status is a payment's state.
type Status string

// Payment states: pending until the gateway confirms; succeeded once the
// plan is applied; rejected when a confirmation did not match.
const (
	Pending   Status = "pending"
	Succeeded Status = "succeeded"
	Rejected  Status = "rejected"
)

// Channel is how a customer pays.
type Channel string

// Payment channels offered at checkout.
const (
	Card        Channel = "card"
	MobileMoney Channel = "mobile_money"
)

// Valid reports whether c is empty (any channel) or a known channel.
func (c Channel) Valid() bool { return c == "" || c == Card || c == MobileMoney }

// Payment is one checkout attempt for a subscription. Reference is unique
// and Kente's own; Amount is in the currency's minor unit (pesewas).
type Payment struct {
	Reference   string
	UserID      string
	Plan        string
	Cycle       tier.Cycle
	Amount      int64
	Currency    string
	Channel     Channel
	Status      Status
	CreatedAt   time.Time
	ProcessedAt *time.Time
	// Note says why a payment was rejected.
	Note string
}

// Confirmation is what a gateway reports about a charge.
type Confirmation struct {
	Reference string
	Success   bool
	Amount    int64
	Currency  string
	Channel   string
	// UserID is the user id the gateway echoes back from the checkout's
	// metadata, when it has one.
	UserID string
}

// Match checks a confirmation against the payment Kente initialised:
// success, the same reference, exact amount and currency, and, when the
// gateway echoes one, the same user. Metadata alone is never trusted: the
// payment row is the truth. It returns a reason when they differ.
func (p Payment) Match(c Confirmation) (reason string, ok bool) {
	switch {
	case !c.Success:
		return "the gateway does not report the charge as successful", false
	case c.Reference != p.Reference:
		return "reference differs", false
	case c.Amount != p.Amount:
		return "amount differs from the amount initialised", false
	case !strings.EqualFold(c.Currency, p.Currency):
		return "currency differs", false
	case c.UserID != "" && c.UserID != p.UserID:
		return "user differs", false
	}
	return "", true
}

// Event is one webhook delivery, stored whatever its type.
type Event struct {
	// ID identifies the delivery: the hex SHA-512/256 of its raw body, so the
	// same event delivered twice has one ID.
	ID         string
	Type       string // e.g. "charge.success"
	Reference  string
	Payload    []byte
	ReceivedAt time.Time
}

// EventID returns the id of a raw webhook body.
func EventID(body []byte) string {
	sum := sha512.Sum512_256(body)
	return hex.EncodeToString(sum[:])
}

// Sign returns the lower-case hex HMAC-SHA512 of body under secret, as
// Paystack sends it in x-paystack-signature.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha512.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// ErrBadSignature refuses a webhook whose signature does not match.
var ErrBadSignature = fault.New(fault.Unauthenticated, "billing.bad_signature", "Invalid webhook signature")

// CheckSignature compares signature (hex, any case) with the HMAC-SHA512 of
// body in constant time; ErrBadSignature when it differs or is missing.
func CheckSignature(secret string, body []byte, signature string) error {
	got, err := hex.DecodeString(strings.TrimSpace(signature))
	if err != nil || len(got) != sha512.Size || secret == "" {
		return ErrBadSignature
	}
	m := hmac.New(sha512.New, []byte(secret))
	m.Write(body)
	if !hmac.Equal(m.Sum(nil), got) {
		return ErrBadSignature
	}
	return nil
}
