package ports

import (
	"context"
	"time"

	"github.com/kente-gov/kente/core/chat"
)

// The chat stores keep conversations, messages, folders, memories and
// agents. Every user-owned record is read and written scoped to its owner:
// another user's record answers fault.NotFound, exactly as a missing one
// does, so ids cannot be probed.
//
// None of these methods needs a caller's transaction, and none should be
// called inside one that is held open across an LLM stream (SQLite has one
// writer): append the user message, stream with no transaction open, then
// append the assistant message.

// Codes of the chat stores' faults.
const (
	// CodeConversationNotFound: no such conversation of the caller.
	CodeConversationNotFound = "chat.conversation_not_found"
	// CodeMessageNotFound: no such message in the caller's conversations.
	CodeMessageNotFound = "chat.message_not_found"
	// CodeFolderNotFound: no such folder of the caller (field "folderId").
	CodeFolderNotFound = "chat.folder_not_found"
	// CodeMemoryNotFound: no such memory of the caller.
	CodeMemoryNotFound = "chat.memory_not_found"
	// CodeAgentNotFound: no such agent (field "agentId").
	CodeAgentNotFound = "chat.agent_not_found"
	// CodeChatIDTaken: a record with that id exists (retry with a new id).
	CodeChatIDTaken = "chat.id_taken"
	// CodeAgentNameTaken: another agent has that name (field "name").
	CodeAgentNameTaken = "chat.agent_name_taken"
	// CodeShareTokenTaken: the share token hash is in use (draw another).
	CodeShareTokenTaken = "chat.share_token_taken"
)

// ConversationStore keeps conversations.
type ConversationStore interface {
	// CreateConversation stores c (MessageCount is ignored). A FolderID or
	// AgentID that is not the owner's folder or an existing agent is
	// fault.NotFound (CodeFolderNotFound / CodeAgentNotFound); a taken id
	// fault.Conflict CodeChatIDTaken; an unknown user fault.NotFound.
	CreateConversation(ctx context.Context, c chat.Conversation) error
	// Conversation returns userID's conversation id with its MessageCount;
	// fault.NotFound when absent or another user's.
	Conversation(ctx context.Context, userID, id string) (chat.Conversation, error)
	// ListConversations returns a page of f.UserID's conversations, pinned
	// first, then the most recently updated (then id, descending), and how
	// many match in all.
	ListConversations(ctx context.Context, f ConversationFilter) ([]chat.Conversation, int, error)
	// UpdateConversation loads userID's conversation id, applies fn (rename,
	// move to a folder or out of one with FolderID "", pin) and stores the
	// result atomically. fn cannot change the id, owner, share state,
	// creation time or message count. UpdatedAt is stored as fn leaves it.
	// fn's error aborts with nothing written; fn may run more than once.
	// fault.NotFound when absent or another user's, or for a folder or agent
	// as CreateConversation.
	UpdateConversation(ctx context.Context, userID, id string, fn func(*chat.Conversation) error) (chat.Conversation, error)
	// DeleteConversation deletes userID's conversation id with its messages
	// and their ratings; fault.NotFound when absent or another user's.
	DeleteConversation(ctx context.Context, userID, id string) error
	// ShareConversation sets the share token hash (hex SHA-256 of the
	// token) of userID's conversation id, replacing any earlier one (which
	// then stops working), and SharedAt to at. A hash in use is
	// fault.Conflict CodeShareTokenTaken.
	ShareConversation(ctx context.Context, userID, id, tokenHash string, at time.Time) (chat.Conversation, error)
	// UnshareConversation clears the share token and SharedAt; unsharing a
	// conversation that is not shared is not an error. fault.NotFound when
	// absent or another user's.
	UnshareConversation(ctx context.Context, userID, id string) error
	// SharedConversation returns the conversation whose share token hash is
	// tokenHash, of any owner; fault.NotFound when none. Expiry is the
	// caller's rule (SharedAt).
	SharedConversation(ctx context.Context, tokenHash string) (chat.Conversation, error)
}

// ConversationFilter selects a page of one user's conversations.
type ConversationFilter struct {
	UserID string // required
	// FolderID keeps the conversations of one folder; "" keeps all.
	FolderID string
	// Unfiled keeps only conversations in no folder (FolderID is then
	// ignored).
	Unfiled bool
	Limit   int // 1–500; the store applies 50 when zero
	Offset  int
}

