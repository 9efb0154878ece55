package tier

// Usage nudge kinds, shown to users on the free effective plan only.
const (
	NudgeLimitReached = "limit_reached" // no message left today
	NudgeAlmostThere  = "almost_there"  // at least 80 % of today's quota used
	NudgeHalfway      = "halfway"       // at least 50 % used
)

// UsageNudge returns the usage nudge for a user whose effective plan is
// effective and who has used used of limit messages today: none ("") on a
// paid plan (a trial counts as paid) or without a daily cap; otherwise
// NudgeLimitReached when nothing remains, NudgeAlmostThere from 80 %,
// NudgeHalfway from 50 %, and none below.
func UsageNudge(effective string, used, limit int) string {
	if effective != Free || limit == Unlimited || limit <= 0 {
		return ""
	}
	switch {
	case used >= limit:
		return NudgeLimitReached
	case used*5 >= limit*4:
		return NudgeAlmostThere
	case used*2 >= limit:
		return NudgeHalfway
	}
	return ""
}
