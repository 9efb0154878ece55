package chatsvc_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/app/chatsvc"
	"github.com/kente-gov/kente/core/chat"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/core/tier"
	"github.com/kente-gov/kente/ports"
	"github.com/kente-gov/kente/test/testkit"
)

var (
	ctx     = context.Background()
	t0      = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	userSeq atomic.Int64
)

// scripted is an LLM that answers with fixed pieces, optionally failing
// after them; it records the requests it saw.
type scripted struct {
	pieces []string
	fail   error
	title  string
	// memories answers the memory-extraction request when set.
	memories string
	reqs     []chat.Request
}

func (m *scripted) Stream(ctx context.Context, req chat.Request, emit func(chat.Delta) error) (chat.Usage, error) {
	m.reqs = append(m.reqs, req)
	if req.MaxTokens == 30 { // the title request
		return chat.Usage{}, emit(chat.Delta{Content: m.title})
	}
	if req.MaxTokens == 300 && m.memories != "" { // the memory request
		return chat.Usage{}, emit(chat.Delta{Content: m.memories})
	}
	for _, p := range m.pieces {
		if err := ctx.Err(); err != nil {
			return chat.Usage{}, err
		}
		if err := emit(chat.Delta{Content: p}); err != nil {
			return chat.Usage{}, err
		}
	}
	if m.fail != nil {
		return chat.Usage{}, m.fail
	}
	return chat.Usage{PromptTokens: 11, CompletionTokens: len(m.pieces)}, nil
}

func (m *scripted) Model(_ context.Context, id string) (ports.ModelInfo, error) {
	if id == "m-missing" {
		return ports.ModelInfo{}, fault.New(fault.NotFound, "llm.model_unavailable", "no")
	}
	return ports.ModelInfo{ID: id, Provider: "openai", ContextWindow: 8192}, nil
}

type gate struct{}

func (gate) AllowModel(_ context.Context, _ identity.User, id string) (tier.Model, error) {
	switch id {
	case "m-free", "m-missing":
		return tier.Model{ID: id, Tier: tier.Free}, nil
	case "m-pro":
		return tier.Model{}, tier.ErrModelLocked.With("requiredTier", tier.Professional)
	}
	return tier.Model{}, tier.ErrUnknownModel
}

type fixture struct {
	svc   *chatsvc.Service
	llm   *scripted
	audit *testkit.AuditRecorder
	users *sqlstore.UserStore
	convs *sqlstore.ConversationStore
	msgs  *sqlstore.MessageStore
}

func newFixture(t *testing.T) fixture { return newFixtureWith(t, nil) }

// newFixtureWith is newFixture with edit applied to the service's deps.
func newFixtureWith(t *testing.T, edit func(*chatsvc.Deps)) fixture {
	t.Helper()
	db := sqltest.Fresh(t, sqlstore.SQLite)
	f := fixture{llm: &scripted{pieces: []string{"Hello", " there", "."}, title: "\"Budget memo\""}, audit: &testkit.AuditRecorder{},
		users: sqlstore.NewUserStore(db), convs: sqlstore.NewConversationStore(db), msgs: sqlstore.NewMessageStore(db)}
	agents := sqlstore.NewAgentStore(db)
	d := chatsvc.Deps{Conversations: f.convs, Messages: f.msgs, Folders: sqlstore.NewFolderStore(db),
		Memories: sqlstore.NewMemoryStore(db), Agents: agents, Search: f.convs, LLM: f.llm,
		Retriever: &chatsvc.Retriever{Agents: agents, Search: f.convs}, Models: gate{}, Audit: f.audit,
		Clock: testkit.NewClock(t0), Rand: rand.Reader, DefaultModel: "m-free"}
	if edit != nil {
		edit(&d)
	}
	f.svc = chatsvc.New(d)
	return f
}

func (f fixture) user(t *testing.T) identity.User {
	t.Helper()
	n := userSeq.Add(1)
	u := identity.User{ID: fmt.Sprintf("usr_%016x", n), Email: fmt.Sprintf("u%d@gov.gh", n), FullName: "Ama Mensah",
		Role: identity.RoleUser, Tier: tier.Free, Status: identity.StatusActive, UserType: identity.UserTypeGovernment,
		AccessCodeKey: fmt.Sprintf("k%d", n), AccessCodeHash: "h", ReferralCode: fmt.Sprintf("AMA-%d", n), CreatedAt: t0, UpdatedAt: t0}
	require.NoError(t, f.users.CreateUser(ctx, u))
	return u
}

func codeOf(err error) string {
	fe, _ := fault.As(err)
	if fe == nil {
		return ""
	}
	return fe.Code
}

