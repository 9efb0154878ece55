// Package paystacktest is a fake Paystack API for tests: an httptest
// server speaking the documented shapes of POST /transaction/initialize and
// GET /transaction/verify/:reference, and signed webhook fixtures.
package paystacktest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/kente-gov/kente/core/billing"
)

// SecretKey is the key the fake expects.
const SecretKey = "sk_test_0123456789abcdef0123456789abcdef01234567"

// Transaction is one initialised transaction as the fake holds it.
type Transaction struct {
	Email     string            `json:"email"`
	Amount    int64             `json:"amount"`
	Currency  string            `json:"currency"`
	Reference string            `json:"reference"`
	Channels  []string          `json:"channels"`
	Metadata  map[string]string `json:"metadata"`
	// Status is what verify reports: "success" once Pay is called.
	Status string `json:"-"`
	// PaidAmount overrides the amount verify reports when non-zero.
	PaidAmount int64 `json:"-"`
}

// Server is the fake.
type Server struct {
	*httptest.Server
	mu     sync.Mutex
	txs    map[string]*Transaction
	calls  map[string]int
	FailAt string // a path prefix answered 503, to simulate an outage
}

// New starts a fake closed at t.Cleanup.
func New(t testing.TB) *Server {
	s := &Server{txs: map[string]*Transaction{}, calls: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func write(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := r.Method + " " + r.URL.Path
	if strings.HasPrefix(r.URL.Path, "/transaction/verify/") {
		key = "GET /transaction/verify"
	}
	s.calls[key]++
	if s.FailAt != "" && strings.HasPrefix(r.URL.Path, s.FailAt) {
		write(w, 503, map[string]any{"status": false, "message": "down"})
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+SecretKey {
		write(w, 401, map[string]any{"status": false, "message": "Invalid key"})
		return
	}
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/transaction/initialize":
		var tx Transaction
		if err := json.NewDecoder(r.Body).Decode(&tx); err != nil || tx.Email == "" || tx.Amount <= 0 {
			write(w, 400, map[string]any{"status": false, "message": "Invalid request"})
			return
		}
		if _, dup := s.txs[tx.Reference]; dup {
			write(w, 400, map[string]any{"status": false, "message": "Duplicate Transaction Reference"})
			return
		}
		tx.Status = "abandoned"
		s.txs[tx.Reference] = &tx
		code := "ac_" + strings.ToLower(strings.ReplaceAll(tx.Reference, "-", ""))
		write(w, 200, map[string]any{"status": true, "message": "Authorization URL created", "data": map[string]any{
			"authorization_url": "https://checkout.paystack.com/" + code, "access_code": code, "reference": tx.Reference}})
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/transaction/verify/"):
		ref := strings.TrimPrefix(r.URL.Path, "/transaction/verify/")
		tx, ok := s.txs[ref]
		if !ok {
			write(w, 400, map[string]any{"status": false, "message": "Transaction reference not found"})
			return
		}
		amount := tx.Amount
		if tx.PaidAmount != 0 {
			amount = tx.PaidAmount
		}
		write(w, 200, map[string]any{"status": true, "message": "Verification successful", "data": map[string]any{
			"id": 4099260516, "status": tx.Status, "reference": tx.Reference, "amount": amount, "currency": tx.Currency,
			"channel": "mobile_money", "gateway_response": "Approved", "metadata": tx.Metadata,
			"customer": map[string]any{"email": tx.Email}}})
	default:
		write(w, 404, map[string]any{"status": false, "message": "Not found"})
	}
}

// Pay marks reference paid (verify then reports success), with amount
// paid (0: the amount initialised). It reports whether it was known.
func (s *Server) Pay(reference string, amount int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, ok := s.txs[reference]
	if ok {
		tx.Status, tx.PaidAmount = "success", amount
	}
	return ok
}

// Tx returns the transaction initialised under reference.
func (s *Server) Tx(reference string) (Transaction, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, ok := s.txs[reference]
	if !ok {
		return Transaction{}, false
	}
	return *tx, true
}

// Calls returns how often "METHOD /path" was called (verify as
// "GET /transaction/verify").
func (s *Server) Calls(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[key]
}

// ChargeSuccess returns a charge.success webhook body in Paystack's shape,
// formatted as Paystack sends it (compact, its own key order).
func ChargeSuccess(reference string, amount int64, currency, email, userID string) []byte {
	return []byte(fmt.Sprintf(`{"event":"charge.success","data":{"id":4099260516,"domain":"test","status":"success",`+
		`"reference":%q,"amount":%d,"gateway_response":"Approved","paid_at":"2025-04-01T10:00:00.000Z",`+
		`"channel":"mobile_money","currency":%q,"metadata":{"userId":%q,"plan":"professional","billingCycle":"monthly","type":"subscription"},`+
		`"customer":{"id":1,"email":%q,"customer_code":"CUS_x"}}}`, reference, amount, currency, userID, email))
}

// Sign returns the x-paystack-signature of body under SecretKey.
func Sign(body []byte) string { return billing.Sign(SecretKey, body) }
