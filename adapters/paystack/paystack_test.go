package paystack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/paystack"
	"github.com/kente-gov/kente/adapters/paystack/paystacktest"
	"github.com/kente-gov/kente/core/billing"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/ports"
)

func client(t *testing.T, fake *paystacktest.Server, key string) *paystack.Client {
	c, err := paystack.New(paystack.Config{SecretKey: key, BaseURL: fake.URL})
	require.NoError(t, err)
	return c
}

func TestInitializeAndVerify(t *testing.T) {
	fake := paystacktest.New(t)
	c := client(t, fake, paystacktest.SecretKey)
	ctx := context.Background()
	sess, err := c.Initialize(ctx, ports.Checkout{Email: "ama@gov.gh", Amount: 6000, Currency: "GHS", Reference: "OZZY-PAY-1",
		Channels: []billing.Channel{billing.MobileMoney}, Metadata: map[string]string{"userId": "usr_1"}})
	require.NoError(t, err)
	assert.Equal(t, "OZZY-PAY-1", sess.Reference)
	assert.Contains(t, sess.AuthorizationURL, "https://checkout.paystack.com/")
	assert.NotEmpty(t, sess.AccessCode)
	tx, ok := fake.Tx("OZZY-PAY-1")
	require.True(t, ok)
	assert.Equal(t, int64(6000), tx.Amount, "amount in pesewas")
	assert.Equal(t, []string{"mobile_money"}, tx.Channels)
	assert.Equal(t, "usr_1", tx.Metadata["userId"])

	conf, err := c.Verify(ctx, "OZZY-PAY-1")
	require.NoError(t, err)
	assert.False(t, conf.Success, "not paid yet")
	fake.Pay("OZZY-PAY-1", 0)
	conf, err = c.Verify(ctx, "OZZY-PAY-1")
	require.NoError(t, err)
	assert.Equal(t, billing.Confirmation{Reference: "OZZY-PAY-1", Success: true, Amount: 6000, Currency: "GHS", Channel: "mobile_money", UserID: "usr_1"}, conf)

	_, err = c.Verify(ctx, "OZZY-PAY-unknown")
	assert.Equal(t, fault.NotFound, fault.KindOf(err))
}

func TestErrors(t *testing.T) {
	fake := paystacktest.New(t)
	ctx := context.Background()
	_, err := client(t, fake, "sk_test_wrong").Initialize(ctx, ports.Checkout{Email: "a@b.c", Amount: 1, Currency: "GHS", Reference: "R"})
	assert.Equal(t, fault.Unavailable, fault.KindOf(err), "a refused call")
	fake.FailAt = "/transaction"
	_, err = client(t, fake, paystacktest.SecretKey).Verify(ctx, "R")
	assert.Equal(t, fault.Unavailable, fault.KindOf(err), "an outage")
	_, err = paystack.New(paystack.Config{})
	assert.Error(t, err)
	_, err = paystack.New(paystack.Config{SecretKey: "k", BaseURL: "ftp://x"})
	assert.Error(t, err)
}

func TestSignature(t *testing.T) {
	fake := paystacktest.New(t)
	c := client(t, fake, paystacktest.SecretKey)
	body := paystacktest.ChargeSuccess("OZZY-PAY-1", 6000, "GHS", "ama@gov.gh", "usr_1")
	assert.NoError(t, c.CheckSignature(body, paystacktest.Sign(body)))

	// The same event re-serialised (as a proxy or framework might) is a
	// different byte string: its original signature must fail.
	var v any
	require.NoError(t, json.Unmarshal(body, &v))
	var again bytes.Buffer
	enc := json.NewEncoder(&again)
	enc.SetIndent("", " ")
	require.NoError(t, enc.Encode(v))
	assert.ErrorIs(t, c.CheckSignature(again.Bytes(), paystacktest.Sign(body)), billing.ErrBadSignature)
}
