package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/kente-gov/kente/app/chatsvc"
	"github.com/kente-gov/kente/core/chat"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/ports"
)

// registerChat adds conversations, streaming chat, messages, memories,
// agents and folders (openapi/chat.yaml). Routes that send a message to a
// model take the message quota (sendsMessage). The admin memories route
// names its parameter userId, as the other /api/admin/users/:userId routes.
func registerChat(r *router, s *server) {
	r.handle(http.MethodGet, "/api/conversations", identity.Authenticated, s.listConversations)
	r.handle(http.MethodPost, "/api/conversations", identity.Authenticated, s.createConversation)
	r.handle(http.MethodGet, "/api/conversations/search", identity.Authenticated, s.searchConversations)
	r.handle(http.MethodGet, "/api/conversations/:id/messages", identity.Authenticated, s.conversationMessages)
	r.handle(http.MethodDelete, "/api/conversations/:id", identity.Authenticated, s.deleteConversation)
	r.handle(http.MethodPatch, "/api/conversations/:id", identity.Authenticated, s.patchConversation)
	r.handle(http.MethodPost, "/api/conversations/:id/share", identity.Authenticated, s.shareConversation)
	r.handle(http.MethodDelete, "/api/conversations/:id/share", identity.Authenticated, s.unshareConversation)
	r.handle(http.MethodGet, "/api/shared/:token", identity.Public, s.sharedConversation)
	r.handle(http.MethodGet, "/api/chat/suggestions/:conversationId", identity.Authenticated, s.chatSuggestions)
	r.handle(http.MethodPost, "/api/chat", identity.Authenticated, s.postChat, sendsMessage)
	r.handle(http.MethodPost, "/api/chat/detect-artifact", identity.Authenticated, s.detectArtifact)
	r.handle(http.MethodPost, "/api/messages/:id/rate", identity.Authenticated, s.rateMessage)
	r.handle(http.MethodPost, "/api/messages/:id/regenerate", identity.Authenticated, s.regenerateMessage, sendsMessage)
	r.handle(http.MethodGet, "/api/memories", identity.Authenticated, s.listMemories)
	r.handle(http.MethodPost, "/api/memories", identity.Authenticated, s.createMemory)
	r.handle(http.MethodDelete, "/api/memories/:id", identity.Authenticated, s.deleteMemory)
	r.handle(http.MethodGet, "/api/admin/users/:userId/memories", identity.Admin, s.adminUserMemories)
	r.handle(http.MethodGet, "/api/agents", identity.Public, s.listAgents)
	r.handle(http.MethodGet, "/api/agents/:id", identity.Public, s.getAgent)
	r.handle(http.MethodGet, "/api/admin/agents", identity.Admin, s.adminAgents)
	r.handle(http.MethodPost, "/api/admin/agents", identity.Admin, s.createAgent)
	r.handle(http.MethodPatch, "/api/admin/agents/:id", identity.Admin, s.updateAgent)
	r.handle(http.MethodDelete, "/api/admin/agents/:id", identity.Admin, s.deleteAgent)
	r.handle(http.MethodPost, "/api/admin/seed-agents", identity.Admin, s.seedAgents)
	r.handle(http.MethodGet, "/api/folders", identity.Authenticated, s.listFolders)
	r.handle(http.MethodPost, "/api/folders", identity.Authenticated, s.createFolder)
	r.handle(http.MethodPatch, "/api/folders/:id", identity.Authenticated, s.patchFolder)
	r.handle(http.MethodDelete, "/api/folders/:id", identity.Authenticated, s.deleteFolder)
}

var errChatUnavailable = fault.New(fault.Unavailable, "chat.unavailable", "Chat is not configured on this server")

// chatOr503 reports whether the chat service is configured, answering 503
// when it is not.
func (s *server) chatOr503(c *gin.Context) bool {
	if s.chat == nil {
		fail(c, errChatUnavailable)
		return false
	}
	return true
}

// caller returns the authenticated user of a guarded route.
func chatUser(c *gin.Context) identity.User {
	p, _ := principalOf(c)
	return p.User
}

