package tiersvc_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/ratelimit/memory"
	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/app/tiersvc"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/core/tier"
	"github.com/kente-gov/kente/test/testkit"
)

var (
	ctx     = context.Background()
	t0      = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	userSeq atomic.Int64
)

type fixture struct {
	svc   *tiersvc.Service
	users *sqlstore.UserStore
	clock *testkit.Clock
	audit *testkit.AuditRecorder
	cat   tier.Catalog
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	db := sqltest.Fresh(t, sqlstore.SQLite)
	f := fixture{users: sqlstore.NewUserStore(db), clock: testkit.NewClock(t0), audit: &testkit.AuditRecorder{}, cat: tier.DefaultCatalog()}
	f.svc = tiersvc.New(tiersvc.Deps{
		Users: f.users, Subs: sqlstore.NewSubscriptionStore(db), Usage: sqlstore.NewUsageStore(db), Limits: memory.New(),
		Tx: db, Audit: f.audit, Clock: f.clock,
	}, f.cat)
	return f
}

// user stores a new account of plan base.
func (f fixture) user(t *testing.T, base string) identity.User {
	t.Helper()
	n := userSeq.Add(1)
	now := f.clock.Now()
	u := identity.User{
		ID: fmt.Sprintf("usr_%016x", n), Email: fmt.Sprintf("user%d@gov.gh", n), FullName: "Ama Mensah",
		Role: identity.RoleUser, Tier: base, Status: identity.StatusActive, UserType: identity.UserTypeGovernment,
		AccessCodeKey: fmt.Sprintf("key%d", n), AccessCodeHash: "h", ReferralCode: fmt.Sprintf("AMA-%d", n),
		CreatedAt: now, UpdatedAt: now,
	}
	require.NoError(t, f.users.CreateUser(ctx, u))
	return u
}

func (f fixture) standing(t *testing.T, u identity.User) tier.Standing {
	t.Helper()
	st, err := f.svc.Standing(ctx, u)
	require.NoError(t, err)
	return st
}

func faultOf(t *testing.T, err error) *fault.Error {
	t.Helper()
	fe, ok := fault.As(err)
	require.True(t, ok, "want a fault, got %v", err)
	return fe
}

func TestStandingExpiresThroughGraceOnRead(t *testing.T) {
	f := newFixture(t)
	u := f.user(t, tier.Free)
	assert.Equal(t, tier.Free, f.standing(t, u).Tier)

	sub, err := f.svc.Extend(ctx, u.ID, tier.Starter, tier.Monthly)
	require.NoError(t, err)
	end := t0.AddDate(0, 0, 30)
	require.NotNil(t, sub.ExpiresAt)
	assert.Equal(t, end, sub.ExpiresAt.UTC())

	tests := []struct {
		name      string
		at        time.Time
		wantTier  string
		wantGrace bool
		wantLapse bool
	}{
		{"paid", end.Add(-time.Second), tier.Starter, false, false},
		{"at expiry: grace", end, tier.Starter, true, false},
		{"last second of grace", end.Add(f.cat.Grace - time.Second), tier.Starter, true, false},
		{"grace over: free", end.Add(f.cat.Grace), tier.Free, false, true},
		{"long after", end.AddDate(1, 0, 0), tier.Free, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.clock.Set(tt.at) // nothing is written: the standing is computed on read
			st := f.standing(t, u)
			assert.Equal(t, tt.wantTier, st.Tier)
			assert.Equal(t, tier.Starter, st.Paid)
			assert.Equal(t, tt.wantGrace, st.InGracePeriod)
			assert.Equal(t, tt.wantLapse, st.Lapsed)
		})
	}
}

