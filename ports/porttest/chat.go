package porttest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/chat"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/ports"
)

// Chat is one set of chat stores sharing a database, and the user store
// their owners live in.
type Chat struct {
	Users         ports.UserStore
	Conversations ports.ConversationStore
	Messages      ports.MessageStore
	Folders       ports.FolderStore
	Memories      ports.MemoryStore
	Agents        ports.AgentStore
	Search        ports.ConversationSearch
	FAQs          ports.FAQStore
}

func chatUser(t *testing.T, s Chat) string {
	t.Helper()
	u := newUser()
	require.NoError(t, s.Users.CreateUser(context.Background(), u))
	return u.ID
}

func chatID(prefix string) string { return fmt.Sprintf("%s%016x", prefix, seq.Add(1)) }

func newConversation(userID, title string, at time.Time) chat.Conversation {
	return chat.Conversation{ID: chatID("conv_"), UserID: userID, Title: title, Model: "gpt-oss-120b", CreatedAt: at, UpdatedAt: at}
}

func addConversation(t *testing.T, s Chat, userID, title string, at time.Time) chat.Conversation {
	t.Helper()
	c := newConversation(userID, title, at)
	require.NoError(t, s.Conversations.CreateConversation(context.Background(), c))
	return c
}

func addMessage(t *testing.T, s Chat, userID, convID string, role chat.Role, content string, at time.Time) chat.StoredMessage {
	t.Helper()
	m := chat.StoredMessage{Message: chat.Message{ID: chatID("msg_"), ConversationID: convID, Role: role, Content: content, CreatedAt: at}}
	if role == chat.RoleAssistant {
		m.Model, m.Tokens, m.PromptTokens = "gpt-oss-120b", 42, 150
	}
	require.NoError(t, s.Messages.AppendMessage(context.Background(), userID, m))
	m.UserID = userID
	return m
}

func chatIDs[T any](xs []T, id func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}

func convIDs(cs []chat.Conversation) []string {
	return chatIDs(cs, func(c chat.Conversation) string { return c.ID })
}

func hitIDs(hs []ports.SearchHit) []string {
	return chatIDs(hs, func(h ports.SearchHit) string { return h.ConversationID })
}

