// Package config reads Kente's configuration from KENTE_* environment
// variables into one validated struct. It is part of the composition root:
// nothing else reads the environment.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/kente-gov/kente/adapters/llm"
	"github.com/kente-gov/kente/adapters/webauthn"
	"github.com/kente-gov/kente/core/geo"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/core/tier"
)

// Profiles.
const (
	ProfileDev        = "dev"
	ProfileProduction = "production"
)

// Config is the whole configuration of a Kente server.
type Config struct {
	// Profile is "dev" (secrets generated on first start) or "production"
	// (a missing required secret refuses start-up). KENTE_PROFILE.
	Profile string
	// Addr is the listen address. KENTE_ADDR.
	Addr string
	// DatabaseURL chooses the SQL adapter by scheme: sqlite://, postgres://,
	// mysql://. KENTE_DATABASE_URL.
	DatabaseURL string
	// AutoMigrate applies migrations at start-up. KENTE_AUTO_MIGRATE.
	AutoMigrate bool
	// RedisURL, when set, connects Redis (shared rate limits, readiness).
	// KENTE_REDIS_URL.
	RedisURL string
	// LogLevel and LogFormat ("json" or "text"). KENTE_LOG_LEVEL, KENTE_LOG_FORMAT.
	LogLevel  slog.Level
	LogFormat string
	// CORSOrigins are the allowed origins of /api/v1 ("*" allows any).
	// KENTE_CORS_ORIGINS, comma-separated.
	CORSOrigins []string
	// BodyLimit caps request bodies, in bytes. KENTE_BODY_LIMIT.
	BodyLimit int64
	// TrustedProxies are the networks whose X-Forwarded-For is believed.
	// KENTE_TRUSTED_PROXIES, comma-separated CIDRs or addresses.
	TrustedProxies []netip.Prefix
	// ShutdownTimeout bounds graceful shutdown. KENTE_SHUTDOWN_TIMEOUT.
	ShutdownTimeout time.Duration
	// SessionCacheTTL is how long an authenticated token is trusted without
	// a database read; 0 disables. KENTE_SESSION_CACHE_TTL.
	SessionCacheTTL time.Duration
	// JWTAccessTTL is an /api/v1 access token's lifetime.
	// KENTE_JWT_ACCESS_TTL.
	JWTAccessTTL time.Duration
	// RefreshTTL is an /api/v1 refresh token's (and session's) lifetime.
	// KENTE_REFRESH_TTL.
	RefreshTTL time.Duration
	// Hash is the Argon2id cost of access-code hashes.
	// KENTE_HASH_MEMORY_KIB, KENTE_HASH_TIME.
	Hash identity.HashParams
	// SecretsFile is where dev secrets are generated and kept (0600).
	// KENTE_SECRETS_FILE; default beside the SQLite file, or ./kente.secrets.
	SecretsFile string
	// WebAuthn is the passkey relying party: its id (a domain),
	// display name and the exact origins allowed. KENTE_WEBAUTHN_RP_ID,
	// KENTE_WEBAUTHN_RP_NAME, KENTE_WEBAUTHN_ORIGINS (comma-separated). Never
	// taken from a request's Host header; the production profile requires
	// the id and origins to be set.
	WebAuthn webauthn.Config
	// PaystackBaseURL is the Paystack API root. KENTE_PAYSTACK_BASE_URL.
	PaystackBaseURL string
	// TiersFile, when set, is a JSON file of plan overrides (prices,
	// limits, features, the model catalogue, trial and grace days, the
	// general request limit) applied over tier.DefaultCatalog() into Tiers.
	// KENTE_TIERS_FILE.
	TiersFile string
	// Tiers is the validated plan data.
	Tiers tier.Catalog
	// LLM chooses the chat model adapter: KENTE_LLM_PROVIDER
	// (offline|openai|anthropic), KENTE_LLM_BASE_URL, KENTE_LLM_API_KEY
	// (a secret, optional, never generated), KENTE_LLM_MODEL_MAP (compact
	// "id=upstream[|window],…" or a .json file), KENTE_LLM_TIMEOUT.
	LLM llm.Config
	// GeoRegions is the region map of the Geospatial Command Center
	// (campaign prefix token or region code → region name): the documented
	// entries (geo.DefaultRegionEntries) changed by KENTE_GEO_REGION_MAP,
	// comma-separated KEY=Name pairs that add or replace a key, or remove
	// it with an empty name ("KAO=Kaolack,FAT=Fatick,GN=").
	GeoRegions map[string]string
	// AutoMemories lets chat remember the facts a user states about
	// themselves (askozzy-notes §4.5). KENTE_CHAT_AUTO_MEMORIES, default true.
	AutoMemories bool

	Secrets Secrets
}

