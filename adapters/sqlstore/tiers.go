package sqlstore

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/kente-gov/kente/core/tier"
	"github.com/kente-gov/kente/ports"
)

var (
	_ ports.SubscriptionStore = (*SubscriptionStore)(nil)
	_ ports.UsageStore        = (*UsageStore)(nil)
)

// SubscriptionStore keeps each user's plan, expiry and trial in the
// subscriptions table. It implements ports.SubscriptionStore.
type SubscriptionStore struct {
	db *DB
}

// NewSubscriptionStore returns a SubscriptionStore on db, which must be
// migrated.
func NewSubscriptionStore(db *DB) *SubscriptionStore { return &SubscriptionStore{db: db} }

type subscriptionRow struct {
	bun.BaseModel `bun:"table:subscriptions"`

	UserID         string     `bun:"user_id,pk"`
	Tier           string     `bun:"tier"`
	Cycle          string     `bun:"cycle"`
	ExpiresAt      *time.Time `bun:"expires_at"`
	TrialTier      string     `bun:"trial_tier"`
	TrialStartedAt *time.Time `bun:"trial_started_at"`
	TrialEndsAt    *time.Time `bun:"trial_ends_at"`
	UpdatedAt      *time.Time `bun:"updated_at"`
}

func (r *subscriptionRow) subscription() tier.Subscription {
	s := tier.Subscription{
		UserID: r.UserID, Tier: r.Tier, Cycle: tier.Cycle(r.Cycle), ExpiresAt: utcPtr(r.ExpiresAt),
		TrialTier: r.TrialTier, TrialStartedAt: utcPtr(r.TrialStartedAt), TrialEndsAt: utcPtr(r.TrialEndsAt),
	}
	if r.UpdatedAt != nil {
		s.UpdatedAt = r.UpdatedAt.UTC()
	}
	return s
}

func newSubscriptionRow(s tier.Subscription) (subscriptionRow, error) {
	if err := checkText(s.UserID, s.Tier, string(s.Cycle), s.TrialTier); err != nil {
		return subscriptionRow{}, err
	}
	r := subscriptionRow{
		UserID: s.UserID, Tier: s.Tier, Cycle: string(s.Cycle), ExpiresAt: dbTimePtr(s.ExpiresAt),
		TrialTier: s.TrialTier, TrialStartedAt: dbTimePtr(s.TrialStartedAt), TrialEndsAt: dbTimePtr(s.TrialEndsAt),
	}
	if !s.UpdatedAt.IsZero() {
		r.UpdatedAt = dbTimePtr(&s.UpdatedAt)
	}
	return r, nil
}

// Subscription implements ports.SubscriptionStore.
func (s *SubscriptionStore) Subscription(ctx context.Context, userID string) (tier.Subscription, error) {
	if err := checkText(userID); err != nil {
		return tier.Subscription{}, err
	}
	var row subscriptionRow
	err := s.db.idb(ctx).NewSelect().Model(&row).Where("user_id = ?", userID).Limit(1).Scan(ctx)
	if isNoRows(err) {
		return tier.Subscription{UserID: userID}, nil
	}
	if err != nil {
		return tier.Subscription{}, s.db.wrapErr(err, "load subscription")
	}
	return row.subscription(), nil
}

// UpdateSubscription implements ports.SubscriptionStore. It first inserts
// an empty row if there is none (so concurrent first updates do not race to
// insert), then locks it (FOR UPDATE on PostgreSQL and MySQL; SQLite's
// immediate transaction holds the write lock), all in one transaction.
func (s *SubscriptionStore) UpdateSubscription(ctx context.Context, userID string, fn func(*tier.Subscription) error) (tier.Subscription, error) {
	if err := checkText(userID); err != nil {
		return tier.Subscription{}, err
	}
	var out tier.Subscription
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		idb := s.db.idb(ctx)
		ins := `INSERT INTO subscriptions (user_id) VALUES (?) ON CONFLICT (user_id) DO NOTHING`
		if s.db.Dialect == MySQL {
			ins = `INSERT INTO subscriptions (user_id) VALUES (?) ON DUPLICATE KEY UPDATE user_id = user_id`
		}
		if _, err := idb.ExecContext(ctx, ins, userID); err != nil {
			return s.db.wrapErr(err, "create subscription")
		}
		var row subscriptionRow
		q := idb.NewSelect().Model(&row).Where("user_id = ?", userID)
		if s.db.Dialect != SQLite {
			q = q.For("UPDATE")
		}
		if err := q.Scan(ctx); err != nil {
			return s.db.wrapErr(err, "load subscription for update")
		}
		sub := row.subscription()
		if err := fn(&sub); err != nil {
			return err
		}
		sub.UserID = userID
		next, err := newSubscriptionRow(sub)
		if err != nil {
			return err
		}
		if _, err := idb.NewUpdate().Model(&next).WherePK().Exec(ctx); err != nil {
			return s.db.wrapErr(err, "update subscription")
		}
		out = next.subscription()
		return nil
	})
	return out, err
}