// ConversationStore runs the contract of ports.ConversationStore.
func ConversationStore(t *testing.T, fresh func(t *testing.T) Chat) {
	ctx := context.Background()

	t.Run("CreateGetRoundTrip", func(t *testing.T) {
		s := fresh(t)
		u := chatUser(t, s)
		f, err := s.Folders.CreateFolder(ctx, chat.Folder{ID: chatID("fold_"), UserID: u, Name: "Budget", CreatedAt: base, UpdatedAt: base})
		require.NoError(t, err)
		a := newAgent("Budget Analyst")
		require.NoError(t, s.Agents.CreateAgent(ctx, a))
		c := newConversation(u, "Procurement Ọ̀ṣun review 🇬🇭", base)
		c.TemplateID, c.AgentID, c.FolderID, c.Pinned = "budget-memo", a.ID, f.ID, true
		require.NoError(t, s.Conversations.CreateConversation(ctx, c))
		got, err := s.Conversations.Conversation(ctx, u, c.ID)
		require.NoError(t, err)
		assertTime(t, c.CreatedAt, got.CreatedAt, "CreatedAt")
		assertTime(t, c.UpdatedAt, got.UpdatedAt, "UpdatedAt")
		got.CreatedAt, got.UpdatedAt, c.CreatedAt, c.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
		assert.Equal(t, c, got)
	})

	t.Run("OwnerScoped", func(t *testing.T) {
		s := fresh(t)
		u, other := chatUser(t, s), chatUser(t, s)
		c := addConversation(t, s, u, "Mine", base)
		_, err := s.Conversations.Conversation(ctx, other, c.ID)
		requireKind(t, err, fault.NotFound)
		_, err = s.Conversations.UpdateConversation(ctx, other, c.ID, func(c *chat.Conversation) error { c.Title = "x"; return nil })
		requireKind(t, err, fault.NotFound)
		requireKind(t, s.Conversations.DeleteConversation(ctx, other, c.ID), fault.NotFound)
		_, err = s.Conversations.ShareConversation(ctx, other, c.ID, "hash", base)
		requireKind(t, err, fault.NotFound)
		requireKind(t, s.Conversations.UnshareConversation(ctx, other, c.ID), fault.NotFound)
		list, total, err := s.Conversations.ListConversations(ctx, ports.ConversationFilter{UserID: other})
		require.NoError(t, err)
		assert.Empty(t, list)
		assert.Equal(t, 0, total)
		got, err := s.Conversations.Conversation(ctx, u, c.ID)
		require.NoError(t, err)
		assert.Equal(t, "Mine", got.Title)
	})

	t.Run("ForeignFolderOrUnknownAgent", func(t *testing.T) {
		s := fresh(t)
		u, other := chatUser(t, s), chatUser(t, s)
		f, err := s.Folders.CreateFolder(ctx, chat.Folder{ID: chatID("fold_"), UserID: other, Name: "Theirs", CreatedAt: base, UpdatedAt: base})
		require.NoError(t, err)
		c := newConversation(u, "x", base)
		c.FolderID = f.ID
		fe := requireKind(t, s.Conversations.CreateConversation(ctx, c), fault.NotFound)
		assert.Equal(t, ports.CodeFolderNotFound, fe.Code)
		assert.Equal(t, "folderId", fe.Field)
		c.FolderID, c.AgentID = "", "agent_missing"
		fe = requireKind(t, s.Conversations.CreateConversation(ctx, c), fault.NotFound)
		assert.Equal(t, ports.CodeAgentNotFound, fe.Code)
		c.AgentID = ""
		require.NoError(t, s.Conversations.CreateConversation(ctx, c))
		_, err = s.Conversations.UpdateConversation(ctx, u, c.ID, func(c *chat.Conversation) error { c.FolderID = f.ID; return nil })
		fe = requireKind(t, err, fault.NotFound)
		assert.Equal(t, ports.CodeFolderNotFound, fe.Code)
		fe = requireKind(t, s.Conversations.CreateConversation(ctx, c), fault.Conflict)
		assert.Equal(t, ports.CodeChatIDTaken, fe.Code)
	})

	t.Run("ListOrderPagingAndFolders", func(t *testing.T) {
		s := fresh(t)
		u := chatUser(t, s)
		f, err := s.Folders.CreateFolder(ctx, chat.Folder{ID: chatID("fold_"), UserID: u, Name: "F", CreatedAt: base, UpdatedAt: base})
		require.NoError(t, err)
		old := addConversation(t, s, u, "old", base.Add(-3*time.Hour))
		mid := addConversation(t, s, u, "mid", base.Add(-2*time.Hour))
		recent := addConversation(t, s, u, "recent", base.Add(-time.Hour))
		_, err = s.Conversations.UpdateConversation(ctx, u, old.ID, func(c *chat.Conversation) error {
			c.Pinned, c.FolderID = true, f.ID
			return nil
		})
		require.NoError(t, err)
		// A message moves mid to the top of the unpinned ones.
		addMessage(t, s, u, mid.ID, chat.RoleUser, "hello", base)

		list, total, err := s.Conversations.ListConversations(ctx, ports.ConversationFilter{UserID: u})
		require.NoError(t, err)
		assert.Equal(t, 3, total)
		assert.Equal(t, []string{old.ID, mid.ID, recent.ID}, convIDs(list))
		assert.Equal(t, 1, list[1].MessageCount)
		assertTime(t, base, list[1].UpdatedAt, "UpdatedAt after a message")

		page, total, err := s.Conversations.ListConversations(ctx, ports.ConversationFilter{UserID: u, Limit: 1, Offset: 1})
		require.NoError(t, err)
		assert.Equal(t, 3, total)
		assert.Equal(t, []string{mid.ID}, convIDs(page))

		inFolder, total, err := s.Conversations.ListConversations(ctx, ports.ConversationFilter{UserID: u, FolderID: f.ID})
		require.NoError(t, err)
		assert.Equal(t, 1, total)
		assert.Equal(t, []string{old.ID}, convIDs(inFolder))
		unfiled, _, err := s.Conversations.ListConversations(ctx, ports.ConversationFilter{UserID: u, Unfiled: true})
		require.NoError(t, err)
		assert.Equal(t, []string{mid.ID, recent.ID}, convIDs(unfiled))

		_, _, err = s.Conversations.ListConversations(ctx, ports.ConversationFilter{UserID: u, Offset: -1})
		fe := requireKind(t, err, fault.Invalid)
		assert.Equal(t, "offset", fe.Field)
	})

	t.Run("UpdateKeepsWhatFnMayNotChange", func(t *testing.T) {
		s := fresh(t)
		u := chatUser(t, s)
		c := addConversation(t, s, u, "before", base)
		_, err := s.Conversations.ShareConversation(ctx, u, c.ID, strings.Repeat("ab", 32), base)
		require.NoError(t, err)
		got, err := s.Conversations.UpdateConversation(ctx, u, c.ID, func(c *chat.Conversation) error {
			c.Title, c.Pinned, c.UpdatedAt = "after", true, base.Add(time.Minute)
			c.ID, c.UserID, c.ShareTokenHash = "conv_other", "usr_other", ""
			return nil
		})
		require.NoError(t, err)
		assert.Equal(t, c.ID, got.ID)
		reread, err := s.Conversations.Conversation(ctx, u, c.ID)
		require.NoError(t, err)
		assert.Equal(t, "after", reread.Title)
		assert.True(t, reread.Pinned)
		assert.Equal(t, strings.Repeat("ab", 32), reread.ShareTokenHash)
		assertTime(t, base.Add(time.Minute), reread.UpdatedAt, "UpdatedAt")

		boom := fmt.Errorf("boom")
		_, err = s.Conversations.UpdateConversation(ctx, u, c.ID, func(c *chat.Conversation) error { c.Title = "nope"; return boom })
		assert.ErrorIs(t, err, boom)
		reread, err = s.Conversations.Conversation(ctx, u, c.ID)
		require.NoError(t, err)
		assert.Equal(t, "after", reread.Title)
	})

	t.Run("DeleteRemovesMessages", func(t *testing.T) {
		s := fresh(t)
		u := chatUser(t, s)
		c := addConversation(t, s, u, "doomed", base)
		m := addMessage(t, s, u, c.ID, chat.RoleAssistant, "an answer", base)
		require.NoError(t, s.Messages.RateMessage(ctx, u, m.ID, 1, base))
		require.NoError(t, s.Conversations.DeleteConversation(ctx, u, c.ID))
		_, err := s.Conversations.Conversation(ctx, u, c.ID)
		requireKind(t, err, fault.NotFound)
		_, err = s.Messages.Message(ctx, u, m.ID)
		requireKind(t, err, fault.NotFound)
		hits, total, err := s.Search.SearchConversations(ctx, u, "answer", 0, 0)
		require.NoError(t, err)
		assert.Empty(t, hits)
		assert.Equal(t, 0, total)
		requireKind(t, s.Conversations.DeleteConversation(ctx, u, c.ID), fault.NotFound)
	})

	t.Run("ShareUnshare", func(t *testing.T) {
		s := fresh(t)
		u, other := chatUser(t, s), chatUser(t, s)
		c := addConversation(t, s, u, "shared", base)
		h1, h2 := strings.Repeat("1", 64), strings.Repeat("2", 64)
		got, err := s.Conversations.ShareConversation(ctx, u, c.ID, h1, base)
		require.NoError(t, err)
		assert.True(t, got.Shared())
		byToken, err := s.Conversations.SharedConversation(ctx, h1)
		require.NoError(t, err)
		assert.Equal(t, c.ID, byToken.ID)
		require.NotNil(t, byToken.SharedAt)
		assertTime(t, base, *byToken.SharedAt, "SharedAt")

		// A new token replaces the old one.
		_, err = s.Conversations.ShareConversation(ctx, u, c.ID, h2, base.Add(time.Hour))
		require.NoError(t, err)
		_, err = s.Conversations.SharedConversation(ctx, h1)
		requireKind(t, err, fault.NotFound)
		// Another conversation cannot take a live hash.
		c2 := addConversation(t, s, other, "theirs", base)
		_, err = s.Conversations.ShareConversation(ctx, other, c2.ID, h2, base)
		fe := requireKind(t, err, fault.Conflict)
		assert.Equal(t, ports.CodeShareTokenTaken, fe.Code)

		require.NoError(t, s.Conversations.UnshareConversation(ctx, u, c.ID))
		require.NoError(t, s.Conversations.UnshareConversation(ctx, u, c.ID), "unsharing twice is fine")
		_, err = s.Conversations.SharedConversation(ctx, h2)
		requireKind(t, err, fault.NotFound)
		_, err = s.Conversations.SharedConversation(ctx, "")
		requireKind(t, err, fault.NotFound)
		reread, err := s.Conversations.Conversation(ctx, u, c.ID)
		require.NoError(t, err)
		assert.False(t, reread.Shared())
		assert.Nil(t, reread.SharedAt)
	})
}

