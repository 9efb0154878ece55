package programmesvc

import (
	"context"
	"fmt"

	"github.com/kente-gov/kente/core/audit"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/programme"
)

// Page is one page of programmes with each one's first user (whose email,
// role and 2FA state ProgrammeOut shows) and the total.
type Page struct {
	Items []Account
	Total int
}

// owner returns a programme's first user.
func (s *Service) owner(ctx context.Context, p programme.Programme) (Account, error) {
	users, err := s.d.Users.ProgrammeUsers(ctx, p.ID)
	if err != nil {
		return Account{}, err
	}
	a := Account{Programme: p}
	if len(users) > 0 {
		a.User = users[0]
	}
	return a, nil
}

// AdminList lists programmes newest first (§6.4); limit 1–500 (50 when 0).
func (s *Service) AdminList(ctx context.Context, admin Principal, limit, offset int) (Page, error) {
	if err := RequireAdmin(admin); err != nil {
		return Page{}, err
	}
	if limit == 0 {
		limit = 50
	}
	if limit < 1 || limit > 500 {
		return Page{}, fault.Field("limit", "request.invalid_limit", "limit must be between 1 and 500")
	}
	if offset < 0 {
		return Page{}, fault.Field("offset", "request.invalid_offset", "offset must not be negative")
	}
	list, total, err := s.d.Programmes.ListProgrammes(ctx, limit, offset)
	if err != nil {
		return Page{}, fmt.Errorf("list programmes: %w", err)
	}
	out := Page{Items: make([]Account, len(list)), Total: total}
	for i, p := range list {
		if out.Items[i], err = s.owner(ctx, p); err != nil {
			return Page{}, fmt.Errorf("list programmes: %w", err)
		}
	}
	return out, nil
}

// AdminCreate creates a programme for someone else (§6.4 POST); it is never
// a platform administrator (grant that with AdminUpdate).
func (s *Service) AdminCreate(ctx context.Context, admin Principal, in Registration, meta ClientMeta) (Account, error) {
	if err := RequireAdmin(admin); err != nil {
		return Account{}, err
	}
	return s.create(ctx, NewProgramme{Registration: in}, admin.UserID, meta)
}

// AdminChange holds the fields PATCH /admin/programmes/{id} may change;
// nil leaves a field alone.
type AdminChange struct {
	ProfileChange
	Plan    *string
	Status  *string
	IsAdmin *bool
	Email   *string
}