func TestChatStoresWhatItStreamsAndTitles(t *testing.T) {
	f := newFixture(t)
	u := f.user(t)
	c, err := f.svc.CreateConversation(ctx, u, chatsvc.NewConversation{})
	require.NoError(t, err)
	turn, err := f.svc.StartChat(ctx, u, chatsvc.ChatInput{ConversationID: c.ID, Message: "Draft a budget memo"})
	require.NoError(t, err)
	var got []string
	res, err := turn.Stream(ctx, func(s string) error { got = append(got, s); return nil })
	require.NoError(t, err)
	assert.Equal(t, []string{"Hello", " there", "."}, got)
	assert.Equal(t, chat.Usage{PromptTokens: 11, CompletionTokens: 3}, res.Usage)
	msgs, err := f.svc.Messages(ctx, u, c.ID)
	require.NoError(t, err)
	require.Len(t, msgs, 2)
	assert.Equal(t, "Draft a budget memo", msgs[0].Content)
	assert.Equal(t, "Hello there.", msgs[1].Content)
	assert.Equal(t, res.MessageID, msgs[1].ID)
	assert.Equal(t, "m-free", msgs[1].Model)
	conv, err := f.svc.Conversation(ctx, u, c.ID)
	require.NoError(t, err)
	assert.Equal(t, "Budget memo", conv.Title)
	// The system prompt came first; the user's text is the last message.
	req := f.llm.reqs[0]
	assert.Equal(t, chat.RoleSystem, req.Messages[0].Role)
	assert.Equal(t, "Draft a budget memo", req.LastUser())
}

func TestChatFailureMidStreamStoresNoAnswer(t *testing.T) {
	f := newFixture(t)
	u := f.user(t)
	c, err := f.svc.CreateConversation(ctx, u, chatsvc.NewConversation{Title: "Mine"})
	require.NoError(t, err)
	f.llm.fail = fault.New(fault.Unavailable, "llm.broken", "The model stopped answering")
	turn, err := f.svc.StartChat(ctx, u, chatsvc.ChatInput{ConversationID: c.ID, Message: "hi"})
	require.NoError(t, err)
	n := 0
	_, err = turn.Stream(ctx, func(string) error { n++; return nil })
	assert.Equal(t, "llm.broken", codeOf(err))
	assert.Equal(t, 3, n)
	msgs, _ := f.svc.Messages(ctx, u, c.ID)
	require.Len(t, msgs, 1, "only the user message")
	conv, _ := f.svc.Conversation(ctx, u, c.ID)
	assert.Equal(t, "Mine", conv.Title, "a user's own title is kept")
}

func TestChatCancelStopsUpstream(t *testing.T) {
	f := newFixture(t)
	u := f.user(t)
	c, _ := f.svc.CreateConversation(ctx, u, chatsvc.NewConversation{})
	cctx, cancel := context.WithCancel(ctx)
	turn, err := f.svc.StartChat(cctx, u, chatsvc.ChatInput{ConversationID: c.ID, Message: "hi"})
	require.NoError(t, err)
	n := 0
	_, err = turn.Stream(cctx, func(string) error { n++; cancel(); return nil })
	assert.True(t, errors.Is(err, context.Canceled), "%v", err)
	assert.Equal(t, 1, n)
}

func TestChatRejectsBadInput(t *testing.T) {
	f := newFixture(t)
	u, other := f.user(t), f.user(t)
	c, _ := f.svc.CreateConversation(ctx, u, chatsvc.NewConversation{})
	tests := []struct {
		name string
		give chatsvc.ChatInput
		who  identity.User
		kind fault.Kind
		want string // field
	}{
		{"empty", chatsvc.ChatInput{ConversationID: c.ID, Message: " \n"}, u, fault.Invalid, "message"},
		{"too long", chatsvc.ChatInput{ConversationID: c.ID, Message: strings.Repeat("é", chatsvc.MaxMessageRunes+1)}, u, fault.Invalid, "message"},
		{"no conversation", chatsvc.ChatInput{Message: "hi"}, u, fault.Invalid, "conversationId"},
		{"unknown model", chatsvc.ChatInput{ConversationID: c.ID, Message: "hi", Model: "nope"}, u, fault.Invalid, "model"},
		{"model not served", chatsvc.ChatInput{ConversationID: c.ID, Message: "hi", Model: "m-missing"}, u, fault.Invalid, "model"},
		{"model above tier", chatsvc.ChatInput{ConversationID: c.ID, Message: "hi", Model: "m-pro"}, u, fault.Forbidden, "model"},
		{"another user's", chatsvc.ChatInput{ConversationID: c.ID, Message: "hi"}, other, fault.NotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.svc.StartChat(ctx, tt.who, tt.give)
			fe, ok := fault.As(err)
			require.True(t, ok, "%v", err)
			assert.Equal(t, tt.kind, fe.Kind)
			assert.Equal(t, tt.want, fe.Field)
			if tt.kind == fault.Forbidden {
				assert.Contains(t, fe.Msg, "professional")
				assert.Equal(t, "professional", fe.Extra["requiredTier"])
			}
		})
	}
	msgs, _ := f.svc.Messages(ctx, u, c.ID)
	assert.Empty(t, msgs, "refused messages are not stored")
	_, err := f.svc.CreateConversation(ctx, u, chatsvc.NewConversation{AgentID: "agent_nope"})
	assert.Equal(t, "agentId", func() string { fe, _ := fault.As(err); return fe.Field }())
}

