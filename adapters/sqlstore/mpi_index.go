package sqlstore

import (
	"context"

	"github.com/kente-gov/kente/core/mpi"
)

// keysStateName is the mpi_index_state row of the blocking keys.
const keysStateName = "blocking_keys"

// reindexPage is how many records ReindexBlockingKeys reads at a time.
const reindexPage = 1000

// ensureKeys re-indexes the blocking keys unless they are known to be
// current (see ReindexBlockingKeys).
func (s *MPIStore) ensureKeys(ctx context.Context) error {
	if s.keysCurrent.Load() {
		return nil
	}
	_, err := s.ReindexBlockingKeys(ctx)
	return err
}

// keysVersion reads the version of the stored keys, locking its row when
// lock is set (PostgreSQL, MySQL); a missing row is version 0.
func (s *MPIStore) keysVersion(ctx context.Context, lock bool) (int, error) {
	var version int
	q := s.db.idb(ctx).NewSelect().Table("mpi_index_state").Column("version").Where("name = ?", keysStateName)
	if lock && s.db.Dialect != SQLite {
		q = q.For("UPDATE")
	}
	if err := q.Scan(ctx, &version); err != nil && !isNoRows(err) {
		return 0, s.db.wrapErr(err, "read MPI key version")
	}
	return version, nil
}

// ReindexBlockingKeys derives again the blocking keys of every active
// record, of every programme, when the stored keys were derived with
// another version of mpi.BlockingKeys than mpi.BlockingKeysVersion (a
// release changed the derivation, or the database predates the version,
// which the migration records as 0), then records the version. It returns
// how many records it re-indexed: 0 when the keys were current. The store
// calls it before its first read of keys, so stale keys are never matched
// against; a deployment may call it at start so that the first match does
// not wait. Several instances may call it at once: the version row is
// locked (PostgreSQL, MySQL) or the write is serialised (SQLite), and the
// later callers find the keys current.
func (s *MPIStore) ReindexBlockingKeys(ctx context.Context) (int, error) {
	version, err := s.keysVersion(ctx, false)
	if err != nil {
		return 0, err
	}
	if version == mpi.BlockingKeysVersion {
		// Inside a transaction that may have re-indexed itself (and may
		// still roll back) the row proves nothing for later callers.
		if !s.db.inTx(ctx) || !s.reindexedInTx.Load() {
			s.keysCurrent.Store(true)
		}
		return 0, nil
	}
	n := 0
	err = s.db.WithinTx(ctx, func(ctx context.Context) error {
		n = 0
		idb := s.db.idb(ctx)
		version, err := s.keysVersion(ctx, true)
		if err != nil || version == mpi.BlockingKeysVersion {
			return err
		}
		if _, err := idb.NewDelete().Model((*mpiKeyRow)(nil)).Where("1 = 1").Exec(ctx); err != nil {
			return s.db.wrapErr(err, "clear MPI blocking keys")
		}
		tx, _ := s.bulkTx(ctx)
		after := ""
		for {
			var rows []mpiRecordRow
			err := idb.NewSelect().Model(&rows).Where("status = ?", string(mpi.StatusActive)).Where("mpi_id > ?", after).
				OrderExpr("mpi_id").Limit(reindexPage).Scan(ctx)
			if err != nil {
				return s.db.wrapErr(err, "page MPI records to re-index")
			}
			var args []any
			for i := range rows {
				r, err := rows[i].record()
				if err != nil {
					return err
				}
				for _, k := range mpi.BlockingKeys(r) {
					args = append(args, r.ProgrammeID, k, r.MPIID)
				}
			}
			if err := s.execRows(ctx, tx, insertKeyQuery, 3, mpiBatch, args); err != nil {
				return s.db.wrapErr(err, "re-index MPI blocking keys")
			}
			n += len(rows)
			if len(rows) < reindexPage {
				break
			}
			after = rows[len(rows)-1].MPIID
		}
		res, err := idb.NewRaw("UPDATE mpi_index_state SET version = ? WHERE name = ?", mpi.BlockingKeysVersion, keysStateName).Exec(ctx)
		if err != nil {
			return s.db.wrapErr(err, "record MPI key version")
		}
		if k, _ := res.RowsAffected(); k == 0 {
			_, err = idb.NewRaw("INSERT INTO mpi_index_state (name, version) VALUES (?, ?)", keysStateName, mpi.BlockingKeysVersion).Exec(ctx)
		}
		return s.db.wrapErr(err, "record MPI key version")
	})
	if err != nil {
		return 0, err
	}
	if s.db.inTx(ctx) {
		s.reindexedInTx.Store(true)
	} else {
		s.keysCurrent.Store(true)
	}
	return n, nil
}
