package porttest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/chat"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/ports"
)

func addFAQ(t *testing.T, s ports.FAQStore, q, a string, kw []string, priority int, active bool, at time.Time) chat.FAQ {
	t.Helper()
	f := chat.FAQ{ID: chatID("faq_"), Question: q, Answer: a, Keywords: kw, Priority: priority, Active: active, CreatedBy: "usr_admin",
		CreatedAt: at, UpdatedAt: at}
	require.NoError(t, f.Normalize())
	require.NoError(t, s.CreateFAQ(context.Background(), f))
	return f
}

func faqIDs(fs []chat.FAQ) []string { return chatIDs(fs, func(f chat.FAQ) string { return f.ID }) }

// FAQStore runs the contract of ports.FAQStore.
func FAQStore(t *testing.T, fresh func(t *testing.T) Chat) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

	t.Run("CRUD", func(t *testing.T) {
		s := fresh(t).FAQs
		f := addFAQ(t, s, "What is the single-source threshold?", "GHS 20,000 under Act 663.", []string{"procurement", "Act 663"}, 5, true, t0)
		got, err := s.FAQ(ctx, f.ID)
		require.NoError(t, err)
		assert.Equal(t, f, got)
		assert.True(t, fault.Is(s.CreateFAQ(ctx, f), fault.Conflict), "a taken id")

		up, err := s.UpdateFAQ(ctx, f.ID, func(x *chat.FAQ) error {
			x.Answer, x.Active, x.UpdatedAt, x.CreatedBy = "GHS 25,000.", false, t0.Add(time.Hour), "usr_other"
			return nil
		})
		require.NoError(t, err)
		assert.Equal(t, "GHS 25,000.", up.Answer)
		assert.False(t, up.Active)
		assert.Equal(t, "usr_admin", up.CreatedBy, "the creator does not change")
		got, _ = s.FAQ(ctx, f.ID)
		assert.Equal(t, up, got)
		_, err = s.UpdateFAQ(ctx, f.ID, func(*chat.FAQ) error { return fault.Field("answer", "x", "no") })
		assert.True(t, fault.Is(err, fault.Invalid), "fn's error aborts")
		got, _ = s.FAQ(ctx, f.ID)
		assert.Equal(t, "GHS 25,000.", got.Answer)

		require.NoError(t, s.DeleteFAQ(ctx, f.ID))
		_, err = s.FAQ(ctx, f.ID)
		assert.True(t, fault.Is(err, fault.NotFound))
		assert.True(t, fault.Is(s.DeleteFAQ(ctx, f.ID), fault.NotFound))
		_, err = s.UpdateFAQ(ctx, f.ID, func(*chat.FAQ) error { return nil })
		assert.True(t, fault.Is(err, fault.NotFound))
	})

	t.Run("ListOrderAndPages", func(t *testing.T) {
		s := fresh(t).FAQs
		low := addFAQ(t, s, "Low", "a", nil, 0, true, t0)
		high := addFAQ(t, s, "High", "a", nil, 9, false, t0)
		newer := addFAQ(t, s, "Newer low", "a", nil, 0, true, t0.Add(time.Minute))
		list, total, err := s.FAQs(ctx, 2, 0)
		require.NoError(t, err)
		assert.Equal(t, 3, total)
		assert.Equal(t, []string{high.ID, newer.ID}, faqIDs(list), "priority, then newest; inactive entries are listed")
		list, _, err = s.FAQs(ctx, 2, 2)
		require.NoError(t, err)
		assert.Equal(t, []string{low.ID}, faqIDs(list))
		_, _, err = s.FAQs(ctx, 0, 0)
		assert.True(t, fault.Is(err, fault.Invalid))
	})

	t.Run("Match", func(t *testing.T) {
		s := fresh(t).FAQs
		proc := addFAQ(t, s, "What is the single-source PROCUREMENT threshold?", "GHS 20,000.", []string{"tender"}, 1, true, t0)
		leave := addFAQ(t, s, "How many days of annual leave?", "Twenty working days.", []string{"holidays", "congé"}, 3, true, t0)
		_ = addFAQ(t, s, "Procurement for retired staff", "Ask HR.", nil, 9, false, t0) // inactive
		pct := addFAQ(t, s, "Is the levy 100% of tax_base?", "No.", nil, 0, true, t0)

		got, err := s.MatchFAQs(ctx, []string{"procurement"}, 3)
		require.NoError(t, err)
		assert.Equal(t, []string{proc.ID}, faqIDs(got), "case-insensitive on the question; inactive never")
		got, err = s.MatchFAQs(ctx, []string{"tender", "holidays"}, 3)
		require.NoError(t, err)
		assert.Equal(t, []string{leave.ID, proc.ID}, faqIDs(got), "keywords too, by priority")
		got, err = s.MatchFAQs(ctx, []string{"congé"}, 3)
		require.NoError(t, err)
		assert.Equal(t, []string{leave.ID}, faqIDs(got), "non-ASCII keyword")
		got, err = s.MatchFAQs(ctx, []string{"tender", "holidays"}, 1)
		require.NoError(t, err)
		assert.Len(t, got, 1)
		got, err = s.MatchFAQs(ctx, []string{"100%"}, 3)
		require.NoError(t, err)
		assert.Equal(t, []string{pct.ID}, faqIDs(got))
		got, err = s.MatchFAQs(ctx, []string{"%"}, 3)
		require.NoError(t, err)
		assert.Equal(t, []string{pct.ID}, faqIDs(got), "a % is literal, not a wildcard")
		got, err = s.MatchFAQs(ctx, []string{"ta_"}, 3)
		require.NoError(t, err)
		assert.Empty(t, got, "_ is literal (as a wildcard it would match \"tax\")")
		got, err = s.MatchFAQs(ctx, nil, 3)
		require.NoError(t, err)
		assert.Empty(t, got)
		for i := range 5 {
			addFAQ(t, s, fmt.Sprintf("Budget question %d", i), "a", nil, i, true, t0)
		}
		got, err = s.MatchFAQs(ctx, []string{"budget"}, chat.MaxFAQMatches)
		require.NoError(t, err)
		assert.Len(t, got, chat.MaxFAQMatches)
		assert.Equal(t, "Budget question 4", got[0].Question)
	})
}
