// Package sqlstore implements Kente's persistence ports on SQL databases
// through bun: SQLite (pure Go, the zero-set-up default), PostgreSQL and
// MariaDB/MySQL. It is the only package that knows bun. Rows are unexported
// structs converted to core types here, driver errors are translated to
// core/fault kinds by error code, and each dialect has its own embedded
// migrations.
//
// The stores work without fx: Open a DB, Migrate it, and pass it to
// NewUserStore and NewSessionStore. module.go wires the same for fx.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/mysqldialect"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/ports"
)

var (
	_ ports.Tx     = (*DB)(nil)
	_ ports.Pinger = (*DB)(nil)
)

// DB is an open database of one dialect. It runs transactions (ports.Tx),
// answers health checks (ports.Pinger) and applies migrations. It is safe
// for concurrent use.
type DB struct {
	// Bun is the underlying bun handle, for adapters in this module that
	// add stores. Prefer the stores and WithinTx.
	Bun *bun.DB
	// Dialect is the database family.
	Dialect Dialect

	pool *pgxpool.Pool // set for Postgres; closed after Bun

	// writeGate admits one SQLite write transaction of this process at a
	// time. SQLite allows one writer anyway (transactions begin IMMEDIATE);
	// queueing here instead of in SQLite's busy handler keeps hundreds of
	// concurrent writers from timing out. nil for the server databases.
	writeGate chan struct{}
}

// writeGateWait bounds how long a transaction queues for the SQLite writer
// slot before it gives up with fault.Unavailable.
const writeGateWait = 30 * time.Second

var errWriterBusy = fault.New(fault.Unavailable, "store.busy", "The database is busy; try again")

// Open connects to databaseURL (see ParseURL) and pings it. For SQLite it
// creates the file's directory if needed. Bad URLs are reported with a clear
// message; an unreachable server is fault.Unavailable.
func Open(ctx context.Context, databaseURL string) (*DB, error) {
	d, dsn, err := ParseURL(databaseURL)
	if err != nil {
		return nil, err
	}
	db := &DB{Dialect: d}
	if d == SQLite {
		db.writeGate = make(chan struct{}, 1)
	}
	switch d {
	case SQLite:
		path, _, _ := strings.Cut(dsn, "?")
		if dir := filepath.Dir(path); dir != "." {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("create sqlite directory: %w", err)
			}
		}
		sqldb, err := sql.Open("sqlite", dsn)
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		db.Bun = bun.NewDB(sqldb, sqlitedialect.New())
	case Postgres:
		cfg, err := pgxpool.ParseConfig(dsn)
		if err != nil {
			return nil, fmt.Errorf("postgres URL: %w", err) // pgconn redacts the password
		}
		pool, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		db.pool = pool
		db.Bun = bun.NewDB(stdlib.OpenDBFromPool(pool), pgdialect.New())
	case MySQL:
		sqldb, err := sql.Open("mysql", dsn)
		if err != nil {
			return nil, fmt.Errorf("open mysql: %w", err)
		}
		sqldb.SetConnMaxLifetime(5 * time.Minute) // below MariaDB's wait_timeout
		db.Bun = bun.NewDB(sqldb, mysqldialect.New(mysqldialect.WithTimeLocation("UTC")))
	}
	if err := db.Ping(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open %s database: %w", d, err)
	}
	return db, nil
}

// Close closes every connection. Call it once, after the last use.
func (db *DB) Close() error {
	err := db.Bun.Close()
	if db.pool != nil {
		db.pool.Close()
	}
	return err
}

// Ping checks that the database answers; failure is fault.Unavailable.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.Bun.PingContext(ctx); err != nil {
		return fault.Wrap(err, fault.Unavailable, "store.unavailable", "The database is not available")
	}
	return nil
}

// txKey carries the transaction of a WithinTx call in a context.
type txKey struct{}

type txState struct {
	db *DB
	tx bun.Tx
}

// idb returns the transaction ctx carries for this DB, or the DB itself.
func (db *DB) idb(ctx context.Context) bun.IDB {
	if st, ok := ctx.Value(txKey{}).(*txState); ok && st.db == db {
		return st.tx
	}
	return db.Bun
}

func (db *DB) inTx(ctx context.Context) bool {
	st, ok := ctx.Value(txKey{}).(*txState)
	return ok && st.db == db
}

// maxTxAttempts bounds how often WithinTx runs fn when the database asks for
// a retry (SQLite busy, PostgreSQL serialization failure or deadlock).
const maxTxAttempts = 5

// WithinTx runs fn in one transaction whose handle travels in the ctx passed
// to fn: the stores of this package called with that ctx take part in it.
// A nested call joins the outer transaction. An error from fn, or a panic,
// rolls the transaction back; the panic is then re-raised. When the database
// reports a transient conflict (SQLite busy, PostgreSQL 40001/40P01, MySQL
// deadlock) the whole transaction is retried a few times with a small
// backoff, so fn may run more than once and must not have effects outside
// the transaction.
func (db *DB) WithinTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if db.inTx(ctx) {
		return fn(ctx)
	}
	if db.writeGate != nil {
		t := time.NewTimer(writeGateWait)
		select {
		case db.writeGate <- struct{}{}:
			t.Stop()
		case <-ctx.Done():
			t.Stop()
			return fault.Wrap(ctx.Err(), fault.Unavailable, "store.busy", "The database is busy; try again")
		case <-t.C:
			return errWriterBusy
		}
		defer func() { <-db.writeGate }()
	}
	for attempt := 1; ; attempt++ {
		err := db.runTx(ctx, fn)
		if err == nil || attempt == maxTxAttempts || !db.retryable(err) {
			return err
		}
		wait := time.Duration(attempt*attempt)*10*time.Millisecond + time.Duration(rand.Int64N(int64(10*time.Millisecond)))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}

func (db *DB) runTx(ctx context.Context, fn func(ctx context.Context) error) error {
	tx, err := db.Bun.BeginTx(ctx, nil)
	if err != nil {
		return db.wrapErr(err, "begin transaction")
	}
	done := false
	defer func() {
		if !done { // fn failed or panicked: the panic continues after this
			_ = tx.Rollback()
		}
	}()
	if err := fn(context.WithValue(ctx, txKey{}, &txState{db: db, tx: tx})); err != nil {
		return err
	}
	done = true
	if err := tx.Commit(); err != nil {
		return db.wrapErr(err, "commit")
	}
	return nil
}

// errInvalidText is returned when a string cannot be stored as SQL text.
var errInvalidText = fault.New(fault.Invalid, "store.invalid_text", "Text must be valid UTF-8 without NUL characters")

// checkText refuses strings that bun or the database would reject (bun v1.3
// turns a NUL into a broken query; PostgreSQL and MySQL reject bad UTF-8).
func checkText(vals ...string) error {
	for _, v := range vals {
		if strings.IndexByte(v, 0) >= 0 || !utf8.ValidString(v) {
			return errInvalidText
		}
	}
	return nil
}

// isNoRows reports whether err says a query matched no row.
func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
