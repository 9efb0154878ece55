package programmesvc

import (
	"context"
	"fmt"
	"time"

	"github.com/kente-gov/kente/core/audit"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/core/programme"
)

// Me returns the caller's programme as the caller sees it.
func (s *Service) Me(ctx context.Context, p Principal) (Account, error) {
	u, err := s.d.Users.ProgrammeUserByID(ctx, p.UserID)
	if err != nil {
		return Account{}, fmt.Errorf("me: %w", err)
	}
	return s.account(ctx, u)
}

// ProfileChange holds the fields PATCH /auth/me may change; nil leaves a
// field alone.
type ProfileChange struct {
	Name    *string
	Country *string
	Phone   *string
}

// UpdateMe changes the caller's programme name, country (and currency) or
// phone. A programme_user may not (fault.Forbidden).
func (s *Service) UpdateMe(ctx context.Context, p Principal, ch ProfileChange, meta ClientMeta) (Account, error) {
	if !p.Role.CanConfigure() {
		return Account{}, errForbidden
	}
	apply, changed, err := profileApply(ch)
	if err != nil {
		return Account{}, err
	}
	if err := s.d.Tx.WithinTx(ctx, func(ctx context.Context) error {
		if _, err := s.d.Programmes.UpdateProgramme(ctx, p.ProgrammeID, apply(s.d.Clock)); err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, s.event(meta, p.UserID, "programme.profile_update", "programme", p.ProgrammeID, audit.Success,
			map[string]any{"fields": changed}))
	}); err != nil {
		return Account{}, fmt.Errorf("update profile: %w", err)
	}
	return s.Me(ctx, p)
}

func profileApply(ch ProfileChange) (func(c interface{ Now() time.Time }) func(*programme.Programme) error, []string, error) {
	var changed []string
	var name, country, currency, phone string
	var err error
	if ch.Name != nil {
		if name, err = programme.NormaliseName("name", *ch.Name); err != nil {
			return nil, nil, err
		}
		changed = append(changed, "name")
	}
	if ch.Country != nil {
		if country, currency, err = programme.NormaliseCountry("country", *ch.Country); err != nil {
			return nil, nil, err
		}
		changed = append(changed, "country")
	}
	if ch.Phone != nil {
		if phone, err = programme.NormalisePhone("phone", *ch.Phone); err != nil {
			return nil, nil, err
		}
		changed = append(changed, "phone")
	}
	return func(c interface{ Now() time.Time }) func(*programme.Programme) error {
		return func(pr *programme.Programme) error {
			if ch.Name != nil {
				pr.Name = name
			}
			if ch.Country != nil {
				pr.Country, pr.Currency = country, currency
			}
			if ch.Phone != nil {
				pr.Phone = phone
			}
			pr.UpdatedAt = c.Now()
			return nil
		}
	}, changed, nil
}

// ChangePassword checks the current password, sets the new one, bumps the
// token version and revokes every session (§2). A wrong current password
// or a new one equal to it is fault.Invalid.
func (s *Service) ChangePassword(ctx context.Context, p Principal, current, next string, meta ClientMeta) error {
	if current == "" {
		return fault.Field("current_password", "programme.password_required", "current_password is required")
	}
	if next == "" {
		return fault.Field("new_password", "programme.password_required", "new_password is required")
	}
	u, err := s.d.Users.ProgrammeUserByID(ctx, p.UserID)
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	now := s.d.Clock.Now()
	if err := s.checkLock(u, now); err != nil {
		return err
	}
	if len(current) > programme.MaxPasswordLen || !identity.VerifySecret(u.PasswordHash, current) {
		s.accountFailure(ctx, u, meta, "programme.change_password_failed", "wrong_current_password")
		return fault.Field("current_password", "programme.wrong_password", "current_password is incorrect")
	}
	if next == current {
		return fault.Field("new_password", "programme.password_unchanged", "new_password must differ from the current one")
	}
	if err := programme.CheckPassword("new_password", next, u.Email); err != nil {
		return err
	}
	hash, err := identity.HashSecret(s.d.Rand, s.opts.Hash, next)
	if err != nil {
		return err
	}
	return s.revokeAll(ctx, u.ID, meta, "programme.change_password", func(u *programme.User) error {
		u.PasswordHash = hash
		return nil
	})
}

// TOTPSetup is a fresh authenticator seed; nothing is stored until
// VerifyTOTPSetup (§2).
type TOTPSetup struct {
	Secret string
	URI    string
}

var errTOTPOn = fault.New(fault.Conflict, "programme.totp_enabled", "Two-factor authentication is already enabled")

