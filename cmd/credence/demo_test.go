package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/credence-project/credence/app"
	"github.com/credence-project/credence/models"
	"github.com/credence-project/credence/models/modeltest"
)

// demoArticleLines are the demo articles' metadata by URL, as demo/articles.jsonl gives them.
func demoArticleLines(t *testing.T) map[string]struct{ Title, Outlet string } {
	t.Helper()
	out := map[string]struct{ Title, Outlet string }{}
	sc := bufio.NewScanner(bytes.NewReader(must(demoFiles.ReadFile("demo/articles.jsonl"))))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var a struct{ URL, Title, Outlet string }
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatal(err)
		}
		out[a.URL] = struct{ Title, Outlet string }{a.Title, a.Outlet}
	}
	return out
}

// TestDemoHasAWorkedExample: `serve --demo` gives every role something to try at once. The
// demo annotators' finished reviews put their articles on the curator's adjudication list (two
// finished reviews each, nothing adjudicated yet) with units they disagree on; the researcher
// gets per-outlet scores for those articles' outlets (and for the outlet a reprint region
// credits), flagged low sample without intervals, agreement figures and a download with every
// annotation; the demo reviewers still have a fresh queue and see none of the annotators'
// work; and a second start on the same database adds nothing. Before the annotators, the
// adjudication list was empty and there were no scores.
func TestDemoHasAWorkedExample(t *testing.T) {
	reviews, err := readDemoReviews()
	if err != nil {
		t.Fatal(err)
	}
	meta := demoArticleLines(t)
	reviewers := map[string]map[string]bool{} // article URL -> its demo reviewers
	annotations := 0
	for _, r := range reviews {
		if reviewers[r.Article] == nil {
			reviewers[r.Article] = map[string]bool{}
		}
		reviewers[r.Article][r.Reviewer] = true
		annotations += len(r.Annotations)
	}
	wantTitles := map[string]int{}  // title -> finished reviews
	wantOutlets := map[string]int{} // outlet -> reviewers
	for url, rs := range reviewers {
		wantTitles[meta[url].Title] = len(rs)
		wantOutlets[meta[url].Outlet] = len(rs)
	}
	if len(wantTitles) < 2 || annotations == 0 {
		t.Fatalf("the demo reviews cover %d articles with %d annotations", len(wantTitles), annotations)
	}

	db := filepath.Join(t.TempDir(), "demo.db")
	svc := startService(t, db, "CREDENCE_DEMO=true")
	base := svc.URL
	// The banner is one write, but its lines reach svc.stdout one by one after the address
	// line that startService waits for: wait for its last one to be read.
	if out, _ := svc.stdout.waitFor("Demo accounts", 30*time.Second); !strings.Contains(out, "annotator-a@example.org (reviewer: has finished") {
		t.Errorf("the demo accounts line does not say what the annotators did:\n%s", out)
	}

	// The curator: the annotated articles, each finished twice, open and not adjudicated.
	curator := signIn(t, base, "curator@example.org", demoPassword)
	type adjItem struct {
		ArticleID       int64   `json:"article_id"`
		Title           string  `json:"title"`
		FinishedReviews int     `json:"finished_reviews"`
		Status          string  `json:"status"`
		AdjudicatedAt   *string `json:"adjudicated_at"`
	}
	var adj struct{ Items []adjItem }
	curator.must(t, "GET", "/api/v1/adjudications?limit=100", nil, 200, &adj)
	got := map[string]int{}
	for _, it := range adj.Items {
		got[it.Title] = it.FinishedReviews
		if it.Status != "open" || it.AdjudicatedAt != nil {
			t.Errorf("article %d %q is %s (adjudicated at %v): the curator has adjudicated nothing yet", it.ArticleID, it.Title, it.Status, it.AdjudicatedAt)
		}
	}
	if !maps.Equal(got, wantTitles) {
		t.Fatalf("the curator's adjudication list (title -> finished reviews) %v, want %v", got, wantTitles)
	}

	// The researcher: scores for every annotated article's outlet, by its two reviewers.
	researcher := signIn(t, base, "researcher@example.org", demoPassword)
	var scores struct {
		Items []struct {
			Outlet         string   `json:"outlet"`
			Articles       int      `json:"articles"`
			Reviewers      int      `json:"reviewers"`
			ScoredChars    int      `json:"scored_chars"`
			Credibility    *float64 `json:"credibility"`
			CredibilityLow *float64 `json:"credibility_ci_low"`
			AgreementAlpha *float64 `json:"agreement_alpha"`
			LowSample      bool     `json:"low_sample"`
			CIReason       string   `json:"ci_reason"`
		}
	}
	researcher.must(t, "GET", "/api/v1/scores/outlets", nil, 200, &scores)
	rows := map[string]int{}
	for _, r := range scores.Items {
		rows[r.Outlet] = r.Reviewers
		if r.ScoredChars == 0 || r.Credibility == nil || r.AgreementAlpha == nil {
			t.Errorf("%s: scored chars %d, credibility %v, alpha %v", r.Outlet, r.ScoredChars, r.Credibility, r.AgreementAlpha)
		}
		// A handful of articles: flagged, and no interval that would claim more than it knows.
		if !r.LowSample || r.CredibilityLow != nil || r.CIReason != "too_few_articles" {
			t.Errorf("%s (%d articles): low_sample %v, credibility_ci_low %v, ci_reason %q", r.Outlet, r.Articles, r.LowSample, r.CredibilityLow, r.CIReason)
		}
		// Harbor Gossip reprints the Ledger's report in a quote region both annotators accepted:
		// that passage is credited to The Daily Ledger, which so has two scored articles.
		if r.Outlet == "The Daily Ledger" && r.Articles != 2 {
			t.Errorf("The Daily Ledger has %d scored articles, want 2 (its own and the reprint's region)", r.Articles)
		}
	}
	if !maps.Equal(rows, wantOutlets) {
		t.Fatalf("per-outlet scores (outlet -> reviewers) %v, want %v", rows, wantOutlets)
	}
	var agreement struct {
		Alpha     *float64 `json:"agreement_alpha"`
		Articles  int      `json:"articles"`
		Reviewers int      `json:"reviewers"`
	}
	researcher.must(t, "GET", "/api/v1/scores/agreement", nil, 200, &agreement)
	if agreement.Alpha == nil || agreement.Articles != len(wantTitles) || agreement.Reviewers != 2 {
		t.Errorf("agreement: %+v, want an alpha over %d articles by 2 reviewers", agreement, len(wantTitles))
	}
	r, err := researcher.do(t.Context(), "GET", "/api/v1/exports/annotations?format=jsonl", nil)
	if err != nil || r.Status != 200 {
		t.Fatalf("export: %v, %d", err, r.Status)
	}
	lines := bytes.Split(bytes.TrimSpace(r.Body), []byte("\n"))
	if len(lines) != annotations {
		t.Errorf("the annotations download has %d records, want the demo's %d", len(lines), annotations)
	}
	for _, l := range lines {
		var rec struct {
			Completed bool `json:"reviewer_completed"`
		}
		if err := json.Unmarshal(l, &rec); err != nil || !rec.Completed {
			t.Fatalf("export record of an unfinished review (%v): %s", err, l)
		}
	}

	// The demo reviewers: nothing done, nothing of the annotators' in sight.
	for _, email := range []string{"reviewer@example.org", "reviewer2@example.org"} {
		rv := signIn(t, base, email, demoPassword)
		var queue struct {
			Items []struct {
				ArticleID   int64  `json:"article_id"`
				Status      string `json:"status"`
				Annotations int    `json:"annotations"`
			}
		}
		rv.must(t, "GET", "/api/v1/queue?limit=100", nil, 200, &queue)
		if len(queue.Items) != len(meta) {
			t.Fatalf("%s's queue has %d articles, want the demo's %d", email, len(queue.Items), len(meta))
		}
		for _, it := range queue.Items {
			if it.Status != "todo" || it.Annotations != 0 {
				t.Errorf("%s's queue: article %d is %s with %d annotations, want a fresh todo", email, it.ArticleID, it.Status, it.Annotations)
			}
			var anns, regions struct {
				Items []struct {
					UserID int64  `json:"user_id"`
					Status string `json:"status"`
				}
			}
			rv.must(t, "GET", "/api/v1/articles/"+itoa(it.ArticleID)+"/annotations", nil, 200, &anns)
			if len(anns.Items) != 0 {
				t.Errorf("%s sees %d annotations of article %d before finishing it", email, len(anns.Items), it.ArticleID)
			}
			rv.must(t, "GET", "/api/v1/articles/"+itoa(it.ArticleID)+"/regions", nil, 200, &regions)
			for _, g := range regions.Items {
				if g.Status != "proposed" {
					t.Errorf("%s sees a region of article %d %s: another reviewer's decision", email, it.ArticleID, g.Status)
				}
			}
		}
	}

	// Opening an article to adjudicate shows units the annotators disagree on, and others they
	// agree on.
	var detail struct {
		Units []struct {
			Agreed bool `json:"agreed"`
		} `json:"units"`
	}
	curator.must(t, "GET", "/api/v1/articles/"+itoa(adj.Items[0].ArticleID)+"/adjudication", nil, 200, &detail)
	agreed := 0
	for _, u := range detail.Units {
		if u.Agreed {
			agreed++
		}
	}
	if agreed == 0 || agreed == len(detail.Units) {
		t.Errorf("article %d to adjudicate: %d units, %d of them agreed; want agreements and disagreements", adj.Items[0].ArticleID, len(detail.Units), agreed)
	}
	// A reviewer's mark of a detected region is there because they accepted it: it says so
	// (their decision), not the region's "proposed" of a reader who has not decided.
	detectedMarks := 0
	for _, it := range adj.Items {
		var d struct {
			RegionUnits []struct {
				Regions []struct {
					Origin string `json:"origin"`
					Status string `json:"status"`
				} `json:"regions"`
			} `json:"region_units"`
		}
		curator.must(t, "GET", "/api/v1/articles/"+itoa(it.ArticleID)+"/adjudication", nil, 200, &d)
		for _, u := range d.RegionUnits {
			for _, m := range u.Regions {
				if m.Origin == "detected" {
					detectedMarks++
				}
				if m.Status != "accepted" {
					t.Errorf("article %d: a reviewer's %s region mark has status %q, want accepted", it.ArticleID, m.Origin, m.Status)
				}
			}
		}
	}
	if detectedMarks == 0 {
		t.Error("no reviewer's mark of a detected region to check")
	}
	svc.stop()

	// A second start on the same database adds nothing.
	before := demoSnapshot(t, db)
	again := startService(t, db, "CREDENCE_DEMO=true")
	if out := again.stdout.String(); strings.Contains(out, "Loaded demo data") {
		t.Errorf("the second start loaded the demo data again:\n%s", out)
	}
	var adj2 struct{ Items []adjItem }
	signIn(t, again.URL, "curator@example.org", demoPassword).must(t, "GET", "/api/v1/adjudications?limit=100", nil, 200, &adj2)
	if !reflect.DeepEqual(adj2.Items, adj.Items) {
		t.Errorf("adjudication list after a second start %+v, before %+v", adj2.Items, adj.Items)
	}
	again.stop()
	after := demoSnapshot(t, db)
	for _, table := range slices.Sorted(maps.Keys(before)) {
		if len(after[table]) != len(before[table]) || !reflect.DeepEqual(slices.Sorted(maps.Keys(after[table])), slices.Sorted(maps.Keys(before[table]))) {
			t.Errorf("%s: %d rows after a second start, %d before", table, len(after[table]), len(before[table]))
		}
	}
}

