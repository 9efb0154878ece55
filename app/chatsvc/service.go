// Package chatsvc runs AskOzzy's chat use cases: conversations, the
// streaming chat pipeline (askozzy-notes §4.1) over a ports.LLM, titles,
// ratings, regeneration, suggestions, sharing and search, folders,
// memories and agents. It sees only core and ports.
package chatsvc

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kente-gov/kente/core/audit"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/core/tier"
	"github.com/kente-gov/kente/ports"
)

// MaxMessageRunes is the longest user message accepted (askozzy-api: 50,000
// characters).
const MaxMessageRunes = 50000

// historyLimit is how many earlier messages a prompt may draw on (§4.1).
const historyLimit = 20

// retrieveLimit is how many passages a chat retrieves.
const retrieveLimit = 6

// ModelGate decides which models a user's effective tier unlocks
// (*tiersvc.Service satisfies it).
type ModelGate interface {
	// AllowModel returns the model if u may use it: fault.NotFound for an
	// unknown model, fault.Forbidden naming the required tier otherwise.
	AllowModel(ctx context.Context, u identity.User, modelID string) (tier.Model, error)
}

// Auditor records business audit events (*auditsvc.Service satisfies it).
type Auditor interface {
	Record(ctx context.Context, r audit.Record) error
}

// Deps are the service's dependencies. Conversations, Messages, LLM, Clock
// and Rand are required by the chat pipeline; the others by their routes.
type Deps struct {
	Conversations ports.ConversationStore
	Messages      ports.MessageStore
	Folders       ports.FolderStore
	Memories      ports.MemoryStore
	Agents        ports.AgentStore
	Search        ports.ConversationSearch
	// FAQs keeps the knowledge base's FAQ entries; nil: the /api/admin/kb
	// use cases answer fault.Unavailable.
	FAQs ports.FAQStore
	LLM  ports.LLM
	// Retriever finds passages to cite; nil: none are retrieved.
	Retriever ports.Retriever
	// Models gates models by tier; nil: every model the LLM serves is
	// allowed.
	Models ModelGate
	Audit  Auditor
	Clock  ports.Clock
	Rand   io.Reader
	Log    *slog.Logger // discarded when nil
	// DefaultModel is used when neither the request nor the conversation
	// names a model.
	DefaultModel string
	// NoAutoMemories turns off remembering the facts a user states about
	// themselves after each reply (askozzy-notes §4.5).
	NoAutoMemories bool
}

// Service runs the chat use cases.
type Service struct {
	d Deps
}

// New returns a Service over d.
func New(d Deps) *Service {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{d: d}
}

// Errors of the service.
var (
	ErrMessageRequired = fault.Field("message", "chat.message_required", "message is required")
	ErrMessageTooLong  = fault.Field("message", "chat.message_too_long", "message must be at most 50000 characters")
	ErrConversationID  = fault.Field("conversationId", "chat.conversation_required", "conversationId is required")
	ErrUnknownModel    = fault.Field("model", "chat.unknown_model", "model is not a known model")
	ErrUnknownAgent    = fault.Field("agentId", "chat.unknown_agent", "agentId is not a known agent")
	ErrUnknownFolder   = fault.Field("folderId", "chat.unknown_folder", "folderId is not one of your folders")
	ErrTitleTooLong    = fault.Field("title", "chat.title_too_long", "title must be at most 200 characters")
	ErrQueryTooShort   = fault.Field("q", "chat.query_too_short", "q must be at least 2 characters")
	ErrNameRequired    = fault.Field("name", "chat.name_required", "name is required")
	ErrBadColor        = fault.Field("color", "chat.invalid_color", "color must be a hex colour like #1A2B3C")
	ErrKeyRequired     = fault.Field("key", "chat.key_required", "key is required")
	ErrValueRequired   = fault.Field("value", "chat.value_required", "value is required")
	ErrBadMemoryType   = fault.Field("type", "chat.invalid_memory_type", "type must be preference, fact, auto or instruction")
	ErrRating          = fault.Field("rating", "chat.invalid_rating", "rating must be 1 or -1")
	ErrShareExpired    = fault.New(fault.NotFound, "chat.share_expired", "This share link has expired")
	ErrShareNotFound   = fault.New(fault.NotFound, "chat.share_not_found", "Shared conversation not found")
	ErrPromptRequired  = fault.Field("systemPrompt", "chat.system_prompt_required", "systemPrompt is required")
	ErrAudience        = fault.Field("audience", "chat.invalid_audience", "audience must be all, government or student")
)

func (s *Service) now() time.Time { return s.d.Clock.Now().UTC() }

func (s *Service) id(prefix string) (string, error) { return identity.NewID(s.d.Rand, prefix) }

func (s *Service) record(ctx context.Context, actor identity.User, action, targetType, targetID string, details any) error {
	if s.d.Audit == nil {
		return nil
	}
	raw, _ := json.Marshal(details)
	return s.d.Audit.Record(ctx, audit.Record{At: s.now(), ActorID: actor.ID, Action: action, TargetType: targetType,
		TargetID: targetID, Outcome: audit.Success, Details: raw})
}

// clean trims s and reports whether it is at most n characters.
func clean(s string, n int) (string, bool) {
	s = strings.TrimSpace(s)
	return s, utf8.RuneCountInString(s) <= n
}