// Secrets are the keys Kente needs. They come only from the environment or,
// in the dev profile, from the generated secrets file.
type Secrets struct {
	// CodePepper keys the access-code lookup index. KENTE_CODE_PEPPER. Required.
	CodePepper string
	// JWTSecret signs /api/v1 access tokens. KENTE_JWT_SECRET. Required.
	JWTSecret string
	// BootstrapSecret allows creating the first super admin once.
	// KENTE_BOOTSTRAP_SECRET. Optional in production (bootstrap is then off).
	BootstrapSecret string
	// PaystackSecretKey authenticates Paystack calls and webhooks.
	// KENTE_PAYSTACK_SECRET_KEY. Optional in every profile and never
	// generated: without it the payment endpoints answer 503.
	PaystackSecretKey string
	// WalletHMACKey signs Sovereign Wallet QR payloads (its UTF-8 bytes) and
	// seals device secrets and signing keys at rest. KENTE_WALLET_HMAC_KEY.
	// Required.
	WalletHMACKey string
	// InvoiceHMACKey signs Oomus invoices (HMAC-SHA256 over §7.5's
	// invoice_id:invoice_number:total_fcfa:billing_period).
	// KENTE_INVOICE_HMAC_KEY. Required.
	InvoiceHMACKey string
	// CardHMACKey keys the Oomus card QR tokens (HMAC-SHA256 over
	// mpi_id|prefix|card_code, §15.15) and signs offline registries.
	// KENTE_CARD_HMAC_KEY. Required.
	CardHMACKey string
}

// secretSpec describes one secret for loading and generation.
type secretSpec struct {
	env      string
	required bool
	field    func(*Secrets) *string
}

var secretSpecs = []secretSpec{
	{"KENTE_CODE_PEPPER", true, func(s *Secrets) *string { return &s.CodePepper }},
	{"KENTE_JWT_SECRET", true, func(s *Secrets) *string { return &s.JWTSecret }},
	{"KENTE_BOOTSTRAP_SECRET", false, func(s *Secrets) *string { return &s.BootstrapSecret }},
	{"KENTE_WALLET_HMAC_KEY", true, func(s *Secrets) *string { return &s.WalletHMACKey }},
	{"KENTE_INVOICE_HMAC_KEY", true, func(s *Secrets) *string { return &s.InvoiceHMACKey }},
	{"KENTE_CARD_HMAC_KEY", true, func(s *Secrets) *string { return &s.CardHMACKey }},
}

// MinSecretLen is the shortest secret accepted.
const MinSecretLen = 32

// Defaults returns the configuration used when no variable is set.
func Defaults() Config {
	return Config{
		Profile:         ProfileDev,
		PaystackBaseURL: DefaultPaystackBaseURL,
		Tiers:           tier.DefaultCatalog(),
		Addr:            "127.0.0.1:8080",
		DatabaseURL:     "sqlite://kente.db",
		AutoMigrate:     true,
		AutoMemories:    true,
		LogLevel:        slog.LevelInfo,
		LogFormat:       "json",
		CORSOrigins:     []string{"*"},
		BodyLimit:       1 << 20,
		ShutdownTimeout: 15 * time.Second,
		SessionCacheTTL: 2 * time.Second,
		JWTAccessTTL:    30 * time.Minute,
		RefreshTTL:      720 * time.Hour,
		Hash:            identity.DefaultHashParams,
		WebAuthn: webauthn.Config{
			RPID:    "localhost",
			RPName:  "AskOzzy",
			Origins: []string{"http://localhost:8080", "http://127.0.0.1:8080"},
		},
		LLM:        llm.Defaults(),
		GeoRegions: geo.DefaultRegionEntries(),
	}
}

// Getenv looks a variable up; os.LookupEnv fits.
type Getenv func(key string) (string, bool)

