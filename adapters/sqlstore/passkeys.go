package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/ports"
)

var (
	_ ports.PasskeyStore   = (*PasskeyStore)(nil)
	_ ports.ChallengeStore = (*ChallengeStore)(nil)
)

// PasskeyStore keeps WebAuthn credentials in the webauthn_credentials
// table, indexed by the SHA-256 of the credential id (identity.CredentialKey)
// so every dialect has a fixed-width unique key. It implements
// ports.PasskeyStore and takes part in the transaction of a ctx from
// DB.WithinTx.
type PasskeyStore struct {
	db *DB
}

// NewPasskeyStore returns a PasskeyStore on db, which must be migrated.
func NewPasskeyStore(db *DB) *PasskeyStore { return &PasskeyStore{db: db} }

type passkeyRow struct {
	bun.BaseModel `bun:"table:webauthn_credentials"`

	ID                string     `bun:"id,pk"`
	UserID            string     `bun:"user_id"`
	CredentialKey     string     `bun:"credential_key"`
	CredentialID      []byte     `bun:"credential_id"`
	PublicKey         []byte     `bun:"public_key"`
	SignCount         int64      `bun:"sign_count"`
	AAGUID            []byte     `bun:"aaguid"`
	Transports        string     `bun:"transports"`
	BackupEligible    bool       `bun:"backup_eligible"`
	BackupState       bool       `bun:"backup_state"`
	AttestationFormat string     `bun:"attestation_format"`
	Name              string     `bun:"name"`
	CreatedAt         time.Time  `bun:"created_at"`
	LastUsedAt        *time.Time `bun:"last_used_at"`
}

func (r *passkeyRow) passkey() identity.Passkey {
	var transports []string
	if r.Transports != "" {
		transports = strings.Split(r.Transports, ",")
	}
	var aaguid []byte
	if len(r.AAGUID) > 0 {
		aaguid = r.AAGUID
	}
	return identity.Passkey{
		ID:                r.ID,
		UserID:            r.UserID,
		CredentialID:      r.CredentialID,
		PublicKey:         r.PublicKey,
		SignCount:         uint32(r.SignCount),
		AAGUID:            aaguid,
		Transports:        transports,
		BackupEligible:    r.BackupEligible,
		BackupState:       r.BackupState,
		AttestationFormat: r.AttestationFormat,
		Name:              r.Name,
		CreatedAt:         r.CreatedAt.UTC(),
		LastUsedAt:        utcPtr(r.LastUsedAt),
	}
}

var (
	errPasskeyNotFound   = fault.New(fault.NotFound, "identity.passkey_not_found", "Passkey not found")
	errChallengeNotFound = fault.New(fault.NotFound, "identity.challenge_not_found", "Challenge not found")
)

// codePasskeyTaken is the Conflict code of ports.PasskeyStore.
const codePasskeyTaken = "identity.passkey_taken"

// CreatePasskey stores p. A registered credential id or a taken id is
// fault.Conflict "identity.passkey_taken"; an unknown user fault.NotFound;
// an empty or over-long credential id, or a transport holding a comma,
// fault.Invalid.
func (s *PasskeyStore) CreatePasskey(ctx context.Context, p identity.Passkey) error {
	if err := checkText(append([]string{p.ID, p.UserID, p.AttestationFormat, p.Name}, p.Transports...)...); err != nil {
		return err
	}
	if len(p.CredentialID) == 0 || len(p.CredentialID) > identity.MaxCredentialIDLen {
		return fault.Field("credential", "identity.credential_id_invalid", "The credential id must be 1 to 1023 bytes")
	}
	for _, t := range p.Transports {
		if t == "" || strings.Contains(t, ",") {
			return fault.Field("credential", "identity.transport_invalid", "A credential transport is not valid")
		}
	}
	row := passkeyRow{
		ID:                p.ID,
		UserID:            p.UserID,
		CredentialKey:     identity.CredentialKey(p.CredentialID),
		CredentialID:      p.CredentialID,
		PublicKey:         p.PublicKey,
		SignCount:         int64(p.SignCount),
		AAGUID:            p.AAGUID,
		Transports:        strings.Join(p.Transports, ","),
		BackupEligible:    p.BackupEligible,
		BackupState:       p.BackupState,
		AttestationFormat: p.AttestationFormat,
		Name:              p.Name,
		CreatedAt:         dbTime(p.CreatedAt),
		LastUsedAt:        dbTimePtr(p.LastUsedAt),
	}
	if row.PublicKey == nil {
		row.PublicKey = []byte{}
	}
	_, err := s.db.idb(ctx).NewInsert().Model(&row).Exec(ctx)
	if err == nil {
		return nil
	}
	switch class, _ := classify(err); class {
	case classUnique:
		return fault.Wrap(fmt.Errorf("create passkey: %w", err), fault.Conflict, codePasskeyTaken, "This passkey is already registered")
	case classForeignKey:
		return &fault.Error{Kind: fault.NotFound, Code: errUserNotFound.Code, Msg: errUserNotFound.Msg,
			Err: fmt.Errorf("create passkey: %w", err)}
	}
	return s.db.wrapErr(err, "create passkey")
}

