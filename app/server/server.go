// Package server is Kente's composition root: it chooses adapters from
// configuration, wires them with fx, and runs the HTTP server. Deployment
// profiles live here.
package server

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"go.uber.org/fx"
	"go.uber.org/fx/fxevent"

	"github.com/kente-gov/kente/adapters/httpapi"
	"github.com/kente-gov/kente/adapters/jwtauth"
	"github.com/kente-gov/kente/adapters/redisstore"
	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/webauthn"
	"github.com/kente-gov/kente/app/auditsvc"
	"github.com/kente-gov/kente/app/config"
	"github.com/kente-gov/kente/app/identitysvc"
	"github.com/kente-gov/kente/app/jobsvc"
	"github.com/kente-gov/kente/app/mpisvc"
	"github.com/kente-gov/kente/app/passkeysvc"
	"github.com/kente-gov/kente/app/programmesvc"
	"github.com/kente-gov/kente/app/walletsvc"
	"github.com/kente-gov/kente/core/fault"
	"github.com/kente-gov/kente/core/job"
	"github.com/kente-gov/kente/ports"
)

// Deployment profiles.
const (
	// ProfileStandalone is one process on any SQL database (SQLite by
	// default) with in-process state.
	ProfileStandalone = "standalone"
	// ProfileCluster is N stateless instances on a shared SQL database
	// (PostgreSQL) and Redis for shared state.
	ProfileCluster = "cluster"
)

// Profiles lists every shipped profile.
func Profiles() []string { return []string{ProfileStandalone, ProfileCluster} }

// ProfileOf returns the profile cfg selects: cluster when Redis is
// configured, standalone otherwise.
func ProfileOf(cfg config.Config) string {
	if cfg.RedisURL != "" {
		return ProfileCluster
	}
	return ProfileStandalone
}

// Version is the build's version, set with -ldflags by the Makefile.
var Version = "dev"

// Options returns the fx options that build a server for cfg.
func Options(cfg config.Config, logger *slog.Logger) fx.Option {
	return OptionsFor(ProfileOf(cfg), cfg, logger)
}

// OptionsFor returns the fx options of a named profile.
func OptionsFor(profile string, cfg config.Config, logger *slog.Logger) fx.Option {
	opts := []fx.Option{
		fx.Supply(cfg, logger),
		fx.WithLogger(func() fxevent.Logger {
			if cfg.LogLevel <= slog.LevelDebug {
				return &fxevent.SlogLogger{Logger: logger}
			}
			return fxevent.NopLogger
		}),
		fx.Provide(
			func(c config.Config) sqlstore.Config {
				return sqlstore.Config{URL: c.DatabaseURL, AutoMigrate: c.AutoMigrate}
			},
			fx.Annotate(func(db *sqlstore.DB) ports.Pinger { return db }, fx.ResultTags(`group:"ready"`)),
			func(c config.Config) httpapi.Options {
				return httpapi.Options{
					CORSOrigins:    c.CORSOrigins,
					BodyLimit:      c.BodyLimit,
					TrustedProxies: c.TrustedProxies,
					Version:        Version,
				}
			},
			newIdentity,
			newAudit,
			fx.Annotate(newRelyingParty, fx.As(new(ports.Passkeys))),
			newPasskeys,
			newTiers,
			newBilling,
			fx.Annotate(newAccessTokens, fx.As(new(ports.AccessTokens))),
			newProgrammes,
			newMPI,
			fx.Annotate(newMPIRecomputeJob, fx.ResultTags(`group:"job_handlers"`)),
			newBillingV1,
			newCampaigns,
			newInsights,
			newGeo,
			fx.Annotate(newCampaignJob, fx.ResultTags(`group:"job_handlers"`)),
			newWallet,
			newChat,
			newHTTPServer,
		),
		sqlstore.Module,
		httpapi.Module,
		fx.Provide(newJobRunner),
		fx.Invoke(func(*http.Server, *jobsvc.Runner) {}),
		// The wallet is optional in httpapi; building it here makes a wiring
		// gap fail start-up instead of turning the wallet routes into 503s.
		fx.Invoke(func(*walletsvc.Service) {}),
		fx.Invoke(reindexMPIKeysAtStart),
	}
	if profile == ProfileCluster {
		opts = append(opts, fx.Provide(
			newRedis,
			fx.Annotate(func(db *redisstore.DB) ports.Pinger { return db }, fx.ResultTags(`group:"ready"`)),
			fx.Annotate(redisstore.NewRateLimitStore, fx.As(new(ports.RateLimitStore))),
		))
	} else {
		opts = append(opts, fx.Provide(newMemoryLimits))
	}
	return fx.Options(opts...)
}

type identityIn struct {
	fx.In
	Config   config.Config
	Users    ports.UserStore
	Sessions ports.SessionStore
	Tx       ports.Tx
	Counters ports.Counters
	Audit    *auditsvc.Service
	Log      *slog.Logger
}

