package chat_test

import (
	"bytes"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/chat"
	"github.com/kente-gov/kente/core/fault"
)

func TestTitle(t *testing.T) {
	long := strings.Repeat("abcdefghij", 7) // 70 characters
	tests := []struct {
		name, model, user, want string
	}{
		{"clean", "Budget reallocation memo", "x", "Budget reallocation memo"},
		{"quotes", `"Budget memo"`, "x", "Budget memo"},
		{"curly quotes and prefix", "Title: “Budget memo”", "x", "Budget memo"},
		{"markdown", "**Budget memo**\nsecond line", "x", "Budget memo"},
		{"55 kept", strings.Repeat("a", 55), "x", strings.Repeat("a", 55)},
		{"56 cut", strings.Repeat("a", 56), "x", strings.Repeat("a", 52) + "..."},
		{"too short", "Hi", "Draft a memo on budget reallocation", "Draft a memo on budget reallocation"},
		{"model failed", "", "  Draft\na memo  ", "Draft a memo"},
		{"fallback cut", "", long, long[:57] + "..."},
		{"fallback 60 kept", "", long[:60], long[:60]},
		{"nothing at all", "", "", chat.DefaultTitle},
		{"non-ASCII counted as characters", strings.Repeat("ɛ", 55), "x", strings.Repeat("ɛ", 55)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, chat.Title(tt.model, tt.user))
		})
	}
}

func TestNeedsTitle(t *testing.T) {
	assert.True(t, chat.NeedsTitle(chat.Conversation{Title: chat.DefaultTitle}, 2))
	assert.True(t, chat.NeedsTitle(chat.Conversation{}, 1))
	assert.False(t, chat.NeedsTitle(chat.Conversation{Title: chat.DefaultTitle}, 3), "only the first exchange")
	assert.False(t, chat.NeedsTitle(chat.Conversation{Title: "My own title"}, 2), "a user-chosen title is kept")
	msgs := chat.TitleMessages(strings.Repeat("a", 2000))
	require.Len(t, msgs, 2)
	assert.Equal(t, chat.RoleSystem, msgs[0].Role)
	assert.Len(t, []rune(msgs[1].Content), 1000)
}

func TestShareToken(t *testing.T) {
	a, err := chat.NewShareToken(rand.Reader)
	require.NoError(t, err)
	b, err := chat.NewShareToken(rand.Reader)
	require.NoError(t, err)
	assert.Len(t, a, chat.ShareTokenLen)
	assert.NotEqual(t, a, b)
	assert.True(t, chat.ValidShareToken(a))

	fixed, err := chat.NewShareToken(bytes.NewReader(bytes.Repeat([]byte{0xff}, 32)))
	require.NoError(t, err)
	assert.Equal(t, strings.Repeat("_", 42)+"8", fixed, "32 bytes, base64url without padding")

	_, err = chat.NewShareToken(bytes.NewReader(make([]byte, 31)))
	assert.Error(t, err, "a short read is an error, never a short token")

	for _, bad := range []string{"", "abc", a[:42] + "=", a[:42] + "+", strings.Repeat("_", 43), a + "A"} {
		assert.False(t, chat.ValidShareToken(bad), bad)
	}
	assert.Len(t, chat.HashShareToken(a), 64)
	assert.Equal(t, chat.HashShareToken(a), chat.HashShareToken(a))
	assert.NotEqual(t, chat.HashShareToken(a), chat.HashShareToken(b))

	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	assert.False(t, chat.ShareExpired(at, at.Add(chat.ShareTTL-time.Second)))
	assert.True(t, chat.ShareExpired(at, at.Add(chat.ShareTTL)))
}

