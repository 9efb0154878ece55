package openai_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/llm/internal/wire"
	"github.com/kente-gov/kente/adapters/llm/openai"
	"github.com/kente-gov/kente/core/chat"
	"github.com/kente-gov/kente/core/fault"
)

// chunk is one documented chat.completion.chunk line.
func chunk(content string) string {
	return fmt.Sprintf(`data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":%q},"finish_reason":null}]}`+"\n\n", content)
}

const (
	roleChunk  = `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}` + "\n\n"
	stopChunk  = `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}` + "\n\n"
	usageChunk = `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":150,"completion_tokens":3,"total_tokens":153}}` + "\n\n"
	done       = "data: [DONE]\n\n"
)

type fake struct {
	calls  atomic.Int32
	handle func(n int, w http.ResponseWriter, r *http.Request)
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := int(f.calls.Add(1))
	f.handle(n, w, r)
}

func sse(w http.ResponseWriter, parts ...string) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	for _, p := range parts {
		_, _ = io.WriteString(w, p)
		w.(http.Flusher).Flush()
	}
}

type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return nil
}

func newClient(t *testing.T, f *fake, key string, opts wire.Options) (*openai.Client, *sleeps) {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	s := &sleeps{}
	if opts.Sleep == nil {
		opts.Sleep = s.sleep
	}
	return openai.New(srv.URL+"/v1/", key, opts), s
}

func request() chat.Request {
	return chat.Request{Model: "llama3.1:8b", MaxTokens: 256, Temperature: 0.2, Messages: []chat.Message{
		{Role: chat.RoleSystem, Content: "You are AskOzzy."}, {Role: chat.RoleUser, Content: "Draft a memo"}}}
}

func collect(deltas *[]string) func(chat.Delta) error {
	return func(d chat.Delta) error { *deltas = append(*deltas, d.Content); return nil }
}

func TestStream(t *testing.T) {
	f := &fake{handle: func(_ int, w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "/v1/chat/completions", r.URL.Path)
		assert.Equal(t, "Bearer sk-test", r.Header.Get("Authorization"))
		var body map[string]any
		require.NoError(t, json.NewDecoder(r.Body).Decode(&body))
		assert.Equal(t, "llama3.1:8b", body["model"])
		assert.Equal(t, true, body["stream"])
		assert.Equal(t, map[string]any{"include_usage": true}, body["stream_options"])
		assert.Equal(t, float64(256), body["max_tokens"])
		assert.Equal(t, []any{map[string]any{"role": "system", "content": "You are AskOzzy."}, map[string]any{"role": "user", "content": "Draft a memo"}}, body["messages"])
		sse(w, ": keep-alive\n\n", roleChunk, chunk("The"), chunk(" memo"), chunk(" should"), stopChunk, usageChunk, done)
	}}
	c, _ := newClient(t, f, "sk-test", wire.Options{})
	var got []string
	u, err := c.Stream(context.Background(), request(), collect(&got))
	require.NoError(t, err)
	assert.Equal(t, []string{"The", " memo", " should"}, got)
	assert.Equal(t, chat.Usage{PromptTokens: 150, CompletionTokens: 3}, u)
}

func TestStreamEstimatesUsageWhenNoneReported(t *testing.T) {
	f := &fake{handle: func(_ int, w http.ResponseWriter, r *http.Request) {
		assert.Empty(t, r.Header.Get("Authorization"), "no key, no header")
		sse(w, chunk("Hello there"), done)
	}}
	c, _ := newClient(t, f, "", wire.Options{})
	u, err := c.Stream(context.Background(), request(), func(chat.Delta) error { return nil })
	require.NoError(t, err)
	assert.Equal(t, chat.EstimateTokens("Hello there"), u.CompletionTokens)
	assert.Equal(t, chat.MessagesTokens(request().Messages), u.PromptTokens)
}

func requireFault(t *testing.T, err error, kind fault.Kind, code string) *fault.Error {
	t.Helper()
	fe, ok := fault.As(err)
	require.True(t, ok, "want a fault, got %v", err)
	assert.Equal(t, kind, fe.Kind, "%v", err)
	assert.Equal(t, code, fe.Code, "%v", err)
	assert.NotEmpty(t, fe.Msg)
	return fe
}