func newIdentity(in identityIn) *identitysvc.Service {
	return identitysvc.New(identitysvc.Deps{
		Users: in.Users, Sessions: in.Sessions, Tx: in.Tx, Counters: in.Counters, Audit: in.Audit,
		Activity: ports.NoActivity{}, Clock: ports.SystemClock{}, Rand: rand.Reader, Log: in.Log,
	}, identitysvc.Options{
		Pepper:          []byte(in.Config.Secrets.CodePepper),
		Hash:            in.Config.Hash,
		CacheTTL:        in.Config.SessionCacheTTL,
		BootstrapSecret: in.Config.Secrets.BootstrapSecret,
	})
}

// newAudit builds the audit service; List names actors from the user store.
func newAudit(log ports.AuditLog, users ports.UserStore, logger *slog.Logger) *auditsvc.Service {
	return auditsvc.New(log, ports.SystemClock{}, rand.Reader, logger).WithUsers(users)
}

// newRelyingParty is the WebAuthn relying party of cfg.WebAuthn (never a
// request's Host header).
func newRelyingParty(cfg config.Config) (*webauthn.RelyingParty, error) {
	return webauthn.New(cfg.WebAuthn)
}

// newPasskeys builds the passkey service; sessions start through identity
// and every outcome is audited.
func newPasskeys(users ports.UserStore, passkeys ports.PasskeyStore, challenges ports.ChallengeStore, rp ports.Passkeys,
	id *identitysvc.Service, audit *auditsvc.Service, tx ports.Tx, log *slog.Logger) *passkeysvc.Service {
	return passkeysvc.New(users, passkeys, challenges, rp, id, audit, tx, ports.SystemClock{}, rand.Reader, log)
}

// newAccessTokens is the /api/v1 JWT codec keyed by KENTE_JWT_SECRET.
func newAccessTokens(cfg config.Config) (*jwtauth.Codec, error) {
	return jwtauth.New([]byte(cfg.Secrets.JWTSecret), "", "")
}

type programmesIn struct {
	fx.In
	Config     config.Config
	Programmes ports.ProgrammeStore
	Users      ports.ProgrammeUserStore
	Sessions   ports.RefreshTokenStore
	Modules    ports.ModuleChecker
	Tokens     ports.AccessTokens
	Tx         ports.Tx
	Counters   ports.Counters
	Audit      *auditsvc.Service
	Log        *slog.Logger
}

// newProgrammes builds the Oomus account service.
func newProgrammes(in programmesIn) *programmesvc.Service {
	return programmesvc.New(programmesvc.Deps{
		Programmes: in.Programmes, Users: in.Users, Sessions: in.Sessions, Modules: in.Modules, Tokens: in.Tokens,
		Tx: in.Tx, Counters: in.Counters, Audit: in.Audit, Clock: ports.SystemClock{}, Rand: rand.Reader, Log: in.Log,
	}, programmesvc.Options{
		Pepper:     []byte(in.Config.Secrets.CodePepper),
		Hash:       in.Config.Hash,
		AccessTTL:  in.Config.JWTAccessTTL,
		RefreshTTL: in.Config.RefreshTTL,
	})
}

type walletIn struct {
	fx.In
	Config  config.Config
	Passes  ports.PassStore
	Devices ports.DeviceStore
	Syncs   ports.SyncStore
	Keys    ports.SigningKeyStore
	Audit   *auditsvc.Service
	Log     *slog.Logger
}

// newWallet builds the Sovereign Wallet service keyed by
// KENTE_WALLET_HMAC_KEY. Without the key (a hand-built config that skipped
// ResolveSecrets) there is no service and the wallet routes answer 503; a
// key shorter than 32 bytes is a start-up error.
func newWallet(in walletIn) (*walletsvc.Service, error) {
	if in.Config.Secrets.WalletHMACKey == "" {
		in.Log.Warn("KENTE_WALLET_HMAC_KEY is not set: the wallet routes answer 503")
		return nil, nil
	}
	svc, err := walletsvc.New(walletsvc.Stores{Passes: in.Passes, Devices: in.Devices, Syncs: in.Syncs, Keys: in.Keys},
		in.Audit, ports.SystemClock{}, rand.Reader, []byte(in.Config.Secrets.WalletHMACKey), in.Log)
	if err != nil {
		return nil, fmt.Errorf("KENTE_WALLET_HMAC_KEY: %w", err)
	}
	return svc, nil
}

