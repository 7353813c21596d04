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

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/api"
	"github.com/credence-project/credence/app/imports"
	"github.com/credence-project/credence/app/reprints"
	"github.com/credence-project/credence/app/users"
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
	if err := parseFlags(fs, args); err != nil {
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
	fs.StringVar(&role, "role", "", "admin, reviewer, researcher or curator (required)")
	fs.StringVar(&password, "password", "", "password of at least 8 characters (required; env CREDENCE_PASSWORD)")
	cost := fs.Int("bcrypt-cost", api.DefaultConfig().BcryptCost, "password hashing cost (env CREDENCE_BCRYPT_COST)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if email == "" || name == "" || role == "" || password == "" {
		return errors.New("user add needs --email, --name, --role and --password")
	}
	store, err := openStore(ctx, c.db)
	if err != nil {
		return err
	}
	defer store.Close()
	u, err := users.New(store, *cost).Add(ctx, 0, email, name, role, password)
	if err != nil {
		var de *annotate.Error
		if errors.As(err, &de) {
			return fmt.Errorf("user not created: %s", de.Message)
		}
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

// importFiles: credence import [--format F] [--outlet O] FILE... Each file goes through the
// one import pipeline (app/imports), in whichever format its name or contents say.
func importFiles(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c commonFlags
	var opt imports.Options
	fs := newFlagSet("import", stderr, &c)
	fs.StringVar(&opt.Format, "format", "", "ndjson, json, text or html (default: from each file's name, else its contents)")
	fs.StringVar(&opt.Outlet, "outlet", "", "outlet (id, name, alias or domain) of articles that name none")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("import needs at least one FILE: newline-delimited JSON, a JSON array, text or HTML (- for standard input)")
	}
	store, err := openStore(ctx, c.db)
	if err != nil {
		return err
	}
	defer store.Close()
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	rp := reprints.New(store, log)
	if err := rp.Sync(ctx); err != nil {
		return err
	}
	svc := imports.New(store, rp)
	var created, skipped, failed int
	for _, name := range fs.Args() {
		rep, err := importFile(ctx, svc, name, opt, stderr)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		for _, e := range rep.Errors {
			fmt.Fprintf(stderr, "%s:%d: %s: %s\n", name, e.Line, e.Code, e.Message)
		}
		if rep.Truncated {
			fmt.Fprintf(stderr, "%s: %d more lines with errors not listed\n", name, rep.ErrorCount-len(rep.Errors))
		}
		created += rep.Created
		skipped += rep.SkippedDuplicates
		failed += rep.ErrorCount
	}
	fmt.Fprintf(stdout, "imported %d articles, skipped %d duplicates, %d lines with errors\n", created, skipped, failed)
	if failed > 0 {
		return fmt.Errorf("%d lines were not imported", failed)
	}
	return nil
}

// importFile imports one file (- for standard input), with a progress bar on a terminal.
func importFile(ctx context.Context, svc *imports.Service, name string, opt imports.Options, stderr io.Writer) (imports.Report, error) {
	var r io.Reader = os.Stdin
	var size int64 = -1
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return imports.Report{}, err
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil {
			size = st.Size()
		}
		r = f
		opt.Filename = name
	}
	var progress func(items int, read int64)
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		bar := progressbar.DefaultBytes(size, "importing "+name)
		progress = func(_ int, read int64) { _ = bar.Set64(read) }
		defer bar.Finish()
	}
	return svc.Import(ctx, r, opt, 0, progress)
}
