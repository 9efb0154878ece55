package sqlstore

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/kente-gov/kente/core/billing"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/tier"
	"github.com/kente-gov/kente/ports"
)

var _ ports.PaymentStore = (*PaymentStore)(nil)

// PaymentStore keeps checkout attempts (payments) and webhook deliveries
// (payment_events). It implements ports.PaymentStore.
type PaymentStore struct {
	db *DB
}

// NewPaymentStore returns a PaymentStore on db, which must be migrated.
func NewPaymentStore(db *DB) *PaymentStore { return &PaymentStore{db: db} }

type paymentRow struct {
	bun.BaseModel `bun:"table:payments"`

	Reference   string     `bun:"reference,pk"`
	UserID      string     `bun:"user_id"`
	Plan        string     `bun:"plan"`
	Cycle       string     `bun:"cycle"`
	Amount      int64      `bun:"amount"`
	Currency    string     `bun:"currency"`
	Channel     string     `bun:"channel"`
	Status      string     `bun:"status"`
	Note        string     `bun:"note"`
	CreatedAt   time.Time  `bun:"created_at"`
	ProcessedAt *time.Time `bun:"processed_at"`
}

// maxNote is the note column's width.
const maxNote = 255

func newPaymentRow(p billing.Payment) (paymentRow, error) {
	if err := checkText(p.Reference, p.UserID, p.Plan, string(p.Cycle), p.Currency, string(p.Channel), string(p.Status), p.Note); err != nil {
		return paymentRow{}, err
	}
	note := p.Note
	if len(note) > maxNote {
		note = strings.ToValidUTF8(note[:maxNote], "")
	}
	return paymentRow{
		Reference: p.Reference, UserID: p.UserID, Plan: p.Plan, Cycle: string(p.Cycle), Amount: p.Amount,
		Currency: p.Currency, Channel: string(p.Channel), Status: string(p.Status), Note: note,
		CreatedAt: dbTime(p.CreatedAt), ProcessedAt: dbTimePtr(p.ProcessedAt),
	}, nil
}

func (r *paymentRow) payment() billing.Payment {
	return billing.Payment{
		Reference: r.Reference, UserID: r.UserID, Plan: r.Plan, Cycle: tier.Cycle(r.Cycle), Amount: r.Amount,
		Currency: r.Currency, Channel: billing.Channel(r.Channel), Status: billing.Status(r.Status), Note: r.Note,
		CreatedAt: r.CreatedAt.UTC(), ProcessedAt: utcPtr(r.ProcessedAt),
	}
}

var errPaymentNotFound = fault.New(fault.NotFound, "billing.payment_not_found", "Payment not found")

// CreatePayment implements ports.PaymentStore.
func (s *PaymentStore) CreatePayment(ctx context.Context, p billing.Payment) error {
	row, err := newPaymentRow(p)
	if err != nil {
		return err
	}
	if _, err := s.db.idb(ctx).NewInsert().Model(&row).Exec(ctx); err != nil {
		if c, _ := classify(err); c == classUnique {
			return fault.Wrap(err, fault.Conflict, "billing.reference_taken", "Payment reference already used")
		}
		return s.db.wrapErr(err, "create payment")
	}
	return nil
}

// Payment implements ports.PaymentStore.
func (s *PaymentStore) Payment(ctx context.Context, reference string) (billing.Payment, error) {
	if err := checkText(reference); err != nil {
		return billing.Payment{}, err
	}
	var row paymentRow
	err := s.db.idb(ctx).NewSelect().Model(&row).Where("reference = ?", reference).Limit(1).Scan(ctx)
	if isNoRows(err) {
		return billing.Payment{}, errPaymentNotFound
	}
	if err != nil {
		return billing.Payment{}, s.db.wrapErr(err, "load payment")
	}
	return row.payment(), nil
}

// UpdatePayment implements ports.PaymentStore, locking the row as
// UserStore.UpdateUser does.
func (s *PaymentStore) UpdatePayment(ctx context.Context, reference string, fn func(*billing.Payment) error) (billing.Payment, error) {
	if err := checkText(reference); err != nil {
		return billing.Payment{}, err
	}
	var out billing.Payment
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		idb := s.db.idb(ctx)
		var row paymentRow
		q := idb.NewSelect().Model(&row).Where("reference = ?", reference)
		if s.db.Dialect != SQLite {
			q = q.For("UPDATE")
		}
		if err := q.Scan(ctx); isNoRows(err) {
			return errPaymentNotFound
		} else if err != nil {
			return s.db.wrapErr(err, "load payment for update")
		}
		p := row.payment()
		if err := fn(&p); err != nil {
			return err
		}
		p.Reference = reference
		next, err := newPaymentRow(p)
		if err != nil {
			return err
		}
		if _, err := idb.NewUpdate().Model(&next).WherePK().Exec(ctx); err != nil {
			return s.db.wrapErr(err, "update payment")
		}
		out = next.payment()
		return nil
	})
	return out, err
}

// RecordEvent implements ports.PaymentStore. A payload that is not valid
// UTF-8 is stored with the bad bytes replaced.
func (s *PaymentStore) RecordEvent(ctx context.Context, e billing.Event) (bool, error) {
	typ, ref := cutText(e.Type, 100), cutText(e.Reference, 100)
	payload := strings.ToValidUTF8(strings.ReplaceAll(string(e.Payload), "\x00", ""), "\uFFFD")
	if err := checkText(e.ID); err != nil {
		return false, err
	}
	q := `INSERT INTO payment_events (id, event_type, reference, payload, received_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (id) DO NOTHING`
	if s.db.Dialect == MySQL {
		q = `INSERT INTO payment_events (id, event_type, reference, payload, received_at) VALUES (?, ?, ?, ?, ?)
			ON DUPLICATE KEY UPDATE id = id`
	}
	res, err := s.db.idb(ctx).ExecContext(ctx, q, e.ID, typ, ref, payload, dbTime(e.ReceivedAt))
	if err != nil {
		return false, s.db.wrapErr(err, "record payment event")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, s.db.wrapErr(err, "record payment event")
	}
	return n == 1, nil
}

// cutText makes v storable text of at most n bytes.
func cutText(v string, n int) string {
	v = strings.ToValidUTF8(strings.ReplaceAll(v, "\x00", ""), "")
	if len(v) > n {
		v = strings.ToValidUTF8(v[:n], "")
	}
	return v
}
