package api_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/credence-project/credence/api"
	"github.com/credence-project/credence/models/modeltest"
)

// newEnvWith is newEnv with a configuration of the test's own.
func newEnvWith(t *testing.T, cfg api.Config) *env {
	t.Helper()
	store := modeltest.Open(t)
	srv := api.New(cfg, store, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	e := &env{t: t, srv: srv, store: store, ts: ts, tokens: map[string]string{}, ids: map[string]int64{}}
	for _, who := range []struct{ name, role string }{{"admin", "admin"}, {"reviewer", "reviewer"}} {
		e.addUser(who.name, who.role)
	}
	return e
}

// newsSite serves an RSS feed listing one article page.
func newsSite(t *testing.T) *httptest.Server {
	var site *httptest.Server
	site = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/rss.xml":
			if r.Header.Get("If-None-Match") == `"1"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("ETag", `"1"`)
			fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>N</title><item><title>A</title><link>%s/a</link><guid>a</guid></item></channel></rss>`, site.URL)
		case "/a":
			io.WriteString(w, `<html><head><title>Harbour reopens</title></head><body><nav><a href="/">Home</a> <a href="/sport">Sport</a></nav>
<article><h1>Harbour reopens</h1><p>The harbour reopened on Monday after three weeks of repairs to the sea wall, the port authority said.</p>
<p>Fishing boats returned at dawn, and the ferry service to the islands will resume on Wednesday with a reduced timetable.</p>
<p>Repairs cost about two million, paid for by the regional government and an emergency fund.</p></article>
<aside class="related"><a href="/b">Storm damage in pictures</a></aside></body></html>`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(site.Close)
	return site
}

// TestFeedRoutesPollAndReport: an admin sets an outlet's feeds, polls them now, and reads
// each feed's status and counts; a second poll is answered 304 and adds nothing.
func TestFeedRoutesPollAndReport(t *testing.T) {
	cfg := testConfig()
	cfg.FeedAllowPrivate = true
	e := newEnvWith(t, cfg)
	site := newsSite(t)
	id := e.outlet("Harbour News", nil, nil)
	e.must("admin", "PATCH", "/api/v1/outlets/"+itoa(id), map[string]any{"feeds": []string{site.URL + "/rss.xml"}}, 200, nil)
	type feedList struct {
		Items []struct {
			URL, Status                 string
			Polls, Created, NotModified int
			LastError                   string `json:"last_error"`
		}
	}
	var fl feedList
	e.must("admin", "GET", "/api/v1/outlets/"+itoa(id)+"/feeds", nil, 200, &fl)
	if len(fl.Items) != 1 || fl.Items[0].Status != "never" {
		t.Fatalf("feeds before a poll: %+v", fl)
	}
	e.must("admin", "POST", "/api/v1/outlets/"+itoa(id)+"/poll", nil, 200, &fl)
	if fl.Items[0].Status != "ok" || fl.Items[0].Created != 1 {
		t.Fatalf("after a poll: %+v", fl)
	}
	e.must("admin", "POST", "/api/v1/outlets/"+itoa(id)+"/poll", nil, 200, &fl)
	if fl.Items[0].Status != "not_modified" || fl.Items[0].Created != 1 || fl.Items[0].Polls != 2 {
		t.Fatalf("after a re-poll: %+v", fl)
	}
	e.must("reviewer", "POST", "/api/v1/outlets/"+itoa(id)+"/poll", nil, 403, nil)
	r := e.must("admin", "PATCH", "/api/v1/outlets/"+itoa(id), map[string]any{"feeds": []string{"file:///etc/passwd"}}, 422, nil)
	if r.errCode() != "invalid" {
		t.Fatalf("a file URL as a feed: %s", r.Body)
	}
	e.must("admin", "GET", "/api/v1/outlets/"+itoa(id)+"/feeds", nil, 200, &fl)
	if len(fl.Items) != 1 || fl.Items[0].URL != site.URL+"/rss.xml" {
		t.Fatalf("a refused change changed the feeds: %+v", fl)
	}
}

// TestFeedRoutesPrivateRefused: by default a feed on a loopback address is refused, and the
// feed says so.
func TestFeedRoutesPrivateRefused(t *testing.T) {
	e := newEnv(t)
	site := newsSite(t)
	id := e.outlet("Harbour News", nil, nil)
	e.must("admin", "PATCH", "/api/v1/outlets/"+itoa(id), map[string]any{"feeds": []string{site.URL + "/rss.xml"}}, 200, nil)
	var fl struct {
		Items []struct {
			Status    string
			Created   int
			LastError string `json:"last_error"`
		}
	}
	e.must("admin", "POST", "/api/v1/outlets/"+itoa(id)+"/poll", nil, 200, &fl)
	if len(fl.Items) != 1 || fl.Items[0].Status != "refused" || fl.Items[0].Created != 0 {
		t.Fatalf("a loopback feed: %+v, want refused", fl)
	}
}

// TestOutletAnswersCarryFeeds: every outlet answer (list, one, create, change) carries the
// outlet's feed URLs in the order they were set, and an empty array when it has none.
func TestOutletAnswersCarryFeeds(t *testing.T) {
	e := newEnv(t)
	type outlet struct {
		ID    int64
		Feeds []string
	}
	var created outlet
	e.must("admin", "POST", "/api/v1/outlets", map[string]any{"name": "Feedless"}, 201, &created)
	if created.Feeds == nil || len(created.Feeds) != 0 {
		t.Fatalf("a new outlet's feeds = %#v, want []", created.Feeds)
	}
	withFeeds := e.outlet("Harbour News", nil, nil)
	urls := []string{"https://harbour.example/rss.xml", "https://harbour.example/sitemap.xml"}
	var patched outlet
	e.must("admin", "PATCH", "/api/v1/outlets/"+itoa(withFeeds), map[string]any{"feeds": urls}, 200, &patched)
	if fmt.Sprint(patched.Feeds) != fmt.Sprint(urls) {
		t.Fatalf("PATCH answered feeds %v, want %v", patched.Feeds, urls)
	}
	var one outlet
	e.must("reviewer", "GET", "/api/v1/outlets/"+itoa(withFeeds), nil, 200, &one)
	if fmt.Sprint(one.Feeds) != fmt.Sprint(urls) {
		t.Fatalf("GET one answered feeds %v, want %v", one.Feeds, urls)
	}
	var list struct{ Items []outlet }
	e.must("reviewer", "GET", "/api/v1/outlets", nil, 200, &list)
	seen := 0
	for _, o := range list.Items {
		switch o.ID {
		case withFeeds:
			seen++
			if fmt.Sprint(o.Feeds) != fmt.Sprint(urls) {
				t.Errorf("list answered feeds %v for the outlet with feeds", o.Feeds)
			}
		case created.ID:
			seen++
			if o.Feeds == nil || len(o.Feeds) != 0 {
				t.Errorf("list answered feeds %#v for the outlet without, want []", o.Feeds)
			}
		}
	}
	if seen != 2 {
		t.Fatalf("list holds %d of the 2 outlets: %+v", seen, list.Items)
	}
	e.must("admin", "PATCH", "/api/v1/outlets/"+itoa(withFeeds), map[string]any{"feeds": []string{}}, 200, &patched)
	if patched.Feeds == nil || len(patched.Feeds) != 0 {
		t.Fatalf("after removing every feed, feeds = %#v, want []", patched.Feeds)
	}
}

// TestCreateOutletKeepsFeeds: the feeds sent with a new outlet are stored and answered (they
// used to be dropped silently), and a bad feed URL refuses the whole create.
func TestCreateOutletKeepsFeeds(t *testing.T) {
	e := newEnv(t)
	var created struct {
		ID    int64
		Feeds []string
	}
	urls := []string{"https://fresh.example/rss.xml"}
	e.must("admin", "POST", "/api/v1/outlets", map[string]any{"name": "Fresh Feeds", "feeds": urls}, 201, &created)
	if fmt.Sprint(created.Feeds) != fmt.Sprint(urls) {
		t.Fatalf("the create answered feeds %v, want %v", created.Feeds, urls)
	}
	var one struct{ Feeds []string }
	e.must("admin", "GET", "/api/v1/outlets/"+itoa(created.ID), nil, 200, &one)
	if fmt.Sprint(one.Feeds) != fmt.Sprint(urls) {
		t.Fatalf("the new outlet's feeds are %v, want %v", one.Feeds, urls)
	}
	r := e.do("admin", "POST", "/api/v1/outlets", map[string]any{"name": "Bad Feeds", "feeds": []string{"not a url"}})
	if r.Status < 400 || r.Status >= 500 {
		t.Fatalf("a bad feed URL answered %d, want a 4xx: %s", r.Status, r.Body)
	}
	var list struct{ Items []struct{ Name string } }
	e.must("admin", "GET", "/api/v1/outlets?limit=1000", nil, 200, &list)
	for _, o := range list.Items {
		if o.Name == "Bad Feeds" {
			t.Fatal("an outlet was created though its feed URL was refused")
		}
	}
}
