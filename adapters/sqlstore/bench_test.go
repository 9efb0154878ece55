package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/core/identity"
)

const benchUsers = 1000

func seedBench(b *testing.B) (*sqlstore.UserStore, *sqlstore.SessionStore) {
	b.Helper()
	db := sqltest.Fresh(b, sqlstore.SQLite)
	ctx := context.Background()
	users, sessions := sqlstore.NewUserStore(db), sqlstore.NewSessionStore(db)
	now := time.Now().UTC()
	require.NoError(b, db.WithinTx(ctx, func(ctx context.Context) error {
		for i := range benchUsers {
			u := testUser(fmt.Sprintf("usr_%016x", i))
			if err := users.CreateUser(ctx, u); err != nil {
				return err
			}
			if err := sessions.CreateSession(ctx, identity.Session{
				ID: fmt.Sprintf("sess_%016x", i), UserID: u.ID, TokenHash: fmt.Sprintf("%064x", i),
				IP: "41.215.160.7", UserAgent: "bench", CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour),
			}); err != nil {
				return err
			}
		}
		return nil
	}))
	return users, sessions
}

func BenchmarkSessionByTokenHash(b *testing.B) {
	_, sessions := seedBench(b)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := sessions.SessionByTokenHash(ctx, fmt.Sprintf("%064x", i%benchUsers)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkUserByID(b *testing.B) {
	users, _ := seedBench(b)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := users.UserByID(ctx, fmt.Sprintf("usr_%016x", i%benchUsers)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