// SetupTOTP draws a seed and its otpauth URI under the "OOMUS DPI" issuer.
func (s *Service) SetupTOTP(ctx context.Context, p Principal) (TOTPSetup, error) {
	u, err := s.d.Users.ProgrammeUserByID(ctx, p.UserID)
	if err != nil {
		return TOTPSetup{}, fmt.Errorf("2fa setup: %w", err)
	}
	if u.TOTPEnabled {
		return TOTPSetup{}, errTOTPOn
	}
	seed, err := identity.NewTOTPSecret(s.d.Rand)
	if err != nil {
		return TOTPSetup{}, err
	}
	return TOTPSetup{Secret: seed, URI: programme.ProvisioningURI(s.opts.Issuer, u.Email, seed)}, nil
}

// VerifyTOTPSetup checks code against secret (from SetupTOTP), then seals
// and stores the seed and turns 2FA on. A bad secret or code is
// fault.Invalid.
func (s *Service) VerifyTOTPSetup(ctx context.Context, p Principal, secret, code string, meta ClientMeta) (Account, error) {
	raw, err := identity.DecodeTOTPSecret(secret)
	if secret == "" || err != nil || len(raw) < 16 {
		return Account{}, fault.Field("secret", "programme.totp_secret_invalid", "secret must be the base32 secret from /auth/2fa/setup")
	}
	now := s.d.Clock.Now()
	step, ok := identity.VerifyTOTP(raw, code, now, 0)
	if !ok {
		return Account{}, fault.Field("code", "programme.totp_invalid", "code is not a valid current TOTP code")
	}
	sealed, err := s.box.Seal(s.d.Rand, secret)
	if err != nil {
		return Account{}, err
	}
	err = s.d.Tx.WithinTx(ctx, func(ctx context.Context) error {
		if _, err := s.d.Users.UpdateProgrammeUser(ctx, p.UserID, func(u *programme.User) error {
			if u.TOTPEnabled {
				return errTOTPOn
			}
			u.TOTPSecret, u.TOTPEnabled, u.TOTPLastStep, u.UpdatedAt = sealed, true, int64(step), now
			return nil
		}); err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, s.event(meta, p.UserID, "programme.2fa_enabled", "programme_user", p.UserID, audit.Success, nil))
	})
	if err != nil {
		return Account{}, err
	}
	return s.Me(ctx, p)
}

// DisableTOTP turns 2FA off after checking the current password, erasing
// the seed. A wrong password is fault.Invalid (and counts as a failure).
func (s *Service) DisableTOTP(ctx context.Context, p Principal, currentPassword string, meta ClientMeta) (Account, error) {
	if currentPassword == "" {
		return Account{}, fault.Field("current_password", "programme.password_required", "current_password is required")
	}
	u, err := s.d.Users.ProgrammeUserByID(ctx, p.UserID)
	if err != nil {
		return Account{}, fmt.Errorf("2fa disable: %w", err)
	}
	if err := s.checkLock(u, s.d.Clock.Now()); err != nil {
		return Account{}, err
	}
	if len(currentPassword) > programme.MaxPasswordLen || !identity.VerifySecret(u.PasswordHash, currentPassword) {
		s.accountFailure(ctx, u, meta, "programme.2fa_disable_failed", "wrong_password")
		return Account{}, fault.Field("current_password", "programme.wrong_password", "current_password is incorrect")
	}
	err = s.d.Tx.WithinTx(ctx, func(ctx context.Context) error {
		if _, err := s.d.Users.UpdateProgrammeUser(ctx, p.UserID, func(u *programme.User) error {
			u.TOTPSecret, u.TOTPEnabled, u.UpdatedAt = "", false, s.d.Clock.Now()
			return nil
		}); err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, s.event(meta, p.UserID, "programme.2fa_disabled", "programme_user", p.UserID, audit.Success, nil))
	})
	if err != nil {
		return Account{}, err
	}
	return s.Me(ctx, p)
}

// UploadLogo stores an image as the programme's logo (a data URI). The
// type is checked by magic bytes: unknown fault.Invalid, over 512 KB
// fault.TooLarge. A programme_user may not (fault.Forbidden).
func (s *Service) UploadLogo(ctx context.Context, p Principal, data []byte, meta ClientMeta) (Account, error) {
	if !p.Role.CanConfigure() {
		return Account{}, errForbidden
	}
	uri, err := programme.LogoDataURI(data)
	if err != nil {
		return Account{}, err
	}
	err = s.d.Tx.WithinTx(ctx, func(ctx context.Context) error {
		if _, err := s.d.Programmes.UpdateProgramme(ctx, p.ProgrammeID, func(pr *programme.Programme) error {
			pr.LogoURL, pr.UpdatedAt = uri, s.d.Clock.Now()
			return nil
		}); err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, s.event(meta, p.UserID, "programme.logo_upload", "programme", p.ProgrammeID, audit.Success,
			map[string]any{"bytes": len(data), "type": programme.SniffImage(data)}))
	})
	if err != nil {
		return Account{}, fmt.Errorf("upload logo: %w", err)
	}
	return s.Me(ctx, p)
}
