package scoring

import (
	"encoding/binary"
	"errors"
	"math"
	"slices"

	"github.com/credence-project/credence/annotate/score"
)

// A held article result is packed: decoded, a score.ArticleResult of a two-reviewer article
// takes about 1.5 kB of heap (its tallies are some hundred float64s, most of them zero or
// small whole numbers), which at 100,000 reviewed articles made a replica 300 MiB resident.
// Packed, each whole number is a varint (a zero is one byte) and any other float its eight
// bytes, so the same result is a few hundred bytes, and unpacking gives back exactly the
// value packed (every float bit for bit, nil and empty slices and maps as they were). Results
// are unpacked when used: the outlets a change touches, or a whole table once per change.

// pack encodes r (see unpack).
func pack(r *score.ArticleResult) []byte {
	p := packer{b: make([]byte, 0, 256)}
	p.int(r.ArticleID)
	p.int(r.PublisherID)
	if r.Methodology == score.MethodologyVersion {
		p.uint(0)
	} else {
		p.uint(uint64(len(r.Methodology)) + 1)
		p.b = append(p.b, r.Methodology...)
	}
	p.int(int64(r.Length))
	p.int(int64(r.CommentChars))
	p.int(int64(r.UncreditedChars))
	p.ids(r.Reviewers)
	p.ids(r.Excluded)
	p.size(r.Outlets == nil, len(r.Outlets))
	for i := range r.Outlets {
		o := &r.Outlets[i]
		p.int(o.OutletID)
		p.int(int64(o.Chars))
		p.floats(o.MeanMarked[:])
		p.agreement(&o.Agreement)
	}
	p.size(r.ReviewerTallies == nil, len(r.ReviewerTallies))
	for i := range r.ReviewerTallies {
		t := &r.ReviewerTallies[i]
		p.int(t.ReviewerID)
		for _, n := range t.Marked {
			p.int(int64(n))
		}
		p.floats(t.PeerMarked[:])
		p.agreement(&t.Pairs)
	}
	owners := make([]int64, 0, len(r.RegionAgreement.Values))
	for k := range r.RegionAgreement.Values {
		owners = append(owners, k)
	}
	slices.Sort(owners)
	p.size(r.RegionAgreement.Values == nil, len(owners))
	for _, k := range owners {
		p.int(k)
		p.float(r.RegionAgreement.Values[k])
	}
	p.float(r.RegionAgreement.Disagree)
	if r.Curated {
		p.uint(1)
	} else {
		p.uint(0)
	}
	p.ids(r.ReopenedAfterViewing)
	return slices.Clip(p.b)
}

type packer struct{ b []byte }

func (p *packer) uint(v uint64) { p.b = binary.AppendUvarint(p.b, v) }
func (p *packer) int(v int64)   { p.b = binary.AppendVarint(p.b, v) }

// size writes a length, 0 standing for nil.
func (p *packer) size(isNil bool, n int) {
	if isNil {
		p.uint(0)
	} else {
		p.uint(uint64(n) + 1)
	}
}

func (p *packer) ids(v []int64) {
	p.size(v == nil, len(v))
	for _, id := range v {
		p.int(id)
	}
}

// float writes a whole number within ±2^53 (not -0) as a zigzag varint shifted left by one,
// any other value as the marker 1 and its eight bytes.
func (p *packer) float(f float64) {
	if math.Abs(f) <= 1<<53 && f == math.Trunc(f) && (f != 0 || !math.Signbit(f)) {
		i := int64(f)
		p.uint((uint64(i<<1) ^ uint64(i>>63)) << 1)
		return
	}
	p.uint(1)
	p.b = binary.LittleEndian.AppendUint64(p.b, math.Float64bits(f))
}

func (p *packer) floats(fs []float64) {
	for _, f := range fs {
		p.float(f)
	}
}

func (p *packer) agreement(t *score.AgreementTally) {
	for i := range t.Labels {
		p.float(t.Labels[i].Absent)
		p.float(t.Labels[i].Present)
		p.float(t.Labels[i].Disagree)
	}
	p.floats(t.Overall.Values[:])
	p.float(t.Overall.Disagree)
}