// UsageStore counts messages per user per UTC day in the usage_daily
// table, with atomic conditional increments. It implements
// ports.UsageStore.
type UsageStore struct {
	db *DB
}

// NewUsageStore returns a UsageStore on db, which must be migrated.
func NewUsageStore(db *DB) *UsageStore { return &UsageStore{db: db} }

func dayKey(day time.Time) string { return tier.Day(day).Format(time.DateOnly) }

// TakeMessage implements ports.UsageStore: it makes sure the day's row
// exists, then increments it with one conditional UPDATE (messages <
// limit), which the database serialises on the row.
func (s *UsageStore) TakeMessage(ctx context.Context, userID string, day time.Time, limit int) (int, bool, error) {
	if err := checkText(userID); err != nil {
		return 0, false, err
	}
	idb, key := s.db.idb(ctx), dayKey(day)
	ins := `INSERT INTO usage_daily (user_id, day, messages) VALUES (?, ?, 0) ON CONFLICT (user_id, day) DO NOTHING`
	if s.db.Dialect == MySQL {
		ins = `INSERT INTO usage_daily (user_id, day, messages) VALUES (?, ?, 0) ON DUPLICATE KEY UPDATE messages = messages`
	}
	if _, err := idb.ExecContext(ctx, ins, userID, key); err != nil {
		return 0, false, s.db.wrapErr(err, "create usage row")
	}
	cond, args := "", []any{userID, key}
	if limit != tier.Unlimited {
		cond, args = " AND messages < ?", append(args, limit)
	}
	var used int64
	switch s.db.Dialect {
	case MySQL:
		// LAST_INSERT_ID(expr) hands the new count back in the result.
		res, err := idb.ExecContext(ctx, `UPDATE usage_daily SET messages = LAST_INSERT_ID(messages + 1)
			WHERE user_id = ? AND day = ?`+cond, args...)
		if err != nil {
			return 0, false, s.db.wrapErr(err, "count message")
		}
		if n, err := res.RowsAffected(); err != nil {
			return 0, false, s.db.wrapErr(err, "count message")
		} else if n == 1 {
			if used, err = res.LastInsertId(); err != nil {
				return 0, false, s.db.wrapErr(err, "count message")
			}
			return int(used), true, nil
		}
	default:
		err := idb.QueryRowContext(ctx, `UPDATE usage_daily SET messages = messages + 1
			WHERE user_id = ? AND day = ?`+cond+` RETURNING messages`, args...).Scan(&used)
		if err == nil {
			return int(used), true, nil
		}
		if !isNoRows(err) {
			return 0, false, s.db.wrapErr(err, "count message")
		}
	}
	n, err := s.MessagesUsed(ctx, userID, day)
	return n, false, err
}

// ReturnMessage implements ports.UsageStore.
func (s *UsageStore) ReturnMessage(ctx context.Context, userID string, day time.Time) error {
	if err := checkText(userID); err != nil {
		return err
	}
	_, err := s.db.idb(ctx).ExecContext(ctx, `UPDATE usage_daily SET messages = messages - 1
		WHERE user_id = ? AND day = ? AND messages > 0`, userID, dayKey(day))
	return s.db.wrapErr(err, "return message")
}

// MessagesUsed implements ports.UsageStore.
func (s *UsageStore) MessagesUsed(ctx context.Context, userID string, day time.Time) (int, error) {
	if err := checkText(userID); err != nil {
		return 0, err
	}
	var n int
	err := s.db.idb(ctx).QueryRowContext(ctx, `SELECT messages FROM usage_daily WHERE user_id = ? AND day = ?`,
		userID, dayKey(day)).Scan(&n)
	if isNoRows(err) {
		return 0, nil
	}
	if err != nil {
		return 0, s.db.wrapErr(err, "read usage")
	}
	return n, nil
}
