package sqlstore_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/sqlstore"
)

const pragmas = "_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=cache_size(-32768)&_txlock=immediate"

func TestParseURL(t *testing.T) {
	tests := []struct {
		give        string
		wantDialect sqlstore.Dialect
		wantDSN     string
	}{
		{"sqlite://kente.db", sqlstore.SQLite, "kente.db?" + pragmas},
		{"sqlite://data/kente.db", sqlstore.SQLite, "data/kente.db?" + pragmas},
		{"sqlite:///var/lib/kente/kente.db", sqlstore.SQLite, "/var/lib/kente/kente.db?" + pragmas},
		{"sqlite:///tmp/k.db?_pragma=busy_timeout(0)&_txlock=deferred", sqlstore.SQLite,
			"/tmp/k.db?_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=cache_size(-32768)&_pragma=busy_timeout(0)&_txlock=deferred"},
		{"postgres://postgres@127.0.0.1:5432/test?sslmode=disable", sqlstore.Postgres, "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"},
		{"postgresql://u:p@db.example:5432/kente", sqlstore.Postgres, "postgresql://u:p@db.example:5432/kente"},
		{"mysql://root@127.0.0.1:3306/test", sqlstore.MySQL,
			"root@tcp(127.0.0.1:3306)/test?collation=utf8mb4_unicode_ci&multiStatements=true&parseTime=true"},
		{"mysql://kente:p%40ss@db.example/kente", sqlstore.MySQL,
			"kente:p@ss@tcp(db.example:3306)/kente?collation=utf8mb4_unicode_ci&multiStatements=true&parseTime=true"},
		{"mysql://root@unix(/run/mysqld/mysqld.sock)/test", sqlstore.MySQL,
			"root@unix(/run/mysqld/mysqld.sock)/test?collation=utf8mb4_unicode_ci&multiStatements=true&parseTime=true"},
		{"mysql://root@localhost/test?socket=/run/mysqld/mysqld.sock", sqlstore.MySQL,
			"root@unix(/run/mysqld/mysqld.sock)/test?collation=utf8mb4_unicode_ci&multiStatements=true&parseTime=true"},
		{"mysql://root@[::1]:3307/test?tls=skip-verify", sqlstore.MySQL,
			"root@tcp([::1]:3307)/test?collation=utf8mb4_unicode_ci&multiStatements=true&parseTime=true&tls=skip-verify"},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			d, dsn, err := sqlstore.ParseURL(tt.give)
			require.NoError(t, err)
			assert.Equal(t, tt.wantDialect, d)
			assert.Equal(t, tt.wantDSN, dsn)
		})
	}
}

func TestParseURLErrors(t *testing.T) {
	const secret = "s3cr3t"
	tests := []struct {
		give    string
		wantErr string
	}{
		{"", "empty"},
		{"kente.db", "must start with"},
		{"oracle://u@h/db", `"oracle" is not supported`},
		{"sqlite://", "needs a file name"},
		{"sqlite://:memory:", "in-memory"},
		{"sqlite://file::memory:?cache=shared", "in-memory"},
		{"postgres://u:" + secret + "@h:5432/db%zz", "malformed"},
		{"postgres://u:" + secret + "@h:5432/", "database name"},
		{"postgres://u:" + secret + "@/db", "needs a host"},
		{"mysql://u:" + secret + "@h:3306/", "database name"},
		{"mysql://u:" + secret + "@/db", "needs a host"},
		{"mysql://u:" + secret + "@unix(/run/x.sock/db", "unclosed"},
		{"mysql://u:" + secret + "@h/db?tls=bogus", "unsupported option"},
		{"mysql://u:%zz" + secret + "@h/db", "malformed password"},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			_, _, err := sqlstore.ParseURL(tt.give)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.NotContains(t, err.Error(), secret, "errors must not show the password")
		})
	}
}
