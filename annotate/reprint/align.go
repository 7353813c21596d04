package reprint

import (
	"math"
	"slices"
)

// run is an exact shared run of words: A tokens [a0,a1) equal B tokens
// [b0,b1) after normalisation (a1-a0 == b1-b0).
type run struct{ a0, a1, b0, b1 int32 }

func (r run) len() int { return int(r.a1 - r.a0) }

// passage is an aligned shared passage in token coordinates.
type passage struct {
	a0, a1, b0, b1 int
	matched        int // identical words
}

func (p passage) words() int { return min(p.a1-p.a0, p.b1-p.b0) }

func (p passage) similarity() float64 {
	return float64(p.matched) / float64(max(p.a1-p.a0, p.b1-p.b0))
}

// aligner aligns one text (A) against any number of others. It is built once
// per look-up so A's shingle table is shared by all candidates.
type aligner struct {
	cfg   Config
	toksA []token
	posA  map[uint64][]int32 // shingle hash -> positions in A
}

// maxSeedRepeats bounds how many positions of one shingle seed the alignment.
// A shingle repeated more often than this inside one article is boilerplate
// ("the the the", a chant in a comment) and would only multiply runs.
const maxSeedRepeats = 16

// maxRuns bounds the quadratic chaining step; only pathological inputs (two
// texts made of the same few words) come near it, and then the longest runs
// are kept.
const maxRuns = 3000

func newAligner(cfg Config, toksA []token) *aligner {
	sh := shingles(nil, toksA, cfg.ShingleWords)
	pos := make(map[uint64][]int32, len(sh))
	for i, h := range sh {
		pos[h] = append(pos[h], int32(i))
	}
	return &aligner{cfg: cfg, toksA: toksA, posA: pos}
}

