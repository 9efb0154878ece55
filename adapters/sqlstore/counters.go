package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/kente-gov/kente/ports"
)

var _ ports.Counters = (*Counters)(nil)

// Counters keeps fixed-window counters in the auth_counters table, shared by
// every server instance on the database. It implements ports.Counters.
type Counters struct {
	db *DB
}

// NewCounters returns Counters on db, which must be migrated.
func NewCounters(db *DB) *Counters { return &Counters{db: db} }

// IncrCounter adds one to key's count in window with one atomic upsert and
// returns the new count. When a key starts a new window, expired entries are
// purged.
func (c *Counters) IncrCounter(ctx context.Context, key string, window, expires time.Time) (int64, error) {
	if err := checkText(key); err != nil {
		return 0, err
	}
	window, expires = dbTime(window), dbTime(expires)
	idb := c.db.idb(ctx)
	var n int64
	switch c.db.Dialect {
	case MySQL:
		// LAST_INSERT_ID(expr) hands the updated count back through the
		// statement's result; an insert affects one row, an update two.
		res, err := idb.ExecContext(ctx, `INSERT INTO auth_counters (counter_key, window_start, count, expires_at)
			VALUES (?, ?, 1, ?) ON DUPLICATE KEY UPDATE count = LAST_INSERT_ID(count + 1)`, key, window, expires)
		if err != nil {
			return 0, c.db.wrapErr(err, "increment counter")
		}
		affected, err := res.RowsAffected()
		if err != nil {
			return 0, c.db.wrapErr(err, "increment counter")
		}
		n = 1
		if affected == 2 {
			if n, err = res.LastInsertId(); err != nil {
				return 0, c.db.wrapErr(err, "increment counter")
			}
		}
	default: // SQLite and PostgreSQL: UPSERT … RETURNING
		err := idb.QueryRowContext(ctx, `INSERT INTO auth_counters (counter_key, window_start, count, expires_at)
			VALUES (?, ?, 1, ?) ON CONFLICT (counter_key, window_start) DO UPDATE SET count = auth_counters.count + 1
			RETURNING count`, key, window, expires).Scan(&n)
		if err != nil {
			return 0, c.db.wrapErr(err, "increment counter")
		}
	}
	if n == 1 {
		if _, err := idb.ExecContext(ctx, `DELETE FROM auth_counters WHERE expires_at < ?`, window); err != nil {
			return 0, c.db.wrapErr(err, "purge counters")
		}
	}
	return n, nil
}

// Counter returns key's count in window, 0 when there is none.
func (c *Counters) Counter(ctx context.Context, key string, window time.Time) (int64, error) {
	if err := checkText(key); err != nil {
		return 0, err
	}
	var n int64
	err := c.db.idb(ctx).QueryRowContext(ctx, `SELECT count FROM auth_counters WHERE counter_key = ? AND window_start = ?`,
		key, dbTime(window)).Scan(&n)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	if err != nil {
		return 0, c.db.wrapErr(err, "read counter")
	}
	return n, nil
}