func chatSuccess(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"success": true}) }

func chatNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func conversationJSON(v chat.Conversation) gin.H {
	return gin.H{"id": v.ID, "title": v.Title, "model": chatNull(v.Model), "templateId": chatNull(v.TemplateID), "agentId": chatNull(v.AgentID),
		"folderId": chatNull(v.FolderID), "pinned": v.Pinned, "shared": v.Shared(), "messageCount": v.MessageCount,
		"createdAt": timestamp(v.CreatedAt), "updatedAt": timestamp(v.UpdatedAt)}
}

func messageJSON(m chat.StoredMessage) gin.H {
	out := gin.H{"id": m.ID, "role": string(m.Role), "content": m.Content, "createdAt": timestamp(m.CreatedAt)}
	if m.Role == chat.RoleAssistant {
		out["model"] = chatNull(m.Model)
		out["tokens"] = m.Tokens
		if m.Rating != 0 {
			out["rating"] = m.Rating
		} else {
			out["rating"] = nil
		}
	}
	return out
}

func (s *server) listConversations(c *gin.Context) {
	if !s.chatOr503(c) {
		return
	}
	limit, err := intParam(c, "limit", 50)
	if err != nil {
		fail(c, err)
		return
	}
	offset, err := intParam(c, "offset", 0)
	if err != nil {
		fail(c, err)
		return
	}
	if limit < 1 || limit > 500 {
		fail(c, fault.Field("limit", "request.invalid_query", "limit must be between 1 and 500"))
		return
	}
	if offset < 0 {
		fail(c, fault.Field("offset", "request.invalid_query", "offset must not be negative"))
		return
	}
	f := ports.ConversationFilter{FolderID: c.Query("folderId"), Limit: limit, Offset: offset}
	list, total, err := s.chat.ListConversations(c.Request.Context(), chatUser(c), f)
	if err != nil {
		fail(c, err)
		return
	}
	out := mapSlice(list, conversationJSON)
	c.JSON(http.StatusOK, gin.H{"conversations": out, "total": total})
}

func (s *server) createConversation(c *gin.Context) {
	if !s.chatOr503(c) {
		return
	}
	var in struct {
		Title      *string `json:"title"`
		Model      *string `json:"model"`
		TemplateID *string `json:"templateId"`
		AgentID    *string `json:"agentId"`
		FolderID   *string `json:"folderId"`
	}
	if err := bindJSON(c, &in, false); err != nil {
		fail(c, err)
		return
	}
	v, err := s.chat.CreateConversation(c.Request.Context(), chatUser(c), chatsvc.NewConversation{
		Title: chatDeref(in.Title), Model: chatDeref(in.Model), TemplateID: chatDeref(in.TemplateID), AgentID: chatDeref(in.AgentID), FolderID: chatDeref(in.FolderID)})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, conversationJSON(v))
}

func chatDeref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func (s *server) searchConversations(c *gin.Context) {
	if !s.chatOr503(c) {
		return
	}
	limit, err := intParam(c, "limit", 20)
	if err != nil {
		fail(c, err)
		return
	}
	offset, err := intParam(c, "offset", 0)
	if err != nil {
		fail(c, err)
		return
	}
	hits, total, err := s.chat.Search(c.Request.Context(), chatUser(c), c.Query("q"), limit, offset)
	if err != nil {
		fail(c, err)
		return
	}
	out := make([]gin.H, len(hits))
	for i, h := range hits {
		out[i] = gin.H{"id": h.ConversationID, "title": h.Title, "snippet": h.Snippet, "messageId": chatNull(h.MessageID),
			"updatedAt": timestamp(h.UpdatedAt)}
	}
	c.JSON(http.StatusOK, gin.H{"conversations": out, "total": total})
}

