// Package feeds polls outlets' feeds (RSS 2.0, Atom, sitemaps) and imports the article pages
// they list through the one import pipeline (app/imports), so that duplicates are skipped and
// edited pages become revisions. Fetches are polite (a User-Agent naming the service, one
// request per host at a time spaced by a gap, conditional requests with ETag and
// If-Modified-Since, size and time limits) and refuse internal addresses unless allowed.
// What each poll found lives in the database (models.OutletFeed), so replicas share it, and
// a lease in the database keeps polls of one outlet from overlapping.
package feeds

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/app/imports"
	"github.com/credence-project/credence/app/safe"
	"github.com/credence-project/credence/models"
)

// Options configure a poller.
type Options struct {
	AllowPrivate bool          // fetch loopback and private addresses (tests, closed networks)
	HostGap      time.Duration // the least time between two requests to one host; 0: 1s
	MaxItems     int           // entries read per feed and poll; 0: 200
}

// Poller polls feeds and imports what they list.
type Poller struct {
	store   *models.Store
	imports *imports.Service
	log     *slog.Logger
	client  *http.Client
	hosts   *hostLimiter
	holder  string
	maxItem int

	// readFeed and readPage are parseFeed and Extract; a test puts parsers that break in their place.
	readFeed func(body []byte) ([]entry, error)
	readPage func(page []byte, pageURL string) (Extracted, error)
}

// New makes a poller.
func New(store *models.Store, imp *imports.Service, log *slog.Logger, opt Options) *Poller {
	if opt.HostGap == 0 {
		opt.HostGap = time.Second
	}
	if opt.MaxItems == 0 {
		opt.MaxItems = 200
	}
	host, _ := os.Hostname()
	return &Poller{store: store, imports: imp, log: log, client: newClient(opt.AllowPrivate), hosts: newHostLimiter(opt.HostGap),
		holder: fmt.Sprintf("%s/%d/%d", host, os.Getpid(), rand.Int64()), maxItem: opt.MaxItems, readFeed: parseFeed, readPage: Extract}
}

// ErrBusy is a poll of an outlet that another poll (here or on another replica) is running.
var ErrBusy = errors.New("a poll of this outlet is already running")

// PollOutlet polls every feed of an outlet once, under the outlet's lease, and returns the
// feeds with what this poll found.
func (p *Poller) PollOutlet(ctx context.Context, outletID int64) ([]models.OutletFeed, error) {
	ok, err := p.store.LeaseOutletPoll(ctx, outletID, p.holder, time.Now().UTC().Add(30*time.Minute))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrBusy
	}
	defer func() {
		if err := p.store.ReleaseOutletPoll(context.WithoutCancel(ctx), outletID, p.holder); err != nil {
			p.log.Warn("feed poll lease not released", "outlet_id", outletID, "err", err)
		}
	}()
	feeds, err := p.store.OutletFeeds(ctx, outletID)
	if err != nil {
		return nil, err
	}
	for i := range feeds {
		p.pollFeed(ctx, &feeds[i])
		if err := p.store.SaveFeedPoll(context.WithoutCancel(ctx), &feeds[i]); err != nil {
			return feeds, err
		}
	}
	return feeds, nil
}

// pollFeed fetches one feed and imports the pages of its new or changed entries, noting the
// outcome on f. The feed's validators (ETag, Last-Modified) are kept for the next poll's
// conditional request only when this poll read it and imported every entry it lists: a feed
// that did not parse, or an entry whose page failed (unreachable, no readable text), is
// fetched whole again next time, so the failure stays in sight and the entry is retried
// instead of waiting behind a 304 until the feed changes (TestFeedRetriesWhatFailed).
func (p *Poller) pollFeed(ctx context.Context, f *models.OutletFeed) {
	now := time.Now().UTC()
	f.LastPolledAt, f.Polls, f.LastError = &now, f.Polls+1, ""
	res, err := p.get(ctx, f.URL, f.ETag, f.LastModified)
	switch {
	case err != nil:
		f.LastStatus, f.LastError, f.Errors = statusOf(err), err.Error(), f.Errors+1
		return
	case res.status == 304:
		f.LastStatus, f.NotModified = "not_modified", f.NotModified+1
		return
	}
	f.ETag, f.LastModified = "", ""
	var entries []entry
	err = p.contained("parse feed", f.URL, func() (err error) {
		entries, err = p.readFeed(res.body)
		return err
	})
	if err != nil {
		f.LastStatus, f.LastError, f.Errors = "error", err.Error(), f.Errors+1
		return
	}
	f.LastStatus = "ok"
	complete := true
	for i, e := range entries {
		if i >= p.maxItem {
			break
		}
		if ctx.Err() != nil {
			complete = false
			break
		}
		if err := p.contained("import", e.url, func() error { return p.importEntry(ctx, f, e) }); err != nil {
			f.Errors++
			f.LastError = err.Error()
			complete = false
		}
	}
	if complete {
		f.ETag, f.LastModified = res.etag, res.lastModified
	}
}

