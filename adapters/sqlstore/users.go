package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/ports"
)

var _ ports.UserStore = (*UserStore)(nil)

// UserStore keeps AskOzzy accounts in the users table. It implements
// ports.UserStore and takes part in the transaction of a ctx from
// DB.WithinTx.
type UserStore struct {
	db *DB
}

// NewUserStore returns a UserStore on db, which must be migrated.
func NewUserStore(db *DB) *UserStore { return &UserStore{db: db} }

type userRow struct {
	bun.BaseModel `bun:"table:users"`

	ID                    string     `bun:"id,pk"`
	Email                 string     `bun:"email"`
	FullName              string     `bun:"full_name"`
	Department            string     `bun:"department"`
	Role                  string     `bun:"role"`
	Tier                  string     `bun:"tier"`
	Status                string     `bun:"status"`
	UserType              string     `bun:"user_type"`
	AccessCodeKey         string     `bun:"access_code_key"`
	AccessCodeHash        string     `bun:"access_code_hash"`
	ReferralCode          string     `bun:"referral_code"`
	ReferredBy            string     `bun:"referred_by,nullzero"`
	SubmittedReferralCode string     `bun:"submitted_referral_code"`
	CreatedAt             time.Time  `bun:"created_at"`
	UpdatedAt             time.Time  `bun:"updated_at"`
	LastLogin             *time.Time `bun:"last_login"`
	TOTPSecret            string     `bun:"totp_secret"`
	TOTPPending           string     `bun:"totp_pending"`
	TOTPEnabled           bool       `bun:"totp_enabled"`
	TOTPLastStep          int64      `bun:"totp_last_step"`
	RecoveryCodeHash      string     `bun:"recovery_code_hash"`
	FailedLogins          int        `bun:"failed_logins"`
	LockedUntil           *time.Time `bun:"locked_until"`
}

func newUserRow(u identity.User) (userRow, error) {
	if err := checkText(u.ID, u.Email, u.FullName, u.Department, string(u.Role), u.Tier, string(u.Status),
		string(u.UserType), u.AccessCodeKey, u.AccessCodeHash, u.ReferralCode, u.ReferredBy, u.SubmittedReferralCode,
		u.TOTPSecret, u.TOTPPending, u.RecoveryCodeHash); err != nil {
		return userRow{}, err
	}
	return userRow{
		ID:                    u.ID,
		Email:                 u.Email,
		FullName:              u.FullName,
		Department:            u.Department,
		Role:                  string(u.Role),
		Tier:                  u.Tier,
		Status:                string(u.Status),
		UserType:              string(u.UserType),
		AccessCodeKey:         u.AccessCodeKey,
		AccessCodeHash:        u.AccessCodeHash,
		ReferralCode:          u.ReferralCode,
		ReferredBy:            u.ReferredBy,
		SubmittedReferralCode: u.SubmittedReferralCode,
		CreatedAt:             dbTime(u.CreatedAt),
		UpdatedAt:             dbTime(u.UpdatedAt),
		LastLogin:             dbTimePtr(u.LastLogin),
		TOTPSecret:            u.TOTPSecret,
		TOTPPending:           u.TOTPPending,
		TOTPEnabled:           u.TOTPEnabled,
		TOTPLastStep:          u.TOTPLastStep,
		RecoveryCodeHash:      u.RecoveryCodeHash,
		FailedLogins:          u.FailedLogins,
		LockedUntil:           dbTimePtr(u.LockedUntil),
	}, nil
}

func (r *userRow) user() identity.User {
	return identity.User{
		ID:                    r.ID,
		Email:                 r.Email,
		FullName:              r.FullName,
		Department:            r.Department,
		Role:                  identity.Role(r.Role),
		Tier:                  r.Tier,
		Status:                identity.Status(r.Status),
		UserType:              identity.UserType(r.UserType),
		AccessCodeKey:         r.AccessCodeKey,
		AccessCodeHash:        r.AccessCodeHash,
		ReferralCode:          r.ReferralCode,
		ReferredBy:            r.ReferredBy,
		SubmittedReferralCode: r.SubmittedReferralCode,
		CreatedAt:             r.CreatedAt.UTC(),
		UpdatedAt:             r.UpdatedAt.UTC(),
		LastLogin:             utcPtr(r.LastLogin),
		TOTPSecret:            r.TOTPSecret,
		TOTPPending:           r.TOTPPending,
		TOTPEnabled:           r.TOTPEnabled,
		TOTPLastStep:          r.TOTPLastStep,
		RecoveryCodeHash:      r.RecoveryCodeHash,
		FailedLogins:          r.FailedLogins,
		LockedUntil:           utcPtr(r.LockedUntil),
	}
}

// dbTime is t as every dialect stores it: UTC, microseconds.
func dbTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func dbTimePtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := dbTime(*t)
	return &v
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := t.UTC()
	return &v
}

// Conflict codes of ports.UserStore.
const (
	codeEmailTaken = "identity.email_taken"
	codeCodeTaken  = "identity.code_taken"
)

var errUserNotFound = fault.New(fault.NotFound, "identity.user_not_found", "User not found")

