package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/credence-project/credence/models"
)

// runCLI runs the binary with args and returns its combined output and exit status.
func runCLI(t *testing.T, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(credenceBinary(t), args...)
	cmd.Env = append(os.Environ(), "CREDENCE_DB=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatalf("run credence %v: %v", args, err)
		}
	}
	return string(out), cmd.ProcessState.ExitCode()
}

// TestBackupWhileWriting backs up the SQLite database of a running service while reviewers
// write annotations, then checks the copy: it passes PRAGMA integrity_check, every row in it
// equals the source row with the same id, it holds every annotation acknowledged before the
// backup started, and a service started on it serves them.
func TestBackupWhileWriting(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "credence.db")
	backup := filepath.Join(dir, "backup.db")
	s := startService(t, db)
	f := newFixture(t, s.URL, 3)

	load := startWriteLoad(f, 4)
	waitFor(t, 30*time.Second, "100 acknowledged annotations", func() bool {
		load.mu.Lock()
		defer load.mu.Unlock()
		return len(load.acked) >= 100
	})
	load.mu.Lock()
	ackedBefore := make([]int64, 0, len(load.acked))
	for id := range load.acked {
		ackedBefore = append(ackedBefore, id)
	}
	load.mu.Unlock()
	sentBefore := load.sent.Load()

	began := time.Now()
	out, code := runCLI(t, "backup", "--db", db, backup)
	took := time.Since(began)
	if code != 0 {
		t.Fatalf("credence backup: exit %d: %s", code, out)
	}
	sentDuring := load.sent.Load() - sentBefore
	// Writes after the backup, which it must not hold: wait for some to be acknowledged.
	load.mu.Lock()
	ackedAfter := len(load.acked)
	load.mu.Unlock()
	waitFor(t, 30*time.Second, "writes acknowledged after the backup", func() bool {
		load.mu.Lock()
		defer load.mu.Unlock()
		return len(load.acked) >= ackedAfter+20
	})
	load.finish()
	load.checkNoFailures(t)
	if sentDuring == 0 {
		t.Fatalf("no write was sent while the backup ran (%s): the test did not overlap them", took)
	}
	t.Logf("backup took %s while %d annotations were written; %s", took, sentDuring, strings.TrimSpace(out))
	if st, err := os.Stat(backup); err != nil {
		t.Fatal(err)
	} else if st.Mode().Perm() != 0o600 {
		t.Errorf("backup mode %v, want 0600 (it holds password hashes)", st.Mode().Perm())
	}
	matches, _ := filepath.Glob(filepath.Join(dir, ".backup.db.partial-*"))
	if len(matches) > 0 {
		t.Errorf("the backup left temporary files: %v", matches)
	}

	integrityCheck(t, backup)
	src, err := models.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	cp, err := models.Open(backup)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	var backedUp map[int64]map[string]any
	for _, table := range []string{"users", "outlets", "articles", "annotations"} {
		want, got := rowsByID(t, src, table), rowsByID(t, cp, table)
		differ := 0
		for id, row := range got {
			if d := rowDiff(row, want[id]); d != "" {
				if differ++; differ <= 3 {
					t.Errorf("%s %d in the backup differs from the source: %s", table, id, d)
				}
			}
		}
		if table == "annotations" {
			backedUp = got
			if len(got) >= len(want) {
				t.Errorf("the backup holds %d annotations and the source %d: writes after the backup should be missing from it", len(got), len(want))
			}
		} else if len(got) != len(want) {
			t.Errorf("%s: %d rows in the backup, %d in the source", table, len(got), len(want))
		}
	}
	for _, id := range ackedBefore {
		if _, ok := backedUp[id]; !ok {
			t.Errorf("annotation %d, acknowledged before the backup began, is not in it", id)
		}
	}
	t.Logf("backup holds %d annotations; %d were acknowledged before it began", len(backedUp), len(ackedBefore))

	// Restore: a service started on the copy serves what the copy holds.
	s.stop()
	restored := startService(t, backup)
	served := storedAnnotations(t, f.admin.withBase(restored.URL), f.articles)
	if len(served) != len(backedUp) {
		t.Errorf("the restored service serves %d annotations, the backup holds %d", len(served), len(backedUp))
	}
	for _, id := range ackedBefore {
		if want, got := withoutJoined(load.acked[id]), withoutJoined(served[id]); !reflect.DeepEqual(want, got) {
			t.Errorf("restored annotation %d:\ngot  %v\nwant %v", id, got, want)
		}
	}
	restored.stop()
}