// demoSnapshot reads the tables the demo data fills.
func demoSnapshot(t *testing.T, db string) map[string]map[int64]map[string]any {
	t.Helper()
	store, err := models.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	out := map[string]map[int64]map[string]any{}
	for _, table := range []string{"articles", "outlets", "users", "annotations", "regions"} {
		out[table] = rowsByID(t, store, table)
	}
	if len(out["annotations"]) == 0 {
		t.Fatal("no annotations in the demo database")
	}
	return out
}

// TestDemoPassagesLocated: a demo passage is found by its exact text, in code points (an emoji
// before it counts one), and one that is not in the text, or is there twice without saying
// which, stops the load instead of tagging some other passage.
func TestDemoPassagesLocated(t *testing.T) {
	text := "Wow 🙄 a “clown show”, a clown show."
	for _, tc := range []struct {
		passage    string
		occurrence int
		start, end int
		fails      bool
	}{
		{passage: "“clown show”", start: 8, end: 20},
		{passage: "clown show", fails: true}, // twice
		{passage: "clown show", occurrence: 2, start: 24, end: 34},
		{passage: "clown show", occurrence: 3, fails: true},
		{passage: "circus", fails: true},
		{passage: "", fails: true},
	} {
		start, end, err := locate(text, tc.passage, tc.occurrence)
		if tc.fails != (err != nil) || !tc.fails && (start != tc.start || end != tc.end) {
			t.Errorf("locate(%q, %d) = %d, %d, %v", tc.passage, tc.occurrence, start, end, err)
		}
	}
}

