package campaignsvc

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kente-gov/kente/core/campaign"
	"github.com/kente-gov/kente/core/fault"
)

// Verification is a public card check: no PII (§15.16), only the card's
// status, its campaign's prefix and name, and when it was issued.
type Verification struct {
	Valid        bool
	Status       string // valid, revoked
	CardCode     string
	CampaignID   string
	CampaignName string
	Prefix       string
	IssuedAt     time.Time
	VerifiedAt   time.Time
	Channel      string // reference, qr_scan
}

var errCardUnknown = fault.New(fault.NotFound, CodeCardUnknown, "Card not recognised")

// VerifyCode checks a full card code ({prefix}-{8 Base36}).
func (s *Service) VerifyCode(ctx context.Context, code string) (Verification, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if _, ok := campaign.RefOf(code); !ok {
		return Verification{}, fault.Field("code", "verify.invalid_code", "code must be {PREFIX}-{8 Base36 characters}")
	}
	return s.verify(ctx, "code", code, "reference")
}

// VerifyRef checks a card by its 8-character Base36 reference.
func (s *Service) VerifyRef(ctx context.Context, ref string) (Verification, error) {
	ref = strings.ToUpper(strings.TrimSpace(ref))
	if !campaign.CheckRef(ref) {
		return Verification{}, fault.Field("code", "verify.invalid_ref", "reference must be 8 Base36 characters")
	}
	return s.verify(ctx, "ref", ref, "reference")
}

// VerifyToken checks a scanned QR token (§15.15): it is looked up by its
// SHA-256, as the offline registry does.
func (s *Service) VerifyToken(ctx context.Context, token string) (Verification, error) {
	token = strings.ToLower(strings.TrimSpace(token))
	if len(token) != 64 || strings.Trim(token, "0123456789abcdef") != "" {
		return Verification{}, fault.Field("payload", "verify.invalid_token", "payload must be a 64-hex-digit QR token")
	}
	return s.verify(ctx, "token_hash", campaign.Hash(token), "qr_scan")
}

// verify looks the card up, counts the scan and records a qr distribution
// event (delivered) for its campaign's region, in one transaction.
func (s *Service) verify(ctx context.Context, by, value, channel string) (Verification, error) {
	cd, err := s.d.Cards.CardBy(ctx, by, value)
	if fault.Is(err, fault.NotFound) {
		return Verification{}, errCardUnknown
	}
	if err != nil {
		return Verification{}, err
	}
	c, err := s.d.Campaigns.Campaign(ctx, cd.CampaignID)
	if err != nil {
		return Verification{}, err
	}
	now := s.d.Clock.Now().UTC()
	id, err := s.uuid()
	if err != nil {
		return Verification{}, err
	}
	err = s.d.Tx.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.d.Cards.CountScan(ctx, cd.Code, now); err != nil {
			return err
		}
		_, err := s.d.Distribution.AddDistributionEvents(ctx, []campaign.DistributionEvent{{ID: id, ProgrammeID: c.ProgrammeID,
			ClientEventID: "scan:" + id, CampaignID: c.ID, Region: s.regions.Region(c.RegionCode, c.Prefix),
			Channel: "qr", EventType: "delivered", Count: 1, CreatedAt: now}})
		return err
	})
	if err != nil {
		return Verification{}, err
	}
	return Verification{Valid: cd.Status == campaign.CardValid, Status: cd.Status, CardCode: cd.Code, CampaignID: c.ID,
		CampaignName: c.Name, Prefix: c.Prefix, IssuedAt: cd.IssuedAt, VerifiedAt: now, Channel: channel}, nil
}

// CampaignStats are a campaign's verification figures (§6.3).
type CampaignStats struct {
	CampaignID       string
	Stats            campaign.ScanStats
	VerificationRate float64 // verified ÷ total × 100, one decimal
}

