package walletsvc

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kente-gov/kente/core/audit"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/wallet"
	"github.com/kente-gov/kente/core/wallet/offline"
	"github.com/kente-gov/kente/ports"
)

// DeviceInput is the body of POST /wallet/device/register.
type DeviceInput struct {
	DeviceToken string
	DeviceName  string
	Platform    string // android, ios, web; "" allowed
}

// Registered is the result of RegisterDevice. Secret is the device secret,
// set only when the device was created by this call (shown once).
type Registered struct {
	Device  wallet.Device
	Secret  string
	Created bool
}

func checkDeviceToken(token string) error {
	if token == "" {
		return fault.Field("device_token", "wallet.device_token_required", "device_token is required")
	}
	return checkLen("device_token", token, wallet.MaxDeviceTokenLen, true)
}

// RegisterDevice registers a device of the programme, idempotent on its
// token: the first call creates it and returns its secret; later calls
// return the device without a secret.
func (s *Service) RegisterDevice(ctx context.Context, programme string, in DeviceInput) (Registered, error) {
	if err := s.checkProgramme(programme); err != nil {
		return Registered{}, err
	}
	if err := checkDeviceToken(in.DeviceToken); err != nil {
		return Registered{}, err
	}
	if err := checkLen("device_name", in.DeviceName, wallet.MaxDeviceNameLen, false); err != nil {
		return Registered{}, err
	}
	var platform wallet.Platform
	if in.Platform != "" {
		var ok bool
		if platform, ok = wallet.ParsePlatform(in.Platform); !ok {
			return Registered{}, fault.Field("platform", "wallet.platform_invalid", "platform must be android, ios or web")
		}
	}
	id, err := wallet.NewUUID(s.rand)
	if err != nil {
		return Registered{}, err
	}
	secret, err := wallet.NewDeviceSecret(s.rand)
	if err != nil {
		return Registered{}, err
	}
	sealed, err := s.devBox.Seal(s.rand, secret)
	if err != nil {
		return Registered{}, err
	}
	d, created, err := s.st.Devices.RegisterDevice(ctx, wallet.Device{ID: id, Programme: programme, Token: in.DeviceToken,
		Name: strings.TrimSpace(in.DeviceName), Platform: platform, SecretSealed: sealed, RegisteredAt: s.clock.Now()})
	if err != nil {
		return Registered{}, fmt.Errorf("register device: %w", err)
	}
	out := Registered{Device: d, Created: created}
	if created {
		out.Secret = secret
	}
	return out, nil
}

// Devices lists the programme's devices, oldest first.
func (s *Service) Devices(ctx context.Context, programme string) ([]wallet.Device, error) {
	if err := s.checkProgramme(programme); err != nil {
		return nil, err
	}
	return s.st.Devices.ListDevices(ctx, programme)
}

func (s *Service) device(ctx context.Context, programme, token string) (wallet.Device, error) {
	if err := checkDeviceToken(token); err != nil {
		return wallet.Device{}, err
	}
	d, err := s.st.Devices.DeviceByToken(ctx, programme, token)
	if fault.Is(err, fault.NotFound) {
		return wallet.Device{}, errDeviceUnknown.WithField("device_token")
	}
	return d, err
}

// BundleOut is the result of Bundle.
type BundleOut struct {
	PassID string
	Bundle wallet.Bundle
}

// Bundle returns the programme's pass passID as an offline bundle for the
// device with deviceToken, under algo ("" or xchacha20poly1305, or
// xor-sha256). The key is wallet.BundleKey(device secret, pass id); the
// bundle expires with the pass. A revoked or expired pass is refused
// (fault.Conflict "wallet.pass_not_active").
func (s *Service) Bundle(ctx context.Context, programme, passID, deviceToken, algo string) (BundleOut, error) {
	if err := s.checkProgramme(programme); err != nil {
		return BundleOut{}, err
	}
	a, ok := wallet.ParseAlgo(algo)
	if !ok {
		return BundleOut{}, fault.Field("algo", "wallet.algo_invalid", "algo must be xchacha20poly1305 or xor-sha256")
	}
	d, err := s.device(ctx, programme, deviceToken)
	if err != nil {
		return BundleOut{}, err
	}
	if !offline.ValidPassID(passID) {
		return BundleOut{}, errPassNotFound
	}
	p, err := s.st.Passes.PassByPassID(ctx, passID)
	if fault.Is(err, fault.NotFound) || err == nil && p.Programme != programme {
		return BundleOut{}, errPassNotFound
	}
	if err != nil {
		return BundleOut{}, err
	}
	now := s.clock.Now()
	if st := p.Status(now); st != wallet.StatusActive {
		return BundleOut{}, fault.New(fault.Conflict, "wallet.pass_not_active", "The pass is "+string(st)+"; no bundle is issued")
	}
	secret, err := s.devBox.Open(d.SecretSealed)
	if err != nil {
		return BundleOut{}, fmt.Errorf("open device secret: %w", err)
	}
	key, err := wallet.BundleKey(secret, p.PassID)
	if err != nil {
		return BundleOut{}, err
	}
	plain, err := wallet.MarshalContent(p)
	if err != nil {
		return BundleOut{}, err
	}
	b, err := wallet.SealBundle(s.rand, a, key, p.PassID, plain, p.ExpiresAt, now)
	if err != nil {
		return BundleOut{}, err
	}
	return BundleOut{PassID: p.PassID, Bundle: b}, nil
}