// Load reads the configuration from getenv over the defaults and validates
// it. The error lists one line per bad field. Secrets are read but not
// generated: call ResolveSecrets next.
func Load(getenv Getenv) (Config, error) {
	c := Defaults()
	var errs []error
	badKeys := map[string]bool{}
	str := func(key string, dst *string) {
		if v, ok := getenv(key); ok && v != "" {
			*dst = strings.TrimSpace(v)
		}
	}
	parse := func(key string, fn func(string) error) {
		if v, ok := getenv(key); ok && strings.TrimSpace(v) != "" {
			if err := fn(strings.TrimSpace(v)); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", key, err))
				badKeys[key] = true
			}
		}
	}

	str("KENTE_PROFILE", &c.Profile)
	str("KENTE_ADDR", &c.Addr)
	str("KENTE_DATABASE_URL", &c.DatabaseURL)
	str("KENTE_REDIS_URL", &c.RedisURL)
	str("KENTE_LOG_FORMAT", &c.LogFormat)
	str("KENTE_SECRETS_FILE", &c.SecretsFile)
	str("KENTE_WEBAUTHN_RP_ID", &c.WebAuthn.RPID)
	str("KENTE_WEBAUTHN_RP_NAME", &c.WebAuthn.RPName)
	parse("KENTE_WEBAUTHN_ORIGINS", func(v string) error {
		c.WebAuthn.Origins = nil
		for _, o := range strings.Split(v, ",") {
			if o = strings.TrimSpace(o); o == "" {
				continue
			}
			if err := webauthn.ValidateOrigin(o); err != nil {
				return err
			}
			c.WebAuthn.Origins = append(c.WebAuthn.Origins, o)
		}
		return nil
	})
	if c.Profile == ProfileProduction {
		for _, key := range []string{"KENTE_WEBAUTHN_RP_ID", "KENTE_WEBAUTHN_ORIGINS"} {
			if v, ok := getenv(key); !ok || strings.TrimSpace(v) == "" {
				errs = append(errs, fmt.Errorf("%s: must be set in the production profile (passkeys are bound to it)", key))
				badKeys[key] = true
			}
		}
	}
	parse("KENTE_AUTO_MIGRATE", func(v string) (err error) {
		c.AutoMigrate, err = strconv.ParseBool(v)
		if err != nil {
			return errors.New("must be true or false")
		}
		return nil
	})
	parse("KENTE_CHAT_AUTO_MEMORIES", func(v string) (err error) {
		c.AutoMemories, err = strconv.ParseBool(v)
		if err != nil {
			return errors.New("must be true or false")
		}
		return nil
	})
	parse("KENTE_LOG_LEVEL", func(v string) error {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return errors.New("must be debug, info, warn or error")
		}
		return nil
	})
	parse("KENTE_CORS_ORIGINS", func(v string) error {
		c.CORSOrigins = nil
		for _, o := range strings.Split(v, ",") {
			o = strings.TrimSpace(o)
			if o == "" {
				continue
			}
			if o != "*" {
				u, err := url.Parse(o)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
					return fmt.Errorf("%q is not an origin like https://example.gov.gh", o)
				}
			}
			c.CORSOrigins = append(c.CORSOrigins, o)
		}
		return nil
	})
	parse("KENTE_BODY_LIMIT", func(v string) (err error) {
		c.BodyLimit, err = strconv.ParseInt(v, 10, 64)
		if err != nil {
			return errors.New("must be a whole number of bytes")
		}
		return nil
	})
	parse("KENTE_TRUSTED_PROXIES", func(v string) error {
		for _, p := range strings.Split(v, ",") {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			if !strings.Contains(p, "/") {
				a, err := netip.ParseAddr(p)
				if err != nil {
					return fmt.Errorf("%q is not an address or CIDR", p)
				}
				c.TrustedProxies = append(c.TrustedProxies, netip.PrefixFrom(a, a.BitLen()))
				continue
			}
			pf, err := netip.ParsePrefix(p)
			if err != nil {
				return fmt.Errorf("%q is not an address or CIDR", p)
			}
			c.TrustedProxies = append(c.TrustedProxies, pf.Masked())
		}
		return nil
	})
	duration := func(key string, dst *time.Duration) {
		parse(key, func(v string) (err error) {
			*dst, err = time.ParseDuration(v)
			if err != nil {
				return errors.New("must be a duration like 15s")
			}
			return nil
		})
	}
	duration("KENTE_SHUTDOWN_TIMEOUT", &c.ShutdownTimeout)
	duration("KENTE_SESSION_CACHE_TTL", &c.SessionCacheTTL)
	duration("KENTE_JWT_ACCESS_TTL", &c.JWTAccessTTL)
	duration("KENTE_REFRESH_TTL", &c.RefreshTTL)
	uint32Var := func(key string, dst *uint32) {
		parse(key, func(v string) error {
			n, err := strconv.ParseUint(v, 10, 32)
			if err != nil {
				return errors.New("must be a whole number")
			}
			*dst = uint32(n)
			return nil
		})
	}
	uint32Var("KENTE_HASH_MEMORY_KIB", &c.Hash.MemoryKiB)
	uint32Var("KENTE_HASH_TIME", &c.Hash.Time)
	parse("KENTE_GEO_REGION_MAP", func(v string) (err error) {
		c.GeoRegions, err = geo.MergeRegionSpec(geo.DefaultRegionEntries(), v)
		return err
	})
	for _, err := range loadLLM(getenv, &c.LLM) {
		key, _, _ := strings.Cut(err.Error(), ":")
		errs = append(errs, err)
		badKeys[key] = true
	}

	for _, s := range secretSpecs {
		if v, ok := getenv(s.env); ok && v != "" {
			*s.field(&c.Secrets) = v
		}
	}

	errs = append(errs, c.loadTiers(getenv)...)
	for _, err := range c.validate() {
		key, _, _ := strings.Cut(err.Error(), ":")
		if !badKeys[key] { // one line per field: a parse error already named it
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return Config{}, errors.Join(errs...)
	}
	return c, nil
}

