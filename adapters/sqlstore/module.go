package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/fx"

	"github.com/kente-gov/kente/ports"
)

// Config chooses and prepares the database. app/config fills it from
// KENTE_DATABASE_URL and KENTE_DATABASE_AUTO_MIGRATE.
type Config struct {
	// URL is the database URL; see ParseURL for the forms.
	URL string
	// AutoMigrate applies pending migrations when the database is opened.
	AutoMigrate bool
}

// Validate reports a missing or malformed URL.
func (c Config) Validate() error {
	if c.URL == "" {
		return errors.New("database URL is required")
	}
	_, _, err := ParseURL(c.URL)
	return err
}

// openTimeout bounds connecting and migrating at start-up.
const openTimeout = 2 * time.Minute

// Module provides, from a Config in the container, the *DB (opened, migrated
// when AutoMigrate is set, and closed when the app stops) as ports.Tx and
// ports.Pinger, and the stores as ports.UserStore and ports.SessionStore
// (and the rest below, e.g. ports.AuditLog).
var Module = fx.Module("sqlstore",
	fx.Provide(
		newFxDB,
		fx.Annotate(func(db *DB) *DB { return db }, fx.As(new(ports.Tx))),
		fx.Annotate(func(db *DB) *DB { return db }, fx.As(new(ports.Pinger))),
		fx.Annotate(NewUserStore, fx.As(new(ports.UserStore))),
		fx.Annotate(NewSessionStore, fx.As(new(ports.SessionStore))),
		fx.Annotate(NewPasskeyStore, fx.As(new(ports.PasskeyStore))),
		fx.Annotate(NewChallengeStore, fx.As(new(ports.ChallengeStore))),
		fx.Annotate(NewAuditLog, fx.As(new(ports.AuditLog))),
		fx.Annotate(NewCounters, fx.As(new(ports.Counters))),
		fx.Annotate(NewJobQueue, fx.As(new(ports.JobQueue))),
		fx.Annotate(NewWalletStore, fx.As(new(ports.PassStore)), fx.As(new(ports.DeviceStore)), fx.As(new(ports.SyncStore)), fx.As(new(ports.SigningKeyStore))),
		fx.Annotate(NewSubscriptionStore, fx.As(new(ports.SubscriptionStore))),
		fx.Annotate(NewUsageStore, fx.As(new(ports.UsageStore))),
		fx.Annotate(NewPaymentStore, fx.As(new(ports.PaymentStore))),
		fx.Annotate(NewProgrammeStore, fx.As(new(ports.ProgrammeStore))),
		fx.Annotate(NewProgrammeUserStore, fx.As(new(ports.ProgrammeUserStore))),
		fx.Annotate(NewRefreshTokenStore, fx.As(new(ports.RefreshTokenStore))),
		fx.Annotate(NewModuleChecker, fx.As(new(ports.ModuleChecker))),
		fx.Annotate(NewBillingStore, fx.As(new(ports.QuotaPlanStore)), fx.As(new(ports.LedgerStore)), fx.As(new(ports.InvoiceStore)),
			fx.As(new(ports.RechargeRequestStore)), fx.As(new(ports.ModuleStore))),
		fx.Annotate(NewConversationStore, fx.As(new(ports.ConversationStore)), fx.As(new(ports.ConversationSearch))),
		fx.Annotate(NewMessageStore, fx.As(new(ports.MessageStore))),
		fx.Annotate(NewFolderStore, fx.As(new(ports.FolderStore))),
		fx.Annotate(NewMemoryStore, fx.As(new(ports.MemoryStore))),
		fx.Annotate(NewAgentStore, fx.As(new(ports.AgentStore))),
		fx.Annotate(NewFAQStore, fx.As(new(ports.FAQStore))),
		fx.Annotate(NewMPIStore, fx.As(new(ports.MPIRecordStore)), fx.As(new(ports.TrustStore))),
		fx.Annotate(NewCampaignStore, fx.As(new(ports.CampaignStore)), fx.As(new(ports.CardJobStore)), fx.As(new(ports.CardStore)),
			fx.As(new(ports.EngineUsageStore)), fx.As(new(ports.DistributionEventStore))),
		fx.Annotate(NewInsightsStore, fx.As(new(ports.InsightsStore))),
		fx.Annotate(NewGeoStore, fx.As(new(ports.GeoStore))),
	),
)

// newFxDB opens the database for fx. fx constructors get no context, so
// this one bounds its own.
func newFxDB(lc fx.Lifecycle, cfg Config) (*DB, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), openTimeout)
	defer cancel()
	db, err := Open(ctx, cfg.URL)
	if err != nil {
		return nil, err
	}
	if cfg.AutoMigrate {
		if err := db.Migrate(ctx); err != nil {
			_ = db.Close()
			return nil, fmt.Errorf("auto-migrate: %w", err)
		}
	}
	lc.Append(fx.Hook{OnStop: func(context.Context) error { return db.Close() }})
	return db, nil
}
