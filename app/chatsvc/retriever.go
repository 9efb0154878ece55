package chatsvc

import (
	"context"
	"sort"
	"strings"
	"unicode"

	"github.com/kente-gov/kente/core/chat"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/ports"
)

// Retriever is the ports.Retriever of the chat context: it searches the
// active FAQ entries, the instructions of the conversation's agent and the
// caller's own conversations. Documents come with the knowledge-base issue.
type Retriever struct {
	FAQs   ports.FAQStore           // nil: FAQs are not searched
	Agents ports.AgentStore         // nil: agents are not searched
	Search ports.ConversationSearch // nil: conversations are not searched
}

var _ ports.Retriever = (*Retriever)(nil)

// Relevance given to each kind of source (the engines' scores are not
// comparable across searches, so the kinds are ranked by fixed values).
const (
	agentScore        = 0.75
	conversationScore = 0.6
	maxTerms          = 3
)

// Retrieve returns up to limit passages for query within scope.
func (r *Retriever) Retrieve(ctx context.Context, query string, scope chat.Scope, limit int) ([]chat.Passage, error) {
	if limit <= 0 {
		return []chat.Passage{}, nil
	}
	terms := keyTerms(query)
	out := []chat.Passage{}
	if r.FAQs != nil {
		faqs, err := r.FAQs.MatchFAQs(ctx, chat.FAQTerms(query), min(limit, chat.MaxFAQMatches))
		if err != nil {
			return nil, err
		}
		for _, f := range faqs {
			out = append(out, f.Passage())
		}
	}
	if r.Agents != nil && scope.AgentID != "" && len(terms) > 0 {
		a, err := r.Agents.Agent(ctx, scope.AgentID)
		switch {
		case err == nil && a.Active && mentionsAny(a.SystemPrompt, terms):
			out = append(out, chat.Passage{Title: a.Name, Source: "Agent instructions: " + a.Name, Snippet: a.SystemPrompt, Score: agentScore})
		case err != nil && !fault.Is(err, fault.NotFound):
			return nil, err
		}
	}
	if r.Search != nil && scope.UserID != "" {
		seen := map[string]bool{}
		for _, t := range terms {
			hits, _, err := r.Search.SearchConversations(ctx, scope.UserID, t, limit, 0)
			if err != nil {
				return out, err
			}
			for _, h := range hits {
				if seen[h.ConversationID] || h.Snippet == "" {
					continue
				}
				seen[h.ConversationID] = true
				out = append(out, chat.Passage{Title: h.Title, Source: "Your conversation: " + h.Title, Snippet: h.Snippet, Score: conversationScore})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// keyTerms returns the longest distinct words (over 3 letters) of q, at
// most maxTerms, longest first: the search engines match every term of a
// query, so a question is searched word by word.
func keyTerms(q string) []string {
	words := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	seen := map[string]bool{}
	var out []string
	for _, w := range words {
		if len([]rune(w)) > 3 && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	if len(out) > maxTerms {
		out = out[:maxTerms]
	}
	return out
}

func mentionsAny(s string, terms []string) bool {
	s = strings.ToLower(s)
	for _, t := range terms {
		if strings.Contains(s, t) {
			return true
		}
	}
	return false
}
