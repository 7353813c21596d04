package models_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/credence-project/credence/models"
	"github.com/credence-project/credence/models/modeltest"
)

var ctx = context.Background()

func mustUser(t *testing.T, s *models.Store, email, role string) *models.User {
	t.Helper()
	u := &models.User{Email: email, Name: email, Role: role, PasswordHash: "x"}
	if err := s.CreateUser(ctx, 0, u); err != nil {
		t.Fatalf("create user: %v", err)
	}
	return u
}

func mustOutlet(t *testing.T, s *models.Store, name string, aliases, domains []string) *models.Outlet {
	t.Helper()
	o := &models.Outlet{Name: name, Aliases: aliases, Domains: domains}
	if err := s.CreateOutlet(ctx, 0, o); err != nil {
		t.Fatalf("create outlet %s: %v", name, err)
	}
	return o
}

func mustArticle(t *testing.T, s *models.Store, outlet int64, url, text string) *models.Article {
	t.Helper()
	a := &models.Article{OutletID: outlet, Title: "t", URL: url, Text: text, TextSHA256: text, TextLength: len(text), CreatedAt: time.Now()}
	if err := s.CreateArticle(ctx, 0, a); err != nil {
		t.Fatalf("create article: %v", err)
	}
	return a
}

func TestMigrateTwice(t *testing.T) {
	s := modeltest.Open(t)
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("second migrate should be a no-op: %v", err)
	}
}

func TestUsers(t *testing.T) {
	s := modeltest.Open(t)
	t.Run("OK", func(t *testing.T) {
		u := mustUser(t, s, "Ann@Example.org", "reviewer")
		got, err := s.UserByEmail(ctx, "ann@example.ORG")
		if err != nil || got.ID != u.ID {
			t.Fatalf("UserByEmail = %v, %v; want id %d", got, err, u.ID)
		}
	})
	t.Run("ErrDuplicateEmail", func(t *testing.T) {
		err := s.CreateUser(ctx, 0, &models.User{Email: "ANN@example.org", Name: "x", Role: "reviewer", PasswordHash: "x"})
		if !errors.Is(err, models.ErrDuplicate) {
			t.Fatalf("err = %v, want ErrDuplicate", err)
		}
	})
	t.Run("DisableEndsSessions", func(t *testing.T) {
		u := mustUser(t, s, "bo@example.org", "reviewer")
		sess := &models.Session{ID: "h1", UserID: u.ID, CSRFToken: "c", CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}
		if err := s.CreateSession(ctx, sess); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionUser(ctx, "h1"); err != nil {
			t.Fatalf("session should work: %v", err)
		}
		yes := true
		if _, err := s.UpdateUser(ctx, 0, u.ID, models.UserPatch{Disabled: &yes}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionUser(ctx, "h1"); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("session of a disabled user: err = %v, want ErrNotFound", err)
		}
	})
	t.Run("DeleteKeepsAnnotationsAndFreesEmail", func(t *testing.T) {
		u := mustUser(t, s, "cy@example.org", "reviewer")
		o := mustOutlet(t, s, "Del Outlet", nil, nil)
		a := mustArticle(t, s, o.ID, "", "some text here")
		n := &models.Annotation{ArticleID: a.ID, UserID: u.ID, Label: "opinion", Start: 0, End: 4, Exact: "some"}
		if err := s.CreateAnnotation(ctx, n); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteUser(ctx, 0, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Annotation(ctx, n.ID); err != nil {
			t.Fatalf("annotation of a deleted user must stay: %v", err)
		}
		mustUser(t, s, "cy@example.org", "reviewer")
	})
}

func TestOutletNamesUniqueAcrossAliases(t *testing.T) {
	s := modeltest.Open(t)
	mustOutlet(t, s, "Daily Mail", []string{"Mail Online"}, []string{"dailymail.co.uk"})
	for _, tc := range []struct {
		name   string
		outlet models.Outlet
		field  string
	}{
		{"ErrNameIsAlias", models.Outlet{Name: "mail  online"}, "name"},
		{"ErrAliasIsName", models.Outlet{Name: "Other", Aliases: []string{"DAILY MAIL"}}, "aliases"},
		{"ErrDomainTaken", models.Outlet{Name: "Other2", Domains: []string{"dailymail.co.uk"}}, "domains"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.outlet
			err := s.CreateOutlet(ctx, 0, &o)
			var ce *models.ConflictError
			if !errors.As(err, &ce) || ce.Field != tc.field {
				t.Fatalf("err = %v, want a conflict on %s", err, tc.field)
			}
		})
	}
	id, err := s.ResolveOutlet(ctx, "MAIL ONLINE")
	if err != nil || id == 0 {
		t.Fatalf("resolve alias: %v", err)
	}
	if id2, err := s.ResolveDomain(ctx, "news.dailymail.co.uk"); err != nil || id2 != id {
		t.Fatalf("resolve subdomain = %d, %v", id2, err)
	}
}

