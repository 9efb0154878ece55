package chatsvc

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kente-gov/kente/core/chat"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/core/tier"
	"github.com/kente-gov/kente/ports"
)

// ChatInput is one user message for POST /api/chat.
type ChatInput struct {
	ConversationID string
	Message        string
	// Model overrides the conversation's model for this message; "" keeps
	// it.
	Model string
}

// Turn is an accepted message whose answer is still to be streamed. It is
// built by StartChat or StartRegenerate, which do every check and store
// the user message in short transactions of their own; Stream then holds
// no transaction while the model answers.
type Turn struct {
	s        *Service
	user     identity.User
	conv     chat.Conversation
	model    ports.ModelInfo
	req      chat.Request
	userText string
	// first is true when this is the conversation's first exchange.
	first bool
	// replace is the assistant message a regeneration replaces.
	replace string
	// asked is when the question was stored: the answer is stored after
	// it even when the clock has not moved (messages are ordered by time).
	asked time.Time
}

// Result is what a completed stream produced.
type Result struct {
	MessageID string
	Usage     chat.Usage
	// Sources are the passages cited in the prompt, SOURCE_1 first.
	Sources []chat.Passage
	// Content is the whole answer as stored.
	Content string
}

// Sources returns the passages the prompt cites.
func (t *Turn) Sources() []chat.Passage { return t.req.Passages }

// StartChat runs the checks of the chat pipeline (§4.1, without moderation
// and productivity) and stores the user message: message required and at
// most MaxMessageRunes (fault.Invalid naming "message"), the caller's
// conversation (fault.NotFound), the model known (fault.Invalid naming
// "model") and unlocked by the caller's tier (fault.Forbidden naming the
// required tier), and a prompt that fits the model (fault.TooLarge).
func (s *Service) StartChat(ctx context.Context, u identity.User, in ChatInput) (*Turn, error) {
	msg := strings.TrimSpace(in.Message)
	switch {
	case msg == "":
		return nil, ErrMessageRequired
	case utf8.RuneCountInString(msg) > MaxMessageRunes:
		return nil, ErrMessageTooLong
	case strings.TrimSpace(in.ConversationID) == "":
		return nil, ErrConversationID
	}
	conv, err := s.d.Conversations.Conversation(ctx, u.ID, in.ConversationID)
	if err != nil {
		return nil, err
	}
	model := firstOf(in.Model, conv.Model, s.d.DefaultModel)
	info, err := s.allowModel(ctx, u, model)
	if err != nil {
		return nil, err
	}
	history, err := s.d.Messages.Messages(ctx, u.ID, conv.ID, historyLimit)
	if err != nil {
		return nil, err
	}
	t, err := s.prepare(ctx, u, conv, info, history, msg)
	if err != nil {
		return nil, err
	}
	id, err := s.id("msg_")
	if err != nil {
		return nil, err
	}
	asked := s.now()
	if n := len(history); n > 0 && !asked.After(history[n-1].CreatedAt) {
		asked = history[n-1].CreatedAt.Add(time.Millisecond)
	}
	if err := s.d.Messages.AppendMessage(ctx, u.ID, chat.StoredMessage{Message: chat.Message{ID: id, ConversationID: conv.ID,
		Role: chat.RoleUser, Content: msg, CreatedAt: asked}}); err != nil {
		return nil, err
	}
	t.first, t.asked = len(history) == 0, asked
	return t, nil
}

// StartRegenerate prepares a new answer to the user message before the
// caller's assistant message id, which the new answer replaces once it is
// stored. Another user's message, or an unknown one, is fault.NotFound; a
// user message fault.Invalid naming "messageId".
func (s *Service) StartRegenerate(ctx context.Context, u identity.User, id string) (*Turn, error) {
	m, err := s.d.Messages.Message(ctx, u.ID, id)
	if err != nil {
		return nil, err
	}
	if err := chat.CheckAnswer(m, u.ID); err != nil {
		return nil, err
	}
	conv, err := s.d.Conversations.Conversation(ctx, u.ID, m.ConversationID)
	if err != nil {
		return nil, err
	}
	all, err := s.d.Messages.Messages(ctx, u.ID, conv.ID, 0)
	if err != nil {
		return nil, err
	}
	at := -1
	for i := range all {
		if all[i].ID == m.ID {
			at = i
			break
		}
	}
	q := -1
	for i := at - 1; i >= 0; i-- {
		if all[i].Role == chat.RoleUser {
			q = i
			break
		}
	}
	if q < 0 {
		return nil, fault.Field("messageId", "chat.nothing_to_regenerate", "This answer has no question to answer again")
	}
	info, err := s.allowModel(ctx, u, firstOf(m.Model, conv.Model, s.d.DefaultModel))
	if err != nil {
		return nil, err
	}
	history := all[max(0, q-historyLimit):q]
	t, err := s.prepare(ctx, u, conv, info, history, all[q].Content)
	if err != nil {
		return nil, err
	}
	t.replace, t.asked = m.ID, all[q].CreatedAt
	return t, nil
}

