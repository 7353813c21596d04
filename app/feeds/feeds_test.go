package feeds_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/app/feeds"
	"github.com/credence-project/credence/app/imports"
	"github.com/credence-project/credence/models"
	"github.com/credence-project/credence/models/modeltest"
)

var slugs = []string{"council-budget", "flood-warning", "school-meals"}

// site is a local news site: an RSS feed, an Atom feed and a sitemap listing realistic pages.
type site struct {
	srv         *httptest.Server
	mu          sync.Mutex
	pages       map[string]string // slug → html
	version     string            // the feeds' validator; changes when a page is edited
	notModified atomic.Int64
	uaSeen      atomic.Value
}

func newSite(t *testing.T) *site {
	s := &site{pages: map[string]string{}, version: "v1"}
	for _, sl := range slugs {
		b, err := os.ReadFile("testdata/" + sl + ".html")
		if err != nil {
			t.Fatal(err)
		}
		s.pages[sl] = string(b)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *site) serve(w http.ResponseWriter, r *http.Request) {
	s.uaSeen.Store(r.UserAgent())
	s.mu.Lock()
	defer s.mu.Unlock()
	base := s.srv.URL
	etag := `"` + s.version + `"`
	lastMod := "Mon, 30 Nov 2026 10:00:00 GMT"
	if s.version != "v1" {
		lastMod = "Tue, 01 Dec 2026 10:00:00 GMT"
	}
	conditional := func() bool {
		if r.Header.Get("If-None-Match") == etag || (r.Header.Get("If-None-Match") == "" && r.Header.Get("If-Modified-Since") == lastMod) {
			s.notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return true
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", lastMod)
		return false
	}
	switch {
	case r.URL.Path == "/rss.xml":
		if conditional() {
			return
		}
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Daily Example</title><link>%s</link>
<item><title>Council</title><link>%s/news/council-budget</link><guid>cb</guid><pubDate>%s</pubDate></item>
<item><title>Flood</title><link>%s/news/flood-warning</link><guid>fw</guid><pubDate>Sat, 21 Nov 2026 14:30:00 GMT</pubDate></item>
</channel></rss>`, base, base, s.pubDate(), base)
	case r.URL.Path == "/atom.xml":
		if conditional() {
			return
		}
		fmt.Fprintf(w, `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Daily Example</title><id>urn:de</id><updated>2026-11-22T09:15:00Z</updated>
<entry><title>Meals</title><id>urn:sm</id><link href="%s/news/school-meals"/><updated>2026-11-22T09:15:00Z</updated></entry></feed>`, base)
	case r.URL.Path == "/sitemap.xml":
		if conditional() {
			return
		}
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>%s/news/flood-warning</loc><lastmod>2026-11-21</lastmod></url></urlset>`, base)
	case strings.HasPrefix(r.URL.Path, "/news/"):
		p, ok := s.pages[strings.TrimPrefix(r.URL.Path, "/news/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, p)
	default:
		http.NotFound(w, r)
	}
}

func (s *site) pubDate() string {
	if s.version == "v1" {
		return "Fri, 20 Nov 2026 08:00:00 GMT"
	}
	return "Tue, 01 Dec 2026 09:00:00 GMT"
}

// edit replaces a phrase of a page and changes the feeds' validators and the entry's date.
func (s *site) edit(slug, from, to string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pages[slug] = strings.Replace(s.pages[slug], from, to, 1)
	s.version = "v2"
}

type fixture struct {
	store  *models.Store
	poller *feeds.Poller
	outlet int64
	site   *site
}

func newFixture(t *testing.T, allowPrivate bool) *fixture {
	t.Helper()
	ctx := context.Background()
	st := modeltest.Open(t)
	site := newSite(t)
	o := &models.Outlet{Name: "Daily Example", Slug: "daily-example", Domains: []string{"daily.example"}}
	if err := st.CreateOutlet(ctx, 0, o); err != nil {
		t.Fatal(err)
	}
	if err := st.SetOutletFeeds(ctx, o.ID, []string{site.srv.URL + "/rss.xml", site.srv.URL + "/atom.xml", site.srv.URL + "/sitemap.xml"}); err != nil {
		t.Fatal(err)
	}
	p := feeds.New(st, imports.New(st, nil), slog.New(slog.NewTextHandler(io.Discard, nil)),
		feeds.Options{AllowPrivate: allowPrivate, HostGap: time.Millisecond})
	return &fixture{store: st, poller: p, outlet: o.ID, site: site}
}

func totals(fs []models.OutletFeed) (created, updated, dups, errs int) {
	for _, f := range fs {
		created, updated, dups, errs = created+f.Created, updated+f.Updated, dups+f.Duplicates, errs+f.Errors
	}
	return
}

// TestFeedPollImportsAndRepollAddsNothing: one poll imports the three pages that RSS, Atom
// and a sitemap list (the page two feeds list, once); a second poll is answered 304 for every
// feed and adds nothing.
func TestFeedPollImportsAndRepollAddsNothing(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, true)
	fs, err := f.poller.PollOutlet(ctx, f.outlet)
	if err != nil {
		t.Fatal(err)
	}
	if c, u, _, e := totals(fs); c != 3 || u != 0 || e != 0 {
		t.Fatalf("first poll: created %d updated %d errors %d (%+v), want 3 created", c, u, e, fs)
	}
	if ua, _ := f.site.uaSeen.Load().(string); !strings.Contains(ua, "credence") {
		t.Errorf("User-Agent %q does not name the service", ua)
	}
	arts, _, err := f.store.ListArticles(ctx, models.ArticleFilter{Page: models.Page{Limit: 10}})
	if err != nil || len(arts) != 3 {
		t.Fatalf("articles %d, %v", len(arts), err)
	}
	fs, err = f.poller.PollOutlet(ctx, f.outlet)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.site.notModified.Load(); got != 3 {
		t.Errorf("304 answers on the re-poll: %d, want 3 (one per feed)", got)
	}
	for _, fd := range fs {
		if fd.LastStatus != "not_modified" || fd.Polls != 2 || fd.NotModified != 1 {
			t.Errorf("feed %s after the re-poll: %+v", fd.URL, fd)
		}
	}
	if c, u, _, _ := totals(fs); c != 3 || u != 0 {
		t.Errorf("after the re-poll: created %d updated %d, want the first poll's 3 and 0", c, u)
	}
}

// TestFeedExtractionKeepsArticle: the stored text of each page is its article's paragraphs,
// without navigation, ads, share tools, related links, comments or footer; the title, author
// and date come from the page. Token F1 against the article text is reported (EXTRACTION.md).
func TestFeedExtractionKeepsArticle(t *testing.T) {
	for _, sl := range slugs {
		page, _ := os.ReadFile("testdata/" + sl + ".html")
		want, _ := os.ReadFile("testdata/" + sl + ".txt")
		x, err := feeds.Extract(page, "https://daily.example/news/"+sl)
		if err != nil {
			t.Fatal(err)
		}
		for _, para := range strings.Split(strings.TrimSpace(string(want)), "\n\n") {
			if !strings.Contains(x.Text, para) {
				t.Errorf("%s: paragraph lost: %q", sl, para)
			}
		}
		for _, junk := range []string{"Subscribe today", "Win a luxury cruise", "Related stories", "Mayor opens new cycle lane", "wasting our money", "First!", "All rights reserved", "Share on Facebook", "newsletter"} {
			if strings.Contains(x.Text, junk) {
				t.Errorf("%s: kept %q", sl, junk)
			}
		}
		if x.Title == "" || x.Author == "" || x.PublishedAt == nil {
			t.Errorf("%s: metadata title %q author %q date %v", sl, x.Title, x.Author, x.PublishedAt)
		}
		f1 := annotate.TokenF1(x.Text, string(want))
		t.Logf("%s: token F1 %.3f (%d extracted code points)", sl, f1, annotate.CodePoints(x.Text))
		if f1 < 0.95 {
			t.Errorf("%s: token F1 %.3f below 0.95", sl, f1)
		}
	}
}

// TestFeedEditedPageBecomesRevision: a page edited after it was imported comes back, through
// a feed whose validators and entry date changed, as a new revision of the same article, and
// an annotation on an unchanged passage follows it.
func TestFeedEditedPageBecomesRevision(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, true)
	if _, err := f.poller.PollOutlet(ctx, f.outlet); err != nil {
		t.Fatal(err)
	}
	a := f.findArticle(t, "council-budget")
	exact := "Residents will be able to comment"
	start := annotate.CodePoints(a.Text[:strings.Index(a.Text, exact)])
	q, _ := annotate.NewText(a.Text).Anchor(start, start+annotate.CodePoints(exact), nil)
	u := &models.User{Email: "r@example.org", Name: "R", Role: "reviewer", PasswordHash: "x"}
	if err := f.store.CreateUser(ctx, 0, u); err != nil {
		t.Fatal(err)
	}
	ann := &models.Annotation{ArticleID: a.ID, UserID: u.ID, Label: "sourced_fact", Start: start, End: start + annotate.CodePoints(exact), Exact: q.Exact, Prefix: q.Prefix, Suffix: q.Suffix}
	if err := f.store.CreateAnnotation(ctx, ann); err != nil {
		t.Fatal(err)
	}
	f.site.edit("council-budget", "The city council approved", "After a heated debate, the city council approved")
	fs, err := f.poller.PollOutlet(ctx, f.outlet)
	if err != nil {
		t.Fatal(err)
	}
	if _, up, _, _ := totals(fs); up != 1 {
		t.Fatalf("updated %d after the edit (%+v), want 1", up, fs)
	}
	got, err := f.store.Article(ctx, a.ID)
	if err != nil || got.Revision != 2 || !strings.Contains(got.Text, "After a heated debate") {
		t.Fatalf("article after the edit: %+v, %v", got, err)
	}
	n, err := f.store.Annotation(ctx, ann.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n.Status != "anchored" || annotate.NewText(got.Text).Slice(n.Start, n.End) != exact || n.Start == ann.Start {
		t.Fatalf("annotation after the edit: %+v", n)
	}
}

func (f *fixture) findArticle(t *testing.T, slug string) *models.Article {
	t.Helper()
	arts, _, err := f.store.ListArticles(context.Background(), models.ArticleFilter{Page: models.Page{Limit: 10}})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range arts {
		if strings.HasSuffix(a.URL, "/news/"+slug) {
			full, err := f.store.Article(context.Background(), a.ID)
			if err != nil {
				t.Fatal(err)
			}
			return full
		}
	}
	t.Fatalf("no article for %s", slug)
	return nil
}

// TestFeedPrivateAddressRefused: without AllowPrivate the poller dials nothing internal: the
// loopback test site is refused, the feeds say so, and nothing is imported.
func TestFeedPrivateAddressRefused(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, false)
	fs, err := f.poller.PollOutlet(ctx, f.outlet)
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range fs {
		if fd.LastStatus != "refused" || !strings.Contains(fd.LastError, "refused") {
			t.Errorf("feed %s: status %q error %q, want refused", fd.URL, fd.LastStatus, fd.LastError)
		}
	}
	if c, _, _, _ := totals(fs); c != 0 {
		t.Errorf("created %d from a refused site", c)
	}
}

// TestFeedParserPanicFailsOnlyItsFeed: a feed or a page that makes a parser panic fails that
// feed or that entry, with the panic in its error, and the poll goes on with the others; the
// outlet's lease is released, so the next poll runs. When Run polls, nothing recovers a panic
// in its goroutine: before, such a page ended the service, and this test binary with it.
func TestFeedParserPanicFailsOnlyItsFeed(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, true)
	feeds.BreakParsersOn(f.poller, "urn:de")                        // the Atom feed's id: its parse breaks
	f.site.edit("flood-warning", "</body>", "<p>urn:de</p></body>") // and so does this page's extraction
	fs, err := f.poller.PollOutlet(ctx, f.outlet)
	if err != nil {
		t.Fatal(err)
	}
	byURL := map[string]models.OutletFeed{}
	for _, fd := range fs {
		byURL[strings.TrimPrefix(fd.URL, f.site.srv.URL)] = fd
	}
	atom, rss, sitemap := byURL["/atom.xml"], byURL["/rss.xml"], byURL["/sitemap.xml"]
	if atom.LastStatus != "error" || atom.Errors != 1 || !strings.Contains(atom.LastError, "panic: runtime error: slice bounds out of range") || atom.Created != 0 {
		t.Errorf("atom feed %+v, want its parse failed with the panic", atom)
	}
	// RSS lists council-budget (imported) and flood-warning (its extraction breaks).
	if rss.LastStatus != "ok" || rss.Created != 1 || rss.Errors != 1 || !strings.Contains(rss.LastError, "panic: extractor broke on") {
		t.Errorf("rss feed %+v, want one page imported and one failed with the panic", rss)
	}
	if sitemap.Errors != 1 || sitemap.Created != 0 {
		t.Errorf("sitemap %+v, want flood-warning failed again", sitemap)
	}
	arts, _, err := f.store.ListArticles(ctx, models.ArticleFilter{Page: models.Page{Limit: 10}})
	if err != nil || len(arts) != 1 {
		t.Fatalf("articles %d, %v; want council-budget only", len(arts), err)
	}
	if _, err := f.poller.PollOutlet(ctx, f.outlet); err != nil {
		t.Fatalf("the next poll: %v (the lease should be free)", err)
	}
}

