package campaign_test

import (
	"bytes"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/campaign"
	"github.com/kente-gov/kente/core/fault"
)

func TestCheckPrefix(t *testing.T) {
	tests := []struct {
		give string
		want bool
	}{
		{"DKR-VAC", true}, {"THS-MILD", true}, {"ABC", true}, {"A1234567", true},
		{"AB", false}, {"A12345678", false}, {"dkr", false}, {"1AB", false}, {"-AB", false}, {"DKR_VAC", false}, {"DKR VAC", false},
	}
	for _, tt := range tests {
		err := campaign.CheckPrefix(tt.give)
		assert.Equal(t, tt.want, err == nil, tt.give)
		if err != nil {
			fe, _ := fault.As(err)
			assert.Equal(t, "prefix", fe.Field)
		}
	}
}

func TestTypesAndRenderScale(t *testing.T) {
	assert.Len(t, campaign.Types, 11)
	assert.True(t, campaign.Type("farmercard").Valid())
	assert.False(t, campaign.Type("polio").Valid())
	for dpi, want := range map[int]float64{300: 1.0, 450: 1.4, 600: 2.0} {
		got, err := campaign.RenderScale(dpi)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
	_, err := campaign.RenderScale(301)
	assert.True(t, fault.Is(err, fault.Invalid))
	assert.True(t, campaign.AllowedDPI("starter", 300))
	assert.False(t, campaign.AllowedDPI("starter", 450))
	assert.True(t, campaign.AllowedDPI("regional_ops", 450))
	assert.False(t, campaign.AllowedDPI("regional_ops", 600))
	assert.True(t, campaign.AllowedDPI("national_campaign", 600))
}

func TestCardCodesAreBase36AndUniform(t *testing.T) {
	seen := map[string]bool{}
	counts := map[byte]int{}
	for range 2000 {
		ref, err := campaign.NewRef(rand.Reader)
		require.NoError(t, err)
		require.True(t, campaign.CheckRef(ref), ref)
		seen[ref] = true
		for i := range len(ref) {
			counts[ref[i]]++
		}
		code := campaign.CardCode("DKR-VAC", ref)
		got, ok := campaign.RefOf(code)
		require.True(t, ok, code)
		assert.Equal(t, ref, got)
	}
	assert.Len(t, seen, 2000)
	assert.Len(t, counts, 36, "every Base36 character occurs")
	for c, n := range counts {
		assert.InDelta(t, 16000/36, n, 150, "character %c", c)
	}
	// A reader of only rejected bytes (≥ 252) then valid ones still yields a code.
	r := bytes.NewReader(append(bytes.Repeat([]byte{255}, 16), bytes.Repeat([]byte{35}, 16)...))
	ref, err := campaign.NewRef(r)
	require.NoError(t, err)
	assert.Equal(t, "ZZZZZZZZ", ref)
	_, err = campaign.NewRef(bytes.NewReader(nil))
	assert.Error(t, err)
	for _, bad := range []string{"DKR-VAC-1234567", "DKR-VAC-123456789", "dkr-VAC-12345678", "DKR-VAC-1234567a", "12345678"} {
		_, ok := campaign.RefOf(bad)
		assert.False(t, ok, bad)
	}
}

func TestQRTokenIsHMACOverFields(t *testing.T) {
	key := []byte("k")
	a := campaign.QRToken(key, "SN-DKR-26-9XQ7LM2A", "DKR-VAC", "DKR-VAC-9XQ7LM2A")
	// HMAC-SHA256("k", "SN-DKR-26-9XQ7LM2A|DKR-VAC|DKR-VAC-9XQ7LM2A"), computed independently.
	assert.Equal(t, "034a08094d2f0a0cc2992fba9c9bb93cca4c7957d489c8e75ca1fc366c0f27f9", a)
	assert.NotEqual(t, a, campaign.QRToken(key, "", "DKR-VAC", "DKR-VAC-9XQ7LM2A"), "the MPI id is covered")
	assert.NotEqual(t, a, campaign.QRToken([]byte("other"), "SN-DKR-26-9XQ7LM2A", "DKR-VAC", "DKR-VAC-9XQ7LM2A"), "the key is covered")
	assert.Equal(t, a, campaign.QRToken(key, "SN-DKR-26-9XQ7LM2A", "DKR-VAC", "DKR-VAC-9XQ7LM2A"))
}

func TestCheckBeneficiariesNamesRowAndField(t *testing.T) {
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	ok := campaign.Beneficiary{FirstName: "Awa", LastName: "Sarr", DateOfBirth: "2001-02-03", BeneficiaryID: "B1"}
	tests := []struct {
		name  string
		give  func(b *campaign.Beneficiary)
		field string
	}{
		{"no first name", func(b *campaign.Beneficiary) { b.FirstName = " " }, "beneficiaries[1].first_name"},
		{"no id", func(b *campaign.Beneficiary) { b.BeneficiaryID = "" }, "beneficiaries[1].beneficiary_id"},
		{"bad date", func(b *campaign.Beneficiary) { b.DateOfBirth = "03/02/2001" }, "beneficiaries[1].date_of_birth"},
		{"future date", func(b *campaign.Beneficiary) { b.DateOfBirth = "2027-01-01" }, "beneficiaries[1].date_of_birth"},
		{"bad phone", func(b *campaign.Beneficiary) { b.PhoneNumber = "770000000" }, "beneficiaries[1].phone_number"},
		{"duplicate id", func(b *campaign.Beneficiary) { b.BeneficiaryID = "B1" }, "beneficiaries[1].beneficiary_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			second := ok
			second.BeneficiaryID = "B2"
			tt.give(&second)
			err := campaign.CheckBeneficiaries([]campaign.Beneficiary{ok, second}, now)
			fe, isFault := fault.As(err)
			require.True(t, isFault, "%v", err)
			assert.Equal(t, fault.Invalid, fe.Kind)
			assert.Equal(t, tt.field, fe.Field)
			assert.True(t, strings.HasPrefix(fe.Msg, "row 1:"), fe.Msg)
		})
	}
	assert.NoError(t, campaign.CheckBeneficiaries([]campaign.Beneficiary{ok}, now))
	big := make([]campaign.Beneficiary, campaign.MaxBeneficiaries+1)
	fe, _ := fault.As(campaign.CheckBeneficiaries(big, now))
	require.NotNil(t, fe)
	assert.Equal(t, "beneficiaries", fe.Field)
}

