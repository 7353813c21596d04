package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/credence-project/credence/models"
)

// errUsePgDump is what "credence backup" answers for a PostgreSQL database: its own tools
// make consistent online copies, and a second, weaker copy tool here would only mislead.
var errUsePgDump = errors.New("backup copies SQLite databases; for PostgreSQL use pg_dump while the service runs " +
	"(pg_dump --format=custom --file=credence.dump \"$CREDENCE_DB\"), and pg_restore to restore it (see SECURITY.md)")

// backupCmd: credence backup [--db DSN] FILE. It writes a consistent copy of a live SQLite
// database with VACUUM INTO, which reads one snapshot inside a read transaction, so the
// service keeps serving (and writing) while the copy is made. FILE must not exist.
func backupCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c commonFlags
	fs := newFlagSet("backup", stderr, &c)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: credence backup [--db DSN] FILE   (a consistent copy of a running SQLite database; FILE must not exist)")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("backup needs exactly one FILE to write")
	}
	n, err := Backup(ctx, c.db, fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s (%d bytes, integrity ok)\n", fs.Arg(0), n)
	return nil
}

// Backup copies the SQLite database named by dsn into the new file dst and checks the copy
// with PRAGMA integrity_check. It returns the size of the copy. It refuses a PostgreSQL dsn,
// a source that does not exist (opening it would create an empty database) and a dst that
// exists. The copy is written beside dst, synced, then linked into place, so a crash never
// leaves a half-written dst behind.
func Backup(ctx context.Context, dsn, dst string) (int64, error) {
	dialect, src, err := models.ParseDSN(dsn)
	if err != nil {
		return 0, err
	}
	if dialect != "sqlite" {
		return 0, errUsePgDump
	}
	srcPath := strings.TrimPrefix(src, "file:")
	if i := strings.IndexByte(srcPath, '?'); i >= 0 {
		srcPath = srcPath[:i]
	}
	if srcPath == "" || srcPath == ":memory:" {
		return 0, fmt.Errorf("backup: %q is not a database file", src)
	}
	if st, err := os.Stat(srcPath); err != nil {
		return 0, fmt.Errorf("backup: the database %s: %w", srcPath, err)
	} else if !st.Mode().IsRegular() {
		return 0, fmt.Errorf("backup: the database %s is not a file", srcPath)
	}
	if _, err := os.Lstat(dst); err == nil {
		return 0, fmt.Errorf("backup: %s exists already; choose a new file name (a backup never overwrites)", dst)
	} else if !errors.Is(err, os.ErrNotExist) {
		return 0, fmt.Errorf("backup: %w", err)
	}

	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".partial-*")
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	tmpPath := tmp.Name()
	tmp.Close()
	// VACUUM INTO refuses a file that is not empty, and we want its exclusive create anyway.
	if err := os.Remove(tmpPath); err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(tmpPath)

	if err := vacuumInto(ctx, dsn, tmpPath); err != nil {
		return 0, err
	}
	// The copy holds password hashes and token hashes: only its owner may read it.
	if err := os.Chmod(tmpPath, 0o600); err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	if err := checkIntegrity(ctx, tmpPath); err != nil {
		return 0, err
	}
	// SQLite does not sync the file VACUUM INTO writes.
	size, err := syncFile(tmpPath)
	if err != nil {
		return 0, fmt.Errorf("backup: sync: %w", err)
	}
	// A hard link fails if dst appeared meanwhile, where a rename would replace it.
	if err := os.Link(tmpPath, dst); err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	if d, err := os.Open(filepath.Dir(dst)); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return size, nil
}

func vacuumInto(ctx context.Context, dsn, path string) error {
	store, err := models.Open(dsn)
	if err != nil {
		return err
	}
	defer store.Close()
	db, err := store.SQLDB()
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return fmt.Errorf("backup: VACUUM INTO: %w", err)
	}
	return nil
}

// checkIntegrity opens a copy the way the service would and asks SQLite to check it.
func checkIntegrity(ctx context.Context, path string) error {
	store, err := models.Open(path)
	if err != nil {
		return err
	}
	defer store.Close()
	db, err := store.SQLDB()
	if err != nil {
		return err
	}
	rows, err := db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return fmt.Errorf("backup: integrity check: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(problems) > 0 {
		return fmt.Errorf("backup: the copy fails the integrity check: %s", strings.Join(problems, "; "))
	}
	return nil
}

func syncFile(path string) (int64, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return 0, err
	}
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}
