package sqlstore_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/sqlstore/sqltest"
	"github.com/kente-gov/kente/app/auditsvc"
	"github.com/kente-gov/kente/core/audit"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/ports"
	"github.com/kente-gov/kente/ports/porttest"
)

func TestAuditLog(t *testing.T) {
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			porttest.AuditLog(t, func(t *testing.T) ports.AuditLog {
				return sqlstore.NewAuditLog(sqltest.Fresh(t, d))
			})
		})
	}
}

func auditRecord(i int) audit.Record {
	return audit.Record{
		ID: fmt.Sprintf("audit_%016x", i), At: time.Date(2026, 3, 1, 9, 0, i, 123_456_789, time.UTC),
		ActorID: "usr_0000000000000001", Action: "login", TargetType: "auth", IP: "41.215.160.7",
		Outcome: audit.Success, Details: json.RawMessage(`{"method":"access_code"}`),
	}
}

// seedAudit appends n records through the store and returns a service over
// the same database.
func seedAudit(t *testing.T, db *sqlstore.DB, n int) *auditsvc.Service {
	t.Helper()
	log := sqlstore.NewAuditLog(db)
	for i := 1; i <= n; i++ {
		_, err := log.AppendAudit(context.Background(), auditRecord(i))
		require.NoError(t, err)
	}
	return auditsvc.New(log, ports.SystemClock{}, rand.Reader, nil)
}

// TestAuditTamperDetected edits or deletes stored rows with raw SQL, as an
// attacker with database access would, and expects Verify to name the
// first broken record.
func TestAuditTamperDetected(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name       string
		tamper     func(t *testing.T, db *sqlstore.DB)
		wantSeq    int64
		wantReason string
	}{
		{"EditAction", func(t *testing.T, db *sqlstore.DB) {
			res, err := db.Bun.NewUpdate().Table("audit_log").Set("action = ?", "logout").Where("seq = ?", 3).Exec(ctx)
			require.NoError(t, err)
			n, _ := res.RowsAffected()
			require.Equal(t, int64(1), n)
		}, 3, "edited"},
		{"EditDetails", func(t *testing.T, db *sqlstore.DB) {
			_, err := db.Bun.ExecContext(ctx, "UPDATE audit_log SET details = ? WHERE seq = ?", `{"method":"passkey"}`, 4)
			require.NoError(t, err)
		}, 4, "edited"},
		{"DeleteMiddle", func(t *testing.T, db *sqlstore.DB) {
			res, err := db.Bun.NewDelete().Table("audit_log").Where("seq = ?", 2).Exec(ctx)
			require.NoError(t, err)
			n, _ := res.RowsAffected()
			require.Equal(t, int64(1), n)
		}, 3, "removed"},
		{"DeleteFirst", func(t *testing.T, db *sqlstore.DB) {
			_, err := db.Bun.ExecContext(ctx, "DELETE FROM audit_log WHERE seq = 1")
			require.NoError(t, err)
		}, 2, "removed"},
		{"RehashEdited", func(t *testing.T, db *sqlstore.DB) {
			// An attacker who recomputes the edited record's own hash still
			// breaks the link of the record after it.
			var prev audit.Record
			r := auditRecord(3)
			r.Action = "logout"
			require.NoError(t, db.Bun.NewSelect().Table("audit_log").Column("seq", "hash").Where("seq = 2").Scan(ctx, &prev.Seq, &prev.Hash))
			sealed := audit.Seal(r, &prev)
			_, err := db.Bun.ExecContext(ctx, "UPDATE audit_log SET action = ?, hash = ? WHERE seq = 3", sealed.Action, sealed.Hash)
			require.NoError(t, err)
		}, 4, "previous-hash"},
	}
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					db := sqltest.Fresh(t, d)
					svc := seedAudit(t, db, 5)
					res, err := svc.Verify(ctx)
					require.NoError(t, err)
					require.Nil(t, res.Break, "the untouched chain verifies")
					assert.Equal(t, int64(5), res.Checked)

					tt.tamper(t, db)
					res, err = svc.Verify(ctx)
					require.NoError(t, err)
					require.NotNil(t, res.Break, "tampering must be detected")
					assert.Equal(t, tt.wantSeq, res.Break.Seq)
					assert.Contains(t, res.Break.Reason, tt.wantReason)
				})
			}
		})
	}
}

// TestAuditDeletedNewestLeavesGap checks that deleting the newest record
// does not let the next append reuse its seq: the head remembers it, so
// the gap shows.
func TestAuditDeletedNewestLeavesGap(t *testing.T) {
	ctx := context.Background()
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			db := sqltest.Fresh(t, d)
			svc := seedAudit(t, db, 3)
			_, err := db.Bun.ExecContext(ctx, "DELETE FROM audit_log WHERE seq = 3")
			require.NoError(t, err)
			got, err := sqlstore.NewAuditLog(db).AppendAudit(ctx, auditRecord(4))
			require.NoError(t, err)
			assert.Equal(t, int64(4), got.Seq)
			res, err := svc.Verify(ctx)
			require.NoError(t, err)
			require.NotNil(t, res.Break)
			assert.Equal(t, int64(4), res.Break.Seq)
			assert.Equal(t, int64(2), res.Checked)
		})
	}
}

