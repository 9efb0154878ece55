package redisstore_test

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/redisstore"
	"github.com/kente-gov/kente/core/fault"
)

// RedisURL returns KENTE_TEST_REDIS_URL, or skips (fails when
// KENTE_TEST_REQUIRE_SERVICES=1).
func redisURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv("KENTE_TEST_REDIS_URL")
	if u == "" {
		if os.Getenv("KENTE_TEST_REQUIRE_SERVICES") == "1" {
			t.Fatal("KENTE_TEST_REDIS_URL is not set and KENTE_TEST_REQUIRE_SERVICES=1")
		}
		t.Skip("redis: KENTE_TEST_REDIS_URL not set")
	}
	return u
}

func TestOpenAndPing(t *testing.T) {
	db, err := redisstore.Open(context.Background(), redisURL(t))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	assert.NoError(t, db.Ping(context.Background()))
}

func TestOpenBadURL(t *testing.T) {
	_, err := redisstore.Open(context.Background(), "http://nope")
	assert.Error(t, err)
}

func TestPingDownIsUnavailable(t *testing.T) {
	_, err := redisstore.Open(context.Background(), "redis://127.0.0.1:1/0")
	require.Error(t, err)
	assert.Equal(t, fault.Unavailable, fault.KindOf(err))
}

func envRedis() string { return os.Getenv("KENTE_TEST_REDIS_URL") }
