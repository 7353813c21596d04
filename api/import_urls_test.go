package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
)

// pagesSite serves the article pages of app/feeds/testdata, and at /edited a page whose text
// changes when edit is set (a revision).
func pagesSite(t *testing.T, edit *atomic.Bool) *httptest.Server {
	files := http.FileServer(http.Dir("../app/feeds/testdata"))
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/edited" {
			files.ServeHTTP(w, r)
			return
		}
		when := "on Monday"
		if edit.Load() {
			when = "on Tuesday, a day later than planned"
		}
		fmt.Fprintf(w, `<html><head><title>Harbour reopens</title></head><body><article><h1>Harbour reopens</h1>
<p>The harbour reopened %s after three weeks of repairs to the sea wall, the port authority said.</p>
<p>Fishing boats returned at dawn, and the ferry service to the islands will resume on Wednesday with a reduced timetable.</p>
<p>Repairs cost about two million, paid for by the regional government and an emergency fund.</p></article></body></html>`, when)
	}))
	t.Cleanup(site.Close)
	return site
}

type urlImportAnswer struct {
	DryRun bool `json:"dry_run"`
	Items  []struct {
		URL    string
		Report *struct {
			Created, Updated  int
			SkippedDuplicates int `json:"skipped_duplicates"`
			IDs               []int64
			Items             []struct{ Status, Title string }
		}
		Error *struct{ Code, Message string }
	}
}

// TestURLImportPreviewsFetchesExtractsAndImports: pasted URLs are previewed (nothing stored),
// then fetched, extracted and imported; a second import skips them as duplicates, an edited
// page becomes a revision, and a page that is not there is an error of its URL, not a 500.
func TestURLImportPreviewsFetchesExtractsAndImports(t *testing.T) {
	cfg := testConfig()
	cfg.FeedAllowPrivate = true
	e := newEnvWith(t, cfg)
	var edit atomic.Bool
	site := pagesSite(t, &edit)
	outlet := e.outlet("Harbour News", nil, nil)
	urls := []string{site.URL + "/council-budget.html", "  ", site.URL + "/edited", site.URL + "/missing.html"}
	var a urlImportAnswer
	e.must("admin", "POST", "/api/v1/articles/import/urls", map[string]any{"outlet_id": outlet, "urls": urls, "preview": true}, 200, &a)
	if !a.DryRun || len(a.Items) != 3 || e.articleCount() != 0 {
		t.Fatalf("preview: %+v, %d articles stored", a, e.articleCount())
	}
	if r := a.Items[0].Report; r == nil || len(r.Items) != 1 || r.Items[0].Status != "created" {
		t.Fatalf("preview of the council page: %+v", a.Items[0])
	}
	if a.Items[2].Error == nil || a.Items[2].Error.Code != "fetch_failed" || !strings.Contains(a.Items[2].Error.Message, "404") {
		t.Fatalf("a missing page: %+v", a.Items[2])
	}

	e.must("admin", "POST", "/api/v1/articles/import/urls", map[string]any{"outlet_id": outlet, "urls": urls}, 200, &a)
	if a.DryRun || a.Items[0].Report == nil || a.Items[0].Report.Created != 1 || a.Items[1].Report.Created != 1 || e.articleCount() != 2 {
		t.Fatalf("import: %+v, %d articles", a, e.articleCount())
	}
	var art struct {
		Title, Text string
		OutletID    int64 `json:"outlet_id"`
	}
	e.must("admin", "GET", fmt.Sprintf("/api/v1/articles/%d", a.Items[0].Report.IDs[0]), nil, 200, &art)
	want, err := os.ReadFile("../app/feeds/testdata/council-budget.txt")
	if err != nil {
		t.Fatal(err)
	}
	if art.OutletID != outlet || strings.TrimSpace(art.Text) != strings.TrimSpace(string(want)) {
		t.Fatalf("the stored council article (outlet %d): %q, want the extracted text %q", art.OutletID, art.Text, want)
	}

	edit.Store(true)
	e.must("admin", "POST", "/api/v1/articles/import/urls", map[string]any{"outlet_id": outlet, "urls": urls[:3]}, 200, &a)
	if r := a.Items[0].Report; r == nil || r.SkippedDuplicates != 1 || r.Created != 0 {
		t.Fatalf("the council page again: %+v", a.Items[0])
	}
	if r := a.Items[1].Report; r == nil || r.Updated != 1 || r.Created != 0 {
		t.Fatalf("the edited page: %+v", a.Items[1])
	}
	if e.articleCount() != 2 {
		t.Fatalf("%d articles after re-importing, want 2", e.articleCount())
	}
}