func TestTrialOncePerUser(t *testing.T) {
	f := newFixture(t)
	u := f.user(t, tier.Free)

	st, err := f.svc.StartTrial(ctx, u, "")
	require.NoError(t, err)
	assert.Equal(t, tier.Professional, st.Tier)
	assert.True(t, st.Trial.Active)
	assert.Equal(t, 3, st.Trial.DaysRemaining)
	require.NotNil(t, st.Trial.EndsAt)
	assert.Equal(t, t0.Add(72*time.Hour), st.Trial.EndsAt.UTC())

	_, err = f.svc.StartTrial(ctx, u, tier.Enterprise)
	assert.Equal(t, "tier.trial_used", faultOf(t, err).Code, "a second trial while the first runs")

	f.clock.Add(48*time.Hour + time.Minute)
	st = f.standing(t, u)
	assert.Equal(t, tier.Professional, st.Tier)
	assert.Equal(t, 1, st.Trial.DaysRemaining)

	f.clock.Add(24 * time.Hour) // past the end
	st = f.standing(t, u)
	assert.Equal(t, tier.Free, st.Tier)
	assert.False(t, st.Trial.Active)
	assert.True(t, st.Trial.Used)
	_, err = f.svc.StartTrial(ctx, u, "")
	assert.Equal(t, "tier.trial_used", faultOf(t, err).Code, "a second trial after the first ended")
	assert.Equal(t, tier.Free, f.standing(t, u).Tier)

	// A paying user gets no trial; an unknown trial plan names the field.
	paid := f.user(t, tier.Free)
	_, err = f.svc.Extend(ctx, paid.ID, tier.Starter, tier.Monthly)
	require.NoError(t, err)
	paid.Tier = tier.Starter
	_, err = f.svc.StartTrial(ctx, paid, "")
	assert.Equal(t, "tier.trial_paid", faultOf(t, err).Code)
	_, err = f.svc.StartTrial(ctx, f.user(t, tier.Free), "gold")
	fe := faultOf(t, err)
	assert.Equal(t, fault.Invalid, fe.Kind)
	assert.Equal(t, "tier", fe.Field)
}

func TestSetTierIsAuditedAndNeverLapses(t *testing.T) {
	f := newFixture(t)
	admin := f.user(t, tier.Free)
	u := f.user(t, tier.Free)
	_, err := f.svc.Extend(ctx, u.ID, tier.Starter, tier.Monthly)
	require.NoError(t, err)

	require.NoError(t, f.svc.SetTier(ctx, admin, u.ID, tier.Enterprise, tiersvc.ClientMeta{IP: "10.0.0.7", UserAgent: "curl/8"}))
	stored, err := f.users.UserByID(ctx, u.ID)
	require.NoError(t, err)
	assert.Equal(t, tier.Enterprise, stored.Tier, "mirrored into the account")
	f.clock.Add(400 * 24 * time.Hour)
	st := f.standing(t, stored)
	assert.Equal(t, tier.Enterprise, st.Tier, "a manual grant never lapses")
	assert.Nil(t, st.ExpiresAt)

	require.Equal(t, []string{"admin_set_tier:success"}, f.audit.Actions())
	rec := f.audit.Last()
	assert.Equal(t, admin.ID, rec.ActorID)
	assert.Equal(t, "user", rec.TargetType)
	assert.Equal(t, u.ID, rec.TargetID)
	assert.Equal(t, "10.0.0.7", rec.IP)
	assert.Equal(t, "curl/8", rec.UserAgent)
	assert.Equal(t, t0, rec.At)
	var details map[string]string
	require.NoError(t, json.Unmarshal(rec.Details, &details))
	assert.Equal(t, map[string]string{"from": tier.Starter, "to": tier.Enterprise}, details)

	// Refusals write no audit record.
	err = f.svc.SetTier(ctx, admin, u.ID, "gold", tiersvc.ClientMeta{})
	assert.Equal(t, "tier", faultOf(t, err).Field)
	err = f.svc.SetTier(ctx, admin, "usr_missing", tier.Starter, tiersvc.ClientMeta{})
	assert.Equal(t, fault.NotFound, faultOf(t, err).Kind)
	assert.Len(t, f.audit.Records(), 1)

	// Free ends the grant.
	require.NoError(t, f.svc.SetTier(ctx, admin, u.ID, tier.Free, tiersvc.ClientMeta{}))
	stored, err = f.users.UserByID(ctx, u.ID)
	require.NoError(t, err)
	assert.Equal(t, tier.Free, f.standing(t, stored).Tier)
	assert.Len(t, f.audit.Records(), 2)
}