// TestDemoLoadedOnceByTwoStarts: two processes that load the demo at once into one empty
// database (two replicas started together, as docker-compose.yml does) write the annotators'
// reviews once: every demo annotation stored once, each annotator's review of each article
// finished once. On PostgreSQL when CREDENCE_TEST_POSTGRES is set, else on one SQLite file.
func TestDemoLoadedOnceByTwoStarts(t *testing.T) {
	reviews, err := readDemoReviews()
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, r := range reviews {
		want += len(r.Annotations)
	}
	dsn := modeltest.DSN(t)
	ctx := context.Background()
	var svcs [2]*app.Services
	for i := range svcs {
		store, err := models.Open(dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { store.Close() })
		if err := store.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		svcs[i] = app.New(store, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Options{BcryptCost: 4})
	}
	errs := make(chan error, len(svcs))
	for _, svc := range svcs {
		go func() { _, err := loadDemo(ctx, svc, io.Discard); errs <- err }()
	}
	for range svcs {
		if err := <-errs; err != nil {
			t.Fatalf("a start loading the demo: %v", err)
		}
	}
	anns := rowsByID(t, svcs[0].Store, "annotations")
	if len(anns) != want {
		t.Fatalf("%d annotations after two starts at once, want the demo's %d once", len(anns), want)
	}
	byURL, err := demoArticleIDs(ctx, svcs[0].Store)
	if err != nil || len(byURL) != len(demoArticleLines(t)) {
		t.Fatalf("%d articles after two starts at once (%v), want the demo's %d", len(byURL), err, len(demoArticleLines(t)))
	}
	for _, r := range reviews {
		u, err := svcs[0].Store.UserByEmail(ctx, r.Reviewer)
		if err != nil {
			t.Fatal(err)
		}
		if rv, err := svcs[0].Store.Review(ctx, byURL[r.Article], u.ID); err != nil || rv.CompletedAt == nil {
			t.Errorf("%s's review of %s is not finished (%v)", r.Reviewer, r.Article, err)
		}
		n := 0
		for _, a := range anns {
			if a["user_id"] == u.ID && a["article_id"] == byURL[r.Article] && a["exact"] == r.Annotations[0].Passage {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s's first annotation of %s is stored %d times", r.Reviewer, r.Article, n)
		}
	}
}
