package sqlstore

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/kente-gov/kente/core/chat"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/ports"
)

var errFAQGone = fault.New(fault.NotFound, ports.CodeFAQNotFound, "FAQ entry not found")

// FAQStore keeps the knowledge base's FAQ entries in the knowledge_base
// table. It implements ports.FAQStore.
type FAQStore struct {
	db *DB
}

// NewFAQStore returns a FAQStore on db, which must be migrated.
func NewFAQStore(db *DB) *FAQStore { return &FAQStore{db: db} }

var _ ports.FAQStore = (*FAQStore)(nil)

type faqRow struct {
	bun.BaseModel `bun:"table:knowledge_base"`

	ID        string    `bun:"id,pk"`
	Category  string    `bun:"category"`
	Question  string    `bun:"question"`
	Answer    string    `bun:"answer"`
	Keywords  string    `bun:"keywords"` // comma-separated, lower case
	Priority  int       `bun:"priority"`
	Active    bool      `bun:"active"`
	CreatedBy string    `bun:"created_by"`
	CreatedAt time.Time `bun:"created_at"`
	UpdatedAt time.Time `bun:"updated_at"`
}

func newFAQRow(f chat.FAQ) (faqRow, error) {
	kw := strings.Join(f.Keywords, ",")
	if err := checkText(f.ID, f.Category, f.Question, f.Answer, kw, f.CreatedBy); err != nil {
		return faqRow{}, err
	}
	return faqRow{ID: f.ID, Category: f.Category, Question: f.Question, Answer: f.Answer, Keywords: kw, Priority: f.Priority,
		Active: f.Active, CreatedBy: f.CreatedBy, CreatedAt: dbTime(f.CreatedAt), UpdatedAt: dbTime(f.UpdatedAt)}, nil
}

func (r *faqRow) faq() chat.FAQ {
	return chat.FAQ{ID: r.ID, Category: r.Category, Question: r.Question, Answer: r.Answer, Keywords: chat.SplitKeywords(r.Keywords),
		Priority: r.Priority, Active: r.Active, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

// CreateFAQ implements ports.FAQStore.
func (s *FAQStore) CreateFAQ(ctx context.Context, f chat.FAQ) error {
	row, err := newFAQRow(f)
	if err != nil {
		return err
	}
	if _, err := s.db.idb(ctx).NewInsert().Model(&row).Exec(ctx); err != nil {
		if class, _ := classify(err); class == classUnique {
			return fault.Wrap(err, fault.Conflict, errChatIDTaken.Code, errChatIDTaken.Msg)
		}
		return s.db.wrapErr(err, "create faq")
	}
	return nil
}

// FAQ implements ports.FAQStore.
func (s *FAQStore) FAQ(ctx context.Context, id string) (chat.FAQ, error) {
	if err := checkText(id); err != nil {
		return chat.FAQ{}, err
	}
	return s.load(ctx, s.db.idb(ctx), id, false)
}

func (s *FAQStore) load(ctx context.Context, idb bun.IDB, id string, lock bool) (chat.FAQ, error) {
	var row faqRow
	q := idb.NewSelect().Model(&row).Where("id = ?", id)
	if lock && s.db.Dialect != SQLite {
		q = q.For("UPDATE")
	}
	if err := q.Scan(ctx); isNoRows(err) {
		return chat.FAQ{}, errFAQGone
	} else if err != nil {
		return chat.FAQ{}, s.db.wrapErr(err, "load faq")
	}
	return row.faq(), nil
}

// FAQs implements ports.FAQStore.
func (s *FAQStore) FAQs(ctx context.Context, limit, offset int) ([]chat.FAQ, int, error) {
	if limit < 1 || limit > 500 || offset < 0 {
		return nil, 0, fault.Field("limit", "request.invalid_limit", "limit must be 1–500 and offset ≥ 0")
	}
	var rows []faqRow
	total, err := s.db.idb(ctx).NewSelect().Model(&rows).OrderExpr("priority DESC, created_at DESC, id").
		Limit(int64(limit)).Offset(int64(offset)).ScanAndCount(ctx)
	if err != nil && !isNoRows(err) {
		return nil, 0, s.db.wrapErr(err, "list faqs")
	}
	out := make([]chat.FAQ, len(rows))
	for i := range rows {
		out[i] = rows[i].faq()
	}
	return out, int(total), nil
}

// UpdateFAQ implements ports.FAQStore.
func (s *FAQStore) UpdateFAQ(ctx context.Context, id string, fn func(*chat.FAQ) error) (chat.FAQ, error) {
	if err := checkText(id); err != nil {
		return chat.FAQ{}, err
	}
	var out chat.FAQ
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		idb := s.db.idb(ctx)
		cur, err := s.load(ctx, idb, id, true)
		if err != nil {
			return err
		}
		next := cur
		if err := fn(&next); err != nil {
			return err
		}
		next.ID, next.CreatedBy, next.CreatedAt = cur.ID, cur.CreatedBy, cur.CreatedAt
		row, err := newFAQRow(next)
		if err != nil {
			return err
		}
		if _, err := idb.NewUpdate().Model(&row).ExcludeColumn("id", "created_by", "created_at").WherePK().Exec(ctx); err != nil {
			return s.db.wrapErr(err, "update faq")
		}
		out = row.faq()
		return nil
	})
	return out, err
}

// DeleteFAQ implements ports.FAQStore.
func (s *FAQStore) DeleteFAQ(ctx context.Context, id string) error {
	if err := checkText(id); err != nil {
		return err
	}
	res, err := s.db.idb(ctx).NewDelete().Table("knowledge_base").Where("id = ?", id).Exec(ctx)
	if err != nil {
		return s.db.wrapErr(err, "delete faq")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errFAQGone
	}
	return nil
}

// MatchFAQs implements ports.FAQStore with LIKE on the lower-cased
// question and keyword text (askozzy-notes §4.7); each term is one bound
// parameter with its wildcards escaped.
func (s *FAQStore) MatchFAQs(ctx context.Context, terms []string, limit int) ([]chat.FAQ, error) {
	if limit <= 0 || len(terms) == 0 {
		return []chat.FAQ{}, nil
	}
	if err := checkText(terms...); err != nil {
		return nil, err
	}
	var rows []faqRow
	q := s.db.idb(ctx).NewSelect().Model(&rows).Where("active = ?", true).
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			for _, t := range terms {
				like := "%" + escapeLike(strings.ToLower(t)) + "%"
				q = q.WhereOr("LOWER(question) LIKE ? ESCAPE '!'", like).WhereOr("keywords LIKE ? ESCAPE '!'", like)
			}
			return q
		}).
		OrderExpr("priority DESC, created_at DESC, id").Limit(int64(limit))
	if err := q.Scan(ctx); err != nil && !isNoRows(err) {
		return nil, s.db.wrapErr(err, "match faqs")
	}
	out := make([]chat.FAQ, len(rows))
	for i := range rows {
		out[i] = rows[i].faq()
	}
	return out, nil
}
