package chat_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/chat"
	"github.com/kente-gov/kente/core/fault"
)

func TestFAQNormalize(t *testing.T) {
	f := chat.FAQ{Question: "  What is the single-source threshold? ", Answer: "GHS 20,000.", Keywords: []string{" Procurement ", "procurement", "Act  663", ""}}
	require.NoError(t, f.Normalize())
	assert.Equal(t, "What is the single-source threshold?", f.Question)
	assert.Equal(t, chat.DefaultCategory, f.Category)
	assert.Equal(t, []string{"procurement", "act 663"}, f.Keywords)

	for _, tc := range []struct {
		name  string
		f     chat.FAQ
		field string
	}{
		{"no question", chat.FAQ{Answer: "a"}, "question"},
		{"long question", chat.FAQ{Question: strings.Repeat("q", 501), Answer: "a"}, "question"},
		{"no answer", chat.FAQ{Question: "q", Answer: " "}, "answer"},
		{"long answer", chat.FAQ{Question: "q", Answer: strings.Repeat("a", 10_001)}, "answer"},
		{"long category", chat.FAQ{Question: "q", Answer: "a", Category: strings.Repeat("c", 65)}, "category"},
		{"priority", chat.FAQ{Question: "q", Answer: "a", Priority: -1}, "priority"},
		{"comma keyword", chat.FAQ{Question: "q", Answer: "a", Keywords: []string{"a,b"}}, "keywords"},
		{"too many keywords", chat.FAQ{Question: "q", Answer: "a", Keywords: strings.Split(strings.Repeat("k,", 20)+"x", ",")}, "keywords"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "too many keywords" { // make them distinct
				for i := range tc.f.Keywords {
					tc.f.Keywords[i] = strings.Repeat("k", i+1)
				}
			}
			err := tc.f.Normalize()
			fe, ok := fault.As(err)
			require.True(t, ok, "%v", err)
			assert.Equal(t, fault.Invalid, fe.Kind)
			assert.Equal(t, tc.field, fe.Field)
		})
	}
}

func TestFAQTermsAndPassage(t *testing.T) {
	assert.Equal(t, []string{"what", "procurement", "threshold", "single", "source"},
		chat.FAQTerms("What is the procurement threshold for single-source goods, please?"))
	assert.Equal(t, []string{"école", "santé"}, chat.FAQTerms("L'école et la santé, l'école"))
	assert.Empty(t, chat.FAQTerms("a an the"))
	p := chat.FAQ{Question: "Q?", Answer: "A."}.Passage()
	assert.Equal(t, "Q: Q?\nA: A.", p.Snippet)
	assert.Equal(t, chat.FAQRelevance, p.Score)
	assert.Equal(t, []string{"a", "b c"}, chat.SplitKeywords(" a, ,b c,"))
}