func (s *server) conversationMessages(c *gin.Context) {
	if !s.chatOr503(c) {
		return
	}
	msgs, err := s.chat.Messages(c.Request.Context(), chatUser(c), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	out := mapSlice(msgs, messageJSON)
	c.JSON(http.StatusOK, gin.H{"messages": out})
}

func (s *server) deleteConversation(c *gin.Context) {
	if !s.chatOr503(c) {
		return
	}
	if err := s.chat.DeleteConversation(c.Request.Context(), chatUser(c), c.Param("id")); err != nil {
		fail(c, err)
		return
	}
	chatSuccess(c)
}

func (s *server) patchConversation(c *gin.Context) {
	if !s.chatOr503(c) {
		return
	}
	var in struct {
		Title    *string         `json:"title"`
		FolderID json.RawMessage `json:"folderId"`
		Pinned   *bool           `json:"pinned"`
	}
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	p := chatsvc.Patch{Title: in.Title, Pinned: in.Pinned}
	if len(in.FolderID) > 0 {
		var f *string
		if err := json.Unmarshal(in.FolderID, &f); err != nil {
			fail(c, fault.Field("folderId", "request.invalid_type", "folderId must be a string or null"))
			return
		}
		if f == nil {
			f = new(string)
		}
		p.FolderID = f
	}
	if _, err := s.chat.UpdateConversation(c.Request.Context(), chatUser(c), c.Param("id"), p); err != nil {
		fail(c, err)
		return
	}
	chatSuccess(c)
}

func (s *server) shareConversation(c *gin.Context) {
	if !s.chatOr503(c) {
		return
	}
	tok, err := s.chat.Share(c.Request.Context(), chatUser(c), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"shareToken": tok, "shareUrl": "/shared/" + tok})
}

func (s *server) unshareConversation(c *gin.Context) {
	if !s.chatOr503(c) {
		return
	}
	if err := s.chat.Unshare(c.Request.Context(), chatUser(c), c.Param("id")); err != nil {
		fail(c, err)
		return
	}
	chatSuccess(c)
}

// sharedConversation is public: the author is not shown.
func (s *server) sharedConversation(c *gin.Context) {
	if !s.chatOr503(c) {
		return
	}
	v, err := s.chat.Shared(c.Request.Context(), c.Param("token"))
	if err != nil {
		fail(c, err)
		return
	}
	msgs := make([]gin.H, len(v.Messages))
	for i, m := range v.Messages {
		msgs[i] = gin.H{"role": string(m.Role), "content": m.Content, "createdAt": timestamp(m.CreatedAt)}
	}
	c.JSON(http.StatusOK, gin.H{"conversation": gin.H{"title": v.Conversation.Title, "createdAt": timestamp(v.Conversation.CreatedAt),
		"sharedAt": timestamp(v.SharedAt), "messages": msgs}})
}

func (s *server) chatSuggestions(c *gin.Context) {
	if !s.chatOr503(c) {
		return
	}
	out, err := s.chat.Suggestions(c.Request.Context(), chatUser(c), c.Param("conversationId"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"suggestions": out})
}

func (s *server) postChat(c *gin.Context) {
	if !s.chatOr503(c) {
		return
	}
	var in struct {
		ConversationID string `json:"conversationId"`
		Message        string `json:"message"`
		Model          string `json:"model"`
	}
	if err := bindJSON(c, &in, true); err != nil {
		s.giveBack(c)
		fail(c, err)
		return
	}
	t, err := s.chat.StartChat(c.Request.Context(), chatUser(c), chatsvc.ChatInput{ConversationID: in.ConversationID, Message: in.Message, Model: in.Model})
	if err != nil {
		s.giveBack(c)
		fail(c, err)
		return
	}
	s.stream(c, t)
}

func (s *server) regenerateMessage(c *gin.Context) {
	if !s.chatOr503(c) {
		return
	}
	t, err := s.chat.StartRegenerate(c.Request.Context(), chatUser(c), c.Param("id"))
	if err != nil {
		s.giveBack(c)
		fail(c, err)
		return
	}
	s.stream(c, t)
}

// giveBack returns the message quota a refused or failed message took.
func (s *server) giveBack(c *gin.Context) {
	if s.tiers == nil {
		return
	}
	ctx := context.WithoutCancel(c.Request.Context())
	if err := s.tiers.ReturnMessage(ctx, chatUser(c).ID); err != nil {
		s.log.WarnContext(ctx, "message quota not returned", "err", err)
	}
}