// Stats returns a campaign's verification figures.
func (s *Service) Stats(ctx context.Context, a Actor, campaignID string) (CampaignStats, error) {
	c, err := s.campaignFor(ctx, a, campaignID)
	if err != nil {
		return CampaignStats{}, err
	}
	st, err := s.d.Cards.ScanStats(ctx, c.ID)
	if err != nil {
		return CampaignStats{}, err
	}
	out := CampaignStats{CampaignID: c.ID, Stats: st}
	if st.TotalCards > 0 {
		out.VerificationRate = float64(int64(float64(st.VerifiedCards)*1000/float64(st.TotalCards)+0.5)) / 10
	}
	return out, nil
}

// OfflineRegistry builds the campaign's consolidated, signed registry.json
// over every job's cards (§12.3).
func (s *Service) OfflineRegistry(ctx context.Context, a Actor, campaignID string) ([]byte, error) {
	c, err := s.campaignFor(ctx, a, campaignID)
	if err != nil {
		return nil, err
	}
	cards, err := s.d.Cards.CampaignCards(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	return campaign.BuildRegistry(s.opts.CardKey, c.Prefix, cards, s.d.Clock.Now())
}

// VerifyRegistry reports whether raw is a registry signed with the card key.
func (s *Service) VerifyRegistry(raw []byte) (campaign.Registry, bool) {
	return campaign.VerifyRegistry(s.opts.CardKey, raw)
}

// EventInput is one ingested distribution event.
type EventInput struct {
	ClientEventID string
	CampaignID    string
	Region        string
	Channel       string
	EventType     string
	Count         int64
}

// IngestResult says how many events of a batch were stored and how many
// were duplicates of events already stored.
type IngestResult struct {
	Accepted, Duplicates int
}

// IngestEvents stores a batch of GeoDistributionEvents of the caller's
// programme, idempotently on ClientEventID; the batch is validated whole
// (errors name "events[i].field").
func (s *Service) IngestEvents(ctx context.Context, a Actor, in []EventInput) (IngestResult, error) {
	if len(in) == 0 || len(in) > campaign.MaxEventBatch {
		return IngestResult{}, fault.Field("events", "distribution.invalid_batch", fmt.Sprintf("events must hold 1 to %d events", campaign.MaxEventBatch))
	}
	now := s.d.Clock.Now().UTC()
	events := make([]campaign.DistributionEvent, len(in))
	seen := map[string]bool{}
	for i, e := range in {
		id, err := s.uuid()
		if err != nil {
			return IngestResult{}, err
		}
		ev := campaign.DistributionEvent{ID: id, ProgrammeID: a.ProgrammeID, ClientEventID: e.ClientEventID, CampaignID: e.CampaignID,
			Region: strings.TrimSpace(e.Region), Channel: e.Channel, EventType: e.EventType, Count: e.Count, CreatedAt: now}
		if err := campaign.CheckEvent(i, ev); err != nil {
			return IngestResult{}, err
		}
		if seen[e.ClientEventID] {
			return IngestResult{}, fault.Field(fmt.Sprintf("events[%d].client_event_id", i), "distribution.duplicate_in_batch", "client_event_id repeats in the batch")
		}
		seen[e.ClientEventID] = true
		if e.CampaignID != "" {
			if _, err := s.campaignFor(ctx, Actor{ProgrammeID: a.ProgrammeID}, e.CampaignID); err != nil {
				var fe *fault.Error
				if errors.As(err, &fe) && fe.Kind == fault.NotFound {
					return IngestResult{}, fault.Field(fmt.Sprintf("events[%d].campaign_id", i), CodeNotFound, "campaign_id names no campaign of this programme")
				}
				return IngestResult{}, err
			}
		}
		events[i] = ev
	}
	n, err := s.d.Distribution.AddDistributionEvents(ctx, events)
	if err != nil {
		return IngestResult{}, err
	}
	return IngestResult{Accepted: n, Duplicates: len(events) - n}, nil
}
