package reprint

import (
	"cmp"
	"math/bits"
	"slices"
)

// postings maps LSH keys to the slots of the articles holding them. It is a
// small log-structured store rather than a Go map: a hash map of tens of
// millions of keys spends most of an insert on cache misses, and costs about
// 30 bytes a key.
//
//   - New (key, slot) pairs are appended to buf, unsorted. A full buf is
//     frozen into pending.
//   - A maintenance job sorts each pending buffer into an immutable segment:
//     parallel sorted arrays of keys and slots, 12 bytes a pair, plus a
//     directory on the top bits of the key (keys are uniform hashes, so each
//     directory cell covers 4 to 8 pairs; under a byte a pair).
//   - Further jobs merge adjacent segments while a newer one holds at least
//     half as many pairs as the one before it, so sizes fall geometrically:
//     a few tens of segments at most, and each pair is copied O(log n)
//     times over the life of the index, in sequential passes.
//
// Jobs read only immutable arrays, so the Index runs them outside its lock
// (see Index.maintain) and installs the result under it. A look-up probes one
// directory cell per segment and scans the buffers once for a whole set of
// keys (see lookup). Pairs are never removed: the index skips dead slots and
// rebuilds the store on compaction.
type postings struct {
	buf []entry
	// pending holds full buffers, unsorted and never modified again, until
	// a maintenance job sorts each into a segment.
	pending [][]entry
	segs    []*segment // oldest (largest) first
	n       int        // pairs in all segments and buffers
	written int        // pairs written by installed jobs (tests check it)
}

type entry struct {
	key  uint64
	slot uint32
}

// bufEntries is the size of the unsorted buffer: about 100 articles' keys.
// Small enough that scanning it at look-up costs well under a millisecond,
// large enough that segments are few.
const bufEntries = 1 << 16

type segment struct {
	keys  []uint64
	slots []uint32
	// dir[p] is the index of the first key whose top dirBits bits are >= p;
	// len(dir) == 1<<dirBits + 1.
	dir   []uint32
	shift uint // 64 - dirBits
}

// add appends the pairs (k, slot) for every k in keys. It reports whether
// maintenance work (see job) is waiting.
func (p *postings) add(keys []uint64, slot uint32) bool {
	for _, k := range keys {
		p.buf = append(p.buf, entry{k, slot})
	}
	p.n += len(keys)
	if len(p.buf) >= bufEntries {
		p.pending = append(p.pending, p.buf)
		p.buf = make([]entry, 0, bufEntries+bufEntries/8)
	}
	_, work := p.nextJob()
	return work
}

// job is one step of maintenance: sort a pending buffer into a segment, or
// merge two adjacent segments. Jobs read only immutable data, so they run
// without the index lock; install then swaps the result in under the lock.
type job struct {
	pend []entry
	a, b *segment
}

// nextJob returns the next maintenance step: pending buffers first (so the
// buffers a look-up scans stay few while Adds go on), then nextMerge. The
// backlog of pending buffers is bounded (see maxPending), so sorting them
// all before merging costs little; settle, which may face any backlog,
// merges after each one instead.
func (p *postings) nextJob() (job, bool) {
	if len(p.pending) > 0 {
		return job{pend: p.pending[0]}, true
	}
	return p.nextMerge()
}

// nextMerge returns the newest pair of adjacent segments that breaks the
// geometric size order (2*len(newer) >= len(older)).
func (p *postings) nextMerge() (job, bool) {
	for i := len(p.segs) - 1; i >= 1; i-- {
		if 2*len(p.segs[i].keys) >= len(p.segs[i-1].keys) {
			return job{a: p.segs[i-1], b: p.segs[i]}, true
		}
	}
	return job{}, false
}

func (j job) run() *segment {
	if j.pend != nil {
		return sortedSegment(j.pend)
	}
	return merge(j.a, j.b)
}

// install puts the result of j in place of its inputs. It returns false,
// dropping the result, if the inputs are gone (the store was rebuilt).
func (p *postings) install(j job, s *segment) bool {
	if j.pend != nil {
		for i, b := range p.pending {
			if &b[0] == &j.pend[0] {
				p.pending = slices.Delete(p.pending, i, i+1)
				p.segs = append(p.segs, s)
				p.written += len(s.keys)
				return true
			}
		}
		return false
	}
	for i := 1; i < len(p.segs); i++ {
		if p.segs[i-1] == j.a && p.segs[i] == j.b {
			p.segs[i-1] = s
			p.segs = slices.Delete(p.segs, i, i+1)
			p.written += len(s.keys)
			return true
		}
	}
	return false
}

// settle moves every buffered pair into segments and does all maintenance,
// synchronously (for a store no other goroutine can see, or under the lock).
func (p *postings) settle() {
	if len(p.buf) > 0 {
		p.pending = append(p.pending, p.buf)
		p.buf = nil
	}
	// Merging after each buffer keeps the work O(n log n): sorting every
	// buffer first would leave many equal segments, and the newest-pair
	// rule would then fold them one by one into an ever larger one.
	for {
		j, ok := p.nextMerge()
		if !ok {
			if len(p.pending) == 0 {
				return
			}
			j = job{pend: p.pending[0]}
		}
		p.install(j, j.run())
	}
}

