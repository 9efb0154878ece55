package wallet

import (
	"encoding/json"
	"time"
)

// BundleContent is the plaintext of a bundle: the pass as JSON, what a
// device stores after decrypting. It is a wire format, so it carries JSON
// names; it holds no status (a device derives it from expires_at and the
// revocations it syncs).
type BundleContent struct {
	PassID           string    `json:"pass_id"`
	MPIID            string    `json:"mpi_id"`
	HolderName       string    `json:"holder_name"`
	HolderID         string    `json:"holder_id,omitempty"`
	CampaignID       string    `json:"campaign_id,omitempty"`
	CampaignName     string    `json:"campaign_name,omitempty"`
	PassType         string    `json:"pass_type"`
	QRPayload        string    `json:"qr_payload"`
	QRSignature      string    `json:"qr_signature"`
	SignatureEd25519 string    `json:"signature_ed25519"`
	KeyID            string    `json:"key_id"`
	IssuedAt         time.Time `json:"issued_at"`
	ExpiresAt        time.Time `json:"expires_at"`
}

// Content returns p's bundle content.
func (p Pass) Content() BundleContent {
	return BundleContent{
		PassID: p.PassID, MPIID: p.MPIID, HolderName: p.HolderName, HolderID: p.HolderID,
		CampaignID: p.CampaignID, CampaignName: p.CampaignName, PassType: string(p.Type),
		QRPayload: p.QRPayload, QRSignature: p.QRSignature, SignatureEd25519: p.SignatureEd, KeyID: p.KeyID,
		IssuedAt: p.IssuedAt.UTC(), ExpiresAt: p.ExpiresAt.UTC(),
	}
}

// MarshalContent returns p's bundle plaintext.
func MarshalContent(p Pass) ([]byte, error) { return json.Marshal(p.Content()) }
