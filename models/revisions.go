package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// ArticleRevision is a superseded text of an article, kept for audit when a re-import
// brought an edited text: the article keeps its id and its current text in articles.
type ArticleRevision struct {
	ID          int64 `gorm:"primaryKey"`
	ArticleID   int64
	Revision    int
	Title       string
	Author      string
	PublishedAt *time.Time
	Text        string
	TextSHA256  string `gorm:"column:text_sha256"`
	TextLength  int
	CreatedAt   time.Time
	ReplacedAt  time.Time
}

// ArticleEdit is the new version of an article that a re-import brought.
type ArticleEdit struct {
	Title       string
	Author      string
	PublishedAt *time.Time
	Text        string
	TextSHA256  string
	TextLength  int
	// Keys are the LSH keys of Text (annotate/reprint), which replace the article's in the
	// shared reprint index in the revision's transaction; nil leaves the index alone (the
	// backfill then finds the article's keys computed from another text).
	Keys []uint64
}

// Reanchorer moves an article's annotations and regions from the old text to the new one in
// place: new offsets and context where their passage is found, else status (annotations)
// or anchor (regions) orphaned. It is the domain's job; the store only persists the result.
type Reanchorer func(oldText string, anns []Annotation, regs []Region)

// ReviseArticle stores a new revision of an article in one transaction: the old text is kept
// in article_revisions, the annotations and regions are moved by move, the article's
// data version is bumped so scores follow the new text, and its reprint keys become e.Keys. A text equal to the current one is
// a *DuplicateArticleError (url); one equal to another article of the outlet, (text).
func (s *Store) ReviseArticle(ctx context.Context, actor, id int64, e ArticleEdit, move Reanchorer) (*Article, error) {
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		// Bumping first takes the article's row lock, so annotations cannot be added while it moves.
		if err := bumpArticle(tx, id); err != nil {
			return fmt.Errorf("revise article %d: %w", id, err)
		}
		var a Article
		if err := tx.Omit("OutletName").Take(&a, id).Error; err != nil {
			return notFound(err)
		}
		if a.TextSHA256 == e.TextSHA256 {
			return &DuplicateArticleError{ExistingID: a.ID, Reason: "url"}
		}
		var other Article
		if err := tx.Select("id").Where("outlet_id = ? AND text_sha256 = ? AND id <> ?", a.OutletID, e.TextSHA256, id).Take(&other).Error; err == nil {
			return &DuplicateArticleError{ExistingID: other.ID, Reason: "text"}
		}
		now := nowUTC()
		old := ArticleRevision{ArticleID: id, Revision: a.Revision, Title: a.Title, Author: a.Author, PublishedAt: a.PublishedAt,
			Text: a.Text, TextSHA256: a.TextSHA256, TextLength: a.TextLength, CreatedAt: a.CreatedAt, ReplacedAt: now}
		if err := tx.Create(&old).Error; err != nil {
			return fmt.Errorf("revise article %d: keep revision %d: %w", id, a.Revision, err)
		}
		if err := reanchorRows(tx, id, a.Text, move, now); err != nil {
			return fmt.Errorf("revise article %d: %w", id, err)
		}
		if err := tx.Model(&Article{}).Where("id = ?", id).Updates(map[string]any{
			"title": e.Title, "author": e.Author, "published_at": e.PublishedAt, "text": e.Text,
			"text_sha256": e.TextSHA256, "text_length": e.TextLength, "revision": a.Revision + 1,
		}).Error; err != nil {
			return fmt.Errorf("revise article %d: %w", id, err)
		}
		if e.Keys != nil {
			if err := s.replaceReprintKeys(tx, []ReprintKeys{{ArticleID: id, TextSHA256: e.TextSHA256, Keys: e.Keys}}); err != nil {
				return fmt.Errorf("revise article %d: %w", id, err)
			}
		}
		return audit(tx, actor, "revise", "article", id,
			map[string]any{"revision": a.Revision, "text_sha256": a.TextSHA256, "title": a.Title},
			map[string]any{"revision": a.Revision + 1, "text_sha256": e.TextSHA256, "title": e.Title})
	})
	if err != nil {
		return nil, err
	}
	return s.Article(ctx, id)
}

// reanchorRows loads an article's annotations and regions, lets move place them in the new
// text, and writes back those that changed, each with its version bumped.
func reanchorRows(tx *gorm.DB, id int64, oldText string, move Reanchorer, now time.Time) error {
	var anns []Annotation
	if err := tx.Where("article_id = ?", id).Order("id").Find(&anns).Error; err != nil {
		return fmt.Errorf("annotations: %w", err)
	}
	var regs []Region
	if err := tx.Omit("OriginOutletName").Where("article_id = ?", id).Order("id").Find(&regs).Error; err != nil {
		return fmt.Errorf("regions: %w", err)
	}
	oldAnns := append([]Annotation(nil), anns...)
	oldRegs := append([]Region(nil), regs...)
	move(oldText, anns, regs)
	for i, n := range anns {
		o := oldAnns[i]
		if n.Start == o.Start && n.End == o.End && n.Status == o.Status && n.Prefix == o.Prefix && n.Suffix == o.Suffix {
			continue
		}
		if err := tx.Model(&Annotation{}).Where("id = ?", n.ID).Updates(map[string]any{
			"start_cp": n.Start, "end_cp": n.End, "prefix": n.Prefix, "suffix": n.Suffix, "status": n.Status,
			"version": o.Version + 1, "updated_at": now,
		}).Error; err != nil {
			return fmt.Errorf("annotation %d: %w", n.ID, err)
		}
	}
	for i, n := range regs {
		o := oldRegs[i]
		if n.Start == o.Start && n.End == o.End && n.Anchor == o.Anchor && n.Exact == o.Exact && n.Prefix == o.Prefix && n.Suffix == o.Suffix {
			continue
		}
		if err := tx.Model(&Region{}).Where("id = ?", n.ID).Updates(map[string]any{
			"start_cp": n.Start, "end_cp": n.End, "anchor": n.Anchor, "exact": n.Exact, "prefix": n.Prefix, "suffix": n.Suffix,
			"version": o.Version + 1, "updated_at": now,
		}).Error; err != nil {
			return fmt.Errorf("region %d: %w", n.ID, err)
		}
	}
	return nil
}

// ArticleRevisions lists the superseded revisions of an article, oldest first.
func (s *Store) ArticleRevisions(ctx context.Context, id int64) ([]ArticleRevision, error) {
	var out []ArticleRevision
	err := s.db.WithContext(ctx).Where("article_id = ?", id).Order("revision").Find(&out).Error
	return out, err
}
