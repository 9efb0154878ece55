package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/ports"
	"github.com/kente-gov/kente/ports/porttest"
)

func TestUserStore(t *testing.T) {
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			porttest.UserStore(t, func(t *testing.T) ports.UserStore {
				return sqlstore.NewUserStore(sqltest.Fresh(t, d))
			})
		})
	}
}

func TestSessionStore(t *testing.T) {
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			porttest.SessionStore(t, func(t *testing.T) (ports.UserStore, ports.SessionStore) {
				db := sqltest.Fresh(t, d)
				return sqlstore.NewUserStore(db), sqlstore.NewSessionStore(db)
			})
		})
	}
}

func TestTx(t *testing.T) {
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			porttest.Tx(t, func(t *testing.T) (ports.Tx, ports.UserStore) {
				db := sqltest.Fresh(t, d)
				return db, sqlstore.NewUserStore(db)
			})
		})
	}
}

func testUser(id string) identity.User {
	now := time.Now().UTC()
	return identity.User{
		ID: id, Email: id + "@example.gov.gh", FullName: "Test User", Role: identity.RoleUser,
		Tier: identity.DefaultTier, Status: identity.StatusActive, UserType: identity.UserTypeGovernment,
		AccessCodeKey: "key_" + id, AccessCodeHash: "hash", ReferralCode: "REF-" + id,
		CreatedAt: now, UpdatedAt: now,
	}
}

func TestInvalidTextIsInvalid(t *testing.T) {
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			db := sqltest.Fresh(t, d)
			ctx := context.Background()
			users, sessions := sqlstore.NewUserStore(db), sqlstore.NewSessionStore(db)
			tests := []struct {
				name string
				give func() error
			}{
				{"CreateUserNUL", func() error { u := testUser("usr_a"); u.FullName = "a\x00b"; return users.CreateUser(ctx, u) }},
				{"CreateUserBadUTF8", func() error { u := testUser("usr_b"); u.Department = "\xff\xfe"; return users.CreateUser(ctx, u) }},
				{"UserByEmailNUL", func() error { _, err := users.UserByEmail(ctx, "a\x00@b.c"); return err }},
				{"UpdateUserNUL", func() error {
					u := testUser("usr_c")
					require.NoError(t, users.CreateUser(ctx, u))
					_, err := users.UpdateUser(ctx, u.ID, func(u *identity.User) error { u.FullName = "\x00"; return nil })
					return err
				}},
				{"SessionByTokenHashNUL", func() error { _, err := sessions.SessionByTokenHash(ctx, "\x00"); return err }},
				{"TouchSessionNUL", func() error { return sessions.TouchSession(ctx, "sess_x", time.Now(), "1.2.3.4\x00") }},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					err := tt.give()
					require.Error(t, err)
					assert.Equal(t, fault.Invalid, fault.KindOf(err), "%v", err)
				})
			}
		})
	}
}

func TestCreateSessionUnknownUser(t *testing.T) {
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			db := sqltest.Fresh(t, d)
			now := time.Now().UTC()
			err := sqlstore.NewSessionStore(db).CreateSession(context.Background(), identity.Session{
				ID: "sess_1", UserID: "usr_missing", TokenHash: "h", CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour),
			})
			assert.Equal(t, fault.NotFound, fault.KindOf(err), "%v", err)
		})
	}
}

func TestTooLongValueIsInvalid(t *testing.T) {
	for _, d := range []sqlstore.Dialect{sqlstore.Postgres, sqlstore.MySQL} {
		t.Run(string(d), func(t *testing.T) {
			db := sqltest.Fresh(t, d)
			u := testUser("usr_long")
			u.FullName = strings.Repeat("a", 300)
			err := sqlstore.NewUserStore(db).CreateUser(context.Background(), u)
			assert.Equal(t, fault.Invalid, fault.KindOf(err), "%v", err)
		})
	}
}

func TestWithinTxRetriesBusy(t *testing.T) {
	ctx := context.Background()
	url := sqltest.URL(t, sqlstore.SQLite)
	db, err := sqlstore.Open(ctx, url)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	require.NoError(t, db.Migrate(ctx))
	// A second handle on the same file that reports SQLITE_BUSY at once
	// instead of waiting (a caller's pragma replaces Kente's default).
	nowait, err := sqlstore.Open(ctx, url+"?_pragma=busy_timeout(0)")
	require.NoError(t, err)
	t.Cleanup(func() { _ = nowait.Close() })

	users, other := sqlstore.NewUserStore(db), sqlstore.NewUserStore(nowait)
	calls := 0
	err = db.WithinTx(ctx, func(txCtx context.Context) error {
		calls++
		if calls == 1 {
			// This transaction holds the write lock, so another connection's
			// write is busy; the error makes WithinTx run fn again.
			err := other.CreateUser(ctx, testUser("usr_other"))
			require.Error(t, err)
			assert.Equal(t, fault.Unavailable, fault.KindOf(err), "%v", err)
			return fmt.Errorf("wrapped: %w", err)
		}
		return users.CreateUser(txCtx, testUser("usr_retry"))
	})
	require.NoError(t, err)
	assert.Equal(t, 2, calls)
	_, err = users.UserByID(ctx, "usr_retry")
	require.NoError(t, err)
	_, err = users.UserByID(ctx, "usr_other")
	assert.Equal(t, fault.NotFound, fault.KindOf(err))
}

func TestWithinTxGivesUpOnPersistentBusy(t *testing.T) {
	ctx := context.Background()
	url := sqltest.URL(t, sqlstore.SQLite)
	db, err := sqlstore.Open(ctx, url)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	require.NoError(t, db.Migrate(ctx))
	nowait, err := sqlstore.Open(ctx, url+"?_pragma=busy_timeout(0)")
	require.NoError(t, err)
	t.Cleanup(func() { _ = nowait.Close() })

	calls := 0
	err = db.WithinTx(ctx, func(context.Context) error {
		calls++
		return sqlstore.NewUserStore(nowait).CreateUser(ctx, testUser(fmt.Sprintf("usr_%d", calls)))
	})
	assert.Equal(t, fault.Unavailable, fault.KindOf(err), "%v", err)
	assert.Equal(t, 5, calls, "bounded retries")
}

func TestWithinTxKeepsErrorIdentity(t *testing.T) {
	db := sqltest.Fresh(t, sqlstore.SQLite)
	sentinel := errors.New("sentinel")
	err := db.WithinTx(context.Background(), func(context.Context) error { return sentinel })
	assert.Same(t, sentinel, err)
}

func TestPing(t *testing.T) {
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			db := sqltest.Fresh(t, d)
			require.NoError(t, db.Ping(context.Background()))
			require.NoError(t, db.Close())
			err := db.Ping(context.Background())
			assert.Equal(t, fault.Unavailable, fault.KindOf(err), "%v", err)
		})
	}
}
