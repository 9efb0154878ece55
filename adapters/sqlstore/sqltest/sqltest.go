// Package sqltest gives tests fresh, isolated databases of every dialect
// sqlstore supports.
//
// SQLite always runs (a file in the test's temporary directory). PostgreSQL
// and MySQL/MariaDB run against the server named by KENTE_TEST_POSTGRES_DSN
// and KENTE_TEST_MYSQL_DSN (URLs in the KENTE_DATABASE_URL form, with a user
// allowed to create databases), or, when a variable is unset and a Docker
// engine is reachable, against a container started once per test process.
// Without either the test is skipped, unless KENTE_TEST_REQUIRE_SERVICES=1,
// which turns the skip into a failure so CI cannot pass by skipping.
//
// Each test gets its own database, dropped when the test ends, so tests may
// run in parallel.
package sqltest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kente-gov/kente/adapters/sqlstore"
)

// Environment variables read by this package.
const (
	EnvPostgres        = "KENTE_TEST_POSTGRES_DSN"
	EnvMySQL           = "KENTE_TEST_MYSQL_DSN"
	EnvRequireServices = "KENTE_TEST_REQUIRE_SERVICES"
)

// Dialects returns the dialects to test: all three. SQLite always works;
// Fresh and URL skip (or fail, see the package doc) a server dialect that
// has no server.
func Dialects() []sqlstore.Dialect {
	return []sqlstore.Dialect{sqlstore.SQLite, sqlstore.Postgres, sqlstore.MySQL}
}

// Fresh returns a migrated, empty database of dialect d for one test. It is
// closed and dropped at t.Cleanup.
func Fresh(t testing.TB, d sqlstore.Dialect) *sqlstore.DB {
	t.Helper()
	u := URL(t, d)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, err := sqlstore.Open(ctx, u)
	if err != nil {
		t.Fatalf("sqltest: open fresh %s database: %v", d, err)
	}
	t.Cleanup(func() { _ = db.Close() }) // runs before the drop registered by URL
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("sqltest: migrate fresh %s database: %v", d, err)
	}
	return db
}

// URL returns the URL (KENTE_DATABASE_URL form) of a fresh, empty and not
// yet migrated database of dialect d, dropped at t.Cleanup. Close every
// connection to it before the test ends.
func URL(t testing.TB, d sqlstore.Dialect) string {
	t.Helper()
	switch d {
	case sqlstore.SQLite:
		return "sqlite://" + filepath.ToSlash(filepath.Join(t.TempDir(), "kente.db"))
	case sqlstore.Postgres, sqlstore.MySQL:
	default:
		t.Fatalf("sqltest: unknown dialect %q", d)
	}
	srv := serverFor(d)
	srv.once.Do(srv.start)
	if srv.err != nil {
		if os.Getenv(EnvRequireServices) == "1" {
			t.Fatalf("sqltest: %s required (%s=1) but unavailable: %v", d, EnvRequireServices, srv.err)
		}
		t.Skipf("sqltest: skipping %s: %v", d, srv.err)
	}

	name := "kente_t_" + randomHex(6)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	create := "CREATE DATABASE " + name
	if d == sqlstore.MySQL {
		create += " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
	}
	if _, err := srv.admin.Bun.ExecContext(ctx, create); err != nil {
		t.Fatalf("sqltest: create %s database: %v", d, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		drop := "DROP DATABASE IF EXISTS " + name
		if d == sqlstore.Postgres {
			drop += " WITH (FORCE)"
		}
		if _, err := srv.admin.Bun.ExecContext(ctx, drop); err != nil {
			t.Errorf("sqltest: drop %s database %s: %v", d, name, err)
		}
	})
	u, err := withDatabase(srv.url, name)
	if err != nil {
		t.Fatalf("sqltest: %s URL: %v", d, err)
	}
	return u
}

// server is one database server shared by the tests of a process.
type server struct {
	dialect sqlstore.Dialect
	env     string
	once    sync.Once
	url     string       // admin URL; its database is never written
	admin   *sqlstore.DB // creates and drops test databases; lives as long as the process
	err     error        // why the server is unavailable
}

var servers = struct {
	postgres, mysql server
}{
	postgres: server{dialect: sqlstore.Postgres, env: EnvPostgres},
	mysql:    server{dialect: sqlstore.MySQL, env: EnvMySQL},
}

func serverFor(d sqlstore.Dialect) *server {
	if d == sqlstore.Postgres {
		return &servers.postgres
	}
	return &servers.mysql
}

func (s *server) start() {
	s.url = strings.TrimSpace(os.Getenv(s.env))
	if s.url == "" {
		if !dockerAvailable() {
			s.err = fmt.Errorf("%s is not set and no Docker engine was found", s.env)
			return
		}
		s.url, s.err = startContainer(s.dialect)
		if s.err != nil {
			s.err = fmt.Errorf("%s is not set and the %s container did not start: %w", s.env, s.dialect, s.err)
			return
		}
	}
	if d, _, err := sqlstore.ParseURL(s.url); err != nil {
		s.err = fmt.Errorf("%s: %w", s.env, err)
		return
	} else if d != s.dialect {
		s.err = fmt.Errorf("%s is a %s URL, want %s", s.env, d, s.dialect)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s.admin, s.err = sqlstore.Open(ctx, s.url)
	if s.err != nil {
		s.err = fmt.Errorf("%s: %w", s.env, s.err)
	}
}

// dockerAvailable reports whether a Docker engine socket is configured or
// present. It does not dial, so it never hangs.
func dockerAvailable() bool {
	if os.Getenv("DOCKER_HOST") != "" {
		return true
	}
	socks := []string{"/var/run/docker.sock"}
	if dir := os.Getenv("XDG_RUNTIME_DIR"); dir != "" {
		socks = append(socks, filepath.Join(dir, "docker.sock"))
	}
	if home, err := os.UserHomeDir(); err == nil {
		socks = append(socks, filepath.Join(home, ".docker", "run", "docker.sock"))
	}
	for _, p := range socks {
		if fi, err := os.Stat(p); err == nil && fi.Mode()&os.ModeSocket != 0 {
			return true
		}
	}
	return false
}

// withDatabase returns raw with its database name replaced by name. It
// handles the mysql unix(...) form, which net/url cannot parse.
func withDatabase(raw, name string) (string, error) {
	base, query, hasQuery := strings.Cut(raw, "?")
	scheme := strings.Index(base, "://")
	if scheme < 0 {
		return "", errors.New("not a URL")
	}
	start := scheme + 3
	if p := strings.LastIndexByte(base, ')'); p > start {
		start = p
	}
	if slash := strings.IndexByte(base[start:], '/'); slash >= 0 {
		base = base[:start+slash]
	}
	out := base + "/" + name
	if hasQuery {
		out += "?" + query
	}
	return out, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}
