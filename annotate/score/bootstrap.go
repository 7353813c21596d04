package score

import (
	"math"

	"github.com/credence-project/credence/annotate/internal/splitmix"
)

// The bootstrap draws from SplitMix64 (Steele, Lea & Flood 2014), a generator simple enough to
// re-implement in any language from the methodology page, so a researcher can reproduce the
// intervals exactly rather than approximately (annotate/internal/splitmix).

// streamState is the initial SplitMix64 state for an outlet's resamples: Mix64(seed XOR
// Mix64(outletID)). Every outlet has its own stream, so its interval does not move when another
// outlet gains an article.
func streamState(seed, outletID int64) uint64 {
	return splitmix.Mix64(uint64(seed) ^ splitmix.Mix64(uint64(outletID)))
}

// bootUnit is one article's contribution to one outlet: its credited characters and the mean
// number of them marked with each label.
type bootUnit struct {
	chars  float64
	marked [NumLabels]float64
}

// bootstrap fills stats[l][b] with label l's share in resample b, and stats[NumLabels][b] with
// the credibility, for len(stats[0]) resamples of len(units) units drawn with replacement.
// The stream of 32-bit words is the low half of each SplitMix64 output followed by its high
// half, consumed continuously across resamples. Each unit index is drawn from the next word w
// with Lemire's multiply-and-reject method, which has no modulo bias: p = w·n (64-bit); if (p mod 2³²) < (2³² − n) mod n the word
// is rejected and the next one tried; otherwise the index is ⌊p / 2³²⌋. len(units) must be
// below 2³².
func bootstrap(units []bootUnit, state uint64, stats *[NumLabels + 1][]float64) {
	n := uint64(len(units))
	threshold := uint32(-uint32(n) % uint32(n))
	var buf uint64
	high := false // whether the high half of buf is the next word
	for b := range stats[0] {
		// Draws alternate between two sets of accumulators (m*, c and k*, d), so that
		// consecutive additions do not wait on each other; the split does not change which
		// units are drawn. Each 64-bit output gives two words (low half, then high half); the
		// word bookkeeping is written out by hand because this loop is the roll-up's hot path.
		var c, m0, m1, m2, m3, d, k0, k1, k2, k3 float64
		for j := 0; j < len(units); j++ {
			var p uint64
			for {
				if high {
					p = (buf >> 32) * n
				} else {
					state += splitmix.Gamma
					buf = splitmix.Mix64(state)
					p = (buf & 0xffffffff) * n
				}
				high = !high
				if uint32(p) >= threshold {
					break
				}
			}
			u := &units[p>>32]
			if j&1 == 0 {
				c += u.chars
				m0 += u.marked[0]
				m1 += u.marked[1]
				m2 += u.marked[2]
				m3 += u.marked[3]
			} else {
				d += u.chars
				k0 += u.marked[0]
				k1 += u.marked[1]
				k2 += u.marked[2]
				k3 += u.marked[3]
			}
		}
		c += d
		shares := PerLabel[float64]{(m0 + k0) / c, (m1 + k1) / c, (m2 + k2) / c, (m3 + k3) / c}
		for l, sh := range shares {
			stats[l][b] = sh
		}
		stats[NumLabels][b] = Credibility(shares)
	}
}

// percentile returns the p-quantile of xs by linear interpolation between order statistics
// (Hyndman & Fan type 7, R's default): with sorted x₀ ≤ … ≤ x_{B−1} and h = (B−1)·p, it is
// x_⌊h⌋ + (h − ⌊h⌋)·(x_⌊h⌋₊₁ − x_⌊h⌋). It reorders xs.
func percentile(xs []float64, p float64) float64 {
	h := float64(len(xs)-1) * p
	k := int(math.Floor(h))
	selectKth(xs, k)
	if k+1 >= len(xs) {
		return xs[k]
	}
	next := xs[k+1]
	for _, v := range xs[k+2:] {
		next = min(next, v)
	}
	return xs[k] + (h-float64(k))*(next-xs[k])
}

// interval returns the percentile interval at the given confidence level.
func interval(xs []float64, confidence float64) (lo, hi float64) {
	tail := (1 - confidence) / 2
	return percentile(xs, tail), percentile(xs, 1-tail)
}

// selectKth reorders a so that a[k] is the k-th smallest value, everything before it is ≤ a[k]
// and everything after is ≥ a[k] (Hoare's quickselect with a median-of-three pivot). Linear time
// on average, against n·log n for a full sort: the roll-up takes 10 quantiles per outlet.
func selectKth(a []float64, k int) {
	lo, hi := 0, len(a)-1
	for lo < hi {
		mid := lo + (hi-lo)/2
		if a[mid] < a[lo] {
			a[mid], a[lo] = a[lo], a[mid]
		}
		if a[hi] < a[lo] {
			a[hi], a[lo] = a[lo], a[hi]
		}
		if a[hi] < a[mid] {
			a[hi], a[mid] = a[mid], a[hi]
		}
		pivot := a[mid]
		i, j := lo, hi
		for i <= j {
			for a[i] < pivot {
				i++
			}
			for a[j] > pivot {
				j--
			}
			if i <= j {
				a[i], a[j] = a[j], a[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return
		}
	}
}
