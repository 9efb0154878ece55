package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/wallet"
	"github.com/kente-gov/kente/ports"
)

var (
	_ ports.PassStore       = (*WalletStore)(nil)
	_ ports.DeviceStore     = (*WalletStore)(nil)
	_ ports.SyncStore       = (*WalletStore)(nil)
	_ ports.SigningKeyStore = (*WalletStore)(nil)
)

// WalletStore keeps Sovereign Wallet passes, devices, sync history and
// signing keys (tables wallet_passes, wallet_devices, wallet_syncs,
// wallet_signing_keys). It implements ports.PassStore, ports.DeviceStore,
// ports.SyncStore and ports.SigningKeyStore, and takes part in the
// transaction of a ctx from DB.WithinTx.
//
// One unrevoked pass per (programme, MPI id) is a unique index on the
// nullable active_key column ("{programme}|{mpi_id}" while unrevoked, NULL
// once revoked): every supported database lets any number of NULLs share a
// unique index, so the rule holds on SQLite, PostgreSQL and MariaDB alike.
// The one active signing key uses the same device (active_slot).
type WalletStore struct {
	db *DB
}

// NewWalletStore returns a WalletStore on db, which must be migrated.
func NewWalletStore(db *DB) *WalletStore { return &WalletStore{db: db} }

type passRow struct {
	bun.BaseModel `bun:"table:wallet_passes"`

	ID           string     `bun:"id,pk"`
	PassID       string     `bun:"pass_id"`
	Programme    string     `bun:"programme"`
	MPIID        string     `bun:"mpi_id"`
	HolderName   string     `bun:"holder_name"`
	HolderID     string     `bun:"holder_id"`
	CampaignID   string     `bun:"campaign_id"`
	CampaignName string     `bun:"campaign_name"`
	PassType     string     `bun:"pass_type"`
	QRPayload    string     `bun:"qr_payload"`
	QRSignature  string     `bun:"qr_signature"`
	SignatureEd  string     `bun:"signature_ed25519"`
	KeyID        string     `bun:"key_id"`
	IssuedAt     time.Time  `bun:"issued_at"`
	ExpiresAt    time.Time  `bun:"expires_at"`
	CreatedAt    time.Time  `bun:"created_at"`
	UpdatedAt    time.Time  `bun:"updated_at"`
	RevokedAt    *time.Time `bun:"revoked_at"`
	RevokeReason string     `bun:"revoke_reason"`
	ActiveKey    *string    `bun:"active_key"`
}

func (r *passRow) pass() wallet.Pass {
	return wallet.Pass{
		ID: r.ID, PassID: r.PassID, Programme: r.Programme, MPIID: r.MPIID,
		HolderName: r.HolderName, HolderID: r.HolderID, CampaignID: r.CampaignID, CampaignName: r.CampaignName,
		Type: wallet.PassType(r.PassType), QRPayload: r.QRPayload, QRSignature: r.QRSignature,
		SignatureEd: r.SignatureEd, KeyID: r.KeyID,
		IssuedAt: r.IssuedAt.UTC(), ExpiresAt: r.ExpiresAt.UTC(), CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
		RevokedAt: utcPtr(r.RevokedAt), RevokeReason: r.RevokeReason,
	}
}

var (
	errPassNotFound       = fault.New(fault.NotFound, "wallet.pass_not_found", "Pass not found")
	errDeviceNotFound     = fault.New(fault.NotFound, "wallet.device_not_found", "Device not found")
	errSigningKeyNotFound = fault.New(fault.NotFound, "wallet.signing_key_not_found", "Signing key not found")
	errPassRevoked        = fault.New(fault.Conflict, ports.CodePassRevoked, "The pass is already revoked")
)