// align finds the maximal shared passages between A and B. The steps:
//
//  1. seeds: every shingle of B that also occurs in A gives a seed pair;
//  2. runs: seeds on the same diagonal at consecutive positions are merged
//     into exact runs of words;
//  3. chaining: runs in increasing order on both sides are chained when the
//     words between them number at most MaxGapWords on each side (changed,
//     inserted or deleted words), by a dynamic programme that maximises
//     identical words minus unaligned words (a local alignment over runs);
//     where both gaps have the same length the words are compared one by one,
//     so a substituted word costs one word, not a shingle's worth;
//  4. extraction: the best chain is taken, then its best contiguous
//     sub-chain that is at least MinPassageWords long on both sides with a
//     similarity of at least MinSimilarity; repeat on the remaining runs.
func (al *aligner) align(toksB []token) []passage {
	k := al.cfg.ShingleWords
	shB := shingles(nil, toksB, k)
	runs := al.runs(shB, k)
	if len(runs) == 0 {
		return nil
	}
	if len(runs) > maxRuns {
		slices.SortFunc(runs, func(x, y run) int { return y.len() - x.len() })
		runs = runs[:maxRuns]
	}
	slices.SortFunc(runs, func(x, y run) int {
		if x.a0 != y.a0 {
			return int(x.a0 - y.a0)
		}
		return int(x.b0 - y.b0)
	})

	s := al.cfg.MinSimilarity
	// A chain that can qualify scores at least MinPassageWords*(2s-1):
	// matched >= words*s and unaligned <= words*(1-s).
	threshold := max(1, int(math.Floor(float64(al.cfg.MinPassageWords)*(2*s-1))))
	used := make([]bool, len(runs))
	best := make([]int, len(runs))
	prev := make([]int, len(runs))
	var out []passage
	for range 64 {
		top := al.chain(runs, used, best, prev, toksB)
		if top < 0 || best[top] < threshold {
			break
		}
		var chain []int
		for q := top; q >= 0; q = prev[q] {
			chain = append(chain, q)
			used[q] = true
		}
		slices.Reverse(chain)
		p, ok := al.bestSubchain(runs, chain, toksB)
		if !ok || overlapsEmitted(out, p) {
			continue
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(x, y passage) int { return x.a0 - y.a0 })
	return out
}

func (al *aligner) runs(shB []uint64, k int) []run {
	var runs []run
	// open maps a diagonal (b-a) to the run that ended at the previous B
	// position on that diagonal; runs are extended while seeds continue.
	open := make(map[int32]int)
	for j, h := range shB {
		ps := al.posA[h]
		if len(ps) == 0 || len(ps) > maxSeedRepeats {
			continue
		}
		for _, i := range ps {
			d := int32(j) - i
			if idx, ok := open[d]; ok && runs[idx].b1 == int32(j)+int32(k)-1 {
				runs[idx].a1++
				runs[idx].b1++
				continue
			}
			open[d] = len(runs)
			runs = append(runs, run{a0: i, a1: i + int32(k), b0: int32(j), b1: int32(j) + int32(k)})
		}
	}
	return runs
}

// link scores appending run q after run p. matchedAdd is the number of
// identical words q adds; gain is matchedAdd minus the unaligned words.
func (al *aligner) link(p, q run, toksB []token) (gain, matchedAdd int, ok bool) {
	if q.a0 <= p.a0 || q.b0 <= p.b0 {
		return 0, 0, false
	}
	ov := max(0, int(p.a1-q.a0), int(p.b1-q.b0))
	if ov >= q.len() {
		return 0, 0, false
	}
	gapA := int(q.a0) + ov - int(p.a1)
	gapB := int(q.b0) + ov - int(p.b1)
	if gapA > al.cfg.MaxGapWords || gapB > al.cfg.MaxGapWords {
		return 0, 0, false
	}
	fill := 0
	if gapA == gapB {
		for t := range gapA {
			if al.toksA[int(p.a1)+t].hash == toksB[int(p.b1)+t].hash {
				fill++
			}
		}
	}
	matchedAdd = q.len() - ov + fill
	return matchedAdd - (max(gapA, gapB) - fill), matchedAdd, true
}

// chain runs the chaining programme over the unused runs and returns the run
// ending the best chain, or -1.
func (al *aligner) chain(runs []run, used []bool, best, prev []int, toksB []token) int {
	top := -1
	for q := range runs {
		if used[q] {
			continue
		}
		best[q], prev[q] = runs[q].len(), -1
		for p := range q {
			if used[p] || runs[p].a1 < runs[q].a0-int32(al.cfg.MaxGapWords) {
				continue
			}
			gain, _, ok := al.link(runs[p], runs[q], toksB)
			if ok && best[p]+gain >= best[q] {
				best[q], prev[q] = best[p]+gain, p
			}
		}
		if top < 0 || best[q] > best[top] {
			top = q
		}
	}
	return top
}

// bestSubchain returns the contiguous sub-chain with the most identical words
// that meets the length and similarity thresholds.
func (al *aligner) bestSubchain(runs []run, chain []int, toksB []token) (passage, bool) {
	linkMatched := make([]int, len(chain))
	for t := 1; t < len(chain); t++ {
		_, m, _ := al.link(runs[chain[t-1]], runs[chain[t]], toksB)
		linkMatched[t] = m
	}
	var bestP passage
	found := false
	for i := range chain {
		first := runs[chain[i]]
		matched := first.len()
		for j := i; j < len(chain); j++ {
			if j > i {
				matched += linkMatched[j]
			}
			last := runs[chain[j]]
			p := passage{a0: int(first.a0), a1: int(last.a1), b0: int(first.b0), b1: int(last.b1), matched: matched}
			if p.words() < al.cfg.MinPassageWords || p.similarity() < al.cfg.MinSimilarity {
				continue
			}
			if !found || p.matched > bestP.matched {
				bestP, found = p, true
			}
		}
	}
	return bestP, found
}

// overlapsEmitted reports a passage that is mostly the same pair of spans as
// one already found (another chain through a repeated phrase).
func overlapsEmitted(out []passage, p passage) bool {
	for _, o := range out {
		ia := min(o.a1, p.a1) - max(o.a0, p.a0)
		ib := min(o.b1, p.b1) - max(o.b0, p.b0)
		if 2*ia > p.a1-p.a0 && 2*ib > p.b1-p.b0 {
			return true
		}
	}
	return false
}
