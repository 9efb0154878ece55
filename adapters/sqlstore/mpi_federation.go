package sqlstore

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/mpi"
	"github.com/kente-gov/kente/ports"
)

var _ ports.MPIFederationStore = (*MPIStore)(nil)

type federationLinkRow struct {
	bun.BaseModel `bun:"table:mpi_federation_links"`

	ID                string    `bun:"id,pk"`
	SourceMPIID       string    `bun:"source_mpi_id"`
	SourceProgrammeID string    `bun:"source_programme_id"`
	TargetMPIID       string    `bun:"target_mpi_id"`
	TargetProgrammeID string    `bun:"target_programme_id"`
	PairLow           string    `bun:"pair_low"`
	PairHigh          string    `bun:"pair_high"`
	LinkType          string    `bun:"link_type"`
	Confidence        float64   `bun:"confidence"`
	Notes             string    `bun:"notes"`
	CreatedBy         string    `bun:"created_by"`
	CreatedAt         time.Time `bun:"created_at"`
}

func (r *federationLinkRow) link() mpi.FederationLink {
	return mpi.FederationLink{ID: r.ID, SourceMPIID: r.SourceMPIID, SourceProgrammeID: r.SourceProgrammeID,
		TargetMPIID: r.TargetMPIID, TargetProgrammeID: r.TargetProgrammeID, Type: mpi.LinkType(r.LinkType),
		Confidence: r.Confidence, Notes: r.Notes, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC()}
}

// maxPairPage bounds one page of CrossProgrammePairs.
const maxPairPage = 1000

var (
	errFederationLinkExists   = fault.New(fault.Conflict, "mpi.federation_link_exists", "These two records are already linked")
	errFederationLinkNotFound = fault.New(fault.NotFound, "mpi.federation_link_not_found", "Federation link not found")
)

// RecordAnyProgramme returns a record by MPI id, whatever its programme.
func (s *MPIStore) RecordAnyProgramme(ctx context.Context, mpiID string) (mpi.Record, error) {
	if err := checkText(mpiID); err != nil {
		return mpi.Record{}, err
	}
	var row mpiRecordRow
	err := s.db.idb(ctx).NewSelect().Model(&row).Where("mpi_id = ?", mpiID).Scan(ctx)
	if isNoRows(err) {
		return mpi.Record{}, errMPINotFound
	}
	if err != nil {
		return mpi.Record{}, s.db.wrapErr(err, "load MPI record")
	}
	return row.record()
}

// crossPairsQuery pairs the active records of different programmes filed
// under a common key and not already joined by a federation link (either
// order: links order their pair in Go, the query in the column's
// collation), each pair once, in (a, b) order after a keyset cursor.
const crossPairsQuery = `SELECT DISTINCT a.mpi_id, b.mpi_id FROM mpi_blocking_keys a
 JOIN mpi_blocking_keys b ON b.block_key = a.block_key AND b.mpi_id > a.mpi_id AND b.programme_id <> a.programme_id
 WHERE (a.mpi_id > ? OR (a.mpi_id = ? AND b.mpi_id > ?))
 AND NOT EXISTS (SELECT 1 FROM mpi_federation_links l
  WHERE (l.pair_low = a.mpi_id AND l.pair_high = b.mpi_id) OR (l.pair_low = b.mpi_id AND l.pair_high = a.mpi_id))
 ORDER BY a.mpi_id, b.mpi_id LIMIT ?`

