// Package geo holds the pure rules of the Oomus Geospatial Command Center
// (enterprise module 2): region derivation from a campaign's region code or
// prefix, per-region figures, the regional risk score and its levels, the
// heatmap, and the live-events limit (oomus-platform §5.2, §15.8–§15.10).
//
// It is pure: no I/O and no clock.
package geo
