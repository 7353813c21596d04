package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/models"
)

// InsertFloor is what the database allows without the service: single-row annotation
// inserts, each in its own transaction, through the store's own connection pool (so the
// same driver, DSN settings and pool size), by the same number of concurrent clients.
func InsertFloor(ctx context.Context, store *models.Store, corpus *Corpus, userID int64, clients int, d time.Duration) (OpStats, error) {
	db, err := store.SQLDB()
	if err != nil {
		return OpStats{}, err
	}
	q := "INSERT INTO annotations (article_id, user_id, label, start_cp, end_cp, exact, created_at, updated_at) VALUES (?, ?, 'opinion', ?, ?, 'x', ?, ?)"
	if store.Dialect() == "postgres" {
		q = "INSERT INTO annotations (article_id, user_id, label, start_cp, end_cp, exact, created_at, updated_at) VALUES ($1, $2, 'opinion', $3, $4, 'x', $5, $6)"
	}
	rec := &Recorder{}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(i), 7))
			for ctx.Err() == nil {
				id := corpus.ArticleIDs[r.IntN(len(corpus.ArticleIDs))]
				t0 := time.Now()
				tx, err := db.BeginTx(ctx, nil)
				if err == nil {
					now := time.Now().UTC()
					if _, err = tx.ExecContext(ctx, q, id, userID, 0, 1, now, now); err == nil {
						err = tx.Commit()
					} else {
						_ = tx.Rollback()
					}
				}
				if ctx.Err() != nil {
					return
				}
				rec.Observe(time.Since(t0), err)
			}
		}(i)
	}
	wg.Wait()
	return rec.Stats("floor_raw_insert", time.Since(start)), nil
}

// HandlerFloor is what the HTTP stack allows without the service: an empty gin handler over
// loopback, called by the same client with the same concurrency.
func HandlerFloor(ctx context.Context, clients int, d time.Duration) OpStats {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.GET("/empty", func(c *gin.Context) { c.Status(http.StatusNoContent) })
	ts := httptest.NewServer(e)
	defer ts.Close()
	client := NewClient(clients)
	rec := &Recorder{}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				t0 := time.Now()
				req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/empty", nil)
				res, err := client.Do(req)
				if err == nil {
					res.Body.Close()
					if res.StatusCode != http.StatusNoContent {
						err = fmt.Errorf("status %d", res.StatusCode)
					}
				}
				if ctx.Err() != nil {
					return
				}
				rec.Observe(time.Since(t0), err)
			}
		}()
	}
	wg.Wait()
	return rec.Stats("floor_empty_handler", time.Since(start))
}