// CreatePass stores p. An unrevoked pass of the same programme and MPI id
// is fault.Conflict ports.CodePassActiveExists; a taken id or pass id
// fault.Conflict ports.CodePassTaken. A revoked p is fault.Invalid.
func (s *WalletStore) CreatePass(ctx context.Context, p wallet.Pass) error {
	if err := checkText(p.ID, p.PassID, p.Programme, p.MPIID, p.HolderName, p.HolderID, p.CampaignID,
		p.CampaignName, string(p.Type), p.QRPayload, p.QRSignature, p.SignatureEd, p.KeyID); err != nil {
		return err
	}
	if p.RevokedAt != nil {
		return fault.New(fault.Invalid, "wallet.pass_invalid", "A new pass cannot be revoked")
	}
	key := wallet.ActiveKey(p.Programme, p.MPIID)
	row := passRow{
		ID: p.ID, PassID: p.PassID, Programme: p.Programme, MPIID: p.MPIID,
		HolderName: p.HolderName, HolderID: p.HolderID, CampaignID: p.CampaignID, CampaignName: p.CampaignName,
		PassType: string(p.Type), QRPayload: p.QRPayload, QRSignature: p.QRSignature, SignatureEd: p.SignatureEd, KeyID: p.KeyID,
		IssuedAt: dbTime(p.IssuedAt), ExpiresAt: dbTime(p.ExpiresAt), CreatedAt: dbTime(p.CreatedAt), UpdatedAt: dbTime(p.UpdatedAt),
		ActiveKey: &key,
	}
	_, err := s.db.idb(ctx).NewInsert().Model(&row).Exec(ctx)
	if err == nil {
		return nil
	}
	if class, constraint := classify(err); class == classUnique {
		// Which key clashed: PostgreSQL names the constraint (and a failed
		// statement there aborts the transaction, so nothing can be read
		// back); the others are asked, never parsed from message text.
		active := constraint == "wallet_passes_active_key_key"
		if constraint == "" {
			n, qerr := s.db.idb(ctx).NewSelect().Model((*passRow)(nil)).Where("active_key = ?", key).Count(ctx)
			active = qerr == nil && n > 0
		}
		if active {
			return fault.Wrap(fmt.Errorf("create pass: %w", err), fault.Conflict, ports.CodePassActiveExists, "This beneficiary already has an active pass")
		}
		return fault.Wrap(fmt.Errorf("create pass: %w", err), fault.Conflict, ports.CodePassTaken, "The pass id is taken")
	}
	return s.db.wrapErr(err, "create pass")
}

// ActivePassByMPI returns the programme's unrevoked pass of mpiID.
func (s *WalletStore) ActivePassByMPI(ctx context.Context, programme, mpiID string) (wallet.Pass, error) {
	if err := checkText(programme, mpiID); err != nil {
		return wallet.Pass{}, err
	}
	var row passRow
	err := s.db.idb(ctx).NewSelect().Model(&row).Where("active_key = ?", wallet.ActiveKey(programme, mpiID)).Limit(1).Scan(ctx)
	if isNoRows(err) {
		return wallet.Pass{}, errPassNotFound
	}
	if err != nil {
		return wallet.Pass{}, s.db.wrapErr(err, "load active pass")
	}
	return row.pass(), nil
}

// PassByPassID returns the pass with that pass id.
func (s *WalletStore) PassByPassID(ctx context.Context, passID string) (wallet.Pass, error) {
	if err := checkText(passID); err != nil {
		return wallet.Pass{}, err
	}
	var row passRow
	err := s.db.idb(ctx).NewSelect().Model(&row).Where("pass_id = ?", passID).Limit(1).Scan(ctx)
	if isNoRows(err) {
		return wallet.Pass{}, errPassNotFound
	}
	if err != nil {
		return wallet.Pass{}, s.db.wrapErr(err, "load pass")
	}
	return row.pass(), nil
}

// ListPasses returns the passes matching f, newest first, and the total.
func (s *WalletStore) ListPasses(ctx context.Context, f ports.PassFilter) ([]wallet.Pass, int, error) {
	if err := checkText(f.Programme); err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit == 0 {
		limit = 100
	}
	if limit < 1 || limit > 500 || f.Offset < 0 {
		return nil, 0, fault.Field("limit", "wallet.limit_invalid", "limit must be between 1 and 500 and offset at least 0")
	}
	now := dbTime(f.Now)
	var rows []passRow
	q := s.db.idb(ctx).NewSelect().Model(&rows).Where("programme = ?", f.Programme)
	switch f.Status {
	case "":
	case wallet.StatusActive:
		q = q.Where("revoked_at IS NULL").Where("expires_at > ?", now)
	case wallet.StatusExpired:
		q = q.Where("revoked_at IS NULL").Where("expires_at <= ?", now)
	case wallet.StatusRevoked:
		q = q.Where("revoked_at IS NOT NULL")
	default:
		return nil, 0, fault.Field("status", "wallet.status_invalid", "status must be active, revoked or expired")
	}
	if !f.ChangedSince.IsZero() {
		q = q.Where("updated_at >= ?", dbTime(f.ChangedSince))
	}
	if f.ExcludeRevoked {
		q = q.Where("revoked_at IS NULL")
	}
	total, err := q.OrderExpr("created_at DESC, id DESC").Limit(int64(limit)).Offset(int64(f.Offset)).ScanAndCount(ctx)
	if err != nil && !isNoRows(err) {
		return nil, 0, s.db.wrapErr(err, "list passes")
	}
	out := make([]wallet.Pass, len(rows))
	for i := range rows {
		out[i] = rows[i].pass()
	}
	return out, int(total), nil
}

