package httpapi

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/kente-gov/kente/app/walletsvc"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/core/wallet"
)

// WalletModule is the premium module key that gates the wallet routes
// (oomus-platform §7.4).
const WalletModule = "sovereign_wallet"

var errWalletUnavailable = fault.New(fault.Unavailable, "wallet.unavailable", "The wallet is not configured")

// registerWallet adds the Sovereign Wallet routes (openapi/wallet.yaml): the
// ten seed endpoints behind the sovereign_wallet module, and the public
// signing keys and pass verification.
//
// Gin allows one wildcard name per path position of a method's tree, so the
// GET routes under /wallet/pass/ share :mpi_id: GET /wallet/pass/:mpi_id
// takes an MPI id and GET /wallet/pass/:mpi_id/bundle a pass id. The public
// paths are the seed's.
func registerWallet(r *router, s *server) {
	mod := withModule(WalletModule)
	r.handleV1(http.MethodPost, "/api/v1/wallet/pass", identity.Authenticated, s.walletIssue, mod)
	r.handleV1(http.MethodGet, "/api/v1/wallet/pass/:mpi_id", identity.Authenticated, s.walletActivePass, mod)
	r.handleV1(http.MethodGet, "/api/v1/wallet/passes", identity.Authenticated, s.walletList, mod)
	r.handleV1(http.MethodPost, "/api/v1/wallet/pass/:pass_id/revoke", identity.Authenticated, s.walletRevoke, mod)
	r.handleV1(http.MethodGet, "/api/v1/wallet/pass/:mpi_id/bundle", identity.Authenticated, s.walletBundle, mod)
	r.handleV1(http.MethodPost, "/api/v1/wallet/device/register", identity.Authenticated, s.walletRegisterDevice, mod)
	r.handleV1(http.MethodGet, "/api/v1/wallet/devices", identity.Authenticated, s.walletDevices, mod)
	r.handleV1(http.MethodGet, "/api/v1/wallet/sync", identity.Authenticated, s.walletSync, mod)
	r.handleV1(http.MethodGet, "/api/v1/wallet/sync/history", identity.Authenticated, s.walletSyncHistory, mod)
	r.handleV1(http.MethodGet, "/api/v1/wallet/stats", identity.Authenticated, s.walletStats, mod)
	r.handleV1(http.MethodGet, "/api/v1/wallet/keys", identity.Public, s.walletKeys)
	r.handleV1(http.MethodGet, "/api/v1/wallet/verify", identity.Public, s.walletVerify)
}

// walletCaller returns the caller's principal, or renders 503 (no wallet
// service) or 401 and returns false.
func (s *server) walletCaller(c *gin.Context) (programmeID, userID string, ok bool) {
	if s.wallet == nil {
		fail(c, errWalletUnavailable)
		return "", "", false
	}
	p, ok := v1Principal(c)
	if !ok {
		return "", "", false
	}
	return p.ProgrammeID, p.UserID, true
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func rfc3339Ptr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	v := rfc3339(*t)
	return &v
}

// passOut is the pass of the seed's POST /wallet/pass response, with
// Kente's Ed25519 signature token and its key id.
type passOut struct {
	ID               string `json:"id"`
	PassID           string `json:"pass_id"`
	MPIID            string `json:"mpi_id"`
	HolderName       string `json:"holder_name"`
	PassType         string `json:"pass_type"`
	Status           string `json:"status"`
	QRPayload        string `json:"qr_payload"`
	QRSignature      string `json:"qr_signature"`
	SignatureEd25519 string `json:"signature_ed25519"`
	KeyID            string `json:"key_id"`
	IssuedAt         string `json:"issued_at"`
	ExpiresAt        string `json:"expires_at"`
	CreatedAt        string `json:"created_at"`
}

func toPassOut(v walletsvc.PassView) passOut {
	p := v.Pass
	return passOut{ID: p.ID, PassID: p.PassID, MPIID: p.MPIID, HolderName: p.HolderName, PassType: string(p.Type),
		Status: string(v.Status), QRPayload: p.QRPayload, QRSignature: p.QRSignature, SignatureEd25519: p.SignatureEd,
		KeyID: p.KeyID, IssuedAt: rfc3339(p.IssuedAt), ExpiresAt: rfc3339(p.ExpiresAt), CreatedAt: rfc3339(p.CreatedAt)}
}

