package annotate

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
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
// points (the unit of the API and of the W3C TextPositionSelector) slice it in O(1).
type Text struct {
	s       string
	offsets []int // byte offset of each code point, plus len(s) at the end
}

// NewText indexes s by code point.
func NewText(s string) *Text {
	offs := make([]int, 0, len(s)+1)
	for i := range s {
		offs = append(offs, i)
	}
	offs = append(offs, len(s))
	return &Text{s: s, offsets: offs}
}

// Len is the length of the text in code points.
func (t *Text) Len() int { return len(t.offsets) - 1 }

// String returns the whole text.
func (t *Text) String() string { return t.s }

// Slice returns the code points [start, end). The caller checks the span first.
func (t *Text) Slice(start, end int) string {
	return t.s[t.offsets[start]:t.offsets[end]]
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
