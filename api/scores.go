package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/annotate/csvout"
	"github.com/credence-project/credence/annotate/score"
	"github.com/credence-project/credence/app/scoring"
)

// The score routes: each parses its query (scorequery.go), asks app/scoring, which holds
// the scored corpus fresh, and writes the rows as JSON or CSV.

// scoreMeta is what every score response says beside its rows.
func scoreMeta(q scoreQuery, dataVersion string) gin.H {
	excl := q.Excluded
	if excl == nil {
		excl = []int64{}
	}
	return gin.H{
		"methodology":        score.MethodologyVersion,
		"options":            q.Options(),
		"excluded_reviewers": excl,
		"filters":            q.filters(),
		"data_version":       dataVersion,
	}
}

// scored parses the query of a score route and asks the scoring service for its rows.
func scored[T any](c *gin.Context, ask func(ctx context.Context, q scoreQuery) (T, string, error)) (T, scoreQuery, gin.H, error) {
	var zero T
	q, err := parseScoreQuery(c)
	if err != nil {
		return zero, q, nil, err
	}
	rows, version, err := ask(c.Request.Context(), q)
	if err != nil {
		return zero, q, nil, err
	}
	return rows, q, scoreMeta(q, version), nil
}

// outletScores answers GET /api/v1/scores/outlets. Its JSON rows of all time come encoded
// from the scoring service, which re-encodes only the rows a change touches.
func (s *Server) outletScores(c *gin.Context) error {
	var encoded json.RawMessage
	items, q, meta, err := scored(c, func(ctx context.Context, q scoreQuery) ([]scoring.PeriodRow, string, error) {
		if q.format == "json" && !q.ByMonth {
			var version string
			var err error
			encoded, version, err = s.app.Scores.OutletsJSON(ctx, q.Query)
			return nil, version, err
		}
		return s.app.Scores.Outlets(ctx, q.Query)
	})
	if err != nil {
		return err
	}
	if encoded != nil {
		return writeSpliced(c, meta, encoded)
	}
	if q.format == "csv" {
		header := score.OutletColumns()
		if q.ByMonth {
			header = append([]string{"period"}, header...)
		}
		writeCSV(c, downloadName(c, "outlet-scores", meta["data_version"].(string), "csv"), header, len(items), func(i int) []string {
			rec := items[i].Record()
			if q.ByMonth {
				rec = append([]string{items[i].Period}, rec...)
			}
			return rec
		})
		return nil
	}
	meta["items"] = items
	meta["next_cursor"] = ""
	c.JSON(http.StatusOK, meta)
	return nil
}

// writeSpliced writes meta with the held rows as its items (and an empty next_cursor): meta
// is encoded, the rows are appended as they are, not decoded and encoded again as
// json.RawMessage would be (a compaction pass over the 960 KB of 1,000 outlet rows).
func writeSpliced(c *gin.Context, meta gin.H, items json.RawMessage) error {
	head, err := json.Marshal(meta)
	if err != nil {
		return err
	}
	body := make([]byte, 0, len(head)+len(items)+40)
	body = append(body, head[:len(head)-1]...) // without its closing brace
	body = append(body, `,"items":`...)
	body = append(body, items...)
	body = append(body, `,"next_cursor":""}`...)
	c.Data(http.StatusOK, "application/json; charset=utf-8", body)
	return nil
}

// articleScores answers GET /api/v1/scores/articles: JSON pages by article id, or every row
// as CSV.
func (s *Server) articleScores(c *gin.Context) error {
	pg, q, meta, err := scored(c, func(ctx context.Context, q scoreQuery) (*scoring.ArticlePage, string, error) {
		p, err := page(c)
		if err != nil {
			return nil, "", err
		}
		if q.format == "csv" {
			return s.app.Scores.Articles(ctx, q.Query, 0, 0) // every row, whatever the page
		}
		return s.app.Scores.Articles(ctx, q.Query, p.After, p.Limit)
	})
	if err != nil {
		return err
	}
	if q.format == "csv" {
		startCSV(c, downloadName(c, "article-scores", meta["data_version"].(string), "csv"))
		w := csvout.NewWriter(c.Writer, csvRaw(c))
		_ = w.Write(score.ArticleColumns())
		for i := range pg.Len() {
			for _, r := range pg.Rows(i) {
				_ = w.Write(r.Record())
			}
			if i%1000 == 999 {
				w.Flush()
				c.Writer.Flush()
			}
		}
		w.Flush()
		return nil
	}
	items := []score.ArticleRow{}
	for i := range pg.Len() {
		items = append(items, pg.Rows(i)...)
	}
	meta["items"] = items
	meta["next_cursor"] = ""
	if pg.More && pg.Len() > 0 {
		meta["next_cursor"] = encodeCursor(pg.LastID())
	}
	c.JSON(http.StatusOK, meta)
	return nil
}

// reviewerColumns are the CSV columns of the reviewer scores.
func reviewerColumns() []string {
	header := []string{"reviewer_id", "reviewer", "articles", "scored_chars", "shared_articles", "shared_chars", "agreement_alpha"}
	for _, l := range score.AllLabels {
		header = append(header, string(l)+"_share", string(l)+"_shared_share", string(l)+"_peer_share", string(l)+"_alpha")
	}
	return header
}

// reviewerScores answers GET /api/v1/scores/reviewers: each counted reviewer's agreement with
// the others and shares beside the peers' on the same articles.
func (s *Server) reviewerScores(c *gin.Context) error {
	items, q, meta, err := scored(c, func(ctx context.Context, q scoreQuery) ([]score.ReviewerRow, string, error) {
		return s.app.Scores.Reviewers(ctx, q.Query)
	})
	if err != nil {
		return err
	}
	if q.format == "csv" {
		writeCSV(c, downloadName(c, "reviewer-scores", meta["data_version"].(string), "csv"), reviewerColumns(), len(items), func(i int) []string {
			r := items[i]
			rec := []string{i64s(r.ReviewerID), r.Reviewer, strconv.Itoa(r.Articles), strconv.Itoa(r.ScoredChars),
				strconv.Itoa(r.SharedArticles), strconv.Itoa(r.SharedChars), r.Alpha.String()}
			for l := range score.AllLabels {
				rec = append(rec, f64s(r.Share[l]), f64s(r.SharedShare[l]), f64s(r.PeerShare[l]), r.LabelAlpha[l].String())
			}
			return rec
		})
		return nil
	}
	meta["items"] = items
	meta["next_cursor"] = ""
	c.JSON(http.StatusOK, meta)
	return nil
}

// agreementScores answers GET /api/v1/scores/agreement: Krippendorff's alpha over the whole
// corpus, overall and per label.
func (s *Server) agreementScores(c *gin.Context) error {
	agr, _, meta, err := scored(c, func(ctx context.Context, q scoreQuery) (scoring.Agreement, string, error) {
		if q.format != "json" {
			return scoring.Agreement{}, "", fieldErr(CodeBadFormat, "format", "the agreement is one object; format must be json")
		}
		return s.app.Scores.Agreement(ctx, q.Query)
	})
	if err != nil {
		return err
	}
	meta["agreement_alpha"] = agr.Alpha
	meta["label_alpha"] = agr.Labels
	meta["region_alpha"] = agr.RegionAlpha
	meta["articles"] = agr.Articles
	meta["reviewers"] = agr.Reviewers
	meta["scored_chars"] = agr.ScoredChars
	c.JSON(http.StatusOK, meta)
	return nil
}
