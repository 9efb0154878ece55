package programme

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/kente-gov/kente/core/fault"
)

// TxType is a ledger entry's type (Transaction.tx_type, §4.7).
type TxType string

// Ledger entry types.
const (
	TxDebit        TxType = "debit"
	TxCredit       TxType = "credit"
	TxRefund       TxType = "refund"
	TxSubscription TxType = "subscription"
	TxTopup        TxType = "topup"
	TxPVCOrder     TxType = "pvc_order"
)

// Valid reports whether t is a known type.
func (t TxType) Valid() bool {
	switch t {
	case TxDebit, TxCredit, TxRefund, TxSubscription, TxTopup, TxPVCOrder:
		return true
	}
	return false
}

// LedgerEntry is one balance change (Transaction, §4.7). AmountFCFA is
// signed: debits are negative. BalanceAfterFCFA is the balance once the
// entry applied.
type LedgerEntry struct {
	ID               string
	ProgrammeID      string
	Type             TxType
	AmountFCFA       int64
	Description      string
	CardCount        int64
	Reference        string // "JOB:{job}", "INV:{invoice}", "RCH:{request}"
	BalanceAfterFCFA int64
	InvoiceID        string // empty when no invoice was issued
	CreatedAt        time.Time
}

// InvoiceType is Invoice.invoice_type (§4.7).
type InvoiceType string

// Invoice types.
const (
	InvoiceSubscription     InvoiceType = "subscription"
	InvoiceModuleActivation InvoiceType = "module_activation"
	InvoicePVCOrder         InvoiceType = "pvc_order"
	InvoiceGeneration       InvoiceType = "generation"
	InvoicePlatformCreation InvoiceType = "platform_creation"
)

// Code is the {TYPE} of invoice numbers: SUB, MOD, PVC, GEN, PLT; empty for
// an unknown type.
func (t InvoiceType) Code() string {
	switch t {
	case InvoiceSubscription:
		return "SUB"
	case InvoiceModuleActivation:
		return "MOD"
	case InvoicePVCOrder:
		return "PVC"
	case InvoiceGeneration:
		return "GEN"
	case InvoicePlatformCreation:
		return "PLT"
	}
	return ""
}

// InvoicePaid is the only invoice status: invoices are issued for debits
// already taken from the balance.
const InvoicePaid = "paid"

// Invoice is a signed record of a debit (§4.7, §7.5).
type Invoice struct {
	ID            string
	ProgrammeID   string
	Number        string // INV-{TYPE}-{YYYYMM}-{6}
	Type          InvoiceType
	Status        string // InvoicePaid
	TotalFCFA     int64  // positive: the amount debited
	BillingPeriod string // YYYY-MM
	IssuedAt      time.Time
	SignatureHash string // "sha256:<hex of HMAC-SHA256>"
}

// numberAlphabet is the alphabet of an invoice number's last part.
const numberAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// InvoiceNumber returns a fresh INV-{TYPE}-{YYYYMM}-{6} number for type t
// issued at now (UTC month), the six characters drawn uniformly from
// [A-Z0-9] with r (a CSPRNG). Collisions are left to a unique constraint.
func InvoiceNumber(t InvoiceType, now time.Time, r io.Reader) (string, error) {
	code := t.Code()
	if code == "" {
		return "", fmt.Errorf("invoice number: unknown invoice type %q", t)
	}
	var b strings.Builder
	b.WriteString("INV-" + code + "-" + now.UTC().Format("200601") + "-")
	var buf [1]byte
	for n := 0; n < 6; {
		if _, err := io.ReadFull(r, buf[:]); err != nil {
			return "", fmt.Errorf("read random: %w", err)
		}
		if buf[0] >= 252 { // 252 = 7×36: reject to stay uniform
			continue
		}
		b.WriteByte(numberAlphabet[int(buf[0])%len(numberAlphabet)])
		n++
	}
	return b.String(), nil
}

// BillingPeriod returns the YYYY-MM period of t (UTC).
func BillingPeriod(t time.Time) string { return t.UTC().Format("2006-01") }

// signaturePrefix marks the algorithm of signature_hash (§15.19).
const signaturePrefix = "sha256:"

// InvoiceSignedMessage is what an invoice signature covers (§7.5):
// "invoice_id:invoice_number:total_fcfa:billing_period".
func InvoiceSignedMessage(inv Invoice) string {
	return inv.ID + ":" + inv.Number + ":" + strconv.FormatInt(inv.TotalFCFA, 10) + ":" + inv.BillingPeriod
}

// SignInvoice returns inv's signature_hash: "sha256:" and the hex
// HMAC-SHA256 under key of InvoiceSignedMessage (§7.5, §15.19: keyed only,
// with the prefix the examples show).
func SignInvoice(key []byte, inv Invoice) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(InvoiceSignedMessage(inv)))
	return signaturePrefix + hex.EncodeToString(m.Sum(nil))
}

// VerifyInvoice reports, in constant time, whether inv's SignatureHash is
// the signature of its fields under key.
func VerifyInvoice(key []byte, inv Invoice) bool {
	want := SignInvoice(key, inv)
	return hmac.Equal([]byte(want), []byte(inv.SignatureHash))
}

// Recharge request statuses (§4.7).
const (
	RechargePending   = "pending"
	RechargeValidated = "validated"
	RechargeRejected  = "rejected"
)

// PaymentMethods are the accepted recharge payment methods (§4.7).
var PaymentMethods = []string{"mobile_money", "bank_transfer", "cheque", "cash"}

// RechargeRequest asks a platform administrator to credit a programme's
// balance after an offline payment (§4.7, §6.4).
type RechargeRequest struct {
	ID            string
	ProgrammeID   string
	RequestedBy   string // user id
	AmountFCFA    int64
	PaymentMethod string
	Reference     string
	Notes         string
	Status        string
	DecidedBy     string // administrator's user id, once decided
	DecisionNotes string
	DecidedAt     *time.Time
	CreatedAt     time.Time
}

// Bounds of a recharge request.
const (
	MinRechargeFCFA int64 = 1
	MaxRechargeFCFA int64 = 1_000_000_000_000
	maxRechargeText       = 500
)

// NormalisePaymentMethod accepts the §4.7 methods case-insensitively, with
// "Mobile Money" and "mobile-money" spellings, and returns the canonical key.
func NormalisePaymentMethod(s string) (string, error) {
	k := strings.ToLower(strings.TrimSpace(s))
	k = strings.NewReplacer(" ", "_", "-", "_").Replace(k)
	if k == "momo" {
		k = "mobile_money"
	}
	for _, m := range PaymentMethods {
		if k == m {
			return m, nil
		}
	}
	return "", fault.Field("payment_method", "billing.invalid_payment_method", "payment_method must be one of mobile_money, bank_transfer, cheque, cash")
}

// CheckRecharge validates a new request's amount and texts.
func CheckRecharge(amount int64, reference, notes string) error {
	if amount < MinRechargeFCFA || amount > MaxRechargeFCFA {
		return fault.Field("amount_fcfa", "billing.invalid_amount", fmt.Sprintf("amount_fcfa must be between %d and %d", MinRechargeFCFA, MaxRechargeFCFA))
	}
	if len([]rune(reference)) > maxRechargeText {
		return fault.Field("reference", "billing.text_too_long", "reference is too long")
	}
	if len([]rune(notes)) > maxRechargeText {
		return fault.Field("notes", "billing.text_too_long", "notes is too long")
	}
	return nil
}
