// Package memstore is an in-memory identity store for the httpapi tests: a
// fake of ports.UserStore, ports.SessionStore and ports.Tx. It passes the
// porttest UserStore and SessionStore suites; its Tx has no rollback, so it
// does not run porttest.Tx. It is not a production adapter (no durability,
// one mutex) and is only imported by tests.
package memstore

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/ports"
)

var (
	_ ports.UserStore    = (*Store)(nil)
	_ ports.SessionStore = (*Store)(nil)
	_ ports.Tx           = (*Store)(nil)
)

// Store keeps users and sessions in maps.
type Store struct {
	mu       sync.Mutex
	users    map[string]identity.User
	sessions map[string]identity.Session // by id
}

// New returns an empty Store.
func New() *Store {
	return &Store{users: map[string]identity.User{}, sessions: map[string]identity.Session{}}
}

var errNotFound = fault.New(fault.NotFound, "not_found", "not found")

// WithinTx runs fn; the fake has no rollback.
func (s *Store) WithinTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return fn(ctx)
}

func (s *Store) conflict(u identity.User) error {
	for _, o := range s.users {
		if o.ID == u.ID {
			continue
		}
		if o.Email == u.Email {
			return fault.New(fault.Conflict, "identity.email_taken", "email taken")
		}
		if o.AccessCodeKey == u.AccessCodeKey || o.ReferralCode == u.ReferralCode {
			return fault.New(fault.Conflict, "identity.code_taken", "code taken")
		}
	}
	return nil
}

// CreateUser implements ports.UserStore.
func (s *Store) CreateUser(_ context.Context, u identity.User) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.users[u.ID]; ok {
		return fault.New(fault.Conflict, "identity.code_taken", "id taken")
	}
	if err := s.conflict(u); err != nil {
		return err
	}
	s.users[u.ID] = u
	return nil
}

func (s *Store) find(match func(identity.User) bool) (identity.User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.users {
		if match(u) {
			return u, nil
		}
	}
	return identity.User{}, errNotFound
}

// UserByID implements ports.UserStore.
func (s *Store) UserByID(_ context.Context, id string) (identity.User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	if !ok {
		return identity.User{}, errNotFound
	}
	return u, nil
}

// UserByEmail implements ports.UserStore.
func (s *Store) UserByEmail(_ context.Context, email string) (identity.User, error) {
	return s.find(func(u identity.User) bool { return u.Email == email })
}

// UserByAccessKey implements ports.UserStore.
func (s *Store) UserByAccessKey(_ context.Context, key string) (identity.User, error) {
	return s.find(func(u identity.User) bool { return u.AccessCodeKey == key })
}

// UserByReferralCode implements ports.UserStore.
func (s *Store) UserByReferralCode(_ context.Context, code string) (identity.User, error) {
	return s.find(func(u identity.User) bool { return u.ReferralCode == code })
}

// UpdateUser implements ports.UserStore.
func (s *Store) UpdateUser(_ context.Context, id string, fn func(*identity.User) error) (identity.User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	if !ok {
		return identity.User{}, errNotFound
	}
	if err := fn(&u); err != nil {
		return identity.User{}, err
	}
	if err := s.conflict(u); err != nil {
		return identity.User{}, err
	}
	s.users[id] = u
	return u, nil
}

// CreateSession implements ports.SessionStore.
func (s *Store) CreateSession(_ context.Context, sess identity.Session) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.sessions {
		if o.TokenHash == sess.TokenHash || o.ID == sess.ID {
			return fault.New(fault.Conflict, "identity.session_taken", "session exists")
		}
	}
	s.sessions[sess.ID] = sess
	return nil
}

// SessionByTokenHash implements ports.SessionStore.
func (s *Store) SessionByTokenHash(_ context.Context, hash string) (identity.Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.sessions {
		if o.TokenHash == hash {
			return o, nil
		}
	}
	return identity.Session{}, errNotFound
}

// TouchSession implements ports.SessionStore.
func (s *Store) TouchSession(_ context.Context, id string, at time.Time, ip string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.sessions[id]
	if !ok {
		return errNotFound
	}
	o.LastSeenAt = at
	if ip != "" {
		o.IP = ip
	}
	s.sessions[id] = o
	return nil
}

// RevokeSession implements ports.SessionStore.
func (s *Store) RevokeSession(_ context.Context, id string, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o, ok := s.sessions[id]; ok && o.RevokedAt == nil {
		o.RevokedAt = &at
		s.sessions[id] = o
	}
	return nil
}

// RevokeUserSessions implements ports.SessionStore.
func (s *Store) RevokeUserSessions(_ context.Context, userID, exceptID string, at time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for id, o := range s.sessions {
		if o.UserID == userID && id != exceptID && o.Active(at) {
			o.RevokedAt = &at
			s.sessions[id] = o
			n++
		}
	}
	return n, nil
}

// ActiveSessions implements ports.SessionStore.
func (s *Store) ActiveSessions(_ context.Context, userID string, now time.Time) ([]identity.Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []identity.Session
	for _, o := range s.sessions {
		if o.UserID == userID && o.Active(now) {
			out = append(out, o)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].LastSeenAt.Equal(out[j].LastSeenAt) {
			return out[i].LastSeenAt.After(out[j].LastSeenAt)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// SetStatus changes a user's status (a test helper standing in for the
// admin use case that does not exist yet).
func (s *Store) SetStatus(id string, st identity.Status) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[id]
	u.Status = st
	s.users[id] = u
}

// SetRole changes a user's role (test helper).
func (s *Store) SetRole(id string, r identity.Role) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[id]
	u.Role = r
	s.users[id] = u
}
