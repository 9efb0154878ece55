// Package auditsvc holds the use cases of Kente's append-only audit log,
// shared by both API families: recording an action (inside the caller's
// transaction when there is one), listing the log for administrators, and
// verifying its hash chain. It speaks core types and core/fault errors and
// knows nothing of HTTP or SQL.
package auditsvc

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"unicode/utf8"

	"github.com/kente-gov/kente/core/audit"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/ports"
)

// Paging limits of List.
const (
	// DefaultLimit is the page size when none is given.
	DefaultLimit = 50
	// MaxLimit is the largest page size.
	MaxLimit = 100
)

// verifyBatch is how many records Verify holds in memory at once.
const verifyBatch = 1000

// Field limits of a record, in bytes: what every store keeps.
const (
	maxIDLen     = 40
	maxActionLen = 100
	maxTypeLen   = 64
	maxTargetLen = 128
	maxIPLen     = 64
	// MaxUserAgent bounds a record's user agent. It is client-controlled, so
	// Record cuts a longer one instead of refusing the record.
	MaxUserAgent = 512
	// MaxDetails bounds a record's details JSON.
	MaxDetails = 16 << 10
)

// Service runs the audit use cases.
type Service struct {
	log    ports.AuditLog
	users  userLookup // nil: List leaves user names empty
	clock  ports.Clock
	rand   io.Reader
	logger *slog.Logger
}

// userLookup is the view of ports.UserStore List needs for actor names.
type userLookup interface {
	UserByID(ctx context.Context, id string) (identity.User, error)
}

// New returns a Service. rand must be a CSPRNG (crypto/rand.Reader in
// production); it draws record ids. A nil logger discards.
func New(log ports.AuditLog, clock ports.Clock, rand io.Reader, logger *slog.Logger) *Service {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Service{log: log, clock: clock, rand: rand, logger: logger}
}

// WithUsers returns a copy of s that fills Page.UserNames from users.
func (s *Service) WithUsers(users ports.UserStore) *Service {
	c := *s
	c.users = users
	return &c
}

// Record appends r to the log. An empty ID is drawn ("audit_" and 16 hex
// digits) and a zero At is the clock's now; a user agent longer than
// MaxUserAgent bytes is cut. The store seals the record (Seq, PrevHash,
// Hash). When ctx carries a transaction (ports.Tx.WithinTx) the record is
// part of it and commits or rolls back with the audited change. An invalid
// record is fault.Invalid naming the field.
func (s *Service) Record(ctx context.Context, r audit.Record) error {
	if r.ID == "" {
		id, err := identity.NewID(s.rand, "audit_")
		if err != nil {
			return fmt.Errorf("record audit %s: %w", r.Action, err)
		}
		r.ID = id
	}
	if r.At.IsZero() {
		r.At = s.clock.Now()
	}
	r.UserAgent = cut(r.UserAgent, MaxUserAgent)
	if err := validate(r); err != nil {
		return err
	}
	if _, err := s.log.AppendAudit(ctx, r); err != nil {
		return fmt.Errorf("record audit %s: %w", r.Action, err)
	}
	return nil
}

func validate(r audit.Record) error {
	lengths := []struct {
		field, value string
		max          int
	}{
		{"id", r.ID, maxIDLen},
		{"actorId", r.ActorID, maxIDLen},
		{"action", r.Action, maxActionLen},
		{"targetType", r.TargetType, maxTypeLen},
		{"targetId", r.TargetID, maxTargetLen},
		{"ip", r.IP, maxIPLen},
		{"details", string(r.Details), MaxDetails},
	}
	for _, l := range lengths {
		if len(l.value) > l.max {
			return fault.Field(l.field, "audit.too_long", fmt.Sprintf("%s must be at most %d bytes", l.field, l.max))
		}
	}
	switch {
	case r.Action == "":
		return fault.Field("action", "audit.invalid", "action is required")
	case !validOutcome(r.Outcome):
		return fault.Field("outcome", "audit.invalid", "outcome must be success, failure or denied")
	}
	if err := r.Validate(); err != nil { // the details JSON
		return &fault.Error{Kind: fault.Invalid, Code: "audit.invalid", Msg: err.Error(), Field: "details", Err: err}
	}
	if d := bytes.TrimSpace(r.Details); len(d) > 0 && d[0] != '{' {
		return fault.Field("details", "audit.invalid", "details must be a JSON object")
	}
	return nil
}

func validOutcome(o audit.Outcome) bool {
	return o == audit.Success || o == audit.Failure || o == audit.Denied
}

