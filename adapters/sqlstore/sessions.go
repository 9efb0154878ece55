package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/ports"
)

var _ ports.SessionStore = (*SessionStore)(nil)

// SessionStore keeps login sessions in the sessions table. It implements
// ports.SessionStore and takes part in the transaction of a ctx from
// DB.WithinTx.
type SessionStore struct {
	db *DB
}

// NewSessionStore returns a SessionStore on db, which must be migrated.
func NewSessionStore(db *DB) *SessionStore { return &SessionStore{db: db} }

type sessionRow struct {
	bun.BaseModel `bun:"table:sessions"`

	ID         string     `bun:"id,pk"`
	UserID     string     `bun:"user_id"`
	TokenHash  string     `bun:"token_hash"`
	IP         string     `bun:"ip"`
	UserAgent  string     `bun:"user_agent"`
	CreatedAt  time.Time  `bun:"created_at"`
	LastSeenAt time.Time  `bun:"last_seen_at"`
	ExpiresAt  time.Time  `bun:"expires_at"`
	RevokedAt  *time.Time `bun:"revoked_at"`
}

func (r *sessionRow) session() identity.Session {
	return identity.Session{
		ID:         r.ID,
		UserID:     r.UserID,
		TokenHash:  r.TokenHash,
		IP:         r.IP,
		UserAgent:  r.UserAgent,
		CreatedAt:  r.CreatedAt.UTC(),
		LastSeenAt: r.LastSeenAt.UTC(),
		ExpiresAt:  r.ExpiresAt.UTC(),
		RevokedAt:  utcPtr(r.RevokedAt),
	}
}

var errSessionNotFound = fault.New(fault.NotFound, "identity.session_not_found", "Session not found")

// CreateSession stores s. A duplicate id or token hash is fault.Conflict
// "identity.session_taken"; an unknown user fault.NotFound
// "identity.user_not_found".
func (s *SessionStore) CreateSession(ctx context.Context, sess identity.Session) error {
	if err := checkText(sess.ID, sess.UserID, sess.TokenHash, sess.IP, sess.UserAgent); err != nil {
		return err
	}
	row := sessionRow{
		ID:         sess.ID,
		UserID:     sess.UserID,
		TokenHash:  sess.TokenHash,
		IP:         sess.IP,
		UserAgent:  sess.UserAgent,
		CreatedAt:  dbTime(sess.CreatedAt),
		LastSeenAt: dbTime(sess.LastSeenAt),
		ExpiresAt:  dbTime(sess.ExpiresAt),
		RevokedAt:  dbTimePtr(sess.RevokedAt),
	}
	_, err := s.db.idb(ctx).NewInsert().Model(&row).Exec(ctx)
	if err == nil {
		return nil
	}
	switch class, _ := classify(err); class {
	case classUnique:
		return fault.Wrap(fmt.Errorf("create session: %w", err), fault.Conflict, "identity.session_taken", "The session already exists")
	case classForeignKey:
		return &fault.Error{Kind: fault.NotFound, Code: errUserNotFound.Code, Msg: errUserNotFound.Msg,
			Err: fmt.Errorf("create session: %w", err)}
	}
	return s.db.wrapErr(err, "create session")
}

// SessionByTokenHash returns the session, revoked or not; fault.NotFound
// when there is none.
func (s *SessionStore) SessionByTokenHash(ctx context.Context, hash string) (identity.Session, error) {
	if err := checkText(hash); err != nil {
		return identity.Session{}, err
	}
	var row sessionRow
	err := s.db.idb(ctx).NewSelect().Model(&row).Where("token_hash = ?", hash).Limit(1).Scan(ctx)
	if isNoRows(err) {
		return identity.Session{}, errSessionNotFound
	}
	if err != nil {
		return identity.Session{}, s.db.wrapErr(err, "load session")
	}
	return row.session(), nil
}

// TouchSession sets a session's last-seen time and, when ip is not empty,
// its address. Touching an unknown session is not an error.
func (s *SessionStore) TouchSession(ctx context.Context, id string, at time.Time, ip string) error {
	if err := checkText(id, ip); err != nil {
		return err
	}
	q := s.db.idb(ctx).NewUpdate().Model((*sessionRow)(nil)).Set("last_seen_at = ?", dbTime(at))
	if ip != "" {
		q = q.Set("ip = ?", ip)
	}
	if _, err := q.Where("id = ?", id).Exec(ctx); err != nil {
		return s.db.wrapErr(err, "touch session")
	}
	return nil
}

// RevokeSession marks one session revoked at at. A session already revoked
// keeps its first revocation time; an unknown one is not an error.
func (s *SessionStore) RevokeSession(ctx context.Context, id string, at time.Time) error {
	if err := checkText(id); err != nil {
		return err
	}
	_, err := s.db.idb(ctx).NewUpdate().Model((*sessionRow)(nil)).
		Set("revoked_at = ?", dbTime(at)).
		Where("id = ?", id).Where("revoked_at IS NULL").
		Exec(ctx)
	if err != nil {
		return s.db.wrapErr(err, "revoke session")
	}
	return nil
}

// RevokeUserSessions revokes userID's sessions that are active at at
// (unrevoked and unexpired), except exceptID, and returns how many.
func (s *SessionStore) RevokeUserSessions(ctx context.Context, userID, exceptID string, at time.Time) (int, error) {
	if err := checkText(userID, exceptID); err != nil {
		return 0, err
	}
	at = dbTime(at)
	q := s.db.idb(ctx).NewUpdate().Model((*sessionRow)(nil)).
		Set("revoked_at = ?", at).
		Where("user_id = ?", userID).Where("revoked_at IS NULL").Where("expires_at > ?", at)
	if exceptID != "" {
		q = q.Where("id <> ?", exceptID)
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return 0, s.db.wrapErr(err, "revoke user sessions")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, s.db.wrapErr(err, "revoke user sessions")
	}
	return int(n), nil
}

// ActiveSessions lists userID's unrevoked sessions that expire after now,
// the most recently seen first (ties by id).
func (s *SessionStore) ActiveSessions(ctx context.Context, userID string, now time.Time) ([]identity.Session, error) {
	if err := checkText(userID); err != nil {
		return nil, err
	}
	var rows []sessionRow
	err := s.db.idb(ctx).NewSelect().Model(&rows).
		Where("user_id = ?", userID).Where("revoked_at IS NULL").Where("expires_at > ?", dbTime(now)).
		OrderExpr("last_seen_at DESC, id ASC").
		Scan(ctx)
	if err != nil && !isNoRows(err) {
		return nil, s.db.wrapErr(err, "list sessions")
	}
	out := make([]identity.Session, len(rows))
	for i := range rows {
		out[i] = rows[i].session()
	}
	return out, nil
}