var errPacked = errors.New("scoring: corrupt packed result")

// unpack decodes what pack wrote. It fails only on bytes pack did not write.
func unpack(b []byte) (score.ArticleResult, error) {
	u := unpacker{b: b}
	var r score.ArticleResult
	r.ArticleID = u.int()
	r.PublisherID = u.int()
	if n := u.uint(); n == 0 {
		r.Methodology = score.MethodologyVersion
	} else {
		r.Methodology = string(u.bytes(int(n - 1)))
	}
	r.Length = int(u.int())
	r.CommentChars = int(u.int())
	r.UncreditedChars = int(u.int())
	r.Reviewers = u.ids()
	r.Excluded = u.ids()
	if n, ok := u.size(); ok {
		r.Outlets = make([]score.OutletPart, n)
		for i := range r.Outlets {
			o := &r.Outlets[i]
			o.OutletID = u.int()
			o.Chars = int(u.int())
			u.floats(o.MeanMarked[:])
			u.agreement(&o.Agreement)
		}
	}
	if n, ok := u.size(); ok {
		r.ReviewerTallies = make([]score.ReviewerTally, n)
		for i := range r.ReviewerTallies {
			t := &r.ReviewerTallies[i]
			t.ReviewerID = u.int()
			for l := range t.Marked {
				t.Marked[l] = int(u.int())
			}
			u.floats(t.PeerMarked[:])
			u.agreement(&t.Pairs)
		}
	}
	if n, ok := u.size(); ok {
		r.RegionAgreement.Values = make(map[int64]float64, n)
		for range n {
			k := u.int()
			r.RegionAgreement.Values[k] = u.float()
		}
	}
	r.RegionAgreement.Disagree = u.float()
	r.Curated = u.uint() == 1
	r.ReopenedAfterViewing = u.ids()
	if u.bad || len(u.b) != 0 {
		return score.ArticleResult{}, errPacked
	}
	return r, nil
}

type unpacker struct {
	b   []byte
	bad bool
}

func (u *unpacker) uint() uint64 {
	v, n := binary.Uvarint(u.b)
	if n <= 0 {
		u.bad, u.b = true, nil
		return 0
	}
	u.b = u.b[n:]
	return v
}

func (u *unpacker) int() int64 {
	v, n := binary.Varint(u.b)
	if n <= 0 {
		u.bad, u.b = true, nil
		return 0
	}
	u.b = u.b[n:]
	return v
}

func (u *unpacker) bytes(n int) []byte {
	if n > len(u.b) {
		u.bad, u.b = true, nil
		return nil
	}
	out := u.b[:n]
	u.b = u.b[n:]
	return out
}

// size reads a length written by packer.size: ok is false for nil.
func (u *unpacker) size() (int, bool) {
	n := u.uint()
	if n == 0 || n-1 > uint64(len(u.b)) { // every element takes at least one byte
		if n != 0 {
			u.bad, u.b = true, nil
		}
		return 0, false
	}
	return int(n - 1), true
}

func (u *unpacker) ids() []int64 {
	n, ok := u.size()
	if !ok {
		return nil
	}
	out := make([]int64, n)
	for i := range out {
		out[i] = u.int()
	}
	return out
}

func (u *unpacker) float() float64 {
	v := u.uint()
	if v&1 == 1 {
		if v != 1 {
			u.bad, u.b = true, nil
			return 0
		}
		b := u.bytes(8)
		if b == nil {
			return 0
		}
		return math.Float64frombits(binary.LittleEndian.Uint64(b))
	}
	z := v >> 1
	return float64(int64(z>>1) ^ -int64(z&1))
}

func (u *unpacker) floats(fs []float64) {
	for i := range fs {
		fs[i] = u.float()
	}
}

func (u *unpacker) agreement(t *score.AgreementTally) {
	for i := range t.Labels {
		t.Labels[i].Absent = u.float()
		t.Labels[i].Present = u.float()
		t.Labels[i].Disagree = u.float()
	}
	u.floats(t.Overall.Values[:])
	t.Overall.Disagree = u.float()
}
