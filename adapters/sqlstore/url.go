package sqlstore

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
)

// Dialect names a SQL database family Kente speaks.
type Dialect string

// The supported dialects; each is also its URL scheme.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
	MySQL    Dialect = "mysql"
)

// sqliteDefaults are Kente's SQLite connection settings: WAL for concurrent
// readers, a busy timeout so writers queue instead of failing, foreign keys
// on, a 32 MiB page cache per connection (the index pages of a large
// registry such as the MPI's stay in memory), and BEGIN IMMEDIATE so a
// transaction takes the write lock up front (no deadlocking read-to-write
// upgrades). name is what a caller's own query
// parameter must start with to replace the default.
var sqliteDefaults = []struct{ name, param string }{
	{"journal_mode", "_pragma=journal_mode(WAL)"},
	{"busy_timeout", "_pragma=busy_timeout(5000)"},
	{"foreign_keys", "_pragma=foreign_keys(1)"},
	{"cache_size", "_pragma=cache_size(-32768)"},
	{"_txlock", "_txlock=immediate"},
}

// ParseURL turns a KENTE_DATABASE_URL into a dialect and the DSN its driver
// takes. The forms are:
//
//	sqlite://kente.db                       (relative to the working directory)
//	sqlite:///var/lib/kente/kente.db        (absolute)
//	postgres://user:pass@host:5432/db?sslmode=disable   (also postgresql://)
//	mysql://user:pass@host:3306/db
//	mysql://root@unix(/run/mysqld/mysqld.sock)/db       (or ?socket=/path)
//
// In-memory SQLite is refused: each pooled connection would get its own
// database. Errors name what is wrong and never repeat the password.
func ParseURL(raw string) (Dialect, string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", "", errors.New("database URL is empty")
	}
	scheme, _, ok := strings.Cut(raw, "://")
	if !ok {
		return "", "", errors.New("database URL must start with sqlite://, postgres:// or mysql://")
	}
	switch strings.ToLower(scheme) {
	case "sqlite", "sqlite3":
		dsn, err := sqliteDSN(raw[len(scheme)+3:])
		return SQLite, dsn, err
	case "postgres", "postgresql":
		dsn, err := postgresDSN(raw)
		return Postgres, dsn, err
	case "mysql", "mariadb":
		dsn, err := mysqlDSN(raw[len(scheme)+3:])
		return MySQL, dsn, err
	default:
		return "", "", fmt.Errorf("database URL scheme %q is not supported (use sqlite, postgres or mysql)", scheme)
	}
}

// sqliteDSN builds a modernc DSN from what follows "sqlite://". Extra query
// parameters are passed on after Kente's pragmas, so they win.
func sqliteDSN(rest string) (string, error) {
	path, query, _ := strings.Cut(rest, "?")
	if path == "" {
		return "", errors.New("sqlite URL needs a file name, e.g. sqlite://kente.db")
	}
	if path == ":memory:" || strings.HasPrefix(path, "file:") || strings.Contains(query, "mode=memory") {
		return "", errors.New("sqlite URL must name a file: an in-memory database is not shared between pooled connections")
	}
	if strings.ContainsAny(path, "#\x00") {
		return "", errors.New("sqlite URL file name must not contain '#' or NUL")
	}
	user, err := url.ParseQuery(query)
	if err != nil {
		return "", errors.New("sqlite URL has a malformed query string")
	}
	params := make([]string, 0, len(sqliteDefaults)+1)
	for _, d := range sqliteDefaults {
		if !sqliteOverrides(user, d.name) {
			params = append(params, d.param)
		}
	}
	if query != "" {
		params = append(params, query)
	}
	return path + "?" + strings.Join(params, "&"), nil
}

// sqliteOverrides reports whether the caller's query sets the setting name
// itself, as a _pragma or a driver key. The driver does not apply duplicate
// pragmas in a defined order, so Kente's default must then be left out.
func sqliteOverrides(q url.Values, name string) bool {
	if _, ok := q[name]; ok && strings.HasPrefix(name, "_") {
		return true
	}
	if _, ok := q["_"+name]; ok {
		return true
	}
	for _, p := range q["_pragma"] {
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(p)), name) {
			return true
		}
	}
	return false
}

