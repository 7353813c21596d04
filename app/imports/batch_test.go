package imports_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"testing"

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/app/imports"
	"github.com/credence-project/credence/app/reprints"
	"github.com/credence-project/credence/bench"
	"github.com/credence-project/credence/models"
	"github.com/credence-project/credence/models/modeltest"
)

// importFile is an NDJSON file of n synthetic articles with planted reprints (bench's), then
// a copy of an earlier article's text (a duplicate) and an article of an unknown outlet; and a
// second file: a new text under an earlier article's URL (a revision), then the first file's
// last ten articles again (duplicates).
func importFile(t *testing.T, n int) ([]byte, []byte, []string) {
	t.Helper()
	domains := []string{"a.example", "b.example", "c.example"}
	var buf bytes.Buffer
	if _, err := bench.WriteImportFile(&buf, n, 120, domains, 7); err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n"))
	var early map[string]any
	if err := json.Unmarshal(lines[5], &early); err != nil {
		t.Fatal(err)
	}
	dup := map[string]any{"outlet": early["outlet"], "title": "copy", "text": early["text"]}
	rev := map[string]any{"outlet": early["outlet"], "title": "revised", "url": early["url"], "text": "A new text. " + early["text"].(string)}
	bad := map[string]any{"outlet": "nowhere.example", "title": "lost", "text": "some words"}
	enc := json.NewEncoder(&buf)
	for _, l := range []any{dup, bad} {
		if err := enc.Encode(l); err != nil {
			t.Fatal(err)
		}
	}
	// An article published before line 100's, with its text under another outlet: line
	// 100's article, stored already, turns out the copy, and its proposals must follow.
	var later map[string]any
	if err := json.Unmarshal(lines[100], &later); err != nil {
		t.Fatal(err)
	}
	other := domains[0]
	if later["outlet"] == other {
		other = domains[1]
	}
	origin := map[string]any{"outlet": other, "title": "origin", "url": "https://origin.example/1", "published_at": "2025-01-01T00:00:00Z", "text": later["text"]}
	var second bytes.Buffer
	for _, l := range []any{rev, origin} {
		if err := json.NewEncoder(&second).Encode(l); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range lines[n-10:] {
		second.Write(append(l, '\n'))
	}
	return buf.Bytes(), second.Bytes(), domains
}

func importStore(t *testing.T, domains []string) (*models.Store, *imports.Service) {
	t.Helper()
	s := modeltest.Open(t)
	for i, d := range domains {
		if err := s.CreateOutlet(context.Background(), 0, &models.Outlet{Name: fmt.Sprintf("Outlet %d", i), Domains: []string{d}}); err != nil {
			t.Fatal(err)
		}
	}
	return s, imports.New(s, reprints.New(s, slog.New(slog.NewTextHandler(io.Discard, nil))))
}

// TestBatchedImportEqualsOneByOne: an import stored in batches (several here, with reprints
// within and across them) ends as importing its articles one by one does: the same articles
// with the same ids, the same duplicates, revision and error, the same proposed quote
// regions on every article, and every article in the shared reprint index.
func TestBatchedImportEqualsOneByOne(t *testing.T) { batchedImportEqualsOneByOne(t) }

// TestPipelinedImportEqualsOneByOne is TestBatchedImportEqualsOneByOne with batches of 7
// articles: on PostgreSQL each batch's scan runs while the next batches are stored (see
// scans.go), and the outcome must still be the one of importing one by one.
func TestPipelinedImportEqualsOneByOne(t *testing.T) {
	defer imports.SetBatchArticles(7)()
	batchedImportEqualsOneByOne(t)
}

func batchedImportEqualsOneByOne(t *testing.T) {
	ctx := context.Background()
	body, second, domains := importFile(t, 260)
	batched, bsvc := importStore(t, domains)
	single, ssvc := importStore(t, domains)
	rep, one := imports.Report{}, imports.Report{}
	for _, f := range [][]byte{body, second} {
		r, err := bsvc.Import(ctx, bytes.NewReader(f), imports.Options{Format: "ndjson"}, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		rep.Created += r.Created
		rep.Updated += r.Updated
		rep.SkippedDuplicates += r.SkippedDuplicates
		rep.ErrorCount += r.ErrorCount
		rep.IDs = append(rep.IDs, r.IDs...)
		rep.Duplicates = append(rep.Duplicates, r.Duplicates...)
		sc := bufio.NewScanner(bytes.NewReader(f))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var in annotate.ArticleInput
			if err := json.Unmarshal(sc.Bytes(), &in); err != nil {
				t.Fatal(err)
			}
			r, err := ssvc.ImportOne(ctx, in, 0, false)
			if err != nil {
				t.Fatal(err)
			}
			one.Created += r.Created
			one.Updated += r.Updated
			one.SkippedDuplicates += r.SkippedDuplicates
			one.ErrorCount += r.ErrorCount
			one.IDs = append(one.IDs, r.IDs...)
			one.Duplicates = append(one.Duplicates, r.Duplicates...)
		}
	}
	if rep.Created != 261 || rep.Updated != 1 || rep.SkippedDuplicates != 11 || rep.ErrorCount != 1 {
		t.Fatalf("batched import: created %d, updated %d, duplicates %d, errors %d; want 261, 1, 11, 1", rep.Created, rep.Updated, rep.SkippedDuplicates, rep.ErrorCount)
	}
	regs, err := batched.ListRegions(ctx, rep.IDs[100], 0)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(regs, func(r models.Region) bool { return r.OtherArticleID != nil && *r.OtherArticleID == rep.IDs[260] }) {
		t.Fatalf("article %d, the copy of article %d imported later, was not proposed for again: %v", rep.IDs[100], rep.IDs[260], regionFacts(regs))
	}
	if rep.Created != one.Created || rep.Updated != one.Updated || rep.SkippedDuplicates != one.SkippedDuplicates || rep.ErrorCount != one.ErrorCount || !slices.Equal(rep.IDs, one.IDs) {
		t.Fatalf("batched import %+v, one by one %+v", rep.Result, one.Result)
	}
	if d := rep.Duplicates; len(d) != 11 || d[0].ExistingID != rep.IDs[5] || d[10].ExistingID != rep.IDs[259] {
		t.Fatalf("duplicates reported as %+v, want the copy of article %d first", d, rep.IDs[5])
	}
	for i := range rep.Duplicates {
		if rep.Duplicates[i].ExistingID != one.Duplicates[i].ExistingID {
			t.Fatalf("duplicate %d: of article %d, one by one of %d", i, rep.Duplicates[i].ExistingID, one.Duplicates[i].ExistingID)
		}
	}
	withOther := 0
	for _, id := range rep.IDs {
		got, err := batched.ListRegions(ctx, id, 0)
		if err != nil {
			t.Fatal(err)
		}
		want, err := single.ListRegions(ctx, id, 0)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := regionFacts(got), regionFacts(want); !slices.Equal(g, w) {
			t.Fatalf("article %d: regions of the batched import\n%v\none by one\n%v", id, g, w)
		}
		for _, g := range got {
			if g.OtherArticleID != nil {
				withOther++
				break
			}
		}
	}
	if withOther < 20 {
		t.Fatalf("only %d articles with a region crediting another article: the comparison is too weak", withOther)
	}
	for _, s := range []*models.Store{batched, single} {
		n := 0
		if err := s.ArticlesToReprintIndex(ctx, func(models.Article) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("%d imported articles missing from the shared reprint index", n)
		}
	}
}

func regionFacts(rs []models.Region) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		var other, origin int64
		if r.OtherArticleID != nil {
			other = *r.OtherArticleID
		}
		if r.OriginOutletID != nil {
			origin = *r.OriginOutletID
		}
		out[i] = fmt.Sprintf("%s %d-%d other=%d origin=%d %s %s %s", r.Kind, r.Start, r.End, other, origin, r.Relation, r.Status, r.Reason)
	}
	return out
}

