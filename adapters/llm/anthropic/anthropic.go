// Package anthropic is an LLM adapter for Anthropic's Messages API with
// streaming, written on net/http (the official SDK costs about 46 s of CPU
// to compile, DEPENDENCIES.md, for one streaming call).
package anthropic

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/kente-gov/kente/adapters/llm/internal/wire"
	"github.com/kente-gov/kente/core/chat"
	"github.com/kente-gov/kente/core/fault"
)

// Name is the provider's name in configuration.
const Name = "anthropic"

// DefaultBaseURL is Anthropic's API.
const DefaultBaseURL = "https://api.anthropic.com"

// Version is the anthropic-version header Kente speaks.
const Version = "2023-06-01"

// DefaultMaxTokens is sent when a request sets no MaxTokens: the Messages
// API requires max_tokens.
const DefaultMaxTokens = 4096

// Client streams messages from the Anthropic API.
type Client struct {
	url  string // …/v1/messages
	key  string
	opts wire.Options
}

// New returns a client of baseURL ("" for DefaultBaseURL) with an API key.
func New(baseURL, key string, opts wire.Options) *Client {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	return &Client{url: strings.TrimRight(baseURL, "/") + "/v1/messages", key: key, opts: opts.WithDefaults()}
}

type message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type request struct {
	Model       string    `json:"model"`
	System      string    `json:"system,omitempty"`
	Messages    []message `json:"messages"`
	MaxTokens   int       `json:"max_tokens"`
	Stream      bool      `json:"stream"`
	Temperature float64   `json:"temperature,omitempty"`
	TopP        float64   `json:"top_p,omitempty"`
}

type usage struct {
	InputTokens  int `json:"input_tokens"`
	OutputTokens int `json:"output_tokens"`
}

type event struct {
	Type    string `json:"type"`
	Message struct {
		Usage usage `json:"usage"`
	} `json:"message"`
	Delta struct {
		Type string `json:"type"`
		Text string `json:"text"`
	} `json:"delta"`
	Usage *usage `json:"usage"`
	Error *struct {
		Type    string `json:"type"`
		Message string `json:"message"`
	} `json:"error"`
}

const provider = "Anthropic"

// body converts a request: system messages go to the system parameter,
// turns of the same role are merged (the API wants them alternating), and
// a conversation never starts with the assistant.
func body(req chat.Request) request {
	out := request{Model: req.Model, Stream: true, MaxTokens: req.MaxTokens, Temperature: req.Temperature, TopP: req.TopP}
	if out.MaxTokens <= 0 {
		out.MaxTokens = DefaultMaxTokens
	}
	var system []string
	for _, m := range req.Messages {
		switch m.Role {
		case chat.RoleSystem:
			system = append(system, m.Content)
			continue
		case chat.RoleAssistant:
			if len(out.Messages) == 0 {
				continue
			}
		}
		if n := len(out.Messages); n > 0 && out.Messages[n-1].Role == string(m.Role) {
			out.Messages[n-1].Content += "\n\n" + m.Content
			continue
		}
		out.Messages = append(out.Messages, message{Role: string(m.Role), Content: m.Content})
	}
	out.System = strings.Join(system, "\n\n")
	return out
}

// Stream implements the streaming half of ports.LLM. req.Model is the
// upstream model name.
func (c *Client) Stream(ctx context.Context, req chat.Request, emit func(chat.Delta) error) (chat.Usage, error) {
	payload, err := json.Marshal(body(req))
	if err != nil {
		return chat.Usage{}, fmt.Errorf("encode request: %w", err)
	}
	newReq := func(ctx context.Context) (*http.Request, error) {
		r, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(payload))
		if err != nil {
			return nil, err
		}
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Accept", "text/event-stream")
		r.Header.Set("x-api-key", c.key)
		r.Header.Set("anthropic-version", Version)
		return r, nil
	}
	var u chat.Usage
	handle := func(ev wire.Event) (string, bool, error) {
		if strings.TrimSpace(ev.Data) == "" {
			return "", false, nil
		}
		var e event
		if err := json.Unmarshal([]byte(ev.Data), &e); err != nil {
			return "", false, fmt.Errorf("decode %s event: %w", ev.Name, err)
		}
		switch e.Type {
		case "message_start":
			u = chat.Usage{PromptTokens: e.Message.Usage.InputTokens, CompletionTokens: e.Message.Usage.OutputTokens}
		case "content_block_delta":
			if e.Delta.Type == "text_delta" {
				return e.Delta.Text, false, nil
			}
		case "message_delta":
			if e.Usage != nil {
				u.CompletionTokens = e.Usage.OutputTokens
				if e.Usage.InputTokens > 0 {
					u.PromptTokens = e.Usage.InputTokens
				}
			}
		case "message_stop":
			return "", true, nil
		case "error":
			kind, msg := "unknown_error", ""
			if e.Error != nil {
				kind, msg = e.Error.Type, e.Error.Message
			}
			fe := &fault.Error{Kind: fault.Unavailable, Code: "llm.provider_error", Msg: provider + " failed during the answer", Err: errors.New(kind + ": " + msg)}
			if kind == "overloaded_error" || kind == "api_error" || kind == "rate_limit_error" {
				return "", false, wire.Retryable(fe)
			}
			return "", false, fe
		}
		return "", false, nil // ping, content_block_start/stop, thinking deltas
	}
	if err := wire.Call(ctx, c.opts, provider, newReq, handle, emit); err != nil {
		return chat.Usage{}, err
	}
	return u, nil
}
