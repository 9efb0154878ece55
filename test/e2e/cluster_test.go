package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/redisstore"
	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/app/server"
	"github.com/kente-gov/kente/app/tiersvc"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/core/ratelimit"
	"github.com/kente-gov/kente/core/tier"
)

// clusterRedisURL returns KENTE_TEST_REDIS_URL, or skips the test (fails it
// under KENTE_TEST_REQUIRE_SERVICES=1).
func clusterRedisURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv("KENTE_TEST_REDIS_URL")
	if u == "" {
		if os.Getenv(sqltest.EnvRequireServices) == "1" {
			t.Fatal("KENTE_TEST_REDIS_URL is not set and KENTE_TEST_REQUIRE_SERVICES=1")
		}
		t.Skip("redis: KENTE_TEST_REDIS_URL not set")
	}
	return u
}

// forgetLimits deletes, at cleanup, the rate-limit keys of userIDs: the only
// Redis keys this test creates (user ids are unique, so no other test's
// keys are touched).
func forgetLimits(t *testing.T, redisURL string, userIDs ...string) {
	t.Helper()
	opt, err := redis.ParseURL(redisURL)
	require.NoError(t, err)
	t.Cleanup(func() {
		rc := redis.NewClient(opt)
		defer rc.Close()
		keys := make([]string, 0, 2*len(userIDs))
		for _, id := range userIDs {
			keys = append(keys, redisstore.KeyPrefix+"gen:"+id, redisstore.KeyPrefix+"msg:"+id)
		}
		if err := rc.Del(context.Background(), keys...).Err(); err != nil {
			t.Logf("redis cleanup: %v", err)
		}
	})
}

// clusterNode is one server instance of the cluster test.
type clusterNode struct {
	c     *client
	tiers *tiersvc.Service
}