// SSE events of POST /api/chat and regenerate (askozzy-notes §4.3).
type (
	tokenEvent struct {
		Type    string `json:"type"`
		Content string `json:"content"`
	}
	sourceDoc struct {
		Title     string `json:"title"`
		Source    string `json:"source"`
		Snippet   string `json:"snippet"`
		Relevance int    `json:"relevance"`
	}
	sourcesEvent struct {
		Type      string      `json:"type"`
		Documents []sourceDoc `json:"documents"`
	}
	usageJSON struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
	}
	doneEvent struct {
		Type      string    `json:"type"`
		MessageID string    `json:"messageId"`
		Usage     usageJSON `json:"usage"`
	}
	errorEvent struct {
		Type  string `json:"type"`
		Error string `json:"error"`
	}
)

// sse writes one event per call: a single data: line and a blank line,
// flushed at once.
type sse struct {
	w   gin.ResponseWriter
	buf []byte
}

func (e *sse) send(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	e.buf = append(append(append(e.buf[:0], "data: "...), b...), "\n\n"...)
	if _, err := e.w.Write(e.buf); err != nil {
		return err
	}
	e.w.Flush()
	return nil
}

// errStreamFailed is the in-stream message of a failure with no safe
// message of its own.
const errStreamFailed = "The model could not answer. Please try again."

// stream answers t as Server-Sent Events: token events, then sources (when
// any), then done; on failure one error event. The request's context is
// the stream's: a client going away cancels the upstream request.
func (s *server) stream(c *gin.Context, t *chatsvc.Turn) {
	h := c.Writer.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("Connection", "keep-alive")
	h.Set("X-Accel-Buffering", "no")
	c.Status(http.StatusOK)
	c.Writer.WriteHeaderNow()
	c.Writer.Flush()
	ctx := c.Request.Context()
	ev := &sse{w: c.Writer, buf: make([]byte, 0, 256)}
	tokens := 0
	res, err := t.Stream(ctx, func(tok string) error {
		tokens++
		return ev.send(tokenEvent{Type: "token", Content: tok})
	})
	if err != nil {
		if tokens == 0 {
			s.giveBack(c)
		}
		if ctx.Err() != nil {
			return // the client went away; there is no one to tell
		}
		msg := errStreamFailed
		if fe, ok := fault.As(err); ok && fe.Kind != fault.Internal && fe.Msg != "" {
			msg = fe.Msg
		} else {
			s.log.ErrorContext(ctx, "chat stream failed", "err", err, "request_id", c.GetString("request_id"))
		}
		_ = ev.send(errorEvent{Type: "error", Error: msg})
		return
	}
	if len(res.Sources) > 0 {
		docs := make([]sourceDoc, len(res.Sources))
		for i, p := range res.Sources {
			docs[i] = sourceDoc{Title: p.Title, Source: p.Source, Snippet: p.Snippet, Relevance: chat.Relevance(p.Score)}
		}
		_ = ev.send(sourcesEvent{Type: "sources", Documents: docs})
	}
	_ = ev.send(doneEvent{Type: "done", MessageID: res.MessageID,
		Usage: usageJSON{PromptTokens: res.Usage.PromptTokens, CompletionTokens: res.Usage.CompletionTokens}})
}

func (s *server) detectArtifact(c *gin.Context) {
	var in struct {
		Content *string `json:"content"`
	}
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	if in.Content == nil {
		fail(c, fault.Field("content", "request.required", "content is required"))
		return
	}
	a := chatsvc.DetectArtifact(*in.Content)
	c.JSON(http.StatusOK, gin.H{"hasArtifact": a.Has, "type": a.Type, "title": a.Title})
}

func (s *server) rateMessage(c *gin.Context) {
	if !s.chatOr503(c) {
		return
	}
	var in struct {
		Rating *int `json:"rating"`
	}
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	if in.Rating == nil {
		fail(c, chatsvc.ErrRating)
		return
	}
	if err := s.chat.Rate(c.Request.Context(), chatUser(c), c.Param("id"), *in.Rating); err != nil {
		fail(c, err)
		return
	}
	chatSuccess(c)
}

