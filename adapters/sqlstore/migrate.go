package sqlstore

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/uptrace/bun/migrate"
)

// migrationFiles holds one folder of SQL migrations per dialect, named
// <UTC timestamp>_<name>.up.sql / .down.sql, statements split by --bun:split.
//
//go:embed migrations/*/*.sql
var migrationFiles embed.FS

// migrationLockKey names the PostgreSQL advisory lock and the MySQL named
// lock that keep two instances from migrating at once.
const (
	migrationLockKey  = 0x6b656e7465 // "kente"
	migrationLockName = "kente_migrate"
)

func (db *DB) migrator() (*migrate.Migrator, error) {
	sub, err := fs.Sub(migrationFiles, "migrations/"+string(db.Dialect))
	if err != nil {
		return nil, fmt.Errorf("migrations for %s: %w", db.Dialect, err)
	}
	ms := migrate.NewMigrations()
	if err := ms.Discover(sub); err != nil {
		return nil, fmt.Errorf("discover %s migrations: %w", db.Dialect, err)
	}
	return migrate.NewMigrator(db.Bun, ms, migrate.WithMarkAppliedOnSuccess(true)), nil
}

// Migrate applies the embedded migrations of the DB's dialect that are not
// applied yet. It is idempotent, and on PostgreSQL and MySQL concurrent
// callers (several instances starting at once) take turns.
func (db *DB) Migrate(ctx context.Context) (err error) {
	m, err := db.migrator()
	if err != nil {
		return err
	}
	unlock, err := db.lockMigrations(ctx)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, unlock()) }()
	if err := m.Init(ctx); err != nil {
		return fmt.Errorf("create migration tables: %w", err)
	}
	if _, err := m.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate %s database: %w", db.Dialect, err)
	}
	return nil
}

// MigrationState is one embedded migration and whether it is applied.
type MigrationState struct {
	Name      string // e.g. "20261123110000_identity"
	Applied   bool
	AppliedAt time.Time // UTC; zero when not applied
}

// MigrationStatus lists the embedded migrations of the DB's dialect, oldest
// first, with their state. It creates bun's (empty) bookkeeping tables if
// they do not exist yet.
func (db *DB) MigrationStatus(ctx context.Context) ([]MigrationState, error) {
	m, err := db.migrator()
	if err != nil {
		return nil, err
	}
	if err := m.Init(ctx); err != nil {
		return nil, fmt.Errorf("create migration tables: %w", err)
	}
	ms, err := m.MigrationsWithStatus(ctx)
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	out := make([]MigrationState, 0, len(ms))
	for _, mg := range ms {
		st := MigrationState{Name: mg.String(), Applied: mg.IsApplied()}
		if st.Applied {
			st.AppliedAt = mg.MigratedAt.UTC()
		}
		out = append(out, st)
	}
	return out, nil
}

// lockMigrations takes a server-wide lock on a dedicated connection and
// returns its release. SQLite needs none: one host, and bun's statements
// serialise on the file lock.
func (db *DB) lockMigrations(ctx context.Context) (func() error, error) {
	if db.Dialect == SQLite {
		return func() error { return nil }, nil
	}
	conn, err := db.Bun.Conn(ctx)
	if err != nil {
		return nil, db.wrapErr(err, "migration lock")
	}
	switch db.Dialect {
	case Postgres:
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(?)", migrationLockKey); err != nil {
			_ = conn.Close()
			return nil, db.wrapErr(err, "migration lock")
		}
		return func() error {
			_, err := conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(?)", migrationLockKey)
			return errors.Join(err, conn.Close())
		}, nil
	default: // MySQL
		var got int
		if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK(?, 300)", migrationLockName).Scan(&got); err != nil || got != 1 {
			_ = conn.Close()
			if err == nil {
				err = errors.New("timed out waiting for another instance to finish migrating")
			}
			return nil, db.wrapErr(err, "migration lock")
		}
		return func() error {
			_, err := conn.ExecContext(context.WithoutCancel(ctx), "SELECT RELEASE_LOCK(?)", migrationLockName)
			return errors.Join(err, conn.Close())
		}, nil
	}
}
