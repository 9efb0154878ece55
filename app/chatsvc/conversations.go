package chatsvc

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kente-gov/kente/core/chat"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/ports"
)

// maxTitleRunes caps a conversation title a user types.
const maxTitleRunes = 200

// NewConversation is what a user may set when creating a conversation.
type NewConversation struct {
	Title, Model, TemplateID, AgentID, FolderID string
}

// ListConversations returns a page of u's conversations, pinned first.
func (s *Service) ListConversations(ctx context.Context, u identity.User, f ports.ConversationFilter) ([]chat.Conversation, int, error) {
	f.UserID = u.ID
	return s.d.Conversations.ListConversations(ctx, f)
}

// CreateConversation starts a conversation for u. An unknown model is
// fault.Invalid naming "model", one above u's tier fault.Forbidden; an
// unknown agent or foreign folder fault.Invalid naming the field.
func (s *Service) CreateConversation(ctx context.Context, u identity.User, in NewConversation) (chat.Conversation, error) {
	title, ok := clean(in.Title, maxTitleRunes)
	if !ok {
		return chat.Conversation{}, ErrTitleTooLong
	}
	if title == "" {
		title = chat.DefaultTitle
	}
	if in.Model != "" {
		if _, err := s.allowModel(ctx, u, in.Model); err != nil {
			return chat.Conversation{}, err
		}
	}
	id, err := s.id("conv_")
	if err != nil {
		return chat.Conversation{}, err
	}
	now := s.now()
	c := chat.Conversation{ID: id, UserID: u.ID, Title: title, Model: in.Model, TemplateID: strings.TrimSpace(in.TemplateID),
		AgentID: strings.TrimSpace(in.AgentID), FolderID: strings.TrimSpace(in.FolderID), CreatedAt: now, UpdatedAt: now}
	if err := s.d.Conversations.CreateConversation(ctx, c); err != nil {
		return chat.Conversation{}, refName(err)
	}
	return c, nil
}

// refName turns a store's NotFound for a referenced folder or agent into
// fault.Invalid naming the field the client sent.
func refName(err error) error {
	if fe, ok := fault.As(err); ok && fe.Kind == fault.NotFound {
		switch fe.Code {
		case ports.CodeFolderNotFound:
			return ErrUnknownFolder
		case ports.CodeAgentNotFound:
			return ErrUnknownAgent
		}
	}
	return err
}

// Conversation returns u's conversation id (fault.NotFound otherwise).
func (s *Service) Conversation(ctx context.Context, u identity.User, id string) (chat.Conversation, error) {
	return s.d.Conversations.Conversation(ctx, u.ID, id)
}

// Messages returns every message of u's conversation id, oldest first.
func (s *Service) Messages(ctx context.Context, u identity.User, id string) ([]chat.StoredMessage, error) {
	return s.d.Messages.Messages(ctx, u.ID, id, 0)
}

// DeleteConversation deletes u's conversation id with its messages.
func (s *Service) DeleteConversation(ctx context.Context, u identity.User, id string) error {
	return s.d.Conversations.DeleteConversation(ctx, u.ID, id)
}

// Patch is a partial update of a conversation; nil fields are unchanged.
type Patch struct {
	Title *string
	// FolderID moves the conversation; a pointer to "" unfiles it.
	FolderID *string
	Pinned   *bool
}

// UpdateConversation renames, moves or pins u's conversation id.
func (s *Service) UpdateConversation(ctx context.Context, u identity.User, id string, p Patch) (chat.Conversation, error) {
	var title string
	if p.Title != nil {
		t, ok := clean(*p.Title, maxTitleRunes)
		if !ok {
			return chat.Conversation{}, ErrTitleTooLong
		}
		if t == "" {
			return chat.Conversation{}, fault.Field("title", "chat.title_required", "title must not be empty")
		}
		title = t
	}
	c, err := s.d.Conversations.UpdateConversation(ctx, u.ID, id, func(c *chat.Conversation) error {
		if p.Title != nil {
			c.Title = title
		}
		if p.FolderID != nil {
			c.FolderID = strings.TrimSpace(*p.FolderID)
		}
		if p.Pinned != nil {
			c.Pinned = *p.Pinned
		}
		c.UpdatedAt = s.now()
		return nil
	})
	return c, refName(err)
}

