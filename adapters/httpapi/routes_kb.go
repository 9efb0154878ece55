package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/kente-gov/kente/app/chatsvc"
	"github.com/kente-gov/kente/core/chat"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
)

// registerKnowledgeBase adds the FAQ administration routes
// (openapi/kb.yaml); the chat retriever cites the active entries.
func registerKnowledgeBase(r *router, s *server) {
	r.handle(http.MethodGet, "/api/admin/kb", identity.Admin, s.listFAQs)
	r.handle(http.MethodPost, "/api/admin/kb", identity.Admin, s.createFAQ)
	r.handle(http.MethodPatch, "/api/admin/kb/:id", identity.Admin, s.updateFAQ)
	r.handle(http.MethodDelete, "/api/admin/kb/:id", identity.Admin, s.deleteFAQ)
}

// keywordList takes keywords as a JSON array of strings or as the
// original's comma-separated text.
type keywordList struct {
	set  bool
	list []string
}

func (k *keywordList) UnmarshalJSON(b []byte) error {
	k.set = true
	if bytes.Equal(b, []byte("null")) {
		k.list = []string{}
		return nil
	}
	var text string
	if err := json.Unmarshal(b, &text); err == nil {
		k.list = chat.SplitKeywords(text)
		return nil
	}
	if err := json.Unmarshal(b, &k.list); err != nil {
		return fault.Field("keywords", "kb.invalid_keywords", "keywords must be an array of strings or comma-separated text")
	}
	return nil
}

type faqBody struct {
	Question *string     `json:"question"`
	Answer   *string     `json:"answer"`
	Category *string     `json:"category"`
	Keywords keywordList `json:"keywords"`
	Priority *int        `json:"priority"`
	Active   *bool       `json:"active"`
}

func (b faqBody) input() chatsvc.FAQInput {
	in := chatsvc.FAQInput{Question: b.Question, Answer: b.Answer, Category: b.Category, Priority: b.Priority, Active: b.Active}
	if b.Keywords.set {
		in.Keywords = &b.Keywords.list
	}
	return in
}

type faqOut struct {
	ID        string   `json:"id"`
	Question  string   `json:"question"`
	Answer    string   `json:"answer"`
	Category  string   `json:"category"`
	Keywords  []string `json:"keywords"`
	Priority  int      `json:"priority"`
	Active    bool     `json:"active"`
	CreatedAt string   `json:"createdAt"`
	UpdatedAt string   `json:"updatedAt"`
}

func toFAQOut(f chat.FAQ) faqOut {
	kw := f.Keywords
	if kw == nil {
		kw = []string{}
	}
	return faqOut{ID: f.ID, Question: f.Question, Answer: f.Answer, Category: f.Category, Keywords: kw, Priority: f.Priority,
		Active: f.Active, CreatedAt: timestamp(f.CreatedAt), UpdatedAt: timestamp(f.UpdatedAt)}
}

func (s *server) listFAQs(c *gin.Context) {
	if !s.chatOr503(c) {
		return
	}
	limit, err := intParam(c, "limit", 100)
	if err == nil && (limit < 1 || limit > 500) {
		err = fault.Field("limit", "request.invalid_limit", "limit must be between 1 and 500")
	}
	var offset int
	if err == nil {
		offset, err = intParam(c, "offset", 0)
	}
	if err == nil && offset < 0 {
		err = fault.Field("offset", "request.invalid_offset", "offset must be 0 or more")
	}
	if err != nil {
		fail(c, err)
		return
	}
	list, total, err := s.chat.FAQs(c.Request.Context(), limit, offset)
	if err != nil {
		fail(c, err)
		return
	}
	out := mapSlice(list, toFAQOut)
	c.JSON(http.StatusOK, gin.H{"entries": out, "total": total, "limit": limit, "offset": offset})
}

func (s *server) createFAQ(c *gin.Context) {
	if !s.chatOr503(c) {
		return
	}
	var in faqBody
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	f, err := s.chat.CreateFAQ(c.Request.Context(), chatUser(c), in.input())
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"id": f.ID, "question": f.Question, "createdAt": timestamp(f.CreatedAt)})
}

func (s *server) updateFAQ(c *gin.Context) {
	if !s.chatOr503(c) {
		return
	}
	var in faqBody
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	if _, err := s.chat.UpdateFAQ(c.Request.Context(), chatUser(c), c.Param("id"), in.input()); err != nil {
		fail(c, err)
		return
	}
	chatSuccess(c)
}

func (s *server) deleteFAQ(c *gin.Context) {
	if !s.chatOr503(c) {
		return
	}
	if err := s.chat.DeleteFAQ(c.Request.Context(), chatUser(c), c.Param("id")); err != nil {
		fail(c, err)
		return
	}
	chatSuccess(c)
}