func toPassesOut(vs []walletsvc.PassView) []passOut {
	out := mapSlice(vs, toPassOut)
	return out
}

type statsOut struct {
	Total             int `json:"total"`
	Active            int `json:"active"`
	Revoked           int `json:"revoked"`
	Expired           int `json:"expired"`
	DevicesRegistered int `json:"devices_registered"`
}

func toStatsOut(c wallet.Counts) statsOut {
	return statsOut{Total: c.Total, Active: c.Active, Revoked: c.Revoked, Expired: c.Expired, DevicesRegistered: c.DevicesRegistered}
}

type issueRequest struct {
	MPIID        string  `json:"mpi_id"`
	HolderName   string  `json:"holder_name"`
	HolderID     string  `json:"holder_id"`
	CampaignID   string  `json:"campaign_id"`
	CampaignName string  `json:"campaign_name"`
	PassType     string  `json:"pass_type"`
	ExpiresAt    *string `json:"expires_at"`
}

func (s *server) walletIssue(c *gin.Context) {
	prog, _, ok := s.walletCaller(c)
	if !ok {
		return
	}
	var in issueRequest
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	var exp *time.Time
	if in.ExpiresAt != nil && *in.ExpiresAt != "" {
		t, err := time.Parse(time.RFC3339, *in.ExpiresAt)
		if err != nil {
			fail(c, fault.Field("expires_at", "wallet.expires_at_invalid", "expires_at must be an RFC 3339 date-time, e.g. 2027-05-17T00:00:00Z"))
			return
		}
		exp = &t
	}
	out, err := s.wallet.IssuePass(c.Request.Context(), prog, walletsvc.IssueInput{MPIID: in.MPIID, HolderName: in.HolderName,
		HolderID: in.HolderID, CampaignID: in.CampaignID, CampaignName: in.CampaignName, PassType: in.PassType, ExpiresAt: exp})
	if err != nil {
		fail(c, err)
		return
	}
	status := http.StatusOK
	if out.Created {
		status = http.StatusCreated
	}
	c.JSON(status, toPassOut(out.PassView))
}

