// Package chat holds the rules of AskOzzy conversations that need no I/O:
// message roles, the streaming types an LLM adapter speaks (Request, Delta,
// Usage), prompt assembly with citation markers and a token budget, the
// token estimator, title clamping, share tokens, message ownership, and the
// 25 seeded agents as data.
//
// It is pure: no I/O and no clock. Randomness arrives as an io.Reader and
// time as a time.Time argument.
package chat
