package reprint

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestPostingsAgainstMap inserts enough pairs to flush the buffer several
// times and merge segments, and checks every look-up against a plain map,
// with pairs both in segments and still in the buffer.
func TestPostingsAgainstMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	// Keys are drawn from a mix of a small pool (shared keys, some very
	// common) and fresh random values; the extremes of the key space are
	// included to exercise the first and last directory cells.
	pool := []uint64{0, 1, ^uint64(0), ^uint64(0) - 1, 1 << 63}
	for range 2000 {
		pool = append(pool, rng.Uint64())
	}
	ref := map[uint64][]uint32{}
	var p postings
	check := func(when string) {
		t.Helper()
		// Query the pool, some absent keys, and some present fresh keys.
		q := slices.Clone(pool)
		for range 500 {
			q = append(q, rng.Uint64())
		}
		n := 0
		for k := range ref {
			if n++; n > 500 {
				break
			}
			q = append(q, k)
		}
		slices.Sort(q)
		q = slices.Compact(q)
		got := map[uint64][]uint32{}
		p.lookup(q, func(k uint64, slots []uint32) {
			if _, dup := got[k]; dup {
				t.Fatalf("%s: key %#x reported twice", when, k)
			}
			got[k] = slices.Sorted(slices.Values(slots))
		})
		for _, k := range q {
			want := slices.Sorted(slices.Values(ref[k]))
			if !slices.Equal(got[k], want) {
				t.Fatalf("%s: key %#x: slots %v, want %v", when, k, got[k], want)
			}
		}
	}
	total := 0
	for slot := uint32(0); total < 12*bufEntries+123; slot++ {
		var keys []uint64
		for range 1 + rng.IntN(120) {
			var k uint64
			if rng.IntN(3) == 0 {
				k = pool[rng.IntN(len(pool))]
			} else {
				k = rng.Uint64()
			}
			keys = append(keys, k)
		}
		slices.Sort(keys)
		keys = slices.Compact(keys)
		// Maintenance lags behind inserts, as it does when it runs outside
		// the index lock: sometimes one job, sometimes none.
		if p.add(keys, slot) && rng.IntN(2) == 0 {
			j, ok := p.nextJob()
			if !ok {
				t.Fatal("add reported work, nextJob found none")
			}
			if !p.install(j, j.run()) {
				t.Fatal("install of a fresh job failed")
			}
		}
		for _, k := range keys {
			ref[k] = append(ref[k], slot)
		}
		total += len(keys)
		if slot%997 == 0 {
			check("during inserts")
		}
	}
	if len(p.buf) == 0 || len(p.segs) == 0 {
		t.Fatalf("test did not exercise buffer and segments: buf %d, segs %d", len(p.buf), len(p.segs))
	}
	check("at end")
	p.settle()
	if len(p.segs) < 3 {
		t.Fatalf("test did not exercise several segments: %d", len(p.segs))
	}
	// A job is installed once; run again on inputs already merged away (as
	// after a rebuild), it is dropped.
	j := job{a: p.segs[len(p.segs)-2], b: p.segs[len(p.segs)-1]}
	if !p.install(j, j.run()) {
		t.Fatal("install of a fresh merge failed")
	}
	stale := j
	p.settle()
	if len(p.buf) != 0 || len(p.pending) != 0 {
		t.Errorf("settle left %d pairs in the buffer, %d pending buffers", len(p.buf), len(p.pending))
	}
	if p.install(stale, &segment{}) {
		t.Error("install accepted a job whose inputs were merged away")
	}
	check("after settle")
	// Segment sizes fall geometrically, so there are few of them.
	for i := 1; i < len(p.segs); i++ {
		if 2*len(p.segs[i].keys) >= len(p.segs[i-1].keys) {
			t.Errorf("segment %d holds %d pairs, the one before %d", i, len(p.segs[i].keys), len(p.segs[i-1].keys))
		}
	}
	if p.n != total {
		t.Errorf("n = %d, want %d", p.n, total)
	}
}

// TestPostingsTiny covers segments too small for a directory.
func TestPostingsTiny(t *testing.T) {
	var p postings
	p.add([]uint64{5, 9}, 1)
	p.settle()
	p.add([]uint64{9}, 2)
	p.settle()
	p.add([]uint64{9, 12}, 3)
	got := map[uint64][]uint32{}
	p.lookup([]uint64{4, 5, 9, 12, 13}, func(k uint64, slots []uint32) {
		got[k] = slices.Sorted(slices.Values(slots))
	})
	want := map[uint64][]uint32{5: {1}, 9: {1, 2, 3}, 12: {3}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for k, w := range want {
		if !slices.Equal(got[k], w) {
			t.Errorf("key %d: %v, want %v", k, got[k], w)
		}
	}
}

// TestPostingsSettleBacklog: settling a large backlog of full buffers (as
// UnmarshalBinary and compaction do) copies each pair O(log n) times, not
// once per buffer.
func TestPostingsSettleBacklog(t *testing.T) {
	const buffers = 64
	rng := rand.New(rand.NewPCG(5, 6))
	var p postings
	keys := make([]uint64, 512)
	for slot := uint32(0); len(p.pending) < buffers; slot++ {
		for i := range keys {
			keys[i] = rng.Uint64()
		}
		slices.Sort(keys)
		p.add(keys, slot)
	}
	p.settle()
	// log2(64) = 6 levels of merging plus the sort: about 7 writes a pair;
	// folding the buffers one by one would be about 32.
	if limit := 10 * p.n; p.written > limit {
		t.Errorf("settle wrote %d pairs for %d stored, want at most %d", p.written, p.n, limit)
	}
	if len(p.segs) > 8 {
		t.Errorf("%d segments after settle", len(p.segs))
	}
	var got int
	p.lookup(keys, func(_ uint64, slots []uint32) { got += len(slots) })
	if got != len(keys) {
		t.Errorf("last article's keys: %d postings found, want %d", got, len(keys))
	}
}
