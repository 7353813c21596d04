package imports

import (
	"context"
	"errors"
	"fmt"

	"github.com/credence-project/credence/annotate"
	"github.com/credence-project/credence/models"
)

// Revise stores the text of in as a new revision of the stored article id (one with the
// same URL): the old text is kept for audit and every annotation and region is re-anchored
// by its quote and context (Reanchor), or orphaned. The same text again is a
// *models.DuplicateArticleError, as is a text another article of the outlet already has.
func (s *Service) Revise(ctx context.Context, actor, id int64, in annotate.ArticleInput) (*models.Article, error) {
	e := models.ArticleEdit{Title: in.Title, Author: in.Author, PublishedAt: in.PublishedAt, Text: in.Text,
		TextSHA256: annotate.TextSHA256(in.Text), TextLength: annotate.CodePoints(in.Text)}
	if s.reprints != nil {
		e.Keys = s.reprints.Keys([]string{in.Text})[0] // the index follows the new text, in the revision's transaction
		if e.Keys == nil {
			e.Keys = []uint64{}
		}
	}
	a, err := s.store.ReviseArticle(ctx, actor, id, e, ReanchorAll(annotate.NewText(in.Text)))
	if err != nil {
		return nil, fmt.Errorf("revise article %d: %w", id, err)
	}
	if s.reprints != nil { // and proposals with it
		if err := s.reprints.ScanBatch(ctx, []models.Article{*a}, [][]uint64{e.Keys}); err != nil {
			s.reprints.ScanFailed([]models.Article{*a}, err)
		}
	}
	return a, nil
}

// ReanchorAll moves annotations and regions from an old text into next: each is looked for by
// its quote and context (an anchored one's as it read in the old text, an orphaned one's as
// it read when it was lost) and either placed, with its new offsets and context, or orphaned
// with its old offsets and quote kept, so its reviewer can place it again.
func ReanchorAll(next *annotate.Text) models.Reanchorer {
	return func(oldText string, anns []models.Annotation, regs []models.Region) {
		old := annotate.NewText(oldText)
		for i := range anns {
			a := &anns[i]
			q := annotate.Quote{Exact: a.Exact, Prefix: a.Prefix, Suffix: a.Suffix}
			if a.Status != "orphaned" {
				if fresh, err := old.Anchor(a.Start, a.End, nil); err == nil {
					q = fresh
				}
			}
			if nq, start, end, ok := place(next, q); ok {
				a.Start, a.End, a.Prefix, a.Suffix, a.Status = start, end, nq.Prefix, nq.Suffix, "anchored"
			} else {
				a.Status = "orphaned"
			}
		}
		for i := range regs {
			r := &regs[i]
			q := annotate.Quote{Exact: r.Exact, Prefix: r.Prefix, Suffix: r.Suffix}
			if r.Anchor != "orphaned" {
				if fresh, err := old.Anchor(r.Start, r.End, nil); err == nil {
					q = fresh
				}
			}
			if nq, start, end, ok := place(next, q); ok {
				r.Start, r.End, r.Anchor = start, end, "anchored"
				r.Exact, r.Prefix, r.Suffix = nq.Exact, nq.Prefix, nq.Suffix
			} else {
				r.Anchor, r.Exact, r.Prefix, r.Suffix = "orphaned", q.Exact, q.Prefix, q.Suffix
			}
		}
	}
}

// place finds q in t and returns it with the context it now has.
func place(t *annotate.Text, q annotate.Quote) (annotate.Quote, int, int, bool) {
	start, end, ok := annotate.Reanchor(t, q)
	if !ok {
		return q, 0, 0, false
	}
	nq, err := t.Anchor(start, end, nil)
	return nq, start, end, err == nil
}

// isURLDuplicate says whether err is a stored article with the same URL (a candidate for a
// revision), and which.
func isURLDuplicate(err error) (int64, bool) {
	var dup *models.DuplicateArticleError
	if errors.As(err, &dup) && dup.Reason == "url" {
		return dup.ExistingID, true
	}
	return 0, false
}

// ImportOne imports one article that was not read from a file (a page a feed listed, a URL
// an admin pasted) exactly as Import imports each article of a file: a new article is
// created, the same one again is a skipped duplicate, an edited one a new revision.
func (s *Service) ImportOne(ctx context.Context, in annotate.ArticleInput, actor int64, dryRun bool) (Report, error) {
	rep := Report{Result: Result{Errors: []LineError{}, IDs: []int64{}}, DryRun: dryRun, Format: "url"}
	res, checked, store, err := s.importItem(ctx, annotate.ImportItem{Line: 1, Input: in}, Options{DryRun: dryRun}, newSeenArticles())
	if err == nil && store {
		res, err = s.storeOne(ctx, actor, res, checked)
	}
	if err != nil {
		return rep, err
	}
	rep.count(res, dryRun)
	return rep, nil
}