func TestLifecycle(t *testing.T) {
	assert.True(t, campaign.CanMove(campaign.JobPending, campaign.JobProcessing))
	assert.True(t, campaign.CanMove(campaign.JobProcessing, campaign.JobGenerating))
	assert.True(t, campaign.CanMove(campaign.JobGenerating, campaign.JobPackaging))
	assert.True(t, campaign.CanMove(campaign.JobPackaging, campaign.JobCompleted))
	assert.True(t, campaign.CanMove(campaign.JobPending, campaign.JobCancelled))
	assert.False(t, campaign.CanMove(campaign.JobProcessing, campaign.JobCancelled), "cancel only while pending")
	assert.False(t, campaign.CanMove(campaign.JobGenerating, campaign.JobCompleted), "packaging comes first")
	assert.False(t, campaign.CanMove(campaign.JobCompleted, campaign.JobFailed))
	assert.True(t, campaign.CanMove(campaign.JobPackaging, campaign.JobFailed))
}

func TestETAAndProgress(t *testing.T) {
	assert.Equal(t, int64(50), campaign.ETASeconds(500, 1000, 25*time.Second, 1), "measured: 20 cards/s")
	assert.Equal(t, int64(600), campaign.ETASeconds(0, 1000, 0, 100.0/60), "target before a measure")
	assert.Equal(t, int64(0), campaign.ETASeconds(10, 0, time.Second, 1))
	assert.Equal(t, 33, campaign.Progress(1, 3))
	assert.Equal(t, 100, campaign.Progress(3, 3))
	assert.Equal(t, 0, campaign.Progress(0, 0))
	assert.Equal(t, 20, campaign.Lots(10_000))
	assert.Equal(t, 1, campaign.Lots(1))
}

func TestRegistrySignedWithoutPII(t *testing.T) {
	key := []byte("registry-test-key")
	issued := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	token := campaign.QRToken(key, "", "DKR-VAC", "DKR-VAC-9XQ7LM2A")
	cards := []campaign.Card{{Code: "DKR-VAC-9XQ7LM2A", BeneficiaryID: "BEN-SECRET", TokenHash: campaign.Hash(token), Status: campaign.CardValid, IssuedAt: issued}}
	raw, err := campaign.BuildRegistry(key, "DKR-VAC", cards, issued)
	require.NoError(t, err)
	assert.NotContains(t, string(raw), "BEN-SECRET")
	assert.NotContains(t, string(raw), "9XQ7LM2A", "codes appear only hashed")
	reg, ok := campaign.VerifyRegistry(key, raw)
	require.True(t, ok)
	assert.Equal(t, 1, reg.TotalCards)
	assert.Equal(t, campaign.RegistryEntry{Status: "valid", IssuedAt: "2026-11-23", Kind: "token"}, reg.Entries[campaign.Hash(token)])
	assert.Equal(t, "code", reg.Entries[campaign.Hash("DKR-VAC-9XQ7LM2A")].Kind)
	_, ok = campaign.VerifyRegistry([]byte("another-key"), raw)
	assert.False(t, ok)
	_, ok = campaign.VerifyRegistry(key, []byte(strings.Replace(string(raw), `"total_cards":1`, `"total_cards":2`, 1)))
	assert.False(t, ok)
}

func TestCheckEvent(t *testing.T) {
	ok := campaign.DistributionEvent{ClientEventID: "e1", Region: "Dakar", Channel: "sms", EventType: "sent", Count: 1}
	assert.NoError(t, campaign.CheckEvent(0, ok))
	bad := ok
	bad.EventType = "read"
	fe, _ := fault.As(campaign.CheckEvent(4, bad))
	require.NotNil(t, fe)
	assert.Equal(t, "events[4].event_type", fe.Field)
	bad = ok
	bad.Count = 0
	fe, _ = fault.As(campaign.CheckEvent(0, bad))
	require.NotNil(t, fe)
	assert.Equal(t, "events[0].count", fe.Field)
}

func TestMPIRegion(t *testing.T) {
	for _, tc := range []struct{ region, prefix, want string }{
		{"DKR", "VAC-1", "DKR"},
		{"dkr", "VAC-1", "DKR"},
		{"", "THS-VAC", "THS"},
		{"SN", "THS-VAC", "THS"}, // two letters is a geo code, not an MPI region
		{"", "NUTRI-1", ""},
		{"", "KDG", "KDG"},
		{"", "K2G-VAC", ""},
	} {
		c := campaign.Campaign{RegionCode: tc.region, Prefix: tc.prefix}
		assert.Equal(t, tc.want, c.MPIRegion(), "%+v", tc)
	}
}
