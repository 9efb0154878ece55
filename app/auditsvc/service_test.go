package auditsvc_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/app/auditsvc"
	"github.com/kente-gov/kente/core/audit"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/ports"
	"github.com/kente-gov/kente/test/testkit"
)

// spyLog records the limits AuditChain is asked for.
type spyLog struct {
	ports.AuditLog
	mu     sync.Mutex
	limits []int
}

func (s *spyLog) AuditChain(ctx context.Context, after int64, limit int) ([]audit.Record, error) {
	s.mu.Lock()
	s.limits = append(s.limits, limit)
	s.mu.Unlock()
	return s.AuditLog.AuditChain(ctx, after, limit)
}

type fixture struct {
	svc   *auditsvc.Service
	db    *sqlstore.DB
	log   *spyLog
	users *sqlstore.UserStore
	clock *testkit.Clock
}

var ctx = context.Background()

func newFixture(t testing.TB) fixture {
	db := sqltest.Fresh(t, sqlstore.SQLite)
	c := testkit.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 123_456_789, time.UTC))
	log := &spyLog{AuditLog: sqlstore.NewAuditLog(db)}
	users := sqlstore.NewUserStore(db)
	svc := auditsvc.New(log, c, rand.Reader, nil).WithUsers(users)
	return fixture{svc: svc, db: db, log: log, users: users, clock: c}
}

func (f fixture) record(t testing.TB, r audit.Record) {
	t.Helper()
	require.NoError(t, f.svc.Record(ctx, r))
}

func (f fixture) chain(t *testing.T) []audit.Record {
	t.Helper()
	rs, err := f.log.AuditLog.AuditChain(ctx, 0, 10_000)
	require.NoError(t, err)
	return rs
}

func login(actor string) audit.Record {
	return audit.Record{ActorID: actor, Action: "login", TargetType: "auth", Outcome: audit.Success,
		IP: "41.215.160.7", Details: json.RawMessage(`{"method":"access_code"}`)}
}

func TestRecordFillsIDAndTime(t *testing.T) {
	f := newFixture(t)
	f.record(t, login("usr_a"))
	given := login("usr_b")
	given.ID, given.At = "audit_given", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	f.record(t, given)

	rs := f.chain(t)
	require.Len(t, rs, 2)
	assert.Regexp(t, regexp.MustCompile(`^audit_[0-9a-f]{16}$`), rs[0].ID)
	assert.True(t, rs[0].At.Equal(f.clock.Now().Truncate(time.Microsecond)), "At is the clock's now: %s", rs[0].At)
	assert.Equal(t, "audit_given", rs[1].ID)
	assert.True(t, rs[1].At.Equal(given.At))
	assert.Equal(t, int64(2), rs[1].Seq)
	assert.Nil(t, audit.Verify(rs, audit.GenesisHash, 1))
}

func TestRecordInvalid(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name      string
		give      func(*audit.Record)
		wantField string
	}{
		{"NoAction", func(r *audit.Record) { r.Action = "" }, "action"},
		{"NoOutcome", func(r *audit.Record) { r.Outcome = "" }, "outcome"},
		{"BadOutcome", func(r *audit.Record) { r.Outcome = "ok" }, "outcome"},
		{"BadDetails", func(r *audit.Record) { r.Details = json.RawMessage(`[1,`) }, "details"},
		{"DetailsNotObject", func(r *audit.Record) { r.Details = json.RawMessage(` [1]`) }, "details"},
		{"HugeDetails", func(r *audit.Record) {
			r.Details = json.RawMessage(`{"x":"` + strings.Repeat("a", auditsvc.MaxDetails) + `"}`)
		}, "details"},
		{"LongAction", func(r *audit.Record) { r.Action = strings.Repeat("a", 101) }, "action"},
		{"LongTarget", func(r *audit.Record) { r.TargetID = strings.Repeat("a", 129) }, "targetId"},
		{"LongActor", func(r *audit.Record) { r.ActorID = strings.Repeat("a", 41) }, "actorId"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := login("usr_a")
			tt.give(&r)
			err := f.svc.Record(ctx, r)
			fe, ok := fault.As(err)
			require.True(t, ok, "%v", err)
			assert.Equal(t, fault.Invalid, fe.Kind)
			assert.Equal(t, tt.wantField, fe.Field)
		})
	}
	assert.Empty(t, f.chain(t))
	err := f.svc.Record(ctx, audit.Record{Action: "x\x00", Outcome: audit.Success})
	assert.Equal(t, fault.Invalid, fault.KindOf(err), "the store refuses NUL: %v", err)
}

func TestRecordCutsLongUserAgent(t *testing.T) {
	f := newFixture(t)
	r := login("usr_a")
	r.UserAgent = strings.Repeat("a", auditsvc.MaxUserAgent-1) + "é and more"
	f.record(t, r)
	got := f.chain(t)[0].UserAgent
	assert.Equal(t, strings.Repeat("a", auditsvc.MaxUserAgent-1), got, "cut before the split rune")
}

func TestRecordJoinsCallerTx(t *testing.T) {
	f := newFixture(t)
	boom := errors.New("boom")
	err := f.db.WithinTx(ctx, func(ctx context.Context) error {
		require.NoError(t, f.svc.Record(ctx, login("usr_a")))
		return boom
	})
	require.ErrorIs(t, err, boom)
	assert.Empty(t, f.chain(t), "the record rolls back with the transaction")
	require.NoError(t, f.db.WithinTx(ctx, func(ctx context.Context) error { return f.svc.Record(ctx, login("usr_a")) }))
	assert.Len(t, f.chain(t), 1)
}

