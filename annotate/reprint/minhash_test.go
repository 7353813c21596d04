package reprint

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestWindowMins: windowMins gives the least of every window, as a scan of each window does,
// for windows from one value to all of them, over values with ties.
func TestWindowMins(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	sc := new(sketchScratch)
	for n := 1; n <= 40; n++ {
		vals := make([]uint64, n)
		for i := range vals {
			vals[i] = r.Uint64N(8)
		}
		for w := 1; w <= n; w++ {
			out := make([]uint64, n-w+1)
			windowMins(out, vals, w, sc)
			for i := range out {
				if want := slices.Min(vals[i : i+w]); out[i] != want {
					t.Fatalf("n %d w %d window %d: %d, want %d (%v)", n, w, i, out[i], want, vals)
				}
			}
		}
	}
}