// TestAuditSeqTakenResyncs simulates a writer that bypassed the head lock:
// a row already holds the next seq. The append must link after the newest
// stored record instead of failing or forking.
func TestAuditSeqTakenResyncs(t *testing.T) {
	ctx := context.Background()
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			db := sqltest.Fresh(t, d)
			log := sqlstore.NewAuditLog(db)
			first, err := log.AppendAudit(ctx, auditRecord(1))
			require.NoError(t, err)
			rogue := audit.Seal(auditRecord(2), &first)
			_, err = db.Bun.ExecContext(ctx,
				"INSERT INTO audit_log (seq, id, at, actor_id, action, target_type, target_id, ip, user_agent, outcome, details, prev_hash, hash) VALUES (?, ?, ?, '', ?, '', '', '', '', ?, '', ?, ?)",
				rogue.Seq, rogue.ID, rogue.At, rogue.Action, string(rogue.Outcome), rogue.PrevHash, rogue.Hash)
			require.NoError(t, err)
			// The rogue row's hash covers fields it did not store; what
			// matters here is the seq and link of the next append.
			got, err := log.AppendAudit(ctx, auditRecord(3))
			require.NoError(t, err)
			assert.Equal(t, int64(3), got.Seq)
			assert.Equal(t, rogue.Hash, got.PrevHash)
		})
	}
}

// TestAuditJoinsCallerTx checks that a record appended inside WithinTx
// rolls back with the transaction and commits with it.
func TestAuditJoinsCallerTx(t *testing.T) {
	ctx := context.Background()
	for _, d := range sqltest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			db := sqltest.Fresh(t, d)
			log := sqlstore.NewAuditLog(db)
			svc := auditsvc.New(log, ports.SystemClock{}, rand.Reader, nil)
			boom := fmt.Errorf("boom")
			err := db.WithinTx(ctx, func(ctx context.Context) error {
				require.NoError(t, svc.Record(ctx, audit.Record{Action: "admin.reset_account", Outcome: audit.Success}))
				return boom
			})
			require.ErrorIs(t, err, boom)
			chain, err := log.AuditChain(ctx, 0, 10)
			require.NoError(t, err)
			assert.Empty(t, chain, "a rolled-back record is not stored")
			if d == sqlstore.SQLite {
				// SQLite's immediate transaction holds the write lock from
				// its start, so no other append can interleave below.
				return
			}

			err = db.WithinTx(ctx, func(ctx context.Context) error {
				// A read before the append fixes MySQL's snapshot; the
				// append must still see the newest head.
				if _, _, err := log.ListAudit(ctx, ports.AuditFilter{}); err != nil {
					return err
				}
				if _, err := log.AppendAudit(context.Background(), auditRecord(1)); err != nil { // another connection appends meanwhile
					return err
				}
				return svc.Record(ctx, audit.Record{Action: "admin.reset_account", Outcome: audit.Success})
			})
			require.NoError(t, err)
			chain, err = log.AuditChain(ctx, 0, 10)
			require.NoError(t, err)
			require.Len(t, chain, 2)
			assert.Nil(t, audit.Verify(chain, audit.GenesisHash, 1))
			assert.Equal(t, "admin.reset_account", chain[1].Action)
		})
	}
}

func TestAuditInvalidInput(t *testing.T) {
	db := sqltest.Fresh(t, sqlstore.SQLite)
	log := sqlstore.NewAuditLog(db)
	_, err := log.AuditChain(context.Background(), 0, 0)
	assert.Equal(t, fault.Invalid, fault.KindOf(err))
	_, _, err = log.ListAudit(context.Background(), ports.AuditFilter{Offset: -1})
	assert.Equal(t, fault.Invalid, fault.KindOf(err))
}

// BenchmarkAppendAudit appends one record per transaction (the commit is
// most of the cost), on each dialect that has a server.
func BenchmarkAppendAudit(b *testing.B) {
	for _, d := range sqltest.Dialects() {
		b.Run(string(d), func(b *testing.B) {
			log := sqlstore.NewAuditLog(sqltest.Fresh(b, d))
			ctx := context.Background()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				if _, err := log.AppendAudit(ctx, auditRecord(i)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAppendAuditInTx appends inside a caller's transaction, the
// marginal cost of auditing a change that commits anyway.
func BenchmarkAppendAuditInTx(b *testing.B) {
	db := sqltest.Fresh(b, sqlstore.SQLite)
	log := sqlstore.NewAuditLog(db)
	ctx := context.Background()
	b.ReportAllocs()
	require.NoError(b, db.WithinTx(ctx, func(ctx context.Context) error {
		i := 0
		for b.Loop() {
			i++
			if _, err := log.AppendAudit(ctx, auditRecord(i)); err != nil {
				return err
			}
		}
		return nil
	}))
}

func BenchmarkAppendAuditParallel(b *testing.B) {
	log := sqlstore.NewAuditLog(sqltest.Fresh(b, sqlstore.SQLite))
	ctx := context.Background()
	var n atomic.Int64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := log.AppendAudit(ctx, auditRecord(int(n.Add(1)))); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func TestModuleProvidesAuditLog(t *testing.T) {
	cfg := sqlstore.Config{URL: sqltest.URL(t, sqlstore.SQLite), AutoMigrate: true}
	var log ports.AuditLog
	app := fxtest.New(t, sqlstore.Module, fx.Supply(cfg), fx.NopLogger, fx.Populate(&log))
	app.RequireStart()
	defer app.RequireStop()
	got, err := log.AppendAudit(context.Background(), auditRecord(1))
	require.NoError(t, err)
	assert.Equal(t, int64(1), got.Seq)
}