func TestRegenerateReplacesTheAnswer(t *testing.T) {
	f := newFixture(t)
	u := f.user(t)
	c, _ := f.svc.CreateConversation(ctx, u, chatsvc.NewConversation{})
	turn, _ := f.svc.StartChat(ctx, u, chatsvc.ChatInput{ConversationID: c.ID, Message: "hi"})
	first, err := turn.Stream(ctx, func(string) error { return nil })
	require.NoError(t, err)
	f.llm.pieces = []string{"Again"}
	_, err = f.svc.StartRegenerate(ctx, f.user(t), first.MessageID)
	assert.True(t, fault.Is(err, fault.NotFound))
	turn, err = f.svc.StartRegenerate(ctx, u, first.MessageID)
	require.NoError(t, err)
	second, err := turn.Stream(ctx, func(string) error { return nil })
	require.NoError(t, err)
	msgs, _ := f.svc.Messages(ctx, u, c.ID)
	require.Len(t, msgs, 2)
	assert.Equal(t, second.MessageID, msgs[1].ID)
	assert.Equal(t, "Again", msgs[1].Content)
	assert.Equal(t, "hi", f.llm.reqs[len(f.llm.reqs)-1].LastUser())
	require.NoError(t, f.svc.Rate(ctx, u, second.MessageID, 1))
	assert.Equal(t, "chat.invalid_rating", codeOf(f.svc.Rate(ctx, u, second.MessageID, 5)))
	assert.Equal(t, "chat.not_an_answer", codeOf(f.svc.Rate(ctx, u, msgs[0].ID, 1)))
}

func TestShareLifecycleAndExpiry(t *testing.T) {
	f := newFixture(t)
	u := f.user(t)
	c, _ := f.svc.CreateConversation(ctx, u, chatsvc.NewConversation{Title: "Shared"})
	tok, err := f.svc.Share(ctx, u, c.ID)
	require.NoError(t, err)
	v, err := f.svc.Shared(ctx, tok)
	require.NoError(t, err)
	assert.Equal(t, "Shared", v.Conversation.Title)
	_, err = f.svc.Shared(ctx, "short")
	assert.True(t, fault.Is(err, fault.NotFound))
	require.NoError(t, f.svc.Unshare(ctx, u, c.ID))
	_, err = f.svc.Shared(ctx, tok)
	assert.Equal(t, "chat.share_not_found", codeOf(err))
}

func TestSeedAgentsIsIdempotentAndAudited(t *testing.T) {
	f := newFixture(t)
	admin := f.user(t)
	n, err := f.svc.SeedAgents(ctx, admin)
	require.NoError(t, err)
	assert.Equal(t, 25, n)
	n, err = f.svc.SeedAgents(ctx, admin)
	require.NoError(t, err)
	assert.Equal(t, 0, n)
	assert.Equal(t, []string{"admin.seed_agents:success", "admin.seed_agents:success"}, f.audit.Actions())
	all, _ := f.svc.AllAgents(ctx)
	assert.Len(t, all, 25)
}

func TestRetrieverFindsOwnConversationsOnly(t *testing.T) {
	f := newFixture(t)
	u, other := f.user(t), f.user(t)
	c, _ := f.svc.CreateConversation(ctx, u, chatsvc.NewConversation{})
	turn, _ := f.svc.StartChat(ctx, u, chatsvc.ChatInput{ConversationID: c.ID, Message: "The tender committee approves procurement"})
	_, err := turn.Stream(ctx, func(string) error { return nil })
	require.NoError(t, err)
	r := &chatsvc.Retriever{Search: f.convs}
	ps, err := r.Retrieve(ctx, "what about procurement thresholds?", chat.Scope{UserID: u.ID}, 5)
	require.NoError(t, err)
	require.NotEmpty(t, ps)
	assert.Contains(t, ps[0].Snippet, "procurement")
	ps, err = r.Retrieve(ctx, "procurement", chat.Scope{UserID: other.ID}, 5)
	require.NoError(t, err)
	assert.Empty(t, ps)
}

