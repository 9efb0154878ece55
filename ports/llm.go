package ports

import (
	"context"

	"github.com/kente-gov/kente/core/chat"
)

// ModelInfo describes a model an LLM serves.
type ModelInfo struct {
	ID            string // catalogue model id, e.g. "@cf/openai/gpt-oss-120b"
	Provider      string // adapter serving it: "offline", "openai", "anthropic"
	Upstream      string // the provider's model name, e.g. "llama3.1:70b"
	ContextWindow int    // tokens; prompt assembly budgets with it
	MaxOutput     int    // largest answer in tokens; 0 when unknown
}

// LLM streams chat completions.
//
// Stream sends req to the model and calls emit once per piece of the
// answer, in order, from the calling goroutine. It honours ctx: cancelling
// it (a client going away) stops the upstream request and returns
// ctx.Err(). An error from emit stops the stream and is returned as is.
// It returns the usage of the completion (estimated with
// chat.EstimateTokens when the provider reports none).
//
// Errors: provider outages, time-outs, refused credentials and a stream
// that breaks off are fault.Unavailable (after some deltas were emitted
// too: the caller turns it into an SSE error event); a prompt the
// provider refuses (too long, content policy) is fault.Invalid; an
// unknown req.Model is fault.NotFound. Retries, when an adapter makes
// them, happen only before the first delta.
type LLM interface {
	Stream(ctx context.Context, req chat.Request, emit func(chat.Delta) error) (chat.Usage, error)
	// Model returns the metadata of a model id; fault.NotFound when this
	// LLM does not serve it.
	Model(ctx context.Context, id string) (ModelInfo, error)
}

// Retriever finds passages that may answer a query, for citation.
//
// Retrieve returns at most limit passages, best first, each with its
// source, from what scope may see: public knowledge (FAQ entries,
// documents), the instructions of scope.AgentID, and scope.UserID's own
// conversations. It returns an empty slice, not an error, when nothing
// matches. A backend outage is fault.Unavailable.
type Retriever interface {
	Retrieve(ctx context.Context, query string, scope chat.Scope, limit int) ([]chat.Passage, error)
}
