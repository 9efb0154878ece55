package campaignsvc

import (
	"context"
	"strings"
	"time"

	"github.com/kente-gov/kente/core/campaign"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/ports"
)

// CampaignInput is a new campaign (§6.1 POST /campaigns/ plus the §15.8
// optional fields).
type CampaignInput struct {
	Name             string
	Type             string
	Prefix           string
	Language         string // "fr" when empty
	TemplateID       string // the type's template when empty
	Description      string
	TargetPopulation *int64
	RegionCode       string
	DosesPlanned     *int64
	BudgetFCFA       *int64
}

// CreateCampaign creates a draft campaign in the caller's programme; a
// prefix already used there is fault.Conflict naming "prefix".
func (s *Service) CreateCampaign(ctx context.Context, a Actor, in CampaignInput) (campaign.Campaign, error) {
	id, err := s.uuid()
	if err != nil {
		return campaign.Campaign{}, err
	}
	now := s.d.Clock.Now().UTC()
	c := campaign.Campaign{ID: id, ProgrammeID: a.ProgrammeID, Name: strings.TrimSpace(in.Name), Type: campaign.Type(in.Type),
		Prefix: in.Prefix, Language: in.Language, TemplateID: in.TemplateID, Description: in.Description, Status: campaign.StatusDraft,
		TargetPopulation: in.TargetPopulation, RegionCode: in.RegionCode, DosesPlanned: in.DosesPlanned, BudgetFCFA: in.BudgetFCFA,
		CreatedAt: now, UpdatedAt: now}
	if c.Language == "" {
		c.Language = "fr"
	}
	if c.TemplateID == "" {
		c.TemplateID = in.Type
	}
	if err := c.Check(); err != nil {
		return campaign.Campaign{}, err
	}
	err = s.d.Tx.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.d.Campaigns.CreateCampaign(ctx, c); err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, s.event(a, "campaign.create", "campaign", c.ID, map[string]any{"prefix": c.Prefix, "campaign_type": c.Type}))
	})
	if err != nil {
		return campaign.Campaign{}, err
	}
	return c, nil
}

// CampaignQuery filters the campaign list. ProgrammeID, Prefix, From and To
// are for platform administrators only (ignored otherwise).
type CampaignQuery struct {
	Status          string
	Type            string
	ProgrammeID     string
	Prefix          string
	From, To        *time.Time
	IncludeArchived bool
	Limit, Offset   int
}

// CampaignPage is a page of campaigns.
type CampaignPage struct {
	Items                []campaign.Campaign
	Total, Limit, Offset int
}

// Campaigns lists the caller's campaigns (every programme's for an
// administrator), newest first; limit 1–100 (20 when 0).
func (s *Service) Campaigns(ctx context.Context, a Actor, q CampaignQuery) (CampaignPage, error) {
	limit, offset, err := page(q.Limit, q.Offset, 20, 100)
	if err != nil {
		return CampaignPage{}, err
	}
	if q.Type != "" && !campaign.Type(q.Type).Valid() {
		return CampaignPage{}, fault.Field("campaign_type", "campaign.invalid_type", "campaign_type is not a campaign type")
	}
	f := ports.CampaignFilter{ProgrammeID: a.ProgrammeID, Status: q.Status, Type: campaign.Type(q.Type), IncludeArchived: q.IncludeArchived,
		Limit: limit, Offset: offset}
	if a.IsAdmin {
		f.ProgrammeID, f.Prefix, f.From, f.To = q.ProgrammeID, q.Prefix, q.From, q.To
	}
	items, total, err := s.d.Campaigns.Campaigns(ctx, f)
	if err != nil {
		return CampaignPage{}, err
	}
	return CampaignPage{Items: items, Total: total, Limit: limit, Offset: offset}, nil
}

// Campaign returns a campaign the caller may see and its latest jobs (up
// to 100).
func (s *Service) Campaign(ctx context.Context, a Actor, id string) (campaign.Campaign, []campaign.Job, error) {
	c, err := s.campaignFor(ctx, a, id)
	if err != nil {
		return campaign.Campaign{}, nil, err
	}
	jobs, _, err := s.d.Jobs.CardJobs(ctx, ports.CardJobFilter{CampaignID: c.ID, Limit: 100})
	if err != nil {
		return campaign.Campaign{}, nil, err
	}
	return c, jobs, nil
}

func (s *Service) campaignFor(ctx context.Context, a Actor, id string) (campaign.Campaign, error) {
	c, err := s.d.Campaigns.Campaign(ctx, id)
	if fault.Is(err, fault.NotFound) || (err == nil && !visible(a, c.ProgrammeID)) {
		return campaign.Campaign{}, errCampaignMissing
	}
	return c, err
}

// CampaignPatch holds the fields PATCH may change (§4.2: name and
// description only); nil leaves a field alone.
type CampaignPatch struct {
	Name        *string
	Description *string
}

// UpdateCampaign changes a campaign's name or description.
func (s *Service) UpdateCampaign(ctx context.Context, a Actor, id string, p CampaignPatch) (campaign.Campaign, error) {
	if _, err := s.campaignFor(ctx, a, id); err != nil {
		return campaign.Campaign{}, err
	}
	var out campaign.Campaign
	err := s.d.Tx.WithinTx(ctx, func(ctx context.Context) error {
		var err error
		out, err = s.d.Campaigns.UpdateCampaign(ctx, id, func(c *campaign.Campaign) error {
			if p.Name != nil {
				c.Name = strings.TrimSpace(*p.Name)
			}
			if p.Description != nil {
				c.Description = *p.Description
			}
			if err := campaign.CheckName(c.Name); err != nil {
				return err
			}
			if len([]rune(c.Description)) > 2000 {
				return fault.Field("description", "campaign.invalid_description", "description must be at most 2000 characters")
			}
			c.UpdatedAt = s.d.Clock.Now().UTC()
			return nil
		})
		if err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, s.event(a, "campaign.update", "campaign", id, nil))
	})
	return out, err
}

// SetArchived archives (DELETE) or restores a campaign; its cards are kept
// and stay verifiable.
func (s *Service) SetArchived(ctx context.Context, a Actor, id string, archived bool) (campaign.Campaign, error) {
	if _, err := s.campaignFor(ctx, a, id); err != nil {
		return campaign.Campaign{}, err
	}
	action := "campaign.archive"
	if !archived {
		action = "campaign.restore"
	}
	var out campaign.Campaign
	err := s.d.Tx.WithinTx(ctx, func(ctx context.Context) error {
		var err error
		out, err = s.d.Campaigns.UpdateCampaign(ctx, id, func(c *campaign.Campaign) error {
			c.Archived, c.UpdatedAt = archived, s.d.Clock.Now().UTC()
			return nil
		})
		if err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, s.event(a, action, "campaign", id, nil))
	})
	return out, err
}
