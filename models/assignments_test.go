package models_test

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/credence-project/credence/models"
	"github.com/credence-project/credence/models/modeltest"
)

func TestAssignArticles(t *testing.T) {
	s := modeltest.Open(t)
	admin := mustUser(t, s, "admin@example.org", "admin")
	r1 := mustUser(t, s, "r1@example.org", "reviewer")
	r2 := mustUser(t, s, "r2@example.org", "reviewer")
	r3 := mustUser(t, s, "r3@example.org", "reviewer")
	if _, err := s.UpdateUser(ctx, 0, r3.ID, models.UserPatch{Disabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	o := mustOutlet(t, s, "Assign Outlet", nil, nil)
	var arts []int64
	for i := range 4 {
		arts = append(arts, mustArticle(t, s, o.ID, "", fmt.Sprintf("text %d", i)).ID)
	}
	count := func(as []models.Assignment) map[int64]int {
		n := map[int64]int{}
		for _, a := range as {
			if a.Created {
				n[a.ReviewerID]++
			}
		}
		return n
	}

	t.Run("OK balanced over active reviewers", func(t *testing.T) {
		got, err := s.AssignArticles(ctx, admin.ID, models.AssignRequest{ArticleIDs: arts})
		if err != nil {
			t.Fatal(err)
		}
		if n := count(got); len(got) != 4 || n[r1.ID] != 2 || n[r2.ID] != 2 || n[r3.ID] != 0 {
			t.Fatalf("assignments %+v, per reviewer %v", got, n)
		}
	})
	t.Run("OK again changes nothing", func(t *testing.T) {
		got, err := s.AssignArticles(ctx, admin.ID, models.AssignRequest{ArticleIDs: arts})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 4 || len(count(got)) != 0 {
			t.Fatalf("second run %+v", got)
		}
	})
	t.Run("OK per article two adds the other reviewer only", func(t *testing.T) {
		got, err := s.AssignArticles(ctx, admin.ID, models.AssignRequest{ArticleIDs: arts, PerArticle: 2})
		if err != nil {
			t.Fatal(err)
		}
		if n := count(got); len(got) != 8 || n[r1.ID] != 2 || n[r2.ID] != 2 {
			t.Fatalf("assignments %+v, new per reviewer %v", got, n)
		}
		seen := map[[2]int64]bool{}
		for _, a := range got {
			k := [2]int64{a.ArticleID, a.ReviewerID}
			if seen[k] {
				t.Fatalf("%v twice in %+v", k, got)
			}
			seen[k] = true
		}
	})
	t.Run("ErrPerArticleTooLarge", func(t *testing.T) {
		_, err := s.AssignArticles(ctx, admin.ID, models.AssignRequest{ArticleIDs: arts, PerArticle: 3})
		var ae *models.AssignmentError
		if !errors.As(err, &ae) || ae.Code != "too_few_reviewers" || ae.Field != "per_article" {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrUnknownArticle", func(t *testing.T) {
		_, err := s.AssignArticles(ctx, admin.ID, models.AssignRequest{ArticleIDs: []int64{arts[0], 9998, 9999}})
		var ae *models.AssignmentError
		if !errors.As(err, &ae) || ae.Code != "unknown_article" || !reflect.DeepEqual(ae.IDs, []int64{9998, 9999}) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrNotActiveReviewers", func(t *testing.T) {
		_, err := s.AssignArticles(ctx, admin.ID, models.AssignRequest{ArticleIDs: arts, ReviewerIDs: []int64{r1.ID, r3.ID, admin.ID, 777}})
		var ae *models.AssignmentError
		if !errors.As(err, &ae) || ae.Code != "unknown_reviewer" || !reflect.DeepEqual(ae.IDs, []int64{admin.ID, r3.ID, 777}) {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("OK progress, reopen and unassign", func(t *testing.T) {
		if _, err := s.CompleteReview(ctx, arts[0], r1.ID, true); err != nil {
			t.Fatal(err)
		}
		ps, err := s.ReviewerProgressAll(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 2 || ps[0].UserID != r1.ID || ps[0].Assigned != 4 || ps[0].Completed != 1 || ps[0].Todo() != 3 {
			t.Fatalf("progress %+v", ps)
		}
		ap, more, err := s.ArticleProgressPage(ctx, models.Page{Limit: 2})
		if err != nil || !more || len(ap) != 2 || len(ap[0].Reviewers) != 2 || ap[0].Reviewers[0].CompletedAt == nil {
			t.Fatalf("article progress %+v more %v err %v", ap, more, err)
		}
		if _, err := s.ReopenReview(ctx, admin.ID, arts[1], r1.ID); !errors.Is(err, models.ErrNotCompleted) {
			t.Fatalf("reopen of an open review: %v", err)
		}
		rv, err := s.ReopenReview(ctx, admin.ID, arts[0], r1.ID)
		if err != nil || rv.CompletedAt != nil || !rv.Assigned {
			t.Fatalf("reopen %+v %v", rv, err)
		}
		gone, err := s.UnassignArticles(ctx, admin.ID, []int64{arts[2]}, []int64{r2.ID})
		if err != nil || len(gone) != 1 || gone[0].ReviewerID != r2.ID {
			t.Fatalf("unassign %+v %v", gone, err)
		}
		if r, _ := s.Review(ctx, arts[2], r2.ID); r.Assigned {
			t.Fatalf("still assigned: %+v", r)
		}
		es, _, err := s.ListAudit(ctx, models.AuditFilter{Entity: "review", ActorID: admin.ID, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]int{}
		for _, e := range es {
			actions[e.Action]++
		}
		if actions["assign"] != 8 || actions["reopen"] != 1 || actions["unassign"] != 1 {
			t.Fatalf("audit actions %v", actions)
		}
	})
}

func ptr[T any](v T) *T { return &v }
