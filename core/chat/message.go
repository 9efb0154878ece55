package chat

import "time"

// Role is who wrote a message.
type Role string

// The roles of a conversation. System messages are built by prompt
// assembly and never stored from user input.
const (
	RoleSystem    Role = "system"
	RoleUser      Role = "user"
	RoleAssistant Role = "assistant"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleSystem || r == RoleUser || r == RoleAssistant }

// Message is one turn of a conversation. A model request needs only Role
// and Content; the other fields are set on stored messages (StoredMessage
// embeds it).
type Message struct {
	ID             string // "msg_…"
	ConversationID string // "conv_…"
	Role           Role
	Content        string
	Model          string // catalogue model id that wrote an assistant message
	Tokens         int    // completion tokens of an assistant message
	CreatedAt      time.Time
}
