// Package openai is an LLM adapter for OpenAI-compatible chat completions
// (OpenAI, Ollama, vLLM, Cloudflare Workers AI's /v1 endpoint), written
// on net/http: the official SDK costs about 100 s of CPU to compile
// (DEPENDENCIES.md) for the one streaming call Kente makes.
package openai

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
const Name = "openai"

// Client streams chat completions from an OpenAI-compatible server.
type Client struct {
	url  string // …/chat/completions
	key  string
	opts wire.Options
}

// New returns a client of baseURL (e.g. "http://localhost:11434/v1"); key
// may be empty (Ollama, vLLM need none).
func New(baseURL, key string, opts wire.Options) *Client {
	return &Client{url: strings.TrimRight(baseURL, "/") + "/chat/completions", key: key, opts: opts.WithDefaults()}
}

type message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type request struct {
	Model         string    `json:"model"`
	Messages      []message `json:"messages"`
	Stream        bool      `json:"stream"`
	StreamOptions struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
	MaxTokens   int     `json:"max_tokens,omitempty"`
	Temperature float64 `json:"temperature,omitempty"`
	TopP        float64 `json:"top_p,omitempty"`
}

type chunk struct {
	Choices []struct {
		Delta struct {
			Content string `json:"content"`
		} `json:"delta"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
	Usage *struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
	} `json:"usage"`
	Error *struct {
		Message string `json:"message"`
		Type    string `json:"type"`
	} `json:"error"`
}

const provider = "The OpenAI-compatible model server"

// Stream implements the streaming half of ports.LLM. req.Model is the
// upstream model name.
func (c *Client) Stream(ctx context.Context, req chat.Request, emit func(chat.Delta) error) (chat.Usage, error) {
	body := request{Model: req.Model, Stream: true, MaxTokens: req.MaxTokens, Temperature: req.Temperature, TopP: req.TopP}
	body.StreamOptions.IncludeUsage = true
	for _, m := range req.Messages {
		body.Messages = append(body.Messages, message{Role: string(m.Role), Content: m.Content})
	}
	payload, err := json.Marshal(body)
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
		if c.key != "" {
			r.Header.Set("Authorization", "Bearer "+c.key)
		}
		return r, nil
	}

	var usage chat.Usage
	var reported bool
	var answer strings.Builder
	handle := func(ev wire.Event) (string, bool, error) {
		data := strings.TrimSpace(ev.Data)
		if data == "[DONE]" {
			return "", true, nil
		}
		if data == "" {
			return "", false, nil
		}
		var ch chunk
		if err := json.Unmarshal([]byte(data), &ch); err != nil {
			return "", false, fmt.Errorf("decode chunk: %w", err)
		}
		if ch.Error != nil {
			return "", false, &fault.Error{Kind: fault.Unavailable, Code: "llm.provider_error", Msg: provider + " failed during the answer", Err: errors.New(ch.Error.Type + ": " + ch.Error.Message)}
		}
		if ch.Usage != nil {
			usage = chat.Usage{PromptTokens: ch.Usage.PromptTokens, CompletionTokens: ch.Usage.CompletionTokens}
			reported = true
		}
		var text string
		for _, choice := range ch.Choices {
			text += choice.Delta.Content
		}
		answer.WriteString(text)
		return text, false, nil
	}
	if err := wire.Call(ctx, c.opts, provider, newReq, handle, emit); err != nil {
		return chat.Usage{}, err
	}
	if !reported {
		usage = chat.Usage{PromptTokens: chat.MessagesTokens(req.Messages), CompletionTokens: chat.EstimateTokens(answer.String())}
	}
	return usage, nil
}