// RevokePass revokes the programme's pass passID.
func (s *WalletStore) RevokePass(ctx context.Context, programme, passID, reason string, at time.Time) (wallet.Pass, error) {
	if err := checkText(programme, passID, reason); err != nil {
		return wallet.Pass{}, err
	}
	var out wallet.Pass
	err := s.db.WithinTx(ctx, func(ctx context.Context) error {
		at := dbTime(at)
		res, err := s.db.idb(ctx).NewUpdate().Model((*passRow)(nil)).
			Set("revoked_at = ?", at).Set("revoke_reason = ?", reason).
			Set("updated_at = ?", at).Set("active_key = NULL").
			Where("programme = ?", programme).Where("pass_id = ?", passID).Where("revoked_at IS NULL").
			Exec(ctx)
		if err != nil {
			return s.db.wrapErr(err, "revoke pass")
		}
		n, err := res.RowsAffected()
		if err != nil {
			return s.db.wrapErr(err, "revoke pass")
		}
		p, err := s.PassByPassID(ctx, passID)
		if err != nil || p.Programme != programme {
			return errPassNotFound
		}
		if n == 0 {
			return errPassRevoked
		}
		out = p
		return nil
	})
	return out, err
}

// CountPasses returns the programme's pass counts at now.
func (s *WalletStore) CountPasses(ctx context.Context, programme string, now time.Time) (wallet.Counts, error) {
	if err := checkText(programme); err != nil {
		return wallet.Counts{}, err
	}
	var c struct {
		Total   int `bun:"total"`
		Revoked int `bun:"revoked"`
		Expired int `bun:"expired"`
	}
	err := s.db.idb(ctx).NewSelect().Model((*passRow)(nil)).
		ColumnExpr("COUNT(*) AS total").
		ColumnExpr("COALESCE(SUM(CASE WHEN revoked_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS revoked").
		ColumnExpr("COALESCE(SUM(CASE WHEN revoked_at IS NULL AND expires_at <= ? THEN 1 ELSE 0 END), 0) AS expired", dbTime(now)).
		Where("programme = ?", programme).Scan(ctx, &c)
	if err != nil {
		return wallet.Counts{}, s.db.wrapErr(err, "count passes")
	}
	return wallet.Counts{Total: c.Total, Revoked: c.Revoked, Expired: c.Expired, Active: c.Total - c.Revoked - c.Expired}, nil
}

type deviceRow struct {
	bun.BaseModel `bun:"table:wallet_devices"`

	ID           string     `bun:"id,pk"`
	Programme    string     `bun:"programme"`
	DeviceToken  string     `bun:"device_token"`
	DeviceName   string     `bun:"device_name"`
	Platform     string     `bun:"platform"`
	SecretSealed string     `bun:"secret_sealed"`
	RegisteredAt time.Time  `bun:"registered_at"`
	LastSync     *time.Time `bun:"last_sync"`
}

func (r *deviceRow) device() wallet.Device {
	return wallet.Device{ID: r.ID, Programme: r.Programme, Token: r.DeviceToken, Name: r.DeviceName,
		Platform: wallet.Platform(r.Platform), SecretSealed: r.SecretSealed,
		RegisteredAt: r.RegisteredAt.UTC(), LastSync: utcPtr(r.LastSync)}
}

// RegisterDevice stores d unless the programme has a device with d.Token.
func (s *WalletStore) RegisterDevice(ctx context.Context, d wallet.Device) (wallet.Device, bool, error) {
	if err := checkText(d.ID, d.Programme, d.Token, d.Name, string(d.Platform), d.SecretSealed); err != nil {
		return wallet.Device{}, false, err
	}
	row := deviceRow{ID: d.ID, Programme: d.Programme, DeviceToken: d.Token, DeviceName: d.Name,
		Platform: string(d.Platform), SecretSealed: d.SecretSealed, RegisteredAt: dbTime(d.RegisteredAt), LastSync: dbTimePtr(d.LastSync)}
	// A savepoint-free check-then-insert: the unique key decides races, and
	// the loser reads the winner's row.
	existing, err := s.DeviceByToken(ctx, d.Programme, d.Token)
	if err == nil {
		return existing, false, nil
	}
	if !fault.Is(err, fault.NotFound) {
		return wallet.Device{}, false, err
	}
	_, err = s.db.idb(ctx).NewInsert().Model(&row).Exec(ctx)
	if err == nil {
		return row.device(), true, nil
	}
	if class, _ := classify(err); class == classUnique {
		existing, lerr := s.DeviceByToken(ctx, d.Programme, d.Token)
		if lerr == nil {
			return existing, false, nil
		}
		return wallet.Device{}, false, fault.Wrap(fmt.Errorf("register device: %w", err), fault.Conflict, "wallet.device_taken", "The device id is taken")
	}
	return wallet.Device{}, false, s.db.wrapErr(err, "register device")
}