// SyncResult is what a device receives from Sync.
type SyncResult struct {
	Passes    []PassView // changed since the last sync, revocations included
	SyncToken string
	SyncedAt  time.Time
}

// Sync returns the passes of the programme that changed since the
// device's last sync (every unrevoked pass on its first sync; from then
// on issues and revocations, at or after the previous sync time, so a
// change is never missed and may come twice), records the sync and moves
// the device's last sync. An unknown device is fault.NotFound.
func (s *Service) Sync(ctx context.Context, programme, deviceToken string) (SyncResult, error) {
	if err := s.checkProgramme(programme); err != nil {
		return SyncResult{}, err
	}
	d, err := s.device(ctx, programme, deviceToken)
	if err != nil {
		return SyncResult{}, err
	}
	now := s.clock.Now()
	f := ports.PassFilter{Programme: programme, Now: now, Limit: 500}
	if d.LastSync != nil {
		f.ChangedSince = *d.LastSync
	} else {
		f.ExcludeRevoked = true
	}
	var out SyncResult
	for {
		ps, total, err := s.st.Passes.ListPasses(ctx, f)
		if err != nil {
			return SyncResult{}, err
		}
		for _, p := range ps {
			out.Passes = append(out.Passes, s.view(p, now))
		}
		f.Offset += len(ps)
		if len(ps) == 0 || f.Offset >= total {
			break
		}
	}
	tok, err := wallet.NewUUID(s.rand)
	if err != nil {
		return SyncResult{}, err
	}
	out.SyncToken, out.SyncedAt = tok, now
	if err := s.st.Syncs.RecordSync(ctx, wallet.Sync{Token: tok, Programme: programme, DeviceToken: deviceToken,
		PassesSynced: len(out.Passes), SyncedAt: now}); err != nil {
		return SyncResult{}, err
	}
	return out, nil
}

// SyncHistory returns the programme's most recent syncs (limit 1–500, 0
// for 100), newest first, and how many there are in all.
func (s *Service) SyncHistory(ctx context.Context, programme string, limit int) ([]wallet.Sync, int, error) {
	if err := s.checkProgramme(programme); err != nil {
		return nil, 0, err
	}
	if limit < 0 || limit > 500 {
		return nil, 0, fault.Field("limit", "wallet.limit_invalid", "limit must be between 1 and 500")
	}
	return s.st.Syncs.SyncHistory(ctx, programme, limit)
}

// PublicKey is a published verification key.
type PublicKey struct {
	KeyID     string
	Algorithm string // "ed25519"
	Public    ed25519.PublicKey
	Status    wallet.KeyStatus
	CreatedAt time.Time
	RetiredAt *time.Time
}

// PublicKeys returns every signing key's public part, oldest first,
// generating the first key if there is none.
func (s *Service) PublicKeys(ctx context.Context) ([]PublicKey, error) {
	ring, err := s.keyring(ctx)
	if err != nil {
		return nil, err
	}
	keys := ring.Keys()
	out := make([]PublicKey, len(keys))
	for i, k := range keys {
		out[i] = PublicKey{KeyID: k.ID, Algorithm: "ed25519", Public: k.Public, Status: k.Status, CreatedAt: k.CreatedAt, RetiredAt: k.RetiredAt}
	}
	return out, nil
}

// keyring loads the signing keys, creating the first active key when
// there is none (first start). Concurrent first starts agree on one key:
// the store allows one active key and the loser reloads.
func (s *Service) keyring(ctx context.Context) (*wallet.Keyring, error) {
	for attempt := 0; attempt < 3; attempt++ {
		stored, err := s.st.Keys.SigningKeys(ctx)
		if err != nil {
			return nil, err
		}
		keys := make([]wallet.SigningKey, 0, len(stored))
		hasActive := false
		for _, sk := range stored {
			k := sk.Key
			if k.Status == wallet.KeyActive {
				seed, err := s.keyBox.Open(sk.PrivateSealed)
				if err != nil || len(seed) != ed25519.SeedSize {
					return nil, fmt.Errorf("open signing key %s (was KENTE_WALLET_HMAC_KEY changed? rotate the key): %w", k.ID, errors.Join(err, errors.New("bad seed")))
				}
				k.Private = ed25519.NewKeyFromSeed([]byte(seed))
				hasActive = true
			}
			keys = append(keys, k)
		}
		if hasActive {
			return wallet.NewKeyring(keys...)
		}
		if _, err := s.createKey(ctx); err != nil && !fault.Is(err, fault.Conflict) {
			return nil, err
		}
	}
	return nil, errors.New("no active wallet signing key after creating one")
}

