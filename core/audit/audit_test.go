package audit_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/audit"
)

func chain(n int) []audit.Record {
	var out []audit.Record
	at := time.Date(2026, 4, 1, 8, 0, 0, 123456789, time.UTC)
	for i := range n {
		r := audit.Record{ID: "audit_" + string(rune('a'+i)), At: at.Add(time.Duration(i) * time.Second), ActorID: "usr_1",
			Action: "login", IP: "41.215.1.1", Outcome: audit.Success, Details: json.RawMessage(`{"method":"access_code"}`)}
		var prev *audit.Record
		if i > 0 {
			prev = &out[i-1]
		}
		out = append(out, audit.Seal(r, prev))
	}
	return out
}

func TestChainVerifies(t *testing.T) {
	c := chain(5)
	assert.Equal(t, audit.GenesisHash, c[0].PrevHash)
	assert.Equal(t, int64(5), c[4].Seq)
	assert.Nil(t, audit.Verify(c, audit.GenesisHash, 1))
	assert.Nil(t, audit.Verify(c[2:], c[1].Hash, 3), "a tail verifies from its anchor")
	assert.Equal(t, 0, c[0].At.Nanosecond()%1000, "times are kept at microsecond precision")
}

func TestTamperingBreaksTheChain(t *testing.T) {
	tests := []struct {
		name    string
		tamper  func(c []audit.Record) []audit.Record
		wantSeq int64
	}{
		{"edit action", func(c []audit.Record) []audit.Record { c[2].Action = "logout"; return c }, 3},
		{"edit details", func(c []audit.Record) []audit.Record { c[1].Details = json.RawMessage(`{"method":"totp"}`); return c }, 2},
		{"edit time", func(c []audit.Record) []audit.Record { c[3].At = c[3].At.Add(time.Microsecond); return c }, 4},
		{"delete a record", func(c []audit.Record) []audit.Record { return append(c[:2], c[3:]...) }, 4},
		{"swap two records", func(c []audit.Record) []audit.Record { c[1], c[2] = c[2], c[1]; return c }, 3},
		{"rehash an edited record", func(c []audit.Record) []audit.Record {
			c[1].Action = "forged"
			c[1] = audit.Seal(c[1], &c[0])
			return c
		}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := audit.Verify(tt.tamper(chain(5)), audit.GenesisHash, 1)
			require.NotNil(t, b)
			assert.Equal(t, tt.wantSeq, b.Seq, b.Reason)
		})
	}
}

func TestValidate(t *testing.T) {
	assert.Error(t, audit.Record{Outcome: audit.Success}.Validate())
	assert.Error(t, audit.Record{Action: "x", Outcome: "maybe"}.Validate())
	assert.Error(t, audit.Record{Action: "x", Outcome: audit.Success, Details: json.RawMessage(`{`)}.Validate())
	assert.NoError(t, audit.Record{Action: "x", Outcome: audit.Denied}.Validate())
}

func BenchmarkSeal(b *testing.B) {
	prev := chain(1)[0]
	r := audit.Record{ID: "audit_x", At: time.Unix(1_800_000_000, 0), Action: "login", Outcome: audit.Success, Details: json.RawMessage(`{"a":1}`)}
	for b.Loop() {
		audit.Seal(r, &prev)
	}
}
