package httpapi

import (
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/kente-gov/kente/app/tiersvc"
)

// limitOpt changes how router.handle guards one route.
type limitOpt func(*limitConfig)

type limitConfig struct {
	sendsMessage bool
}

// sendsMessage marks a route that sends a message to a model (chat,
// regenerate, AI tools): it takes the caller's per-minute and daily message
// quota instead of the general request limit.
func sendsMessage(c *limitConfig) { c.sendsMessage = true }

// rateLimit is the middleware router.handle puts after the auth guard of
// every authenticated route: the general per-user limit, or the message
// quota for routes marked sendsMessage. It sets X-RateLimit-Limit,
// -Remaining and -Reset (Unix seconds) for the binding window, and the IETF
// RateLimit and RateLimit-Policy headers for every window checked, on every
// response; a refusal is 429 with retryAfter and Retry-After. Without a
// tiers service it does nothing.
func (s *server) rateLimit(cfg limitConfig) gin.HandlerFunc {
	return func(c *gin.Context) {
		if s.tiers == nil {
			c.Next()
			return
		}
		p, ok := principalOf(c)
		if !ok {
			fail(c, errAuthRequired)
			return
		}
		var d tiersvc.Decision
		var err error
		if cfg.sendsMessage {
			d, err = s.tiers.TakeMessage(c.Request.Context(), p.User)
		} else {
			d, err = s.tiers.CheckRequest(c.Request.Context(), p.User.ID)
		}
		setRateLimitHeaders(c, d, s.tiers.Now())
		if err != nil {
			fail(c, err)
			return
		}
		c.Next()
	}
}

func setRateLimitHeaders(c *gin.Context, d tiersvc.Decision, now time.Time) {
	if len(d.Windows) == 0 {
		return
	}
	h := c.Writer.Header()
	b := d.Binding
	h.Set("X-RateLimit-Limit", strconv.Itoa(b.Limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(b.Remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(ceilUnix(b.Reset), 10))
	var policy, state []byte
	for i, w := range d.Windows {
		if i > 0 {
			policy, state = append(policy, ", "...), append(state, ", "...)
		}
		policy = strconv.AppendQuote(policy, w.Name)
		policy = append(policy, ";q="...)
		policy = strconv.AppendInt(policy, int64(w.Limit), 10)
		policy = append(policy, ";w="...)
		policy = strconv.AppendInt(policy, int64(w.Period/time.Second), 10)
		state = strconv.AppendQuote(state, w.Name)
		state = append(state, ";r="...)
		state = strconv.AppendInt(state, int64(w.Remaining), 10)
		state = append(state, ";t="...)
		state = strconv.AppendInt(state, max(0, ceilUnix(w.Reset)-now.Unix()), 10)
	}
	h.Set("RateLimit-Policy", string(policy))
	h.Set("RateLimit", string(state))
}

// ceilUnix is t in Unix seconds, rounded up.
func ceilUnix(t time.Time) int64 {
	s := t.Unix()
	if t.Nanosecond() > 0 {
		s++
	}
	return s
}
