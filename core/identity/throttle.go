package identity

import "time"

// Budget is a fixed-window allowance: at most Limit events per Window.
type Budget struct {
	Limit  int
	Window time.Duration
}

// Valid reports whether b can be enforced.
func (b Budget) Valid() bool { return b.Limit > 0 && b.Window >= time.Second }

// WindowStart returns the start of the window holding now, aligned to the
// Unix epoch so every server instance agrees on it.
func (b Budget) WindowStart(now time.Time) time.Time {
	return now.UTC().Truncate(b.Window)
}

// RetryAfter returns the whole seconds until the window holding now ends
// (at least 1).
func (b Budget) RetryAfter(now time.Time) int {
	end := b.WindowStart(now).Add(b.Window)
	return max(1, int((end.Sub(now)+time.Second-1)/time.Second))
}

// Throttle sets the brute-force budgets of credential endpoints.
type Throttle struct {
	// PerIP bounds failed credential attempts from one exact client
	// address. Generous, so a ministry office behind one NAT is not locked
	// out by a few typos.
	PerIP Budget
	// Global bounds failed credential attempts across all clients: a
	// spraying alarm that slows a distributed guess.
	Global Budget
	// Reset bounds account-reset attempts per IP and email.
	Reset Budget
	// LockoutAfter is how many consecutive failures lock an account.
	LockoutAfter int
	// LockoutBase is the first lockout; each further failure doubles it up
	// to LockoutMax.
	LockoutBase time.Duration
	LockoutMax  time.Duration
}

// DefaultThrottle is the default brute-force policy: 60 failures per IP
// and 1,000 in all per 5 minutes, 10 resets per IP and email per 5 minutes,
// and an account lock of 30 s after 5 consecutive failures, doubling to 1 h.
var DefaultThrottle = Throttle{
	PerIP:        Budget{Limit: 60, Window: 5 * time.Minute},
	Global:       Budget{Limit: 1000, Window: 5 * time.Minute},
	Reset:        Budget{Limit: 10, Window: 5 * time.Minute},
	LockoutAfter: 5,
	LockoutBase:  30 * time.Second,
	LockoutMax:   time.Hour,
}

// Valid reports whether every budget can be enforced.
func (t Throttle) Valid() bool {
	return t.PerIP.Valid() && t.Global.Valid() && t.Reset.Valid() && t.LockoutAfter > 0 &&
		t.LockoutBase > 0 && t.LockoutMax >= t.LockoutBase
}

// LockoutFor returns how long an account stays locked after its n-th
// consecutive failure: nothing before LockoutAfter, then LockoutBase
// doubling with each failure, capped at LockoutMax.
func (t Throttle) LockoutFor(n int) time.Duration {
	if n < t.LockoutAfter {
		return 0
	}
	d := t.LockoutBase
	for i := t.LockoutAfter; i < n && d < t.LockoutMax; i++ {
		d *= 2
	}
	return min(d, t.LockoutMax)
}
