package reprint

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// snapshotMagic starts every snapshot; the trailing digit is the format
// version. Version 2 adds Config.WinnowWindows after MinKeyHits; a version 1
// snapshot (from before winnowing) loads with the default.
const (
	snapshotMagic   = "credence-reprint-index/2"
	snapshotMagicV1 = "credence-reprint-index/1"
)

// MarshalBinary writes a snapshot of the index: its configuration and the
// indexed articles. The LSH keys are deliberately not stored: they are
// recomputed on load, in parallel, which keeps snapshots small and valid
// across changes to the hashing code. BENCHMARKS.md gives the load rate; a
// service may equally rebuild from its database at start-up with Add.
func (ix *Index) MarshalBinary() ([]byte, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	c := ix.cfg
	buf := []byte(snapshotMagic)
	for _, v := range []int{c.ShingleWords, c.WindowShingles, c.Bands, c.Rows, c.MinPassageWords, c.MaxGapWords, c.MaxBucket, c.MinKeyHits, c.WinnowWindows} {
		buf = binary.AppendUvarint(buf, uint64(v))
	}
	buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(c.MinSimilarity))
	buf = binary.LittleEndian.AppendUint64(buf, c.Seed)
	buf = binary.AppendUvarint(buf, uint64(ix.live))
	for _, d := range ix.docs {
		if !d.alive {
			continue
		}
		buf = binary.AppendVarint(buf, d.a.ID)
		buf = binary.AppendVarint(buf, d.a.OutletID)
		t, err := d.a.PublishedAt.MarshalBinary()
		if err != nil {
			return nil, fmt.Errorf("snapshot article %d: %w", d.a.ID, err)
		}
		buf = binary.AppendUvarint(buf, uint64(len(t)))
		buf = append(buf, t...)
		buf = binary.AppendUvarint(buf, uint64(len(d.a.Text)))
		buf = append(buf, d.a.Text...)
	}
	return buf, nil
}

var errSnapshot = errors.New("reprint: malformed index snapshot")

type snapshotReader struct {
	b   []byte
	err error
}

func (r *snapshotReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errSnapshot
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *snapshotReader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = errSnapshot
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *snapshotReader) bytes(n uint64) []byte {
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.b)) {
		r.err = errSnapshot
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *snapshotReader) smallInt() int {
	v := r.uvarint()
	if v > 1<<20 {
		r.err = errSnapshot
	}
	return int(v)
}

// UnmarshalBinary replaces the index's contents and configuration with a
// snapshot written by MarshalBinary. It works on a zero Index too.
func (ix *Index) UnmarshalBinary(data []byte) error {
	v1 := string(data[:min(len(data), len(snapshotMagicV1))]) == snapshotMagicV1
	if !v1 && (len(data) < len(snapshotMagic) || string(data[:len(snapshotMagic)]) != snapshotMagic) {
		return fmt.Errorf("%w: unknown header", errSnapshot)
	}
	r := &snapshotReader{b: data[len(snapshotMagic):]} // both headers have the same length
	var c Config
	c.ShingleWords = r.smallInt()
	c.WindowShingles = r.smallInt()
	c.Bands = r.smallInt()
	c.Rows = r.smallInt()
	c.MinPassageWords = r.smallInt()
	c.MaxGapWords = r.smallInt()
	c.MaxBucket = r.smallInt()
	c.MinKeyHits = r.smallInt()
	if !v1 {
		c.WinnowWindows = r.smallInt()
	}
	fixed := r.bytes(16)
	if r.err != nil {
		return fmt.Errorf("read snapshot config: %w", r.err)
	}
	c.MinSimilarity = math.Float64frombits(binary.LittleEndian.Uint64(fixed))
	c.Seed = binary.LittleEndian.Uint64(fixed[8:])
	n := r.uvarint()
	if n > uint64(len(r.b)) { // every article takes at least one byte
		return fmt.Errorf("read snapshot: %w", errSnapshot)
	}
	arts := make([]Article, 0, n)
	for i := range n {
		var a Article
		a.ID = r.varint()
		a.OutletID = r.varint()
		tb := r.bytes(r.uvarint())
		if r.err == nil {
			if err := a.PublishedAt.UnmarshalBinary(tb); err != nil {
				return fmt.Errorf("read snapshot article %d time: %w", i, err)
			}
		}
		a.Text = string(r.bytes(r.uvarint()))
		if r.err != nil {
			return fmt.Errorf("read snapshot article %d: %w", i, r.err)
		}
		arts = append(arts, a)
	}
	if len(r.b) != 0 {
		return fmt.Errorf("read snapshot: %w: %d trailing bytes", errSnapshot, len(r.b))
	}

	fresh := NewIndex(c)
	keys := fresh.sketchAll(arts)
	for i, a := range arts {
		fresh.insert(a, keys[i])
	}
	fresh.post.settle()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.cfg, ix.sk = fresh.cfg, fresh.sk
	ix.docs, ix.byID, ix.post = fresh.docs, fresh.byID, fresh.post
	ix.live, ix.dead = fresh.live, fresh.dead
	return nil
}