// Share makes u's conversation id public and returns the new token (the
// store keeps only its hash, so sharing again issues a new link and revokes
// the old one).
func (s *Service) Share(ctx context.Context, u identity.User, id string) (string, error) {
	for range 3 {
		tok, err := chat.NewShareToken(s.d.Rand)
		if err != nil {
			return "", err
		}
		_, err = s.d.Conversations.ShareConversation(ctx, u.ID, id, chat.HashShareToken(tok), s.now())
		if fe, ok := fault.As(err); ok && fe.Code == ports.CodeShareTokenTaken {
			continue
		}
		if err != nil {
			return "", err
		}
		return tok, nil
	}
	return "", fault.New(fault.Internal, "chat.share_failed", "Could not share the conversation")
}

// Unshare revokes the public link of u's conversation id.
func (s *Service) Unshare(ctx context.Context, u identity.User, id string) error {
	return s.d.Conversations.UnshareConversation(ctx, u.ID, id)
}

// SharedView is the public view of a shared conversation: the author only
// by initials and department.
type SharedView struct {
	Conversation chat.Conversation
	Messages     []chat.StoredMessage
	SharedAt     time.Time
}

// Shared returns the conversation shared under token; fault.NotFound for a
// malformed, unknown, revoked or expired token.
func (s *Service) Shared(ctx context.Context, token string) (SharedView, error) {
	if !chat.ValidShareToken(token) {
		return SharedView{}, ErrShareNotFound
	}
	c, err := s.d.Conversations.SharedConversation(ctx, chat.HashShareToken(token))
	if fault.Is(err, fault.NotFound) {
		return SharedView{}, ErrShareNotFound
	}
	if err != nil {
		return SharedView{}, err
	}
	if c.SharedAt == nil || chat.ShareExpired(*c.SharedAt, s.now()) {
		return SharedView{}, ErrShareExpired
	}
	msgs, err := s.d.Messages.Messages(ctx, c.UserID, c.ID, 0)
	if err != nil {
		return SharedView{}, err
	}
	return SharedView{Conversation: c, Messages: msgs, SharedAt: *c.SharedAt}, nil
}

// Search finds u's conversations by words (at least 2 characters).
func (s *Service) Search(ctx context.Context, u identity.User, q string, limit, offset int) ([]ports.SearchHit, int, error) {
	q = strings.TrimSpace(q)
	if utf8.RuneCountInString(q) < 2 {
		return nil, 0, ErrQueryTooShort
	}
	if utf8.RuneCountInString(q) > 200 {
		return nil, 0, fault.Field("q", "chat.query_too_long", "q must be at most 200 characters")
	}
	return s.d.Search.SearchConversations(ctx, u.ID, q, limit, offset)
}

// Suggestions returns up to 3 follow-up questions for u's conversation id
// (§4.6): none for a foreign or unknown conversation, or one without an
// answer. They are built deterministically from the last exchange, so they
// cost no model call.
func (s *Service) Suggestions(ctx context.Context, u identity.User, id string) ([]string, error) {
	msgs, err := s.d.Messages.Messages(ctx, u.ID, id, 4)
	if fault.Is(err, fault.NotFound) {
		return []string{}, nil
	}
	if err != nil {
		return nil, err
	}
	var topic string
	answered := false
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role == chat.RoleAssistant {
			answered = true
		}
		if msgs[i].Role == chat.RoleUser && answered {
			topic = msgs[i].Content
			break
		}
	}
	if !answered {
		return []string{}, nil
	}
	return suggest(topic), nil
}

// suggest builds three follow-ups about topic, each at most 80 characters.
func suggest(topic string) []string {
	t := chat.FallbackTitle(topic)
	if t == chat.DefaultTitle {
		t = "this"
	}
	t = strings.TrimRight(t, "?.! ")
	if utf8.RuneCountInString(t) > 40 {
		r := []rune(t)
		t = strings.TrimSpace(string(r[:40])) + "…"
	}
	return []string{
		"Can you summarise the key points on " + t + "?",
		"What are the next steps for " + t + "?",
		"Which rules or policies apply to " + t + "?",
	}
}
