package models

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/credence-project/credence/annotate"
)

// The article's hot read, in plain SQL: every workspace refresh reads it (see hot.go for why
// this is not written with gorm).

// ReaderView is what one reader sees of an article's metadata: the article (without its
// text, which the caller caches by its hash: a revision changes it), the reader's review, and how many
// annotations the reader has on it.
type ReaderView struct {
	Article     Article
	Review      Review
	Annotations int64
}

// Rules is the reader's review as the domain's rules see it (annotate.Review).
func (v *ReaderView) Rules() annotate.Review {
	r := v.Review.Rules()
	r.Annotations = v.Annotations
	return r
}

// Rules is the review as the domain's rules see it, without the annotation count.
func (r *Review) Rules() annotate.Review {
	return annotate.Review{Completed: r.CompletedAt != nil, ViewedOthers: r.ViewedOthersAt != nil, ReopenedAfterViewing: r.ReopenedAfterViewing}
}

// ArticleForWrite reads what a create needs before it writes, in one query: the article's
// revision (for its cached text) and the writer's review as the rules see it (no annotation
// count: CheckWrite does not use it). ErrNotFound when the article does not exist.
func (s *Store) ArticleForWrite(ctx context.Context, articleID, userID int64) (revision int, review *Review, err error) {
	row, err := s.queryRow(ctx, "SELECT articles.revision, reviews.completed_at, reviews.viewed_others_at, reviews.reopened_after_viewing "+
		"FROM articles LEFT JOIN reviews ON reviews.article_id = articles.id AND reviews.user_id = ? WHERE articles.id = ?", userID, articleID)
	if err != nil {
		return 0, nil, err
	}
	r := &Review{ArticleID: articleID, UserID: userID}
	var reopened sql.NullBool
	if err := row.Scan(&revision, &r.CompletedAt, &r.ViewedOthersAt, &reopened); err != nil {
		return 0, nil, rowErr(err)
	}
	r.ReopenedAfterViewing = reopened.Bool
	return revision, r, nil
}

// ArticleForReader reads an article's metadata with the reader's review and annotation
// count, in one query.
func (s *Store) ArticleForReader(ctx context.Context, articleID, userID int64) (*ReaderView, error) {
	row, err := s.queryRow(ctx, readerViewSQL, userID, userID, articleID)
	if err != nil {
		return nil, err
	}
	return scanReaderView(row, articleID, userID)
}

// readerViewSQL is ArticleForReader's query; its arguments are the reader's id twice and the
// article's.
const readerViewSQL = "SELECT articles.id, articles.outlet_id, articles.title, articles.url, articles.author, articles.published_at, " +
	"articles.text_sha256, articles.text_length, articles.data_version, articles.revision, articles.created_at, outlets.name, " +
	"reviews.assigned, reviews.assigned_at, reviews.completed_at, reviews.viewed_others_at, reviews.reopened_after_viewing, " +
	"(SELECT COUNT(*) FROM annotations WHERE annotations.article_id = articles.id AND annotations.user_id = ?) " +
	"FROM articles JOIN outlets ON outlets.id = articles.outlet_id " +
	"LEFT JOIN reviews ON reviews.article_id = articles.id AND reviews.user_id = ? " +
	"WHERE articles.id = ?"

// scanReaderView reads the row of readerViewSQL; ErrNotFound for none.
func scanReaderView(row interface{ Scan(...any) error }, articleID, userID int64) (*ReaderView, error) {
	v := ReaderView{Review: Review{ArticleID: articleID, UserID: userID}}
	a := &v.Article
	var assigned, reopened sql.NullBool
	if err := row.Scan(&a.ID, &a.OutletID, &a.Title, &a.URL, &a.Author, &a.PublishedAt, &a.TextSHA256, &a.TextLength, &a.DataVersion,
		&a.Revision, &a.CreatedAt, &a.OutletName, &assigned, &v.Review.AssignedAt, &v.Review.CompletedAt, &v.Review.ViewedOthersAt, &reopened,
		&v.Annotations); err != nil {
		return nil, rowErr(err)
	}
	v.Review.Assigned, v.Review.ReopenedAfterViewing = assigned.Bool, reopened.Bool
	return &v, nil
}

// ArticleRevisionNumber returns an article's current revision: a one-row check that a cached
// text is still the article's text.
func (s *Store) ArticleRevisionNumber(ctx context.Context, id int64) (int, error) {
	row, err := s.queryRow(ctx, "SELECT revision FROM articles WHERE id = ?", id)
	if err != nil {
		return 0, fmt.Errorf("article %d revision: %w", id, err)
	}
	var rev int
	if err := row.Scan(&rev); err != nil {
		return 0, rowErr(err)
	}
	return rev, nil
}

// ArticleTextRevision returns an article's text with its revision: the text cache's miss.
func (s *Store) ArticleTextRevision(ctx context.Context, id int64) (string, int, error) {
	row, err := s.queryRow(ctx, "SELECT text, revision FROM articles WHERE id = ?", id)
	if err != nil {
		return "", 0, err
	}
	var text string
	var rev int
	if err := row.Scan(&text, &rev); err != nil {
		return "", 0, rowErr(err)
	}
	return text, rev, nil
}
