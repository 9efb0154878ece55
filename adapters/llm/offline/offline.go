// Package offline is Kente's zero-set-up LLM: a deterministic extractive
// model. It answers only by quoting the passages it is given (or that its
// Retriever finds), cites each with its [SOURCE_n] marker, says plainly
// when it found nothing, and always says that it is an offline model. It
// streams word by word and counts tokens with chat.EstimateTokens.
package offline

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/kente-gov/kente/core/chat"
	"github.com/kente-gov/kente/ports"
)

// Name is the provider's name in configuration.
const Name = "offline"

// Upstream is the model name the offline model reports.
const Upstream = "kente-offline-extractive"

// ContextWindow is what Model reports when no registry sets a window.
const ContextWindow = 131072

// Answer limits: at most MaxSources sources quoted, MaxSentences
// sentences from each.
const (
	MaxSources   = 3
	MaxSentences = 2
)

// Intro and NoSources are the fixed sentences of every answer.
const (
	Intro     = "I am Kente's offline model: I do not generate text, I quote the sources I can find. Here is what they say:"
	NoSources = "I am Kente's offline model, and I found no source in the knowledge base, the FAQs or your conversations that answers this, so I cannot answer it reliably. " +
		"Try asking with the specific terms of the document or policy you mean, or ask an administrator to connect a language model (KENTE_LLM_PROVIDER)."
)

// Model is the offline LLM. It is safe for concurrent use.
type Model struct {
	retriever ports.Retriever
}

var _ ports.LLM = (*Model)(nil)

// New returns the offline model; retriever may be nil, and is asked only
// when a request carries no passages.
func New(retriever ports.Retriever) *Model { return &Model{retriever: retriever} }

// Model describes any model id: the offline model stands in for all.
func (m *Model) Model(_ context.Context, id string) (ports.ModelInfo, error) {
	return ports.ModelInfo{ID: id, Provider: Name, Upstream: Upstream, ContextWindow: ContextWindow}, nil
}

// Stream answers from req.Passages, or from what the retriever finds for
// the last user message in req.Scope.
func (m *Model) Stream(ctx context.Context, req chat.Request, emit func(chat.Delta) error) (chat.Usage, error) {
	query := req.LastUser()
	passages := req.Passages
	if len(passages) == 0 && m.retriever != nil && strings.TrimSpace(query) != "" {
		found, err := m.retriever.Retrieve(ctx, query, req.Scope, MaxSources)
		if err != nil {
			return chat.Usage{}, fmt.Errorf("offline model: retrieve: %w", err)
		}
		passages = found
	}
	answer := Answer(query, passages)
	usage := chat.Usage{PromptTokens: chat.MessagesTokens(req.Messages), CompletionTokens: chat.EstimateTokens(answer)}
	for w := range Words(answer) {
		if err := ctx.Err(); err != nil {
			return chat.Usage{}, err
		}
		if err := emit(chat.Delta{Content: w}); err != nil {
			return chat.Usage{}, err
		}
	}
	return usage, nil
}

// Answer is the offline model's whole answer to query from passages, whose
// markers are their positions (passages[0] is [SOURCE_1]). It is
// deterministic.
func Answer(query string, passages []chat.Passage) string {
	terms := Terms(query)
	var b strings.Builder
	var cited []int
	for i, p := range passages {
		if len(cited) == MaxSources {
			break
		}
		text := Extract(p.Snippet, terms, MaxSentences)
		if text == "" {
			continue
		}
		if len(cited) == 0 {
			b.WriteString(Intro)
			b.WriteString("\n")
		}
		cited = append(cited, i)
		b.WriteString("\n- ")
		b.WriteString(text)
		b.WriteString(" ")
		b.WriteString(chat.SourceMarker(i + 1))
	}
	if len(cited) == 0 {
		return NoSources
	}
	b.WriteString("\n\nSources: ")
	for n, i := range cited {
		if n > 0 {
			b.WriteString("; ")
		}
		b.WriteString(chat.SourceMarker(i + 1))
		b.WriteString(" ")
		b.WriteString(label(passages[i]))
	}
	b.WriteString(".\nCheck the sources themselves before relying on this answer.")
	return b.String()
}

func label(p chat.Passage) string {
	t, s := strings.Join(strings.Fields(p.Title), " "), strings.Join(strings.Fields(p.Source), " ")
	switch {
	case t != "" && s != "" && t != s:
		return t + " (" + s + ")"
	case t != "":
		return t
	case s != "":
		return s
	}
	return "untitled source"
}

var stopwords = map[string]bool{
	"the": true, "and": true, "for": true, "are": true, "what": true, "who": true, "how": true, "why": true, "when": true,
	"which": true, "that": true, "this": true, "with": true, "from": true, "into": true, "does": true, "can": true,
	"you": true, "your": true, "about": true, "there": true, "their": true, "have": true, "has": true, "was": true,
	"were": true, "will": true, "would": true, "should": true, "could": true, "please": true, "tell": true, "explain": true,
}

// Terms returns the lower-case words of query longer than two letters,
// without common stop words, each once.
func Terms(query string) []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(query), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if len([]rune(w)) > 2 && !stopwords[w] && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// Extract returns up to n sentences of text that share the most terms with
// the query, in their original order, white space collapsed. With no term
// in common it returns the first sentence (the retriever judged the
// passage relevant); with no text, "".
func Extract(text string, terms []string, n int) string {
	sentences := Sentences(text)
	if len(sentences) == 0 {
		return ""
	}
	type scored struct{ i, score int }
	ss := make([]scored, len(sentences))
	for i, s := range sentences {
		low := strings.ToLower(s)
		score := 0
		for _, t := range terms {
			if strings.Contains(low, t) {
				score++
			}
		}
		ss[i] = scored{i, score}
	}
	sort.SliceStable(ss, func(a, b int) bool { return ss[a].score > ss[b].score })
	if ss[0].score == 0 {
		return sentences[0]
	}
	var pick []int
	for _, s := range ss[:min(n, len(ss))] {
		if s.score > 0 {
			pick = append(pick, s.i)
		}
	}
	sort.Ints(pick)
	parts := make([]string, len(pick))
	for i, p := range pick {
		parts[i] = sentences[p]
	}
	return strings.Join(parts, " ")
}

// Sentences splits text at ".", "!" or "?" followed by white space, and at
// blank lines; each sentence has its white space collapsed, and marker
// brackets are escaped (chat.Escape) so a quote cannot forge a citation.
func Sentences(text string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if s := strings.Join(strings.Fields(cur.String()), " "); s != "" {
			out = append(out, chat.Escape(s))
		}
		cur.Reset()
	}
	rs := []rune(text)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		cur.WriteRune(r)
		next := rune(0)
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		switch {
		case (r == '.' || r == '!' || r == '?') && (next == 0 || unicode.IsSpace(next)):
			flush()
		case r == '\n' && next == '\n':
			flush()
		}
	}
	flush()
	return out
}

// Words splits s into the deltas the offline model streams: each word
// with the white space before it ("The", " memo", …), so the deltas
// concatenate to s.
func Words(s string) func(yield func(string) bool) {
	return func(yield func(string) bool) {
		start, prevSpace := 0, true
		for i, r := range s {
			space := unicode.IsSpace(r)
			if space && !prevSpace && i > start {
				if !yield(s[start:i]) {
					return
				}
				start = i
			}
			prevSpace = space
		}
		if start < len(s) {
			yield(s[start:])
		}
	}
}