// TestFeedRetriesWhatFailed: a feed that did not parse, and a feed with an entry whose page
// could not be fetched, are fetched whole on the next poll, not answered 304 on the
// validators of the failed poll: once the feed parses and the page is back, the entries are
// imported. Before, both feeds showed "not_modified" with no error from the second poll on,
// and the entries waited until the feed itself changed.
func TestFeedRetriesWhatFailed(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, true)
	mend := feeds.BreakParsersOn(f.poller, "urn:de") // the Atom feed (school-meals) does not parse
	f.site.mu.Lock()
	council := f.site.pages["council-budget"]
	delete(f.site.pages, "council-budget") // RSS lists it; its page answers 404
	f.site.mu.Unlock()
	fs, err := f.poller.PollOutlet(ctx, f.outlet)
	if err != nil {
		t.Fatal(err)
	}
	if c, _, _, e := totals(fs); c != 1 || e != 2 {
		t.Fatalf("first poll: created %d errors %d (%+v), want flood-warning only, two errors", c, e, fs)
	}
	for _, poll := range []string{"second", "third"} {
		fs, err = f.poller.PollOutlet(ctx, f.outlet)
		if err != nil {
			t.Fatal(err)
		}
		for _, fd := range fs {
			failing := strings.HasSuffix(fd.URL, "/atom.xml") || strings.HasSuffix(fd.URL, "/rss.xml")
			if failing && (fd.LastStatus == "not_modified" || fd.LastError == "") {
				t.Errorf("%s poll, %s: %s %q, want it fetched and its error shown again", poll, fd.URL, fd.LastStatus, fd.LastError)
			}
		}
	}
	mend()
	f.site.mu.Lock()
	f.site.pages["council-budget"] = council
	f.site.mu.Unlock()
	fs, err = f.poller.PollOutlet(ctx, f.outlet)
	if err != nil {
		t.Fatal(err)
	}
	if c, _, _, _ := totals(fs); c != 3 {
		t.Fatalf("after the mend: created %d (%+v), want all 3 pages", c, fs)
	}
	for _, fd := range fs {
		want := "ok"
		if strings.HasSuffix(fd.URL, "/sitemap.xml") {
			want = "not_modified" // it listed flood-warning, imported at the first poll
		}
		if fd.LastStatus != want || fd.LastError != "" {
			t.Errorf("after the mend, %s: %s %q, want %s", fd.URL, fd.LastStatus, fd.LastError, want)
		}
	}
	fs, err = f.poller.PollOutlet(ctx, f.outlet)
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range fs {
		if fd.LastStatus != "not_modified" {
			t.Errorf("once all is imported, %s: %s, want a 304 again", fd.URL, fd.LastStatus)
		}
	}
}

