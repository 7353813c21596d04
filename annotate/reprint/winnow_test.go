package reprint_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/credence-project/credence/annotate/reprint"
	"github.com/credence-project/credence/annotate/reprint/synth"
)

// guaranteedRun is the shortest unchanged run of words that Config's
// defaults guarantee to make two texts candidates of each other (see
// Config.WinnowWindows).
func guaranteedRun(c reprint.Config) int {
	return c.ShingleWords + c.WindowShingles + c.WinnowWindows - 2
}

// randomWords returns n words drawn uniformly from a vocabulary of a million,
// so two texts share no shingle by chance.
func randomWords(rng *rand.Rand, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("w%d", rng.IntN(1_000_000))
	}
	return out
}

// pairSharing returns two random texts of 150-400 words that share exactly
// one identical run of run words, at random places in each: the words just
// before and after the run differ between the two texts.
func pairSharing(rng *rand.Rand, run int) (string, string) {
	common := randomWords(rng, run)
	text := func() string {
		before, after := randomWords(rng, 50+rng.IntN(150)), randomWords(rng, 50+rng.IntN(150))
		return strings.Join(slices.Concat(before, common, after), " ")
	}
	return text(), text()
}

// TestWinnowGuarantee: any two texts sharing an identical run of
// ShingleWords+WindowShingles+WinnowWindows-2 words (21 with the defaults,
// within MinPassageWords) are candidates of each other, both in an Index and
// through Matcher.Keys; a few words shorter, some pairs are not, so the
// guarantee's length is not loose by much.
func TestWinnowGuarantee(t *testing.T) {
	cfg := reprint.DefaultConfig()
	run := guaranteedRun(cfg)
	if run > cfg.MinPassageWords {
		t.Fatalf("the defaults guarantee runs of %d words, want at most MinPassageWords (%d)", run, cfg.MinPassageWords)
	}
	m := reprint.NewMatcher(cfg)
	rng := rand.New(rand.NewPCG(19, 25))
	missed := func(run, trials int) int {
		n := 0
		for range trials {
			a, b := pairSharing(rng, run)
			ix := reprint.NewIndex(cfg)
			ix.Add(art(2, b))
			inIndex := slices.Equal(ix.Candidates(art(1, a)), []int64{2})
			shared := 0
			kb := m.Keys(b)
			for _, k := range m.Keys(a) {
				if _, ok := slices.BinarySearch(kb, k); ok {
					shared++
				}
			}
			if inIndex != (shared >= cfg.MinKeyHits) {
				t.Fatalf("Index.Candidates says %v, Matcher.Keys share %d keys", inIndex, shared)
			}
			if !inIndex {
				n++
			}
		}
		return n
	}
	if n := missed(run, 400); n > 0 {
		t.Errorf("%d of 400 pairs sharing an identical run of %d words are not candidates", n, run)
	}
	short := cfg.ShingleWords + cfg.WindowShingles - 1 // one identical window, the old guarantee
	if n := missed(short, 400); n == 0 {
		t.Errorf("all 400 pairs sharing only %d words are candidates: the test cannot tell", short)
	} else {
		t.Logf("pairs sharing a run of %d words: %d of 400 not candidates", short, n)
	}
}

// TestWinnowedKeysAreASubsetOfFullKeys: the keys kept are some of the full key
// set (WinnowWindows 1, every key change, what earlier versions stored), a
// several-fold smaller share of it, so a store holding full key sets still
// finds the new keys' articles: a lookup with winnowed keys against full key
// sets finds every candidate it finds against winnowed ones.
func TestWinnowedKeysAreASubsetOfFullKeys(t *testing.T) {
	corpus := synth.Generate(synth.Config{Articles: 600, Seed: 23})
	var texts []string
	for _, a := range corpus.Articles {
		texts = append(texts, a.Text)
	}
	for _, a := range loadSeeds(t) {
		texts = append(texts, a.Text)
	}
	full, winnowed := reprint.NewMatcher(reprint.Config{WinnowWindows: 1}), reprint.NewMatcher(reprint.Config{})
	var nFull, nKept int
	fullKeys, keptKeys := map[uint64][]int{}, map[uint64][]int{}
	kept := make([][]uint64, len(texts))
	for i, text := range texts {
		f, k := full.Keys(text), winnowed.Keys(text)
		for _, x := range k {
			if _, ok := slices.BinarySearch(f, x); !ok {
				t.Fatalf("text %d: kept key %x is not in its full key set", i, x)
			}
			keptKeys[x] = append(keptKeys[x], i)
		}
		for _, x := range f {
			fullKeys[x] = append(fullKeys[x], i)
		}
		nFull, nKept, kept[i] = nFull+len(f), nKept+len(k), k
	}
	ratio := float64(nFull) / float64(nKept)
	t.Logf("%d texts: %.1f full keys a text, %.1f kept (1 in %.2f)", len(texts),
		float64(nFull)/float64(len(texts)), float64(nKept)/float64(len(texts)), ratio)
	if ratio < 3.5 {
		t.Errorf("winnowing keeps 1 key in %.2f, want 1 in 3.5 or fewer", ratio)
	}
	hits := func(keys []uint64, held map[uint64][]int, self int) map[int]int {
		n := map[int]int{}
		for _, k := range keys {
			for _, j := range held[k] {
				if j != self {
					n[j]++
				}
			}
		}
		return n
	}
	minHits := reprint.DefaultConfig().MinKeyHits
	cands := 0
	for i, k := range kept {
		old := hits(k, fullKeys, i)
		for j, n := range hits(k, keptKeys, i) {
			if n >= minHits {
				cands++
				if old[j] < n {
					t.Fatalf("text %d shares %d keys with text %d's winnowed keys but %d with its full keys", i, n, j, old[j])
				}
			}
		}
	}
	if cands == 0 {
		t.Fatal("no candidates at all: the corpus has no plants?")
	}
}