// MessageStore keeps the messages of conversations and their ratings.
type MessageStore interface {
	// AppendMessage stores m (Rating is ignored) in userID's conversation
	// m.ConversationID, sets m.UserID to userID, and moves the
	// conversation's UpdatedAt to m.CreatedAt when that is later, in one
	// short transaction of its own (or the caller's, when ctx carries one;
	// never hold that one across a stream). An invalid role is
	// fault.Invalid; fault.NotFound when the conversation is absent or
	// another user's; a taken id fault.Conflict CodeChatIDTaken.
	AppendMessage(ctx context.Context, userID string, m chat.StoredMessage) error
	// Messages returns the last limit messages (all when limit ≤ 0) of
	// userID's conversation, oldest first (created_at, then id), each with
	// the owner's rating. fault.NotFound when the conversation is absent or
	// another user's.
	Messages(ctx context.Context, userID, conversationID string, limit int) ([]chat.StoredMessage, error)
	// Message returns message id of one of userID's conversations, with the
	// owner's rating; fault.NotFound when absent or another user's.
	Message(ctx context.Context, userID, id string) (chat.StoredMessage, error)
	// DeleteMessage deletes message id (and its ratings) of one of userID's
	// conversations, for regeneration; fault.NotFound when absent or another
	// user's.
	DeleteMessage(ctx context.Context, userID, id string) error
	// RateMessage sets userID's rating (chat.RatingDown or chat.RatingUp)
	// of message id, replacing an earlier one. Another rating is
	// fault.Invalid (field "rating"); fault.NotFound when the message is
	// absent or in another user's conversation.
	RateMessage(ctx context.Context, userID, id string, rating int, at time.Time) error
}

// FolderStore keeps conversation folders.
type FolderStore interface {
	// CreateFolder stores f (ConversationCount is ignored; an empty Color
	// is stored as chat.DefaultFolderColor). A taken id is fault.Conflict
	// CodeChatIDTaken.
	CreateFolder(ctx context.Context, f chat.Folder) (chat.Folder, error)
	// Folders lists userID's folders by SortOrder, then creation, then id,
	// each with its ConversationCount.
	Folders(ctx context.Context, userID string) ([]chat.Folder, error)
	// Folder returns userID's folder id; fault.NotFound when absent or
	// another user's.
	Folder(ctx context.Context, userID, id string) (chat.Folder, error)
	// UpdateFolder loads userID's folder id, applies fn (name, colour, sort
	// order) and stores the result atomically; fn cannot change the id,
	// owner or creation time. fn's error aborts with nothing written.
	// fault.NotFound when absent or another user's.
	UpdateFolder(ctx context.Context, userID, id string, fn func(*chat.Folder) error) (chat.Folder, error)
	// DeleteFolder deletes userID's folder id; its conversations are kept,
	// unfiled. fault.NotFound when absent or another user's.
	DeleteFolder(ctx context.Context, userID, id string) error
}

// MemoryStore keeps the memories that personalise a user's prompts.
type MemoryStore interface {
	// Memories lists userID's memories, oldest first (then id).
	Memories(ctx context.Context, userID string) ([]chat.Memory, error)
	// UpsertMemory stores m, or, when m.UserID already has a memory with
	// m.Key, replaces its value, type and UpdatedAt (keeping its id and
	// CreatedAt) unless chat.MayReplace forbids it; it returns what is
	// stored afterwards, so a refused replacement returns the existing
	// memory unchanged. Concurrent upserts of one key store one memory. An
	// invalid type is fault.Invalid (field "type").
	UpsertMemory(ctx context.Context, m chat.Memory) (chat.Memory, error)
	// DeleteMemory deletes userID's memory id; fault.NotFound when absent or
	// another user's.
	DeleteMemory(ctx context.Context, userID, id string) error
}