func (c Config) validate() []error {
	var errs []error
	bad := func(key, msg string) { errs = append(errs, fmt.Errorf("%s: %s", key, msg)) }
	if c.Profile != ProfileDev && c.Profile != ProfileProduction {
		bad("KENTE_PROFILE", "must be dev or production")
	}
	if _, port, err := splitHostPort(c.Addr); err != nil || port == "" {
		bad("KENTE_ADDR", "must be host:port, like 127.0.0.1:8080")
	}
	switch {
	case strings.HasPrefix(c.DatabaseURL, "sqlite://"):
		if _, err := SQLitePath(c.DatabaseURL); err != nil {
			bad("KENTE_DATABASE_URL", err.Error())
		}
	case strings.HasPrefix(c.DatabaseURL, "postgres://"), strings.HasPrefix(c.DatabaseURL, "postgresql://"),
		strings.HasPrefix(c.DatabaseURL, "mysql://"):
	default:
		bad("KENTE_DATABASE_URL", "must start with sqlite://, postgres:// or mysql://")
	}
	if c.RedisURL != "" && !strings.HasPrefix(c.RedisURL, "redis://") && !strings.HasPrefix(c.RedisURL, "rediss://") {
		bad("KENTE_REDIS_URL", "must start with redis:// or rediss://")
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		bad("KENTE_LOG_FORMAT", "must be json or text")
	}
	if len(c.CORSOrigins) == 0 {
		bad("KENTE_CORS_ORIGINS", "must name at least one origin, or *")
	}
	if c.BodyLimit < 1024 || c.BodyLimit > 1<<30 {
		bad("KENTE_BODY_LIMIT", "must be between 1024 and 1073741824 bytes")
	}
	if c.ShutdownTimeout <= 0 || c.ShutdownTimeout > 10*time.Minute {
		bad("KENTE_SHUTDOWN_TIMEOUT", "must be between 1ns and 10m")
	}
	if c.SessionCacheTTL < 0 || c.SessionCacheTTL > time.Minute {
		bad("KENTE_SESSION_CACHE_TTL", "must be between 0s and 1m")
	}
	if c.JWTAccessTTL < time.Minute || c.JWTAccessTTL > 24*time.Hour {
		bad("KENTE_JWT_ACCESS_TTL", "must be between 1m and 24h")
	}
	if c.RefreshTTL < c.JWTAccessTTL || c.RefreshTTL > 8760*time.Hour {
		bad("KENTE_REFRESH_TTL", "must be at least KENTE_JWT_ACCESS_TTL and at most 8760h")
	}
	if err := c.Hash.Validate(); err != nil {
		bad("KENTE_HASH_MEMORY_KIB/KENTE_HASH_TIME", err.Error())
	}
	if err := webauthn.ValidateRPID(c.WebAuthn.RPID); err != nil {
		bad("KENTE_WEBAUTHN_RP_ID", err.Error())
	}
	if n := len(strings.TrimSpace(c.WebAuthn.RPName)); n == 0 || n > 64 {
		bad("KENTE_WEBAUTHN_RP_NAME", "must be 1 to 64 characters")
	}
	if len(c.WebAuthn.Origins) == 0 {
		bad("KENTE_WEBAUTHN_ORIGINS", "must name at least one origin, like https://askozzy.gov.gh")
	}
	if err := c.LLM.Validate(); err != nil {
		errs = append(errs, err)
	}
	for _, s := range secretSpecs {
		if v := *s.field(&c.Secrets); v != "" && len(v) < MinSecretLen {
			bad(s.env, fmt.Sprintf("must be at least %d characters", MinSecretLen))
		}
	}
	return errs
}

func splitHostPort(addr string) (string, string, error) {
	i := strings.LastIndexByte(addr, ':')
	if i < 0 {
		return "", "", errors.New("missing port")
	}
	port := addr[i+1:]
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return "", "", errors.New("bad port")
	}
	return addr[:i], port, nil
}

// SQLitePath returns the file path of a sqlite:// URL: "sqlite://kente.db"
// is relative to the working directory, "sqlite:///var/lib/kente.db" is
// absolute. url.Parse cannot be used: it puts a relative name in Host.
func SQLitePath(raw string) (string, error) {
	p := strings.TrimPrefix(raw, "sqlite://")
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	if p == "" || p == "/" {
		return "", errors.New("sqlite URL needs a file name, like sqlite://kente.db")
	}
	if strings.Contains(p, ":memory:") || strings.HasPrefix(p, "file:") {
		return "", errors.New("in-memory SQLite is not supported; name a file")
	}
	return p, nil
}