// CrossProgrammePairs returns a keyset page of cross-programme candidate
// pairs (a self-join of mpi_blocking_keys on its leading block_key) and
// the linkage fields of their records.
func (s *MPIStore) CrossProgrammePairs(ctx context.Context, after ports.MPIPair, limit int) ([]ports.MPIPair, []mpi.Record, error) {
	if err := checkText(after.A, after.B); err != nil {
		return nil, nil, err
	}
	limit = clampLimit(limit, maxPairPage, maxPairPage)
	var pairs []ports.MPIPair
	var recs []mpi.Record
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		pairs, recs = nil, nil
		if err := s.ensureKeys(ctx); err != nil {
			return err
		}
		tx, _ := s.bulkTx(ctx)
		err := s.queryStrings(ctx, tx, crossPairsQuery, []any{after.A, after.A, after.B, limit}, func(v []string) error {
			pairs = append(pairs, ports.MPIPair{A: v[0], B: v[1]})
			return nil
		}, 2)
		if err != nil {
			return s.db.wrapErr(err, "pair MPI records across programmes")
		}
		ids := make([]string, 0, 2*len(pairs))
		for _, p := range pairs {
			ids = append(ids, p.A, p.B)
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
		for part := range slices.Chunk(ids, mpiBatch) {
			args := make([]any, len(part))
			for i, id := range part {
				args[i] = id
			}
			q := linkageRecordsQuery + strings.Repeat("?, ", len(part)-1) + "?) ORDER BY mpi_id"
			err := s.queryStrings(ctx, tx, q, args, func(v []string) error {
				r, err := linkageRecord(v)
				recs = append(recs, r)
				return err
			}, 11)
			if err != nil {
				return s.db.wrapErr(err, "load paired MPI records")
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return pairs, recs, nil
}

// CreateFederationLink stores a link; the unique index on the ordered
// pair makes a second link of the same two records fault.Conflict.
func (s *MPIStore) CreateFederationLink(ctx context.Context, l mpi.FederationLink) error {
	if err := checkText(l.ID, l.SourceMPIID, l.SourceProgrammeID, l.TargetMPIID, l.TargetProgrammeID, string(l.Type),
		l.Notes, l.CreatedBy); err != nil {
		return err
	}
	row := federationLinkRow{ID: l.ID, SourceMPIID: l.SourceMPIID, SourceProgrammeID: l.SourceProgrammeID,
		TargetMPIID: l.TargetMPIID, TargetProgrammeID: l.TargetProgrammeID,
		PairLow: min(l.SourceMPIID, l.TargetMPIID), PairHigh: max(l.SourceMPIID, l.TargetMPIID),
		LinkType: string(l.Type), Confidence: l.Confidence, Notes: l.Notes, CreatedBy: l.CreatedBy, CreatedAt: dbTime(l.CreatedAt)}
	if _, err := s.db.idb(ctx).NewInsert().Model(&row).Exec(ctx); err != nil {
		if c, _ := classify(err); c == classUnique {
			return &fault.Error{Kind: fault.Conflict, Code: errFederationLinkExists.Code, Msg: errFederationLinkExists.Msg,
				Field: "target_mpi_id", Err: err}
		}
		return s.db.wrapErr(err, "create federation link")
	}
	return nil
}

// FederationLinks returns the links of mpiID, oldest first.
func (s *MPIStore) FederationLinks(ctx context.Context, mpiID string) ([]mpi.FederationLink, error) {
	if err := checkText(mpiID); err != nil {
		return nil, err
	}
	var rows []federationLinkRow
	err := s.db.idb(ctx).NewSelect().Model(&rows).
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("source_mpi_id = ?", mpiID).WhereOr("target_mpi_id = ?", mpiID)
		}).OrderExpr("created_at, id").Scan(ctx)
	if err != nil {
		return nil, s.db.wrapErr(err, "list federation links")
	}
	out := make([]mpi.FederationLink, len(rows))
	for i := range rows {
		out[i] = rows[i].link()
	}
	return out, nil
}

// DeleteFederationLink removes a link and returns it.
func (s *MPIStore) DeleteFederationLink(ctx context.Context, linkID string) (mpi.FederationLink, error) {
	if err := checkText(linkID); err != nil {
		return mpi.FederationLink{}, err
	}
	var out mpi.FederationLink
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		idb := s.db.idb(ctx)
		var row federationLinkRow
		q := idb.NewSelect().Model(&row).Where("id = ?", linkID)
		if s.db.Dialect != SQLite {
			q = q.For("UPDATE")
		}
		if err := q.Scan(ctx); isNoRows(err) {
			return errFederationLinkNotFound
		} else if err != nil {
			return s.db.wrapErr(err, "load federation link")
		}
		if _, err := idb.NewDelete().Model((*federationLinkRow)(nil)).Where("id = ?", linkID).Exec(ctx); err != nil {
			return s.db.wrapErr(err, "delete federation link")
		}
		out = row.link()
		return nil
	})
	return out, err
}