// MessageStore runs the contract of ports.MessageStore.
func MessageStore(t *testing.T, fresh func(t *testing.T) Chat) {
	ctx := context.Background()

	t.Run("AppendListOldestFirstWithLimit", func(t *testing.T) {
		s := fresh(t)
		u := chatUser(t, s)
		c := addConversation(t, s, u, "c", base)
		var want []chat.StoredMessage
		for i := range 5 {
			role := chat.RoleUser
			if i%2 == 1 {
				role = chat.RoleAssistant
			}
			want = append(want, addMessage(t, s, u, c.ID, role, fmt.Sprintf("message %d — Ọ̀ṣun 🇬🇭", i), base.Add(time.Duration(i)*time.Second)))
		}
		all, err := s.Messages.Messages(ctx, u, c.ID, 0)
		require.NoError(t, err)
		require.Len(t, all, 5)
		for i := range all {
			assertTime(t, want[i].CreatedAt, all[i].CreatedAt, "CreatedAt")
			all[i].CreatedAt, want[i].CreatedAt = time.Time{}, time.Time{}
		}
		assert.Equal(t, want, all)
		last, err := s.Messages.Messages(ctx, u, c.ID, 2)
		require.NoError(t, err)
		assert.Equal(t, []string{want[3].ID, want[4].ID}, chatIDs(last, func(m chat.StoredMessage) string { return m.ID }))
		conv, err := s.Conversations.Conversation(ctx, u, c.ID)
		require.NoError(t, err)
		assert.Equal(t, 5, conv.MessageCount)
		assertTime(t, base.Add(4*time.Second), conv.UpdatedAt, "UpdatedAt")
	})

	t.Run("OwnerScopedAndInvalid", func(t *testing.T) {
		s := fresh(t)
		u, other := chatUser(t, s), chatUser(t, s)
		c := addConversation(t, s, u, "c", base)
		m := addMessage(t, s, u, c.ID, chat.RoleAssistant, "secret", base)
		err := s.Messages.AppendMessage(ctx, other, chat.StoredMessage{Message: chat.Message{ID: chatID("msg_"), ConversationID: c.ID, Role: chat.RoleUser, Content: "x", CreatedAt: base}})
		fe := requireKind(t, err, fault.NotFound)
		assert.Equal(t, ports.CodeConversationNotFound, fe.Code)
		_, err = s.Messages.Messages(ctx, other, c.ID, 0)
		requireKind(t, err, fault.NotFound)
		_, err = s.Messages.Message(ctx, other, m.ID)
		requireKind(t, err, fault.NotFound)
		requireKind(t, s.Messages.RateMessage(ctx, other, m.ID, 1, base), fault.NotFound)
		requireKind(t, s.Messages.DeleteMessage(ctx, other, m.ID), fault.NotFound)
		fe = requireKind(t, s.Messages.RateMessage(ctx, u, m.ID, 2, base), fault.Invalid)
		assert.Equal(t, "rating", fe.Field)
		err = s.Messages.AppendMessage(ctx, u, chat.StoredMessage{Message: chat.Message{ID: chatID("msg_"), ConversationID: c.ID, Role: "robot", Content: "x", CreatedAt: base}})
		fe = requireKind(t, err, fault.Invalid)
		assert.Equal(t, "role", fe.Field)
		err = s.Messages.AppendMessage(ctx, u, m)
		fe = requireKind(t, err, fault.Conflict)
		assert.Equal(t, ports.CodeChatIDTaken, fe.Code)
	})

	t.Run("RateUpsertAndDelete", func(t *testing.T) {
		s := fresh(t)
		u := chatUser(t, s)
		c := addConversation(t, s, u, "c", base)
		m := addMessage(t, s, u, c.ID, chat.RoleAssistant, "answer", base)
		require.NoError(t, s.Messages.RateMessage(ctx, u, m.ID, chat.RatingUp, base))
		require.NoError(t, s.Messages.RateMessage(ctx, u, m.ID, chat.RatingDown, base.Add(time.Second)))
		got, err := s.Messages.Message(ctx, u, m.ID)
		require.NoError(t, err)
		assert.Equal(t, -1, got.Rating)
		assert.Equal(t, 150, got.PromptTokens)
		assert.Equal(t, 42, got.Tokens)
		require.NoError(t, s.Messages.DeleteMessage(ctx, u, m.ID))
		_, err = s.Messages.Message(ctx, u, m.ID)
		requireKind(t, err, fault.NotFound)
	})
}

