package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/kente-gov/kente/core/ratelimit"
	"github.com/kente-gov/kente/core/tier"
)

// DefaultPaystackBaseURL is Paystack's public API.
const DefaultPaystackBaseURL = "https://api.paystack.co"

// loadTiers reads KENTE_PAYSTACK_SECRET_KEY (a secret: from the
// environment only, optional in every profile and never generated),
// KENTE_PAYSTACK_BASE_URL and KENTE_TIERS_FILE (plan data overrides) into
// c. It returns one error per bad variable.
func (c *Config) loadTiers(getenv Getenv) []error {
	var errs []error
	if v, ok := getenv("KENTE_PAYSTACK_SECRET_KEY"); ok && v != "" {
		c.Secrets.PaystackSecretKey = v
		if len(v) < MinSecretLen {
			errs = append(errs, fmt.Errorf("KENTE_PAYSTACK_SECRET_KEY: must be at least %d characters (sk_live_… or sk_test_…)", MinSecretLen))
		}
	}
	if v, ok := getenv("KENTE_PAYSTACK_BASE_URL"); ok && strings.TrimSpace(v) != "" {
		c.PaystackBaseURL = strings.TrimSpace(v)
	}
	if u, err := url.Parse(c.PaystackBaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		errs = append(errs, errors.New("KENTE_PAYSTACK_BASE_URL: must be an http(s) URL like https://api.paystack.co"))
	}
	if v, ok := getenv("KENTE_TIERS_FILE"); ok && strings.TrimSpace(v) != "" {
		c.TiersFile = strings.TrimSpace(v)
		raw, err := os.ReadFile(c.TiersFile)
		if err != nil {
			return append(errs, fmt.Errorf("KENTE_TIERS_FILE: %w", err))
		}
		cat, err := ParseTiers(raw, c.Tiers)
		if err != nil {
			return append(errs, fmt.Errorf("KENTE_TIERS_FILE: %s: %w", c.TiersFile, err))
		}
		c.Tiers = cat
	}
	if err := c.Tiers.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("KENTE_TIERS_FILE: %w", err))
	}
	return errs
}

// tiersFile is the JSON form of plan overrides. Every field is optional:
// plans are merged by id over the base catalogue field by field; models,
// when given, replace the whole catalogue. Prices are in cedis (two
// decimals at most).
type tiersFile struct {
	Plans []struct {
		ID                string   `json:"id"`
		Name              *string  `json:"name"`
		Currency          *string  `json:"currency"`
		PriceMonthly      *float64 `json:"priceMonthly"`
		PriceYearly       *float64 `json:"priceYearly"`
		StudentMonthly    *float64 `json:"studentPriceMonthly"`
		StudentYearly     *float64 `json:"studentPriceYearly"`
		MessagesPerDay    *int     `json:"messagesPerDay"`
		MessagesPerMinute *int     `json:"messagesPerMinute"`
		MaxOutputTokens   *int     `json:"maxOutputTokens"`
		Features          []string `json:"features"`
	} `json:"plans"`
	Models []struct {
		ID             string `json:"id"`
		Name           string `json:"name"`
		Provider       string `json:"provider"`
		Tier           string `json:"tier"`
		Description    string `json:"description"`
		MaxTokens      int    `json:"maxTokens"`
		ContextWindow  int    `json:"contextWindow"`
		SupportsVision bool   `json:"supportsVision"`
		Recommended    bool   `json:"recommended"`
	} `json:"models"`
	TrialDays                *int `json:"trialDays"`
	GraceDays                *int `json:"graceDays"`
	GeneralRequestsPerMinute *int `json:"generalRequestsPerMinute"`
}

// ParseTiers applies a KENTE_TIERS_FILE document over base and validates
// the result. Unknown fields and plan ids are errors, so a typo is not
// silently ignored.
func ParseTiers(raw []byte, base tier.Catalog) (tier.Catalog, error) {
	var f tiersFile
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return tier.Catalog{}, fmt.Errorf("not a valid tiers document: %w", err)
	}
	cat := base
	cat.Plans = append([]tier.Plan(nil), base.Plans...)
	money := func(id, field string, v *float64, dst *int64) error {
		if v == nil {
			return nil
		}
		p := math.Round(*v * 100)
		if *v < 0 || math.Abs(p-*v*100) > 1e-6 || p > 1e9 {
			return fmt.Errorf("plan %s: %s must be a non-negative amount with at most two decimals", id, field)
		}
		*dst = int64(p)
		return nil
	}
	for _, o := range f.Plans {
		i := tier.Rank(o.ID)
		if i < 0 {
			return tier.Catalog{}, fmt.Errorf("plan %q is not one of %v", o.ID, tier.IDs)
		}
		p := &cat.Plans[i]
		if o.Name != nil {
			p.Name = *o.Name
		}
		if o.Currency != nil {
			p.Currency = *o.Currency
		}
		for _, m := range []struct {
			field string
			v     *float64
			dst   *int64
		}{
			{"priceMonthly", o.PriceMonthly, &p.Monthly}, {"priceYearly", o.PriceYearly, &p.Yearly},
			{"studentPriceMonthly", o.StudentMonthly, &p.StudentMonthly}, {"studentPriceYearly", o.StudentYearly, &p.StudentYearly},
		} {
			if err := money(o.ID, m.field, m.v, m.dst); err != nil {
				return tier.Catalog{}, err
			}
		}
		if o.MessagesPerDay != nil {
			p.MessagesPerDay = *o.MessagesPerDay
		}
		if o.MessagesPerMinute != nil {
			p.MessagesPerMinute = *o.MessagesPerMinute
		}
		if o.MaxOutputTokens != nil {
			p.MaxOutputTokens = *o.MaxOutputTokens
		}
		if o.Features != nil {
			p.Features = o.Features
		}
	}
	if f.Models != nil {
		cat.Models = make([]tier.Model, len(f.Models))
		for i, m := range f.Models {
			cat.Models[i] = tier.Model{ID: m.ID, Name: m.Name, Provider: m.Provider, Tier: m.Tier, Description: m.Description,
				MaxTokens: m.MaxTokens, ContextWindow: m.ContextWindow, SupportsVision: m.SupportsVision, Recommended: m.Recommended}
		}
	}
	if f.TrialDays != nil {
		cat.Trial = time.Duration(*f.TrialDays) * 24 * time.Hour
	}
	if f.GraceDays != nil {
		cat.Grace = time.Duration(*f.GraceDays) * 24 * time.Hour
	}
	if f.GeneralRequestsPerMinute != nil {
		cat.General = ratelimit.PerMinute(*f.GeneralRequestsPerMinute)
	}
	if err := cat.Validate(); err != nil {
		return tier.Catalog{}, err
	}
	return cat, nil
}
