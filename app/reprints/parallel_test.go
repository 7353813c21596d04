package reprints

import (
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/credence-project/credence/app/safe"
	"github.com/credence-project/credence/models"
)

// TestTryParallelReturnsAWorkersPanic: a panic in one call of fn comes back from tryParallel as
// an error carrying the panic and the worker's stack, instead of ending the process from a
// worker goroutine, and the other worker's calls still run; parallel raises it again in the
// caller's goroutine, where a request's recoverer can answer 500.
func TestTryParallelReturnsAWorkersPanic(t *testing.T) {
	var ran atomic.Int32
	fn := func(i int) {
		if i == 3 {
			panic("slice bounds out of range [41:34]")
		}
		ran.Add(1)
	}
	err := tryParallel(10, fn)
	if err == nil || !strings.Contains(err.Error(), "slice bounds out of range [41:34]") || !strings.Contains(err.Error(), "parallel_test.go") {
		t.Fatalf("got %v, want the worker's panic with its stack", err)
	}
	if n := ran.Load(); n < 1 {
		t.Errorf("%d other calls ran", n)
	}
	var got any
	func() {
		defer func() { got = recover() }()
		parallel(10, fn)
	}()
	if e, ok := got.(error); !ok || !strings.Contains(e.Error(), "slice bounds out of range [41:34]") {
		t.Fatalf("parallel raised %v in the caller, want the worker's panic", got)
	}
}

// TestParallelRunsEveryIndexOnce: without a panic every index is visited exactly once.
func TestParallelRunsEveryIndexOnce(t *testing.T) {
	seen := make([]atomic.Int32, 100)
	if err := tryParallel(len(seen), func(i int) { seen[i].Add(1) }); err != nil {
		t.Fatal(err)
	}
	for i := range seen {
		if n := seen[i].Load(); n != 1 {
			t.Fatalf("index %d ran %d times", i, n)
		}
	}
}

// TestKeysOfReturnsAPanic: the backfill computes keys in worker goroutines of its own; an
// article whose text breaks the key function fails the batch with an error naming the panic
// (the backfill stores none of that batch), and a batch without it gets its texts' keys.
func TestKeysOfReturnsAPanic(t *testing.T) {
	batch := []models.Article{{ID: 1, Text: "fine"}, {ID: 2, Text: "breaks"}, {ID: 3, Text: "fine too"}}
	keyFn := func(text string) []uint64 {
		if text == "breaks" {
			panic("slice bounds out of range [41:34]")
		}
		return []uint64{uint64(len(text))}
	}
	_, err := keysOf(batch, keyFn)
	var pe *safe.PanicError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "slice bounds out of range [41:34]") {
		t.Fatalf("got %v, want the key function's panic", err)
	}
	keys, err := keysOf([]models.Article{batch[0], batch[2]}, keyFn)
	if err != nil || len(keys) != 2 || keys[0].ArticleID != 1 || keys[0].Keys[0] != 4 || keys[1].ArticleID != 3 || keys[1].Keys[0] != 8 {
		t.Fatalf("without a panic: %v, %v", keys, err)
	}
}