// TestVersionInInsertEqualsBumpAfterScan: an import that stores its new articles at
// models.FirstScanVersion and has their first scan leave them unbumped ends with the same data
// versions, regions and recorded score changes (score_changes, which tells a server holding
// scores of new articles) on every article as one that stores them at 0 and bumps them after
// the scan; batches of 7, so that later batches' scans bump earlier batches' articles (on
// PostgreSQL while the next batches are stored).
func TestVersionInInsertEqualsBumpAfterScan(t *testing.T) {
	defer imports.SetBatchArticles(7)()
	ctx := context.Background()
	body, second, domains := importFile(t, 120)
	versions := func(on bool) (*models.Store, []int64) {
		defer imports.SetVersionInInsert(on)()
		s, svc := importStore(t, domains)
		var ids []int64
		for _, f := range [][]byte{body, second} {
			r, err := svc.Import(ctx, bytes.NewReader(f), imports.Options{Format: "ndjson"}, 0, nil)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, r.IDs...)
		}
		return s, ids
	}
	bumped, ids := versions(false)
	inserted, ids2 := versions(true)
	if !slices.Equal(ids, ids2) {
		t.Fatalf("the two imports stored different articles: %v and %v", ids, ids2)
	}
	later := 0 // articles bumped again by a later batch's scan
	for _, id := range ids {
		a, err := bumped.Article(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		b, err := inserted.Article(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if a.DataVersion != b.DataVersion {
			t.Errorf("article %d: data_version %d with the version in the insert, %d bumped after the scan", id, b.DataVersion, a.DataVersion)
		}
		if a.DataVersion > models.FirstScanVersion {
			later++
		}
		ra, err := bumped.ListRegions(ctx, id, 0)
		if err != nil {
			t.Fatal(err)
		}
		rb, err := inserted.ListRegions(ctx, id, 0)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := regionFacts(rb), regionFacts(ra); !slices.Equal(g, w) {
			t.Errorf("article %d: regions with the version in the insert\n%v\nbumped after the scan\n%v", id, g, w)
		}
	}
	if later < 5 {
		t.Fatalf("only %d articles bumped by a later scan: the comparison is too weak", later)
	}
	changes := func(s *models.Store) map[int64]int {
		out := map[int64]int{}
		all, err := s.ScoreChangesAbove(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range all {
			out[c.ArticleID]++
		}
		return out
	}
	cb, ci := changes(bumped), changes(inserted)
	for _, id := range ids {
		if cb[id] == 0 || cb[id] != ci[id] {
			t.Errorf("article %d: %d score changes with the version in the insert, %d bumped after the scan", id, ci[id], cb[id])
		}
	}
}
