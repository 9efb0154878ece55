// Command nofx shows Kente used as a library without fx: it opens an SQLite
// database, builds the identity service by hand from its adapters, registers
// a user and signs in with the access code it was given.
//
//	go run ./examples/nofx [-db /tmp/nofx.db]
package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/app/auditsvc"
	"github.com/kente-gov/kente/app/identitysvc"
	"github.com/kente-gov/kente/core/identity"
	"github.com/kente-gov/kente/ports"
)

func main() {
	dbPath := flag.String("db", filepath.Join(os.TempDir(), "kente-nofx.db"), "SQLite file to use")
	flag.Parse()
	if err := run(context.Background(), *dbPath, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "nofx:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, dbPath string, out io.Writer) error {
	db, err := sqlstore.Open(ctx, "sqlite://"+dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}

	pepper := make([]byte, 32) // a real deployment reads KENTE_CODE_PEPPER
	if _, err := rand.Read(pepper); err != nil {
		return err
	}
	logger := slog.New(slog.DiscardHandler)
	auditLog := auditsvc.New(sqlstore.NewAuditLog(db), ports.SystemClock{}, rand.Reader, logger)
	svc := identitysvc.New(identitysvc.Deps{
		Users:    sqlstore.NewUserStore(db),
		Sessions: sqlstore.NewSessionStore(db),
		Tx:       db,
		Counters: sqlstore.NewCounters(db),
		Audit:    auditLog,
		Clock:    ports.SystemClock{},
		Rand:     rand.Reader,
		Log:      logger,
	}, identitysvc.Options{Pepper: pepper, Hash: identity.DefaultHashParams})

	email := fmt.Sprintf("nofx-%d@example.gov.gh", os.Getpid())
	reg, err := svc.Register(ctx, identity.Registration{Email: email, FullName: "Ama Nofx", Department: "Examples"},
		identitysvc.ClientMeta{UserAgent: "examples/nofx"})
	if err != nil {
		return fmt.Errorf("register: %w", err)
	}
	fmt.Fprintf(out, "registered %s (%s) with access code %s\n", reg.User.Email, reg.User.ID, reg.AccessCode)

	in, err := svc.Login(ctx, identitysvc.Credentials{AccessCode: reg.AccessCode}, identitysvc.ClientMeta{UserAgent: "examples/nofx"})
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	p, err := svc.Authenticate(ctx, in.Token, identitysvc.ClientMeta{})
	if err != nil {
		return fmt.Errorf("authenticate: %w", err)
	}
	fmt.Fprintf(out, "signed in as %s, tier %s, role %s\n", p.User.FullName, p.User.Tier, p.User.Role)
	check, err := auditLog.Verify(ctx)
	if err != nil {
		return fmt.Errorf("verify audit log: %w", err)
	}
	fmt.Fprintf(out, "audit log: %d records, chain intact: %t\n", check.Checked, check.Break == nil)
	return nil
}