// contained runs fn, a step on a stranger's bytes (parsing a feed; fetching, extracting and
// importing one entry's page), in the poller's goroutine, where no request's recoverer reaches
// when Run polls. A panic in it (third-party parsers and the import pipeline reading any page
// on the web) fails that step as an error, logged with its stack, and the poll goes on with the
// next entry or feed, instead of the service ending (TestFeedParserPanicFailsOnlyItsFeed).
func (p *Poller) contained(what, url string, fn func() error) error {
	err := safe.Call(fn)
	if pe := (*safe.PanicError)(nil); errors.As(err, &pe) {
		p.log.Error("feed poll: panic", "step", what, "url", url, "err", err)
		return fmt.Errorf("%s %s: panic: %v", what, url, pe.Value)
	}
	return err
}

func statusOf(err error) string {
	if errors.Is(err, ErrPrivateAddress) {
		return "refused"
	}
	return "error"
}

// entry is one page a feed lists, with the key that says whether it changed.
type entry struct{ url, key string }

// importEntry fetches and imports one entry's page unless it was fetched with the same key.
func (p *Poller) importEntry(ctx context.Context, f *models.OutletFeed, e entry) error {
	if key, seen, err := p.store.FeedItemKey(ctx, f.ID, e.url); err != nil {
		return err
	} else if seen && key == e.key {
		return nil
	}
	item, err := p.FetchArticle(ctx, e.url)
	if err != nil {
		return err
	}
	item.OutletID = f.OutletID
	rep, err := p.imports.ImportOne(ctx, item, 0, false)
	if err != nil {
		return err
	}
	f.Created += rep.Created
	f.Updated += rep.Updated
	f.Duplicates += rep.SkippedDuplicates
	if len(rep.Errors) > 0 {
		return fmt.Errorf("import %s: %s", e.url, rep.Errors[0].Message)
	}
	return p.store.PutFeedItem(ctx, models.FeedItem{FeedID: f.ID, URL: e.url, ItemKey: e.key, FetchedAt: time.Now().UTC()})
}

// FetchArticle fetches an article page and extracts its readable text and metadata. An answer
// that is not an HTML page (a feed, a PDF) is ErrNotArticle; a panic in the extractor is this
// page's error (TestFetchArticleContainsAnExtractorPanic).
func (p *Poller) FetchArticle(ctx context.Context, pageURL string) (annotate.ArticleInput, error) {
	res, err := p.get(ctx, pageURL, "", "")
	if err != nil {
		return annotate.ArticleInput{}, err
	}
	if err := checkArticlePage(pageURL, res); err != nil {
		return annotate.ArticleInput{}, err
	}
	// Contained here too, not only in a poll: an admin's import of 50 URLs (api/import_urls)
	// gets this page's error beside the others' reports, not a 500 for the whole request.
	var x Extracted
	err = p.contained("extract", pageURL, func() (err error) {
		x, err = p.readPage(res.body, res.finalURL)
		return err
	})
	if err != nil {
		return annotate.ArticleInput{}, err
	}
	title := x.Title
	if title == "" {
		title = pageURL
	}
	return annotate.ArticleInput{Title: title, URL: pageURL, Author: x.Author, PublishedAt: x.PublishedAt, Text: x.Text}, nil
}

// parseFeed reads RSS 2.0 or Atom with gofeed, or a sitemap (urlset) with encoding/xml.
func parseFeed(body []byte) ([]entry, error) {
	if bytes.Contains(body[:min(len(body), 1024)], []byte("<urlset")) {
		var sm struct {
			URLs []struct {
				Loc     string `xml:"loc"`
				LastMod string `xml:"lastmod"`
			} `xml:"url"`
		}
		if err := xml.Unmarshal(body, &sm); err != nil {
			return nil, fmt.Errorf("sitemap: %w", err)
		}
		out := make([]entry, 0, len(sm.URLs))
		for _, u := range sm.URLs {
			if loc := strings.TrimSpace(u.Loc); loc != "" {
				out = append(out, entry{url: loc, key: strings.TrimSpace(u.LastMod)})
			}
		}
		return out, nil
	}
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("feed: %w", err)
	}
	out := make([]entry, 0, len(feed.Items))
	for _, it := range feed.Items {
		link := strings.TrimSpace(it.Link)
		if link == "" {
			continue
		}
		key := it.GUID
		if it.UpdatedParsed != nil {
			key = it.UpdatedParsed.UTC().Format(time.RFC3339)
		} else if it.PublishedParsed != nil {
			key = it.PublishedParsed.UTC().Format(time.RFC3339)
		}
		out = append(out, entry{url: link, key: key})
	}
	return out, nil
}

// Run polls every outlet with feeds, then waits interval, jittered by up to a tenth either
// way so that replicas started together drift apart, until ctx ends. The lease in the
// database keeps two replicas from polling one outlet at once.
func (p *Poller) Run(ctx context.Context, interval time.Duration) {
	for {
		wait := interval + time.Duration((rand.Float64()*0.2-0.1)*float64(interval))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		ids, err := p.store.OutletsWithFeeds(ctx)
		if err != nil {
			p.log.Warn("feed poll: list outlets", "err", err)
			continue
		}
		for _, id := range ids {
			if _, err := p.PollOutlet(ctx, id); err != nil && !errors.Is(err, ErrBusy) && ctx.Err() == nil {
				p.log.Warn("feed poll failed", "outlet_id", id, "err", err)
			}
		}
	}
}
