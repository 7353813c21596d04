package api

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/app/feeds"
	"github.com/credence-project/credence/app/imports"
)

// maxImportURLs bounds one URL import: the pages are fetched one after another, politely
// spaced per host, inside one request.
const maxImportURLs = 50

type urlImportRequest struct {
	OutletID int64    `json:"outlet_id"`
	URLs     []string `json:"urls"`
	Preview  bool     `json:"preview"`
}

// urlImportItem is what became of one URL: the import report of its page, or why the page
// could not be fetched or read (error), never both.
type urlImportItem struct {
	URL    string          `json:"url"`
	Report *imports.Report `json:"report,omitempty"`
	Error  *urlImportError `json:"error,omitempty"`
}

type urlImportError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// checkURLs refuses the whole request when any URL is not an absolute http(s) URL, so that a
// typo changes nothing; blank lines are dropped and a URL given twice is fetched once.
func (r *urlImportRequest) checkURLs() error {
	out, seen := []string{}, map[string]bool{}
	for _, raw := range r.URLs {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(raw) > 2000 {
			return fieldErr(CodeInvalid, "urls", "each URL must be an absolute http or https URL, not %q", raw)
		}
		if !seen[raw] {
			seen[raw] = true
			out = append(out, raw)
		}
	}
	if len(out) == 0 {
		return fieldErr(CodeInvalid, "urls", "give at least one article URL")
	}
	if len(out) > maxImportURLs {
		return fieldErr(CodeInvalid, "urls", "at most %d URLs at a time, not %d", maxImportURLs, len(out))
	}
	r.URLs = out
	return nil
}

// importURLs fetches article pages by URL with the feed poller's fetcher (the same refusal of
// internal addresses and the same limits), extracts their text and imports each through
// app/imports, or with preview says what importing would do. A page that cannot be fetched
// or read is an error of its URL, not of the request.
func (s *Server) importURLs(c *gin.Context) error {
	var req urlImportRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if err := req.checkURLs(); err != nil {
		return err
	}
	ctx := c.Request.Context()
	if req.OutletID != 0 {
		if _, err := s.store.Outlet(ctx, req.OutletID); err != nil {
			return fieldErr(CodeInvalid, "outlet_id", "no outlet %d", req.OutletID)
		}
	}
	items := make([]urlImportItem, len(req.URLs))
	for i, u := range req.URLs {
		item, err := s.importURL(ctx, u, req.OutletID, currentUser(c).ID, req.Preview)
		if err != nil {
			return err
		}
		items[i] = item
	}
	c.JSON(http.StatusOK, gin.H{"dry_run": req.Preview, "items": items})
	return nil
}

// importURL fetches, extracts and imports one page; err is only the store failing.
func (s *Server) importURL(ctx context.Context, pageURL string, outletID, actor int64, preview bool) (urlImportItem, error) {
	in, err := s.app.Feeds.FetchArticle(ctx, pageURL)
	if err != nil {
		if ctx.Err() != nil {
			return urlImportItem{}, ctx.Err()
		}
		return urlImportItem{URL: pageURL, Error: fetchError(err)}, nil
	}
	in.OutletID = outletID
	rep, err := s.app.Imports.ImportOne(ctx, in, actor, preview)
	if err != nil {
		return urlImportItem{}, err
	}
	return urlImportItem{URL: pageURL, Report: &rep}, nil
}

// fetchError names why a page was not read: refused (an internal address), too_large,
// or fetch_failed (unreachable, an error status, no readable text, not an HTML page).
func fetchError(err error) *urlImportError {
	switch {
	case errors.Is(err, feeds.ErrPrivateAddress):
		return &urlImportError{Code: "refused", Message: err.Error() + " (the service fetches internal addresses only with --feed-allow-private)"}
	case errors.Is(err, feeds.ErrTooLarge):
		return &urlImportError{Code: "too_large", Message: err.Error()}
	}
	return &urlImportError{Code: "fetch_failed", Message: err.Error()}
}
