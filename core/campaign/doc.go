// Package campaign holds the pure maths of the Oomus AI Campaign Optimizer
// (enterprise module 1): the composite health score, OLS forecasts over daily
// activity, quota saturation, z-score anomalies, the recommendation rules and
// the quota metrics (oomus-platform §5.1, §15.11).
//
// It is pure: no I/O and no clock. Every function takes plain values and the
// current instant `now`; days are calendar days in UTC.
package campaign
