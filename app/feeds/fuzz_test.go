package feeds

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// The feeds and pages a poll reads come from outside: a feed or a page that breaks a parser
// must end as an error on that feed or entry, never as a panic in the poller's goroutine,
// which would end the whole service.

// FuzzParseFeed: RSS, Atom and sitemaps from anywhere give entries or an error.
func FuzzParseFeed(f *testing.F) {
	for _, seed := range []string{
		`<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://x.example</link>
<item><title>C</title><link>https://x.example/a</link><guid>cb</guid><pubDate>Sat, 21 Nov 2026 14:30:00 GMT</pubDate></item></channel></rss>`,
		`<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>urn:de</id><updated>2026-11-22T09:15:00Z</updated>
<entry><title>M</title><id>urn:sm</id><link href="https://x.example/m"/><updated>2026-11-22T09:15:00Z</updated></entry></feed>`,
		`<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://x.example/f</loc><lastmod>2026-11-21</lastmod></url></urlset>`,
		`{"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": [{"id": "1", "url": "https://x.example/j"}]}`,
		`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><item><link>https://x.example/r</link></item></rdf:RDF>`,
		"", "<rss", "<feed><entry><link href=", "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"windows-1252\"?><rss><channel><item><link>x</link></item></channel></rss>",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		entries, err := parseFeed(body)
		if err != nil {
			if len(entries) != 0 {
				t.Fatalf("error %v with %d entries", err, len(entries))
			}
			return
		}
		for _, e := range entries {
			if strings.TrimSpace(e.url) == "" || e.url != strings.TrimSpace(e.url) {
				t.Fatalf("entry with url %q", e.url)
			}
		}
	})
}

// FuzzExtract: any page gives its readable text, not empty, or an error.
func FuzzExtract(f *testing.F) {
	pages, _ := filepath.Glob(filepath.Join("testdata", "*.html"))
	for _, p := range pages {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, seed := range []string{"", "<p>x</p>", "<html><head><title>T</title><meta property=\"article:published_time\" content=\"2026-13-45\"></head><body><article><p>One. Two.</p><div class=comments><p>c</p></div></article></body></html>",
		"<table><tr><td><p>a<td><p>b</table>", "<svg><p><math><mi><p>", "<div><br><br><br>text<br><br></div>"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, page []byte) {
		x, err := Extract(page, "https://x.example/news/a")
		if err != nil {
			return
		}
		if strings.TrimSpace(x.Text) == "" {
			t.Fatalf("no error and no text")
		}
		if utf8.Valid(page) && !utf8.ValidString(x.Text) {
			t.Fatalf("valid page, invalid text %q", x.Text)
		}
	})
}
