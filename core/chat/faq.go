package chat

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kente-gov/kente/core/fault"
)

// FAQ is an entry of the knowledge base's question-and-answer list
// (askozzy-notes §3 knowledge_base), retrieved into chat prompts.
type FAQ struct {
	ID        string
	Category  string // "general" when empty
	Question  string
	Answer    string
	Keywords  []string // lower case, each without commas
	Priority  int      // higher first among matches
	Active    bool     // inactive entries are never retrieved
	CreatedBy string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// FAQ limits and retrieval constants (askozzy-notes §4.7).
const (
	MaxFAQQuestion  = 500
	MaxFAQAnswer    = 10_000
	MaxFAQCategory  = 64
	MaxFAQKeywords  = 20
	MaxFAQKeyword   = 50
	MaxFAQPriority  = 1000
	MaxFAQTerms     = 5   // words of a question matched against FAQs
	MaxFAQMatches   = 3   // FAQs added to a prompt
	FAQRelevance    = 0.8 // fixed score of an FAQ passage
	DefaultCategory = "general"
)

// Normalize trims f's text, lower-cases and de-duplicates its keywords and
// defaults its category, then checks the limits: fault.Invalid naming the
// field otherwise.
func (f *FAQ) Normalize() error {
	f.Question = strings.TrimSpace(f.Question)
	f.Answer = strings.TrimSpace(f.Answer)
	f.Category = strings.ToLower(strings.TrimSpace(f.Category))
	if f.Category == "" {
		f.Category = DefaultCategory
	}
	switch n := utf8.RuneCountInString(f.Question); {
	case n == 0:
		return fault.Field("question", "kb.question_required", "question is required")
	case n > MaxFAQQuestion:
		return fault.Field("question", "kb.question_too_long", "question must be at most 500 characters")
	}
	switch n := utf8.RuneCountInString(f.Answer); {
	case n == 0:
		return fault.Field("answer", "kb.answer_required", "answer is required")
	case n > MaxFAQAnswer:
		return fault.Field("answer", "kb.answer_too_long", "answer must be at most 10000 characters")
	}
	if utf8.RuneCountInString(f.Category) > MaxFAQCategory {
		return fault.Field("category", "kb.category_too_long", "category must be at most 64 characters")
	}
	if f.Priority < 0 || f.Priority > MaxFAQPriority {
		return fault.Field("priority", "kb.invalid_priority", "priority must be between 0 and 1000")
	}
	seen := map[string]bool{}
	kw := make([]string, 0, len(f.Keywords))
	for _, k := range f.Keywords {
		k = strings.ToLower(strings.Join(strings.Fields(k), " "))
		if k == "" || seen[k] {
			continue
		}
		if strings.Contains(k, ",") || utf8.RuneCountInString(k) > MaxFAQKeyword {
			return fault.Field("keywords", "kb.invalid_keyword", "each keyword must be at most 50 characters, without commas")
		}
		seen[k] = true
		kw = append(kw, k)
	}
	if len(kw) > MaxFAQKeywords {
		return fault.Field("keywords", "kb.too_many_keywords", "at most 20 keywords")
	}
	f.Keywords = kw
	return nil
}

// SplitKeywords reads the comma-separated keyword text of the original
// (and of the API's string form).
func SplitKeywords(s string) []string {
	var out []string
	for _, k := range strings.Split(s, ",") {
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, k)
		}
	}
	return out
}

// FAQTerms returns the words of a question an FAQ search matches on: up to
// MaxFAQTerms distinct lower-case words longer than 3 characters, in order
// of appearance (askozzy-notes §4.7).
func FAQTerms(query string) []string {
	words := strings.FieldsFunc(strings.ToLower(query), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	seen := map[string]bool{}
	var out []string
	for _, w := range words {
		if utf8.RuneCountInString(w) > 3 && !seen[w] {
			seen[w] = true
			out = append(out, w)
			if len(out) == MaxFAQTerms {
				break
			}
		}
	}
	return out
}

// Passage is the FAQ as a cited source: "Q: …\nA: …" at the fixed FAQ
// relevance.
func (f FAQ) Passage() Passage {
	return Passage{Title: f.Question, Source: "FAQ: " + f.Question, Snippet: "Q: " + f.Question + "\nA: " + f.Answer, Score: FAQRelevance}
}