func (s *server) walletActivePass(c *gin.Context) {
	prog, _, ok := s.walletCaller(c)
	if !ok {
		return
	}
	v, err := s.wallet.ActivePass(c.Request.Context(), prog, c.Param("mpi_id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toPassOut(v))
}

// maxInt is the largest int, the upper bound of an unbounded query.
const maxInt = int(^uint(0) >> 1)

// boundedQuery reads an optional integer query parameter that, when
// present, must lie in [min, max]; def when absent.
func boundedQuery(c *gin.Context, name string, def, min, max int) (int, error) {
	v, present := c.GetQuery(name)
	if !present {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		msg := name + " must be an integer between " + strconv.Itoa(min) + " and " + strconv.Itoa(max)
		if max == maxInt {
			msg = name + " must be an integer of at least " + strconv.Itoa(min)
		}
		return 0, fault.Field(name, "wallet."+name+"_invalid", msg)
	}
	return n, nil
}

type passListOut struct {
	Passes []passOut `json:"passes"`
	Total  int       `json:"total"`
	Stats  statsOut  `json:"stats"`
}

func (s *server) walletList(c *gin.Context) {
	prog, _, ok := s.walletCaller(c)
	if !ok {
		return
	}
	limit, err := boundedQuery(c, "limit", 100, 1, 500)
	if err != nil {
		fail(c, err)
		return
	}
	offset, err := boundedQuery(c, "offset", 0, 0, maxInt)
	if err != nil {
		fail(c, err)
		return
	}
	st, present := c.GetQuery("status")
	if present && st == "" {
		fail(c, fault.Field("status", "wallet.status_invalid", "status must be active, revoked or expired"))
		return
	}
	list, err := s.wallet.ListPasses(c.Request.Context(), prog, walletsvc.ListInput{Status: st, Limit: limit, Offset: offset})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, passListOut{Passes: toPassesOut(list.Passes), Total: list.Total, Stats: toStatsOut(list.Stats)})
}

type revocationOut struct {
	PassID    string `json:"pass_id"`
	Status    string `json:"status"`
	RevokedAt string `json:"revoked_at"`
	Reason    string `json:"reason"`
}

func (s *server) walletRevoke(c *gin.Context) {
	prog, user, ok := s.walletCaller(c)
	if !ok {
		return
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	r, err := s.wallet.RevokePass(c.Request.Context(), prog, user, c.Param("pass_id"), in.Reason)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, revocationOut{PassID: r.PassID, Status: string(r.Status), RevokedAt: rfc3339(r.RevokedAt), Reason: r.Reason})
}

type bundleOut struct {
	PassID string `json:"pass_id"`
	Bundle struct {
		Algo      string `json:"algo"`
		Encrypted string `json:"encrypted"`
		Hash      string `json:"hash"`
		ExpiresAt string `json:"expires_at"`
	} `json:"bundle"`
}

func (s *server) walletBundle(c *gin.Context) {
	prog, _, ok := s.walletCaller(c)
	if !ok {
		return
	}
	// The path segment is a pass id (see registerWallet).
	b, err := s.wallet.Bundle(c.Request.Context(), prog, c.Param("mpi_id"), c.Query("device_token"), c.Query("algo"))
	if err != nil {
		fail(c, err)
		return
	}
	var out bundleOut
	out.PassID = b.PassID
	out.Bundle.Algo, out.Bundle.Encrypted, out.Bundle.Hash = string(b.Bundle.Algo), b.Bundle.Encrypted, b.Bundle.Hash
	out.Bundle.ExpiresAt = rfc3339(b.Bundle.ExpiresAt)
	c.JSON(http.StatusOK, out)
}

type deviceRegisteredOut struct {
	DeviceID     string `json:"device_id"`
	DeviceToken  string `json:"device_token"`
	RegisteredAt string `json:"registered_at"`
	// DeviceSecret is returned only by the registration that created the
	// device.
	DeviceSecret string `json:"device_secret,omitempty"`
}

func (s *server) walletRegisterDevice(c *gin.Context) {
	prog, _, ok := s.walletCaller(c)
	if !ok {
		return
	}
	var in struct {
		DeviceToken string `json:"device_token"`
		DeviceName  string `json:"device_name"`
		Platform    string `json:"platform"`
	}
	if err := bindJSON(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	r, err := s.wallet.RegisterDevice(c.Request.Context(), prog, walletsvc.DeviceInput{DeviceToken: in.DeviceToken,
		DeviceName: in.DeviceName, Platform: in.Platform})
	if err != nil {
		fail(c, err)
		return
	}
	status := http.StatusOK
	if r.Created {
		status = http.StatusCreated
	}
	c.JSON(status, deviceRegisteredOut{DeviceID: r.Device.ID, DeviceToken: r.Device.Token,
		RegisteredAt: rfc3339(r.Device.RegisteredAt), DeviceSecret: r.Secret})
}

type deviceOut struct {
	ID          string  `json:"id"`
	DeviceToken string  `json:"device_token"`
	DeviceName  string  `json:"device_name"`
	Platform    *string `json:"platform"`
	LastSync    *string `json:"last_sync"`
}

type devicesOut struct {
	Devices []deviceOut `json:"devices"`
	Count   int         `json:"count"`
}

func (s *server) walletDevices(c *gin.Context) {
	prog, _, ok := s.walletCaller(c)
	if !ok {
		return
	}
	ds, err := s.wallet.Devices(c.Request.Context(), prog)
	if err != nil {
		fail(c, err)
		return
	}
	out := devicesOut{Devices: make([]deviceOut, len(ds)), Count: len(ds)}
	for i, d := range ds {
		var platform *string
		if d.Platform != "" {
			p := string(d.Platform)
			platform = &p
		}
		out.Devices[i] = deviceOut{ID: d.ID, DeviceToken: d.Token, DeviceName: d.Name, Platform: platform, LastSync: rfc3339Ptr(d.LastSync)}
	}
	c.JSON(http.StatusOK, out)
}

type syncOut struct {
	Passes    []passOut `json:"passes"`
	SyncToken string    `json:"sync_token"`
	SyncedAt  string    `json:"synced_at"`
}

func (s *server) walletSync(c *gin.Context) {
	prog, _, ok := s.walletCaller(c)
	if !ok {
		return
	}
	r, err := s.wallet.Sync(c.Request.Context(), prog, c.Query("device_token"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, syncOut{Passes: toPassesOut(r.Passes), SyncToken: r.SyncToken, SyncedAt: rfc3339(r.SyncedAt)})
}

type syncEntryOut struct {
	SyncToken    string `json:"sync_token"`
	DeviceToken  string `json:"device_token"`
	PassesSynced int    `json:"passes_synced"`
	SyncedAt     string `json:"synced_at"`
}

type syncHistoryOut struct {
	History []syncEntryOut `json:"history"`
	Count   int            `json:"count"`
}

func (s *server) walletSyncHistory(c *gin.Context) {
	prog, _, ok := s.walletCaller(c)
	if !ok {
		return
	}
	limit, err := boundedQuery(c, "limit", 100, 1, 500)
	if err != nil {
		fail(c, err)
		return
	}
	hs, total, err := s.wallet.SyncHistory(c.Request.Context(), prog, limit)
	if err != nil {
		fail(c, err)
		return
	}
	out := syncHistoryOut{History: make([]syncEntryOut, len(hs)), Count: total}
	for i, h := range hs {
		out.History[i] = syncEntryOut{SyncToken: h.Token, DeviceToken: h.DeviceToken, PassesSynced: h.PassesSynced, SyncedAt: rfc3339(h.SyncedAt)}
	}
	c.JSON(http.StatusOK, out)
}

func (s *server) walletStats(c *gin.Context) {
	prog, _, ok := s.walletCaller(c)
	if !ok {
		return
	}
	st, err := s.wallet.Stats(c.Request.Context(), prog)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toStatsOut(st))
}

// keyOut is one published key; the list is the file offline.ParseKeys and
// examples/verify-pass read.
type keyOut struct {
	KeyID     string  `json:"key_id"`
	Algorithm string  `json:"algorithm"`
	PublicKey string  `json:"public_key"` // base64url, no padding, 32 bytes
	Status    string  `json:"status"`
	CreatedAt string  `json:"created_at"`
	RetiredAt *string `json:"retired_at"`
}

func (s *server) walletKeys(c *gin.Context) {
	if s.wallet == nil {
		fail(c, errWalletUnavailable)
		return
	}
	keys, err := s.wallet.PublicKeys(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	out := make([]keyOut, len(keys))
	for i, k := range keys {
		out[i] = keyOut{KeyID: k.KeyID, Algorithm: k.Algorithm, PublicKey: base64.RawURLEncoding.EncodeToString(k.Public),
			Status: string(k.Status), CreatedAt: rfc3339(k.CreatedAt), RetiredAt: rfc3339Ptr(k.RetiredAt)}
	}
	c.JSON(http.StatusOK, gin.H{"keys": out})
}

type verificationOut struct {
	Status    string  `json:"status"`
	Method    *string `json:"method"`
	PassType  *string `json:"pass_type"`
	ExpiresAt *string `json:"expires_at"`
	KeyID     *string `json:"key_id"`
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (s *server) walletVerify(c *gin.Context) {
	if s.wallet == nil {
		fail(c, errWalletUnavailable)
		return
	}
	p, s2 := c.Query("p"), c.Query("s")
	switch {
	case p == "":
		fail(c, fault.Field("p", "wallet.p_required", "p (the QR payload) is required"))
		return
	case s2 == "":
		fail(c, fault.Field("s", "wallet.s_required", "s (the QR signature or Ed25519 token) is required"))
		return
	}
	v, err := s.wallet.Verify(c.Request.Context(), p, s2)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, verificationOut{Status: string(v.Status), Method: optional(v.Method), PassType: optional(string(v.PassType)),
		ExpiresAt: rfc3339Ptr(v.ExpiresAt), KeyID: optional(v.KeyID)})
}
