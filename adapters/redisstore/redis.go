// Package redisstore connects Kente to Redis: shared state for deployments
// that run several server instances (rate limits, caches).
package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/ports"
)

// DB is a Redis connection pool.
type DB struct {
	client *redis.Client
}

var _ ports.Pinger = (*DB)(nil)

// Open parses a redis:// or rediss:// URL, connects and pings.
func Open(ctx context.Context, url string) (*DB, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("parse redis url: %w", err)
	}
	db := &DB{client: redis.NewClient(opts)}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := db.Ping(pctx); err != nil {
		_ = db.client.Close()
		return nil, err
	}
	return db, nil
}

// Client returns the underlying go-redis client for adapters built on it.
func (db *DB) Client() *redis.Client { return db.client }

// Ping implements ports.Pinger.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.client.Ping(ctx).Err(); err != nil {
		return fault.Wrap(err, fault.Unavailable, "redis.unavailable", "redis is unavailable")
	}
	return nil
}

// Close releases the pool.
func (db *DB) Close() error { return db.client.Close() }
