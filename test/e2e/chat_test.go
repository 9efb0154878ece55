package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/sqlstore"
)

// sseEvents splits an SSE body into its JSON events, checking that each
// event is one data: line followed by a blank line.
func sseEvents(t *testing.T, body []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	expectBlank := false
	for sc.Scan() {
		line := sc.Text()
		if expectBlank {
			require.Equal(t, "", line, "an event is one data: line and a blank line")
			expectBlank = false
			continue
		}
		require.True(t, strings.HasPrefix(line, "data: "), "line %q", line)
		var ev map[string]any
		require.NoError(t, json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &ev))
		out = append(out, ev)
		expectBlank = true
	}
	require.False(t, expectBlank, "the last event lacks its blank line")
	return out
}

func TestChatJourney(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d sqlstore.Dialect) {
		c := startOn(t, d)
		_, tok, _ := register(t, c, "ama@example.gov.gh", "Ama Mensah")
		_, other, _ := register(t, c, "kofi@example.gov.gh", "Kofi Boateng")

		res := c.do("POST", "/api/folders", tok, map[string]any{"name": "Procurement"})
		require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
		folder := res.JSON(t)["id"].(string)
		res = c.do("POST", "/api/conversations", tok, map[string]any{"folderId": folder})
		require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
		conv := res.JSON(t)["id"].(string)

		res = c.do("POST", "/api/chat", tok, map[string]any{"conversationId": conv, "message": "How do I plan district procurement thresholds?"})
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Equal(t, "text/event-stream", res.Header.Get("Content-Type"))
		events := sseEvents(t, res.Body)
		require.NotEmpty(t, events)
		var text strings.Builder
		sawDone := false
		for i, ev := range events {
			switch ev["type"] {
			case "token":
				require.False(t, sawDone)
				text.WriteString(ev["content"].(string))
			case "sources":
			case "done":
				sawDone = true
				assert.Equal(t, len(events)-1, i, "done is last")
			default:
				t.Fatalf("unexpected event %v", ev)
			}
		}
		require.True(t, sawDone)
		done := events[len(events)-1]
		msgID := done["messageId"].(string)
		usage := done["usage"].(map[string]any)
		assert.Greater(t, usage["completion_tokens"].(float64), 0.0)
		assert.Greater(t, usage["prompt_tokens"].(float64), 0.0)
		require.NotEmpty(t, text.String())

		res = c.do("GET", "/api/conversations/"+conv+"/messages", tok, nil)
		require.Equal(t, http.StatusOK, res.Status)
		msgs := res.JSON(t)["messages"].([]any)
		require.Len(t, msgs, 2)
		last := msgs[1].(map[string]any)
		assert.Equal(t, msgID, last["id"])
		assert.Equal(t, text.String(), last["content"], "tokens concatenated equal the stored answer")

		res = c.do("GET", "/api/conversations", tok, nil)
		list := res.JSON(t)["conversations"].([]any)
		require.Len(t, list, 1)
		assert.Equal(t, "How do I plan district procurement thresholds?", list[0].(map[string]any)["title"], "first exchange titles the conversation")

		res = c.do("GET", "/api/conversations/search?q=procurement", tok, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		hits := res.JSON(t)["conversations"].([]any)
		require.Len(t, hits, 1)
		assert.Equal(t, conv, hits[0].(map[string]any)["id"])
		res = c.do("GET", "/api/conversations/search?q=procurement", other, nil)
		assert.Empty(t, res.JSON(t)["conversations"], "another user's search never finds it")

		res = c.do("POST", "/api/conversations/"+conv+"/share", tok, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		share := res.JSON(t)["shareToken"].(string)
		res = c.do("GET", "/api/shared/"+share, "", nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		shared := res.JSON(t)["conversation"].(map[string]any)
		assert.Len(t, shared["messages"], 2)
		assert.NotContains(t, string(res.Body), "Ama")
		res = c.do("DELETE", "/api/conversations/"+conv+"/share", tok, nil)
		require.Equal(t, http.StatusOK, res.Status)
		res = c.do("GET", "/api/shared/"+share, "", nil)
		assert.Equal(t, http.StatusNotFound, res.Status)

		// Another user sees none of it.
		for _, r := range []struct {
			method, path string
			body         any
		}{
			{"GET", "/api/conversations/" + conv + "/messages", nil},
			{"PATCH", "/api/conversations/" + conv, map[string]any{"pinned": true}},
			{"DELETE", "/api/conversations/" + conv, nil},
			{"POST", "/api/conversations/" + conv + "/share", nil},
			{"DELETE", "/api/conversations/" + conv + "/share", nil},
			{"POST", "/api/chat", map[string]any{"conversationId": conv, "message": "hi"}},
			{"POST", "/api/messages/" + msgID + "/rate", map[string]any{"rating": 1}},
			{"POST", "/api/messages/" + msgID + "/regenerate", nil},
			{"PATCH", "/api/folders/" + folder, map[string]any{"name": "Mine"}},
			{"DELETE", "/api/folders/" + folder, nil},
			{"POST", "/api/conversations", map[string]any{"folderId": folder}},
		} {
			res := c.do(r.method, r.path, other, r.body)
			assert.Contains(t, []int{http.StatusNotFound, http.StatusBadRequest}, res.Status, "%s %s: %s", r.method, r.path, res.Body)
			if r.path != "/api/conversations" {
				assert.Equal(t, http.StatusNotFound, res.Status, "%s %s: %s", r.method, r.path, res.Body)
			}
		}
		res = c.do("GET", "/api/chat/suggestions/"+conv, other, nil)
		assert.Empty(t, res.JSON(t)["suggestions"])

		// Regenerate replaces the answer.
		res = c.do("POST", "/api/messages/"+msgID+"/regenerate", tok, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		ev := sseEvents(t, res.Body)
		newID := ev[len(ev)-1]["messageId"].(string)
		assert.NotEqual(t, msgID, newID)
		res = c.do("GET", "/api/conversations/"+conv+"/messages", tok, nil)
		msgs = res.JSON(t)["messages"].([]any)
		require.Len(t, msgs, 2)
		assert.Equal(t, newID, msgs[1].(map[string]any)["id"])

		// Bad input: each a clear 4xx naming the field.
		for _, tt := range []struct {
			name   string
			body   any
			status int
			field  string
		}{
			{"empty message", map[string]any{"conversationId": conv, "message": "  "}, 400, "message"},
			{"100 KB message", map[string]any{"conversationId": conv, "message": strings.Repeat("a", 100<<10)}, 400, "message"},
			{"unknown model", map[string]any{"conversationId": conv, "message": "hi", "model": "nope"}, 400, "model"},
			{"model above tier", map[string]any{"conversationId": conv, "message": "hi", "model": "@cf/openai/gpt-oss-120b"}, 403, "model"},
			{"malformed JSON", `{"conversationId":`, 400, ""},
		} {
			// A fresh user per case: the free plan's per-minute message
			// limit counts refused messages too.
			_, fresh, _ := register(t, c, strings.ReplaceAll(tt.name, " ", "")+"@example.gov.gh", "Bad Input")
			res := c.do("POST", "/api/conversations", fresh, nil)
			require.Equal(t, http.StatusCreated, res.Status)
			if m, ok := tt.body.(map[string]any); ok {
				m["conversationId"] = res.JSON(t)["id"]
			}
			res = c.do("POST", "/api/chat", fresh, tt.body)
			assert.Equal(t, tt.status, res.Status, "%s: %s", tt.name, res.Body)
			m := res.JSON(t)
			assert.NotEmpty(t, m["error"], tt.name)
			if tt.field != "" {
				assert.Equal(t, tt.field, m["field"], tt.name)
			}
			if tt.status == 403 {
				assert.Equal(t, "enterprise", m["requiredTier"])
				assert.Contains(t, m["error"], "enterprise")
			}
		}
		res = c.do("POST", "/api/conversations", tok, map[string]any{"agentId": "agent_missing"})
		assert.Equal(t, http.StatusBadRequest, res.Status)
		assert.Equal(t, "agentId", res.JSON(t)["field"])

		// Deleting the folder keeps its conversation, unfiled.
		res = c.do("DELETE", "/api/folders/"+folder, tok, nil)
		require.Equal(t, http.StatusOK, res.Status)
		res = c.do("GET", "/api/conversations", tok, nil)
		list = res.JSON(t)["conversations"].([]any)
		require.Len(t, list, 1)
		assert.Nil(t, list[0].(map[string]any)["folderId"])
	})
}
