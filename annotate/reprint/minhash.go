package reprint

import (
	"slices"
	"sync"

	"github.com/credence-project/credence/annotate/internal/splitmix"
)

// Hashes are mixed with the SplitMix64 finaliser (splitmix.Mix64): a fast
// bijection on 64-bit words whose output bits all depend on all input bits.
// XOR-ing a shingle hash with a per-row seed and mixing behaves as an
// independent random permutation for each MinHash row, which is what MinHash
// needs; one multiply-xorshift chain costs about as much as the a*h+b family
// and has no weak low bits.

// shingles hashes every run of k consecutive tokens into one 64-bit value.
// Each token is hashed once by the tokenizer; a shingle costs k
// multiply-xors here, so no string is ever built.
func shingles(dst []uint64, toks []token, k int) []uint64 {
	dst = dst[:0]
	for i := 0; i+k <= len(toks); i++ {
		h := uint64(k)
		for t := 0; t < k; t++ {
			h = (h ^ toks[i+t].hash) * 0x9e3779b97f4a7c15
		}
		dst = append(dst, splitmix.Mix64(h))
	}
	return dst
}

// sketcher turns a text into the LSH keys stored in the index.
//
// A whole article's MinHash says little about a 40-word passage inside it (its
// Jaccard similarity with another article is a few per cent), so the sketch is
// taken over every window of WindowShingles consecutive shingles: for each
// window, Bands×Rows MinHash values, and per band one key hashing its Rows
// values. Two texts that share an unchanged run of
// WindowShingles+ShingleWords-1 words contain an identical window and
// therefore the same band keys; shorter or edited runs still collide with the
// usual MinHash probability J^Rows per band. Of each band's keys, in text
// order, only the least of every WinnowWindows consecutive windows is kept
// (winnow), a subset of all of them that two texts sharing WinnowWindows
// identical windows still share: about 180 keys for a 600-word article
// instead of about 690 (see Config.WinnowWindows).
type sketcher struct {
	k, w, bands, rows, winnow int
	seeds                     []uint64
}

func newSketcher(cfg Config) *sketcher {
	s := &sketcher{k: cfg.ShingleWords, w: cfg.WindowShingles, bands: cfg.Bands, rows: cfg.Rows, winnow: cfg.WinnowWindows}
	x := cfg.Seed
	for range cfg.Bands * cfg.Rows {
		x += 0x9e3779b97f4a7c15
		s.seeds = append(s.seeds, splitmix.Mix64(x))
	}
	return s
}

type sketchScratch struct {
	toks  []token
	sh    []uint64
	vals  []uint64
	wmins []uint64 // winnow's window minima
	left  []uint64 // windowMins' running minima
	right []uint64
	mins  []uint64 // rows of window minima, bands*rows × windows
	band  []uint64 // one band's key of every window, in text order
	keys  []uint64 // the result of keys
}

var scratchPool = sync.Pool{New: func() any { return new(sketchScratch) }}

// keys returns the sorted, de-duplicated LSH keys of a token sequence, in
// sc.keys (valid until sc is reused). It returns nil when the text is too
// short to hold a reportable passage.
func (s *sketcher) keys(toks []token, minWords int, sc *sketchScratch) []uint64 {
	if len(toks) < minWords || len(toks) < s.k {
		return nil
	}
	sc.sh = shingles(sc.sh, toks, s.k)
	m := len(sc.sh)
	w := min(s.w, m)
	windows := m - w + 1
	nrow := s.bands * s.rows
	sc.mins = slices.Grow(sc.mins[:0], nrow*windows)[:nrow*windows]
	sc.vals = slices.Grow(sc.vals[:0], m)[:m]
	for row := range nrow {
		seed := s.seeds[row]
		for i, h := range sc.sh {
			sc.vals[i] = splitmix.Mix64(h ^ seed)
		}
		windowMins(sc.mins[row*windows:(row+1)*windows], sc.vals, w, sc)
	}
	keys := sc.keys[:0]
	win := min(s.winnow, windows)
	sc.band = slices.Grow(sc.band[:0], windows)[:windows]
	for band := range s.bands {
		for t := range windows {
			k := uint64(band+1) * 0xd6e8feb86659fd93
			for r := range s.rows {
				k = splitmix.Mix64(k ^ sc.mins[(band*s.rows+r)*windows+t])
			}
			sc.band[t] = k
		}
		keys = winnow(keys, sc.band, win, sc)
	}
	slices.Sort(keys)
	sc.keys = keys
	return slices.Compact(keys)
}

// winnow appends to dst the keys of seq (one band's key of every window, in
// text order) that are the least of some run of w consecutive positions
// (Schleimer, Wilkerson and Aiken 2003, "Winnowing: local algorithms for
// document fingerprinting"), skipping a key equal to the last one appended.
// Which of several equal least keys is chosen does not matter here: only the
// set of keys is kept. With w = 1 every key of seq is kept (the full key set);
// for any w the result is a subset of it. Every run of w positions yields
// one of its keys, and two texts whose seq share w consecutive identical
// positions both keep the least key of that run: the guarantee of
// Config.WinnowWindows. windowMins makes it O(len(seq)).
func winnow(dst, seq []uint64, w int, sc *sketchScratch) []uint64 {
	n := len(seq) - w + 1
	sc.wmins = slices.Grow(sc.wmins[:0], n)[:n]
	windowMins(sc.wmins, seq, w, sc)
	for i, m := range sc.wmins {
		if i == 0 || m != dst[len(dst)-1] {
			dst = append(dst, m)
		}
	}
	return dst
}

// windowMins sets out[i] to the least of vals[i:i+w], for every window of w
// consecutive values (len(out) = len(vals)-w+1, 1 <= w <= len(vals)), in O(len(vals))
// without branches on the values (van Herk 1992, Gil and Werman 1993): the least of a
// window is the least of its part in one block of w values, read from the block's
// running minima from the right, and its part in the next block, read from the
// running minima from the left.
func windowMins(out, vals []uint64, w int, sc *sketchScratch) {
	n := len(vals)
	sc.left = slices.Grow(sc.left[:0], n)[:n]
	sc.right = slices.Grow(sc.right[:0], n)[:n]
	left, right := sc.left, sc.right
	for b := 0; b < n; b += w {
		e := min(b+w, n)
		m := vals[b]
		for i := b; i < e; i++ {
			m = min(m, vals[i])
			left[i] = m
		}
		m = vals[e-1]
		for i := e - 1; i >= b; i-- {
			m = min(m, vals[i])
			right[i] = m
		}
	}
	for i := range out {
		out[i] = min(right[i], left[i+w-1])
	}
}