func (s *Service) createKey(ctx context.Context) (wallet.SigningKey, error) {
	k, err := wallet.NewSigningKey(s.rand, s.clock.Now())
	if err != nil {
		return wallet.SigningKey{}, err
	}
	sealed, err := s.keyBox.Seal(s.rand, string(k.Private.Seed()))
	if err != nil {
		return wallet.SigningKey{}, err
	}
	pub := k
	pub.Private = nil
	if err := s.st.Keys.CreateSigningKey(ctx, ports.StoredSigningKey{Key: pub, PrivateSealed: sealed}); err != nil {
		return wallet.SigningKey{}, err
	}
	return k, nil
}

// RotateSigningKey retires the active signing key and makes a new one
// active, audited with actorID. Passes signed by the retired key keep
// verifying; new passes are signed by the new key. It returns the new key.
func (s *Service) RotateSigningKey(ctx context.Context, actorID string) (PublicKey, error) {
	stored, err := s.st.Keys.SigningKeys(ctx)
	if err != nil {
		return PublicKey{}, err
	}
	now := s.clock.Now()
	var retired []string
	for _, sk := range stored {
		if sk.Key.Status == wallet.KeyActive {
			if err := s.st.Keys.RetireSigningKey(ctx, sk.Key.ID, now); err != nil {
				return PublicKey{}, err
			}
			retired = append(retired, sk.Key.ID)
		}
	}
	k, err := s.createKey(ctx)
	if err != nil {
		return PublicKey{}, err
	}
	details := fmt.Sprintf(`{"retired":%q}`, strings.Join(retired, ","))
	if err := s.audit.Record(ctx, audit.Record{At: now, ActorID: actorID, Action: ActionSigningKeyRotated,
		TargetType: "wallet_signing_key", TargetID: k.ID, Outcome: audit.Success, Details: []byte(details)}); err != nil {
		s.log.ErrorContext(ctx, "audit wallet key rotation", "key_id", k.ID, "err", err)
	}
	return PublicKey{KeyID: k.ID, Algorithm: "ed25519", Public: k.Public, Status: k.Status, CreatedAt: k.CreatedAt}, nil
}

// Verification is the public answer of Verify: no PII.
type Verification struct {
	Status    offline.Status // valid, revoked, expired, invalid
	Method    string         // "ed25519" or "hmac"; "" when invalid
	PassType  wallet.PassType
	ExpiresAt *time.Time
	KeyID     string // for ed25519
}

// Verify answers the public check of GET /wallet/verify?p=&s=. s is either
// the Oomus HMAC (64 hex) or an Ed25519 signature token ("v1.…"). A good
// signature is then checked against the stored pass: revoked, expired
// (from the stored expires_at) or valid. A bad signature, a malformed
// payload or an unknown pass is Invalid. No name, MPI id or holder id is
// returned.
func (s *Service) Verify(ctx context.Context, p, sig string) (Verification, error) {
	invalid := Verification{Status: offline.Invalid}
	qr, err := wallet.ParsePayload(p)
	if err != nil || len(sig) > 256 {
		return invalid, nil
	}
	now := s.clock.Now()
	method := "hmac"
	var keyID string
	if strings.HasPrefix(sig, "v1.") {
		ring, err := s.keyring(ctx)
		if err != nil {
			return Verification{}, err
		}
		r := ring.Verifier().Check(p, sig, now)
		if r.Status == offline.Invalid {
			return invalid, nil
		}
		method, keyID = "ed25519", r.Token.KeyID
	} else if !wallet.VerifyHMAC(s.hmacKey, p, sig) {
		return invalid, nil
	}
	pass, err := s.st.Passes.PassByPassID(ctx, qr.PassID)
	if fault.Is(err, fault.NotFound) {
		return invalid, nil
	}
	if err != nil {
		return Verification{}, err
	}
	if pass.QRPayload != p {
		return invalid, nil
	}
	exp := pass.ExpiresAt
	st := offline.Valid
	switch pass.Status(now) {
	case wallet.StatusRevoked:
		st = offline.Revoked
	case wallet.StatusExpired:
		st = offline.Expired
	}
	return Verification{Status: st, Method: method, PassType: qr.Type, ExpiresAt: &exp, KeyID: keyID}, nil
}
