package models

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// ArticleOpening asks OpenArticle for what the workspace opens an article with besides the
// reader's view of it.
type ArticleOpening struct {
	Annotations   bool  // the article's annotations in the reviewers' layer, by id
	AnnotationsOf int64 // only this user's (0: everyone's)
	Regions       bool  // the article's regions with the reader's decisions (ListRegions)
	// OwnUntilDone: the reader reviews blind (a reviewer), so on PostgreSQL only the reader's
	// own annotations are read unless the reader's review of the article is completed. It
	// only narrows what is read (never past what annotate.AnnotationScope lets a reviewer
	// see); the caller still applies the scope to the view it gets.
	OwnUntilDone bool
	// Scope, if set, narrows the annotations where that costs nothing: on SQLite, which reads
	// them after the view, only the user it answers for the view are read (0: everyone's, as
	// AnnotationsOf), and its error is OpenArticle's. PostgreSQL reads them beside the view
	// and does not call it.
	Scope func(*ReaderView) (int64, error)
}

// OpenedArticle is what OpenArticle read.
type OpenedArticle struct {
	View        *ReaderView
	Annotations []Annotation // all of them, as ListAnnotations with no page limit; the caller applies the reader's scope
	Regions     []Region
}

// OpenArticle reads the reader's view of an article (ArticleForReader) and, as asked, its
// annotations and regions. On PostgreSQL the queries go as one pgx batch: one round trip
// instead of three, run in order in one implicit transaction. On SQLite, where a query costs
// no round trip, they run one after the other. The annotations are not narrowed to what the
// reader may see: the caller applies annotate.AnnotationScope to the view it gets, as for
// ListAnnotations (o.Scope may narrow them on SQLite). ErrNotFound when the article does not
// exist.
func (s *Store) OpenArticle(ctx context.Context, articleID, readerID int64, o ArticleOpening) (*OpenedArticle, error) {
	filter := AnnotationFilter{ArticleID: articleID, UserID: o.AnnotationsOf, Page: Page{Limit: math.MaxInt32}}
	if s.dialect != "postgres" {
		return s.openArticleQueries(ctx, articleID, readerID, o, filter)
	}
	db, err := s.db.DB()
	if err != nil {
		return nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	var out OpenedArticle
	err = conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("open an article: the PostgreSQL driver connection is a %T, not pgx's", dc)
		}
		b := &pgx.Batch{}
		b.Queue(Rebind(s.dialect, readerViewSQL), readerID, readerID, articleID)
		if o.Annotations {
			q, args := annotationListQuery(filter)
			if o.OwnUntilDone && filter.UserID == 0 {
				q, args = ownUntilDoneQuery(filter, readerID)
			}
			b.Queue(Rebind(s.dialect, q), args...)
		}
		if o.Regions {
			b.Queue(Rebind(s.dialect, regionListSQL), readerID, articleID)
		}
		br := sc.Conn().SendBatch(ctx, b)
		defer br.Close()
		if out.View, err = scanReaderView(br.QueryRow(), articleID, readerID); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				err = ErrNotFound
			}
			return err
		}
		if o.Annotations {
			if out.Annotations, err = collect(br, scanAnnotation); err != nil {
				return err
			}
		}
		if o.Regions {
			if out.Regions, err = collect(br, scanRegion); err != nil {
				return err
			}
		}
		return br.Close()
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ownUntilDoneQuery is annotationListQuery's query for f (everyone's annotations, f.UserID
// 0) narrowed to the reader's own unless the reader's review of the article is completed
// (ArticleOpening.OwnUntilDone), with its arguments. It is two branches: the reader's own,
// found by the (article_id, user_id) index, and the others', behind the completed review as
// a one-time filter, so a blind reader's read costs PostgreSQL their own rows rather than a
// scan of every annotation of the article filtered one by one (the form before, kept in
// TestOwnUntilDoneMatchesTheFilter as the reference it is compared with). Same rows, same
// order (by id), same limit. The first branch compares the layer as an expression so that
// only the (article_id, user_id) index can serve it: with the generic plan PostgreSQL keeps
// for a prepared statement, and statistics not yet gathered (a freshly filled database, as
// the load harness's), both indexes of two equalities cost the same and it took the
// (layer, article_id) one, scanning every annotation of the article again
// (TestOwnUntilDoneUsesTheReaderIndex).
func ownUntilDoneQuery(f AnnotationFilter, readerID int64) (string, []any) {
	layer := f.Layer
	if layer == "" {
		layer = LayerReview
	}
	return ownUntilDoneSQL, []any{f.ArticleID, readerID, layer, f.Page.After,
		f.ArticleID, layer, f.Page.After, readerID, f.ArticleID, readerID, f.Page.Limit + 1}
}

const ownUntilDoneSQL = "SELECT " + annotationFields + " FROM annotations JOIN users ON users.id = annotations.user_id " +
	"WHERE annotations.article_id = ? AND annotations.user_id = ? AND (annotations.layer || '') = ? AND annotations.id > ? " +
	"UNION ALL SELECT " + annotationFields + " FROM annotations JOIN users ON users.id = annotations.user_id " +
	"WHERE annotations.article_id = ? AND annotations.layer = ? AND annotations.id > ? AND annotations.user_id <> ? " +
	"AND EXISTS (SELECT 1 FROM reviews r WHERE r.article_id = ? AND r.user_id = ? AND r.completed_at IS NOT NULL) " +
	"ORDER BY 1 LIMIT ?"

// collect reads the rows of a batch's next query.
func collect[T any](br pgx.BatchResults, scan func(interface{ Scan(...any) error }, *T) error) ([]T, error) {
	rows, err := br.Query()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := scan(rows, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func (s *Store) openArticleQueries(ctx context.Context, articleID, readerID int64, o ArticleOpening, filter AnnotationFilter) (*OpenedArticle, error) {
	var out OpenedArticle
	var err error
	if out.View, err = s.ArticleForReader(ctx, articleID, readerID); err != nil {
		return nil, err
	}
	if o.Annotations {
		if o.Scope != nil {
			if filter.UserID, err = o.Scope(out.View); err != nil {
				return nil, err
			}
		}
		if out.Annotations, _, err = s.ListAnnotations(ctx, filter); err != nil {
			return nil, err
		}
	}
	if o.Regions {
		if out.Regions, err = s.ListRegions(ctx, articleID, readerID); err != nil {
			return nil, err
		}
	}
	return &out, nil
}