// FolderStore runs the contract of ports.FolderStore.
func FolderStore(t *testing.T, fresh func(t *testing.T) Chat) {
	ctx := context.Background()

	t.Run("CRUDAndDeleteKeepsConversations", func(t *testing.T) {
		s := fresh(t)
		u, other := chatUser(t, s), chatUser(t, s)
		f1, err := s.Folders.CreateFolder(ctx, chat.Folder{ID: chatID("fold_"), UserID: u, Name: "Zed", SortOrder: 2, CreatedAt: base, UpdatedAt: base})
		require.NoError(t, err)
		assert.Equal(t, chat.DefaultFolderColor, f1.Color)
		f2, err := s.Folders.CreateFolder(ctx, chat.Folder{ID: chatID("fold_"), UserID: u, Name: "Alpha", Color: "#2563eb", SortOrder: 1, CreatedAt: base, UpdatedAt: base})
		require.NoError(t, err)
		c := addConversation(t, s, u, "in folder", base)
		_, err = s.Conversations.UpdateConversation(ctx, u, c.ID, func(c *chat.Conversation) error { c.FolderID = f1.ID; return nil })
		require.NoError(t, err)

		list, err := s.Folders.Folders(ctx, u)
		require.NoError(t, err)
		assert.Equal(t, []string{f2.ID, f1.ID}, chatIDs(list, func(f chat.Folder) string { return f.ID }))
		assert.Equal(t, 1, list[1].ConversationCount)
		theirs, err := s.Folders.Folders(ctx, other)
		require.NoError(t, err)
		assert.Empty(t, theirs)

		_, err = s.Folders.UpdateFolder(ctx, other, f1.ID, func(f *chat.Folder) error { f.Name = "x"; return nil })
		requireKind(t, err, fault.NotFound)
		got, err := s.Folders.UpdateFolder(ctx, u, f1.ID, func(f *chat.Folder) error { f.Name, f.Color = "Renamed", "#7c3aed"; return nil })
		require.NoError(t, err)
		assert.Equal(t, "Renamed", got.Name)
		reread, err := s.Folders.Folder(ctx, u, f1.ID)
		require.NoError(t, err)
		assert.Equal(t, "#7c3aed", reread.Color)

		requireKind(t, s.Folders.DeleteFolder(ctx, other, f1.ID), fault.NotFound)
		require.NoError(t, s.Folders.DeleteFolder(ctx, u, f1.ID))
		_, err = s.Folders.Folder(ctx, u, f1.ID)
		requireKind(t, err, fault.NotFound)
		kept, err := s.Conversations.Conversation(ctx, u, c.ID)
		require.NoError(t, err)
		assert.Equal(t, "", kept.FolderID)
	})
}

