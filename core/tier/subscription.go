package tier

import "time"

// Subscription is what Kente stores about a user's plan, apart from the
// account itself: the paid plan, its expiry and the trial.
type Subscription struct {
	UserID string
	// Tier is the plan bought or granted; empty means "whatever the
	// account says" (identity's users.tier: the plan of legacy grants).
	Tier  string
	Cycle Cycle
	// ExpiresAt ends a paid period; nil for a manual grant, which never
	// lapses.
	ExpiresAt *time.Time
	// TrialTier, TrialStartedAt and TrialEndsAt record the one trial a user
	// may have; TrialStartedAt is nil until then.
	TrialTier      string
	TrialStartedAt *time.Time
	TrialEndsAt    *time.Time
	UpdatedAt      time.Time
}

// Standing is a user's effective plan at one instant.
type Standing struct {
	// Tier is the effective plan: what every gate and limit uses.
	Tier string
	// Paid is the stored paid or granted plan (free when none), whether or
	// not it has lapsed.
	Paid string
	// ExpiresAt is the paid period's end; nil for none or a manual grant.
	ExpiresAt *time.Time
	// InGracePeriod is true after ExpiresAt and before the grace ends: the
	// plan still applies.
	InGracePeriod bool
	// Lapsed is true once a paid plan's grace has ended.
	Lapsed bool
	// Trial is the trial's state.
	Trial Trial
}

// Trial is the state of a user's trial.
type Trial struct {
	Used      bool // a trial was ever started
	Active    bool
	Tier      string
	StartedAt *time.Time
	EndsAt    *time.Time
	// DaysRemaining counts started days left (0 when not active).
	DaysRemaining int
}

// Standing is THE function deciding a user's effective plan; every gate
// uses it. base is the account's stored tier (identity's users.tier), sub
// the stored subscription (the zero value when there is none).
//
//   - A paid plan with an expiry applies until expiry + Grace (in grace
//     after expiry), then the user is free.
//   - A paid plan without expiry (manual or legacy grant) never lapses.
//   - An unexpired trial counts as its trial plan (professional by
//     default) when that is higher than the paid plan.
func (c Catalog) Standing(base string, sub Subscription, now time.Time) Standing {
	paid := sub.Tier
	if paid == "" {
		paid = base
	}
	if !Valid(paid) {
		paid = Free
	}
	s := Standing{Tier: paid, Paid: paid, ExpiresAt: sub.ExpiresAt}
	if Paid(paid) && sub.ExpiresAt != nil {
		switch end := *sub.ExpiresAt; {
		case !now.Before(end.Add(c.Grace)):
			s.Tier, s.Lapsed = Free, true
		case !now.Before(end):
			s.InGracePeriod = true
		}
	}
	if sub.TrialStartedAt != nil {
		s.Trial = Trial{Used: true, Tier: sub.TrialTier, StartedAt: sub.TrialStartedAt, EndsAt: sub.TrialEndsAt}
		if sub.TrialEndsAt != nil && now.Before(*sub.TrialEndsAt) && Valid(sub.TrialTier) {
			s.Trial.Active = true
			s.Trial.DaysRemaining = int((sub.TrialEndsAt.Sub(now) + 24*time.Hour - 1) / (24 * time.Hour))
			if Rank(sub.TrialTier) > Rank(s.Tier) {
				s.Tier = sub.TrialTier
			}
		}
	}
	return s
}

// StartTrial returns sub with a trial of plan trialTier starting at now.
// Only a user whose effective plan is free and who never had a trial may
// start one: fault.Invalid tier.trial_paid / tier.trial_used otherwise.
func (c Catalog) StartTrial(base string, sub Subscription, trialTier string, now time.Time) (Subscription, error) {
	if !Paid(trialTier) {
		return sub, ErrTrialTier
	}
	st := c.Standing(base, sub, now)
	if st.Trial.Used {
		return sub, ErrTrialUsed
	}
	if st.Tier != Free {
		return sub, ErrAlreadyPaid
	}
	start, end := now.UTC(), now.UTC().Add(c.Trial)
	sub.TrialTier, sub.TrialStartedAt, sub.TrialEndsAt = trialTier, &start, &end
	sub.UpdatedAt = start
	return sub, nil
}

// Extend returns sub with plan bought for one cycle at now: the period is
// added to the later of now and the current expiry (a renewal before
// expiry, or within grace, loses no paid day). A manual grant without
// expiry becomes a dated subscription starting now.
func (c Catalog) Extend(base string, sub Subscription, plan string, cycle Cycle, now time.Time) Subscription {
	from := now.UTC()
	if st := c.Standing(base, sub, now); Paid(st.Paid) && !st.Lapsed && sub.ExpiresAt != nil && sub.ExpiresAt.After(from) {
		from = sub.ExpiresAt.UTC()
	}
	end := from.AddDate(0, 0, cycle.Days())
	sub.Tier, sub.Cycle, sub.ExpiresAt, sub.UpdatedAt = plan, cycle, &end, now.UTC()
	return sub
}

// Grant returns sub with plan set by an administrator: no expiry (a manual
// grant never lapses), or free, which ends any paid period. The trial
// record is kept, so a trial cannot be had twice.
func Grant(sub Subscription, plan string, now time.Time) Subscription {
	sub.Tier, sub.Cycle, sub.ExpiresAt, sub.UpdatedAt = plan, "", nil, now.UTC()
	return sub
}
