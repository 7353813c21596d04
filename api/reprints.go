package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

type reprintJSON struct {
	ArticleID  int64   `json:"article_id"`
	OutletID   int64   `json:"outlet_id"`
	OutletName string  `json:"outlet_name"`
	Title      string  `json:"title"`
	Start      int     `json:"start"`
	End        int     `json:"end"`
	OtherStart int     `json:"other_start"`
	OtherEnd   int     `json:"other_end"`
	Similarity float64 `json:"similarity"`
	// Annotations counts, per label, the annotations reviewers made on the shared passage in
	// the other article that the reader may see there: how it was annotated elsewhere.
	Annotations map[string]int `json:"annotations"`
}

// reprints lists the passages this article shares with other articles.
func (s *Server) reprints(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	shared, err := s.app.Reprints.Shared(c.Request.Context(), reader(currentUser(c)), id)
	if err != nil {
		return err
	}
	out := make([]reprintJSON, 0, len(shared))
	for _, m := range shared {
		out = append(out, reprintJSON{ArticleID: m.OtherArticleID, OutletID: m.Other.OutletID, OutletName: m.Other.OutletName, Title: m.Other.Title,
			Start: m.Start, End: m.End, OtherStart: m.OtherStart, OtherEnd: m.OtherEnd, Similarity: m.Similarity, Annotations: m.Labels})
	}
	c.JSON(http.StatusOK, gin.H{"items": out, "next_cursor": ""})
	return nil
}

// rescan re-runs detection for one article (admin).
func (s *Server) rescan(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.store.Article(c.Request.Context(), id); err != nil {
		return err
	}
	if err := s.app.Reprints.Scan(c.Request.Context(), id); err != nil {
		return err
	}
	return s.listRegions(c)
}

// rebuildReprints rebuilds the whole index from the database (admin).
func (s *Server) rebuildReprints(c *gin.Context) error {
	start := time.Now()
	n, err := s.app.Reprints.Rebuild(c.Request.Context())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"indexed": n, "took_ms": time.Since(start).Milliseconds()})
	return nil
}