// PasskeysByUser lists userID's passkeys, oldest first (ties by id).
func (s *PasskeyStore) PasskeysByUser(ctx context.Context, userID string) ([]identity.Passkey, error) {
	if err := checkText(userID); err != nil {
		return nil, err
	}
	var rows []passkeyRow
	err := s.db.idb(ctx).NewSelect().Model(&rows).
		Where("user_id = ?", userID).
		OrderExpr("created_at ASC, id ASC").
		Scan(ctx)
	if err != nil && !isNoRows(err) {
		return nil, s.db.wrapErr(err, "list passkeys")
	}
	out := make([]identity.Passkey, len(rows))
	for i := range rows {
		out[i] = rows[i].passkey()
	}
	return out, nil
}

// PasskeyByCredentialID returns the passkey with that credential id;
// fault.NotFound when there is none.
func (s *PasskeyStore) PasskeyByCredentialID(ctx context.Context, credentialID []byte) (identity.Passkey, error) {
	var row passkeyRow
	err := s.db.idb(ctx).NewSelect().Model(&row).
		Where("credential_key = ?", identity.CredentialKey(credentialID)).
		Limit(1).Scan(ctx)
	if isNoRows(err) {
		return identity.Passkey{}, errPasskeyNotFound
	}
	if err != nil {
		return identity.Passkey{}, s.db.wrapErr(err, "load passkey")
	}
	return row.passkey(), nil
}

// RecordPasskeyUse sets the sign count, backup state and last-used time of
// passkey id if its sign count is still from. A count that moved is
// fault.Conflict; an unknown passkey fault.NotFound.
func (s *PasskeyStore) RecordPasskeyUse(ctx context.Context, id string, from, to uint32, backupState bool, at time.Time) error {
	if err := checkText(id); err != nil {
		return err
	}
	res, err := s.db.idb(ctx).NewUpdate().Model((*passkeyRow)(nil)).
		Set("sign_count = ?", int64(to)).
		Set("backup_state = ?", backupState).
		Set("last_used_at = ?", dbTime(at)).
		Where("id = ?", id).Where("sign_count = ?", int64(from)).
		Exec(ctx)
	if err != nil {
		return s.db.wrapErr(err, "record passkey use")
	}
	if n, err := res.RowsAffected(); err != nil {
		return s.db.wrapErr(err, "record passkey use")
	} else if n == 1 {
		return nil
	}
	// No row changed: the passkey is gone, its count moved, or (MySQL counts
	// changed rows, not matched ones) it already held these values.
	var row passkeyRow
	err = s.db.idb(ctx).NewSelect().Model(&row).Column("sign_count").Where("id = ?", id).Scan(ctx)
	if isNoRows(err) {
		return errPasskeyNotFound
	}
	if err != nil {
		return s.db.wrapErr(err, "record passkey use")
	}
	if row.SignCount == int64(to) && from == to {
		return nil
	}
	return fault.New(fault.Conflict, "identity.passkey_count_moved", "The passkey was used concurrently")
}

