package tier_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kente-gov/kente/core/tier"
)

func TestUsageNudge(t *testing.T) {
	tests := []struct {
		name        string
		give        string
		used, limit int
		want        string
	}{
		{"fresh", tier.Free, 0, 10, ""},
		{"below half", tier.Free, 4, 10, ""},
		{"half", tier.Free, 5, 10, tier.NudgeHalfway},
		{"79 %", tier.Free, 79, 100, tier.NudgeHalfway},
		{"80 %", tier.Free, 8, 10, tier.NudgeAlmostThere},
		{"one left", tier.Free, 9, 10, tier.NudgeAlmostThere},
		{"none left", tier.Free, 10, 10, tier.NudgeLimitReached},
		{"over (limit lowered)", tier.Free, 12, 10, tier.NudgeLimitReached},
		{"paid plan", tier.Starter, 100, 100, ""},
		{"trial counts as paid", tier.Professional, 10, 10, ""},
		{"unlimited", tier.Free, 50, tier.Unlimited, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tier.UsageNudge(tt.give, tt.used, tt.limit))
		})
	}
}
