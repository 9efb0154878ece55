package tier_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/tier"
)

var now = time.Date(2025, 4, 1, 10, 0, 0, 0, time.UTC)

func ptr(t time.Time) *time.Time { return &t }

func TestDefaultCatalogIsTheSeed(t *testing.T) {
	c := tier.DefaultCatalog()
	require.NoError(t, c.Validate())
	tests := []struct {
		id                string
		monthly, yearly   int64
		student           int64
		perDay, perMinute int
	}{
		{tier.Free, 0, 0, 0, 10, 3},
		{tier.Starter, 3000, 30000, 3000, 100, 10},
		{tier.Professional, 6000, 60000, 2500, 500, 20},
		{tier.Enterprise, 10000, 100000, 4500, tier.Unlimited, 30},
	}
	for _, tt := range tests {
		p, err := c.Plan(tt.id)
		require.NoError(t, err)
		assert.Equal(t, tt.monthly, p.Price(tier.Monthly, false), tt.id)
		assert.Equal(t, tt.yearly, p.Price(tier.Yearly, false), tt.id)
		assert.Equal(t, tt.student, p.Price(tier.Monthly, true), tt.id)
		assert.Equal(t, tt.perDay, p.MessagesPerDay, tt.id)
		assert.Equal(t, tt.perMinute, p.MessageRate().Burst, tt.id)
	}
	_, err := c.Plan("gold")
	assert.True(t, fault.Is(err, fault.Invalid))

	// Copies are independent.
	c.Plans[0].Features[0] = "changed"
	c.Models[0].Name = "changed"
	assert.Equal(t, "10 messages/day", tier.DefaultCatalog().Plans[0].Features[0])
	assert.Equal(t, "Llama 3.1 8B", tier.DefaultCatalog().Models[0].Name)
}

func TestValidateRejects(t *testing.T) {
	tests := []struct {
		name string
		give func(*tier.Catalog)
	}{
		{"missing plan", func(c *tier.Catalog) { c.Plans = c.Plans[:3] }},
		{"reordered", func(c *tier.Catalog) { c.Plans[0], c.Plans[1] = c.Plans[1], c.Plans[0] }},
		{"free costs", func(c *tier.Catalog) { c.Plans[0].Monthly = 100 }},
		{"paid free", func(c *tier.Catalog) { c.Plans[2].StudentMonthly = 0 }},
		{"zero per day", func(c *tier.Catalog) { c.Plans[1].MessagesPerDay = 0 }},
		{"zero per minute", func(c *tier.Catalog) { c.Plans[1].MessagesPerMinute = 0 }},
		{"two currencies", func(c *tier.Catalog) { c.Plans[3].Currency = "USD" }},
		{"duplicate model", func(c *tier.Catalog) { c.Models = append(c.Models, c.Models[0]) }},
		{"model tier", func(c *tier.Catalog) { c.Models[0].Tier = "gold" }},
		{"no models", func(c *tier.Catalog) { c.Models = nil }},
		{"no trial", func(c *tier.Catalog) { c.Trial = 0 }},
		{"general", func(c *tier.Catalog) { c.General.Burst = 0 }},
	}
	for _, tt := range tests {
		c := tier.DefaultCatalog()
		tt.give(&c)
		assert.Error(t, c.Validate(), tt.name)
	}
}

func TestStanding(t *testing.T) {
	c := tier.DefaultCatalog()
	tests := []struct {
		name      string
		base      string
		sub       tier.Subscription
		wantTier  string
		wantGrace bool
		wantLapse bool
		wantTrial bool
	}{
		{"new account", tier.Free, tier.Subscription{}, tier.Free, false, false, false},
		{"legacy grant never lapses", tier.Professional, tier.Subscription{}, tier.Professional, false, false, false},
		{"unknown base is free", "gold", tier.Subscription{}, tier.Free, false, false, false},
		{"paid, current", tier.Free, tier.Subscription{Tier: tier.Starter, ExpiresAt: ptr(now.Add(time.Hour))}, tier.Starter, false, false, false},
		{"paid, in grace", tier.Free, tier.Subscription{Tier: tier.Starter, ExpiresAt: ptr(now.Add(-6 * 24 * time.Hour))}, tier.Starter, true, false, false},
		{"paid, grace over", tier.Starter, tier.Subscription{Tier: tier.Starter, ExpiresAt: ptr(now.Add(-7 * 24 * time.Hour))}, tier.Free, false, true, false},
		{"manual grant", tier.Free, tier.Subscription{Tier: tier.Enterprise}, tier.Enterprise, false, false, false},
		{"trial", tier.Free, tier.Subscription{TrialTier: tier.Professional, TrialStartedAt: ptr(now.Add(-time.Hour)), TrialEndsAt: ptr(now.Add(71 * time.Hour))}, tier.Professional, false, false, true},
		{"trial ended", tier.Free, tier.Subscription{TrialTier: tier.Professional, TrialStartedAt: ptr(now.Add(-72 * time.Hour)), TrialEndsAt: ptr(now)}, tier.Free, false, false, false},
		{"trial below paid", tier.Free, tier.Subscription{Tier: tier.Enterprise, TrialTier: tier.Professional, TrialStartedAt: ptr(now), TrialEndsAt: ptr(now.Add(time.Hour))}, tier.Enterprise, false, false, true},
		{"trial over lapsed plan", tier.Free, tier.Subscription{Tier: tier.Starter, ExpiresAt: ptr(now.Add(-30 * 24 * time.Hour)), TrialTier: tier.Professional, TrialStartedAt: ptr(now), TrialEndsAt: ptr(now.Add(time.Hour))}, tier.Professional, false, true, true},
	}
	for _, tt := range tests {
		st := c.Standing(tt.base, tt.sub, now)
		assert.Equal(t, tt.wantTier, st.Tier, tt.name)
		assert.Equal(t, tt.wantGrace, st.InGracePeriod, tt.name)
		assert.Equal(t, tt.wantLapse, st.Lapsed, tt.name)
		assert.Equal(t, tt.wantTrial, st.Trial.Active, tt.name)
	}
}