// postgresDSN checks a postgres URL; pgx takes the URL itself as its DSN.
func postgresDSN(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error quotes the whole URL, password included: do not wrap it.
		return "", errors.New("postgres URL is malformed (check that special characters in the password are percent-encoded)")
	}
	if u.Host == "" && u.Query().Get("host") == "" {
		return "", errors.New("postgres URL needs a host, e.g. postgres://user@127.0.0.1:5432/db")
	}
	if strings.Trim(u.Path, "/") == "" {
		return "", errors.New("postgres URL needs a database name, e.g. postgres://user@127.0.0.1:5432/db")
	}
	return raw, nil
}

// mysqlDSN converts what follows "mysql://" into a go-sql-driver DSN.
func mysqlDSN(rest string) (string, error) {
	rest, rawQuery, _ := strings.Cut(rest, "?")
	var userinfo, addr, path string
	netw := "tcp"
	if at := strings.LastIndex(rest, "@unix("); at >= 0 || strings.HasPrefix(rest, "unix(") {
		if at >= 0 {
			userinfo, rest = rest[:at], rest[at+1:]
		}
		end := strings.IndexByte(rest, ')')
		if end < 0 {
			return "", errors.New("mysql URL has an unclosed unix( socket path")
		}
		netw, addr, path = "unix", rest[len("unix("):end], rest[end+1:]
		if addr == "" {
			return "", errors.New("mysql URL has an empty unix() socket path")
		}
	} else {
		host := rest
		if slash := strings.IndexByte(rest, '/'); slash >= 0 {
			host, path = rest[:slash], rest[slash:]
		}
		if at := strings.LastIndexByte(host, '@'); at >= 0 {
			userinfo, host = host[:at], host[at+1:]
		}
		addr = host
	}
	if path != "" && path[0] != '/' {
		return "", errors.New("mysql URL: expected /database after the host")
	}
	dbName, err := url.PathUnescape(strings.TrimPrefix(path, "/"))
	if err != nil || strings.Contains(dbName, "/") {
		return "", errors.New("mysql URL has a malformed database name")
	}
	if dbName == "" {
		return "", errors.New("mysql URL needs a database name, e.g. mysql://user@127.0.0.1:3306/db")
	}
	user, pass, _ := strings.Cut(userinfo, ":")
	if user, err = url.PathUnescape(user); err != nil {
		return "", errors.New("mysql URL has a malformed user name")
	}
	if pass, err = url.PathUnescape(pass); err != nil {
		return "", errors.New("mysql URL has a malformed password (percent-encode special characters)")
	}
	query, err := url.ParseQuery(rawQuery)
	if err != nil {
		return "", errors.New("mysql URL has a malformed query string")
	}
	if sock := query.Get("socket"); sock != "" {
		netw, addr = "unix", sock
	}
	query.Del("socket")
	if netw == "tcp" {
		if addr == "" {
			return "", errors.New("mysql URL needs a host, e.g. mysql://user@127.0.0.1:3306/db")
		}
		if _, _, err := net.SplitHostPort(addr); err != nil {
			addr = net.JoinHostPort(strings.Trim(addr, "[]"), "3306")
		}
	}

	// Let the driver parse the caller's extra options (tls, timeout, ...)
	// from a DSN without credentials, so its errors cannot show them.
	extra := ""
	if len(query) > 0 {
		extra = "?" + query.Encode()
	}
	cfg, err := mysql.ParseDSN("/" + extra)
	if err != nil {
		return "", fmt.Errorf("mysql URL has an unsupported option: %w", err)
	}
	cfg.User, cfg.Passwd = user, pass
	cfg.Net, cfg.Addr = netw, addr
	cfg.DBName = dbName
	cfg.ParseTime = true
	cfg.MultiStatements = true
	cfg.Loc = time.UTC
	if query.Get("collation") == "" {
		cfg.Collation = "utf8mb4_unicode_ci"
	}
	return cfg.FormatDSN(), nil
}
