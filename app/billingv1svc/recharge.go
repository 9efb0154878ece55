package billingv1svc

import (
	"context"
	"fmt"
	"strings"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/programme"
	"github.com/kente-gov/kente/ports"
)

// RechargeInput is POST /billing/recharge-requests.
type RechargeInput struct {
	AmountFCFA    int64
	PaymentMethod string
	Reference     string
	Notes         string
}

// RequestRecharge records a pending recharge request of the caller's
// programme; money arrives only when an administrator validates it.
func (s *Service) RequestRecharge(ctx context.Context, a Actor, in RechargeInput) (programme.RechargeRequest, error) {
	if err := requireManager(a); err != nil {
		return programme.RechargeRequest{}, err
	}
	method, err := programme.NormalisePaymentMethod(in.PaymentMethod)
	if err != nil {
		return programme.RechargeRequest{}, err
	}
	ref, notes := strings.TrimSpace(in.Reference), strings.TrimSpace(in.Notes)
	if err := programme.CheckRecharge(in.AmountFCFA, ref, notes); err != nil {
		return programme.RechargeRequest{}, err
	}
	id, err := s.uuid()
	if err != nil {
		return programme.RechargeRequest{}, err
	}
	r := programme.RechargeRequest{ID: id, ProgrammeID: a.ProgrammeID, RequestedBy: a.UserID, AmountFCFA: in.AmountFCFA,
		PaymentMethod: method, Reference: ref, Notes: notes, Status: programme.RechargePending, CreatedAt: s.d.Clock.Now()}
	err = s.d.Tx.WithinTx(ctx, func(ctx context.Context) error {
		if err := s.d.Recharges.CreateRechargeRequest(ctx, r); err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, s.event(a, "billing.recharge_request", "recharge_request", r.ID,
			map[string]any{"amount_fcfa": r.AmountFCFA, "payment_method": method}))
	})
	if err != nil {
		return programme.RechargeRequest{}, fmt.Errorf("create recharge request: %w", err)
	}
	return r, nil
}

// RechargePage is a page of recharge requests.
type RechargePage struct {
	Items []programme.RechargeRequest
	Total int
}

// MyRecharges lists the caller's programme's requests newest first.
func (s *Service) MyRecharges(ctx context.Context, a Actor, limit, offset int) (RechargePage, error) {
	return s.recharges(ctx, ports.RechargeFilter{ProgrammeID: a.ProgrammeID}, limit, offset)
}

// AdminRecharges lists every programme's requests (only status's when not
// empty); administrators only.
func (s *Service) AdminRecharges(ctx context.Context, a Actor, status string, limit, offset int) (RechargePage, error) {
	if err := requireAdmin(a); err != nil {
		return RechargePage{}, err
	}
	switch status {
	case "", programme.RechargePending, programme.RechargeValidated, programme.RechargeRejected:
	default:
		return RechargePage{}, fault.Field("status", "billing.invalid_status", "status must be pending, validated or rejected")
	}
	return s.recharges(ctx, ports.RechargeFilter{Status: status}, limit, offset)
}

func (s *Service) recharges(ctx context.Context, f ports.RechargeFilter, limit, offset int) (RechargePage, error) {
	limit, offset, err := page(limit, offset, 50, 500)
	if err != nil {
		return RechargePage{}, err
	}
	f.Limit, f.Offset = limit, offset
	items, total, err := s.d.Recharges.RechargeRequests(ctx, f)
	if err != nil {
		return RechargePage{}, fmt.Errorf("list recharge requests: %w", err)
	}
	return RechargePage{Items: items, Total: total}, nil
}

// RechargeDecision is the outcome of validating a request: the request and,
// when validated, the topup entry.
type RechargeDecision struct {
	Request programme.RechargeRequest
	Entry   *programme.LedgerEntry
}

// ValidateRecharge credits the balance with a topup entry and marks the
// request validated, with its audit record, in one transaction. Any
// platform administrator may validate any request, their own programme's
// included (§6.4). A request already decided is fault.Conflict.
func (s *Service) ValidateRecharge(ctx context.Context, a Actor, id, notes string) (RechargeDecision, error) {
	return s.decide(ctx, a, id, notes, programme.RechargeValidated)
}

// RejectRecharge marks a pending request rejected, audited; nothing is
// credited.
func (s *Service) RejectRecharge(ctx context.Context, a Actor, id, notes string) (programme.RechargeRequest, error) {
	d, err := s.decide(ctx, a, id, notes, programme.RechargeRejected)
	return d.Request, err
}

func (s *Service) decide(ctx context.Context, a Actor, id, notes, status string) (RechargeDecision, error) {
	if err := requireAdmin(a); err != nil {
		return RechargeDecision{}, err
	}
	if !programme.ValidUUID(id) {
		return RechargeDecision{}, errRechargeMissing
	}
	notes = strings.TrimSpace(notes)
	if err := programme.CheckRecharge(1, "", notes); err != nil {
		return RechargeDecision{}, err
	}
	now := s.d.Clock.Now()
	var out RechargeDecision
	err := s.d.Tx.WithinTx(ctx, func(ctx context.Context) error {
		out = RechargeDecision{}
		r, err := s.d.Recharges.DecideRechargeRequest(ctx, id, func(r *programme.RechargeRequest) error {
			if r.Status != programme.RechargePending {
				return fault.New(fault.Conflict, CodeRechargeDecided, "This recharge request is already "+r.Status)
			}
			r.Status, r.DecidedBy, r.DecisionNotes, r.DecidedAt = status, a.UserID, notes, &now
			return nil
		})
		if err != nil {
			return err
		}
		out.Request = r
		details := map[string]any{"amount_fcfa": r.AmountFCFA, "programme_id": r.ProgrammeID}
		if status == programme.RechargeValidated {
			eid, err := s.uuid()
			if err != nil {
				return err
			}
			e, err := s.d.Ledger.ApplyBalanceChange(ctx, ports.BalanceChange{Entry: programme.LedgerEntry{
				ID: eid, ProgrammeID: r.ProgrammeID, Type: programme.TxTopup, AmountFCFA: r.AmountFCFA,
				Description: fmt.Sprintf("Recharge validated (%s)", r.PaymentMethod), Reference: "RCH:" + r.ID, CreatedAt: now}})
			if err != nil {
				return err
			}
			out.Entry = &e
			details["balance_after_fcfa"] = e.BalanceAfterFCFA
		}
		return s.d.Audit.Record(ctx, s.event(a, "admin.recharge_"+status, "recharge_request", r.ID, details))
	})
	if fault.Is(err, fault.NotFound) {
		return RechargeDecision{}, errRechargeMissing
	}
	if err != nil {
		return RechargeDecision{}, fmt.Errorf("decide recharge request: %w", err)
	}
	return out, nil
}