func TestTakeMessageMinuteAndDay(t *testing.T) {
	f := newFixture(t)
	u := f.user(t, tier.Free) // 3 a minute, 10 a day
	take := func() error { _, err := f.svc.TakeMessage(ctx, u); return err }

	for i := range 3 {
		require.NoError(t, take(), "message %d", i+1)
	}
	d, err := f.svc.TakeMessage(ctx, u)
	fe := faultOf(t, err)
	assert.Equal(t, fault.RateLimited, fe.Kind)
	assert.Equal(t, 20, fe.RetryAfterSeconds, "one slot of 3 a minute")
	assert.Equal(t, "minute", d.Binding.Name)
	assert.Equal(t, 0, d.Binding.Remaining)

	// A minute later three more, and so on, until the daily ten.
	used := 3
	for used < 10 {
		f.clock.Add(time.Minute)
		for range min(3, 10-used) {
			require.NoError(t, take(), "message %d", used+1)
			used++
		}
	}
	f.clock.Add(time.Minute)
	d, err = f.svc.TakeMessage(ctx, u)
	fe = faultOf(t, err)
	assert.Equal(t, fault.RateLimited, fe.Kind)
	assert.Equal(t, "day", d.Binding.Name)
	midnight := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	assert.Equal(t, int(midnight.Sub(f.clock.Now())/time.Second), fe.RetryAfterSeconds)
	us, err := f.svc.Usage(ctx, u)
	require.NoError(t, err)
	assert.Equal(t, 10, us.Used, "the refused message is not counted")

	// A new UTC day resets the quota; a returned message is given back.
	f.clock.Set(midnight)
	require.NoError(t, take())
	require.NoError(t, f.svc.ReturnMessage(ctx, u.ID))
	us, err = f.svc.Usage(ctx, u)
	require.NoError(t, err)
	assert.Equal(t, 0, us.Used)
	assert.Equal(t, midnight.Add(24*time.Hour), us.ResetsAt)
}

func TestNudgeFreeUsersOnly(t *testing.T) {
	f := newFixture(t)
	u := f.user(t, tier.Free) // 10 a day
	nudge := func() *tiersvc.Nudge {
		t.Helper()
		n, err := f.svc.Nudge(ctx, u)
		require.NoError(t, err)
		return n
	}
	sendTo := func(used int) {
		t.Helper()
		for {
			us, err := f.svc.Usage(ctx, u)
			require.NoError(t, err)
			if us.Used >= used {
				return
			}
			f.clock.Add(time.Minute) // stay under 3 a minute
			_, err = f.svc.TakeMessage(ctx, u)
			require.NoError(t, err)
		}
	}
	assert.Nil(t, nudge())
	sendTo(4)
	assert.Nil(t, nudge())
	tests := []struct {
		used     int
		wantType string
		wantMsg  string
	}{
		{5, tier.NudgeHalfway, "You have used 5 of your 10 free messages today."},
		{8, tier.NudgeAlmostThere, "Only 2 of your 10 free messages left today. Upgrade your plan for more."},
		{10, tier.NudgeLimitReached, "You have used all 10 free messages for today. They reset at midnight UTC, or upgrade your plan for more."},
	}
	for _, tt := range tests {
		sendTo(tt.used)
		n := nudge()
		require.NotNil(t, n, "at %d", tt.used)
		assert.Equal(t, tt.wantType, n.Type)
		assert.Equal(t, tt.wantMsg, n.Message)
		assert.Equal(t, "/pricing", n.ActionURL)
	}

	// A trial counts as paid: no nudge, though 10 messages are used today.
	_, err := f.svc.StartTrial(ctx, u, "")
	require.NoError(t, err)
	assert.Nil(t, nudge())
}
