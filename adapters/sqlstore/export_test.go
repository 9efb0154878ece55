package sqlstore

import "context"

// RollbackMigrations rolls back the last migration group, for tests.
func RollbackMigrations(ctx context.Context, db *DB) error {
	m, err := db.migrator()
	if err != nil {
		return err
	}
	_, err = m.Rollback(ctx)
	return err
}

// MigrationNames lists the embedded migration files of dialect d.
func MigrationNames(d Dialect) ([]string, error) {
	entries, err := migrationFiles.ReadDir("migrations/" + string(d))
	if err != nil {
		return nil, err
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return names, nil
}
