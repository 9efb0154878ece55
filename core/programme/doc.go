// Package programme holds the rules of Oomus programme accounts (the tenant)
// and their users: roles, statuses, the password policy, the country
// catalogue that sets a programme's currency, the claims of access tokens
// and the shape of refresh tokens, and UUIDv4 ids drawn from an io.Reader.
// It does no I/O and reads no clock.
package programme
