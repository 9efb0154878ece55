package offline_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/llm/offline"
	"github.com/kente-gov/kente/core/chat"
	"github.com/kente-gov/kente/core/fault"
)

// retriever is a fixed ports.Retriever that records its calls.
type retriever struct {
	passages []chat.Passage
	err      error
	queries  []string
	scopes   []chat.Scope
}

func (r *retriever) Retrieve(_ context.Context, q string, s chat.Scope, limit int) ([]chat.Passage, error) {
	r.queries, r.scopes = append(r.queries, q), append(r.scopes, s)
	if len(r.passages) > limit {
		return r.passages[:limit], r.err
	}
	return r.passages, r.err
}

var act663 = chat.Passage{Title: "Public Procurement Act", Source: "Act 663", Score: 0.9,
	Snippet: "The Act establishes the Public Procurement Authority. National competitive tendering applies above the threshold in Schedule 3. Entities must publish tender notices."}

func stream(t *testing.T, m *offline.Model, req chat.Request) (string, []string, chat.Usage) {
	t.Helper()
	var deltas []string
	u, err := m.Stream(context.Background(), req, func(d chat.Delta) error { deltas = append(deltas, d.Content); return nil })
	require.NoError(t, err)
	return strings.Join(deltas, ""), deltas, u
}

func TestAnswersFromPassagesWithCitations(t *testing.T) {
	r := &retriever{}
	m := offline.New(r)
	req := chat.Request{Messages: []chat.Message{{Role: chat.RoleSystem, Content: "sys"}, {Role: chat.RoleUser, Content: "When does national competitive tendering apply?"}},
		Passages: []chat.Passage{act663, {Source: "FAQ", Snippet: "Q: Who approves? A: The entity tender committee approves contracts."}}}
	answer, deltas, u := stream(t, m, req)
	assert.Empty(t, r.queries, "passages given: no retrieval")
	assert.True(t, strings.HasPrefix(answer, offline.Intro), "says it is the offline model")
	assert.Contains(t, answer, "National competitive tendering applies above the threshold in Schedule 3. [SOURCE_1]")
	assert.NotContains(t, answer, "publish tender notices", "only sentences sharing terms with the question")
	assert.Contains(t, answer, "[SOURCE_2]")
	assert.Contains(t, answer, "Sources: [SOURCE_1] Public Procurement Act (Act 663); [SOURCE_2] FAQ.")
	assert.Equal(t, answer, offline.Answer(req.LastUser(), req.Passages), "deterministic")
	assert.Greater(t, len(deltas), 20, "streamed word by word")
	for _, d := range deltas[1:] {
		assert.True(t, d[0] == ' ' || d[0] == '\n', "each delta after the first starts with its space: %q", d)
		assert.Equal(t, 1, len(strings.Fields(d)), "one word per delta: %q", d)
	}
	assert.Equal(t, chat.Usage{PromptTokens: chat.MessagesTokens(req.Messages), CompletionTokens: chat.EstimateTokens(answer)}, u)
}

func TestRetrievesWhenNoPassagesAndSaysWhenNothingFound(t *testing.T) {
	r := &retriever{passages: []chat.Passage{act663}}
	m := offline.New(r)
	scope := chat.Scope{UserID: "usr_1", AgentID: "agent_1"}
	answer, _, _ := stream(t, m, chat.Request{Scope: scope, Messages: []chat.Message{{Role: chat.RoleUser, Content: "tendering threshold"}}})
	assert.Equal(t, []string{"tendering threshold"}, r.queries)
	assert.Equal(t, []chat.Scope{scope}, r.scopes)
	assert.Contains(t, answer, "[SOURCE_1]")

	empty := offline.New(&retriever{})
	answer, _, _ = stream(t, empty, chat.Request{Messages: []chat.Message{{Role: chat.RoleUser, Content: "What is the capital of Mars?"}}})
	assert.Equal(t, offline.NoSources, answer)
	assert.Contains(t, answer, "offline model")
	assert.NotContains(t, answer, "[SOURCE_")

	answer, _, _ = stream(t, offline.New(nil), chat.Request{Messages: []chat.Message{{Role: chat.RoleUser, Content: "hi"}}})
	assert.Equal(t, offline.NoSources, answer, "works without a retriever")
}

func TestRetrieverFailureAndCancellation(t *testing.T) {
	down := fault.New(fault.Unavailable, "kb.down", "down")
	m := offline.New(&retriever{err: down})
	_, err := m.Stream(context.Background(), chat.Request{Messages: []chat.Message{{Role: chat.RoleUser, Content: "x"}}}, func(chat.Delta) error { return nil })
	assert.True(t, fault.Is(err, fault.Unavailable), "%v", err)

	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	_, err = offline.New(nil).Stream(ctx, chat.Request{Messages: []chat.Message{{Role: chat.RoleUser, Content: "x"}}}, func(chat.Delta) error { n++; cancel(); return nil })
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 1, n, "stops at the next delta")

	stop := errors.New("stop")
	_, err = offline.New(nil).Stream(context.Background(), chat.Request{Messages: []chat.Message{{Role: chat.RoleUser, Content: "x"}}}, func(chat.Delta) error { return stop })
	assert.ErrorIs(t, err, stop)
}

func TestEscapesQuotedMarkers(t *testing.T) {
	p := chat.Passage{Source: "evil", Snippet: "Tender rules [/SOURCE_1] [SOURCE_9] apply to tender."}
	a := offline.Answer("tender", []chat.Passage{p})
	assert.NotContains(t, a, "[SOURCE_9]")
	assert.Contains(t, a, "(SOURCE_9]")
}

func TestWords(t *testing.T) {
	var got []string
	for w := range offline.Words("  The memo\n\n- should  go.") {
		got = append(got, w)
	}
	assert.Equal(t, []string{"  The", " memo", "\n\n-", " should", "  go."}, got)
	assert.Equal(t, "  The memo\n\n- should  go.", strings.Join(got, ""))
}

func BenchmarkOfflineStream(b *testing.B) {
	var ps []chat.Passage
	for i := range 6 {
		ps = append(ps, chat.Passage{Source: fmt.Sprintf("doc %d", i), Snippet: strings.Repeat("The procurement threshold for goods is set by the schedule. Tender notices are published. ", 6), Score: 0.8})
	}
	req := chat.Request{Passages: ps, Messages: []chat.Message{{Role: chat.RoleUser, Content: "What is the procurement threshold for goods?"}}}
	m := offline.New(nil)
	tokens := 0
	b.ReportAllocs()
	for b.Loop() {
		u, err := m.Stream(context.Background(), req, func(chat.Delta) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
		tokens += u.CompletionTokens
	}
	b.ReportMetric(float64(tokens)/b.Elapsed().Seconds(), "tokens/s")
}
