package annotate

import (
	"net/url"
	"strings"
	"time"
)

// Size limits of an article, so that one bad line cannot exhaust the server.
const (
	MaxTitleLen = 1000
	MaxTextLen  = 2_000_000 // code points
	MaxURLLen   = 2048
)

// ArticleInput is an article as a client or an import file sends it. The outlet is given
// either by id or by a name, alias or domain (Outlet); import resolves it.
type ArticleInput struct {
	OutletID    int64      `json:"outlet_id"`
	Outlet      string     `json:"outlet"`
	Title       string     `json:"title"`
	URL         string     `json:"url"`
	Author      string     `json:"author"`
	PublishedAt *time.Time `json:"published_at"`
	Text        string     `json:"text"`
}

// Normalise validates the input and puts its text in stored form (see NormaliseText).
func (a *ArticleInput) Normalise() error {
	a.Title = strings.TrimSpace(NormaliseText(a.Title))
	a.Author = strings.TrimSpace(NormaliseText(a.Author))
	a.URL = strings.TrimSpace(a.URL)
	a.Outlet = strings.TrimSpace(a.Outlet)
	a.Text = NormaliseText(a.Text)
	switch {
	case a.Title == "":
		return Errorf(CodeInvalid, "title", "title is required")
	case CodePoints(a.Title) > MaxTitleLen:
		return Errorf(CodeInvalid, "title", "title is longer than %d characters", MaxTitleLen)
	case strings.TrimSpace(a.Text) == "":
		return Errorf(CodeInvalid, "text", "text is required")
	case CodePoints(a.Text) > MaxTextLen:
		return Errorf(CodeInvalid, "text", "text is longer than %d characters", MaxTextLen)
	case len(a.URL) > MaxURLLen:
		return Errorf(CodeInvalid, "url", "url is longer than %d characters", MaxURLLen)
	}
	if a.URL != "" {
		u, err := url.Parse(a.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return Errorf(CodeInvalid, "url", "url %q is not an absolute http(s) URL", clip(a.URL))
		}
	}
	if a.PublishedAt != nil {
		t := a.PublishedAt.UTC()
		a.PublishedAt = &t
	}
	return nil
}

// URLHost returns the lower-case host of the article's URL without "www.", or "".
func (a *ArticleInput) URLHost() string {
	u, err := url.Parse(a.URL)
	if err != nil {
		return ""
	}
	return NormaliseDomain(u.Hostname())
}

// NormaliseDomain lower-cases a domain and strips a scheme, path and leading "www.".
func NormaliseDomain(d string) string {
	d = strings.ToLower(strings.TrimSpace(d))
	if i := strings.Index(d, "://"); i >= 0 {
		d = d[i+3:]
	}
	if i := strings.IndexAny(d, "/?#"); i >= 0 {
		d = d[:i]
	}
	return strings.TrimPrefix(d, "www.")
}

// known keeps what identifies a line that failed (its title and URL, as given) so that an
// import report can say which article it was.
func known(in ArticleInput) ArticleInput {
	return ArticleInput{Title: strings.TrimSpace(in.Title), URL: strings.TrimSpace(in.URL)}
}