func TestMergeOutlets(t *testing.T) {
	s := modeltest.Open(t)
	a := mustOutlet(t, s, "OK!", []string{"OK Magazine"}, []string{"okmagazine.com"})
	b := mustOutlet(t, s, "OK! Magazine", nil, nil)
	blog := mustOutlet(t, s, "Blog", nil, nil)
	art := mustArticle(t, s, a.ID, "https://okmagazine.com/1", "text one")
	other := mustArticle(t, s, blog.ID, "", "blog text")
	r := &models.Region{ArticleID: other.ID, Kind: "quote", Start: 0, End: 4, OriginOutletID: &a.ID, Origin: "manual", Status: "accepted"}
	if err := s.CreateRegion(ctx, 0, r); err != nil {
		t.Fatal(err)
	}
	merged, moved, err := s.MergeOutlets(ctx, 0, a.ID, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if moved["articles"] != 1 || moved["regions"] != 1 {
		t.Fatalf("moved = %v", moved)
	}
	if merged.ArticleCount != 1 || len(merged.Aliases) != 2 || merged.Domains[0] != "okmagazine.com" {
		t.Fatalf("merged = %+v", merged)
	}
	got, _ := s.Article(ctx, art.ID)
	if got.OutletID != b.ID {
		t.Fatalf("article outlet = %d, want %d", got.OutletID, b.ID)
	}
	if _, err := s.Outlet(ctx, a.ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("merged-away outlet still there: %v", err)
	}
	if id, _ := s.ResolveOutlet(ctx, "ok!"); id != b.ID {
		t.Fatalf("old name should resolve to the merged outlet, got %d", id)
	}
	err = s.DeleteOutlet(ctx, 0, b.ID)
	var iu *models.InUseError
	if !errors.As(err, &iu) || iu.Refs["articles"] != 1 {
		t.Fatalf("delete of an outlet with articles: %v", err)
	}
}

func TestVersionConflicts(t *testing.T) {
	s := modeltest.Open(t)
	o := mustOutlet(t, s, "V", nil, nil)
	name := "V2"
	if _, err := s.UpdateOutlet(ctx, 0, o.ID, models.OutletPatch{Version: 1, Name: &name}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateOutlet(ctx, 0, o.ID, models.OutletPatch{Version: 1, Name: &name}); !errors.Is(err, models.ErrVersionConflict) {
		t.Fatalf("stale outlet update: %v", err)
	}
	u := mustUser(t, s, "r@example.org", "reviewer")
	a := mustArticle(t, s, o.ID, "", "hello world")
	n := &models.Annotation{ArticleID: a.ID, UserID: u.ID, Label: "opinion", Start: 0, End: 5, Exact: "hello"}
	if err := s.CreateAnnotation(ctx, n); err != nil {
		t.Fatal(err)
	}
	l := "speculation"
	got, err := s.UpdateAnnotation(ctx, u.ID, n.ID, models.AnnotationPatch{Version: 1, Label: &l})
	if err != nil || got.Version != 2 || got.Label != l {
		t.Fatalf("update = %+v, %v", got, err)
	}
	if _, err := s.UpdateAnnotation(ctx, u.ID, n.ID, models.AnnotationPatch{Version: 1, Label: &l}); !errors.Is(err, models.ErrVersionConflict) {
		t.Fatalf("stale annotation update: %v", err)
	}
}

func TestArticleDuplicates(t *testing.T) {
	s := modeltest.Open(t)
	o := mustOutlet(t, s, "D", nil, nil)
	first := mustArticle(t, s, o.ID, "https://d.example/1", "same text")
	for name, a := range map[string]models.Article{
		"SameURL":  {OutletID: o.ID, Title: "x", URL: "https://d.example/1", Text: "other", TextSHA256: "other"},
		"SameText": {OutletID: o.ID, Title: "x", URL: "https://d.example/2", Text: "same text", TextSHA256: "same text"},
	} {
		t.Run(name, func(t *testing.T) {
			err := s.CreateArticle(ctx, 0, &a)
			var dup *models.DuplicateArticleError
			if !errors.As(err, &dup) || dup.ExistingID != first.ID {
				t.Fatalf("err = %v, want duplicate of %d", err, first.ID)
			}
		})
	}
}

func TestAuditRecordsChanges(t *testing.T) {
	s := modeltest.Open(t)
	admin := mustUser(t, s, "a@example.org", "admin")
	o := &models.Outlet{Name: "Audited"}
	if err := s.CreateOutlet(ctx, admin.ID, o); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteOutlet(ctx, admin.ID, o.ID); err != nil {
		t.Fatal(err)
	}
	es, _, err := s.ListAudit(ctx, models.AuditFilter{Entity: "outlet", ActorID: admin.ID, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 || es[0].Action != "delete" || es[1].Action != "create" || es[0].Before == nil || es[1].After == nil {
		t.Fatalf("audit = %+v", es)
	}
}

func TestLoginAttempts(t *testing.T) {
	s := modeltest.Open(t)
	now := time.Now()
	lim := models.AttemptLimit{Key: "email:x", Max: 3, Window: time.Minute, Free: 3}
	for i := 0; i < 3; i++ {
		if ok, _, err := s.TakeAttempts(ctx, now, lim); err != nil || !ok {
			t.Fatalf("attempt %d: ok=%v err=%v", i, ok, err)
		}
	}
	ok, wait, err := s.TakeAttempts(ctx, now, lim)
	if err != nil || ok || wait <= 0 {
		t.Fatalf("after 3 failures: ok=%v wait=%v err=%v", ok, wait, err)
	}
	higher := lim
	higher.Max = 4
	if ok, _, _ := s.TakeAttempts(ctx, now, higher); !ok {
		t.Fatal("a higher limit should allow")
	}
	_ = s.ClearAttempts(ctx, "email:x")
	if ok, _, _ := s.TakeAttempts(ctx, now, lim); !ok {
		t.Fatal("success should clear the failures")
	}
	// A window that has ended starts over; a refused attempt counts under no key.
	for i := 0; i < 3; i++ {
		_, _, _ = s.TakeAttempts(ctx, now, lim)
	}
	other := models.AttemptLimit{Key: "ip:y", Max: 1, Window: time.Minute}
	if ok, _, _ := s.TakeAttempts(ctx, now, other, lim); ok {
		t.Fatal("a full limit lets an attempt through")
	}
	if ok, _, _ := s.TakeAttempts(ctx, now, other); !ok {
		t.Fatal("a refused attempt was counted under the other key")
	}
	if ok, _, _ := s.TakeAttempts(ctx, now.Add(time.Minute), lim); !ok {
		t.Fatal("a new window should allow")
	}
}

func TestParseDSN(t *testing.T) {
	for in, want := range map[string]string{
		"data/x.db": "sqlite", "sqlite:x.db": "sqlite", "postgres://u@h/db": "postgres", "postgresql://u@h/db": "postgres",
	} {
		if d, _, err := models.ParseDSN(in); err != nil || d != want {
			t.Errorf("ParseDSN(%q) = %q, %v; want %q", in, d, err, want)
		}
	}
	if _, _, err := models.ParseDSN("mysql://x"); err == nil {
		t.Error("mysql should be refused")
	}
}

// TestSQLiteSynchronousFullByDefault: SQLite syncs the log at every commit (synchronous=FULL,
// 2) unless the --db value asks for NORMAL (1), the documented opt-in.
func TestSQLiteSynchronousFullByDefault(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sync.db")
	normal, err := models.SQLiteSynchronous(path, "normal")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := models.SQLiteSynchronous(path, "sometimes"); err == nil {
		t.Error("an unknown mode was accepted")
	}
	for dsn, want := range map[string]int{path: 2, normal: 1} {
		s, err := models.Open(dsn)
		if err != nil {
			t.Fatal(err)
		}
		db, err := s.SQLDB()
		if err != nil {
			t.Fatal(err)
		}
		var got int
		if err := db.QueryRow("PRAGMA synchronous").Scan(&got); err != nil {
			t.Fatal(err)
		}
		s.Close()
		if got != want {
			t.Errorf("%s: PRAGMA synchronous = %d, want %d", dsn, got, want)
		}
	}
}
