package campaign

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// Card statuses (§4.4).
const (
	CardValid   = "valid"
	CardRevoked = "revoked"
)

// Card is one generated card. It holds no PII: the manifest joins it with
// the job's beneficiaries.
type Card struct {
	Code          string // {prefix}-{ref}
	Ref           string
	JobID         string
	CampaignID    string
	ProgrammeID   string
	Row           int // the beneficiary's row in the job
	BeneficiaryID string
	MPIID         string // empty until the MPI registry assigns one
	TokenHash     string // Hash(QR token); the token itself is not stored
	Status        string
	Scans         int64
	IssuedAt      time.Time
	LastScanAt    *time.Time
}

// RegistryEntry is one registry.json entry (§12.3).
type RegistryEntry struct {
	Status   string `json:"status"`
	IssuedAt string `json:"issued_at"`
	Kind     string `json:"kind"` // "token" or "code": what the key hashes
}

// Registry is the offline registry.json (§12.3): entries keyed by the hex
// SHA-256 of each QR token and of each card code, no PII. Signature is
// "hmac-sha256:" + hex HMAC-SHA256 under the card key of the registry
// serialised with Signature empty.
type Registry struct {
	Version     int                      `json:"version"`
	Campaign    string                   `json:"campaign"` // the prefix
	GeneratedAt string                   `json:"generated_at"`
	TotalCards  int                      `json:"total_cards"`
	Entries     map[string]RegistryEntry `json:"entries"`
	Algorithm   string                   `json:"signature_algorithm"`
	Signature   string                   `json:"signature"`
}

// RegistryAlgorithm names the registry signature.
const RegistryAlgorithm = "hmac-sha256"

// registryKey derives the registry signing key from the card key, so a
// registry signature can never be replayed as a QR token.
func registryKey(cardKey []byte) []byte {
	m := hmac.New(sha256.New, cardKey)
	m.Write([]byte("kente/campaign/registry/v1"))
	return m.Sum(nil)
}

// BuildRegistry builds and signs the registry of cards (token hashes are
// taken from the cards; code hashes computed here) at now.
func BuildRegistry(cardKey []byte, prefix string, cards []Card, now time.Time) ([]byte, error) {
	r := Registry{Version: 1, Campaign: prefix, GeneratedAt: now.UTC().Format(time.RFC3339), TotalCards: len(cards),
		Entries: make(map[string]RegistryEntry, 2*len(cards)), Algorithm: RegistryAlgorithm}
	for _, c := range cards {
		issued := c.IssuedAt.UTC().Format("2006-01-02")
		r.Entries[c.TokenHash] = RegistryEntry{Status: c.Status, IssuedAt: issued, Kind: "token"}
		r.Entries[Hash(c.Code)] = RegistryEntry{Status: c.Status, IssuedAt: issued, Kind: "code"}
	}
	body, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode registry: %w", err)
	}
	r.Signature = signBytes(cardKey, body)
	return json.Marshal(r)
}

func signBytes(cardKey, body []byte) string {
	m := hmac.New(sha256.New, registryKey(cardKey))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// VerifyRegistry parses raw and checks its signature in constant time.
func VerifyRegistry(cardKey, raw []byte) (Registry, bool) {
	var r Registry
	if err := json.Unmarshal(raw, &r); err != nil {
		return Registry{}, false
	}
	sig := r.Signature
	r.Signature = ""
	body, err := json.Marshal(r)
	if err != nil {
		return Registry{}, false
	}
	r.Signature = sig
	return r, hmac.Equal([]byte(sig), []byte(signBytes(cardKey, body)))
}

// ManifestCard is one manifest row: the beneficiary (authenticated download
// only) and its card.
type ManifestCard struct {
	Row           int    `json:"row"`
	BeneficiaryID string `json:"beneficiary_id"`
	FirstName     string `json:"first_name"`
	LastName      string `json:"last_name"`
	DateOfBirth   string `json:"date_of_birth"`
	CardCode      string `json:"card_code"`
	QRToken       string `json:"qr_token"`
	MPIID         string `json:"mpi_id,omitempty"`
	IssuedAt      string `json:"issued_at"`
}

// Manifest is the manifest artifact (§4.3): the job's beneficiaries and
// their codes and tokens.
type Manifest struct {
	JobID        string         `json:"job_id"`
	CampaignID   string         `json:"campaign_id"`
	Prefix       string         `json:"prefix"`
	DPI          int            `json:"dpi"`
	RenderScale  float64        `json:"render_scale"`
	GeneratedAt  string         `json:"generated_at"`
	TotalCards   int            `json:"total_cards"`
	IncludeMPIID bool           `json:"include_mpi_id"`
	MPINote      string         `json:"mpi_note,omitempty"`
	Cards        []ManifestCard `json:"cards"`
}

// SortCards orders cards by their row in the job.
func SortCards(cards []Card) {
	sort.Slice(cards, func(i, j int) bool { return cards[i].Row < cards[j].Row })
}