// AgentStore keeps the agents conversations may use.
type AgentStore interface {
	// Agents lists the agents f selects, by name (then id), each with its
	// ConversationCount.
	Agents(ctx context.Context, f AgentFilter) ([]chat.Agent, error)
	// Agent returns agent id, active or not; fault.NotFound when absent.
	Agent(ctx context.Context, id string) (chat.Agent, error)
	// CreateAgent stores a. A taken name is fault.Conflict
	// CodeAgentNameTaken; a taken id fault.Conflict CodeChatIDTaken; an
	// invalid audience fault.Invalid.
	CreateAgent(ctx context.Context, a chat.Agent) error
	// CreateAgentIfAbsent stores a unless an agent named a.Name exists, and
	// reports whether it stored it: seeding twice, or concurrently, creates
	// each agent once.
	CreateAgentIfAbsent(ctx context.Context, a chat.Agent) (bool, error)
	// UpdateAgent loads agent id, applies fn and stores the result
	// atomically; fn cannot change the id or creation time. fault.NotFound
	// when absent; fault.Conflict as CreateAgent.
	UpdateAgent(ctx context.Context, id string, fn func(*chat.Agent) error) (chat.Agent, error)
	// DeleteAgent deletes agent id; conversations that used it keep going
	// without an agent. fault.NotFound when absent.
	DeleteAgent(ctx context.Context, id string) error
}

// AgentFilter selects agents. The zero value selects every agent (the
// admin list).
type AgentFilter struct {
	// ActiveOnly drops inactive agents (the public list).
	ActiveOnly bool
	// Audience, when set, keeps agents offered to AudienceAll or to it.
	Audience chat.Audience
	// ExcludePaid drops agents that require a paid tier (free users and
	// anonymous callers).
	ExcludePaid bool
}

// ConversationSearch finds a user's conversations by the words of their
// titles and messages, on the database's full-text engine. The contract
// (tokens, folding, ranking, snippets, paging) is in docs/decisions.md,
// "Chat search", and in porttest.ConversationSearch.
type ConversationSearch interface {
	// SearchConversations returns one page (limit 1–100, 20 when zero;
	// offset ≥ 0) of userID's conversations matching query, best first,
	// and how many match in all. A query without a searchable term
	// returns no hits and total 0. A negative offset or a limit over 100
	// is fault.Invalid.
	SearchConversations(ctx context.Context, userID, query string, limit, offset int) ([]SearchHit, int, error)
}

// SearchHit is one conversation found by a search.
type SearchHit struct {
	ConversationID string
	Title          string
	// Snippet is plain text around the first matching term of the best
	// matching message (or of the title when only the title matches),
	// whitespace collapsed, at most chat search's snippet length, with
	// "..." where it was cut.
	Snippet string
	// Score is the engine's relevance, higher is better. It orders hits of
	// one search; it is not comparable across searches or databases.
	Score float64
	// MessageID is the best matching message; "" when only the title
	// matched.
	MessageID string
	UpdatedAt time.Time
}

// CodeFAQNotFound: no such knowledge-base entry.
const CodeFAQNotFound = "kb.not_found"

// FAQStore keeps the knowledge base's question-and-answer entries.
type FAQStore interface {
	// CreateFAQ stores f (normalised by the caller); a taken id is
	// fault.Conflict.
	CreateFAQ(ctx context.Context, f chat.FAQ) error
	// FAQ returns fault.NotFound (CodeFAQNotFound) when absent.
	FAQ(ctx context.Context, id string) (chat.FAQ, error)
	// FAQs lists entries, highest priority first then newest, and how many
	// there are. limit 1–500.
	FAQs(ctx context.Context, limit, offset int) ([]chat.FAQ, int, error)
	// UpdateFAQ locks the entry, applies fn and stores every field but the
	// id, creator and creation time; fn's error aborts. fault.NotFound when
	// absent.
	UpdateFAQ(ctx context.Context, id string, fn func(*chat.FAQ) error) (chat.FAQ, error)
	// DeleteFAQ removes the entry; fault.NotFound when absent.
	DeleteFAQ(ctx context.Context, id string) error
	// MatchFAQs returns up to limit active entries whose question or a
	// keyword contains one of terms (lower-case words; case-insensitive,
	// wildcards taken literally), highest priority first, then newest.
	// No terms match nothing.
	MatchFAQs(ctx context.Context, terms []string, limit int) ([]chat.FAQ, error)
}
