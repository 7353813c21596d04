package api

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/app/feeds"
	"github.com/credence-project/credence/models"
)

type feedJSON struct {
	ID           int64      `json:"id"`
	OutletID     int64      `json:"outlet_id"`
	URL          string     `json:"url"`
	LastPolledAt *time.Time `json:"last_polled_at"`
	Status       string     `json:"status"`
	LastError    string     `json:"last_error"`
	Polls        int        `json:"polls"`
	NotModified  int        `json:"not_modified"`
	Created      int        `json:"created"`
	Updated      int        `json:"updated"`
	Duplicates   int        `json:"skipped_duplicates"`
	Errors       int        `json:"errors"`
}

func toFeedsJSON(fs []models.OutletFeed) gin.H {
	out := make([]feedJSON, len(fs))
	for i, f := range fs {
		out[i] = feedJSON{ID: f.ID, OutletID: f.OutletID, URL: f.URL, LastPolledAt: f.LastPolledAt, Status: f.LastStatus, LastError: f.LastError,
			Polls: f.Polls, NotModified: f.NotModified, Created: f.Created, Updated: f.Updated, Duplicates: f.Duplicates, Errors: f.Errors}
	}
	return gin.H{"items": out, "next_cursor": ""}
}

// feedURLs checks the feed URLs of an outlet: absolute http or https URLs, each once.
func feedURLs(in []string) ([]string, error) {
	out, seen := []string{}, map[string]bool{}
	for _, raw := range in {
		raw = strings.TrimSpace(raw)
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(raw) > 2000 {
			return nil, fieldErr(CodeInvalid, "feeds", "each feed must be an absolute http or https URL, not %q", raw)
		}
		if !seen[raw] {
			seen[raw] = true
			out = append(out, raw)
		}
	}
	return out, nil
}

// listFeeds answers an outlet's feeds with what their last polls found.
func (s *Server) listFeeds(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.store.Outlet(c.Request.Context(), id); err != nil {
		return err
	}
	fs, err := s.store.OutletFeeds(c.Request.Context(), id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, toFeedsJSON(fs))
	return nil
}

// pollOutlet polls an outlet's feeds now and answers them as listFeeds does.
func (s *Server) pollOutlet(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.store.Outlet(c.Request.Context(), id); err != nil {
		return err
	}
	fs, err := s.app.Feeds.PollOutlet(c.Request.Context(), id)
	if errors.Is(err, feeds.ErrBusy) {
		return errf(CodeInUse, "a poll of this outlet's feeds is already running")
	}
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, toFeedsJSON(fs))
	return nil
}

// feedsOf checks the feeds of an outlet request: nil when the request names none.
func feedsOf(in *[]string) ([]string, error) {
	if in == nil {
		return nil, nil
	}
	return feedURLs(*in)
}
