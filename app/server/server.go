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
	"github.com/kente-gov/kente/adapters/redisstore"
	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/adapters/webauthn"
	"github.com/kente-gov/kente/app/auditsvc"
	"github.com/kente-gov/kente/app/config"
	"github.com/kente-gov/kente/app/identitysvc"
	"github.com/kente-gov/kente/app/passkeysvc"
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
			newHTTPServer,
		),
		sqlstore.Module,
		httpapi.Module,
		fx.Invoke(func(*http.Server) {}),
	}
	if profile == ProfileCluster {
		opts = append(opts, fx.Provide(
			newRedis,
			fx.Annotate(func(db *redisstore.DB) ports.Pinger { return db }, fx.ResultTags(`group:"ready"`)),
		))
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