func TestOwnership(t *testing.T) {
	conv := chat.Conversation{ID: "conv_1", UserID: "usr_a"}
	assert.NoError(t, chat.CheckConversation(conv, "usr_a"))
	for _, who := range []string{"usr_b", ""} {
		err := chat.CheckConversation(conv, who)
		assert.True(t, fault.Is(err, fault.NotFound), "%q: %v", who, err)
	}
	assert.True(t, fault.Is(chat.CheckConversation(chat.Conversation{}, ""), fault.NotFound), "empty owner and caller do not match")

	answer := chat.StoredMessage{Message: chat.Message{ID: "msg_1", ConversationID: "conv_1", Role: chat.RoleAssistant}, UserID: "usr_a"}
	assert.NoError(t, chat.CheckMessage(answer, "usr_a", "conv_1"))
	assert.True(t, fault.Is(chat.CheckMessage(answer, "usr_a", "conv_2"), fault.NotFound), "message of another conversation")
	assert.True(t, fault.Is(chat.CheckMessage(answer, "usr_b", ""), fault.NotFound))
	assert.NoError(t, chat.CheckAnswer(answer, "usr_a"))
	question := answer
	question.Role = chat.RoleUser
	fe, ok := fault.As(chat.CheckAnswer(question, "usr_a"))
	require.True(t, ok)
	assert.Equal(t, fault.Invalid, fe.Kind)
	assert.Equal(t, "messageId", fe.Field)
	assert.True(t, fault.Is(chat.CheckAnswer(question, "usr_b"), fault.NotFound), "ownership is checked first")

	assert.NoError(t, chat.CheckFolder(chat.Folder{UserID: "usr_a"}, "usr_a"))
	assert.True(t, fault.Is(chat.CheckFolder(chat.Folder{UserID: "usr_a"}, "usr_b"), fault.NotFound))
	assert.NoError(t, chat.CheckMemory(chat.Memory{UserID: "usr_a"}, "usr_a"))
	assert.True(t, fault.Is(chat.CheckMemory(chat.Memory{UserID: "usr_a"}, "usr_b"), fault.NotFound))
}

func TestSeedAgents(t *testing.T) {
	agents := chat.SeedAgents()
	require.Len(t, agents, 25)
	names := map[string]bool{}
	prompts := map[string]bool{}
	for _, a := range agents {
		assert.False(t, names[a.Name], "duplicate name %s", a.Name)
		names[a.Name] = true
		assert.False(t, prompts[a.SystemPrompt], "duplicate prompt of %s", a.Name)
		prompts[a.SystemPrompt] = true
		assert.True(t, a.Active)
		assert.True(t, a.Audience.Valid(), a.Name)
		assert.NotEmpty(t, a.Department, a.Name)
		assert.NotEmpty(t, a.Description, a.Name)
		assert.Contains(t, []string{"procurement", "legal", "finance", "hr", "it", "governance", "research", "general"}, a.KnowledgeCategory, a.Name)
		p := strings.ToLower(a.SystemPrompt)
		assert.Contains(t, p, "cite", "%s says how it cites", a.Name)
		assert.Contains(t, p, "refuse", "%s says what it refuses", a.Name)
		assert.Greater(t, strings.Count(a.SystemPrompt, ". "), 1, "%s: a few sentences", a.Name)
		assert.Empty(t, a.ID, "ids are the service's")
	}
	for _, n := range []string{"Legal Advisor", "Trade & Industry", "Training Coordinator", "Security Advisor"} {
		assert.True(t, names[n], n)
	}
	agents[0].Name = "changed"
	assert.Equal(t, "Legal Advisor", chat.SeedAgents()[0].Name, "each call returns fresh values")
}

func TestSeedPlan(t *testing.T) {
	assert.Len(t, chat.SeedPlan(nil), 25)
	plan := chat.SeedPlan([]string{" legal advisor ", "HR MANAGER", "My own agent"})
	require.Len(t, plan, 23)
	for _, a := range plan {
		assert.NotEqual(t, "Legal Advisor", a.Name)
		assert.NotEqual(t, "HR Manager", a.Name)
	}
	var all []string
	for _, a := range chat.SeedAgents() {
		all = append(all, a.Name)
	}
	assert.Empty(t, chat.SeedPlan(all), "seeding twice creates nothing")
}
