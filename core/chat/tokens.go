package chat

// The token estimator. Kente does not ship a tokenizer per model, so it
// budgets with a deliberately conservative estimate that every adapter
// (and the offline model's usage figures) shares:
//
//   - ASCII text: one token per 4 bytes, rounded up (the usual ratio for
//     English with BPE tokenizers, which average 3.5–4.5 characters);
//   - every non-ASCII character counts as one token (accented Twi and Ewe
//     letters, and non-Latin scripts, are often split into several byte
//     tokens, so one per character errs on the safe side);
//   - each message adds MessageOverhead tokens for its role framing.
//
// Over-estimating only trims history a little early; under-estimating
// would overflow the model's context window, which providers reject.

// MessageOverhead is the estimated framing cost of one message (role and
// separators), as in OpenAI's chat format.
const MessageOverhead = 4

// EstimateTokens returns the estimated token count of s. It does not
// allocate.
func EstimateTokens(s string) int {
	ascii, other := 0, 0
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b < 0x80:
			ascii++
		case b >= 0xC0: // the first byte of a multi-byte character
			other++
		}
	}
	return (ascii+3)/4 + other
}

// MessageTokens returns the estimated tokens of one message with its
// framing.
func MessageTokens(m Message) int { return EstimateTokens(m.Content) + MessageOverhead }

// MessagesTokens returns the estimated prompt tokens of msgs.
func MessagesTokens(msgs []Message) int {
	n := 0
	for _, m := range msgs {
		n += MessageTokens(m)
	}
	return n
}
