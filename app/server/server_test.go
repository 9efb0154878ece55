package server_test

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/fx"

	"github.com/kente-gov/kente/app/config"
	"github.com/kente-gov/kente/app/server"
)

// TestProfilesWire checks that every shipped profile's graph is complete
// (every dependency provided exactly once) without starting anything.
func TestProfilesWire(t *testing.T) {
	cfg := config.Defaults()
	cfg.Secrets = config.Secrets{CodePepper: strings.Repeat("p", 40), JWTSecret: strings.Repeat("j", 40)}
	for _, profile := range server.Profiles() {
		t.Run(profile, func(t *testing.T) {
			c := cfg
			if profile == server.ProfileCluster {
				c.DatabaseURL = "postgres://postgres@127.0.0.1:5432/test"
				c.RedisURL = "redis://127.0.0.1:6379/0"
			}
			require.Equal(t, profile, server.ProfileOf(c))
			err := fx.ValidateApp(server.OptionsFor(profile, c, slog.New(slog.DiscardHandler)), fx.NopLogger)
			assert.NoError(t, err)
		})
	}
}

func TestProfileOf(t *testing.T) {
	c := config.Defaults()
	assert.Equal(t, server.ProfileStandalone, server.ProfileOf(c))
	c.RedisURL = "redis://127.0.0.1:6379/0"
	assert.Equal(t, server.ProfileCluster, server.ProfileOf(c))
}
