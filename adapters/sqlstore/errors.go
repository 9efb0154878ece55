package sqlstore

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/kente-gov/kente/core/fault"
)

// errClass is what a driver error means to a store, decided by error code.
type errClass uint8

const (
	classOther errClass = iota
	classUnique
	classForeignKey
	classRetry       // transient: run the transaction again
	classTooLong     // value longer than its column
	classUnavailable // connection lost or server shutting down
)

// classify reads the driver's error code. For unique violations it also
// returns the constraint name when the driver reports one (PostgreSQL only;
// SQLite and MySQL put it in the message text, which is not matched).
func classify(err error) (errClass, string) {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch code := se.Code(); {
		case code == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return classUnique, ""
		case code == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return classForeignKey, ""
		case code&0xff == sqlite3.SQLITE_BUSY || code&0xff == sqlite3.SQLITE_LOCKED:
			return classRetry, ""
		}
		return classOther, ""
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "23505":
			return classUnique, pe.ConstraintName
		case pe.Code == "23503":
			return classForeignKey, pe.ConstraintName
		case pe.Code == "40001" || pe.Code == "40P01":
			return classRetry, ""
		case pe.Code == "22001":
			return classTooLong, ""
		case pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03" || strings.HasPrefix(pe.Code, "08"):
			return classUnavailable, ""
		}
		return classOther, ""
	}
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		switch me.Number {
		case 1062: // ER_DUP_ENTRY
			return classUnique, ""
		case 1452: // ER_NO_REFERENCED_ROW_2
			return classForeignKey, ""
		case 1213: // ER_LOCK_DEADLOCK: the transaction was rolled back
			return classRetry, ""
		case 1406: // ER_DATA_TOO_LONG
			return classTooLong, ""
		}
		return classOther, ""
	}
	var ne net.Error
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, mysql.ErrInvalidConn) || errors.As(err, &ne) {
		return classUnavailable, ""
	}
	return classOther, ""
}

// retryable reports whether WithinTx should run a failed transaction again.
func (db *DB) retryable(err error) bool {
	c, _ := classify(err)
	return c == classRetry
}

var (
	errTooLong = fault.New(fault.Invalid, "store.value_too_long", "A value is longer than the store allows")
)

// wrapErr translates a driver error that no store method claimed: too-long
// values are fault.Invalid, busy databases and lost connections
// fault.Unavailable; the rest keep their cause under a short context.
// Context cancellation is passed through unchanged in the chain.
func (db *DB) wrapErr(err error, op string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w", op, err)
	}
	switch c, _ := classify(err); c {
	case classTooLong:
		return &fault.Error{Kind: fault.Invalid, Code: errTooLong.Code, Msg: errTooLong.Msg, Err: fmt.Errorf("%s: %w", op, err)}
	case classRetry, classUnavailable:
		return fault.Wrap(fmt.Errorf("%s: %w", op, err), fault.Unavailable, "store.unavailable", "The database is busy or not available")
	}
	return fmt.Errorf("%s: %w", op, err)
}
