// Package paystack is the Paystack adapter of ports.PaymentGateway:
// POST /transaction/initialize (amounts in the currency's subunit, pesewas
// for GHS), GET /transaction/verify/:reference, and the webhook signature
// (x-paystack-signature: HMAC-SHA512 of the raw body under the secret key,
// lower-case hex).
package paystack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/kente-gov/kente/core/billing"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/ports"
)

var _ ports.PaymentGateway = (*Client)(nil)

// DefaultBaseURL is Paystack's public API.
const DefaultBaseURL = "https://api.paystack.co"

// Config configures the client.
type Config struct {
	// SecretKey authenticates API calls and signs webhooks. Required.
	SecretKey string
	// BaseURL is the API root; DefaultBaseURL when empty.
	BaseURL string
	// HTTPClient sends the requests; one with a 15 s timeout when nil.
	HTTPClient *http.Client
}

// Validate reports a missing key or a bad base URL.
func (c Config) Validate() error {
	if c.SecretKey == "" {
		return errors.New("paystack: secret key is required")
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return errors.New("paystack: base URL must be an http(s) URL")
		}
	}
	return nil
}

// Client talks to Paystack.
type Client struct {
	key  string
	base string
	http *http.Client
}

// New returns a Client; it reports an invalid Config.
func New(c Config) (*Client, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	return &Client{key: c.SecretKey, base: strings.TrimRight(c.BaseURL, "/"), http: c.HTTPClient}, nil
}

var errUnavailable = fault.New(fault.Unavailable, "billing.gateway_unavailable", "The payment provider is not available; try again shortly")

// envelope is every Paystack response.
type envelope struct {
	Status  bool            `json:"status"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

func (c *Client) call(ctx context.Context, method, path string, body any) (envelope, int, error) {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return envelope{}, 0, err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return envelope{}, 0, err
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.http.Do(req)
	if err != nil {
		return envelope{}, 0, fault.Wrap(fmt.Errorf("paystack %s %s: %w", method, path, err), errUnavailable.Kind, errUnavailable.Code, errUnavailable.Msg)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return envelope{}, res.StatusCode, fault.Wrap(err, errUnavailable.Kind, errUnavailable.Code, errUnavailable.Msg)
	}
	var env envelope
	if res.StatusCode >= 500 || json.Unmarshal(raw, &env) != nil {
		return envelope{}, res.StatusCode, fault.Wrap(fmt.Errorf("paystack %s %s: status %d", method, path, res.StatusCode),
			errUnavailable.Kind, errUnavailable.Code, errUnavailable.Msg)
	}
	return env, res.StatusCode, nil
}

// Initialize implements ports.PaymentGateway.
func (c *Client) Initialize(ctx context.Context, co ports.Checkout) (ports.CheckoutSession, error) {
	body := map[string]any{
		"email": co.Email, "amount": co.Amount, "currency": co.Currency, "reference": co.Reference,
	}
	if co.CallbackURL != "" {
		body["callback_url"] = co.CallbackURL
	}
	if len(co.Channels) > 0 {
		body["channels"] = co.Channels
	}
	if len(co.Metadata) > 0 {
		body["metadata"] = co.Metadata
	}
	env, status, err := c.call(ctx, http.MethodPost, "/transaction/initialize", body)
	if err != nil {
		return ports.CheckoutSession{}, err
	}
	if !env.Status || status >= 300 {
		return ports.CheckoutSession{}, fault.Wrap(fmt.Errorf("paystack initialize: %d %s", status, env.Message),
			fault.Unavailable, "billing.gateway_refused", "The payment provider refused the checkout")
	}
	var d struct {
		AuthorizationURL string `json:"authorization_url"`
		AccessCode       string `json:"access_code"`
		Reference        string `json:"reference"`
	}
	if err := json.Unmarshal(env.Data, &d); err != nil || d.AuthorizationURL == "" {
		return ports.CheckoutSession{}, fault.Wrap(fmt.Errorf("paystack initialize: unexpected data"), errUnavailable.Kind, errUnavailable.Code, errUnavailable.Msg)
	}
	return ports.CheckoutSession{AuthorizationURL: d.AuthorizationURL, AccessCode: d.AccessCode, Reference: d.Reference}, nil
}

// Verify implements ports.PaymentGateway.
func (c *Client) Verify(ctx context.Context, reference string) (billing.Confirmation, error) {
	env, status, err := c.call(ctx, http.MethodGet, "/transaction/verify/"+url.PathEscape(reference), nil)
	if err != nil {
		return billing.Confirmation{}, err
	}
	if !env.Status {
		if status == http.StatusNotFound || status == http.StatusBadRequest {
			return billing.Confirmation{}, fault.New(fault.NotFound, "billing.unknown_reference", "The payment provider does not know this payment")
		}
		return billing.Confirmation{}, fault.Wrap(fmt.Errorf("paystack verify: %d %s", status, env.Message), errUnavailable.Kind, errUnavailable.Code, errUnavailable.Msg)
	}
	var d struct {
		Status    string          `json:"status"`
		Reference string          `json:"reference"`
		Amount    int64           `json:"amount"`
		Currency  string          `json:"currency"`
		Channel   string          `json:"channel"`
		Metadata  json.RawMessage `json:"metadata"`
	}
	if err := json.Unmarshal(env.Data, &d); err != nil {
		return billing.Confirmation{}, fault.Wrap(fmt.Errorf("paystack verify: %w", err), errUnavailable.Kind, errUnavailable.Code, errUnavailable.Msg)
	}
	var meta struct {
		UserID string `json:"userId"`
	}
	_ = json.Unmarshal(d.Metadata, &meta) // metadata may be "", 0 or an object
	return billing.Confirmation{
		Reference: d.Reference, Success: d.Status == "success", Amount: d.Amount,
		Currency: d.Currency, Channel: d.Channel, UserID: meta.UserID,
	}, nil
}

// CheckSignature implements ports.PaymentGateway.
func (c *Client) CheckSignature(body []byte, signature string) error {
	return billing.CheckSignature(c.key, body, signature)
}
