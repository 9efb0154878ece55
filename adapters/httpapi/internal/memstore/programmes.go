package memstore

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/programme"
	"github.com/kente-gov/kente/ports"
)

var (
	_ ports.ProgrammeStore     = (*Programmes)(nil)
	_ ports.ProgrammeUserStore = (*Programmes)(nil)
	_ ports.RefreshTokenStore  = (*Programmes)(nil)
	_ ports.ModuleChecker      = (*Programmes)(nil)
)

// Programmes is an in-memory fake of the Oomus account ports
// (ports.ProgrammeStore, ProgrammeUserStore, RefreshTokenStore and
// ModuleChecker) for the httpapi tests. It passes their porttest suites.
type Programmes struct {
	mu       sync.Mutex
	progs    map[string]programme.Programme
	users    map[string]programme.User
	sessions map[string]programme.Session
	tokens   map[string]programme.RefreshToken
	modules  map[[2]string]string // (programme, key) → status
}

// NewProgrammes returns an empty Programmes.
func NewProgrammes() *Programmes {
	return &Programmes{progs: map[string]programme.Programme{}, users: map[string]programme.User{},
		sessions: map[string]programme.Session{}, tokens: map[string]programme.RefreshToken{}, modules: map[[2]string]string{}}
}

var (
	errProgNotFound  = fault.New(fault.NotFound, "programme.not_found", "Programme not found")
	errPUserNotFound = fault.New(fault.NotFound, "programme.user_not_found", "User not found")
	errEmailTaken    = fault.New(fault.Conflict, "programme.email_taken", "email taken").WithField("email")
)

// CreateProgramme implements ports.ProgrammeStore.
func (s *Programmes) CreateProgramme(_ context.Context, p programme.Programme) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.progs[p.ID]; ok {
		return fault.New(fault.Conflict, "programme.id_taken", "id taken")
	}
	s.progs[p.ID] = p
	return nil
}

// ProgrammeByID implements ports.ProgrammeStore.
func (s *Programmes) ProgrammeByID(_ context.Context, id string) (programme.Programme, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.progs[id]
	if !ok {
		return programme.Programme{}, errProgNotFound
	}
	return p, nil
}

// UpdateProgramme implements ports.ProgrammeStore.
func (s *Programmes) UpdateProgramme(_ context.Context, id string, fn func(*programme.Programme) error) (programme.Programme, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.progs[id]
	if !ok {
		return programme.Programme{}, errProgNotFound
	}
	next := p
	if err := fn(&next); err != nil {
		return programme.Programme{}, err
	}
	next.ID, next.BalanceFCFA = id, p.BalanceFCFA
	s.progs[id] = next
	return next, nil
}

// ListProgrammes implements ports.ProgrammeStore.
func (s *Programmes) ListProgrammes(_ context.Context, limit, offset int) ([]programme.Programme, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	all := make([]programme.Programme, 0, len(s.progs))
	for _, p := range s.progs {
		all = append(all, p)
	}
	sort.Slice(all, func(i, j int) bool {
		if !all[i].CreatedAt.Equal(all[j].CreatedAt) {
			return all[i].CreatedAt.After(all[j].CreatedAt)
		}
		return all[i].ID > all[j].ID
	})
	limit, offset = min(max(limit, 1), 500), max(offset, 0)
	if offset >= len(all) {
		return []programme.Programme{}, len(all), nil
	}
	return append([]programme.Programme(nil), all[offset:min(offset+limit, len(all))]...), len(all), nil
}

// DeleteProgramme implements ports.ProgrammeStore, cascading to users,
// sessions, refresh tokens and modules.
func (s *Programmes) DeleteProgramme(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.progs[id]; !ok {
		return errProgNotFound
	}
	delete(s.progs, id)
	for uid, u := range s.users {
		if u.ProgrammeID == id {
			delete(s.users, uid)
		}
	}
	for sid, ss := range s.sessions {
		if ss.ProgrammeID == id {
			delete(s.sessions, sid)
		}
	}
	for h, t := range s.tokens {
		if _, ok := s.sessions[t.SessionID]; !ok {
			delete(s.tokens, h)
		}
	}
	for k := range s.modules {
		if k[0] == id {
			delete(s.modules, k)
		}
	}
	return nil
}

func (s *Programmes) emailTaken(u programme.User) bool {
	for _, o := range s.users {
		if o.ID != u.ID && o.Email == u.Email {
			return true
		}
	}
	return false
}

// CreateProgrammeUser implements ports.ProgrammeUserStore.
func (s *Programmes) CreateProgrammeUser(_ context.Context, u programme.User) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.progs[u.ProgrammeID]; !ok {
		return errProgNotFound
	}
	if _, ok := s.users[u.ID]; ok {
		return fault.New(fault.Conflict, "programme.id_taken", "id taken")
	}
	if s.emailTaken(u) {
		return errEmailTaken
	}
	s.users[u.ID] = u
	return nil
}

