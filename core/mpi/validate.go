package mpi

import (
	"time"
)

// Plausible ages, in whole years, at registration.
const (
	// MaxAge is the oldest plausible age of a living beneficiary.
	MaxAge = 120
)

// ValidRegion reports whether s is a region code: three upper-case ASCII
// letters (DKR, THI, ZIG, ...).
func ValidRegion(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// ValidPhone reports whether s is an E.164 number: "+", a country code not
// starting with 0, and 8 to 15 digits in all (ITU-T E.164 allows at most 15;
// no West African number is shorter than 8 with its country code).
func ValidPhone(s string) bool {
	if len(s) < 9 || len(s) > 16 || s[0] != '+' || s[1] == '0' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// PlausibleBirthDate reports whether dob is a plausible date of birth at
// now: not after now's UTC date, and at most MaxAge years before it.
func PlausibleBirthDate(dob, now time.Time) bool {
	if dob.IsZero() {
		return false
	}
	today := Date(now)
	d := Date(dob)
	if d.After(today) {
		return false
	}
	return Age(d, today) <= MaxAge
}

// Age returns the age in whole years at now of someone born on dob.
func Age(dob, now time.Time) int {
	dob, now = Date(dob), Date(now)
	age := now.Year() - dob.Year()
	if now.Month() < dob.Month() || now.Month() == dob.Month() && now.Day() < dob.Day() {
		age--
	}
	return age
}

// Date returns t's calendar date as midnight UTC.
func Date(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
