package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/app"
	"github.com/credence-project/credence/models"
)

// The demo's worked example (demo/reviews.json): two demo annotators who have each, on their
// own, reviewed and finished some of the demo articles, agreeing on most passages and not on
// a few, so that a curator has articles to adjudicate and a researcher has scores and
// downloads the moment the demo starts. Their work is written through the store's methods the
// API uses (the same checks, audit entries, data versions and score changes as a reviewer's
// requests), never by SQL.
//
// Each review names its reviewer (a demo account) and its article (by URL). A passage is
// given by its exact text, found in the article when the demo loads; a text that is not there,
// or is there more than once without "occurrence" (1 for the first) saying which, stops the
// load. Regions are the service's detected ones, named by kind and a passage inside them, with
// the reviewer's decision on each ("accepted" or "rejected"), as a reviewer decides them in the
// article's margin.
type demoReviewFile struct {
	Reviews []demoReview `json:"reviews"`
}

type demoReview struct {
	Reviewer    string           `json:"reviewer"`
	Article     string           `json:"article"`
	Regions     []demoRegion     `json:"regions"`
	Annotations []demoAnnotation `json:"annotations"`
}

type demoRegion struct {
	Kind       string `json:"kind"`
	Passage    string `json:"passage"`
	Occurrence int    `json:"occurrence"`
	Status     string `json:"status"`
}

type demoAnnotation struct {
	Label      string `json:"label"`
	Passage    string `json:"passage"`
	Occurrence int    `json:"occurrence"`
	Note       string `json:"note"`
}

// readDemoReviews parses demo/reviews.json.
func readDemoReviews() ([]demoReview, error) {
	raw, err := demoFiles.ReadFile("demo/reviews.json")
	if err != nil {
		return nil, err
	}
	var f demoReviewFile
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("demo/reviews.json: %w", err)
	}
	return f.Reviews, nil
}

// demoFinished counts the demo articles each demo reviewer has finished, for the accounts
// line: an account with none is not in the map.
func demoFinished() map[string]int {
	rs, err := readDemoReviews()
	if err != nil {
		return nil // loadDemoReviews reports it
	}
	n := map[string]int{}
	for _, r := range rs {
		n[r.Reviewer]++
	}
	return n
}

// locate finds a passage in an article's text and returns its span in code points (the unit
// of annotations and regions). It fails when the passage is not in the text, or is there more
// than once and occurrence (1-based) does not say which.
func locate(text, passage string, occurrence int) (start, end int, err error) {
	passage = annotate.NormaliseText(passage) // as the article's text was stored
	if passage == "" {
		return 0, 0, fmt.Errorf("an empty passage")
	}
	count := strings.Count(text, passage)
	switch {
	case count == 0:
		return 0, 0, fmt.Errorf("passage %q is not in the article's text", passage)
	case occurrence == 0 && count > 1:
		return 0, 0, fmt.Errorf("passage %q is in the article %d times: say which with occurrence", passage, count)
	case occurrence < 0 || occurrence > count:
		return 0, 0, fmt.Errorf("passage %q: occurrence %d of %d", passage, occurrence, count)
	}
	from := 0
	for k := max(occurrence, 1); k > 1; k-- {
		from += strings.Index(text[from:], passage) + len(passage)
	}
	from += strings.Index(text[from:], passage)
	start = utf8.RuneCountInString(text[:from])
	return start, start + utf8.RuneCountInString(passage), nil
}

// loadDemoReviews writes the demo annotators' finished reviews of the demo articles. ids are
// the demo accounts by email; articles the demo articles by URL.
func loadDemoReviews(ctx context.Context, svc *app.Services, ids map[string]int64, articles map[string]int64) (int, error) {
	reviews, err := readDemoReviews()
	if err != nil {
		return 0, err
	}
	written := 0
	for _, r := range reviews {
		uid, ok := ids[r.Reviewer]
		if !ok {
			return 0, fmt.Errorf("demo review by %s: not a demo account", r.Reviewer)
		}
		aid, ok := articles[r.Article]
		if !ok {
			return 0, fmt.Errorf("demo review by %s of %s: no such demo article", r.Reviewer, r.Article)
		}
		u, err := svc.Store.User(ctx, uid)
		if err != nil {
			return 0, err
		}
		if err := demoReviewOf(ctx, svc.Store, u, aid, r); err != nil {
			return 0, fmt.Errorf("demo review by %s of %s: %w", r.Reviewer, r.Article, err)
		}
		written++
	}
	return written, nil
}

