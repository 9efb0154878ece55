// Package tier holds AskOzzy's plans: prices, message limits per plan, the
// model catalogue and which plan unlocks each model, trials, subscription
// periods, and the one function that decides a user's effective plan
// (Catalog.Standing), computed on read from the stored subscription. The
// figures are data (Catalog), overridable per deployment; DefaultCatalog is
// the seed's. No I/O, no clock: callers pass now.
package tier

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/ratelimit"
)

// The plan ids, lowest first.
const (
	Free         = "free"
	Starter      = "starter"
	Professional = "professional"
	Enterprise   = "enterprise"
)

// IDs lists the plan ids, lowest first. A catalogue defines exactly these.
var IDs = []string{Free, Starter, Professional, Enterprise}

// Rank orders plans: free 0 … enterprise 3; -1 for an unknown id.
func Rank(id string) int { return slices.Index(IDs, id) }

// Valid reports whether id is a plan id.
func Valid(id string) bool { return Rank(id) >= 0 }

// Paid reports whether id is a paid plan.
func Paid(id string) bool { return Rank(id) > 0 }

// AtLeast reports whether plan have includes everything of plan need.
func AtLeast(have, need string) bool { return Rank(have) >= Rank(need) && Rank(need) >= 0 }

// Cycle is a billing period.
type Cycle string

// Billing cycles.
const (
	Monthly Cycle = "monthly"
	Yearly  Cycle = "yearly"
)

// Valid reports whether c is a known cycle.
func (c Cycle) Valid() bool { return c == Monthly || c == Yearly }

// Days is how long one paid cycle lasts.
func (c Cycle) Days() int {
	if c == Yearly {
		return 365
	}
	return 30
}

// Unlimited is the MessagesPerDay of a plan without a daily cap.
const Unlimited = -1

// Plan is one subscription plan. Money is in pesewas (1 GHS = 100).
type Plan struct {
	ID       string
	Name     string
	Currency string // ISO 4217; "GHS"
	// Monthly and Yearly are the prices of one cycle.
	Monthly, Yearly int64
	// StudentMonthly and StudentYearly are the prices for student
	// accounts; equal to Monthly/Yearly when there is no discount.
	StudentMonthly, StudentYearly int64
	// MessagesPerDay is the daily message quota (Unlimited: none);
	// MessagesPerMinute the per-minute message rate.
	MessagesPerDay    int
	MessagesPerMinute int
	// MaxOutputTokens caps one model answer.
	MaxOutputTokens int
	// Features are the selling points shown on the pricing page.
	Features []string
}

// Price returns the price of one cycle in pesewas.
func (p Plan) Price(c Cycle, student bool) int64 {
	switch {
	case c == Yearly && student:
		return p.StudentYearly
	case c == Yearly:
		return p.Yearly
	case student:
		return p.StudentMonthly
	}
	return p.Monthly
}

// MessageRate is the plan's per-minute message limit.
func (p Plan) MessageRate() ratelimit.Limit { return ratelimit.PerMinute(p.MessagesPerMinute) }

// Model is one entry of the model catalogue.
type Model struct {
	ID             string // provider model id, e.g. "@cf/meta/llama-3.1-8b-instruct"
	Name           string
	Provider       string // who made the model
	Tier           string // the lowest plan that unlocks it
	Description    string
	MaxTokens      int // largest answer
	ContextWindow  int // tokens; 0 when unknown
	SupportsVision bool
	Recommended    bool
}

// Catalog is the deployment's plan data: one table that drives the pricing
// page, the limits, model gating and trials.
type Catalog struct {
	Plans  []Plan  // exactly the four IDs, in order
	Models []Model // every model a user may pick
	// Trial is how long a trial lasts; Grace how long a lapsed paid
	// subscription keeps its plan after expiry.
	Trial, Grace time.Duration
	// General is the per-user request limit on every authenticated
	// endpoint that does not send a message to a model.
	General ratelimit.Limit
}