func TestList(t *testing.T) {
	f := newFixture(t)
	ama := testUser("usr_ama", "Ama Owusu")
	require.NoError(t, f.users.CreateUser(ctx, ama))
	start := f.clock.Now()
	for i := range 7 {
		actor := "usr_ama"
		if i%2 == 1 {
			actor = "usr_gone" // no such user
		}
		r := login(actor)
		if i == 6 {
			r.Action = "reset_account"
		}
		f.record(t, r)
		f.clock.Add(time.Hour)
	}

	p, err := f.svc.List(ctx, ports.AuditFilter{}, 1)
	require.NoError(t, err)
	assert.Equal(t, 7, p.Total)
	assert.Equal(t, 1, p.Page)
	assert.Equal(t, auditsvc.DefaultLimit, p.Limit)
	assert.Equal(t, 1, p.TotalPages)
	require.Len(t, p.Records, 7)
	assert.Equal(t, int64(7), p.Records[0].Seq, "newest first")
	assert.Equal(t, map[string]string{"usr_ama": "Ama Owusu"}, p.UserNames)

	p, err = f.svc.List(ctx, ports.AuditFilter{Action: "login", Limit: 4}, 2)
	require.NoError(t, err)
	assert.Equal(t, 6, p.Total)
	assert.Equal(t, 2, p.TotalPages)
	assert.Equal(t, []int64{2, 1}, seqs(p.Records))

	p, err = f.svc.List(ctx, ports.AuditFilter{From: start.Add(2 * time.Hour), To: start.Add(4 * time.Hour)}, 1)
	require.NoError(t, err)
	assert.Equal(t, []int64{4, 3}, seqs(p.Records))

	p, err = f.svc.List(ctx, ports.AuditFilter{ActorID: "usr_nobody"}, 1)
	require.NoError(t, err)
	assert.Equal(t, 0, p.Total)
	assert.Equal(t, 0, p.TotalPages)
	assert.Empty(t, p.Records)

	bad := []struct {
		name      string
		f         ports.AuditFilter
		page      int
		wantField string
	}{
		{"LimitNegative", ports.AuditFilter{Limit: -1}, 1, "limit"},
		{"LimitTooBig", ports.AuditFilter{Limit: 101}, 1, "limit"},
		{"PageZero", ports.AuditFilter{}, 0, "page"},
		{"PageHuge", ports.AuditFilter{}, int(^uint(0) >> 1), "page"},
		{"FromAfterTo", ports.AuditFilter{From: start.Add(time.Hour), To: start}, 1, "startDate"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.svc.List(ctx, tt.f, tt.page)
			fe, ok := fault.As(err)
			require.True(t, ok, "%v", err)
			assert.Equal(t, fault.Invalid, fe.Kind)
			assert.Equal(t, tt.wantField, fe.Field)
		})
	}
}

func TestListWithoutUsers(t *testing.T) {
	f := newFixture(t)
	f.record(t, login("usr_a"))
	p, err := auditsvc.New(f.log, f.clock, rand.Reader, nil).List(ctx, ports.AuditFilter{}, 1)
	require.NoError(t, err)
	assert.Len(t, p.Records, 1)
	assert.Empty(t, p.UserNames)
}

func seqs(rs []audit.Record) []int64 {
	out := make([]int64, len(rs))
	for i, r := range rs {
		out[i] = r.Seq
	}
	return out
}

func testUser(id, name string) identity.User {
	now := time.Now().UTC()
	return identity.User{
		ID: id, Email: id + "@example.gov.gh", FullName: name, Role: identity.RoleUser,
		Tier: identity.DefaultTier, Status: identity.StatusActive, UserType: identity.UserTypeGovernment,
		AccessCodeKey: "key_" + id, AccessCodeHash: "hash", ReferralCode: "REF-" + id,
		CreatedAt: now, UpdatedAt: now,
	}
}

// seed appends n records in one transaction (fast on SQLite).
func (f fixture) seed(t testing.TB, n int) {
	t.Helper()
	require.NoError(t, f.db.WithinTx(ctx, func(ctx context.Context) error {
		for i := range n {
			r := login(fmt.Sprintf("usr_%d", i%10))
			if err := f.svc.Record(ctx, r); err != nil {
				return err
			}
		}
		return nil
	}))
}

func TestVerify(t *testing.T) {
	f := newFixture(t)
	res, err := f.svc.Verify(ctx)
	require.NoError(t, err)
	assert.Equal(t, auditsvc.VerifyResult{}, res, "an empty log is intact")

	f.seed(t, 2500)
	f.log.limits = nil
	res, err = f.svc.Verify(ctx)
	require.NoError(t, err)
	assert.Nil(t, res.Break)
	assert.Equal(t, int64(2500), res.Checked)
	assert.Equal(t, []int{1000, 1000, 1000, 1000}, f.log.limits, "batches of 1000 until an empty one")

	_, err = f.db.Bun.ExecContext(ctx, "UPDATE audit_log SET ip = ? WHERE seq = ?", "10.0.0.1", 1500)
	require.NoError(t, err)
	res, err = f.svc.Verify(ctx)
	require.NoError(t, err)
	require.NotNil(t, res.Break)
	assert.Equal(t, int64(1500), res.Break.Seq)
	assert.Equal(t, int64(1499), res.Checked)
	assert.Contains(t, res.Break.Reason, "edited")
}

func TestVerifyStoreError(t *testing.T) {
	f := newFixture(t)
	f.seed(t, 3)
	require.NoError(t, f.db.Close())
	_, err := f.svc.Verify(ctx)
	require.Error(t, err)
}
