package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/credence-project/credence/api"
	"github.com/credence-project/credence/models"
)

// openStore opens and migrates the database named by --db.
func openStore(ctx context.Context, dsn string) (*models.Store, error) {
	store, err := models.Open(dsn)
	if err != nil {
		return nil, err
	}
	if err := store.Migrate(ctx); err != nil {
		store.Close()
		return nil, err
	}
	return store, nil
}

func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c commonFlags
	fs := newFlagSet("migrate", stderr, &c)
	if err := fs.Parse(args); err != nil {
		return err
	}
	store, err := openStore(ctx, c.db)
	if err != nil {
		return err
	}
	defer store.Close()
	fmt.Fprintf(stdout, "database %s is up to date\n", store.Dialect())
	return nil
}

func userAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c commonFlags
	var email, name, role, password string
	fs := newFlagSet("user add", stderr, &c)
	fs.StringVar(&email, "email", "", "email address (required)")
	fs.StringVar(&name, "name", "", "display name (required)")
	fs.StringVar(&role, "role", "", "admin, reviewer or researcher (required)")
	fs.StringVar(&password, "password", "", "password of at least 8 characters (required; env CREDENCE_PASSWORD)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if password == "" {
		password = os.Getenv("CREDENCE_PASSWORD")
	}
	if email == "" || name == "" || role == "" || password == "" {
		return errors.New("user add needs --email, --name, --role and --password")
	}
	store, err := openStore(ctx, c.db)
	if err != nil {
		return err
	}
	defer store.Close()
	cfg := api.DefaultConfig()
	cfg.BcryptCost = intEnv("CREDENCE_BCRYPT_COST", cfg.BcryptCost)
	srv := api.New(cfg, store, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	u, err := srv.CreateUser(ctx, 0, email, name, role, password)
	if err != nil {
		return fmt.Errorf("user not created: %s", cleanError(err.Error()))
	}
	fmt.Fprintf(stdout, "created %s %s (id %d)\n", u.Role, u.Email, u.ID)
	return nil
}

// cleanError drops the machine code from an error for the console.
func cleanError(s string) string {
	if i := strings.Index(s, ": "); i > 0 && !strings.Contains(s[:i], " ") {
		return s[i+2:]
	}
	return s
}

func importFiles(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c commonFlags
	fs := newFlagSet("import", stderr, &c)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("import needs at least one FILE of newline-delimited JSON (- for standard input)")
	}
	store, err := openStore(ctx, c.db)
	if err != nil {
		return err
	}
	defer store.Close()
	srv := api.New(api.DefaultConfig(), store, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})), nil)
	if err := srv.Reprints().Sync(ctx); err != nil {
		return err
	}
	total := api.ImportResult{}
	failed := false
	for _, name := range fs.Args() {
		var r io.Reader = os.Stdin
		var size int64 = -1
		if name != "-" {
			f, err := os.Open(name)
			if err != nil {
				return err
			}
			defer f.Close()
			if st, err := f.Stat(); err == nil {
				size = st.Size()
			}
			r = f
		}
		var progress func(int64)
		if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			bar := progressbar.DefaultBytes(size, "importing "+name)
			progress = func(n int64) { _ = bar.Set64(n) }
			defer bar.Finish()
		}
		res, err := srv.Import(ctx, r, 0, progress)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		for _, e := range res.Errors {
			failed = true
			fmt.Fprintf(stderr, "%s:%d: %s: %s\n", name, e.Line, e.Code, e.Message)
		}
		total.Created += res.Created
		total.SkippedDuplicates += res.SkippedDuplicates
		total.Errors = append(total.Errors, res.Errors...)
	}
	fmt.Fprintf(stdout, "imported %d articles, skipped %d duplicates, %d lines with errors\n", total.Created, total.SkippedDuplicates, len(total.Errors))
	if failed {
		return fmt.Errorf("%d lines were not imported", len(total.Errors))
	}
	return nil
}
