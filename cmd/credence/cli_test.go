package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/credence-project/credence/models"
)

// cli runs one credence command in this process, as a user would type it.
func cli(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), err
}

// TestCommandLineCallsTheServices: user add, import (every format, through the one import
// pipeline), assign and audit export work on a database without a server, and say what they
// did.
func TestCommandLineCallsTheServices(t *testing.T) {
	t.Setenv("CREDENCE_BCRYPT_COST", "4")
	dir := t.TempDir()
	db := filepath.Join(dir, "c.db")
	out, _, err := cli(t, "user", "add", "--db", db, "--email", "rev@example.org", "--name", "Rev", "--role", "reviewer", "--password", "rev-password")
	if err != nil || !strings.Contains(out, "created reviewer rev@example.org") {
		t.Fatalf("user add: %v %q", err, out)
	}
	if _, _, err := cli(t, "user", "add", "--db", db, "--email", "rev@example.org", "--name", "Rev", "--role", "reviewer", "--password", "rev-password"); err == nil {
		t.Fatal("user add of a taken email succeeded")
	}
	if _, _, err := cli(t, "user", "add", "--db", db, "--email", "x@example.org", "--name", "X", "--role", "editor", "--password", "x-password"); err == nil || !strings.Contains(err.Error(), "role") {
		t.Fatalf("user add of an unknown role: %v", err)
	}
	if _, _, err := cli(t, "user", "add", "--db", db, "--email", "y@example.org", "--name", "Y", "--role", "admin", "--password", "short"); err == nil || !strings.Contains(err.Error(), "at least 8") {
		t.Fatalf("user add of a short password: %v", err)
	}

	store, err := models.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	if err := store.CreateOutlet(ctx, 0, &models.Outlet{Name: "Daily Planet", Domains: []string{"planet.example"}}); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"a.jsonl": `{"outlet":"Daily Planet","title":"One","text":"The first article."}` + "\n" + `{"outlet":"Nowhere","title":"Bad","text":"x"}` + "\n",
		"b.json":  `[{"outlet":"planet.example","title":"Two","text":"The second article."}]`,
		"c.html":  `<html><head><title>Three</title></head><body><p>The third article.</p></body></html>`,
		"d.txt":   "Four\n\nThe fourth article.\n",
	}
	var paths []string
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	out, errOut, err := cli(t, append([]string{"import", "--db", db, "--outlet", "Daily Planet"}, paths...)...)
	if err == nil || !strings.Contains(out, "imported 4 articles, skipped 0 duplicates, 1 lines with errors") ||
		!strings.Contains(errOut, "a.jsonl:2: unknown_outlet:") {
		t.Fatalf("import: %v\n%s\n%s", err, out, errOut)
	}
	out, _, _ = cli(t, append([]string{"import", "--db", db, "--outlet", "Daily Planet"}, paths...)...)
	if !strings.Contains(out, "imported 0 articles, skipped 4 duplicates") {
		t.Fatalf("import again: %s", out)
	}
	arts, _, err := store.ListArticles(ctx, models.ArticleFilter{Page: models.Page{Limit: 10}})
	if err != nil || len(arts) != 4 {
		t.Fatalf("stored articles: %d %v", len(arts), err)
	}

	out, _, err = cli(t, "assign", "--db", db, "--per-article", "1", itoa(arts[0].ID)+","+itoa(arts[1].ID))
	if err != nil || !strings.Contains(out, "assigned 2 new, 0 already held") {
		t.Fatalf("assign: %v %q", err, out)
	}
	if _, _, err := cli(t, "assign", "--db", db, "999999"); err == nil || !strings.Contains(err.Error(), "no article with id 999999") {
		t.Fatalf("assign of an unknown article: %v", err)
	}

	out, _, err = cli(t, "audit", "export", "--db", db, "--format", "jsonl", "--entity", "article")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("audit export: %d article entries, want 4:\n%s", len(lines), out)
	}
	var e struct {
		Entity, Action string
	}
	if err := json.Unmarshal([]byte(lines[0]), &e); err != nil || e.Entity != "article" {
		t.Fatalf("audit entry %q: %v %+v", lines[0], err, e)
	}
	if _, _, err := cli(t, "audit", "export", "--db", db, "--format", "xml"); err == nil {
		t.Fatal("audit export in an unknown format succeeded")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
