package chat_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kente-gov/kente/core/chat"
)

func TestExtractFacts(t *testing.T) {
	for _, tc := range []struct {
		msg  string
		want []chat.Fact
	}{
		{"Hello, I work at the Ministry of Finance and I need help with a memo.",
			[]chat.Fact{{Key: "department", Value: "ministry of finance"}}},
		{"I am a procurement officer. I prefer short answers!",
			[]chat.Fact{{Key: "role", Value: "procurement officer"}, {Key: "writing_style", Value: "short answers"}}},
		{"I'm a bit confused about the tender rules", []chat.Fact{}},
		{"I am a person who has been asked to draft many long reports today", []chat.Fact{}},
		{"Je travaille au ministère de la Santé; je suis une infirmière.",
			[]chat.Fact{{Key: "department", Value: "ministère de la santé"}, {Key: "role", Value: "infirmière"}}},
		{"My role is head of the audit unit. I specialise in public finance law.",
			[]chat.Fact{{Key: "role", Value: "head of the audit unit"}, {Key: "expertise", Value: "public finance law"}}},
		{"Please always answer in French.", []chat.Fact{{Key: "writing_style", Value: "answer in french"}}},
		{"I am studying public health but I work for GHS.",
			[]chat.Fact{{Key: "course", Value: "public health"}, {Key: "department", Value: "ghs"}}},
		{"What is the single-source threshold?", []chat.Fact{}},
		{"I am an analyst. I'm the director. I work as a clerk.", []chat.Fact{{Key: "role", Value: "analyst"}}},
	} {
		assert.Equal(t, tc.want, chat.ExtractFacts(tc.msg), tc.msg)
	}
	long := strings.Repeat("x", chat.ExtractInput) + " I am a nurse."
	assert.Empty(t, chat.ExtractFacts(long), "only the first 1000 characters are read")
}

func TestParseFacts(t *testing.T) {
	facts, ok := chat.ParseFacts("Here you go:\n```json\n[{\"key\": \"Writing Style\", \"value\": \"  formal \"}, {\"key\": \"role\", \"value\": \"nurse\"}," +
		"{\"key\": \"role\", \"value\": \"doctor\"}, {\"key\": \"\", \"value\": \"x\"}, {\"key\": 3, \"value\": \"y\"}]\n```")
	assert.True(t, ok)
	assert.Equal(t, []chat.Fact{{Key: "writing_style", Value: "formal"}, {Key: "role", Value: "nurse"}}, facts)
	facts, ok = chat.ParseFacts("[]")
	assert.True(t, ok)
	assert.Empty(t, facts)
	_, ok = chat.ParseFacts("I found nothing")
	assert.False(t, ok)
	_, ok = chat.ParseFacts("[{broken")
	assert.False(t, ok)
	many := "[" + strings.Repeat(`{"key":"k","value":"v"},`, 3)
	for i := range 8 {
		many += `{"key":"k` + string(rune('a'+i)) + `","value":"v"},`
	}
	facts, ok = chat.ParseFacts(strings.TrimSuffix(many, ",") + "]")
	assert.True(t, ok)
	assert.Len(t, facts, chat.MaxExtracted)
	facts, _ = chat.ParseFacts(`[{"key":"` + strings.Repeat("k", 300) + `","value":"` + strings.Repeat("v", 900) + `"}]`)
	assert.Equal(t, chat.MaxFactKeyRunes, len(facts[0].Key))
	assert.Equal(t, chat.MaxFactValueRunes, len([]rune(facts[0].Value)))
}

func FuzzExtractAndParseFacts(f *testing.F) {
	for _, s := range []string{"I work at the Ministry of Finance.", `[{"key":"role","value":"nurse"}]`, "Je suis une infirmière", "[", "I am a ."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, facts := range [][]chat.Fact{chat.ExtractFacts(s), func() []chat.Fact { fs, _ := chat.ParseFacts(s); return fs }()} {
			assert.LessOrEqual(t, len(facts), chat.MaxExtracted)
			seen := map[string]bool{}
			for _, f := range facts {
				assert.NotEmpty(t, f.Key)
				assert.NotEmpty(t, f.Value)
				assert.False(t, seen[f.Key], "one fact per key")
				seen[f.Key] = true
				assert.LessOrEqual(t, len([]rune(f.Key)), chat.MaxFactKeyRunes)
				assert.LessOrEqual(t, len([]rune(f.Value)), chat.MaxFactValueRunes)
			}
		}
	})
}
