package models_test

import (
	"slices"
	"testing"
	"time"

	"github.com/credence-project/credence/models"
	"github.com/credence-project/credence/models/modeltest"
)

// scoreFixture is two outlets, one article with a quote region, two reviewers.
func scoreFixture(t *testing.T) (*models.Store, *models.Article, *models.Region, [2]*models.User, [2]*models.Outlet) {
	t.Helper()
	s := modeltest.Open(t)
	o := [2]*models.Outlet{mustOutlet(t, s, "Pub", nil, nil), mustOutlet(t, s, "Origin", nil, nil)}
	u := [2]*models.User{mustUser(t, s, "r1@example.org", "reviewer"), mustUser(t, s, "r2@example.org", "reviewer")}
	a := mustArticle(t, s, o[0].ID, "https://x.example/1", "Some text that reviewers read and tag.")
	origin := o[1].ID
	r := &models.Region{ArticleID: a.ID, Kind: "quote", Start: 5, End: 15, OriginOutletID: &origin, Origin: "manual", Status: "accepted"}
	if err := s.CreateRegion(ctx, u[0].ID, r); err != nil {
		t.Fatal(err)
	}
	return s, a, r, u, o
}

func annotate(t *testing.T, s *models.Store, a, user int64, label string, start, end int) *models.Annotation {
	t.Helper()
	n := &models.Annotation{ArticleID: a, UserID: user, Label: label, Start: start, End: end, Exact: "x", Status: "anchored"}
	if err := s.CreateAnnotation(ctx, n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestScoreChanges: every change to an article's scoring inputs is recorded by the triggers
// and moves the fingerprint; a re-credited region also drops the article's cached results.
func TestScoreChanges(t *testing.T) {
	s, a, r, u, o := scoreFixture(t)
	m0, err := s.ScoreMark(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if m0.ChangesMax == 0 || m0.Count != m0.ChangesMax {
		t.Fatalf("the region's creation was not recorded: %+v", m0)
	}
	if again, _ := s.ScoreMark(ctx, 0); again != m0 {
		t.Fatalf("the mark moved without a change: %+v → %+v", m0, again)
	}
	annotate(t, s, a.ID, u[0].ID, "opinion", 0, 4)
	m1, _ := s.ScoreMark(ctx, m0.ChangesMax)
	if m1.ChangesMax <= m0.ChangesMax || m1.Count < 1 || m1.AuditMax <= m0.AuditMax {
		t.Fatalf("an annotation did not move the mark: %+v → %+v", m0, m1)
	}
	changes, err := s.ScoreChangesAbove(ctx, m0.ChangesMax)
	if err != nil || len(changes) == 0 || changes[0].ArticleID != a.ID {
		t.Fatalf("changes above %d: %+v, %v", m0.ChangesMax, changes, err)
	}

	key := models.ScoreCacheKey{Excluded: "", Methodology: "test"}
	arts, err := s.ScoreArticlesByID(ctx, key, []int64{a.ID})
	if err != nil || len(arts) != 1 || arts[0].Cached != nil {
		t.Fatalf("before saving: %+v, %v", arts, err)
	}
	save := func() {
		t.Helper()
		arts, _ := s.ScoreArticlesByID(ctx, key, []int64{a.ID})
		if err := s.SaveScoreCache(ctx, key, []models.ScoreCacheEntry{{ArticleID: a.ID, DataVersion: arts[0].DataVersion, OutletID: arts[0].OutletID, Result: []byte(`{"ok":1}`)}}); err != nil {
			t.Fatal(err)
		}
	}
	cached := func() []byte {
		t.Helper()
		arts, err := s.ScoreArticlesByID(ctx, key, []int64{a.ID})
		if err != nil {
			t.Fatal(err)
		}
		return arts[0].Cached
	}
	save()
	if string(cached()) != `{"ok":1}` {
		t.Fatalf("cached result not returned: %q", cached())
	}
	if other, _ := s.ScoreArticlesByID(ctx, models.ScoreCacheKey{Excluded: "7", Methodology: "test"}, []int64{a.ID}); other[0].Cached != nil {
		t.Error("a result cached for one exclusion list served for another")
	}

	// A completion bumps data_version: the cached result is no longer valid.
	if _, err := s.CompleteReview(ctx, a.ID, u[1].ID, true); err != nil {
		t.Fatal(err)
	}
	if cached() != nil {
		t.Error("a cached result outlived a data_version bump")
	}

	// An outlet merge moves the region's origin without bumping data_version: the trigger
	// records the change and drops the cached result.
	save()
	third := mustOutlet(t, s, "Third", nil, nil)
	before, _ := s.ScoreMark(ctx, 0)
	if _, _, err := s.MergeOutlets(ctx, u[0].ID, o[1].ID, third.ID); err != nil {
		t.Fatal(err)
	}
	if cached() != nil {
		t.Error("a cached result survived its region's re-crediting")
	}
	after, _ := s.ScoreMark(ctx, 0)
	if after.ChangesMax <= before.ChangesMax {
		t.Errorf("the merge was not recorded: %+v → %+v", before, after)
	}
	inputs, err := s.ScoreInputs(ctx, []int64{a.ID}, models.ScoreVariant{})
	if err != nil || len(inputs) != 1 {
		t.Fatal(err)
	}
	in := inputs[0]
	if len(in.Regions) != 1 || *in.Regions[0].OriginOutletID != third.ID || in.Regions[0].ID != r.ID {
		t.Errorf("regions %+v", in.Regions)
	}
	if !slices.Equal(in.Reviewers, []int64{u[1].ID}) || len(in.Annotations) != 1 || in.Annotations[0].Label != "opinion" {
		t.Errorf("inputs %+v", in)
	}
}

// TestExportAnnotationsKeyset pages through an export by id with filters.
func TestExportAnnotationsKeyset(t *testing.T) {
	s, a, _, u, o := scoreFixture(t)
	b := mustArticle(t, s, o[1].ID, "https://x.example/2", "Another text entirely, for the other outlet.")
	var ids []int64
	for i := range 5 {
		ids = append(ids, annotate(t, s, a.ID, u[i%2].ID, []string{"opinion", "speculation"}[i%2], i, i+3).ID)
		ids = append(ids, annotate(t, s, b.ID, u[0].ID, "opinion", i, i+2).ID)
	}
	if _, err := s.CompleteReview(ctx, a.ID, u[0].ID, true); err != nil {
		t.Fatal(err)
	}
	page := func(f models.ExportFilter) []models.ExportRow {
		t.Helper()
		var all []models.ExportRow
		after := int64(0)
		for {
			rows, err := s.ExportAnnotations(ctx, f, after, 3)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, rows...)
			if len(rows) < 3 {
				return all
			}
			after = rows[len(rows)-1].ID
		}
	}
	all := page(models.ExportFilter{})
	var got []int64
	for _, r := range all {
		got = append(got, r.ID)
	}
	if !slices.Equal(got, ids) {
		t.Fatalf("ids %v, want %v", got, ids)
	}
	for _, r := range all {
		wantDone := r.ArticleID == a.ID && r.UserID == u[0].ID
		if (r.CompletedAt != nil) != wantDone || r.UserName == "" || r.ArticleURL == "" {
			t.Errorf("row %+v", r)
		}
	}
	if n := len(page(models.ExportFilter{OutletIDs: []int64{o[1].ID}, Label: "opinion"})); n != 5 {
		t.Errorf("outlet+label filter: %d rows, want 5", n)
	}
	if n := len(page(models.ExportFilter{UserID: u[1].ID})); n != 2 {
		t.Errorf("user filter: %d rows, want 2", n)
	}
	future := time.Now().Add(time.Hour)
	if n := len(page(models.ExportFilter{From: &future})); n != 0 {
		t.Errorf("date filter on undated articles: %d rows, want 0", n)
	}
	if n, err := s.CountExportAnnotations(ctx, models.ExportFilter{Label: "speculation"}); err != nil || n != 2 {
		t.Errorf("count = %d, %v; want 2", n, err)
	}
	credit, err := s.RegionsForCredit(ctx, []int64{a.ID, b.ID})
	if err != nil || credit[a.ID] == nil || len(credit[a.ID].Regions) != 1 || credit[b.ID] != nil && len(credit[b.ID].Regions) != 0 {
		t.Errorf("regions for credit %+v, %v", credit, err)
	}
}
