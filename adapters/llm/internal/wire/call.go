package wire

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/kente-gov/kente/core/chat"
	"github.com/kente-gov/kente/core/fault"
)

// Options are the shared settings of a streaming HTTP adapter. The zero
// value of a field means its default.
type Options struct {
	// Client sends the requests; its Transport owns the connect time-out.
	// It must have no overall Timeout (answers stream for minutes).
	Client *http.Client
	// FirstToken bounds the wait from sending a request to the first
	// piece of the answer, per attempt (default 60s). Idle bounds the
	// silence between two reads of a streaming body (default 60s).
	FirstToken, Idle time.Duration
	// MaxRetries is how many times a request is retried before the first
	// token on 408, 429, 5xx or a connection failure (default 2; -1 for
	// none). Backoff is the first wait, doubled each time (default 500ms),
	// unless the provider sent Retry-After; a Retry-After above
	// MaxRetryAfter (default 20s) is not waited for.
	MaxRetries    int
	Backoff       time.Duration
	MaxRetryAfter time.Duration
	// Sleep waits d or until ctx ends (tests record the waits); Now tells
	// the time for Retry-After dates.
	Sleep func(ctx context.Context, d time.Duration) error
	Now   func() time.Time
	Log   *slog.Logger
}

// WithDefaults fills the zero fields.
func (o Options) WithDefaults() Options {
	if o.Client == nil {
		o.Client = http.DefaultClient
	}
	if o.FirstToken <= 0 {
		o.FirstToken = 60 * time.Second
	}
	if o.Idle <= 0 {
		o.Idle = 60 * time.Second
	}
	if o.MaxRetries == 0 {
		o.MaxRetries = 2
	}
	if o.Backoff <= 0 {
		o.Backoff = 500 * time.Millisecond
	}
	if o.MaxRetryAfter <= 0 {
		o.MaxRetryAfter = 20 * time.Second
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return o
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Handler interprets one event of a provider's stream: the text to emit
// (may be empty), whether it was the end marker, or an error. A
// *fault.Error is returned as is; any other error (malformed JSON) becomes
// fault.Unavailable. Wrap an error with Retryable when the provider asks
// to try again (an overload event).
type Handler func(ev Event) (text string, done bool, err error)

type retryable struct{ error }

func (r retryable) Unwrap() error { return r.error }

// Retryable marks err as worth retrying when no delta was emitted yet.
func Retryable(err error) error { return retryable{err} }

var (
	errFirstToken = errors.New("no first token within the time-out")
	errIdle       = errors.New("stream idle past the time-out")
)

// Call runs one streaming completion: it sends the request newReq builds
// (once per attempt, bound to the attempt's ctx), reads the SSE body, and
// emits each text a Handler returns until the end marker. It retries,
// only before the first delta, on retryable statuses, connection
// failures, Retryable handler errors and streams that end before any
// text. provider names the upstream in messages ("OpenAI-compatible").
func Call(ctx context.Context, o Options, provider string, newReq func(context.Context) (*http.Request, error), handle Handler, emit func(chat.Delta) error) error {
	o = o.WithDefaults()
	for attempt := 0; ; attempt++ {
		emitted, wait, err := attemptOnce(ctx, o, provider, newReq, handle, emit)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if emitted || wait < 0 || attempt >= o.MaxRetries {
			return err
		}
		if wait == 0 {
			wait = o.Backoff << attempt
		}
		o.Log.WarnContext(ctx, "llm: retrying", "provider", provider, "attempt", attempt+1, "wait", wait, "err", err)
		if err := o.Sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// attemptOnce makes one request. wait < 0 means "do not retry", 0 "retry
// after the backoff", > 0 "retry after wait".
func attemptOnce(parent context.Context, o Options, provider string, newReq func(context.Context) (*http.Request, error), handle Handler, emit func(chat.Delta) error) (emitted bool, wait time.Duration, err error) {
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	first := time.AfterFunc(o.FirstToken, func() { cancel(errFirstToken) })
	defer first.Stop()

	req, err := newReq(ctx)
	if err != nil {
		return false, -1, fault.Wrap(err, fault.Internal, "llm.request", "The model request could not be built")
	}
	resp, err := o.Client.Do(req)
	if err != nil {
		if e := failure(ctx, provider, err); e != nil {
			return false, -1, e
		}
		return false, 0, unavailable("llm.unreachable", provider+" could not be reached", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false, retryWait(o, resp), statusError(provider, resp)
	}

	body := newIdleReader(resp.Body, o.Idle, func() { cancel(errIdle) })
	defer body.stop()
	events := NewReader(body)
	for {
		ev, err := events.Next()
		if err != nil {
			if e := failure(ctx, provider, err); e != nil {
				return emitted, -1, e
			}
			if errors.Is(err, io.EOF) {
				return emitted, 0, unavailable("llm.stream_truncated", provider+" ended the answer before it was complete", io.ErrUnexpectedEOF)
			}
			return emitted, 0, unavailable("llm.stream_broken", "The connection to "+provider+" broke during the answer", err)
		}
		text, done, err := handle(ev)
		if err != nil {
			var again retryable
			w := time.Duration(-1)
			if errors.As(err, &again) {
				w, err = 0, again.error
			}
			if fe, ok := fault.As(err); ok {
				return emitted, w, fe
			}
			return emitted, -1, unavailable("llm.stream_malformed", provider+" sent a malformed answer", err)
		}
		if text != "" {
			if !emitted {
				first.Stop()
				emitted = true
			}
			if err := emit(chat.Delta{Content: text}); err != nil {
				return true, -1, err
			}
		}
		if done {
			return emitted, -1, nil
		}
	}
}

// failure reports why the attempt's ctx ended, or nil when it did not:
// the caller's cancellation as ctx.Err(), a time-out as Unavailable.
func failure(ctx context.Context, provider string, err error) error {
	if ctx.Err() == nil {
		return nil
	}
	switch cause := context.Cause(ctx); {
	case errors.Is(cause, errFirstToken):
		return unavailable("llm.timeout", provider+" did not start answering in time", fmt.Errorf("%w: %v", cause, err))
	case errors.Is(cause, errIdle):
		return unavailable("llm.timeout", provider+" stopped answering mid-stream", fmt.Errorf("%w: %v", cause, err))
	}
	return context.Cause(ctx)
}

func unavailable(code, msg string, err error) *fault.Error {
	return &fault.Error{Kind: fault.Unavailable, Code: code, Msg: msg, Err: err}
}

// statusError maps a non-200 answer. 401/403 are Unavailable: the
// server's credentials are wrong, which no user can fix; 400/413/422 are
// the provider refusing this prompt (Invalid).
func statusError(provider string, resp *http.Response) *fault.Error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	cause := fmt.Errorf("%s answered %s: %s", provider, resp.Status, b)
	switch c := resp.StatusCode; {
	case c == http.StatusUnauthorized || c == http.StatusForbidden:
		return unavailable("llm.credentials", provider+" rejected the server's API key; an administrator must check KENTE_LLM_API_KEY", cause)
	case c == http.StatusNotFound:
		return unavailable("llm.model_unavailable", provider+" does not serve the configured model; an administrator must check KENTE_LLM_MODEL_MAP", cause)
	case c == http.StatusBadRequest || c == http.StatusRequestEntityTooLarge || c == http.StatusUnprocessableEntity:
		return &fault.Error{Kind: fault.Invalid, Code: "llm.refused", Msg: "The model refused this request (it may be too long or against the provider's content policy)", Field: "message", Err: cause}
	case c == http.StatusTooManyRequests:
		e := unavailable("llm.busy", provider+" is busy; try again shortly", cause)
		if s := resp.Header.Get("Retry-After"); s != "" {
			if n, err := strconv.Atoi(s); err == nil && n > 0 {
				e.RetryAfterSeconds = n
			}
		}
		return e
	}
	return unavailable("llm.unavailable", provider+" is unavailable; try again shortly", cause)
}

// retryWait decides whether a status is retried and after how long.
func retryWait(o Options, resp *http.Response) time.Duration {
	c := resp.StatusCode
	if c != http.StatusRequestTimeout && c != http.StatusTooManyRequests && c < 500 {
		return -1
	}
	d, ok := RetryAfter(resp.Header.Get("Retry-After"), o.Now())
	if !ok {
		return 0
	}
	if d > o.MaxRetryAfter {
		return -1
	}
	if d <= 0 {
		return time.Millisecond
	}
	return d
}

// RetryAfter parses a Retry-After header: delay seconds or an HTTP date.
func RetryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 {
			return 0, false
		}
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// idleReader cancels the stream when no Read returns within d.
type idleReader struct {
	r    io.Reader
	d    time.Duration
	t    *time.Timer
	once sync.Once
}

func newIdleReader(r io.Reader, d time.Duration, fire func()) *idleReader {
	return &idleReader{r: r, d: d, t: time.AfterFunc(d, fire)}
}

func (ir *idleReader) Read(p []byte) (int, error) {
	n, err := ir.r.Read(p)
	if n > 0 {
		ir.t.Reset(ir.d)
	}
	return n, err
}

func (ir *idleReader) stop() { ir.once.Do(func() { ir.t.Stop() }) }