// demoReviewOf is one reviewer's review of one article: decide its detected regions, tag its
// passages, finish it; each step checked by the domain's rules as the API checks it.
func demoReviewOf(ctx context.Context, store *models.Store, u *models.User, articleID int64, r demoReview) error {
	rd := annotate.Reader{ID: u.ID, Role: u.Role}
	raw, _, err := store.ArticleTextRevision(ctx, articleID)
	if err != nil {
		return err
	}
	text := annotate.NewText(raw)
	writable := func() error {
		v, err := store.ArticleForReader(ctx, articleID, u.ID)
		if err != nil {
			return err
		}
		return annotate.CheckWrite(rd, v.Rules())
	}
	if len(r.Regions) > 0 {
		regions, err := store.ListRegions(ctx, articleID, u.ID)
		if err != nil {
			return err
		}
		for _, dr := range r.Regions {
			reg, err := demoRegionIn(raw, regions, dr)
			if err != nil {
				return err
			}
			status, err := annotate.ParseRegionStatus(dr.Status)
			if err != nil {
				return err
			}
			owner := annotate.RegionOwner{Origin: reg.Origin}
			if err := annotate.CheckRegionChange(rd, owner, annotate.RegionChange{Decide: true}); err != nil {
				return err
			}
			if err := writable(); err != nil {
				return err
			}
			if _, err := store.DecideRegion(ctx, reg.ID, u.ID, reg.Version, status); err != nil {
				return fmt.Errorf("region %d: %w", reg.ID, err)
			}
		}
	}
	layer, err := annotate.WriteLayer(rd, "")
	if err != nil {
		return err
	}
	for _, da := range r.Annotations {
		start, end, err := locate(raw, da.Passage, da.Occurrence)
		if err != nil {
			return err
		}
		exact := text.Slice(start, end)
		na, err := annotate.NewAnnotation(text, annotate.AnnotationInput{Label: &da.Label, Start: &start, End: &end, Exact: &exact, Note: &da.Note})
		if err != nil {
			return fmt.Errorf("passage %q: %w", da.Passage, err)
		}
		_, review, err := store.ArticleForWrite(ctx, articleID, u.ID)
		if err != nil {
			return err
		}
		if err := annotate.CheckWrite(rd, review.Rules()); err != nil {
			return err
		}
		a := &models.Annotation{ArticleID: articleID, UserID: u.ID, Label: string(na.Label), Start: na.Start, End: na.End,
			Exact: na.Quote.Exact, Prefix: na.Quote.Prefix, Suffix: na.Quote.Suffix, Note: na.Note, Layer: layer}
		if err := store.CreateAnnotation(ctx, a); err != nil {
			return fmt.Errorf("passage %q: %w", da.Passage, err)
		}
	}
	_, err = store.CompleteReview(ctx, articleID, u.ID, true)
	return err
}

// demoRegionIn is the one detected region of the reviewers' layer, of the kind named, that
// holds the passage named.
func demoRegionIn(text string, regions []models.Region, dr demoRegion) (*models.Region, error) {
	start, end, err := locate(text, dr.Passage, dr.Occurrence)
	if err != nil {
		return nil, err
	}
	var found *models.Region
	for i := range regions {
		g := &regions[i]
		if g.Kind != dr.Kind || g.Origin != annotate.OriginDetected || g.Layer != annotate.LayerReview || g.Start > start || g.End < end {
			continue
		}
		if found != nil {
			return nil, fmt.Errorf("two detected %s regions (%d and %d) hold passage %q", dr.Kind, found.ID, g.ID, dr.Passage)
		}
		found = g
	}
	if found == nil {
		return nil, fmt.Errorf("no detected %s region holds passage %q", dr.Kind, dr.Passage)
	}
	return found, nil
}

// demoArticleIDs maps the URL of every stored article to its id.
func demoArticleIDs(ctx context.Context, store *models.Store) (map[string]int64, error) {
	out := map[string]int64{}
	p := models.Page{Limit: 100}
	for {
		as, more, err := store.ListArticles(ctx, models.ArticleFilter{Page: p})
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			out[a.URL] = a.ID
		}
		if !more || len(as) == 0 {
			return out, nil
		}
		p.After = as[len(as)-1].ID
	}
}