// MemoryStore runs the contract of ports.MemoryStore.
func MemoryStore(t *testing.T, fresh func(t *testing.T) Chat) {
	ctx := context.Background()
	mem := func(u, key, value string, typ chat.MemoryType, at time.Time) chat.Memory {
		return chat.Memory{ID: chatID("mem_"), UserID: u, Key: key, Value: value, Type: typ, CreatedAt: at, UpdatedAt: at}
	}

	t.Run("UpsertRulesAndScope", func(t *testing.T) {
		s := fresh(t)
		u, other := chatUser(t, s), chatUser(t, s)
		first, err := s.Memories.UpsertMemory(ctx, mem(u, "department", "Finance", chat.MemoryPreference, base))
		require.NoError(t, err)
		got, err := s.Memories.UpsertMemory(ctx, mem(u, "department", "Guessed", chat.MemoryAuto, base.Add(time.Hour)))
		require.NoError(t, err)
		assert.Equal(t, "Finance", got.Value, "auto never overwrites a preference")
		assert.Equal(t, chat.MemoryPreference, got.Type)
		assert.Equal(t, first.ID, got.ID)

		_, err = s.Memories.UpsertMemory(ctx, mem(u, "style", "Formal", chat.MemoryInstruction, base))
		require.NoError(t, err)
		got, err = s.Memories.UpsertMemory(ctx, mem(u, "style", "Casual", chat.MemoryAuto, base.Add(time.Hour)))
		require.NoError(t, err)
		assert.Equal(t, "Formal", got.Value, "auto never overwrites an instruction")

		_, err = s.Memories.UpsertMemory(ctx, mem(u, "role", "Analyst", chat.MemoryFact, base))
		require.NoError(t, err)
		got, err = s.Memories.UpsertMemory(ctx, mem(u, "role", "Principal Analyst", chat.MemoryAuto, base.Add(time.Hour)))
		require.NoError(t, err)
		assert.Equal(t, "Principal Analyst", got.Value, "auto overwrites a fact")
		assert.Equal(t, chat.MemoryAuto, got.Type)
		assertTime(t, base, got.CreatedAt, "CreatedAt kept")
		assertTime(t, base.Add(time.Hour), got.UpdatedAt, "UpdatedAt")

		got, err = s.Memories.UpsertMemory(ctx, mem(u, "department", "Budget Division", chat.MemoryFact, base.Add(2*time.Hour)))
		require.NoError(t, err)
		assert.Equal(t, "Budget Division", got.Value, "a manual memory overwrites anything")

		_, err = s.Memories.UpsertMemory(ctx, mem(u, "x", "y", "rumour", base))
		fe := requireKind(t, err, fault.Invalid)
		assert.Equal(t, "type", fe.Field)

		list, err := s.Memories.Memories(ctx, u)
		require.NoError(t, err)
		assert.Equal(t, []string{"department", "style", "role"}, chatIDs(list, func(m chat.Memory) string { return m.Key }))
		none, err := s.Memories.Memories(ctx, other)
		require.NoError(t, err)
		assert.Empty(t, none)

		requireKind(t, s.Memories.DeleteMemory(ctx, other, first.ID), fault.NotFound)
		require.NoError(t, s.Memories.DeleteMemory(ctx, u, first.ID))
		list, err = s.Memories.Memories(ctx, u)
		require.NoError(t, err)
		assert.Len(t, list, 2)
	})

	t.Run("ConcurrentUpsertsStoreOne", func(t *testing.T) {
		s := fresh(t)
		u := chatUser(t, s)
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = s.Memories.UpsertMemory(ctx, mem(u, "topic", fmt.Sprint(i), chat.MemoryAuto, base))
			}()
		}
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}
		list, err := s.Memories.Memories(ctx, u)
		require.NoError(t, err)
		assert.Len(t, list, 1)
	})
}