// TestFetchArticleContainsAnExtractorPanic: fetching one page by URL (what an admin's import
// of up to 50 URLs does, in the request's goroutine) turns an extractor panic into that page's
// error, so the other URLs' reports still reach the admin instead of a 500.
func TestFetchArticleContainsAnExtractorPanic(t *testing.T) {
	f := newFixture(t, true)
	feeds.BreakParsersOn(f.poller, "urn:de")
	f.site.edit("flood-warning", "</body>", "<p>urn:de</p></body>")
	_, err := f.poller.FetchArticle(context.Background(), f.site.srv.URL+"/news/flood-warning")
	if err == nil || !strings.Contains(err.Error(), "extract "+f.site.srv.URL+"/news/flood-warning: panic: extractor broke on") {
		t.Fatalf("got %v, want the page's error naming the panic", err)
	}
	in, err := f.poller.FetchArticle(context.Background(), f.site.srv.URL+"/news/council-budget")
	if err != nil || !strings.Contains(in.Text, "budget") {
		t.Fatalf("another page: %v, %q", err, in.Text)
	}
}

// TestFetchArticleRefusesWhatIsNoPage: a URL whose answer is a feed, a sitemap or not HTML at
// all is ErrNotArticle, however its server labels it, instead of an article made of a feed's
// titles and links run together (what readability extracted from an RSS URL given to the
// import of URLs). An HTML page served with no type, or as text/plain, is still read.
func TestFetchArticleRefusesWhatIsNoPage(t *testing.T) {
	f := newFixture(t, true)
	page, err := os.ReadFile("testdata/council-budget.html")
	if err != nil {
		t.Fatal(err)
	}
	rss := `<?xml version="1.0"?><rss version="2.0"><channel><title>Local</title><item><title>A</title><link>https://x.example/a</link></item></channel></rss>`
	answers := map[string]struct{ ctype, body string }{
		"/feed-as-html": {"text/html; charset=utf-8", rss},
		"/atom":         {"application/atom+xml", `<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title></feed>`},
		"/empty-rss":    {"", `<?xml version="1.0"?><!-- no items yet --><rss version="2.0"><channel><title>Local</title></channel></rss>`},
		"/sitemap":      {"application/xml", `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://x.example/a</loc></url></urlset>`},
		"/pdf":          {"application/pdf", "%PDF-1.7\n1 0 obj << /Title (Council approves budget) >> endobj"},
		"/json":         {"application/json", `{"title": "Council approves budget", "body": "The council approved the budget."}`},
		"/untyped-html": {"", string(page)},
		"/plain-html":   {"text/plain", string(page)},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := answers[r.URL.Path]
		if a.ctype != "" {
			w.Header().Set("Content-Type", a.ctype)
		} else {
			w.Header()["Content-Type"] = nil // no sniffing by net/http: no type at all
		}
		io.WriteString(w, a.body)
	}))
	defer srv.Close()
	for path := range answers {
		_, err := f.poller.FetchArticle(context.Background(), srv.URL+path)
		if strings.HasSuffix(path, "-html") && !strings.HasPrefix(path, "/feed") {
			if err != nil {
				t.Errorf("%s: %v, want the page read", path, err)
			}
			continue
		}
		if !errors.Is(err, feeds.ErrNotArticle) {
			t.Errorf("%s: %v, want ErrNotArticle", path, err)
		} else {
			t.Logf("%s: %v", path, err)
		}
	}
	_, err = f.poller.FetchArticle(context.Background(), f.site.srv.URL+"/rss.xml")
	if !errors.Is(err, feeds.ErrNotArticle) || !strings.Contains(err.Error(), "is an RSS feed") {
		t.Errorf("the fixture's RSS feed: %v", err)
	}
}