// CreateUser stores a new user. A taken email is fault.Conflict
// "identity.email_taken"; a taken id, access-code key or referral code is
// fault.Conflict "identity.code_taken" (a fresh draw fixes all three).
func (s *UserStore) CreateUser(ctx context.Context, u identity.User) error {
	row, err := newUserRow(u)
	if err != nil {
		return err
	}
	if _, err := s.db.idb(ctx).NewInsert().Model(&row).Exec(ctx); err != nil {
		return s.writeErr(ctx, err, row, "create user")
	}
	return nil
}

// UserByID returns fault.NotFound when there is no such user.
func (s *UserStore) UserByID(ctx context.Context, id string) (identity.User, error) {
	return s.userBy(ctx, "id", id)
}

// UserByEmail looks up a lower-cased email; fault.NotFound when absent.
func (s *UserStore) UserByEmail(ctx context.Context, email string) (identity.User, error) {
	return s.userBy(ctx, "email", email)
}

// UserByAccessKey looks up an access-code lookup key; fault.NotFound when absent.
func (s *UserStore) UserByAccessKey(ctx context.Context, key string) (identity.User, error) {
	return s.userBy(ctx, "access_code_key", key)
}

// UserByReferralCode returns fault.NotFound when no user owns the code.
func (s *UserStore) UserByReferralCode(ctx context.Context, code string) (identity.User, error) {
	return s.userBy(ctx, "referral_code", code)
}

func (s *UserStore) userBy(ctx context.Context, column, value string) (identity.User, error) {
	if err := checkText(value); err != nil {
		return identity.User{}, err
	}
	var row userRow
	err := s.db.idb(ctx).NewSelect().Model(&row).Where("? = ?", bun.Ident(column), value).Limit(1).Scan(ctx)
	if isNoRows(err) {
		return identity.User{}, errUserNotFound
	}
	if err != nil {
		return identity.User{}, s.db.wrapErr(err, "load user by "+column)
	}
	return row.user(), nil
}

// UpdateUser loads the user with its row locked (FOR UPDATE on PostgreSQL
// and MySQL; SQLite's immediate transaction holds the write lock), applies
// fn and writes the result, in the caller's transaction if ctx carries one
// and in a new one otherwise. fn's error is returned unchanged with nothing
// written. fn cannot change the id. When a new transaction is retried
// (see DB.WithinTx) fn runs again on a fresh copy.
func (s *UserStore) UpdateUser(ctx context.Context, id string, fn func(*identity.User) error) (identity.User, error) {
	if err := checkText(id); err != nil {
		return identity.User{}, err
	}
	var out identity.User
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		idb := s.db.idb(ctx)
		var row userRow
		q := idb.NewSelect().Model(&row).Where("id = ?", id)
		if s.db.Dialect != SQLite {
			q = q.For("UPDATE")
		}
		if err := q.Scan(ctx); isNoRows(err) {
			return errUserNotFound
		} else if err != nil {
			return s.db.wrapErr(err, "load user for update")
		}
		u := row.user()
		if err := fn(&u); err != nil {
			return err
		}
		u.ID = id
		next, err := newUserRow(u)
		if err != nil {
			return err
		}
		if _, err := idb.NewUpdate().Model(&next).WherePK().Exec(ctx); err != nil {
			return s.writeErr(ctx, err, next, "update user")
		}
		out = next.user()
		return nil
	})
	return out, err
}

// writeErr translates an insert or update error of row. A unique violation
// is told apart by constraint name on PostgreSQL; SQLite and MySQL name the
// key only in message text, so there the email is checked with a query (the
// transaction, if any, is still usable after a failed statement on both).
func (s *UserStore) writeErr(ctx context.Context, err error, row userRow, op string) error {
	class, constraint := classify(err)
	if class != classUnique {
		return s.db.wrapErr(err, op)
	}
	emailTaken := false
	switch constraint {
	case "users_email_key":
		emailTaken = true
	case "":
		n, qerr := s.db.idb(ctx).NewSelect().Model((*userRow)(nil)).
			Where("email = ?", row.Email).Where("id <> ?", row.ID).Count(ctx)
		emailTaken = qerr == nil && n > 0
	}
	if emailTaken {
		return &fault.Error{Kind: fault.Conflict, Code: codeEmailTaken, Field: "email",
			Msg: "An account with this email already exists", Err: fmt.Errorf("%s: %w", op, err)}
	}
	return &fault.Error{Kind: fault.Conflict, Code: codeCodeTaken,
		Msg: "A generated code is already in use", Err: fmt.Errorf("%s: %w", op, err)}
}

// CountUsersByRole returns how many accounts hold role.
func (s *UserStore) CountUsersByRole(ctx context.Context, role identity.Role) (int, error) {
	if err := checkText(string(role)); err != nil {
		return 0, err
	}
	n, err := s.db.idb(ctx).NewSelect().Model((*userRow)(nil)).Where("role = ?", string(role)).Count(ctx)
	if err != nil {
		return 0, s.db.wrapErr(err, "count users by role")
	}
	return int(n), nil
}