func newAgent(name string) chat.Agent {
	return chat.Agent{
		ID: chatID("agent_"), Name: name, Description: "Helps", SystemPrompt: "You are " + name + ".",
		Avatar: "chart-bar", Category: "finance", Department: "Ministry of Finance", KnowledgeCategory: "finance",
		Model: "gpt-oss-120b", Audience: chat.AudienceAll, Active: true, CreatedAt: base, UpdatedAt: base,
	}
}

// AgentStore runs the contract of ports.AgentStore.
func AgentStore(t *testing.T, fresh func(t *testing.T) Chat) {
	ctx := context.Background()

	t.Run("CRUDAndFilters", func(t *testing.T) {
		s := fresh(t)
		all := newAgent("Budget Analyst")
		student := newAgent("Essay Tutor")
		student.Audience = chat.AudienceStudent
		paid := newAgent("Audit Specialist")
		paid.RequiresPaid = true
		off := newAgent("Old Agent")
		off.Active = false
		for _, a := range []chat.Agent{all, student, paid, off} {
			require.NoError(t, s.Agents.CreateAgent(ctx, a))
		}
		got, err := s.Agents.Agent(ctx, all.ID)
		require.NoError(t, err)
		assertTime(t, all.CreatedAt, got.CreatedAt, "CreatedAt")
		got.CreatedAt, got.UpdatedAt, all.CreatedAt, all.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
		assert.Equal(t, all, got)

		name := func(a chat.Agent) string { return a.Name }
		list, err := s.Agents.Agents(ctx, ports.AgentFilter{})
		require.NoError(t, err)
		assert.Equal(t, []string{"Audit Specialist", "Budget Analyst", "Essay Tutor", "Old Agent"}, chatIDs(list, name))
		list, err = s.Agents.Agents(ctx, ports.AgentFilter{ActiveOnly: true, Audience: chat.AudienceGovernment, ExcludePaid: true})
		require.NoError(t, err)
		assert.Equal(t, []string{"Budget Analyst"}, chatIDs(list, name))
		list, err = s.Agents.Agents(ctx, ports.AgentFilter{ActiveOnly: true, Audience: chat.AudienceStudent})
		require.NoError(t, err)
		assert.Equal(t, []string{"Audit Specialist", "Budget Analyst", "Essay Tutor"}, chatIDs(list, name))

		dup := newAgent("Budget Analyst")
		fe := requireKind(t, s.Agents.CreateAgent(ctx, dup), fault.Conflict)
		assert.Equal(t, ports.CodeAgentNameTaken, fe.Code)

		updated, err := s.Agents.UpdateAgent(ctx, student.ID, func(a *chat.Agent) error { a.Active, a.Description = false, "Retired"; return nil })
		require.NoError(t, err)
		assert.False(t, updated.Active)
		_, err = s.Agents.UpdateAgent(ctx, student.ID, func(a *chat.Agent) error { a.Name = "Budget Analyst"; return nil })
		fe = requireKind(t, err, fault.Conflict)
		assert.Equal(t, ports.CodeAgentNameTaken, fe.Code)

		// Deleting an agent keeps its conversations.
		u := chatUser(t, s)
		c := newConversation(u, "with agent", base)
		c.AgentID = paid.ID
		require.NoError(t, s.Conversations.CreateConversation(ctx, c))
		withCount, err := s.Agents.Agent(ctx, paid.ID)
		require.NoError(t, err)
		assert.Equal(t, 1, withCount.ConversationCount)
		require.NoError(t, s.Agents.DeleteAgent(ctx, paid.ID))
		_, err = s.Agents.Agent(ctx, paid.ID)
		requireKind(t, err, fault.NotFound)
		requireKind(t, s.Agents.DeleteAgent(ctx, paid.ID), fault.NotFound)
		kept, err := s.Conversations.Conversation(ctx, u, c.ID)
		require.NoError(t, err)
		assert.Equal(t, "", kept.AgentID)
	})

	t.Run("CreateIfAbsentIsIdempotent", func(t *testing.T) {
		s := fresh(t)
		created, err := s.Agents.CreateAgentIfAbsent(ctx, newAgent("Legal Advisor"))
		require.NoError(t, err)
		assert.True(t, created)
		created, err = s.Agents.CreateAgentIfAbsent(ctx, newAgent("Legal Advisor"))
		require.NoError(t, err)
		assert.False(t, created)
		var wg sync.WaitGroup
		var mu sync.Mutex
		n := 0
		for range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := s.Agents.CreateAgentIfAbsent(ctx, newAgent("HR Manager"))
				assert.NoError(t, err)
				if ok {
					mu.Lock()
					n++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		assert.Equal(t, 1, n)
		list, err := s.Agents.Agents(ctx, ports.AgentFilter{})
		require.NoError(t, err)
		assert.Len(t, list, 2)
	})
}

// ConversationSearch runs the search contract of docs/decisions.md ("Chat
// search"): every database must pass the same assertions.
func ConversationSearch(t *testing.T, fresh func(t *testing.T) Chat) {
	ctx := context.Background()
	search := func(t *testing.T, s Chat, u, q string, limit, offset int) ([]ports.SearchHit, int) {
		t.Helper()
		hits, total, err := s.Search.SearchConversations(ctx, u, q, limit, offset)
		require.NoError(t, err)
		return hits, total
	}

	// filler gives the engines a corpus in which the test terms are rare,
	// as in real use (MariaDB's IDF is 0 for a term in every row).
	filler := func(t *testing.T, s Chat) {
		u := chatUser(t, s)
		c := addConversation(t, s, u, "Unrelated filler", base.Add(-100*time.Hour))
		for i := range 6 {
			addMessage(t, s, u, c.ID, chat.RoleUser, fmt.Sprintf("Weather report number %d for Accra and Kumasi", i), base.Add(-100*time.Hour))
		}
	}

	t.Run("FoldingTitleBodyAndScope", func(t *testing.T) {
		s := fresh(t)
		filler(t, s)
		u, other := chatUser(t, s), chatUser(t, s)
		byBody := addConversation(t, s, u, "Meeting notes", base)
		m := addMessage(t, s, u, byBody.ID, chat.RoleAssistant, "You met Mr kwamé Mensah about the district budget.", base)
		byTitle := addConversation(t, s, u, "KWAME's procurement file", base.Add(-time.Hour))
		theirs := addConversation(t, s, other, "Kwame Nkrumah", base)
		addMessage(t, s, other, theirs.ID, chat.RoleUser, "kwame kwame kwame", base)

		hits, total := search(t, s, u, "Kwame", 0, 0)
		assert.Equal(t, 2, total)
		assert.ElementsMatch(t, []string{byBody.ID, byTitle.ID}, hitIDs(hits))
		for _, h := range hits {
			assert.NotEqual(t, theirs.ID, h.ConversationID, "another user's conversations never match")
			switch h.ConversationID {
			case byBody.ID:
				assert.Equal(t, m.ID, h.MessageID)
				assert.Equal(t, "Meeting notes", h.Title)
				assert.Equal(t, "You met Mr kwamé Mensah about the district budget.", h.Snippet)
				assertTime(t, base, h.UpdatedAt, "UpdatedAt")
			case byTitle.ID:
				assert.Equal(t, "", h.MessageID)
				assert.Equal(t, "KWAME's procurement file", h.Snippet)
			}
			assert.Greater(t, h.Score, 0.0)
		}
		// Accents in the query fold too; a prefix matches; all terms are required.
		hits, _ = search(t, s, u, "KWAMÉ mens", 0, 0)
		assert.Equal(t, []string{byBody.ID}, hitIDs(hits))
		hits, _ = search(t, s, u, "procure", 0, 0)
		assert.Equal(t, []string{byTitle.ID}, hitIDs(hits))
		hits, total = search(t, s, u, "kwame weather", 0, 0)
		assert.Empty(t, hits)
		assert.Equal(t, 0, total)
	})

	t.Run("OnlyPunctuationOrEmpty", func(t *testing.T) {
		s := fresh(t)
		u := chatUser(t, s)
		c := addConversation(t, s, u, "Budget", base)
		addMessage(t, s, u, c.ID, chat.RoleUser, "the budget", base)
		for _, q := range []string{"", "   ", "?!...", `"*:()`, "-- ; DROP TABLE"} {
			hits, total, err := s.Search.SearchConversations(ctx, u, q, 0, 0)
			require.NoError(t, err, q)
			if q == "-- ; DROP TABLE" {
				assert.Empty(t, hits)
				continue
			}
			assert.Empty(t, hits, q)
			assert.Equal(t, 0, total, q)
		}
		// Stop-words are ordinary terms.
		hits, _ := search(t, s, u, "the", 0, 0)
		assert.Equal(t, []string{c.ID}, hitIDs(hits))
	})

	t.Run("ShortTermsAndWildcards", func(t *testing.T) {
		s := fresh(t)
		filler(t, s)
		u := chatUser(t, s)
		ai := addConversation(t, s, u, "Policy", base)
		addMessage(t, s, u, ai.ID, chat.RoleUser, "Draft an AI policy for the ministry", base)
		pct := addConversation(t, s, u, "Rates", base.Add(-time.Hour))
		addMessage(t, s, u, pct.ID, chat.RoleUser, "Interest is 100% of nothing_here", base.Add(-time.Hour))
		hits, _ := search(t, s, u, "ai", 0, 0)
		assert.Equal(t, []string{ai.ID}, hitIDs(hits), "a two-letter term matches")
		hits, _ = search(t, s, u, "ai policy", 0, 0)
		assert.Equal(t, []string{ai.ID}, hitIDs(hits))
		hits, total := search(t, s, u, "%", 0, 0)
		assert.Empty(t, hits, "% is punctuation, not a wildcard")
		assert.Equal(t, 0, total)
		hits, _ = search(t, s, u, "_", 0, 0)
		assert.Empty(t, hits)
	})

	t.Run("RelevanceThenRecencyAndPaging", func(t *testing.T) {
		s := fresh(t)
		filler(t, s)
		u := chatUser(t, s)
		// Messages of equal length, so only how often the term occurs
		// differs; the strongest is the oldest, so relevance must beat
		// recency.
		strong := addConversation(t, s, u, "Strong", base.Add(-20*time.Hour))
		addMessage(t, s, u, strong.ID, chat.RoleUser, "tender tender tender", base.Add(-20*time.Hour))
		medium := addConversation(t, s, u, "Medium", base.Add(-15*time.Hour))
		addMessage(t, s, u, medium.ID, chat.RoleUser, "tender board tender", base.Add(-15*time.Hour))
		var ties []chat.Conversation
		for i := range 3 {
			c := addConversation(t, s, u, fmt.Sprintf("Tie %d", i), base.Add(-time.Duration(10+i)*time.Hour))
			addMessage(t, s, u, c.ID, chat.RoleUser, "weekly tender board", base.Add(-time.Duration(10+i)*time.Hour))
			ties = append(ties, c)
		}
		hits, total := search(t, s, u, "tender", 0, 0)
		require.Equal(t, 5, total)
		require.Len(t, hits, 5)
		assert.Equal(t, []string{strong.ID, medium.ID}, hitIDs(hits[:2]), "more occurrences rank first")
		assert.Equal(t, convIDs(ties), hitIDs(hits[2:]), "equal relevance: most recently updated first")
		assert.Greater(t, hits[0].Score, hits[1].Score)
		assert.Greater(t, hits[1].Score, hits[2].Score)
		for i := 1; i < len(hits); i++ {
			assert.GreaterOrEqual(t, hits[i-1].Score, hits[i].Score)
		}

		page, total := search(t, s, u, "tender", 2, 1)
		assert.Equal(t, 5, total)
		assert.Equal(t, hitIDs(hits[1:3]), hitIDs(page))
		page, total = search(t, s, u, "tender", 2, 10)
		assert.Empty(t, page)
		assert.Equal(t, 5, total, "a page past the end still reports the total")

		_, _, err := s.Search.SearchConversations(ctx, u, "tender", 101, 0)
		fe := requireKind(t, err, fault.Invalid)
		assert.Equal(t, "limit", fe.Field)
		_, _, err = s.Search.SearchConversations(ctx, u, "tender", 0, -1)
		fe = requireKind(t, err, fault.Invalid)
		assert.Equal(t, "offset", fe.Field)
	})

	t.Run("OneHitPerConversationAndSnippetCut", func(t *testing.T) {
		s := fresh(t)
		filler(t, s)
		u := chatUser(t, s)
		c := addConversation(t, s, u, "Levy questions", base)
		long := strings.Repeat("word ", 30) + "the e-levy applies to transfers " + strings.Repeat("more ", 60)
		addMessage(t, s, u, c.ID, chat.RoleUser, "What is the levy?", base)
		addMessage(t, s, u, c.ID, chat.RoleAssistant, long, base.Add(time.Second))
		hits, total := search(t, s, u, "levy", 0, 0)
		require.Equal(t, 1, total)
		require.Len(t, hits, 1)
		assert.NotEmpty(t, hits[0].MessageID, "a matching message gives the snippet, not the title")
		for _, h := range hits {
			if strings.HasPrefix(h.Snippet, "...") {
				assert.Contains(t, h.Snippet, "e-levy")
				assert.True(t, strings.HasSuffix(h.Snippet, "..."))
				assert.LessOrEqual(t, len([]rune(h.Snippet)), 206)
			} else {
				assert.Equal(t, "What is the levy?", h.Snippet)
			}
		}
		// The long message's snippet is cut around its first match.
		hits, _ = search(t, s, u, "transfers", 0, 0)
		require.Len(t, hits, 1)
		assert.True(t, strings.HasPrefix(hits[0].Snippet, "...word word"), hits[0].Snippet)
		assert.Contains(t, hits[0].Snippet, "the e-levy applies to transfers")
		assert.True(t, strings.HasSuffix(hits[0].Snippet, "more..."), hits[0].Snippet)
		assert.LessOrEqual(t, len([]rune(hits[0].Snippet)), 206)
	})
}