// DeviceByToken returns the programme's device with that token.
func (s *WalletStore) DeviceByToken(ctx context.Context, programme, token string) (wallet.Device, error) {
	if err := checkText(programme, token); err != nil {
		return wallet.Device{}, err
	}
	var row deviceRow
	err := s.db.idb(ctx).NewSelect().Model(&row).Where("programme = ?", programme).Where("device_token = ?", token).Limit(1).Scan(ctx)
	if isNoRows(err) {
		return wallet.Device{}, errDeviceNotFound
	}
	if err != nil {
		return wallet.Device{}, s.db.wrapErr(err, "load device")
	}
	return row.device(), nil
}

// ListDevices returns the programme's devices, oldest first.
func (s *WalletStore) ListDevices(ctx context.Context, programme string) ([]wallet.Device, error) {
	if err := checkText(programme); err != nil {
		return nil, err
	}
	var rows []deviceRow
	err := s.db.idb(ctx).NewSelect().Model(&rows).Where("programme = ?", programme).OrderExpr("registered_at ASC, id ASC").Scan(ctx)
	if err != nil && !isNoRows(err) {
		return nil, s.db.wrapErr(err, "list devices")
	}
	out := make([]wallet.Device, len(rows))
	for i := range rows {
		out[i] = rows[i].device()
	}
	return out, nil
}

type syncRow struct {
	bun.BaseModel `bun:"table:wallet_syncs"`

	SyncToken    string    `bun:"sync_token,pk"`
	Programme    string    `bun:"programme"`
	DeviceToken  string    `bun:"device_token"`
	PassesSynced int       `bun:"passes_synced"`
	SyncedAt     time.Time `bun:"synced_at"`
}

// RecordSync stores sy and sets the device's last sync, atomically.
func (s *WalletStore) RecordSync(ctx context.Context, sy wallet.Sync) error {
	if err := checkText(sy.Token, sy.Programme, sy.DeviceToken); err != nil {
		return err
	}
	return s.db.WithinTx(ctx, func(ctx context.Context) error {
		at := dbTime(sy.SyncedAt)
		res, err := s.db.idb(ctx).NewUpdate().Model((*deviceRow)(nil)).Set("last_sync = ?", at).
			Where("programme = ?", sy.Programme).Where("device_token = ?", sy.DeviceToken).Exec(ctx)
		if err != nil {
			return s.db.wrapErr(err, "record sync")
		}
		if n, err := res.RowsAffected(); err != nil {
			return s.db.wrapErr(err, "record sync")
		} else if n == 0 {
			// MySQL counts changed rows: an unchanged last_sync is 0 too.
			if _, err := s.DeviceByToken(ctx, sy.Programme, sy.DeviceToken); err != nil {
				return err
			}
		}
		row := syncRow{SyncToken: sy.Token, Programme: sy.Programme, DeviceToken: sy.DeviceToken, PassesSynced: sy.PassesSynced, SyncedAt: at}
		if _, err := s.db.idb(ctx).NewInsert().Model(&row).Exec(ctx); err != nil {
			if class, _ := classify(err); class == classUnique {
				return fault.Wrap(fmt.Errorf("record sync: %w", err), fault.Conflict, "wallet.sync_taken", "The sync token is taken")
			}
			return s.db.wrapErr(err, "record sync")
		}
		return nil
	})
}

// SyncHistory returns the programme's syncs, newest first, and the total.
func (s *WalletStore) SyncHistory(ctx context.Context, programme string, limit int) ([]wallet.Sync, int, error) {
	if err := checkText(programme); err != nil {
		return nil, 0, err
	}
	if limit == 0 {
		limit = 100
	}
	if limit < 1 || limit > 500 {
		return nil, 0, fault.Field("limit", "wallet.limit_invalid", "limit must be between 1 and 500")
	}
	var rows []syncRow
	total, err := s.db.idb(ctx).NewSelect().Model(&rows).Where("programme = ?", programme).
		OrderExpr("synced_at DESC, sync_token DESC").Limit(int64(limit)).ScanAndCount(ctx)
	if err != nil && !isNoRows(err) {
		return nil, 0, s.db.wrapErr(err, "sync history")
	}
	out := make([]wallet.Sync, len(rows))
	for i, r := range rows {
		out[i] = wallet.Sync{Token: r.SyncToken, Programme: r.Programme, DeviceToken: r.DeviceToken, PassesSynced: r.PassesSynced, SyncedAt: r.SyncedAt.UTC()}
	}
	return out, int(total), nil
}