// cut shortens s to at most n bytes without splitting a UTF-8 sequence.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Page is one page of the audit log, newest first.
type Page struct {
	Records []audit.Record
	// UserNames maps each actor id of Records to the user's full name; an
	// unknown actor (or a service without WithUsers) has no entry.
	UserNames map[string]string
	// Total is how many records match the filter; TotalPages is
	// ceil(Total/Limit).
	Total, Page, Limit, TotalPages int
}

// List returns page number page (from 1) of the records matching f, newest
// first. f.Limit is the page size: 50 when zero, at most 100; f.Offset is
// ignored (the page sets it). A limit outside 1–100 is fault.Invalid
// naming "limit", a page below 1 names "page", and a From after To names
// "startDate".
func (s *Service) List(ctx context.Context, f ports.AuditFilter, page int) (Page, error) {
	if f.Limit == 0 {
		f.Limit = DefaultLimit
	}
	if f.Limit < 1 || f.Limit > MaxLimit {
		return Page{}, fault.Field("limit", "audit.invalid_limit", fmt.Sprintf("limit must be between 1 and %d", MaxLimit))
	}
	if page < 1 {
		return Page{}, fault.Field("page", "audit.invalid_page", "page must be 1 or more")
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.From.After(f.To) {
		return Page{}, fault.Field("startDate", "audit.invalid_range", "startDate must not be after endDate")
	}
	if page > (int(^uint(0)>>1))/f.Limit {
		return Page{}, fault.Field("page", "audit.invalid_page", "page is too large")
	}
	f.Offset = (page - 1) * f.Limit
	recs, total, err := s.log.ListAudit(ctx, f)
	if err != nil {
		return Page{}, fmt.Errorf("list audit log: %w", err)
	}
	names, err := s.userNames(ctx, recs)
	if err != nil {
		return Page{}, err
	}
	return Page{
		Records: recs, UserNames: names,
		Total: total, Page: page, Limit: f.Limit, TotalPages: (total + f.Limit - 1) / f.Limit,
	}, nil
}

// nameLookups bounds the concurrent user lookups of one page.
const nameLookups = 8

// userNames looks up each distinct actor of recs once, a few at a time.
func (s *Service) userNames(ctx context.Context, recs []audit.Record) (map[string]string, error) {
	names := map[string]string{}
	if s.users == nil {
		return names, nil
	}
	var actors []string
	seen := map[string]bool{}
	for _, r := range recs {
		if r.ActorID != "" && !seen[r.ActorID] {
			seen[r.ActorID] = true
			actors = append(actors, r.ActorID)
		}
	}
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
		sem      = make(chan struct{}, nameLookups)
	)
	for _, id := range actors {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			u, err := s.users.UserByID(ctx, id)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				names[id] = u.FullName
			case fault.Is(err, fault.NotFound) || fault.Is(err, fault.Invalid):
				// a deleted user, or an actor id that is not a user id
			case firstErr == nil:
				firstErr = fmt.Errorf("look up audit actor: %w", err)
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	return names, nil
}

// VerifyResult is the outcome of Verify.
type VerifyResult struct {
	// Checked counts the records found intact, in chain order.
	Checked int64
	// Break is where the chain stops verifying; nil when it is intact.
	Break *audit.Break
}

// Verify walks the whole chain in seq order, in batches of 1000 so memory
// stays bounded, and reports the first record that is missing, reordered,
// unlinked or edited. A break is a result, not an error (and is logged as
// a warning); errors are the store's.
func (s *Service) Verify(ctx context.Context) (VerifyResult, error) {
	var res VerifyResult
	prevHash, after := audit.GenesisHash, int64(0)
	for {
		batch, err := s.log.AuditChain(ctx, after, verifyBatch)
		if err != nil {
			return VerifyResult{}, fmt.Errorf("verify audit chain after %d: %w", after, err)
		}
		if len(batch) == 0 {
			return res, nil
		}
		if b := audit.Verify(batch, prevHash, after+1); b != nil {
			for _, r := range batch {
				if r.Seq == b.Seq {
					break
				}
				res.Checked++
			}
			res.Break = b
			s.logger.WarnContext(ctx, "audit chain broken", "seq", b.Seq, "reason", b.Reason, "checked", res.Checked)
			return res, nil
		}
		last := batch[len(batch)-1]
		res.Checked += int64(len(batch))
		prevHash, after = last.Hash, last.Seq
	}
}