// TestURLImportRefusesPrivateAddressByDefault: without --feed-allow-private a page on a
// loopback address is refused per URL, and nothing is stored.
func TestURLImportRefusesPrivateAddressByDefault(t *testing.T) {
	e := newEnv(t)
	var edit atomic.Bool
	site := pagesSite(t, &edit)
	var a urlImportAnswer
	e.must("admin", "POST", "/api/v1/articles/import/urls", map[string]any{"urls": []string{site.URL + "/school-meals.html"}}, 200, &a)
	if len(a.Items) != 1 || a.Items[0].Error == nil || a.Items[0].Error.Code != "refused" || a.Items[0].Report != nil {
		t.Fatalf("a loopback page: %+v", a)
	}
	if e.articleCount() != 0 {
		t.Fatalf("%d articles stored from a refused page", e.articleCount())
	}
}

// TestURLImportRejectsBadURLs: a URL that is not absolute http(s), no URL at all, an unknown
// outlet or a reviewer asking are refused as a whole, and nothing is stored.
func TestURLImportRejectsBadURLs(t *testing.T) {
	cfg := testConfig()
	cfg.FeedAllowPrivate = true
	e := newEnvWith(t, cfg)
	var edit atomic.Bool
	site := pagesSite(t, &edit)
	good := site.URL + "/flood-warning.html"
	for _, c := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"urls": []string{good, "ftp://example.com/a"}}, "urls"},
		{map[string]any{"urls": []string{good, "/relative/page"}}, "urls"},
		{map[string]any{"urls": []string{good, "not a url"}}, "urls"},
		{map[string]any{"urls": []string{" ", ""}}, "urls"},
		{map[string]any{}, "urls"},
		{map[string]any{"urls": []string{good}, "outlet_id": 999999}, "outlet_id"},
	} {
		r := e.must("admin", "POST", "/api/v1/articles/import/urls", c.body, 422, nil)
		var b struct{ Error struct{ Code, Field string } }
		r.json(t, &b)
		if b.Error.Code != "invalid" || b.Error.Field != c.field {
			t.Errorf("%v: error %+v, want invalid on %s", c.body, b.Error, c.field)
		}
	}
	e.must("reviewer", "POST", "/api/v1/articles/import/urls", map[string]any{"urls": []string{good}}, 403, nil)
	if e.articleCount() != 0 {
		t.Fatalf("%d articles stored by refused requests", e.articleCount())
	}
}

// TestURLImportRefusesAFeedURL: a feed's URL pasted among article URLs is an error of its URL
// (fetch_failed, saying it is a feed and where feeds go), not an article made of the feed's
// titles and links; the article beside it is imported.
func TestURLImportRefusesAFeedURL(t *testing.T) {
	cfg := testConfig()
	cfg.FeedAllowPrivate = true
	e := newEnvWith(t, cfg)
	pages := pagesSite(t, new(atomic.Bool))
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour News</title><link>%s</link>
<item><title>Council</title><link>%s/council-budget.html</link><guid>cb</guid></item></channel></rss>`, pages.URL, pages.URL)
	}))
	t.Cleanup(feed.Close)
	outlet := e.outlet("Harbour News", nil, nil)
	var a urlImportAnswer
	e.must("admin", "POST", "/api/v1/articles/import/urls", map[string]any{"outlet_id": outlet, "urls": []string{pages.URL + "/council-budget.html", feed.URL + "/rss.xml"}}, 200, &a)
	if len(a.Items) != 2 || a.Items[0].Report == nil || a.Items[0].Report.Created != 1 {
		t.Fatalf("the article: %+v", a.Items)
	}
	if er := a.Items[1].Error; er == nil || er.Code != "fetch_failed" || !strings.Contains(er.Message, "is an RSS feed, not an article page") || a.Items[1].Report != nil {
		t.Fatalf("the feed's URL: %+v", a.Items[1])
	}
	if n := e.articleCount(); n != 1 {
		t.Fatalf("%d articles stored, want 1", n)
	}
}