// DeletePasskey removes passkey id if it belongs to userID; otherwise
// fault.NotFound.
func (s *PasskeyStore) DeletePasskey(ctx context.Context, userID, id string) error {
	if err := checkText(userID, id); err != nil {
		return err
	}
	res, err := s.db.idb(ctx).NewDelete().Model((*passkeyRow)(nil)).
		Where("id = ?", id).Where("user_id = ?", userID).
		Exec(ctx)
	if err != nil {
		return s.db.wrapErr(err, "delete passkey")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return s.db.wrapErr(err, "delete passkey")
	}
	if n == 0 {
		return errPasskeyNotFound
	}
	return nil
}

// ChallengeStore keeps pending WebAuthn challenges in the
// webauthn_challenges table, by the hash of their value. It implements
// ports.ChallengeStore.
type ChallengeStore struct {
	db *DB
}

// NewChallengeStore returns a ChallengeStore on db, which must be migrated.
func NewChallengeStore(db *DB) *ChallengeStore { return &ChallengeStore{db: db} }

type challengeRow struct {
	bun.BaseModel `bun:"table:webauthn_challenges"`

	ID        string    `bun:"id,pk"`
	Purpose   string    `bun:"purpose"`
	UserID    string    `bun:"user_id"`
	CreatedAt time.Time `bun:"created_at"`
	ExpiresAt time.Time `bun:"expires_at"`
}

// PutChallenge stores c without its value. A duplicate id is
// fault.Conflict.
func (s *ChallengeStore) PutChallenge(ctx context.Context, c identity.Challenge) error {
	if err := checkText(c.ID, string(c.Purpose), c.UserID); err != nil {
		return err
	}
	row := challengeRow{ID: c.ID, Purpose: string(c.Purpose), UserID: c.UserID, CreatedAt: dbTime(c.CreatedAt), ExpiresAt: dbTime(c.ExpiresAt)}
	_, err := s.db.idb(ctx).NewInsert().Model(&row).Exec(ctx)
	if err == nil {
		return nil
	}
	if class, _ := classify(err); class == classUnique {
		return fault.Wrap(fmt.Errorf("put challenge: %w", err), fault.Conflict, "identity.challenge_taken", "The challenge already exists")
	}
	return s.db.wrapErr(err, "put challenge")
}

// TakeChallenge deletes the challenge id and returns it. Only the caller
// whose DELETE removed the row gets it; the others, and an unknown id, get
// fault.NotFound.
func (s *ChallengeStore) TakeChallenge(ctx context.Context, id string) (identity.Challenge, error) {
	if err := checkText(id); err != nil {
		return identity.Challenge{}, err
	}
	idb := s.db.idb(ctx)
	var row challengeRow
	err := idb.NewSelect().Model(&row).Where("id = ?", id).Limit(1).Scan(ctx)
	if isNoRows(err) {
		return identity.Challenge{}, errChallengeNotFound
	}
	if err != nil {
		return identity.Challenge{}, s.db.wrapErr(err, "load challenge")
	}
	res, err := idb.NewDelete().Model((*challengeRow)(nil)).Where("id = ?", id).Exec(ctx)
	if err != nil {
		return identity.Challenge{}, s.db.wrapErr(err, "take challenge")
	}
	if n, err := res.RowsAffected(); err != nil {
		return identity.Challenge{}, s.db.wrapErr(err, "take challenge")
	} else if n != 1 {
		return identity.Challenge{}, errChallengeNotFound // another caller took it first
	}
	return identity.Challenge{
		ID:        row.ID,
		Purpose:   identity.ChallengePurpose(row.Purpose),
		UserID:    row.UserID,
		CreatedAt: row.CreatedAt.UTC(),
		ExpiresAt: row.ExpiresAt.UTC(),
	}, nil
}

// PurgeChallenges deletes challenges expiring at or before now and returns
// how many.
func (s *ChallengeStore) PurgeChallenges(ctx context.Context, now time.Time) (int, error) {
	res, err := s.db.idb(ctx).NewDelete().Model((*challengeRow)(nil)).
		Where("expires_at <= ?", dbTime(now)).Exec(ctx)
	if err != nil {
		return 0, s.db.wrapErr(err, "purge challenges")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, s.db.wrapErr(err, "purge challenges")
	}
	return int(n), nil
}
