package httpapi_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/httpapi"
	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/app/chatsvc"
	"github.com/kente-gov/kente/core/chat"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/ports"
)

// pieces is an LLM that streams fixed pieces, then fails when fail is set.
type pieces struct {
	out  []string
	fail error
}

func (p *pieces) Stream(ctx context.Context, req chat.Request, emit func(chat.Delta) error) (chat.Usage, error) {
	for _, s := range p.out {
		if err := emit(chat.Delta{Content: s}); err != nil {
			return chat.Usage{}, err
		}
	}
	if p.fail != nil {
		return chat.Usage{}, p.fail
	}
	return chat.Usage{PromptTokens: 7, CompletionTokens: len(p.out)}, nil
}

func (p *pieces) Model(_ context.Context, id string) (ports.ModelInfo, error) {
	return ports.ModelInfo{ID: id, Provider: "offline", ContextWindow: 8192}, nil
}

type chatEnv struct {
	*env
	llm   *pieces
	users *sqlstore.UserStore
}

func newChatEnv(t *testing.T) *chatEnv {
	db := sqltest.Fresh(t, sqlstore.SQLite)
	ce := &chatEnv{llm: &pieces{out: []string{"Akwaaba", ", ", "friend"}}, users: sqlstore.NewUserStore(db)}
	convs := sqlstore.NewConversationStore(db)
	svc := chatsvc.New(chatsvc.Deps{Conversations: convs, Messages: sqlstore.NewMessageStore(db), Folders: sqlstore.NewFolderStore(db),
		Memories: sqlstore.NewMemoryStore(db), Agents: sqlstore.NewAgentStore(db), Search: convs, LLM: ce.llm,
		Clock: ports.SystemClock{}, Rand: rand.Reader, DefaultModel: "m"})
	ce.env = newEnv(t, nil, func(d *httpapi.Deps, _ *httpapi.Options) { d.Chat = svc })
	return ce
}

// account registers a user and mirrors it into the chat database.
func (ce *chatEnv) account(t *testing.T, email string) account {
	a := ce.register(t, email)
	u, err := ce.store.UserByID(context.Background(), a.ID)
	require.NoError(t, err)
	require.NoError(t, ce.users.CreateUser(context.Background(), u))
	return a
}

func parseSSE(t *testing.T, body string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(body))
	blank := false
	for sc.Scan() {
		if blank {
			require.Equal(t, "", sc.Text())
			blank = false
			continue
		}
		line, ok := strings.CutPrefix(sc.Text(), "data: ")
		require.True(t, ok, "line %q", sc.Text())
		var ev map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &ev))
		out = append(out, ev)
		blank = true
	}
	require.False(t, blank, "last event without blank line")
	return out
}

func TestChatSSE(t *testing.T) {
	ce := newChatEnv(t)
	a := ce.account(t, "ama@gov.gh")
	rec := ce.do(t, req{method: "POST", path: "/api/conversations", token: a.Token, body: `{}`})
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	conv := decode(t, rec)["id"].(string)

	rec = ce.do(t, req{method: "POST", path: "/api/chat", token: a.Token, body: `{"conversationId":"` + conv + `","message":"Hello"}`})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, "text/event-stream", rec.Header().Get("Content-Type"))
	assert.Equal(t, "no-cache", rec.Header().Get("Cache-Control"))
	evs := parseSSE(t, rec.Body.String())
	require.Len(t, evs, 4)
	for i, want := range []string{"Akwaaba", ", ", "friend"} {
		assert.Equal(t, map[string]any{"type": "token", "content": want}, evs[i])
	}
	assert.Equal(t, "done", evs[3]["type"])
	assert.Equal(t, map[string]any{"prompt_tokens": 7.0, "completion_tokens": 3.0}, evs[3]["usage"])
	assert.True(t, strings.HasPrefix(evs[3]["messageId"].(string), "msg_"))

	// A provider failing mid-stream ends with one error event and no done.
	ce.llm.fail = fault.New(fault.Unavailable, "llm.broken", "The model provider stopped answering")
	rec = ce.do(t, req{method: "POST", path: "/api/chat", token: a.Token, body: `{"conversationId":"` + conv + `","message":"Again"}`})
	require.Equal(t, http.StatusOK, rec.Code)
	evs = parseSSE(t, rec.Body.String())
	require.Len(t, evs, 4)
	assert.Equal(t, map[string]any{"type": "error", "error": "The model provider stopped answering"}, evs[3])

	// An unclassified failure shows a generic message.
	ce.llm.fail, ce.llm.out = assert.AnError, nil
	rec = ce.do(t, req{method: "POST", path: "/api/chat", token: a.Token, body: `{"conversationId":"` + conv + `","message":"Again"}`})
	evs = parseSSE(t, rec.Body.String())
	require.Len(t, evs, 1)
	assert.Equal(t, "error", evs[0]["type"])
	assert.NotContains(t, evs[0]["error"], assert.AnError.Error())
}

func TestChatBadInputIsJSON4xx(t *testing.T) {
	ce := newChatEnv(t)
	a := ce.account(t, "kofi@gov.gh")
	rec := ce.do(t, req{method: "POST", path: "/api/conversations", token: a.Token, body: `{}`})
	conv := decode(t, rec)["id"].(string)
	tests := []struct {
		name, body string
		status     int
		field      string
	}{
		{"empty message", `{"conversationId":"` + conv + `","message":""}`, 400, "message"},
		{"too long", `{"conversationId":"` + conv + `","message":"` + strings.Repeat("x", 50001) + `"}`, 400, "message"},
		{"message not a string", `{"conversationId":"` + conv + `","message":3}`, 400, "message"},
		{"malformed", `{"conversationId":`, 400, ""},
		{"unknown conversation", `{"conversationId":"conv_nope","message":"hi"}`, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := ce.do(t, req{method: "POST", path: "/api/chat", token: a.Token, body: tt.body})
			assert.Equal(t, tt.status, rec.Code, rec.Body.String())
			assert.Contains(t, rec.Header().Get("Content-Type"), "application/json")
			m := decode(t, rec)
			assert.NotEmpty(t, m["error"])
			if tt.field != "" {
				assert.Equal(t, tt.field, m["field"])
			}
		})
	}
	rec = ce.do(t, req{method: "POST", path: "/api/chat/detect-artifact", token: a.Token, body: "{\"content\":\"Here:\\n```go\\nx := 1\\n```\\n\"}"})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, map[string]any{"hasArtifact": true, "type": "go", "title": "Here:"}, decode(t, rec))
}