type signingKeyRow struct {
	bun.BaseModel `bun:"table:wallet_signing_keys"`

	ID            string     `bun:"id,pk"`
	Algorithm     string     `bun:"algorithm"`
	PublicKey     []byte     `bun:"public_key"`
	PrivateSealed string     `bun:"private_sealed"`
	Status        string     `bun:"status"`
	ActiveSlot    *string    `bun:"active_slot"`
	CreatedAt     time.Time  `bun:"created_at"`
	RetiredAt     *time.Time `bun:"retired_at"`
}

const activeSlot = "active"

// CreateSigningKey stores k.
func (s *WalletStore) CreateSigningKey(ctx context.Context, k ports.StoredSigningKey) error {
	if err := checkText(k.Key.ID, string(k.Key.Status), k.PrivateSealed); err != nil {
		return err
	}
	row := signingKeyRow{ID: k.Key.ID, Algorithm: "ed25519", PublicKey: k.Key.Public, PrivateSealed: k.PrivateSealed,
		Status: string(k.Key.Status), CreatedAt: dbTime(k.Key.CreatedAt), RetiredAt: dbTimePtr(k.Key.RetiredAt)}
	if k.Key.Status == wallet.KeyActive {
		slot := activeSlot
		row.ActiveSlot = &slot
	}
	_, err := s.db.idb(ctx).NewInsert().Model(&row).Exec(ctx)
	if err == nil {
		return nil
	}
	if class, constraint := classify(err); class == classUnique {
		if k.Key.Status == wallet.KeyActive {
			active := constraint == "wallet_signing_keys_active_slot_key"
			if constraint == "" {
				n, qerr := s.db.idb(ctx).NewSelect().Model((*signingKeyRow)(nil)).Where("active_slot = ?", activeSlot).Count(ctx)
				active = qerr == nil && n > 0
			}
			if active {
				return fault.Wrap(fmt.Errorf("create signing key: %w", err), fault.Conflict, ports.CodeSigningKeyActiveExists, "Another signing key is active")
			}
		}
		return fault.Wrap(fmt.Errorf("create signing key: %w", err), fault.Conflict, "wallet.signing_key_taken", "The signing key exists")
	}
	return s.db.wrapErr(err, "create signing key")
}

// SigningKeys returns every key, oldest first.
func (s *WalletStore) SigningKeys(ctx context.Context) ([]ports.StoredSigningKey, error) {
	var rows []signingKeyRow
	err := s.db.idb(ctx).NewSelect().Model(&rows).OrderExpr("created_at ASC, id ASC").Scan(ctx)
	if err != nil && !isNoRows(err) {
		return nil, s.db.wrapErr(err, "list signing keys")
	}
	out := make([]ports.StoredSigningKey, len(rows))
	for i, r := range rows {
		out[i] = ports.StoredSigningKey{PrivateSealed: r.PrivateSealed, Key: wallet.SigningKey{
			ID: r.ID, Public: r.PublicKey, Status: wallet.KeyStatus(r.Status),
			CreatedAt: r.CreatedAt.UTC(), RetiredAt: utcPtr(r.RetiredAt)}}
	}
	return out, nil
}

// RetireSigningKey marks key id retired at at.
func (s *WalletStore) RetireSigningKey(ctx context.Context, id string, at time.Time) error {
	if err := checkText(id); err != nil {
		return err
	}
	_, err := s.db.idb(ctx).NewUpdate().Model((*signingKeyRow)(nil)).
		Set("status = ?", string(wallet.KeyRetired)).Set("active_slot = NULL").Set("retired_at = ?", dbTime(at)).
		Where("id = ?", id).Where("retired_at IS NULL").Exec(ctx)
	if err != nil {
		return s.db.wrapErr(err, "retire signing key")
	}
	n, err := s.db.idb(ctx).NewSelect().Model((*signingKeyRow)(nil)).Where("id = ?", id).Count(ctx)
	if err != nil {
		return s.db.wrapErr(err, "retire signing key")
	}
	if n == 0 {
		return errSigningKeyNotFound
	}
	return nil
}
