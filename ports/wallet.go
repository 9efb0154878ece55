package ports

import (
	"context"
	"time"

	"github.com/kente-gov/kente/core/wallet"
)

// Conflict codes of the wallet stores.
const (
	// CodePassActiveExists: the programme's MPI id already has an active pass.
	CodePassActiveExists = "wallet.pass_active_exists"
	// CodePassTaken: the pass's id or pass id is taken (retry with new ones).
	CodePassTaken = "wallet.pass_taken"
	// CodePassRevoked: the pass is already revoked.
	CodePassRevoked = "wallet.pass_revoked"
	// CodeSigningKeyActiveExists: another signing key is already active.
	CodeSigningKeyActiveExists = "wallet.signing_key_active_exists"
)

// PassStore keeps wallet passes. At most one pass per (programme, MPI id)
// is unrevoked at any time, across every server instance: the store
// enforces it with a unique key (wallet.ActiveKey) cleared on revocation.
// Expiry is not stored; filters derive it from PassFilter.Now.
type PassStore interface {
	// CreatePass stores p, which must not be revoked. An unrevoked pass
	// already held by p's programme and MPI id is fault.Conflict
	// CodePassActiveExists; a taken ID or PassID fault.Conflict CodePassTaken.
	CreatePass(ctx context.Context, p wallet.Pass) error
	// ActivePassByMPI returns the programme's unrevoked pass of mpiID
	// (which may have expired); fault.NotFound when there is none.
	ActivePassByMPI(ctx context.Context, programme, mpiID string) (wallet.Pass, error)
	// PassByPassID returns the pass with that pass id, of any programme and
	// status; fault.NotFound when there is none.
	PassByPassID(ctx context.Context, passID string) (wallet.Pass, error)
	// ListPasses returns the passes matching f, newest first (created_at,
	// then id, descending), and how many match in all.
	ListPasses(ctx context.Context, f PassFilter) ([]wallet.Pass, int, error)
	// RevokePass revokes the programme's pass passID at at with reason and
	// returns it. Another programme's pass, or none, is fault.NotFound; a
	// revoked one fault.Conflict CodePassRevoked.
	RevokePass(ctx context.Context, programme, passID, reason string, at time.Time) (wallet.Pass, error)
	// CountPasses returns the programme's pass counts at now (Total, Active,
	// Revoked, Expired; DevicesRegistered is left zero).
	CountPasses(ctx context.Context, programme string, now time.Time) (wallet.Counts, error)
}

// PassFilter selects a programme's passes.
type PassFilter struct {
	Programme string        // required
	Status    wallet.Status // "" for every status
	Now       time.Time     // the moment active/expired are judged at
	// ChangedSince, when set, keeps passes whose UpdatedAt is at or after it.
	ChangedSince time.Time
	// ExcludeRevoked drops revoked passes (a device's first sync).
	ExcludeRevoked bool
	Limit          int // 1–500; the store applies 100 when zero
	Offset         int
}

// DeviceStore keeps the devices programmes register for sync.
type DeviceStore interface {
	// RegisterDevice stores d unless the programme already has a device
	// with d.Token; it returns the stored device and whether it was created
	// now. Concurrent registrations of one token store one device.
	RegisterDevice(ctx context.Context, d wallet.Device) (wallet.Device, bool, error)
	// DeviceByToken returns the programme's device with that token;
	// fault.NotFound when there is none.
	DeviceByToken(ctx context.Context, programme, token string) (wallet.Device, error)
	// ListDevices returns the programme's devices, oldest first (ties by id).
	ListDevices(ctx context.Context, programme string) ([]wallet.Device, error)
}

// SyncStore keeps device sync history.
type SyncStore interface {
	// RecordSync stores s and sets the device's last sync to s.SyncedAt,
	// atomically. An unknown device is fault.NotFound.
	RecordSync(ctx context.Context, s wallet.Sync) error
	// SyncHistory returns the programme's syncs, newest first, at most
	// limit (1–500; 100 when zero), and how many there are in all.
	SyncHistory(ctx context.Context, programme string, limit int) ([]wallet.Sync, int, error)
}

// StoredSigningKey is a signing key as stored: its private key sealed.
type StoredSigningKey struct {
	Key           wallet.SigningKey // Private is nil
	PrivateSealed string            // identity.SecretBox output
}

// SigningKeyStore keeps the Ed25519 pass-signing keys. At most one is
// active, across every server instance.
type SigningKeyStore interface {
	// CreateSigningKey stores k. An active k while another key is active is
	// fault.Conflict CodeSigningKeyActiveExists; a taken id fault.Conflict.
	CreateSigningKey(ctx context.Context, k StoredSigningKey) error
	// SigningKeys returns every key, oldest first (ties by id).
	SigningKeys(ctx context.Context) ([]StoredSigningKey, error)
	// RetireSigningKey marks key id retired at at. Retiring a retired key
	// keeps its first retirement time; an unknown key is fault.NotFound.
	RetireSigningKey(ctx context.Context, id string, at time.Time) error
}
