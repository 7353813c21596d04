package reprint

import (
	"runtime"
	"slices"
	"sync"
)

// Config holds every threshold of the near-duplicate index. The zero value
// of a field means its default; DefaultConfig spells the defaults out.
type Config struct {
	// ShingleWords is the number of consecutive normalised words hashed into
	// one shingle. Default 3: long enough that shared shingles between
	// unrelated articles are rare, short enough that a changed word destroys
	// only three shingles.
	ShingleWords int
	// WindowShingles is the number of consecutive shingles over which one
	// MinHash signature is taken. Default 8: two texts sharing an unchanged
	// run of WindowShingles+ShingleWords-1 = 10 words contain an identical
	// window, whose keys are identical (the keys kept of them: see
	// WinnowWindows).
	WindowShingles int
	// Bands and Rows are the LSH banding of each window's signature: Bands
	// keys of Rows MinHash values each, Bands*Rows hash functions in all.
	// Defaults 2 and 3: three rows per band make keys that unrelated
	// articles rarely share (all three minima must coincide, which common
	// phrases alone seldom achieve), and two bands let MinKeyHits ask for two
	// shared keys without losing the guarantee of WinnowWindows.
	Bands, Rows int
	// WinnowWindows thins the keys by winnowing (Schleimer, Wilkerson and
	// Aiken 2003): of each band's keys in text order, one a window, only
	// those that are the least of some run of WinnowWindows consecutive
	// windows are kept.
	//
	// The guarantee: two texts sharing an unchanged run of
	// ShingleWords+WindowShingles+WinnowWindows-2 words (21 with the
	// defaults, within MinPassageWords) contain WinnowWindows identical
	// consecutive windows; each text keeps in each band the least key of
	// those windows, so they share at least Bands keys and are candidates
	// (MinKeyHits <= Bands), whatever the rest of the texts
	// (TestWinnowGuarantee; at 20 words a few random pairs in a hundred are
	// missed). Shorter or edited runs share kept keys by chance.
	//
	// Default 12. Of random keys about 2/(WinnowWindows+1) are kept; as
	// adjacent windows often have the same key, a 600-word article keeps 181
	// of the 685 keys of its full key set (1 in 3.8, synthetic corpus and
	// seeds), and the candidates that alignment rejects fall from 34,090 to
	// 234 on the 10,000-article synthetic corpus. Its plants (40-120 words,
	// up to 10% of the words changed) are found as before but for 2 of
	// 3,020 (recall 0.9993, was 1.0000). 16 would guarantee exactly
	// MinPassageWords and keep 141 keys, but misses 27 plants (0.9911);
	// 10 keeps 211 and misses 1.
	//
	// WinnowWindows 1 keeps every key (the full key set, what versions
	// before winnowing stored). The keys kept for any value are a subset of
	// the full key set, so a store holding full key sets written by an
	// earlier version still finds a new article's candidates among them:
	// the kept keys of a shared run are among the other article's full keys
	// (TestWinnowedKeysAreASubsetOfFullKeys). This holds only for the same
	// ShingleWords, WindowShingles, Bands, Rows and Seed.
	WinnowWindows int
	// MinKeyHits is how many LSH keys an indexed article must share with the
	// looked-up one to be aligned. Default 2. An identical run of windows
	// long enough for WinnowWindows yields Bands kept keys, so with
	// MinKeyHits <= Bands the guarantee there holds, while most chance
	// collisions (one common phrase) share a single key.
	MinKeyHits int
	// MinPassageWords is the shortest shared passage reported, in words on
	// each side. Default 25: a quotation of a public figure repeated by many
	// outlets ("I would never point a gun at anyone and pull a trigger", 11
	// words) is not a reprint, while a reprinted paragraph is.
	MinPassageWords int
	// MinSimilarity is the least share of identical words in a reported
	// passage (identical words / words of the longer side). Default 0.8,
	// which admits the planted 10% word changes and the inserted and
	// reworded words of real copy-editing.
	MinSimilarity float64
	// MaxGapWords is the longest stretch of differing words, on either side,
	// that alignment bridges inside one passage. Default 8.
	MaxGapWords int
	// MaxBucket: an LSH key shared by more than this many indexed articles
	// is ignored at look-up. Such keys come from boilerplate (a newsletter
	// footer), and following them would make a look-up touch thousands of
	// articles. Default 1000.
	MaxBucket int
	// Seed selects the hash functions. Default 0x637265646e6365. Indexes
	// built with different seeds give different keys; a snapshot carries
	// its seed.
	Seed uint64
}