func TestDetectArtifact(t *testing.T) {
	tests := []struct {
		give, want string
		has        bool
	}{
		{"short", "text", false},
		{"Here it is:\n```html\n<table></table>\n```\n", "html", true},
		{"Code:\n```\nx := 1\n```\nthat is all", "code", true},
		{"| a | b |\n|---|---|\n| 1 | 2 |\n", "table", true},
		{"TO: Director\nFROM: Budget Unit\nSUBJECT: Q2 reallocation\n\nPlease note the following.", "document", true},
		{"Steps:\n- one thing\n- two things\n- three things\n", "list", true},
		{"A plain paragraph of prose that says nothing special at all.", "text", false},
	}
	for _, tt := range tests {
		got := chatsvc.DetectArtifact(tt.give)
		assert.Equal(t, tt.want, got.Type, tt.give)
		assert.Equal(t, tt.has, got.Has, tt.give)
		assert.NotEmpty(t, got.Title)
	}
	assert.Equal(t, "Q2 reallocation", chatsvc.DetectArtifact("TO: Director\nSUBJECT: Q2 reallocation\nFROM: me and the rest").Title)
}

func (f fixture) say(t *testing.T, u identity.User, message string) {
	t.Helper()
	c, err := f.svc.CreateConversation(ctx, u, chatsvc.NewConversation{})
	require.NoError(t, err)
	turn, err := f.svc.StartChat(ctx, u, chatsvc.ChatInput{ConversationID: c.ID, Message: message})
	require.NoError(t, err)
	_, err = turn.Stream(ctx, func(string) error { return nil })
	require.NoError(t, err)
}

func memoryMap(t *testing.T, f fixture, u identity.User) map[string]chat.Memory {
	t.Helper()
	list, err := f.svc.Memories(ctx, u)
	require.NoError(t, err)
	out := map[string]chat.Memory{}
	for _, m := range list {
		out[m.Key] = m
	}
	return out
}

// TestChatRemembersWhatTheUserStates: after a reply, the facts the user
// stated become auto memories: from the model's JSON when it gives one,
// else by the fixed rules; a preference is never overwritten.
func TestChatRemembersWhatTheUserStates(t *testing.T) {
	f := newFixture(t)
	u := f.user(t)
	_, err := f.svc.SaveMemory(ctx, u, "writing_style", "formal, in French", chat.MemoryPreference)
	require.NoError(t, err)

	// The model's answer is not JSON: the rules find the facts.
	f.say(t, u, "Hello, I am a procurement officer and I work at the Ministry of Finance. I prefer short answers.")
	got := memoryMap(t, f, u)
	require.Contains(t, got, "role")
	assert.Equal(t, "procurement officer", got["role"].Value)
	assert.Equal(t, chat.MemoryAuto, got["role"].Type)
	assert.Equal(t, "ministry of finance", got["department"].Value)
	assert.Equal(t, "formal, in French", got["writing_style"].Value, "a preference is never overwritten")
	assert.Equal(t, chat.MemoryPreference, got["writing_style"].Type)

	// The model's JSON is used when it gives one.
	f.llm.memories = `[{"key": "expertise", "value": "tender evaluation"}, {"key": "role", "value": "senior procurement officer"}]`
	f.say(t, u, "As a senior officer I evaluate tenders.")
	got = memoryMap(t, f, u)
	assert.Equal(t, "tender evaluation", got["expertise"].Value)
	assert.Equal(t, "senior procurement officer", got["role"].Value, "an auto memory is updated")
	assert.Len(t, got, 4)
}

func TestChatMemoryExtractionCanBeOffAndIsBounded(t *testing.T) {
	f := newFixtureWith(t, func(d *chatsvc.Deps) { d.NoAutoMemories = true })
	u := f.user(t)
	f.say(t, u, "I am a nurse.")
	assert.Empty(t, memoryMap(t, f, u), "turned off")

	f = newFixture(t)
	u = f.user(t)
	for i := range chat.ExtractBelow {
		_, err := f.svc.SaveMemory(ctx, u, fmt.Sprintf("k%d", i), "v", chat.MemoryFact)
		require.NoError(t, err)
	}
	f.say(t, u, "I am a nurse.")
	got := memoryMap(t, f, u)
	assert.Len(t, got, chat.ExtractBelow, "no extraction at 50 memories")
	assert.NotContains(t, got, "role")
}