// AdminUpdate changes a programme (§6.4 PATCH, §3.2 rules): an admin cannot
// revoke their own flag or suspend their own programme; only an admin can
// grant the flag. Changing the email changes the first user's login email
// too. Unknown programme fault.NotFound.
func (s *Service) AdminUpdate(ctx context.Context, admin Principal, id string, ch AdminChange, meta ClientMeta) (Account, error) {
	if err := RequireAdmin(admin); err != nil {
		return Account{}, err
	}
	if !programme.ValidUUID(id) {
		return Account{}, errNotFound
	}
	apply, changed, err := profileApply(ch.ProfileChange)
	if err != nil {
		return Account{}, err
	}
	var plan, email string
	var status programme.Status
	if ch.Plan != nil {
		var ok bool
		if plan, ok = programme.NormalisePlan(*ch.Plan); !ok {
			return Account{}, fault.Field("plan", "programme.plan_unknown", "plan must be starter, regional_ops, national_campaign or sovereign_enterprise")
		}
		changed = append(changed, "plan")
	}
	if ch.Status != nil {
		if status = programme.Status(*ch.Status); !status.Valid() {
			return Account{}, fault.Field("status", "programme.status_invalid", "status must be active, suspended or pending")
		}
		changed = append(changed, "status")
	}
	if ch.Email != nil {
		if email, err = programme.NormaliseEmail("email", *ch.Email); err != nil {
			return Account{}, err
		}
		changed = append(changed, "email")
	}
	if ch.IsAdmin != nil {
		changed = append(changed, "is_admin")
	}
	self := id == admin.ProgrammeID
	if self && ch.IsAdmin != nil && !*ch.IsAdmin {
		return Account{}, fault.New(fault.Forbidden, "programme.cannot_revoke_own_admin", "An administrator cannot revoke their own is_admin flag").WithField("is_admin")
	}
	if self && ch.Status != nil && status != programme.StatusActive {
		return Account{}, fault.New(fault.Forbidden, "programme.cannot_suspend_self", "An administrator cannot suspend their own programme").WithField("status")
	}
	var out programme.Programme
	err = s.d.Tx.WithinTx(ctx, func(ctx context.Context) error {
		var err error
		out, err = s.d.Programmes.UpdateProgramme(ctx, id, func(p *programme.Programme) error {
			if err := apply(s.d.Clock)(p); err != nil {
				return err
			}
			if ch.Plan != nil {
				p.Plan = plan
			}
			if ch.Status != nil {
				p.Status = status
			}
			if ch.IsAdmin != nil {
				p.IsAdmin = *ch.IsAdmin
			}
			if ch.Email != nil {
				p.Email = email
			}
			return nil
		})
		if fault.Is(err, fault.NotFound) {
			return errNotFound
		}
		if err != nil {
			return err
		}
		if ch.Email != nil {
			users, err := s.d.Users.ProgrammeUsers(ctx, id)
			if err != nil {
				return err
			}
			if len(users) > 0 && users[0].Email != email {
				if _, err := s.d.Users.UpdateProgrammeUser(ctx, users[0].ID, func(u *programme.User) error {
					u.Email, u.UpdatedAt = email, s.d.Clock.Now()
					return nil
				}); err != nil {
					return err
				}
			}
		}
		return s.d.Audit.Record(ctx, s.event(meta, admin.UserID, "admin.programme_update", "programme", id, audit.Success,
			map[string]any{"fields": changed}))
	})
	if fe, ok := fault.As(err); ok && fe.Code == CodeEmailTaken {
		return Account{}, errEmailTaken
	}
	if err != nil {
		return Account{}, err
	}
	return s.owner(ctx, out)
}

// AdminDelete deletes a programme with its users and sessions. It is
// forbidden on the admin's own programme and on other admins (§3.2), and
// refused with fault.Conflict while the programme holds a balance.
func (s *Service) AdminDelete(ctx context.Context, admin Principal, id string, meta ClientMeta) error {
	if err := RequireAdmin(admin); err != nil {
		return err
	}
	if !programme.ValidUUID(id) {
		return errNotFound
	}
	if id == admin.ProgrammeID {
		return fault.New(fault.Forbidden, "programme.cannot_delete_self", "An administrator cannot delete their own programme")
	}
	return s.d.Tx.WithinTx(ctx, func(ctx context.Context) error {
		// UpdateProgramme with a checking, non-changing fn locks the row, so
		// a credit or an is_admin grant landing meanwhile cannot slip
		// between the checks and the delete.
		p, err := s.d.Programmes.UpdateProgramme(ctx, id, func(p *programme.Programme) error {
			if p.IsAdmin {
				return fault.New(fault.Forbidden, "programme.cannot_delete_admin", "A platform administrator's programme cannot be deleted")
			}
			if p.BalanceFCFA != 0 {
				return fault.New(fault.Conflict, "programme.balance_not_zero", "A programme holding a balance cannot be deleted")
			}
			return nil
		})
		if fault.Is(err, fault.NotFound) {
			return errNotFound
		}
		if err != nil {
			return err
		}
		if err := s.d.Programmes.DeleteProgramme(ctx, id); err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, s.event(meta, admin.UserID, "admin.programme_delete", "programme", id, audit.Success,
			map[string]any{"email": p.Email, "name": p.Name}))
	})
}
