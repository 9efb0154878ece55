// Command kente runs the Kente server and its maintenance commands.
//
//	kente [serve]          start the server (default)
//	kente migrate up       apply database migrations
//	kente migrate status   list migrations and whether each is applied
//	kente programme create --email E --name N --country SN [--admin] [--password-file F | --password P]
//	                       create a programme and its first user (password from stdin by default)
//	kente version          print the version
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/kente-gov/kente/app/server"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "kente:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd = args[0]
	}
	switch cmd {
	case "version", "--version", "-v":
		fmt.Println("kente", server.Version)
		return nil
	case "help", "--help", "-h":
		fmt.Println("usage: kente [serve | migrate up|status | programme create … | version]")
		return nil
	case "serve", "migrate", "programme":
	default:
		return fmt.Errorf("unknown command %q (want serve, migrate, programme or version)", cmd)
	}

	cfg, err := server.LoadConfig()
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	logger := server.NewLogger(cfg, os.Stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if cmd == "programme" {
		return server.ProgrammeCommand(ctx, cfg, args[1:], os.Stdin, os.Stdout)
	}
	if cmd == "migrate" {
		if len(args) != 2 {
			return fmt.Errorf("usage: kente migrate up|status")
		}
		return server.Migrate(ctx, cfg, args[1], os.Stdout)
	}
	return server.Run(ctx, cfg, logger)
}