func TestTrial(t *testing.T) {
	c := tier.DefaultCatalog()
	sub, err := c.StartTrial(tier.Free, tier.Subscription{UserID: "usr_1"}, tier.Professional, now)
	require.NoError(t, err)
	assert.Equal(t, now.Add(72*time.Hour), *sub.TrialEndsAt)
	st := c.Standing(tier.Free, sub, now.Add(time.Hour))
	assert.Equal(t, tier.Professional, st.Tier)
	assert.Equal(t, 3, st.Trial.DaysRemaining)
	assert.Equal(t, 1, c.Standing(tier.Free, sub, now.Add(71*time.Hour)).Trial.DaysRemaining)

	_, err = c.StartTrial(tier.Free, sub, tier.Professional, now.Add(100*time.Hour))
	assert.ErrorIs(t, err, tier.ErrTrialUsed, "once per user, even after it ended")
	_, err = c.StartTrial(tier.Free, tier.Subscription{Tier: tier.Starter, ExpiresAt: ptr(now.Add(time.Hour))}, tier.Professional, now)
	assert.ErrorIs(t, err, tier.ErrAlreadyPaid)
	_, err = c.StartTrial(tier.Free, tier.Subscription{}, tier.Free, now)
	assert.ErrorIs(t, err, tier.ErrTrialTier)
	_, err = c.StartTrial(tier.Enterprise, tier.Subscription{}, tier.Professional, now)
	assert.ErrorIs(t, err, tier.ErrAlreadyPaid, "a legacy grant is paid")
}

func TestExtend(t *testing.T) {
	c := tier.DefaultCatalog()
	tests := []struct {
		name    string
		sub     tier.Subscription
		cycle   tier.Cycle
		wantEnd time.Time
	}{
		{"first purchase", tier.Subscription{}, tier.Monthly, now.AddDate(0, 0, 30)},
		{"yearly", tier.Subscription{}, tier.Yearly, now.AddDate(0, 0, 365)},
		{"renew early", tier.Subscription{Tier: tier.Professional, ExpiresAt: ptr(now.Add(10 * 24 * time.Hour))}, tier.Monthly, now.AddDate(0, 0, 40)},
		{"renew in grace", tier.Subscription{Tier: tier.Professional, ExpiresAt: ptr(now.Add(-2 * 24 * time.Hour))}, tier.Monthly, now.AddDate(0, 0, 30)},
		{"renew lapsed", tier.Subscription{Tier: tier.Professional, ExpiresAt: ptr(now.Add(-20 * 24 * time.Hour))}, tier.Monthly, now.AddDate(0, 0, 30)},
		{"manual grant", tier.Subscription{Tier: tier.Enterprise}, tier.Monthly, now.AddDate(0, 0, 30)},
	}
	for _, tt := range tests {
		got := c.Extend(tier.Free, tt.sub, tier.Professional, tt.cycle, now)
		require.NotNil(t, got.ExpiresAt, tt.name)
		assert.Equal(t, tt.wantEnd, *got.ExpiresAt, tt.name)
		assert.Equal(t, tier.Professional, got.Tier, tt.name)
		assert.Equal(t, tt.cycle, got.Cycle, tt.name)
	}
	g := tier.Grant(tier.Subscription{Tier: tier.Starter, ExpiresAt: ptr(now), TrialStartedAt: ptr(now)}, tier.Enterprise, now)
	assert.Nil(t, g.ExpiresAt)
	assert.NotNil(t, g.TrialStartedAt, "a grant keeps the trial record")
}

func TestAllowModels(t *testing.T) {
	c := tier.DefaultCatalog()
	for _, m := range c.Models {
		for _, plan := range tier.IDs {
			_, err := c.Allow(plan, m.ID)
			if tier.Rank(plan) >= tier.Rank(m.Tier) {
				assert.NoError(t, err, "%s on %s", m.ID, plan)
			} else {
				fe, ok := fault.As(err)
				require.True(t, ok)
				assert.Equal(t, fault.Forbidden, fe.Kind)
				assert.Equal(t, "TIER_REQUIRED", fe.Extra["code"])
				assert.Equal(t, m.Tier, fe.Extra["requiredTier"])
			}
		}
	}
	_, err := c.Allow(tier.Enterprise, "nope")
	assert.True(t, fault.Is(err, fault.NotFound))
}

func TestDayAndReset(t *testing.T) {
	at := time.Date(2025, 4, 1, 23, 59, 59, 0, time.FixedZone("X", 3600))
	assert.Equal(t, time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC), tier.Day(at))
	assert.Equal(t, time.Date(2025, 4, 2, 0, 0, 0, 0, time.UTC), tier.NextReset(at))
}