// Validate reports the first problem of a catalogue, naming it.
func (c Catalog) Validate() error {
	if len(c.Plans) != len(IDs) {
		return fmt.Errorf("tiers: want the plans %v, got %d plans", IDs, len(c.Plans))
	}
	for i, p := range c.Plans {
		if p.ID != IDs[i] {
			return fmt.Errorf("tiers: plan %d must be %q, got %q", i, IDs[i], p.ID)
		}
		switch {
		case p.Name == "":
			return fmt.Errorf("tiers: plan %s: name is required", p.ID)
		case len(p.Currency) != 3:
			return fmt.Errorf("tiers: plan %s: currency must be a 3-letter code", p.ID)
		case p.Monthly < 0 || p.Yearly < 0 || p.StudentMonthly < 0 || p.StudentYearly < 0:
			return fmt.Errorf("tiers: plan %s: prices must not be negative", p.ID)
		case i > 0 && (p.Monthly < 100 || p.Yearly < 100 || p.StudentMonthly < 100 || p.StudentYearly < 100):
			return fmt.Errorf("tiers: plan %s: a paid plan costs at least 1.00", p.ID)
		case i == 0 && (p.Monthly != 0 || p.Yearly != 0):
			return fmt.Errorf("tiers: plan free must cost 0")
		case p.MessagesPerDay < Unlimited || p.MessagesPerDay == 0:
			return fmt.Errorf("tiers: plan %s: messagesPerDay must be positive or -1 (unlimited)", p.ID)
		case p.MessagesPerMinute < 1 || p.MessagesPerMinute > 10000:
			return fmt.Errorf("tiers: plan %s: messagesPerMinute must be between 1 and 10000", p.ID)
		case p.MaxOutputTokens < 1:
			return fmt.Errorf("tiers: plan %s: maxOutputTokens must be positive", p.ID)
		}
		if p.Currency != c.Plans[0].Currency {
			return fmt.Errorf("tiers: plan %s: every plan must use one currency", p.ID)
		}
	}
	if len(c.Models) == 0 {
		return errors.New("tiers: the model catalogue is empty")
	}
	seen := map[string]bool{}
	for _, m := range c.Models {
		switch {
		case m.ID == "" || m.Name == "":
			return errors.New("tiers: every model needs an id and a name")
		case seen[m.ID]:
			return fmt.Errorf("tiers: model %s is listed twice", m.ID)
		case !Valid(m.Tier):
			return fmt.Errorf("tiers: model %s: tier %q is not a plan", m.ID, m.Tier)
		case m.MaxTokens < 1:
			return fmt.Errorf("tiers: model %s: maxTokens must be positive", m.ID)
		}
		seen[m.ID] = true
	}
	if c.Trial <= 0 || c.Trial > 90*24*time.Hour {
		return errors.New("tiers: trial must be between 1ns and 90 days")
	}
	if c.Grace < 0 || c.Grace > 90*24*time.Hour {
		return errors.New("tiers: grace must be between 0 and 90 days")
	}
	if err := c.General.Validate(); err != nil {
		return fmt.Errorf("tiers: general limit: %w", err)
	}
	return nil
}

// Plan returns the plan id; fault.Invalid naming field "tier" when unknown.
func (c Catalog) Plan(id string) (Plan, error) {
	if i := Rank(id); i >= 0 && i < len(c.Plans) {
		return c.Plans[i], nil
	}
	return Plan{}, ErrUnknownTier
}

// Model returns the catalogue entry of id; fault.NotFound when absent.
func (c Catalog) Model(id string) (Model, error) {
	for _, m := range c.Models {
		if m.ID == id {
			return m, nil
		}
	}
	return Model{}, ErrUnknownModel
}

// Allow returns the model id if plan unlocks it: fault.NotFound for an
// unknown model, fault.Forbidden (code tier.model_locked, "code":
// "TIER_REQUIRED") when the plan is too low. A disallowed model is refused,
// never silently swapped for another.
func (c Catalog) Allow(plan, id string) (Model, error) {
	m, err := c.Model(id)
	if err != nil {
		return Model{}, err
	}
	if !AtLeast(plan, m.Tier) {
		return Model{}, ErrModelLocked.With("requiredTier", m.Tier)
	}
	return m, nil
}

// Errors of this package.
var (
	ErrUnknownTier  = fault.Field("tier", "tier.unknown", "tier must be one of free, starter, professional, enterprise")
	ErrUnknownModel = fault.New(fault.NotFound, "tier.unknown_model", "Unknown model")
	ErrModelLocked  = fault.New(fault.Forbidden, "tier.model_locked", "Your plan does not include this model. Upgrade to use it.").With("code", "TIER_REQUIRED")
	ErrAlreadyPaid  = fault.New(fault.Invalid, "tier.trial_paid", "Trials are for free accounts; you already have a paid plan")
	ErrTrialUsed    = fault.New(fault.Invalid, "tier.trial_used", "You have already used your free trial")
	ErrTrialTier    = fault.Field("tier", "tier.trial_tier", "tier must be starter, professional or enterprise")
)

// Day returns the UTC day of t (its midnight): the key of daily quotas.
func Day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// NextReset returns the next UTC midnight after t, when daily quotas reset.
func NextReset(t time.Time) time.Time { return Day(t).AddDate(0, 0, 1) }
