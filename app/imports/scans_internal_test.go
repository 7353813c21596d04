package imports

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/credence-project/credence/app/safe"
	"github.com/credence-project/credence/models"
)

// TestScansGoOnAfterAPanic: an import's scans run on a goroutine of their own (PostgreSQL),
// out of any request's recoverer. A batch whose scan panics is reported as failed, with the
// panic, and the batches after it are still scanned, in order; wait and close return.
// Before, the panic ended the service in the middle of the import.
func TestScansGoOnAfterAPanic(t *testing.T) {
	sc := newScanQueue(&Service{})
	var mu sync.Mutex
	var scanned []int64
	failed := map[int64]error{}
	scan := func(_ context.Context, arts []models.Article, _ [][]uint64, hidden func() []int64) error {
		if arts[0].ID == 2 {
			var keys [][]uint64
			_ = keys[0][0] // index out of range
		}
		mu.Lock()
		scanned = append(scanned, arts[0].ID)
		mu.Unlock()
		return nil
	}
	go sc.run(context.Background(), scan, func(arts []models.Article, err error) {
		mu.Lock()
		failed[arts[0].ID] = err
		mu.Unlock()
	})
	for id := int64(1); id <= 3; id++ {
		seq := sc.next()
		sc.note(seq, []int64{id})
		sc.add(seq, []models.Article{{ID: id}}, nil)
	}
	sc.wait()
	sc.close()
	if len(scanned) != 2 || scanned[0] != 1 || scanned[1] != 3 {
		t.Errorf("scanned %v, want batches 1 and 3 in order", scanned)
	}
	var pe *safe.PanicError
	if err := failed[2]; len(failed) != 1 || !errors.As(err, &pe) || !strings.Contains(err.Error(), "index out of range") {
		t.Errorf("failed %v, want batch 2 with its panic", failed)
	}
	if len(sc.noted) != 0 {
		t.Errorf("noted ids left: %v", sc.noted)
	}
}
