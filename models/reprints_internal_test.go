package models

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortedBandsInKeyOrder: sortedBands orders the keys of a batch as the primary key of
// reprint_bands does (key, then article; keys compared as signed, as stored), whether the
// batch comes in article order (the radix sort) or not, with keys shared by articles.
func TestSortedBandsInKeyOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for round := range 200 {
		var batch []ReprintKeys
		for a := range r.IntN(6) {
			var keys []uint64
			for range r.IntN(40) {
				k := r.Uint64()
				if r.IntN(4) == 0 {
					k = uint64(r.IntN(8)) << (r.IntN(8) * 8) // shared keys, keys differing in one byte
				}
				keys = append(keys, k)
			}
			slices.Sort(keys)
			batch = append(batch, ReprintKeys{ArticleID: int64(10 + a), Keys: slices.Compact(keys)})
		}
		if round%2 == 1 {
			slices.Reverse(batch) // not in article order
		}
		var want []band
		for _, b := range batch {
			for _, k := range b.Keys {
				want = append(want, band{int64(k), b.ArticleID})
			}
		}
		slices.SortFunc(want, func(x, y band) int { return cmp.Or(cmp.Compare(x.hash, y.hash), cmp.Compare(x.article, y.article)) })
		if got := sortedBands(batch); !slices.Equal(got, want) {
			t.Fatalf("round %d: sorted bands\n%v\nwant\n%v", round, got, want)
		}
	}
}
