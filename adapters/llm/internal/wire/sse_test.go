package wire

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseLine(t *testing.T) {
	tests := []struct{ give, field, value string }{
		{"data: {\"a\":1}", "data", "{\"a\":1}"},
		{"data:{\"a\":1}", "data", "{\"a\":1}"},
		{"data:  two spaces", "data", " two spaces"},
		{"event: message_start", "event", "message_start"},
		{": keep-alive comment", "", ""},
		{"data", "data", ""},
		{"data: a: b", "data", "a: b"},
	}
	for _, tt := range tests {
		f, v := ParseLine([]byte(tt.give))
		assert.Equal(t, tt.field, string(f), tt.give)
		assert.Equal(t, tt.value, string(v), tt.give)
	}
}

func readAll(t *testing.T, s string) ([]Event, error) {
	t.Helper()
	r := NewReader(strings.NewReader(s))
	var evs []Event
	for {
		ev, err := r.Next()
		if err != nil {
			return evs, err
		}
		evs = append(evs, ev)
	}
}

func TestReader(t *testing.T) {
	evs, err := readAll(t, ": hello\n\nevent: ping\ndata: {}\n\ndata: line1\r\ndata: line2\r\n\r\nid: 7\nretry: 10\ndata: [DONE]\n\n")
	require.ErrorIs(t, err, io.EOF)
	assert.Equal(t, []Event{{Name: "ping", Data: "{}"}, {Data: "line1\nline2"}, {Data: "[DONE]"}}, evs)

	evs, err = readAll(t, "data: complete\n")
	require.ErrorIs(t, err, io.EOF)
	assert.Equal(t, []Event{{Data: "complete"}}, evs, "a complete last event without its blank line is still delivered")

	evs, err = readAll(t, "data: one\n\ndata: {\"cut")
	require.ErrorIs(t, err, io.EOF)
	assert.Equal(t, []Event{{Data: "one"}}, evs, "a line cut off by the end is dropped")

	_, err = readAll(t, "data: "+strings.Repeat("x", MaxLine+10)+"\n\n")
	assert.True(t, errors.Is(err, ErrLineTooLong), "%v", err)

	long := strings.Repeat("y", 20000)
	evs, err = readAll(t, "data: "+long+"\n\n")
	require.ErrorIs(t, err, io.EOF)
	assert.Equal(t, []Event{{Data: long}}, evs, "lines longer than the buffer are joined")
}

func FuzzParseLine(f *testing.F) {
	for _, s := range []string{"data: x", ":c", "event:e", "", "data", "data:: x", "\xff:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		field, value := ParseLine([]byte(s))
		if len(field)+len(value) > len(s) {
			t.Fatalf("parts longer than the line")
		}
		if strings.HasPrefix(s, ":") && (field != nil || value != nil) {
			t.Fatalf("a comment has no field")
		}
		if i := strings.IndexByte(s, ':'); i > 0 && string(field) != s[:i] {
			t.Fatalf("field %q, want %q", field, s[:i])
		}
		// The reader never panics and returns only what was in the input.
		r := NewReader(strings.NewReader(s + "\n\n" + s))
		for range 4 {
			ev, err := r.Next()
			if err != nil {
				break
			}
			if len(ev.Data) > 2*len(s)+1 {
				t.Fatalf("data longer than the input")
			}
		}
	})
}

func BenchmarkParseLine(b *testing.B) {
	line := []byte(`data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":" memo"},"finish_reason":null}]}`)
	b.ReportAllocs()
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		ParseLine(line)
	}
}

func BenchmarkReaderPerLine(b *testing.B) {
	chunk := "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" memo\"},\"finish_reason\":null}]}\n\n"
	stream := strings.Repeat(chunk, 1000)
	b.ReportAllocs()
	b.SetBytes(int64(len(stream)))
	for b.Loop() {
		r := NewReader(strings.NewReader(stream))
		for {
			if _, err := r.Next(); err != nil {
				break
			}
		}
	}
	// one op = 1000 events of 2 lines each
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/2000, "ns/line")
}