// ProgrammeUserByID implements ports.ProgrammeUserStore.
func (s *Programmes) ProgrammeUserByID(_ context.Context, id string) (programme.User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	if !ok {
		return programme.User{}, errPUserNotFound
	}
	return u, nil
}

// ProgrammeUserByEmail implements ports.ProgrammeUserStore.
func (s *Programmes) ProgrammeUserByEmail(_ context.Context, email string) (programme.User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.users {
		if u.Email == email {
			return u, nil
		}
	}
	return programme.User{}, errPUserNotFound
}

// ProgrammeUsers implements ports.ProgrammeUserStore.
func (s *Programmes) ProgrammeUsers(_ context.Context, programmeID string) ([]programme.User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []programme.User{}
	for _, u := range s.users {
		if u.ProgrammeID == programmeID {
			out = append(out, u)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.Before(out[j].CreatedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// UpdateProgrammeUser implements ports.ProgrammeUserStore.
func (s *Programmes) UpdateProgrammeUser(_ context.Context, id string, fn func(*programme.User) error) (programme.User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	if !ok {
		return programme.User{}, errPUserNotFound
	}
	next := u
	if err := fn(&next); err != nil {
		return programme.User{}, err
	}
	next.ID, next.ProgrammeID = id, u.ProgrammeID
	if s.emailTaken(next) {
		return programme.User{}, errEmailTaken
	}
	s.users[id] = next
	return next, nil
}

// CreateProgrammeSession implements ports.RefreshTokenStore.
func (s *Programmes) CreateProgrammeSession(_ context.Context, ss programme.Session) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.sessions[ss.ID]; ok {
		return fault.New(fault.Conflict, "programme.session_taken", "session taken")
	}
	if _, ok := s.users[ss.UserID]; !ok {
		return errPUserNotFound
	}
	s.sessions[ss.ID] = ss
	return nil
}

// ProgrammeSession implements ports.RefreshTokenStore.
func (s *Programmes) ProgrammeSession(_ context.Context, id string) (programme.Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, ok := s.sessions[id]
	if !ok {
		return programme.Session{}, fault.New(fault.NotFound, "programme.session_not_found", "Session not found")
	}
	return ss, nil
}

// RevokeProgrammeSessions implements ports.RefreshTokenStore.
func (s *Programmes) RevokeProgrammeSessions(_ context.Context, userID, sessionID string, at time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for id, ss := range s.sessions {
		if ss.UserID != userID || ss.RevokedAt != nil || (sessionID != "" && id != sessionID) {
			continue
		}
		t := at
		ss.RevokedAt = &t
		s.sessions[id] = ss
		n++
	}
	return n, nil
}

// AddRefreshToken implements ports.RefreshTokenStore.
func (s *Programmes) AddRefreshToken(_ context.Context, t programme.RefreshToken) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.sessions[t.SessionID]; !ok {
		return fault.New(fault.NotFound, "programme.session_not_found", "Session not found")
	}
	if _, ok := s.tokens[t.Hash]; ok {
		return fault.New(fault.Conflict, "programme.refresh_taken", "token taken")
	}
	s.tokens[t.Hash] = t
	return nil
}

// UseRefreshToken implements ports.RefreshTokenStore.
func (s *Programmes) UseRefreshToken(_ context.Context, hash string, at time.Time) (programme.RefreshToken, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[hash]
	if !ok {
		return programme.RefreshToken{}, fault.New(fault.NotFound, "programme.refresh_not_found", "Refresh token not found")
	}
	if t.UsedAt != nil {
		return t, fault.New(fault.Conflict, "programme.refresh_reused", "This refresh token was already used")
	}
	used := t
	u := at
	used.UsedAt = &u
	s.tokens[hash] = used
	return t, nil
}

// SetModule sets a module row's status, as the billing context would.
func (s *Programmes) SetModule(programmeID, key, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.modules[[2]string{programmeID, key}] = status
}

// ModuleActive implements ports.ModuleChecker with programme.ModuleOn: a
// row set by SetModule is a bought add-on or an explicit switch-off; with
// none, the programme's plan decides.
func (s *Programmes) ModuleActive(_ context.Context, programmeID, key string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.progs[programmeID]
	if !ok {
		return false, nil
	}
	st, ok := s.modules[[2]string{programmeID, key}]
	if !ok {
		return programme.ModuleOn(p.Plan, key, nil), nil
	}
	return programme.ModuleOn(p.Plan, key, &programme.ModuleState{Key: key, Status: st}), nil
}
