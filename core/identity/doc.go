// Package identity holds the rules of AskOzzy accounts: users and roles,
// human codes (access, recovery, referral), secret hashing, and sessions.
//
// It is pure: no I/O and no clock. Randomness arrives as an io.Reader and time
// as a time.Time argument, so every rule is testable in microseconds.
package identity