func memoryJSON(m chat.Memory) gin.H {
	return gin.H{"id": m.ID, "key": m.Key, "value": m.Value, "type": string(m.Type), "createdAt": timestamp(m.CreatedAt), "updatedAt": timestamp(m.UpdatedAt)}
}

func (s *server) memoriesOf(c *gin.Context, list []chat.Memory, err error) {
	if err != nil {
		fail(c, err)
		return
	}
	out := mapSlice(list, memoryJSON)
	c.JSON(http.StatusOK, gin.H{"memories": out})
}

func (s *server) listMemories(c *gin.Context) {
	if !s.chatOr503(c) {
		return
	}
	list, err := s.chat.Memories(c.Request.Context(), chatUser(c))
	s.memoriesOf(c, list, err)
}

func (s *server) adminUserMemories(c *gin.Context) {
	if !s.chatOr503(c) {
		return
	}
	list, err := s.chat.UserMemories(c.Request.Context(), c.Param("userId"))
	s.memoriesOf(c, list, err)
}

func (s *server) createMemory(c *gin.Context) {
	if !s.chatOr503(c) {
		return
	}
	var in struct {
		Key   string `json:"key"`
		Value string `json:"value"`
		Type  string `json:"type"`
	}
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	m, err := s.chat.SaveMemory(c.Request.Context(), chatUser(c), in.Key, in.Value, chat.MemoryType(in.Type))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, memoryJSON(m))
}

func (s *server) deleteMemory(c *gin.Context) {
	if !s.chatOr503(c) {
		return
	}
	if err := s.chat.DeleteMemory(c.Request.Context(), chatUser(c), c.Param("id")); err != nil {
		fail(c, err)
		return
	}
	chatSuccess(c)
}

func agentJSON(a chat.Agent) gin.H {
	return gin.H{"id": a.ID, "name": a.Name, "description": a.Description, "avatar": a.Avatar, "category": a.Category,
		"department": a.Department, "knowledgeCategory": a.KnowledgeCategory, "systemPrompt": a.SystemPrompt, "model": chatNull(a.Model),
		"audience": string(a.Audience), "requiresPaid": a.RequiresPaid, "active": a.Active, "conversationCount": a.ConversationCount,
		"createdAt": timestamp(a.CreatedAt), "updatedAt": timestamp(a.UpdatedAt)}
}

func (s *server) agentsOf(c *gin.Context, list []chat.Agent, err error) {
	if err != nil {
		fail(c, err)
		return
	}
	out := mapSlice(list, agentJSON)
	c.JSON(http.StatusOK, gin.H{"agents": out})
}

// listAgents is public; a valid bearer token tailors the list to the
// caller (an invalid one is treated as none).
func (s *server) listAgents(c *gin.Context) {
	if !s.chatOr503(c) {
		return
	}
	var u *identity.User
	if tok := bearerToken(c.GetHeader("Authorization")); tok != "" {
		if p, err := s.id.Authenticate(c.Request.Context(), tok, clientMeta(c)); err == nil {
			u = &p.User
		}
	}
	list, err := s.chat.PublicAgents(c.Request.Context(), u)
	s.agentsOf(c, list, err)
}

func (s *server) getAgent(c *gin.Context) {
	if !s.chatOr503(c) {
		return
	}
	a, err := s.chat.Agent(c.Request.Context(), c.Param("id"), false)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"agent": agentJSON(a)})
}

func (s *server) adminAgents(c *gin.Context) {
	if !s.chatOr503(c) {
		return
	}
	list, err := s.chat.AllAgents(c.Request.Context())
	s.agentsOf(c, list, err)
}

type agentBody struct {
	Name              *string `json:"name"`
	Description       *string `json:"description"`
	SystemPrompt      *string `json:"systemPrompt"`
	Avatar            *string `json:"avatar"`
	Category          *string `json:"category"`
	Department        *string `json:"department"`
	KnowledgeCategory *string `json:"knowledgeCategory"`
	Model             *string `json:"model"`
	Audience          *string `json:"audience"`
	RequiresPaid      *bool   `json:"requiresPaid"`
	Active            *bool   `json:"active"`
}

