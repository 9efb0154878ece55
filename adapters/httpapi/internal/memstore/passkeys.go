package memstore

import (
	"bytes"
	"context"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/ports"
)

var (
	_ ports.PasskeyStore   = (*PasskeyStore)(nil)
	_ ports.ChallengeStore = (*ChallengeStore)(nil)
)

// PasskeyStore keeps passkeys in a map. It checks that users exist in the
// Store it was made with. It passes the porttest PasskeyStore suite.
type PasskeyStore struct {
	users *Store
	mu    sync.Mutex
	byID  map[string]identity.Passkey
}

// NewPasskeyStore returns an empty PasskeyStore for the users of users.
func NewPasskeyStore(users *Store) *PasskeyStore {
	return &PasskeyStore{users: users, byID: map[string]identity.Passkey{}}
}

func clonePasskey(p identity.Passkey) identity.Passkey {
	p.CredentialID = bytes.Clone(p.CredentialID)
	p.PublicKey = bytes.Clone(p.PublicKey)
	p.AAGUID = bytes.Clone(p.AAGUID)
	p.Transports = slices.Clone(p.Transports)
	if p.LastUsedAt != nil {
		t := *p.LastUsedAt
		p.LastUsedAt = &t
	}
	return p
}

var errPasskeyNotFound = fault.New(fault.NotFound, "identity.passkey_not_found", "Passkey not found")

// CreatePasskey implements ports.PasskeyStore.
func (s *PasskeyStore) CreatePasskey(ctx context.Context, p identity.Passkey) error {
	if _, err := s.users.UserByID(ctx, p.UserID); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.byID {
		if o.ID == p.ID || bytes.Equal(o.CredentialID, p.CredentialID) {
			return fault.New(fault.Conflict, "identity.passkey_taken", "passkey exists")
		}
	}
	s.byID[p.ID] = clonePasskey(p)
	return nil
}

// PasskeysByUser implements ports.PasskeyStore.
func (s *PasskeyStore) PasskeysByUser(_ context.Context, userID string) ([]identity.Passkey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []identity.Passkey{}
	for _, p := range s.byID {
		if p.UserID == userID {
			out = append(out, clonePasskey(p))
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

// PasskeyByCredentialID implements ports.PasskeyStore.
func (s *PasskeyStore) PasskeyByCredentialID(_ context.Context, credentialID []byte) (identity.Passkey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.byID {
		if bytes.Equal(p.CredentialID, credentialID) {
			return clonePasskey(p), nil
		}
	}
	return identity.Passkey{}, errPasskeyNotFound
}

// RecordPasskeyUse implements ports.PasskeyStore.
func (s *PasskeyStore) RecordPasskeyUse(_ context.Context, id string, from, to uint32, backupState bool, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.byID[id]
	if !ok {
		return errPasskeyNotFound
	}
	if p.SignCount != from {
		return fault.New(fault.Conflict, "identity.passkey_count_moved", "count moved")
	}
	p.SignCount, p.BackupState, p.LastUsedAt = to, backupState, &at
	s.byID[id] = p
	return nil
}

// DeletePasskey implements ports.PasskeyStore.
func (s *PasskeyStore) DeletePasskey(_ context.Context, userID, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.byID[id]
	if !ok || p.UserID != userID {
		return errPasskeyNotFound
	}
	delete(s.byID, id)
	return nil
}

// ChallengeStore keeps challenges in a map. It passes the porttest
// ChallengeStore suite.
type ChallengeStore struct {
	mu   sync.Mutex
	byID map[string]identity.Challenge
}

// NewChallengeStore returns an empty ChallengeStore.
func NewChallengeStore() *ChallengeStore {
	return &ChallengeStore{byID: map[string]identity.Challenge{}}
}

// PutChallenge implements ports.ChallengeStore.
func (s *ChallengeStore) PutChallenge(_ context.Context, c identity.Challenge) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.byID[c.ID]; ok {
		return fault.New(fault.Conflict, "identity.challenge_taken", "challenge exists")
	}
	c.Value = nil
	s.byID[c.ID] = c
	return nil
}

// TakeChallenge implements ports.ChallengeStore.
func (s *ChallengeStore) TakeChallenge(_ context.Context, id string) (identity.Challenge, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.byID[id]
	if !ok {
		return identity.Challenge{}, fault.New(fault.NotFound, "identity.challenge_not_found", "Challenge not found")
	}
	delete(s.byID, id)
	return c, nil
}

// PurgeChallenges implements ports.ChallengeStore.
func (s *ChallengeStore) PurgeChallenges(_ context.Context, now time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for id, c := range s.byID {
		if c.Expired(now) {
			delete(s.byID, id)
			n++
		}
	}
	return n, nil
}