// sortedSegment sorts pairs into a new segment. Keys are uniform hashes, so
// a counting sort on the directory cells leaves a handful of pairs per cell,
// finished by insertion sort: linear time, and the directory comes for free.
func sortedSegment(es []entry) *segment {
	s := &segment{keys: make([]uint64, len(es)), slots: make([]uint32, len(es))}
	s.newDir()
	for _, e := range es {
		s.dir[s.cell(e.key)+1]++
	}
	for c := 1; c < len(s.dir); c++ {
		s.dir[c] += s.dir[c-1]
	}
	next := slices.Clone(s.dir[:len(s.dir)-1])
	for _, e := range es {
		c := s.cell(e.key)
		i := next[c]
		next[c]++
		s.keys[i], s.slots[i] = e.key, e.slot
	}
	for c := 0; c+1 < len(s.dir); c++ {
		lo, hi := int(s.dir[c]), int(s.dir[c+1])
		for i := lo + 1; i < hi; i++ {
			k, v := s.keys[i], s.slots[i]
			j := i
			for ; j > lo && s.keys[j-1] > k; j-- {
				s.keys[j], s.slots[j] = s.keys[j-1], s.slots[j-1]
			}
			s.keys[j], s.slots[j] = k, v
		}
	}
	return s
}

// newDir sizes and allocates the directory for len(s.keys) keys: 4 to 8 keys
// a cell.
func (s *segment) newDir() {
	dirBits := max(0, bits.Len(uint(len(s.keys)))-3)
	s.shift = uint(64 - dirBits)
	s.dir = make([]uint32, 1<<dirBits+1)
}

// index builds the directory of a segment whose keys are sorted.
func (s *segment) index() {
	s.newDir()
	i := 0
	for c := range s.dir {
		for i < len(s.keys) && s.cell(s.keys[i]) < uint64(c) {
			i++
		}
		s.dir[c] = uint32(i)
	}
}

func (s *segment) cell(k uint64) uint64 {
	if s.shift >= 64 {
		return 0
	}
	return k >> s.shift
}

// merge returns the union of two segments (a is the older one; its pairs
// come first among equal keys).
func merge(a, b *segment) *segment {
	n := len(a.keys) + len(b.keys)
	s := &segment{keys: make([]uint64, n), slots: make([]uint32, n)}
	i, j := 0, 0
	for o := range n {
		if j >= len(b.keys) || (i < len(a.keys) && a.keys[i] <= b.keys[j]) {
			s.keys[o], s.slots[o] = a.keys[i], a.slots[i]
			i++
		} else {
			s.keys[o], s.slots[o] = b.keys[j], b.slots[j]
			j++
		}
	}
	s.index()
	return s
}

// appendSlots appends the slots stored under k in this segment.
func (s *segment) appendSlots(dst []uint32, k uint64) []uint32 {
	c := s.cell(k)
	lo, hi := int(s.dir[c]), int(s.dir[c+1])
	for i := lo; i < hi; i++ {
		switch {
		case s.keys[i] < k:
			continue
		case s.keys[i] == k:
			dst = append(dst, s.slots[i])
			continue
		}
		break
	}
	return dst
}

// lookup calls fn once for each of keys (which must be sorted and distinct)
// that has postings, with all of its slots. The slots slice is reused between
// calls.
func (p *postings) lookup(keys []uint64, fn func(k uint64, slots []uint32)) {
	// The buffers are scanned once for all keys, through a small open-addressing
	// set of them (keys are uniform hashes, so their low bits index it).
	var fromBuf []entry
	if (len(p.buf) > 0 || len(p.pending) > 0) && len(keys) > 0 {
		size := 1 << bits.Len(uint(4*len(keys)))
		mask := uint64(size - 1)
		set := make([]int32, size) // index into keys + 1; 0 is empty
		for i, k := range keys {
			h := k & mask
			for set[h] != 0 {
				h = (h + 1) & mask
			}
			set[h] = int32(i + 1)
		}
		scan := func(es []entry) {
			for _, e := range es {
				for h := e.key & mask; set[h] != 0; h = (h + 1) & mask {
					if keys[set[h]-1] == e.key {
						fromBuf = append(fromBuf, e)
						break
					}
				}
			}
		}
		scan(p.buf)
		for _, b := range p.pending {
			scan(b)
		}
		slices.SortStableFunc(fromBuf, func(x, y entry) int { return cmp.Compare(x.key, y.key) })
	}
	var slots []uint32
	b := 0
	for _, k := range keys {
		slots = slots[:0]
		for _, s := range p.segs {
			slots = s.appendSlots(slots, k)
		}
		for b < len(fromBuf) && fromBuf[b].key < k {
			b++
		}
		for ; b < len(fromBuf) && fromBuf[b].key == k; b++ {
			slots = append(slots, fromBuf[b].slot)
		}
		if len(slots) > 0 {
			fn(k, slots)
		}
	}
}