// counters are columns that later writes advance: articles.data_version counts the changes to
// an article's annotations (it keys the score cache). In a backup such a column may only be
// behind the source, never ahead; every other column must be equal.
var counters = map[string]bool{"data_version": true}

// rowDiff says how a backup row differs from its source row ("" when it does not).
func rowDiff(backup, source map[string]any) string {
	if source == nil {
		return "the source has no such row"
	}
	if len(backup) != len(source) {
		return fmt.Sprintf("%d columns in the backup, %d in the source", len(backup), len(source))
	}
	for col, v := range backup {
		w := source[col]
		if counters[col] {
			bv, ok1 := v.(int64)
			sv, ok2 := w.(int64)
			if !ok1 || !ok2 || bv > sv {
				return fmt.Sprintf("counter %s is %v in the backup, %v in the source", col, v, w)
			}
			continue
		}
		if !reflect.DeepEqual(v, w) {
			return fmt.Sprintf("column %s is %.80v in the backup, %.80v in the source", col, v, w)
		}
	}
	return ""
}

// TestBackupRefuses: an existing FILE is never overwritten, a PostgreSQL database is sent to
// pg_dump, and a database that does not exist is not created by trying to back it up.
func TestBackupRefuses(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "credence.db")
	if out, code := runCLI(t, "migrate", "--db", db); code != 0 {
		t.Fatalf("migrate: %s", out)
	}

	t.Run("ExistingFile", func(t *testing.T) {
		existing := filepath.Join(dir, "keep.db")
		if err := os.WriteFile(existing, []byte("precious"), 0o600); err != nil {
			t.Fatal(err)
		}
		before := sha256.Sum256([]byte("precious"))
		out, code := runCLI(t, "backup", "--db", db, existing)
		if code == 0 || !strings.Contains(out, "exists already") {
			t.Fatalf("backup onto an existing file: exit %d: %s", code, out)
		}
		b, _ := os.ReadFile(existing)
		if sha256.Sum256(b) != before {
			t.Fatal("the existing file was changed")
		}
	})

	t.Run("PostgreSQL", func(t *testing.T) {
		target := filepath.Join(dir, "pg.db")
		out, code := runCLI(t, "backup", "--db", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", target)
		if code == 0 || !strings.Contains(out, "pg_dump") || !strings.Contains(out, "pg_restore") {
			t.Fatalf("backup of PostgreSQL: exit %d: %s", code, out)
		}
		if _, err := os.Stat(target); err == nil {
			t.Fatal("a file was written for a PostgreSQL backup")
		}
	})

	t.Run("MissingDatabase", func(t *testing.T) {
		missing := filepath.Join(dir, "nope.db")
		out, code := runCLI(t, "backup", "--db", missing, filepath.Join(dir, "nope-backup.db"))
		if code == 0 || !strings.Contains(out, "no such file") {
			t.Fatalf("backup of a missing database: exit %d: %s", code, out)
		}
		if _, err := os.Stat(missing); err == nil {
			t.Fatal("backing up a missing database created it")
		}
	})

	t.Run("NoFile", func(t *testing.T) {
		out, code := runCLI(t, "backup", "--db", db)
		if code == 0 || !strings.Contains(out, "exactly one FILE") {
			t.Fatalf("backup without FILE: exit %d: %s", code, out)
		}
	})

	t.Run("InProcess", func(t *testing.T) {
		// The command through run(), as main calls it, for the coverage of this package.
		var stdout, stderr bytes.Buffer
		target := filepath.Join(dir, "inprocess.db")
		if err := run(context.Background(), []string{"backup", "--db", "sqlite:" + db, target}, &stdout, &stderr); err != nil {
			t.Fatalf("backup: %v\n%s", err, stderr.String())
		}
		if !strings.Contains(stdout.String(), "integrity ok") {
			t.Fatalf("backup said %q", stdout.String())
		}
		integrityCheck(t, target)
	})
}