// newMPI builds the master patient index and trust score service with the
// §4.5 weights and §15.13 bands; no programme requires a legal ID yet.
// Card tokens are keyed by KENTE_CARD_HMAC_KEY; admin stats read the audit
// log.
func newMPI(records ports.MPIRecordStore, trust ports.TrustStore, tx ports.Tx, audit *auditsvc.Service, log ports.AuditLog, cfg config.Config) *mpisvc.Service {
	mc := mpisvc.DefaultConfig()
	mc.CardKey = []byte(cfg.Secrets.CardHMACKey)
	return mpisvc.New(records, trust, tx, audit, nil, ports.SystemClock{}, rand.Reader, mc).WithAuditLog(log)
}

// newMPIRecomputeJob runs queued batch trust recomputes; a payload without
// a programme id fails permanently instead of being retried.
func newMPIRecomputeJob(svc *mpisvc.Service) jobsvc.Registration {
	return jobsvc.Registration{Kind: mpisvc.RecomputeKind, Handler: func(ctx context.Context, j job.Job) error {
		err := svc.RecomputeHandler(ctx, j)
		if fault.Is(err, fault.Invalid) {
			return jobsvc.Permanent(err)
		}
		return err
	}}
}

func newRedis(lc fx.Lifecycle, cfg config.Config) (*redisstore.DB, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	db, err := redisstore.Open(ctx, cfg.RedisURL)
	if err != nil {
		return nil, fmt.Errorf("connect redis: %w", err)
	}
	lc.Append(fx.StopHook(db.Close))
	return db, nil
}

// newHTTPServer listens at start (so a taken port fails start-up) and shuts
// down gracefully at stop, letting in-flight requests finish within the
// shutdown timeout.
func newHTTPServer(lc fx.Lifecycle, cfg config.Config, h http.Handler, log *slog.Logger) *http.Server {
	srv := &http.Server{
		Addr:              cfg.Addr,
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	lc.Append(fx.Hook{
		OnStart: func(ctx context.Context) error {
			ln, err := net.Listen("tcp", cfg.Addr)
			if err != nil {
				return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
			}
			log.Info("kente listening", "addr", ln.Addr().String(), "profile", ProfileOf(cfg), "version", Version)
			go func() {
				if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
					log.Error("http server stopped", "err", err)
				}
			}()
			return nil
		},
		OnStop: func(ctx context.Context) error {
			log.Info("kente shutting down")
			return srv.Shutdown(ctx)
		},
	})
	return srv
}

type jobRunnerIn struct {
	fx.In
	Queue    ports.JobQueue
	Log      *slog.Logger
	Handlers []jobsvc.Registration `group:"job_handlers"`
}

// newJobRunner runs the background jobs whose handlers the contexts provide
// in the "job_handlers" group; it starts with the app and, at stop, lets
// running jobs finish within the shutdown timeout.
func newJobRunner(lc fx.Lifecycle, in jobRunnerIn) *jobsvc.Runner {
	host, _ := os.Hostname()
	r := jobsvc.New(in.Queue, ports.SystemClock{}, in.Log, jobsvc.Options{Worker: fmt.Sprintf("%s/%d", host, os.Getpid())}, in.Handlers...)
	lc.Append(fx.Hook{
		OnStart: func(context.Context) error { r.Start(); return nil },
		OnStop:  r.Stop,
	})
	return r
}

// NewLogger builds the process logger from cfg.
func NewLogger(cfg config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// LoadConfig reads the environment and resolves secrets.
func LoadConfig() (config.Config, error) {
	cfg, err := config.Load(os.LookupEnv)
	if err != nil {
		return config.Config{}, err
	}
	if err := cfg.ResolveSecrets(rand.Reader); err != nil {
		return config.Config{}, err
	}
	return cfg, nil
}

// Run starts a server for cfg and blocks until ctx is cancelled, then shuts
// down gracefully within cfg.ShutdownTimeout.
func Run(ctx context.Context, cfg config.Config, logger *slog.Logger) error {
	app := fx.New(Options(cfg, logger), fx.StartTimeout(60*time.Second), fx.StopTimeout(cfg.ShutdownTimeout+5*time.Second))
	if err := app.Err(); err != nil {
		return err
	}
	startCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := app.Start(startCtx); err != nil {
		return err
	}
	<-ctx.Done()
	stopCtx, cancelStop := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancelStop()
	return app.Stop(stopCtx)
}

// Migrate runs "migrate up" or "migrate status" against cfg's database,
// writing a human report to out.
func Migrate(ctx context.Context, cfg config.Config, action string, out io.Writer) error {
	db, err := sqlstore.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	switch action {
	case "up":
		if err := db.Migrate(ctx); err != nil {
			return err
		}
		fmt.Fprintln(out, "migrations applied")
		fallthrough
	case "status":
		states, err := db.MigrationStatus(ctx)
		if err != nil {
			return err
		}
		for _, s := range states {
			status := "pending"
			if s.Applied {
				status = "applied " + s.AppliedAt.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(out, "%-40s %s\n", s.Name, status)
		}
		return nil
	}
	return fmt.Errorf("unknown migrate action %q: want up or status", action)
}