// DefaultConfig returns the configuration used when a field is left zero.
func DefaultConfig() Config {
	return Config{
		ShingleWords:    3,
		WindowShingles:  8,
		Bands:           2,
		Rows:            3,
		WinnowWindows:   12,
		MinKeyHits:      2,
		MinPassageWords: 25,
		MinSimilarity:   0.8,
		MaxGapWords:     8,
		MaxBucket:       1000,
		Seed:            0x637265646e6365,
	}
}

// withDefaults fills zero or out-of-range fields with their defaults.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	pos := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	pos(&c.ShingleWords, d.ShingleWords)
	pos(&c.WindowShingles, d.WindowShingles)
	pos(&c.Bands, d.Bands)
	pos(&c.Rows, d.Rows)
	pos(&c.WinnowWindows, d.WinnowWindows)
	pos(&c.MinKeyHits, d.MinKeyHits)
	pos(&c.MinPassageWords, d.MinPassageWords)
	pos(&c.MaxGapWords, d.MaxGapWords)
	pos(&c.MaxBucket, d.MaxBucket)
	if c.MinSimilarity <= 0 || c.MinSimilarity > 1 {
		c.MinSimilarity = d.MinSimilarity
	}
	if c.Seed == 0 {
		c.Seed = d.Seed
	}
	return c
}

// Index is the near-duplicate index over all stored articles: MinHash
// signatures of word-shingle windows, banded into LSH keys, give candidate
// articles; alignment then finds the exact shared passages (see Matches).
//
// An Index is safe for concurrent use. Hashing happens outside the lock, so
// Adds from several goroutines use several cores; the lock is held only to
// append keys, to read candidates, or to swap in a sorted or merged segment
// (the sorting and merging themselves run outside it, see maintain).
type Index struct {
	cfg Config
	sk  *sketcher

	// maint is held by the one goroutine doing postings maintenance
	// (sorting full buffers, merging segments) outside mu.
	maint sync.Mutex

	mu   sync.RWMutex
	docs []docSlot
	byID map[int64]uint32
	// post maps each LSH key to the slots of the articles holding it, in
	// sorted segments (see postings): about 12.5 bytes a key, no pointers
	// for the garbage collector to scan.
	post postings
	live int
	dead int
}

type docSlot struct {
	a     Article
	alive bool
}

// NewIndex returns an empty index. Zero fields of cfg take their defaults.
func NewIndex(cfg Config) *Index {
	cfg = cfg.withDefaults()
	return &Index{
		cfg:  cfg,
		sk:   newSketcher(cfg),
		byID: make(map[int64]uint32),
	}
}

// Config returns the configuration in force, defaults filled in.
func (ix *Index) Config() Config { return ix.cfg }

// sketch returns the LSH keys of a text in a new slice.
func (ix *Index) sketch(text string) []uint64 {
	sc := scratchPool.Get().(*sketchScratch)
	keys := slices.Clone(ix.sketchInto(text, sc))
	scratchPool.Put(sc)
	return keys
}

// sketchInto returns the LSH keys of a text in sc's memory, valid until sc is
// reused.
func (ix *Index) sketchInto(text string, sc *sketchScratch) []uint64 {
	sc.toks = appendTokens(sc.toks[:0], text)
	return ix.sk.keys(sc.toks, ix.cfg.MinPassageWords, sc)
}

// Add indexes an article. Adding an ID that is already indexed replaces the
// stored version (its old keys are dropped), so re-importing an edited
// article needs no Remove first.
func (ix *Index) Add(a Article) {
	sc := scratchPool.Get().(*sketchScratch)
	keys := ix.sketchInto(a.Text, sc)
	ix.mu.Lock()
	work := ix.insert(a, keys) // copies keys
	backlog := len(ix.post.pending)
	ix.mu.Unlock()
	scratchPool.Put(sc)
	if work {
		ix.maintain(backlog > maxPending)
	}
}

// maxPending is how many full buffers may wait for sorting before Add waits
// for maintenance instead of leaving it to the goroutine already doing it.
const maxPending = 4

// maintain runs postings maintenance jobs until none is left. The jobs sort
// and merge immutable arrays without the lock, so look-ups and other Adds go
// on meanwhile; only installing a result takes the write lock. One goroutine
// maintains at a time: unless wait is set, a caller that finds another one
// at work leaves the jobs to it.
func (ix *Index) maintain(wait bool) {
	if wait {
		ix.maint.Lock()
	} else if !ix.maint.TryLock() {
		return
	}
	defer ix.maint.Unlock()
	for {
		ix.mu.RLock()
		j, ok := ix.post.nextJob()
		ix.mu.RUnlock()
		if !ok {
			return
		}
		s := j.run()
		ix.mu.Lock()
		ix.post.install(j, s)
		ix.mu.Unlock()
	}
}