// prepare assembles the prompt: agent persona, memories, retrieved
// passages, history.
func (s *Service) prepare(ctx context.Context, u identity.User, conv chat.Conversation, info ports.ModelInfo,
	history []chat.StoredMessage, msg string) (*Turn, error) {
	in := chat.PromptInput{Student: u.UserType == identity.UserTypeStudent, Message: msg,
		ContextWindow: info.ContextWindow, MaxOutput: info.MaxOutput}
	if conv.AgentID != "" && s.d.Agents != nil {
		a, err := s.d.Agents.Agent(ctx, conv.AgentID)
		switch {
		case err == nil && a.Active:
			in.AgentName, in.AgentPrompt = a.Name, a.SystemPrompt
		case err != nil && !fault.Is(err, fault.NotFound):
			return nil, err
		}
	}
	if s.d.Memories != nil {
		mems, err := s.d.Memories.Memories(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		for _, m := range mems {
			in.About = append(in.About, chat.Fact{Key: m.Key, Value: m.Value})
		}
	}
	scope := chat.Scope{UserID: u.ID, AgentID: conv.AgentID}
	if s.d.Retriever != nil {
		ps, err := s.d.Retriever.Retrieve(ctx, msg, scope, retrieveLimit)
		if err != nil {
			// Retrieval is an aid: answer without sources rather than fail.
			s.d.Log.WarnContext(ctx, "chat retrieval failed", "err", err)
		}
		in.Passages = ps
	}
	in.History = make([]chat.Message, len(history))
	for i, h := range history {
		in.History[i] = h.Message
	}
	p, err := chat.Assemble(in)
	if err != nil {
		return nil, err
	}
	return &Turn{s: s, user: u, conv: conv, model: info, userText: msg,
		req: chat.Request{Model: info.ID, Messages: p.Messages, Passages: p.Passages, Scope: scope, MaxTokens: info.MaxOutput}}, nil
}

// allowModel checks that model is in the catalogue, unlocked by u's tier
// and served by the LLM.
func (s *Service) allowModel(ctx context.Context, u identity.User, model string) (ports.ModelInfo, error) {
	if model == "" {
		return ports.ModelInfo{}, fault.Field("model", "chat.model_required", "model is required: no default model is configured")
	}
	if s.d.Models != nil {
		if _, err := s.d.Models.AllowModel(ctx, u, model); err != nil {
			fe, ok := fault.As(err)
			switch {
			case ok && fe.Kind == fault.NotFound:
				return ports.ModelInfo{}, ErrUnknownModel
			case ok && fe.Kind == fault.Forbidden:
				need, _ := fe.Extra["requiredTier"].(string)
				if need != "" {
					return ports.ModelInfo{}, &fault.Error{Kind: fault.Forbidden, Code: fe.Code, Field: "model", Extra: fe.Extra,
						Msg: fmt.Sprintf("This model needs the %s plan or higher; your plan does not include it. Upgrade to use it.", need)}
				}
			}
			return ports.ModelInfo{}, err
		}
	}
	info, err := s.d.LLM.Model(ctx, model)
	if fault.Is(err, fault.NotFound) {
		return ports.ModelInfo{}, fault.Field("model", "chat.model_unavailable", "This model is not available on this server")
	}
	return info, err
}

// Stream asks the model for the answer, calling emit with each piece in
// order, then stores the answer with its usage and, on the conversation's
// first exchange, gives it a title (§4.4). No transaction is held while
// the model answers. Cancelling ctx (the client went away) stops the
// upstream request; nothing is stored then. An error after some pieces
// were emitted is returned as is; the caller reports it in-stream.
func (t *Turn) Stream(ctx context.Context, emit func(string) error) (Result, error) {
	s := t.s
	var b strings.Builder
	usage, err := s.d.LLM.Stream(ctx, t.req, func(d chat.Delta) error {
		if d.Content == "" {
			return nil
		}
		b.WriteString(d.Content)
		return emit(d.Content)
	})
	if err != nil {
		return Result{}, err
	}
	content := b.String()
	if usage.CompletionTokens == 0 {
		usage.CompletionTokens = chat.EstimateTokens(content)
	}
	id, err := s.id("msg_")
	if err != nil {
		return Result{}, err
	}
	at := s.now()
	if !at.After(t.asked) {
		at = t.asked.Add(time.Millisecond)
	}
	m := chat.StoredMessage{Message: chat.Message{ID: id, ConversationID: t.conv.ID, Role: chat.RoleAssistant, Content: content,
		Model: t.model.ID, Tokens: usage.CompletionTokens, CreatedAt: at}, PromptTokens: usage.PromptTokens}
	if err := s.d.Messages.AppendMessage(ctx, t.user.ID, m); err != nil {
		return Result{}, err
	}
	if t.replace != "" {
		if err := s.d.Messages.DeleteMessage(ctx, t.user.ID, t.replace); err != nil && !fault.Is(err, fault.NotFound) {
			return Result{}, err
		}
	}
	if t.first && chat.NeedsTitle(t.conv, 2) {
		t.title(ctx)
	}
	if t.replace == "" {
		t.remember(ctx)
	}
	return Result{MessageID: id, Usage: usage, Sources: t.req.Passages, Content: content}, nil
}

// titleTimeout bounds the title model call.
const titleTimeout = 10 * time.Second

// title names the conversation after its first exchange: the model's
// title, or the user's message when the model is the offline one or fails.
// A failure here never fails the chat.
func (t *Turn) title(ctx context.Context) {
	s := t.s
	answer := ""
	if t.model.Provider != "offline" {
		tctx, cancel := context.WithTimeout(ctx, titleTimeout)
		var b strings.Builder
		_, err := s.d.LLM.Stream(tctx, chat.Request{Model: t.model.ID, Messages: chat.TitleMessages(t.userText), MaxTokens: 30},
			func(d chat.Delta) error { b.WriteString(d.Content); return nil })
		cancel()
		if err == nil {
			answer = b.String()
		}
	}
	title := chat.Title(answer, t.userText)
	if _, err := s.d.Conversations.UpdateConversation(ctx, t.user.ID, t.conv.ID, func(c *chat.Conversation) error {
		if chat.NeedsTitle(*c, 2) {
			c.Title = title
		}
		c.UpdatedAt = s.now()
		return nil
	}); err != nil {
		s.d.Log.WarnContext(ctx, "chat title not saved", "err", err)
	}
}

// remember stores the facts the user stated about themselves in this
// message as auto memories (askozzy-notes §4.5): asked of the model, or
// found by chat.ExtractFacts with the offline model or when the model's
// answer cannot be read; only while the user has fewer than
// chat.ExtractBelow memories; never over a preference or an instruction
// (the store's chat.MayReplace). A failure here never fails the chat.
func (t *Turn) remember(ctx context.Context) {
	s := t.s
	if s.d.NoAutoMemories || s.d.Memories == nil {
		return
	}
	mems, err := s.d.Memories.Memories(ctx, t.user.ID)
	if err != nil || len(mems) >= chat.ExtractBelow {
		return
	}
	var facts []chat.Fact
	ok := false
	if t.model.Provider != "offline" {
		tctx, cancel := context.WithTimeout(ctx, titleTimeout)
		var b strings.Builder
		_, err := s.d.LLM.Stream(tctx, chat.Request{Model: t.model.ID, Messages: chat.MemoryMessages(t.userText), MaxTokens: 300},
			func(d chat.Delta) error { b.WriteString(d.Content); return nil })
		cancel()
		if err == nil {
			facts, ok = chat.ParseFacts(b.String())
		}
	}
	if !ok {
		facts = chat.ExtractFacts(t.userText)
	}
	for _, f := range facts[:min(len(facts), chat.ExtractBelow-len(mems))] {
		id, err := s.id("mem_")
		if err != nil {
			return
		}
		now := s.now()
		if _, err := s.d.Memories.UpsertMemory(ctx, chat.Memory{ID: id, UserID: t.user.ID, Key: f.Key, Value: f.Value, Type: chat.MemoryAuto,
			CreatedAt: now, UpdatedAt: now}); err != nil {
			s.d.Log.WarnContext(ctx, "chat memory not saved", "key", f.Key, "err", err)
		}
	}
}

// Rate records u's rating (1 or −1) of their assistant message id.
func (s *Service) Rate(ctx context.Context, u identity.User, id string, rating int) error {
	if !chat.ValidRating(rating) {
		return ErrRating
	}
	m, err := s.d.Messages.Message(ctx, u.ID, id)
	if err != nil {
		return err
	}
	if err := chat.CheckAnswer(m, u.ID); err != nil {
		return err
	}
	return s.d.Messages.RateMessage(ctx, u.ID, id, rating, s.now())
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

// ModelFor returns the default model of a catalogue: the first free one.
func ModelFor(c tier.Catalog) string {
	for _, m := range c.Models {
		if m.Tier == tier.Free {
			return m.ID
		}
	}
	return ""
}

// Served reports whether the LLM serves catalogue model id on this server.
func (s *Service) Served(ctx context.Context, id string) bool {
	_, err := s.d.LLM.Model(ctx, id)
	return err == nil
}
