package annotate

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// NormaliseText puts text in the one form the service stores: Unicode NFC, "\n" line
// endings, no byte order mark, valid UTF-8. Import calls it once; every offset refers to
// its result, so it must never be applied to stored text again with a different result.
func NormaliseText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.TrimPrefix(s, "\uFEFF")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return norm.NFC.String(s)
}

// TextSHA256 is the hex SHA-256 of the stored text's UTF-8 bytes.
func TextSHA256(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// Text is a stored article text with a code point index, so that spans given in code
// points (the unit of the API and of the W3C TextPositionSelector) slice it quickly. The
// index is sparse, one byte offset per textStride code points (an eighth of the text's size
// for mostly-ASCII text, where a full index would take eight times it), and absent for
// pure-ASCII text, where code points and bytes coincide. Texts are cached in every replica,
// so their size is what the cache can hold.
type Text struct {
	s     string
	n     int     // code points
	marks []int32 // byte offset of code point k*textStride, for k = 0 .. n/textStride; nil if s is ASCII
}

const textStride = 32

// NewText indexes s by code point.
func NewText(s string) *Text {
	t := &Text{s: s}
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		t.n = len(s)
		return t
	}
	t.marks = make([]int32, 0, len(s)/textStride+1)
	for i := range s {
		if t.n%textStride == 0 {
			t.marks = append(t.marks, int32(i))
		}
		t.n++
	}
	if t.n%textStride == 0 {
		t.marks = append(t.marks, int32(len(s)))
	}
	return t
}

// byteAt is the byte offset of code point cp, for 0 <= cp <= Len().
func (t *Text) byteAt(cp int) int {
	if t.marks == nil {
		return cp
	}
	i := int(t.marks[cp/textStride])
	for k := cp % textStride; k > 0; k-- {
		if t.s[i] < utf8.RuneSelf {
			i++
			continue
		}
		_, size := utf8.DecodeRuneInString(t.s[i:])
		i += size
	}
	return i
}

// Len is the length of the text in code points.
func (t *Text) Len() int { return t.n }

// String returns the whole text.
func (t *Text) String() string { return t.s }

// Size is about how many bytes the text and its index hold.
func (t *Text) Size() int { return len(t.s) + 4*len(t.marks) }

// Slice returns the code points [start, end). The caller checks the span first.
func (t *Text) Slice(start, end int) string {
	return t.s[t.byteAt(start):t.byteAt(end)]
}

// CodePoints counts the code points of s.
func CodePoints(s string) int { return utf8.RuneCountInString(s) }

// CheckSpan validates a span against the text: 0 <= start < end <= len.
func (t *Text) CheckSpan(start, end int) error {
	n := t.Len()
	switch {
	case start < 0:
		return Errorf(CodeInvalidSpan, "start", "start (%d) is negative", start)
	case end > n:
		return Errorf(CodeInvalidSpan, "end", "end (%d) is past the end of the text (%d)", end, n)
	case start >= n:
		return Errorf(CodeInvalidSpan, "start", "start (%d) is at or past the end of the text (%d)", start, n)
	case end <= start:
		return Errorf(CodeInvalidSpan, "end", "end (%d) must be greater than start (%d): the span is empty", end, start)
	}
	return nil
}

// TokenF1 compares an extracted text with the text it should be, as bags of lower-cased
// word tokens: the harmonic mean of the share of extracted tokens that belong (precision)
// and of the expected tokens that were found (recall). Extraction quality is reported in it.
func TokenF1(got, want string) float64 {
	count := func(s string) map[string]int {
		m := map[string]int{}
		for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			m[w]++
		}
		return m
	}
	g, w := count(got), count(want)
	ng, nw, common := 0, 0, 0
	for k, n := range g {
		ng += n
		common += min(n, w[k])
	}
	for _, n := range w {
		nw += n
	}
	if ng == 0 || nw == 0 || common == 0 {
		return 0
	}
	p, r := float64(common)/float64(ng), float64(common)/float64(nw)
	return 2 * p * r / (p + r)
}
