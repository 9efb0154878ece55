package chat

// Scope limits what a Retriever may return: passages the user may see, and
// those of the agent the conversation uses.
type Scope struct {
	UserID  string // the caller; their own conversations and memories
	AgentID string // "" when the conversation has no agent
}

// Passage is a retrieved piece of text and where it came from, cited in a
// prompt as [SOURCE_n: …].
type Passage struct {
	Title   string  // e.g. a document title or an FAQ question
	Source  string  // what the citation names: a document, URL or "FAQ"
	Snippet string  // the text handed to the model
	Score   float64 // relevance in [0, 1]
}

// Request is one chat completion. Messages hold the assembled prompt:
// system first (see Assemble), then history, then the new user message.
type Request struct {
	// Model is a catalogue model id; a registry rewrites it to the
	// upstream model name before a provider adapter sees it.
	Model    string
	Messages []Message
	// Passages are the sources cited in the system message, in marker
	// order (Passages[0] is SOURCE_1). Remote models read them from the
	// prompt; the offline model answers from them.
	Passages []Passage
	// Scope lets a model that retrieves for itself (the offline model,
	// when Passages is empty) search what the caller may see.
	Scope Scope
	// MaxTokens caps the answer; 0 means the provider's default.
	MaxTokens int
	// Temperature and TopP are sampling settings; 0 means the provider's
	// default.
	Temperature float64
	TopP        float64
}

// LastUser returns the content of the last user message, or "".
func (r Request) LastUser() string {
	for i := len(r.Messages) - 1; i >= 0; i-- {
		if r.Messages[i].Role == RoleUser {
			return r.Messages[i].Content
		}
	}
	return ""
}

// Delta is one streamed piece of an answer.
type Delta struct {
	Content string
}

// Usage counts the tokens of one completion.
type Usage struct {
	PromptTokens     int
	CompletionTokens int
}

// Total is PromptTokens + CompletionTokens.
func (u Usage) Total() int { return u.PromptTokens + u.CompletionTokens }
