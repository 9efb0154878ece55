package porttest

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/audit"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/ports"
)

// newRecord returns an unsealed, valid audit record with a unique id, at
// base plus minutes (with nanoseconds a store must drop to microseconds).
func newRecord(action, actor string, minutes int) audit.Record {
	n := seq.Add(1)
	return audit.Record{
		ID:         fmt.Sprintf("audit_%016x", n),
		At:         base.Add(time.Duration(minutes)*time.Minute + 789*time.Nanosecond),
		ActorID:    actor,
		Action:     action,
		TargetType: "user",
		TargetID:   "usr_00000000000000bb",
		IP:         "41.215.160.7",
		UserAgent:  "Mozilla/5.0 (Windows NT 10.0) Chrome/120",
		Outcome:    audit.Success,
		Details:    json.RawMessage(`{"method":"access_code"}`),
	}
}

// appendAll appends rs in order and returns the sealed records.
func appendAll(t *testing.T, log ports.AuditLog, rs ...audit.Record) []audit.Record {
	t.Helper()
	out := make([]audit.Record, len(rs))
	for i, r := range rs {
		got, err := log.AppendAudit(context.Background(), r)
		require.NoError(t, err, "append %s", r.ID)
		out[i] = got
	}
	return out
}

// assertRecord compares a stored record with the one AppendAudit returned:
// every field equal, the time as an instant in UTC.
func assertRecord(t *testing.T, want, got audit.Record) {
	t.Helper()
	assert.Truef(t, want.At.Equal(got.At), "At: want %s, got %s", want.At, got.At)
	assert.Equal(t, time.UTC, got.At.Location(), "At must be returned in UTC")
	want.At, got.At = time.Time{}, time.Time{}
	assert.Equal(t, want, got)
}

func ids(rs []audit.Record) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

