package models_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/credence-project/credence/models"
	"github.com/credence-project/credence/models/modeltest"
)

// createState is what a create touches besides the annotation: the article's data version,
// the score cache's change log, the audit log and the writer's review.
type createState struct {
	annotations, dataVersion, scoreChanges, audits, reviews int64
}

func readCreateState(t *testing.T, s *models.Store, articleID, userID int64) createState {
	t.Helper()
	db, err := s.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	var c createState
	for _, q := range []struct {
		sql  string
		arg  int64
		dest *int64
	}{
		{"SELECT COUNT(*) FROM annotations WHERE article_id = ?", articleID, &c.annotations},
		{"SELECT data_version FROM articles WHERE id = ?", articleID, &c.dataVersion},
		{"SELECT COUNT(*) FROM score_changes WHERE article_id = ?", articleID, &c.scoreChanges},
		{"SELECT COUNT(*) FROM audit_log WHERE entity = 'annotation' AND actor_id = ?", userID, &c.audits},
		{"SELECT COUNT(*) FROM reviews WHERE user_id = ?", userID, &c.reviews},
	} {
		if err := db.QueryRowContext(ctx, models.Rebind(s.Dialect(), q.sql), q.arg).Scan(q.dest); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
	return c
}

// TestCreateAnnotationWritesItAll: one create stores the annotation, starts the writer's
// review (not for consensus work), bumps the article's data version (so the score cache
// learns of it), and records the audit entry holding the annotation with its id; a repeated
// idempotency key, even from concurrent creates, stores one annotation and changes nothing
// else; a create that fails changes nothing.
func TestCreateAnnotationWritesItAll(t *testing.T) {
	s := modeltest.Open(t)
	u := mustUser(t, s, "rev@example.org", "reviewer")
	cur := mustUser(t, s, "cur@example.org", "curator")
	o := mustOutlet(t, s, "Create Outlet", nil, nil)
	art := mustArticle(t, s, o.ID, "", "Hello world, this is text.")

	before := readCreateState(t, s, art.ID, u.ID)
	n := &models.Annotation{ArticleID: art.ID, UserID: u.ID, Label: "opinion", Start: 0, End: 5, Exact: "Hello", Note: `a "note"`, IdempotencyKey: "k1"}
	if err := s.CreateAnnotation(ctx, n); err != nil {
		t.Fatal(err)
	}
	after := readCreateState(t, s, art.ID, u.ID)
	want := createState{before.annotations + 1, before.dataVersion + 1, before.scoreChanges + 1, before.audits + 1, before.reviews + 1}
	if after != want {
		t.Fatalf("after a create %+v, want %+v", after, want)
	}
	entries, _, err := s.ListAudit(ctx, models.AuditFilter{Entity: "annotation", ActorID: u.ID, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	wantJSON, _ := models.AuditJSON(n)
	if len(entries) != 1 || entries[0].EntityID != n.ID || entries[0].Action != "create" || entries[0].Before != nil ||
		entries[0].After == nil || *entries[0].After != string(wantJSON) {
		t.Fatalf("audit entries %+v (after %v), want one create of %d holding %s", entries, deref(entries), n.ID, wantJSON)
	}

	t.Run("ReplayChangesNothing", func(t *testing.T) {
		again := &models.Annotation{ArticleID: art.ID, UserID: u.ID, Label: "speculation", Start: 6, End: 11, Exact: "world", IdempotencyKey: "k1"}
		if err := s.CreateAnnotation(ctx, again); !errors.Is(err, models.ErrReplayed) {
			t.Fatalf("err = %v, want ErrReplayed", err)
		}
		// PostgreSQL keeps microseconds.
		if again.ID != n.ID || again.Label != "opinion" || again.Note != n.Note || !again.CreatedAt.Equal(n.CreatedAt.Truncate(time.Microsecond)) && !again.CreatedAt.Equal(n.CreatedAt) {
			t.Fatalf("replay answered %+v, want the first create %+v", again, n)
		}
		if got := readCreateState(t, s, art.ID, u.ID); got != after {
			t.Fatalf("a replay changed %+v to %+v", after, got)
		}
	})

	t.Run("ConcurrentSameKeyStoresOne", func(t *testing.T) {
		start := readCreateState(t, s, art.ID, u.ID)
		const k = 8
		as := make([]*models.Annotation, k)
		errs := make([]error, k)
		var wg sync.WaitGroup
		for i := range as {
			as[i] = &models.Annotation{ArticleID: art.ID, UserID: u.ID, Label: "opinion", Start: 13, End: 17, Exact: "this", IdempotencyKey: "k-concurrent"}
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				errs[i] = s.CreateAnnotation(ctx, as[i])
			}(i)
		}
		wg.Wait()
		created := 0
		for i, err := range errs {
			switch {
			case err == nil:
				created++
			case !errors.Is(err, models.ErrReplayed):
				t.Fatalf("create %d: %v", i, err)
			}
			if as[i].ID != as[0].ID || as[i].ID == 0 {
				t.Fatalf("create %d answered annotation %d, create 0 %d", i, as[i].ID, as[0].ID)
			}
		}
		got := readCreateState(t, s, art.ID, u.ID)
		if created != 1 || got.annotations != start.annotations+1 || got.audits != start.audits+1 || got.dataVersion != start.dataVersion+1 {
			t.Fatalf("%d of %d concurrent creates with one key stored; state %+v from %+v", created, k, got, start)
		}
	})

	t.Run("ConsensusStartsNoReview", func(t *testing.T) {
		start := readCreateState(t, s, art.ID, cur.ID)
		c := &models.Annotation{ArticleID: art.ID, UserID: cur.ID, Label: "opinion", Start: 0, End: 5, Exact: "Hello", Layer: models.LayerConsensus}
		if err := s.CreateAnnotation(ctx, c); err != nil {
			t.Fatal(err)
		}
		got := readCreateState(t, s, art.ID, cur.ID)
		if got.reviews != start.reviews || got.audits != start.audits+1 || got.annotations != start.annotations+1 || got.dataVersion != start.dataVersion+1 {
			t.Fatalf("consensus create: state %+v from %+v (no review, one audit entry, one annotation, one bump)", got, start)
		}
	})

	t.Run("ErrMissingArticleChangesNothing", func(t *testing.T) {
		start := readCreateState(t, s, art.ID, u.ID)
		bad := &models.Annotation{ArticleID: art.ID + 1000, UserID: u.ID, Label: "opinion", Start: 0, End: 5, Exact: "Hello"}
		if err := s.CreateAnnotation(ctx, bad); err == nil {
			t.Fatal("a create on a missing article succeeded")
		}
		if got := readCreateState(t, s, art.ID, u.ID); got != start {
			t.Fatalf("a failed create changed %+v to %+v", start, got)
		}
	})
}

func deref(es []models.AuditEntry) []string {
	var out []string
	for _, e := range es {
		if e.After != nil {
			out = append(out, *e.After)
		}
	}
	return out
}