func (b agentBody) input() chatsvc.AgentInput {
	return chatsvc.AgentInput{Name: b.Name, Description: b.Description, SystemPrompt: b.SystemPrompt, Avatar: b.Avatar,
		Category: b.Category, Department: b.Department, KnowledgeCategory: b.KnowledgeCategory, Model: b.Model,
		Audience: b.Audience, RequiresPaid: b.RequiresPaid, Active: b.Active}
}

func (s *server) createAgent(c *gin.Context) {
	if !s.chatOr503(c) {
		return
	}
	var in agentBody
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	a, err := s.chat.CreateAgent(c.Request.Context(), chatUser(c), in.input())
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"id": a.ID, "name": a.Name, "createdAt": timestamp(a.CreatedAt)})
}

func (s *server) updateAgent(c *gin.Context) {
	if !s.chatOr503(c) {
		return
	}
	var in agentBody
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	if _, err := s.chat.UpdateAgent(c.Request.Context(), chatUser(c), c.Param("id"), in.input()); err != nil {
		fail(c, err)
		return
	}
	chatSuccess(c)
}

func (s *server) deleteAgent(c *gin.Context) {
	if !s.chatOr503(c) {
		return
	}
	if err := s.chat.DeleteAgent(c.Request.Context(), chatUser(c), c.Param("id")); err != nil {
		fail(c, err)
		return
	}
	chatSuccess(c)
}

func (s *server) seedAgents(c *gin.Context) {
	if !s.chatOr503(c) {
		return
	}
	n, err := s.chat.SeedAgents(c.Request.Context(), chatUser(c))
	if err != nil {
		fail(c, err)
		return
	}
	status := http.StatusCreated
	if n == 0 {
		status = http.StatusOK
	}
	c.JSON(status, gin.H{"success": true, "agentsCreated": n})
}

func folderJSON(f chat.Folder) gin.H {
	return gin.H{"id": f.ID, "name": f.Name, "color": f.Color, "sortOrder": f.SortOrder, "conversationCount": f.ConversationCount,
		"createdAt": timestamp(f.CreatedAt), "updatedAt": timestamp(f.UpdatedAt)}
}

func (s *server) listFolders(c *gin.Context) {
	if !s.chatOr503(c) {
		return
	}
	list, err := s.chat.Folders(c.Request.Context(), chatUser(c))
	if err != nil {
		fail(c, err)
		return
	}
	out := mapSlice(list, folderJSON)
	c.JSON(http.StatusOK, gin.H{"folders": out})
}

func (s *server) createFolder(c *gin.Context) {
	if !s.chatOr503(c) {
		return
	}
	var in struct {
		Name  string `json:"name"`
		Color string `json:"color"`
	}
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	f, err := s.chat.CreateFolder(c.Request.Context(), chatUser(c), in.Name, strings.TrimSpace(in.Color))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, folderJSON(f))
}

func (s *server) patchFolder(c *gin.Context) {
	if !s.chatOr503(c) {
		return
	}
	var in struct {
		Name  *string `json:"name"`
		Color *string `json:"color"`
	}
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	if _, err := s.chat.UpdateFolder(c.Request.Context(), chatUser(c), c.Param("id"), in.Name, in.Color); err != nil {
		fail(c, err)
		return
	}
	chatSuccess(c)
}

func (s *server) deleteFolder(c *gin.Context) {
	if !s.chatOr503(c) {
		return
	}
	if err := s.chat.DeleteFolder(c.Request.Context(), chatUser(c), c.Param("id")); err != nil {
		fail(c, err)
		return
	}
	chatSuccess(c)
}

// modelServed reports whether the chat service's LLM serves model id
// (GET /api/models adds it as "served"); true without a chat service.
func (s *server) modelServed(ctx context.Context, id string) bool {
	if s.chat == nil {
		return true
	}
	return s.chat.Served(ctx, id)
}
