package anthropic_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/llm/anthropic"
	"github.com/kente-gov/kente/adapters/llm/internal/wire"
	"github.com/kente-gov/kente/core/chat"
	"github.com/kente-gov/kente/core/fault"
)

func ev(name, data string) string { return "event: " + name + "\ndata: " + data + "\n\n" }

var (
	start     = ev("message_start", `{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-x","stop_reason":null,"usage":{"input_tokens":25,"output_tokens":1}}}`)
	blockOpen = ev("content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`)
	ping      = ev("ping", `{"type": "ping"}`)
	blockStop = ev("content_block_stop", `{"type":"content_block_stop","index":0}`)
	msgDelta  = ev("message_delta", `{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}`)
	stop      = ev("message_stop", `{"type":"message_stop"}`)
)

func text(s string) string {
	return ev("content_block_delta", fmt.Sprintf(`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":%q}}`, s))
}

func sse(w http.ResponseWriter, parts ...string) {
	w.Header().Set("Content-Type", "text/event-stream")
	for _, p := range parts {
		_, _ = io.WriteString(w, p)
		w.(http.Flusher).Flush()
	}
}

func client(t *testing.T, h func(n int, w http.ResponseWriter, r *http.Request)) (*anthropic.Client, *atomic.Int32, *[]time.Duration) {
	t.Helper()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h(int(calls.Add(1)), w, r) }))
	t.Cleanup(srv.Close)
	var waits []time.Duration
	return anthropic.New(srv.URL, "sk-ant-test", wire.Options{Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }}), &calls, &waits
}

func request() chat.Request {
	return chat.Request{Model: "claude-x", Messages: []chat.Message{
		{Role: chat.RoleSystem, Content: "rules"},
		{Role: chat.RoleAssistant, Content: "orphan answer"},
		{Role: chat.RoleUser, Content: "a"}, {Role: chat.RoleUser, Content: "b"},
		{Role: chat.RoleAssistant, Content: "c"}, {Role: chat.RoleUser, Content: "d"}}}
}

func TestStream(t *testing.T) {
	c, _, _ := client(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "/v1/messages", r.URL.Path)
		assert.Equal(t, "sk-ant-test", r.Header.Get("x-api-key"))
		assert.Equal(t, "2023-06-01", r.Header.Get("anthropic-version"))
		var body map[string]any
		require.NoError(t, json.NewDecoder(r.Body).Decode(&body))
		assert.Equal(t, "rules", body["system"])
		assert.Equal(t, float64(anthropic.DefaultMaxTokens), body["max_tokens"])
		assert.Equal(t, true, body["stream"])
		assert.Equal(t, []any{
			map[string]any{"role": "user", "content": "a\n\nb"},
			map[string]any{"role": "assistant", "content": "c"},
			map[string]any{"role": "user", "content": "d"},
		}, body["messages"], "system moved out, leading assistant dropped, same roles merged")
		sse(w, start, blockOpen, ping, text("Hello"), text(" there"),
			ev("content_block_delta", `{"type":"content_block_delta","index":1,"delta":{"type":"thinking_delta","thinking":"hmm"}}`),
			blockStop, msgDelta, stop)
	})
	var got []string
	u, err := c.Stream(context.Background(), request(), func(d chat.Delta) error { got = append(got, d.Content); return nil })
	require.NoError(t, err)
	assert.Equal(t, []string{"Hello", " there"}, got)
	assert.Equal(t, chat.Usage{PromptTokens: 25, CompletionTokens: 15}, u)
}

func TestStreamFailures(t *testing.T) {
	tests := []struct {
		name      string
		h         func(n int, w http.ResponseWriter, r *http.Request)
		want      []string
		kind      fault.Kind
		code      string
		wantCalls int32
	}{
		{"malformed JSON", func(_ int, w http.ResponseWriter, _ *http.Request) {
			sse(w, start, text("Hi"), ev("content_block_delta", `{"type":"content_block_delta",`), stop)
		}, []string{"Hi"}, fault.Unavailable, "llm.stream_malformed", 1},
		{"truncated before message_stop", func(_ int, w http.ResponseWriter, _ *http.Request) {
			sse(w, start, blockOpen, text("Hi"))
		}, []string{"Hi"}, fault.Unavailable, "llm.stream_truncated", 1},
		{"error event after the first token", func(_ int, w http.ResponseWriter, _ *http.Request) {
			sse(w, start, text("Hi"), ev("error", `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`))
		}, []string{"Hi"}, fault.Unavailable, "llm.provider_error", 1},
		{"500 after the first token is not retried", func(n int, w http.ResponseWriter, _ *http.Request) {
			sse(w, start, text("Hi"), ev("error", `{"type":"error","error":{"type":"api_error","message":"Internal server error"}}`))
		}, []string{"Hi"}, fault.Unavailable, "llm.provider_error", 1},
		{"invalid API key", func(_ int, w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}`)
		}, nil, fault.Unavailable, "llm.credentials", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, calls, _ := client(t, tt.h)
			var got []string
			_, err := c.Stream(context.Background(), request(), func(d chat.Delta) error { got = append(got, d.Content); return nil })
			fe, ok := fault.As(err)
			require.True(t, ok, "%v", err)
			assert.Equal(t, tt.kind, fe.Kind)
			assert.Equal(t, tt.code, fe.Code)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.wantCalls, calls.Load())
		})
	}
}

func TestStreamRetriesBeforeTheFirstToken(t *testing.T) {
	c, calls, waits := client(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		switch n {
		case 1:
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
		case 2: // overloaded inside a 200 stream, before any text
			sse(w, start, ev("error", `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`))
		default:
			sse(w, start, text("ok"), msgDelta, stop)
		}
	})
	var got []string
	_, err := c.Stream(context.Background(), request(), func(d chat.Delta) error { got = append(got, d.Content); return nil })
	require.NoError(t, err)
	assert.Equal(t, []string{"ok"}, got)
	assert.Equal(t, int32(3), calls.Load())
	assert.Equal(t, []time.Duration{time.Second, time.Second}, *waits, "Retry-After, then the doubled backoff")
}

func TestStreamCancellationReachesTheServer(t *testing.T) {
	gone := make(chan struct{})
	c, _, _ := client(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		sse(w, start, text("Hi"))
		<-r.Context().Done()
		close(gone)
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := c.Stream(ctx, request(), func(chat.Delta) error { cancel(); return nil })
	assert.ErrorIs(t, err, context.Canceled)
	select {
	case <-gone:
	case <-time.After(5 * time.Second):
		t.Fatal("the server's request context was not cancelled")
	}
}
