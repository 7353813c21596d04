package models_test

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/credence-project/credence/models"
)

// TestStreamExport: the export pages through every selected annotation in id order, a page
// at a time, with each row's article, reviewer, review and the accepted regions of the page's
// articles, and stops at the callback's error.
func TestStreamExport(t *testing.T) {
	s, a, r, u, o := scoreFixture(t)
	b := mustArticle(t, s, o[1].ID, "https://x.example/2", "Another text for the export to page through.")
	var want []int64
	for i := range 7 {
		art := a.ID
		if i%3 == 2 {
			art = b.ID
		}
		n := annotate(t, s, art, u[i%2].ID, "opinion", i, i+4)
		want = append(want, n.ID)
	}
	if _, err := s.CompleteReview(ctx, a.ID, u[0].ID, true); err != nil {
		t.Fatal(err)
	}

	var got, sizes []int64
	err := s.StreamExport(ctx, models.ExportFilter{}, 3, func(p *models.ExportBatch) error {
		sizes = append(sizes, int64(len(p.Rows)))
		for _, row := range p.Rows {
			got = append(got, row.ID)
			wantOutlet, wantURL, regions := o[0].ID, a.URL, 1
			if row.ArticleID == b.ID {
				wantOutlet, wantURL, regions = o[1].ID, b.URL, 0
			}
			if row.ArticleOutletID != wantOutlet || row.ArticleURL != wantURL || row.ArticleTitle == "" || row.UserName == "" ||
				row.CreatedAt.IsZero() || row.UpdatedAt.Before(row.CreatedAt) || time.Since(row.CreatedAt) > time.Hour {
				t.Errorf("row %+v", row)
			}
			if (row.CompletedAt != nil) != (row.ArticleID == a.ID && row.UserID == u[0].ID) {
				t.Errorf("row %d of user %d on article %d: completed %v", row.ID, row.UserID, row.ArticleID, row.CompletedAt)
			}
			var rs []models.Region
			if cr := p.Credit[row.ArticleID]; cr != nil {
				rs = cr.Regions
			}
			if len(rs) != regions || (regions == 1 && (rs[0].Start != r.Start || *rs[0].OriginOutletID != *r.OriginOutletID)) {
				t.Errorf("article %d regions %+v", row.ArticleID, rs)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) || !slices.Equal(sizes, []int64{3, 3, 1}) {
		t.Fatalf("ids %v in pages of %v, want %v in 3, 3, 1", got, sizes, want)
	}

	// A filter (article a by reviewer 0: annotations 0, 4 and 6), and a page size that divides
	// the rows: the last page is full and the next one empty.
	got, sizes = got[:0], sizes[:0]
	err = s.StreamExport(ctx, models.ExportFilter{OutletIDs: []int64{o[0].ID}, UserID: u[0].ID}, 3, func(p *models.ExportBatch) error {
		sizes = append(sizes, int64(len(p.Rows)))
		for _, row := range p.Rows {
			got = append(got, row.ID)
		}
		return nil
	})
	if err != nil || !slices.Equal(got, []int64{want[0], want[4], want[6]}) || !slices.Equal(sizes, []int64{3}) {
		t.Fatalf("filtered: %v in pages of %v, %v", got, sizes, err)
	}
	var calls int
	stop := models.ErrNotFound
	if err := s.StreamExport(ctx, models.ExportFilter{}, 2, func(*models.ExportBatch) error { calls++; return stop }); err != stop || calls != 1 {
		t.Fatalf("the callback's error: %v after %d calls", err, calls)
	}
}

// TestStreamExportReadAhead: pages are read ahead by several readers but reach the callback
// in id order, whole; cancelling the request stops the export with the context's error, and
// no reader is left running after StreamExport returns.
func TestStreamExportReadAhead(t *testing.T) {
	s, a, _, u, _ := scoreFixture(t)
	var want []int64
	for i := range 41 {
		want = append(want, annotate(t, s, a.ID, u[i%2].ID, "speculation", i%20, i%20+3).ID)
	}
	before := runtime.NumGoroutine()
	for _, size := range []int{1, 4, 41, 50} {
		var got []int64
		err := s.StreamExport(ctx, models.ExportFilter{}, size, func(p *models.ExportBatch) error {
			if len(p.Rows) == 0 || len(p.Rows) > size {
				t.Errorf("size %d: a page of %d rows", size, len(p.Rows))
			}
			for _, r := range p.Rows {
				got = append(got, r.ID)
			}
			return nil
		})
		if err != nil || !slices.Equal(got, want) {
			t.Fatalf("size %d: %v, ids %v, want %v", size, err, got, want)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	pages := 0
	err := s.StreamExport(cctx, models.ExportFilter{}, 4, func(p *models.ExportBatch) error {
		if pages++; pages == 2 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || pages > 2+3 { // at most the pages already read ahead
		t.Fatalf("cancelled export: %v after %d pages", err, pages)
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Fatalf("%d goroutines after the exports, %d before", n, before)
	}
}