// AuditLog runs the contract of ports.AuditLog. fresh returns an empty log
// for one subtest.
func AuditLog(t *testing.T, fresh func(t *testing.T) ports.AuditLog) {
	ctx := context.Background()

	t.Run("AppendLinksFromGenesis", func(t *testing.T) {
		log := fresh(t)
		var rs []audit.Record
		for i := range 5 {
			rs = append(rs, newRecord("login", "usr_a", i))
		}
		got := appendAll(t, log, rs...)
		for i, r := range got {
			assert.Equal(t, int64(i+1), r.Seq)
			assert.Equal(t, rs[i].ID, r.ID)
			assert.Len(t, r.Hash, 64)
			if i == 0 {
				assert.Equal(t, audit.GenesisHash, r.PrevHash)
			} else {
				assert.Equal(t, got[i-1].Hash, r.PrevHash)
			}
			assert.Equal(t, rs[i].At.UTC().Truncate(time.Microsecond), r.At, "At is sealed at microsecond precision")
			assert.Equal(t, audit.Seal(rs[i], prevOf(got, i)), r, "the store seals with audit.Seal")
		}
		assert.Nil(t, audit.Verify(got, audit.GenesisHash, 1))

		stored, err := log.AuditChain(ctx, 0, 100)
		require.NoError(t, err)
		require.Len(t, stored, len(got))
		for i := range got {
			assertRecord(t, got[i], stored[i])
		}
		assert.Nil(t, audit.Verify(stored, audit.GenesisHash, 1), "stored records verify")
	})

	t.Run("EmptyOptionalFields", func(t *testing.T) {
		log := fresh(t)
		r := audit.Record{ID: "audit_00000000000000e1", At: base, Action: "login_failed", Outcome: audit.Failure}
		got := appendAll(t, log, r)[0]
		stored, err := log.AuditChain(ctx, 0, 10)
		require.NoError(t, err)
		require.Len(t, stored, 1)
		assert.Empty(t, stored[0].Details)
		stored[0].Details = got.Details
		assertRecord(t, got, stored[0])
		assert.Nil(t, audit.Verify(stored, audit.GenesisHash, 1))
	})

	t.Run("Invalid", func(t *testing.T) {
		tests := []struct {
			name string
			give func(*audit.Record)
		}{
			{"NoAction", func(r *audit.Record) { r.Action = "" }},
			{"BadOutcome", func(r *audit.Record) { r.Outcome = "maybe" }},
			{"BadDetails", func(r *audit.Record) { r.Details = json.RawMessage(`{"a":`) }},
			{"NoID", func(r *audit.Record) { r.ID = "" }},
			{"NoTime", func(r *audit.Record) { r.At = time.Time{} }},
			{"NULAction", func(r *audit.Record) { r.Action = "log\x00in" }},
			{"NULUserAgent", func(r *audit.Record) { r.UserAgent = "curl\x00" }},
			{"BadUTF8", func(r *audit.Record) { r.TargetID = "\xff\xfe" }},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				log := fresh(t)
				r := newRecord("login", "usr_a", 0)
				tt.give(&r)
				_, err := log.AppendAudit(ctx, r)
				requireKind(t, err, fault.Invalid)
				stored, err := log.AuditChain(ctx, 0, 10)
				require.NoError(t, err)
				assert.Empty(t, stored, "nothing is stored")
			})
		}
	})

	t.Run("DuplicateIDConflicts", func(t *testing.T) {
		log := fresh(t)
		first := appendAll(t, log, newRecord("login", "usr_a", 0))[0]
		dup := newRecord("logout", "usr_a", 1)
		dup.ID = first.ID
		_, err := log.AppendAudit(ctx, dup)
		requireKind(t, err, fault.Conflict)
		next := appendAll(t, log, newRecord("logout", "usr_a", 2))[0]
		assert.Equal(t, int64(2), next.Seq, "a refused append takes no seq")
		stored, err := log.AuditChain(ctx, 0, 10)
		require.NoError(t, err)
		assert.Nil(t, audit.Verify(stored, audit.GenesisHash, 1))
	})

	t.Run("ListFiltersAndPages", func(t *testing.T) {
		log := fresh(t)
		got := appendAll(t, log,
			newRecord("login", "usr_a", 0),          // seq 1
			newRecord("login", "usr_b", 10),         // seq 2
			newRecord("reset_account", "usr_a", 20), // seq 3
			newRecord("login", "usr_a", 30),         // seq 4
			newRecord("logout", "usr_b", 40),        // seq 5
			newRecord("login", "usr_a", 50),         // seq 6
		)
		at := func(minutes int) time.Time { return base.Add(time.Duration(minutes) * time.Minute) }
		tests := []struct {
			name      string
			give      ports.AuditFilter
			wantSeqs  []int64
			wantTotal int
		}{
			{"All", ports.AuditFilter{}, []int64{6, 5, 4, 3, 2, 1}, 6},
			{"Action", ports.AuditFilter{Action: "login"}, []int64{6, 4, 2, 1}, 4},
			{"Actor", ports.AuditFilter{ActorID: "usr_b"}, []int64{5, 2}, 2},
			{"ActionAndActor", ports.AuditFilter{Action: "login", ActorID: "usr_a"}, []int64{6, 4, 1}, 3},
			{"FromInclusive", ports.AuditFilter{From: at(30)}, []int64{6, 5, 4}, 3},
			{"ToExclusive", ports.AuditFilter{To: at(30)}, []int64{3, 2, 1}, 3},
			{"ToExclusiveOfSubMicro", ports.AuditFilter{To: at(30).Add(time.Microsecond)}, []int64{4, 3, 2, 1}, 4},
			{"FromTo", ports.AuditFilter{From: at(10), To: at(40)}, []int64{4, 3, 2}, 3},
			{"Limit", ports.AuditFilter{Limit: 2}, []int64{6, 5}, 6},
			{"Offset", ports.AuditFilter{Limit: 2, Offset: 2}, []int64{4, 3}, 6},
			{"OffsetPastEnd", ports.AuditFilter{Limit: 2, Offset: 10}, []int64{}, 6},
			{"FilteredPage", ports.AuditFilter{Action: "login", Limit: 3, Offset: 1}, []int64{4, 2, 1}, 4},
			{"NoMatch", ports.AuditFilter{Action: "nothing"}, []int64{}, 0},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				list, total, err := log.ListAudit(ctx, tt.give)
				require.NoError(t, err)
				assert.Equal(t, tt.wantTotal, total)
				seqs := make([]int64, len(list))
				for i, r := range list {
					seqs[i] = r.Seq
					assertRecord(t, got[r.Seq-1], r)
				}
				assert.Equal(t, tt.wantSeqs, seqs)
			})
		}
		_, _, err := log.ListAudit(ctx, ports.AuditFilter{Action: "lo\x00gin"})
		requireKind(t, err, fault.Invalid)
	})

	t.Run("ListDefaultLimit", func(t *testing.T) {
		log := fresh(t)
		var rs []audit.Record
		for i := range 55 {
			rs = append(rs, newRecord("chat", "usr_a", i))
		}
		appendAll(t, log, rs...)
		list, total, err := log.ListAudit(ctx, ports.AuditFilter{})
		require.NoError(t, err)
		assert.Equal(t, 55, total)
		require.Len(t, list, 50, "a zero Limit means 50")
		assert.Equal(t, int64(55), list[0].Seq)
		assert.Equal(t, int64(6), list[49].Seq)
	})

	t.Run("ChainPagesVerify", func(t *testing.T) {
		log := fresh(t)
		var rs []audit.Record
		for i := range 25 {
			rs = append(rs, newRecord("chat", fmt.Sprintf("usr_%d", i%3), i))
		}
		want := appendAll(t, log, rs...)
		var all []audit.Record
		prev, after := audit.GenesisHash, int64(0)
		for {
			page, err := log.AuditChain(ctx, after, 10)
			require.NoError(t, err)
			if len(page) == 0 {
				break
			}
			assert.LessOrEqual(t, len(page), 10)
			require.Nil(t, audit.Verify(page, prev, after+1), "page after %d", after)
			all = append(all, page...)
			prev, after = page[len(page)-1].Hash, page[len(page)-1].Seq
		}
		require.Len(t, all, len(want))
		for i := range want {
			assertRecord(t, want[i], all[i])
		}
		tail, err := log.AuditChain(ctx, 20, 100)
		require.NoError(t, err)
		assert.Equal(t, ids(want[20:]), ids(tail))
	})

	t.Run("ConcurrentAppendsNeverFork", func(t *testing.T) {
		log := fresh(t)
		const workers = 16
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for i := range workers {
			wg.Go(func() {
				_, err := log.AppendAudit(ctx, newRecord("chat", fmt.Sprintf("usr_%d", i), i))
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		stored, err := log.AuditChain(ctx, 0, 100)
		require.NoError(t, err)
		require.Len(t, stored, workers)
		seen := map[string]bool{}
		for i, r := range stored {
			assert.Equal(t, int64(i+1), r.Seq, "no gap, no duplicate")
			assert.False(t, seen[r.ID], "record %s stored twice", r.ID)
			seen[r.ID] = true
		}
		assert.Nil(t, audit.Verify(stored, audit.GenesisHash, 1), "the chain does not fork")
	})

	t.Run("DetailsRoundTripByteForByte", func(t *testing.T) {
		log := fresh(t)
		details := []string{
			`{"z":1,  "a":[1,2.50,{"k":null}] ,"é":"Ọ̀ṣun 🇬🇭 \u00e9\n\"q\" \\"}`,
			"{\n\t\"spaced\" : true\n}",
			`{}`,
			`{"big":12345678901234567890123}`,
		}
		for i, d := range details {
			r := newRecord("admin.update_agent", "usr_a", i)
			r.Details = json.RawMessage(d)
			appendAll(t, log, r)
		}
		stored, err := log.AuditChain(ctx, 0, 10)
		require.NoError(t, err)
		require.Len(t, stored, len(details))
		listed, _, err := log.ListAudit(ctx, ports.AuditFilter{})
		require.NoError(t, err)
		require.Len(t, listed, len(details))
		for i, d := range details {
			assert.Equal(t, d, string(stored[i].Details), "AuditChain")
			assert.Equal(t, d, string(listed[len(details)-1-i].Details), "ListAudit")
		}
		assert.Nil(t, audit.Verify(stored, audit.GenesisHash, 1))
	})
}

// prevOf returns the record before index i of rs, nil for the first.
func prevOf(rs []audit.Record, i int) *audit.Record {
	if i == 0 {
		return nil
	}
	return &rs[i-1]
}
