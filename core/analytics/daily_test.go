package analytics_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/analytics"
	"github.com/kente-gov/kente/core/fault"
)

func TestTimeline(t *testing.T) {
	now := time.Date(2026, 5, 20, 15, 0, 0, 0, time.UTC)
	d := func(day int) time.Time { return time.Date(2026, 5, day, 0, 0, 0, 0, time.UTC) }
	got, err := analytics.Timeline(now, 3,
		[]analytics.Amount{{At: d(18), Value: 2}, {At: d(20), Value: 1}, {At: d(17), Value: 9}},
		[]analytics.Amount{{At: d(18), Value: 100}, {At: d(18).Add(23 * time.Hour), Value: 50}, {At: d(19), Value: -5}},
		[]analytics.Amount{{At: d(20).Add(time.Hour), Value: 200}, {At: d(21), Value: 7}})
	require.NoError(t, err)
	assert.Equal(t, []analytics.TimelineDay{
		{Date: d(18), Jobs: 2, Cards: 150},
		{Date: d(19)},
		{Date: d(20), Jobs: 1, Cards: 200, DHIS2Cards: 200},
	}, got, "the 17th and the 21st are outside; a negative amount is 0")

	empty, err := analytics.Timeline(now, 2, nil, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, []analytics.TimelineDay{{Date: d(19)}, {Date: d(20)}}, empty)

	for _, days := range []int{0, 3651} {
		_, err := analytics.Timeline(now, days, nil, nil, nil)
		assert.True(t, fault.Is(err, fault.Invalid), "days %d", days)
	}
}
