package feeds

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
)

// ErrNotArticle is a URL whose answer is not an HTML page: a feed, a sitemap, a PDF, an image.
// Readability finds "readable text" in almost anything (an RSS feed's titles and links run
// together), so such an answer would otherwise become a junk article.
var ErrNotArticle = errors.New("not an article page")

// feedRoots are the root elements of the feeds and sitemaps the poller reads.
var feedRoots = map[string]string{"rss": "an RSS feed", "feed": "an Atom feed", "RDF": "an RSS feed",
	"urlset": "a sitemap", "sitemapindex": "a sitemap index"}

// checkArticlePage says whether a fetched answer is an HTML page to extract an article from:
// its root element is no feed's or sitemap's (whatever its Content-Type says), and its
// Content-Type is HTML, or missing or generic with a body that sniffs as HTML.
func checkArticlePage(pageURL string, res *fetched) error {
	if kind := feedKind(res.body); kind != "" {
		return fmt.Errorf("%s is %s, %w: add it to an outlet's feeds to import the pages it lists", pageURL, kind, ErrNotArticle)
	}
	mt, _, _ := mime.ParseMediaType(res.contentType)
	switch mt {
	case "text/html", "application/xhtml+xml":
		return nil
	case "", "application/octet-stream", "text/plain":
		if strings.HasPrefix(http.DetectContentType(res.body), "text/html") {
			return nil // a server that does not say, or says wrongly, what its page is
		}
	}
	what := mt
	if what == "" {
		what = http.DetectContentType(res.body)
	}
	return fmt.Errorf("%s is %s, %w: only HTML pages are read", pageURL, what, ErrNotArticle)
}

// feedKind names the feed or sitemap a body is by its root element, or "".
func feedKind(body []byte) string {
	d := xml.NewDecoder(bytes.NewReader(body[:min(len(body), 64<<10)]))
	d.Strict = false
	for {
		tok, err := d.Token()
		if err != nil {
			return ""
		}
		if se, ok := tok.(xml.StartElement); ok {
			return feedRoots[se.Name.Local]
		}
	}
}
