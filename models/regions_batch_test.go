package models_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/credence-project/credence/models"
	"github.com/credence-project/credence/models/modeltest"
)

// TestReplaceDetectedRegionsBatchEqualsOneByOne: replacing the detected regions of several
// articles in one batch (one statement a step) leaves the regions, their decisions and the
// articles' data versions as replacing them article by article does, over two rounds with a
// reviewer's decision between them: the decided region stays and is not proposed again, the
// undecided ones give way, an article with no proposals loses its undecided regions.
func TestReplaceDetectedRegionsBatchEqualsOneByOne(t *testing.T) {
	ctx := context.Background()
	type world struct {
		s   *models.Store
		ids []int64
		uid int64
		oid int64
	}
	setup := func() world {
		s := modeltest.Open(t)
		o := &models.Outlet{Name: "Outlet"}
		if err := s.CreateOutlet(ctx, 0, o); err != nil {
			t.Fatal(err)
		}
		u := &models.User{Email: "rev@example.org", Name: "rev", Role: "reviewer", PasswordHash: "x"}
		if err := s.CreateUser(ctx, 0, u); err != nil {
			t.Fatal(err)
		}
		var batch []models.NewArticle
		for i := range 3 {
			text := strings.Repeat(fmt.Sprintf("words of article %d. ", i), 20)
			batch = append(batch, models.NewArticle{Article: &models.Article{OutletID: o.ID, Title: "t", Text: text,
				TextSHA256: fmt.Sprintf("%064d", i), TextLength: len(text), CreatedAt: time.Now().UTC()}})
		}
		if err := s.CreateArticles(ctx, 0, batch, false); err != nil {
			t.Fatal(err)
		}
		w := world{s: s, uid: u.ID, oid: o.ID}
		for _, b := range batch {
			w.ids = append(w.ids, b.Article.ID)
		}
		return w
	}
	origin := func(w world) *int64 { id := w.oid; return &id }
	round := func(w world, n int) map[int64][]models.Region {
		other := w.ids[(n+1)%3]
		return map[int64][]models.Region{
			w.ids[0]: {{Kind: "quote", Start: 0, End: 40, Reason: fmt.Sprintf("round %d", n), OriginOutletID: origin(w)},
				{Kind: "quote", Start: 50 + n, End: 90, Relation: "reprint", OtherArticleID: &other}},
			w.ids[1]: {{Kind: "quote", Start: 10 * n, End: 100, Reason: "r"}},
			// w.ids[2]: none
		}
	}
	replace := func(w world, batched bool, props map[int64][]models.Region) {
		if batched {
			if err := w.s.ReplaceDetectedRegionsBatch(ctx, w.ids, props, nil); err != nil {
				t.Fatal(err)
			}
			return
		}
		for _, id := range w.ids {
			if err := w.s.ReplaceDetectedRegions(ctx, id, props[id]); err != nil {
				t.Fatal(err)
			}
		}
	}
	facts := func(w world) []string {
		var out []string
		for i, id := range w.ids {
			a, err := w.s.Article(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("article %d: data version %d", i, a.DataVersion))
			regs, err := w.s.ListRegions(ctx, id, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range regs {
				var other, org int64
				if r.OtherArticleID != nil {
					other = *r.OtherArticleID - w.ids[0]
				}
				if r.OriginOutletID != nil {
					org = 1
				}
				out = append(out, fmt.Sprintf("  %s %d-%d other=%d origin=%d %s %s %s %s %s %s v%d", r.Kind, r.Start, r.End, other, org,
					r.Relation, r.Origin, r.Status, r.Reason, r.Layer, r.Anchor, r.Version))
			}
		}
		return out
	}
	var got [2][]string
	for k, batched := range []bool{true, false} {
		w := setup()
		replace(w, batched, round(w, 1))
		regs, err := w.s.ListRegions(ctx, w.ids[0], 0)
		if err != nil || len(regs) != 2 {
			t.Fatalf("after round 1, article 0 has regions %v (%v), want 2", regs, err)
		}
		if _, err := w.s.DecideRegion(ctx, regs[0].ID, w.uid, 0, "accepted"); err != nil {
			t.Fatal(err)
		}
		replace(w, batched, round(w, 2))
		replace(w, batched, map[int64][]models.Region{w.ids[0]: round(w, 2)[w.ids[0]]}) // article 1 now has none
		got[k] = facts(w)
	}
	if strings.Join(got[0], "\n") != strings.Join(got[1], "\n") {
		t.Fatalf("batched:\n%s\none by one:\n%s", strings.Join(got[0], "\n"), strings.Join(got[1], "\n"))
	}
	t.Logf("%s", strings.Join(got[0], "\n"))
	if n := strings.Count(strings.Join(got[0], "\n"), "round 1"); n != 1 {
		t.Errorf("the decided region of round 1 appears %d times, want once", n)
	}
}
