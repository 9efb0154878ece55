// Package wire is what the HTTP LLM adapters share: a Server-Sent Events
// reader, and one streaming call with retries before the first token,
// time-outs and the mapping of provider failures to core/fault kinds.
package wire

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// MaxLine caps one SSE line; a longer one is a protocol error.
const MaxLine = 1 << 20

// ErrLineTooLong is returned for a line longer than MaxLine.
var ErrLineTooLong = errors.New("sse: line too long")

// Event is one dispatched SSE event.
type Event struct {
	Name string // the "event:" field; "" for the default "message"
	Data string // the "data:" lines joined by "\n"
}

// ParseLine splits one SSE line (without its line ending) into field and
// value as the SSE specification says: a line starting with ":" is a
// comment (field ""), no colon means the whole line is the field with an
// empty value, and one space after the colon is dropped.
func ParseLine(line []byte) (field, value []byte) {
	i := bytes.IndexByte(line, ':')
	switch {
	case i == 0:
		return nil, nil
	case i < 0:
		return line, nil
	}
	field, value = line[:i], line[i+1:]
	if len(value) > 0 && value[0] == ' ' {
		value = value[1:]
	}
	return field, value
}

// Reader reads events from an SSE stream.
type Reader struct {
	r    *bufio.Reader
	data []byte
	name string
	has  bool
}

// NewReader returns a Reader of r.
func NewReader(r io.Reader) *Reader { return &Reader{r: bufio.NewReaderSize(r, 8<<10)} }

// Next returns the next event. At the end of the stream it returns io.EOF;
// a final event whose blank line never came is still returned first when
// its lines were complete. A line cut off by the end of the stream is
// dropped, as the specification says.
func (r *Reader) Next() (Event, error) {
	for {
		line, err := r.readLine()
		if err != nil {
			if errors.Is(err, io.EOF) && r.has {
				return r.dispatch(), nil
			}
			return Event{}, err
		}
		if len(line) == 0 {
			if r.has {
				return r.dispatch(), nil
			}
			continue
		}
		field, value := ParseLine(line)
		switch string(field) {
		case "data":
			if r.has {
				r.data = append(r.data, '\n')
			}
			r.data = append(r.data, value...)
			r.has = true
		case "event":
			r.name = string(value)
		}
	}
}

func (r *Reader) dispatch() Event {
	ev := Event{Name: r.name, Data: string(r.data)}
	r.data, r.name, r.has = r.data[:0], "", false
	return ev
}

// readLine returns one line without its ending (\n, \r\n or \r before \n).
// A line that the stream ends in the middle of is io.EOF.
func (r *Reader) readLine() ([]byte, error) {
	line, err := r.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		buf := append([]byte(nil), line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			if len(buf) > MaxLine {
				return nil, ErrLineTooLong
			}
			line, err = r.r.ReadSlice('\n')
			buf = append(buf, line...)
		}
		line = buf
	}
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, io.EOF // an unterminated last line is incomplete
		}
		return nil, err
	}
	if len(line) > MaxLine {
		return nil, ErrLineTooLong
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, nil
}
