package server

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/kente-gov/kente/adapters/jwtauth"
	"github.com/kente-gov/kente/adapters/sqlstore"
	"github.com/kente-gov/kente/app/auditsvc"
	"github.com/kente-gov/kente/app/config"
	"github.com/kente-gov/kente/app/programmesvc"
	"github.com/kente-gov/kente/ports"
)

// ProgrammeCommand runs "kente programme create --email E --name N
// --country SN [--admin] [--password-file F | --password P]": it creates a
// programme and its first user (super_admin on an is_admin programme with
// --admin). Without --password-file or --password the password is the first
// line of stdin. The database is migrated first when cfg.AutoMigrate is set.
func ProgrammeCommand(ctx context.Context, cfg config.Config, args []string, stdin io.Reader, out io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: kente programme create --email E --name N --country SN [--phone P] [--admin] [--password-file F | --password P]")
	}
	fs := flag.NewFlagSet("programme create", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	email := fs.String("email", "", "login email of the first user")
	name := fs.String("name", "", "programme name")
	country := fs.String("country", "", "ISO 3166-1 alpha-2 country, e.g. SN")
	phone := fs.String("phone", "", "contact phone")
	admin := fs.Bool("admin", false, "make the programme a platform administrator")
	pwFile := fs.String("password-file", "", "read the password from this file")
	pw := fs.String("password", "", "the password (for scripts; prefer --password-file or stdin)")
	if err := fs.Parse(args[1:]); err != nil {
		return fmt.Errorf("programme create: %w", err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("programme create: unexpected argument %q", fs.Arg(0))
	}
	password := *pw
	switch {
	case *pwFile != "" && *pw != "":
		return errors.New("programme create: give --password-file or --password, not both")
	case *pwFile != "":
		b, err := os.ReadFile(*pwFile)
		if err != nil {
			return fmt.Errorf("programme create: read password file: %w", err)
		}
		password = strings.TrimRight(string(b), "\r\n")
	case *pw == "":
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("programme create: read password from stdin: %w", err)
		}
		password = strings.TrimRight(line, "\r\n")
	}

	db, err := sqlstore.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if cfg.AutoMigrate {
		if err := db.Migrate(ctx); err != nil {
			return err
		}
	}
	codec, err := jwtauth.New([]byte(cfg.Secrets.JWTSecret), "", "")
	if err != nil {
		return err
	}
	logger := slog.New(slog.DiscardHandler)
	svc := programmesvc.New(programmesvc.Deps{
		Programmes: sqlstore.NewProgrammeStore(db), Users: sqlstore.NewProgrammeUserStore(db),
		Sessions: sqlstore.NewRefreshTokenStore(db), Modules: sqlstore.NewModuleChecker(db), Tokens: codec,
		Tx: db, Counters: sqlstore.NewCounters(db),
		Audit: auditsvc.New(sqlstore.NewAuditLog(db), ports.SystemClock{}, rand.Reader, logger),
		Clock: ports.SystemClock{}, Rand: rand.Reader, Log: logger,
	}, programmesvc.Options{Pepper: []byte(cfg.Secrets.CodePepper), Hash: cfg.Hash})
	a, err := svc.CreateProgramme(ctx, programmesvc.NewProgramme{
		Registration: programmesvc.Registration{Email: *email, Password: password, Name: *name, Country: *country, Phone: *phone},
		IsAdmin:      *admin,
	}, "", programmesvc.ClientMeta{UserAgent: "kente-cli"})
	if err != nil {
		return fmt.Errorf("programme create: %w", err)
	}
	fmt.Fprintf(out, "programme %s created: %s <%s>, role %s, is_admin %t\n", a.Programme.ID, a.Programme.Name, a.User.Email, a.User.Role, a.Programme.IsAdmin)
	return nil
}
