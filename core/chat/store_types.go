package chat

import "time"

// This file holds the storage-facing types of the chat context: what the
// conversation, message, folder, memory and agent stores (ports/chat.go)
// keep. Messages reuse Message and Role (message.go).

// DefaultTitle is the title of a conversation created without one.
const DefaultTitle = "New Conversation"

// Conversation is one user's chat thread.
type Conversation struct {
	ID         string // "conv_…"
	UserID     string // the owner; every read is scoped to it
	Title      string
	Model      string // model id of the catalogue; "" for the default
	TemplateID string // "" when none
	AgentID    string // "" when none
	FolderID   string // "" when unfiled
	Pinned     bool
	// ShareTokenHash is the hex SHA-256 of the public share token; "" when
	// the conversation is not shared. The token itself is never stored.
	ShareTokenHash string
	SharedAt       *time.Time // when the current share token was set
	// MessageCount is filled by reads; it is ignored on writes.
	MessageCount int
	CreatedAt    time.Time
	UpdatedAt    time.Time // bumped by every appended message
}

// Shared reports whether c has a live share token.
func (c Conversation) Shared() bool { return c.ShareTokenHash != "" }

// StoredMessage is a message as the message store keeps it: the turn
// (Message, whose Tokens are the completion tokens of an assistant message)
// plus what only storage knows.
type StoredMessage struct {
	Message
	UserID string // the conversation's owner
	// PromptTokens is the prompt size an assistant message cost; 0 for user
	// messages.
	PromptTokens int
	// Rating is the owner's rating, −1 or 1; 0 when unrated. Filled by
	// reads, ignored on append.
	Rating int
}

// Rating values of a message.
const (
	RatingDown = -1
	RatingUp   = 1
)

// ValidRating reports whether r is a rating a user may give.
func ValidRating(r int) bool { return r == RatingDown || r == RatingUp }

// DefaultFolderColor is a new folder's colour (askozzy-notes §1).
const DefaultFolderColor = "#FCD116"

// Folder groups a user's conversations.
type Folder struct {
	ID        string // "fold_…"
	UserID    string
	Name      string
	Color     string // "#RRGGBB"; DefaultFolderColor when not chosen
	SortOrder int
	// ConversationCount is filled by reads; it is ignored on writes.
	ConversationCount int
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// MemoryType says where a memory came from.
type MemoryType string

// The memory types of askozzy-notes §1 (Personalisation).
const (
	MemoryPreference  MemoryType = "preference"
	MemoryFact        MemoryType = "fact"
	MemoryAuto        MemoryType = "auto" // extracted from a conversation by a model
	MemoryInstruction MemoryType = "instruction"
)

// Valid reports whether t is one of the memory types.
func (t MemoryType) Valid() bool {
	switch t {
	case MemoryPreference, MemoryFact, MemoryAuto, MemoryInstruction:
		return true
	}
	return false
}

// MayReplace reports whether a memory of type incoming may overwrite a
// stored memory of type existing with the same key: everything may, except
// that an automatically extracted memory never replaces what the user
// stated as a preference or an instruction (askozzy-notes §4.5).
func MayReplace(existing, incoming MemoryType) bool {
	return incoming != MemoryAuto || (existing != MemoryPreference && existing != MemoryInstruction)
}

// Memory is a fact about a user that personalises prompts. A user has at
// most one memory per key.
type Memory struct {
	ID        string // "mem_…"
	UserID    string
	Key       string
	Value     string
	Type      MemoryType
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Audience is which kind of user an agent is offered to.
type Audience string

// The audiences (askozzy-notes §1: the original's gog_employee is Kente's
// government user type).
const (
	AudienceAll        Audience = "all"
	AudienceGovernment Audience = "government"
	AudienceStudent    Audience = "student"
)

// Valid reports whether a is one of the audiences.
func (a Audience) Valid() bool {
	return a == AudienceAll || a == AudienceGovernment || a == AudienceStudent
}

// Agent is a persona with its own instructions that a conversation may use.
// Agent names are unique.
type Agent struct {
	ID                string // "agent_…"
	Name              string
	Description       string
	SystemPrompt      string // public text (the seed's agent responses show it)
	Avatar            string // icon identifier
	Category          string // e.g. "finance"
	Department        string // editable label, e.g. "Ministry of Finance"
	KnowledgeCategory string // retrieval preference, e.g. "procurement"
	Model             string // preferred model id; "" for the caller's
	Audience          Audience
	RequiresPaid      bool // hidden from free users
	Active            bool
	CreatedBy         string // user id; "" for seeded agents
	// ConversationCount is filled by reads; it is ignored on writes.
	ConversationCount int
	CreatedAt         time.Time
	UpdatedAt         time.Time
}
