package suggest

import (
	"hash/maphash"
	"math/bits"
	"slices"
	"strings"
	"unicode/utf8"
)

// How features are collected (learn_features.go says which): as strings for the trainer, or,
// for the suggester, as the numbers of the features its model knows, filtered and made
// distinct without building the strings.

// featureSet collects features; distinct returns each once, sorted. With a vocabulary (the
// suggester's), it keeps only the ids of the features the model knows instead, and builds each
// feature in buf rather than as a string: the same features, found without allocating.
type featureSet struct {
	list   []string
	vocab  map[string]int32
	seen   []uint64       // with a vocabulary: a bit an id, all clear between units (distinctIDs)
	filter *featureFilter // when set, says which features the vocabulary cannot hold
	ids    []int32
	buf    []byte
	// With words, what perWord found for each word of the document, found once a document.
	words   []int32       // per token, the number of its bare word (the same number for the same word)
	nwords  int           // how many numbers
	memo    [4][][2]int32 // per block, per word number: its span of memoIDs, {-1, -1} until found
	memoIDs []int32
}

// reuse empties f for another document's units in vocab, keeping its buffers.
func (f *featureSet) reuse(vocab map[string]int32, filter *featureFilter, words []int32, nwords int) {
	if len(vocab) != len(f.vocab) {
		f.seen = f.seen[:0]
	}
	f.list, f.vocab, f.filter, f.ids, f.buf = nil, vocab, filter, f.ids[:0], f.buf[:0]
	f.words, f.nwords, f.memoIDs = words, nwords, f.memoIDs[:0]
	for i := range f.memo {
		f.memo[i] = f.memo[i][:0] // perWord fills it again
	}
}

// The blocks of features perWord finds once a word.
const (
	blockSentenceWord = iota
	blockTokenWord
	blockTokenPrev
	blockTokenNext
)

// perWord adds what add adds, which must depend on token ti's bare word alone (block tells the
// callers apart). With a vocabulary and numbered words, the ids add finds for a word are kept
// and added again for the word's other tokens.
func (f *featureSet) perWord(block, ti int, add func()) {
	if f.words == nil {
		add()
		return
	}
	m := f.memo[block]
	if len(m) != f.nwords {
		m = slices.Grow(m[:0], f.nwords)[:f.nwords]
		for i := range m {
			m[i] = [2]int32{-1, -1}
		}
		f.memo[block] = m
	}
	wi := f.words[ti]
	if sp := m[wi]; sp[0] >= 0 {
		f.ids = append(f.ids, f.memoIDs[sp[0]:sp[1]]...)
		return
	}
	n := len(f.ids)
	add()
	start := int32(len(f.memoIDs))
	f.memoIDs = append(f.memoIDs, f.ids[n:]...)
	m[wi] = [2]int32{start, int32(len(f.memoIDs))}
}

func (f *featureSet) add(s string) {
	if f.vocab != nil {
		if f.filter != nil && !f.filter.mayHold(maphash.String(f.filter.seed, s)) {
			return
		}
		if id, ok := f.vocab[s]; ok {
			f.ids = append(f.ids, id)
		}
		return
	}
	f.list = append(f.list, s)
}

// addKV adds the feature kind+val ("w:" + word).
func (f *featureSet) addKV(kind, val string) {
	if f.vocab == nil {
		f.list = append(f.list, kind+val)
		return
	}
	f.buf = append(append(f.buf[:0], kind...), val...)
	f.lookup()
}

// addWords adds kind followed by the words joined by spaces ("b:" + w1 + " " + w2).
func (f *featureSet) addWords(kind string, words ...string) {
	if f.vocab == nil {
		f.list = append(f.list, kind+strings.Join(words, " "))
		return
	}
	f.buf = append(f.buf[:0], kind...)
	for i, w := range words {
		if i > 0 {
			f.buf = append(f.buf, ' ')
		}
		f.buf = append(f.buf, w...)
	}
	f.lookup()
}

// addRunes adds kind+string(r).
func (f *featureSet) addRunes(kind string, r []rune) {
	if f.vocab == nil {
		f.list = append(f.list, kind+string(r))
		return
	}
	f.buf = append(f.buf[:0], kind...)
	for _, c := range r {
		f.buf = utf8.AppendRune(f.buf, c)
	}
	f.lookup()
}

func (f *featureSet) lookup() {
	if f.filter != nil && !f.filter.mayHold(maphash.Bytes(f.filter.seed, f.buf)) {
		return
	}
	if id, ok := f.vocab[string(f.buf)]; ok {
		f.ids = append(f.ids, id)
	}
}

// featureFilter is a Bloom filter of a vocabulary's features: most features of a text are not
// in the model, and two bits in a small table rule them out faster than a look-up in the large
// map. A feature that passes is looked up all the same, so the filter never changes a result.
type featureFilter struct {
	seed maphash.Seed
	bits []uint64 // a power of two of them
}

func newFeatureFilter(features []string) *featureFilter {
	n := 64
	for n < 16*len(features) {
		n *= 2
	}
	ff := &featureFilter{seed: maphash.MakeSeed(), bits: make([]uint64, n/64)}
	for _, f := range features {
		h := maphash.String(ff.seed, f)
		a, b := ff.positions(h)
		ff.bits[a>>6] |= 1 << (a & 63)
		ff.bits[b>>6] |= 1 << (b & 63)
	}
	return ff
}

func (ff *featureFilter) positions(h uint64) (a, b uint64) {
	mask := uint64(len(ff.bits)*64 - 1)
	return h & mask, (h >> 32) & mask
}

func (ff *featureFilter) mayHold(h uint64) bool {
	a, b := ff.positions(h)
	return ff.bits[a>>6]&(1<<(a&63)) != 0 && ff.bits[b>>6]&(1<<(b&63)) != 0
}

func (f *featureSet) distinct() []string {
	slices.Sort(f.list)
	return slices.Compact(f.list)
}

// distinctIDs returns the ids once each, sorted: in the order of the features' names when the
// vocabulary numbers them in that order. Many ids (a sentence's) are sorted through a bit set of
// the vocabulary, which also drops the repeated ones.
func (f *featureSet) distinctIDs() []int32 {
	if len(f.ids) < 64 {
		slices.Sort(f.ids)
		return slices.Compact(f.ids)
	}
	if len(f.seen) == 0 {
		f.seen = make([]uint64, (len(f.vocab)+63)/64)
	}
	lo, hi := len(f.seen), 0
	for _, id := range f.ids {
		w := int(id >> 6)
		f.seen[w] |= 1 << (id & 63)
		lo, hi = min(lo, w), max(hi, w)
	}
	out := f.ids[:0]
	for w := lo; w <= hi; w++ {
		for b := f.seen[w]; b != 0; b &= b - 1 {
			out = append(out, int32(w<<6+bits.TrailingZeros64(b)))
		}
		f.seen[w] = 0
	}
	return out
}
