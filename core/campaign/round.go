package campaign

import (
	"math"
	"time"
)

// round rounds x to places decimals, halves away from zero.
func round(x float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}

// day returns the UTC midnight of t's UTC calendar day.
func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// dayNumber returns the UTC calendar day of t as days since 1970-01-01
// (negative before). UTC has no daylight saving, so every day is 86,400 s.
func dayNumber(t time.Time) int64 {
	s := t.Unix()
	n := s / 86400
	if s%86400 < 0 {
		n--
	}
	return n
}

// daysBetween returns the UTC calendar days from a to b (b − a).
func daysBetween(a, b time.Time) int { return int(dayNumber(b) - dayNumber(a)) }

// addDays returns t plus n whole days; exact for UTC midnights.
func addDays(t time.Time, n int) time.Time { return t.Add(time.Duration(n) * 24 * time.Hour) }
