package models_test

import (
	"errors"
	"testing"

	domain "github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/models"
	"github.com/credence-project/credence/models/modeltest"
)

// TestGuardedCreateMatchesCheckWrite: CreateReviewAnnotationAt's statement refuses exactly
// the reviews that are completed, which must be exactly those annotate.CheckWrite refuses,
// for every role and state. A rule added to CheckWrite fails here until the guard has it.
func TestGuardedCreateMatchesCheckWrite(t *testing.T) {
	for _, role := range []string{domain.RoleReviewer, domain.RoleCurator, "admin", "researcher"} {
		for bits := range 8 {
			r := domain.Review{Completed: bits&1 != 0, ViewedOthers: bits&2 != 0, ReopenedAfterViewing: bits&4 != 0}
			refused := domain.CheckWrite(domain.Reader{ID: 1, Role: role}, r) != nil
			if refused != r.Completed {
				t.Errorf("%s, %+v: CheckWrite refuses %v, the guarded create %v", role, r, refused, r.Completed)
			}
		}
	}
}

// TestCreateReviewAnnotationAt: the guarded create writes what CreateAnnotation writes when
// the article is at the revision and the review open, and nothing (ErrNotWritten) for a
// revision that is not the article's, a completed review, a used idempotency key or a missing
// article. SQLite has no guarded create and always answers ErrNotWritten.
func TestCreateReviewAnnotationAt(t *testing.T) {
	s := modeltest.Open(t)
	u := mustUser(t, s, "guard@example.org", "reviewer")
	o := mustOutlet(t, s, "Guard Outlet", nil, nil)
	art := mustArticle(t, s, o.ID, "", "Hello world, this is text.")
	rev, _, err := s.ArticleForWrite(ctx, art.ID, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	ann := func(key string) *models.Annotation {
		return &models.Annotation{ArticleID: art.ID, UserID: u.ID, Label: "opinion", Start: 0, End: 5, Exact: "Hello", Layer: models.LayerReview, IdempotencyKey: key}
	}
	if s.Dialect() != "postgres" {
		if err := s.CreateReviewAnnotationAt(ctx, ann(""), rev); !errors.Is(err, models.ErrNotWritten) {
			t.Fatalf("SQLite: err = %v, want ErrNotWritten", err)
		}
		return
	}
	before := readCreateState(t, s, art.ID, u.ID)
	a := ann("g1")
	if err := s.CreateReviewAnnotationAt(ctx, a, rev); err != nil || a.ID == 0 {
		t.Fatalf("guarded create: id %d, err %v", a.ID, err)
	}
	after := readCreateState(t, s, art.ID, u.ID)
	if want := (createState{before.annotations + 1, before.dataVersion + 1, before.scoreChanges + 1, before.audits + 1, before.reviews + 1}); after != want {
		t.Fatalf("after a guarded create %+v, want %+v", after, want)
	}
	entries, _, err := s.ListAudit(ctx, models.AuditFilter{Entity: "annotation", ActorID: u.ID, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	wantJSON, _ := models.AuditJSON(a)
	if len(entries) != 1 || entries[0].EntityID != a.ID || entries[0].After == nil || *entries[0].After != string(wantJSON) {
		t.Fatalf("audit entries %+v, want one holding %s", entries, wantJSON)
	}
	refuse := func(what string, a *models.Annotation, rev int) {
		t.Helper()
		start := readCreateState(t, s, art.ID, u.ID)
		if err := s.CreateReviewAnnotationAt(ctx, a, rev); !errors.Is(err, models.ErrNotWritten) {
			t.Fatalf("%s: err = %v, want ErrNotWritten", what, err)
		}
		if got := readCreateState(t, s, art.ID, u.ID); got != start {
			t.Fatalf("%s changed %+v to %+v", what, start, got)
		}
	}
	refuse("a used idempotency key", ann("g1"), rev)
	refuse("another revision", ann("g2"), rev+1)
	missing := ann("g3")
	missing.ArticleID = art.ID + 1000
	refuse("a missing article", missing, rev)
	if _, err := s.CompleteReview(ctx, art.ID, u.ID, true); err != nil {
		t.Fatal(err)
	}
	refuse("a completed review", ann("g4"), rev)
	if _, err := s.CompleteReview(ctx, art.ID, u.ID, false); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateReviewAnnotationAt(ctx, ann("g5"), rev); err != nil {
		t.Fatalf("after reopening: %v", err)
	}
}
