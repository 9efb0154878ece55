// Package analytics holds the pure parts of the Oomus Advanced Analytics
// module (enterprise module 5): the `days` and `limit` parameters, the
// reporting window, day bucketing in UTC, zero-filled timelines, the summary
// and studio figures, campaign types and top campaigns (oomus-enterprise-modules
// Module 5, oomus-platform §5.4).
//
// It is pure: no I/O and no clock. An empty programme gives zeros and empty
// lists; timelines always hold one entry per day of the window.
package analytics