// TestClusterRateLimits runs two server instances (the cluster profile) on
// one PostgreSQL database and one Redis, and sends each user's concurrent
// requests split between them: the general per-minute request limit, the
// per-minute message rate and the daily message quota each admit exactly
// their limit, however the requests are spread.
func TestClusterRateLimits(t *testing.T) {
	redisURL := clusterRedisURL(t)
	dbURL := sqltest.URL(t, sqlstore.Postgres)

	const (
		general    = 8  // authenticated requests a minute
		freePerDay = 6  // free messages a day (its per-minute rate is not binding)
		proPerMin  = 4  // professional messages a minute (its daily quota is not binding)
		n          = 24 // concurrent requests per check, > every limit
	)
	cfg := testConfig(t, dbURL)
	cfg.RedisURL = redisURL
	require.Equal(t, server.ProfileCluster, server.ProfileOf(cfg))
	cat := cfg.Tiers
	cat.Plans = append([]tier.Plan(nil), cat.Plans...)
	cat.General = ratelimit.PerMinute(general)
	cat.Plans[tier.Rank(tier.Free)].MessagesPerDay = freePerDay
	cat.Plans[tier.Rank(tier.Free)].MessagesPerMinute = 1000
	cat.Plans[tier.Rank(tier.Professional)].MessagesPerMinute = proPerMin
	cat.Plans[tier.Rank(tier.Professional)].MessagesPerDay = 500
	require.NoError(t, cat.Validate())
	cfg.Tiers = cat

	// Started one after the other: the second instance finds the schema migrated.
	nodes := make([]clusterNode, 2)
	for i := range nodes {
		nodes[i].c = start(t, cfg, &nodes[i].tiers)
		require.NotNil(t, nodes[i].tiers)
	}
	a, b := nodes[0].c, nodes[1].c

	newUser := func(name string) (id, token string) {
		_, token, user := register(t, a, name+"@gov.gh", "Cluster "+name)
		return user["id"].(string), token
	}
	hammerID, hammerTok := newUser("hammer")
	dailyID, dailyTok := newUser("daily")
	minuteID, minuteTok := newUser("minute")
	forgetLimits(t, redisURL, hammerID, dailyID, minuteID)

	t.Run("general limit over HTTP", func(t *testing.T) {
		var ok, limited, other atomic.Int64
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				c := nodes[i%2].c
				req, err := http.NewRequest(http.MethodGet, c.base+"/api/user/profile", nil)
				if err != nil {
					other.Add(1)
					return
				}
				req.Header.Set("Authorization", "Bearer "+hammerTok)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					other.Add(1)
					return
				}
				defer res.Body.Close()
				raw, _ := io.ReadAll(res.Body)
				switch res.StatusCode {
				case http.StatusOK:
					ok.Add(1)
				case http.StatusTooManyRequests:
					var body struct {
						Error      string `json:"error"`
						RetryAfter int    `json:"retryAfter"`
					}
					if json.Unmarshal(raw, &body) == nil && body.Error != "" && body.RetryAfter >= 1 && res.Header.Get("Retry-After") != "" &&
						res.Header.Get("X-RateLimit-Remaining") == "0" {
						limited.Add(1)
						return
					}
					other.Add(1)
				default:
					other.Add(1)
				}
			})
		}
		wg.Wait()
		assert.Equal(t, int64(general), ok.Load(), "200s across both instances")
		assert.Equal(t, int64(n-general), limited.Load(), "well-formed 429s")
		assert.Zero(t, other.Load(), "other outcomes")

		// Either instance now refuses the user, and says so in the headers.
		for _, c := range []*client{a, b} {
			res := c.do("GET", "/api/user/profile", hammerTok, nil)
			assert.Equal(t, 429, res.Status, "%s", res.Body)
			assert.Equal(t, fmt.Sprint(general), res.Header.Get("X-RateLimit-Limit"))
			assert.Equal(t, "0", res.Header.Get("X-RateLimit-Remaining"))
		}
	})

	// take sends n messages for u at once, split between the instances'
	// services, and returns how many were admitted; every refusal must be a
	// rate-limit fault.
	take := func(t *testing.T, u identity.User) int64 {
		var ok, other atomic.Int64
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				_, err := nodes[i%2].tiers.TakeMessage(context.Background(), u)
				switch {
				case err == nil:
					ok.Add(1)
				case fault.Is(err, fault.RateLimited):
				default:
					other.Add(1)
					t.Errorf("take message: %v", err)
				}
			})
		}
		wg.Wait()
		assert.Zero(t, other.Load())
		return ok.Load()
	}

	t.Run("daily message quota", func(t *testing.T) {
		u := identity.User{ID: dailyID, Tier: tier.Free}
		assert.Equal(t, int64(freePerDay), take(t, u))
		for _, nd := range nodes {
			us, err := nd.tiers.Usage(context.Background(), u)
			require.NoError(t, err)
			assert.Equal(t, freePerDay, us.Used, "durable count seen by every instance")
			assert.Equal(t, freePerDay, us.Limit)
		}
		_, err := nodes[1].tiers.TakeMessage(context.Background(), u)
		assert.True(t, fault.Is(err, fault.RateLimited), "%v", err)
		res := b.do("GET", "/api/usage/nudge", dailyTok, nil)
		require.Equal(t, 200, res.Status, "%s", res.Body)
		assert.Equal(t, tier.NudgeLimitReached, res.JSON(t)["nudge"].(map[string]any)["type"])
	})

	t.Run("per-minute message rate", func(t *testing.T) {
		res := b.do("POST", "/api/trial/activate", minuteTok, map[string]any{})
		require.Equal(t, 200, res.Status, "%s", res.Body)
		u := identity.User{ID: minuteID, Tier: tier.Free}
		for _, nd := range nodes {
			st, err := nd.tiers.Standing(context.Background(), u)
			require.NoError(t, err)
			require.Equal(t, tier.Professional, st.Tier, "the trial is seen by every instance")
		}
		assert.Equal(t, int64(proPerMin), take(t, u))
		us, err := nodes[0].tiers.Usage(context.Background(), u)
		require.NoError(t, err)
		assert.Equal(t, proPerMin, us.Used, "refused messages are not counted against the day")
		res = a.do("GET", "/api/usage/nudge", minuteTok, nil)
		require.Equal(t, 200, res.Status, "%s", res.Body)
		assert.Nil(t, res.JSON(t)["nudge"], "no nudge during a trial")
		res = a.do("GET", "/api/user/profile", minuteTok, nil)
		require.Equal(t, 200, res.Status, "%s", res.Body)
		assert.Equal(t, tier.Professional, res.JSON(t)["user"].(map[string]any)["tier"], "the profile shows the effective tier")
	})
}
