package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/sqlstore"
)

// chatText streams one chat message and returns the answer's text and the
// titles of the sources the stream cited.
func chatText(t *testing.T, c *client, token, message string) (string, []string) {
	t.Helper()
	res := c.do("POST", "/api/conversations", token, map[string]any{})
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	res = c.do("POST", "/api/chat", token, map[string]any{"conversationId": res.JSON(t)["id"], "message": message})
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
	var text strings.Builder
	var titles []string
	for _, ev := range sseEvents(t, res.Body) {
		switch ev["type"] {
		case "token":
			text.WriteString(ev["content"].(string))
		case "sources":
			for _, d := range ev["documents"].([]any) {
				titles = append(titles, d.(map[string]any)["title"].(string))
			}
		}
	}
	return text.String(), titles
}

// TestKnowledgeBaseFAQ: an administrator's FAQ entries are listed,
// validated, audited, and cited by chat while active; another user cannot
// manage them.
func TestKnowledgeBaseFAQ(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d sqlstore.Dialect) {
		c := startOn(t, d)
		res := c.do("POST", "/api/admin/bootstrap", "", map[string]any{"email": "root@gov.gh", "fullName": "Osborn Hodges", "bootstrapSecret": strings.Repeat("b", 40)})
		require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
		res = c.do("POST", "/api/auth/login", "", map[string]any{"accessCode": res.JSON(t)["accessCode"]})
		require.Equal(t, http.StatusOK, res.Status)
		admin := res.JSON(t)["token"].(string)
		_, user, _ := register(t, c, "ama@example.gov.gh", "Ama Mensah")

		const answer = "Under Act 663, single-source procurement is permitted below GHS 20,000."
		res = c.do("POST", "/api/admin/kb", admin, map[string]any{"question": "What is the single-source threshold?",
			"answer": answer, "category": "Procurement", "keywords": "procurement, act 663"})
		require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
		created := res.JSON(t)
		id := created["id"].(string)
		assert.True(t, strings.HasPrefix(id, "faq_"))
		res = c.do("POST", "/api/admin/kb", admin, map[string]any{"question": "How many days of annual leave?",
			"answer": "Twenty working days.", "keywords": []string{"holidays"}, "priority": 5})
		require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)

		res = c.do("GET", "/api/admin/kb", admin, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		list := res.JSON(t)
		assert.Equal(t, 2.0, list["total"])
		entries := list["entries"].([]any)
		require.Len(t, entries, 2)
		first := entries[0].(map[string]any)
		assert.Equal(t, "How many days of annual leave?", first["question"], "highest priority first")
		second := entries[1].(map[string]any)
		assert.Equal(t, "procurement", second["category"])
		assert.Equal(t, []any{"procurement", "act 663"}, second["keywords"])
		res = c.do("GET", "/api/admin/kb?limit=1&offset=1", admin, nil)
		require.Equal(t, http.StatusOK, res.Status)
		assert.Len(t, res.JSON(t)["entries"], 1)

		// Chat cites the FAQ that matches, and the offline model quotes it.
		text, titles := chatText(t, c, user, "What is the procurement threshold for single-source?")
		assert.Contains(t, titles, "What is the single-source threshold?")
		assert.NotContains(t, titles, "How many days of annual leave?")
		assert.Contains(t, text, "GHS 20,000")

		// Deactivated, it is no longer cited.
		res = c.do("PATCH", "/api/admin/kb/"+id, admin, map[string]any{"active": false})
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		_, titles = chatText(t, c, user, "What is the procurement threshold for single-source?")
		assert.NotContains(t, titles, "What is the single-source threshold?")

		// Bad input: a clear 4xx naming the field, nothing stored.
		for _, tc := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"answer": "x"}, "question"},
			{map[string]any{"question": "q", "answer": " "}, "answer"},
			{map[string]any{"question": strings.Repeat("q", 501), "answer": "a"}, "question"},
			{map[string]any{"question": "q", "answer": "a", "priority": -1}, "priority"},
			{map[string]any{"question": "q", "answer": "a", "keywords": 42}, "keywords"},
			{map[string]any{"question": "q", "answer": "a", "priority": "high"}, "priority"},
		} {
			res = c.do("POST", "/api/admin/kb", admin, tc.body)
			require.Equal(t, http.StatusBadRequest, res.Status, "%v: %s", tc.body, res.Body)
			assert.Contains(t, res.JSON(t)["error"], tc.field)
		}
		assert.Equal(t, http.StatusBadRequest, c.do("GET", "/api/admin/kb?limit=0", admin, nil).Status)
		assert.Equal(t, 2.0, c.do("GET", "/api/admin/kb", admin, nil).JSON(t)["total"])

		// Only administrators manage the knowledge base.
		assert.Equal(t, http.StatusForbidden, c.do("GET", "/api/admin/kb", user, nil).Status)
		assert.Equal(t, http.StatusForbidden, c.do("POST", "/api/admin/kb", user, map[string]any{"question": "q", "answer": "a"}).Status)
		assert.Equal(t, http.StatusForbidden, c.do("DELETE", "/api/admin/kb/"+id, user, nil).Status)

		res = c.do("DELETE", "/api/admin/kb/"+id, admin, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Equal(t, http.StatusNotFound, c.do("DELETE", "/api/admin/kb/"+id, admin, nil).Status)
		assert.Equal(t, http.StatusNotFound, c.do("PATCH", "/api/admin/kb/"+id, admin, map[string]any{"active": true}).Status)

		res = c.do("GET", "/api/admin/audit?action=admin.faq_create&startDate=2000-01-01", admin, nil)
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		assert.Equal(t, 2.0, res.JSON(t)["total"], "every change is audited")
	})
}