func TestStreamFailures(t *testing.T) {
	tests := []struct {
		name       string
		handle     func(n int, w http.ResponseWriter, r *http.Request)
		wantDeltas []string
		wantKind   fault.Kind
		wantCode   string
		wantCalls  int32
	}{
		{"malformed JSON in a data line", func(_ int, w http.ResponseWriter, _ *http.Request) {
			sse(w, chunk("The"), "data: {\"choices\":[{\"delta\":{\"content\":\n\n", done)
		}, []string{"The"}, fault.Unavailable, "llm.stream_malformed", 1},
		{"truncated stream", func(_ int, w http.ResponseWriter, _ *http.Request) {
			sse(w, chunk("The"), chunk(" memo"))
		}, []string{"The", " memo"}, fault.Unavailable, "llm.stream_truncated", 1},
		{"server error after the first token is not retried", func(_ int, w http.ResponseWriter, _ *http.Request) {
			sse(w, chunk("The"), `data: {"error":{"message":"Internal server error","type":"server_error","code":500}}`+"\n\n")
		}, []string{"The"}, fault.Unavailable, "llm.provider_error", 1},
		{"invalid API key", func(_ int, w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}`)
		}, nil, fault.Unavailable, "llm.credentials", 1},
		{"prompt refused", func(_ int, w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"error":{"message":"maximum context length exceeded","code":"context_length_exceeded"}}`)
		}, nil, fault.Invalid, "llm.refused", 1},
		{"unknown upstream model", func(_ int, w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusNotFound)
		}, nil, fault.Unavailable, "llm.model_unavailable", 1},
		{"5xx until retries run out", func(_ int, w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusBadGateway)
		}, nil, fault.Unavailable, "llm.unavailable", 3},
		{"Retry-After too long is not waited for", func(_ int, w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", "3600")
			w.WriteHeader(http.StatusTooManyRequests)
		}, nil, fault.Unavailable, "llm.busy", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fake{handle: tt.handle}
			c, _ := newClient(t, f, "sk-test", wire.Options{})
			var got []string
			_, err := c.Stream(context.Background(), request(), collect(&got))
			requireFault(t, err, tt.wantKind, tt.wantCode)
			assert.Equal(t, tt.wantDeltas, got)
			assert.Equal(t, tt.wantCalls, f.calls.Load())
		})
	}
}

func TestStreamRetries429ThenSucceeds(t *testing.T) {
	f := &fake{handle: func(n int, w http.ResponseWriter, _ *http.Request) {
		switch n {
		case 1:
			w.Header().Set("Retry-After", "2")
			w.WriteHeader(http.StatusTooManyRequests)
		case 2:
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			sse(w, chunk("ok"), done)
		}
	}}
	c, s := newClient(t, f, "", wire.Options{Backoff: 100 * time.Millisecond})
	var got []string
	_, err := c.Stream(context.Background(), request(), collect(&got))
	require.NoError(t, err)
	assert.Equal(t, []string{"ok"}, got)
	assert.Equal(t, int32(3), f.calls.Load())
	assert.Equal(t, []time.Duration{2 * time.Second, 200 * time.Millisecond}, s.d, "Retry-After honoured, then exponential backoff")
}

func TestStreamCancellationReachesTheServer(t *testing.T) {
	gone := make(chan struct{})
	f := &fake{handle: func(_ int, w http.ResponseWriter, r *http.Request) {
		sse(w, chunk("The"))
		<-r.Context().Done()
		close(gone)
	}}
	c, _ := newClient(t, f, "", wire.Options{})
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

func TestStreamTimeouts(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	f := &fake{handle: func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 { // silent before the first token
			select {
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		sse(w, chunk("The")) // then silent mid-stream
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}}
	c, _ := newClient(t, f, "", wire.Options{FirstToken: 100 * time.Millisecond, Idle: 100 * time.Millisecond, MaxRetries: -1})
	_, err := c.Stream(context.Background(), request(), func(chat.Delta) error { return nil })
	fe := requireFault(t, err, fault.Unavailable, "llm.timeout")
	assert.Contains(t, fe.Msg, "did not start answering")

	var got []string
	_, err = c.Stream(context.Background(), request(), collect(&got))
	fe = requireFault(t, err, fault.Unavailable, "llm.timeout")
	assert.Contains(t, fe.Msg, "mid-stream")
	assert.Equal(t, []string{"The"}, got)
}

func TestEmitErrorStopsTheStream(t *testing.T) {
	f := &fake{handle: func(_ int, w http.ResponseWriter, _ *http.Request) {
		sse(w, chunk("a"), chunk("b"), done)
	}}
	c, _ := newClient(t, f, "", wire.Options{})
	stop := fmt.Errorf("client went away")
	n := 0
	_, err := c.Stream(context.Background(), request(), func(chat.Delta) error { n++; return stop })
	assert.ErrorIs(t, err, stop)
	assert.Equal(t, 1, n)
	assert.Equal(t, int32(1), f.calls.Load(), "no retry after a delta")
}
