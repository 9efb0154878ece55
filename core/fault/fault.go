// Package fault defines the error kinds every Kente layer speaks. Adapters map
// kinds to transport statuses in exactly one place; services return *Error
// values (or wrap them) and never pick a status themselves.
package fault

import (
	"errors"
	"fmt"
)

// Kind classifies a failure. Its zero value is Internal, so an unclassified
// error is never mistaken for a client error.
type Kind uint8

// The kinds, in the order of ARCHITECTURE.md. Add a kind only with its status
// in the HTTP adapter's table.
const (
	Internal Kind = iota
	Invalid
	Unauthenticated
	Forbidden
	NotFound
	Conflict
	PaymentRequired
	TooLarge
	RateLimited
	NotImplemented
	Unavailable
)

var kindNames = [...]string{
	Internal:        "internal",
	Invalid:         "invalid",
	Unauthenticated: "unauthenticated",
	Forbidden:       "forbidden",
	NotFound:        "not_found",
	Conflict:        "conflict",
	PaymentRequired: "payment_required",
	TooLarge:        "too_large",
	RateLimited:     "rate_limited",
	NotImplemented:  "not_implemented",
	Unavailable:     "unavailable",
}

// String returns the kind's stable lower-case name, also its default code.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// Error is a failure with a kind, a stable code, and a message safe to show a
// client. Err, the cause, is never shown to clients.
type Error struct {
	Kind  Kind
	Code  string // stable slug, e.g. "identity.email_taken"
	Msg   string // safe public message
	Field string // the input field at fault, if any
	Err   error  // the cause, logged but never rendered

	// RetryAfterSeconds is set on RateLimited errors: how long the client
	// should wait before trying again.
	RetryAfterSeconds int
	// Extra carries small, safe, family-specific details a renderer may add to
	// the body (for example "totpRequired": true). Keys are JSON names.
	Extra map[string]any
}

// Error implements error. It includes the cause for logs.
func (e *Error) Error() string {
	s := e.Kind.String() + ": " + e.Code
	if e.Msg != "" {
		s += ": " + e.Msg
	}
	if e.Field != "" {
		s += " (field " + e.Field + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// New returns an error of kind with a stable code and a public message.
func New(kind Kind, code, msg string) *Error {
	return &Error{Kind: kind, Code: code, Msg: msg}
}

// Field returns an Invalid error naming the input field at fault.
func Field(field, code, msg string) *Error {
	return &Error{Kind: Invalid, Code: code, Msg: msg, Field: field}
}

// Wrap returns an error of kind whose cause is err. It returns nil if err is nil.
func Wrap(err error, kind Kind, code, msg string) *Error {
	if err == nil {
		return nil
	}
	return &Error{Kind: kind, Code: code, Msg: msg, Err: err}
}

// WithField returns a copy of e naming field.
func (e *Error) WithField(field string) *Error {
	c := *e
	c.Field = field
	return &c
}

// With returns a copy of e carrying an extra public detail.
func (e *Error) With(key string, value any) *Error {
	c := *e
	c.Extra = make(map[string]any, len(e.Extra)+1)
	for k, v := range e.Extra {
		c.Extra[k] = v
	}
	c.Extra[key] = value
	return &c
}

// As returns the first *Error in err's chain.
func As(err error) (*Error, bool) {
	var fe *Error
	if errors.As(err, &fe) {
		return fe, true
	}
	return nil, false
}

// KindOf returns the kind of the first *Error in err's chain, or Internal.
func KindOf(err error) Kind {
	if fe, ok := As(err); ok {
		return fe.Kind
	}
	return Internal
}

// Is reports whether err's chain holds an *Error of kind.
func Is(err error, kind Kind) bool {
	fe, ok := As(err)
	return ok && fe.Kind == kind
}