// insert adds a with its keys and reports whether postings maintenance is
// waiting (see maintain). The caller holds the write lock.
func (ix *Index) insert(a Article, keys []uint64) bool {
	if old, ok := ix.byID[a.ID]; ok {
		ix.kill(old)
	}
	slot := uint32(len(ix.docs))
	ix.docs = append(ix.docs, docSlot{a: a, alive: true})
	ix.byID[a.ID] = slot
	ix.live++
	work := ix.post.add(keys, slot)
	if ix.maybeCompact() {
		work = false
	}
	return work
}

// kill marks a slot dead. Its postings stay until compaction and are skipped
// at look-up; removing them eagerly would mean walking every list it is in.
func (ix *Index) kill(slot uint32) {
	ix.docs[slot].alive = false
	ix.docs[slot].a.Text = "" // release the text now, not at compaction
	delete(ix.byID, ix.docs[slot].a.ID)
	ix.live--
	ix.dead++
}

// Remove drops an article from the index. Removing an unknown ID is a no-op.
func (ix *Index) Remove(id int64) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if slot, ok := ix.byID[id]; ok {
		ix.kill(slot)
		ix.maybeCompact()
	}
}

// maybeCompact rebuilds the postings once dead slots outnumber live ones, so
// memory stays within twice the live size under any churn. It reports
// whether it did; the rebuilt postings need no maintenance.
func (ix *Index) maybeCompact() bool {
	if ix.dead < 1024 || ix.dead < ix.live {
		return false
	}
	var live []Article
	for _, d := range ix.docs {
		if d.alive {
			live = append(live, d.a)
		}
	}
	keys := ix.sketchAll(live)
	ix.docs, ix.post = nil, postings{}
	ix.byID = make(map[int64]uint32, len(live))
	ix.live, ix.dead = 0, 0
	for i, a := range live {
		ix.insert(a, keys[i])
	}
	ix.post.settle()
	return true
}

// sketchAll hashes many articles on all cores.
func (ix *Index) sketchAll(as []Article) [][]uint64 {
	keys := make([][]uint64, len(as))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(as); i += workers {
				keys[i] = ix.sketch(as[i].Text)
			}
		})
	}
	wg.Wait()
	return keys
}

// Len returns the number of indexed articles.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.live
}

// Get returns the indexed version of an article.
func (ix *Index) Get(id int64) (Article, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	slot, ok := ix.byID[id]
	if !ok {
		return Article{}, false
	}
	return ix.docs[slot].a, true
}

// Matches returns the passages a shares with indexed articles other than
// itself (same ID), sorted by position in a, then by other article.
//
// Candidates are the articles sharing at least MinKeyHits LSH keys with a; each
// candidate is then aligned word by word with a (see Config for the
// thresholds), so every returned passage is verified, not estimated. a need
// not be indexed: a new article can be checked before it is stored.
func (ix *Index) Matches(a Article) []Match {
	toks := tokenize(a.Text)
	sc := scratchPool.Get().(*sketchScratch)
	keys := ix.sk.keys(toks, ix.cfg.MinPassageWords, sc)
	if len(keys) == 0 {
		scratchPool.Put(sc)
		return nil
	}

	cands := ix.candidates(a.ID, keys)
	scratchPool.Put(sc)
	if len(cands) == 0 {
		return nil
	}
	return (&Matcher{cfg: ix.cfg, sk: ix.sk}).alignTokens(a, toks, cands)
}

// Candidates returns the ids, in order, of the indexed articles other than a
// that Matches aligns a with: those sharing at least MinKeyHits keys with it,
// not counting keys held by more than MaxBucket articles. A store that keeps
// the keys elsewhere must find the same (see Matcher).
func (ix *Index) Candidates(a Article) []int64 {
	sc := scratchPool.Get().(*sketchScratch)
	cands := ix.candidates(a.ID, ix.sketchInto(a.Text, sc))
	scratchPool.Put(sc)
	ids := make([]int64, len(cands))
	for i, c := range cands {
		ids[i] = c.ID
	}
	slices.Sort(ids)
	return ids
}

// candidates returns the live indexed articles other than id sharing enough
// of keys (see Candidates), in no particular order.
func (ix *Index) candidates(id int64, keys []uint64) []Article {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	hits := make(map[uint32]int)
	ix.post.lookup(keys, func(_ uint64, slots []uint32) {
		if len(slots) > ix.cfg.MaxBucket {
			return // boilerplate: see Config.MaxBucket
		}
		for _, slot := range slots {
			hits[slot]++
		}
	})
	var cands []Article
	for slot, n := range hits {
		d := &ix.docs[slot]
		if n >= ix.cfg.MinKeyHits && d.alive && d.a.ID != id {
			cands = append(cands, d.a)
		}
	}
	return cands
}
