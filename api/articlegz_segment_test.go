package api

import (
	"bytes"
	stdflate "compress/flate"
	"io"
	"strings"
	"testing"
)

// TestTextSegmentsFromReusedCompressors: the segments' compressors come from a pool, so a
// segment is built by a compressor that has compressed other texts before. Each segment must
// still inflate (with the standard library) to exactly its own JSON start, with no trace of
// an earlier text, however the texts' sizes alternate.
func TestTextSegmentsFromReusedCompressors(t *testing.T) {
	texts := []string{
		strings.Repeat("The quick brown fox “jumps” over the lazy dog. ", 2000),
		"short",
		strings.Repeat("Ünïcödé 🙄 and <tags> & \u2028 separators\n", 500),
		"",
		strings.Repeat("The quick brown fox “jumps” over the lazy dog. ", 2000),
	}
	for round := range 2 {
		for i, text := range texts {
			seg := newTextSegment(text)
			if !bytes.HasPrefix(seg.raw, []byte(`{"text":"`)) || !bytes.HasSuffix(seg.raw, []byte(`",`)) {
				t.Fatalf("round %d text %d: raw segment %.40q…", round, i, seg.raw)
			}
			// A sync-flushed stream has no final block: inflating it ends in
			// io.ErrUnexpectedEOF after every byte has come out.
			got, err := io.ReadAll(stdflate.NewReader(bytes.NewReader(seg.defl)))
			if err != nil && err != io.ErrUnexpectedEOF {
				t.Fatalf("round %d text %d: %v", round, i, err)
			}
			if !bytes.Equal(got, seg.raw) {
				t.Fatalf("round %d text %d: inflated %d bytes, want the %d of its raw segment", round, i, len(got), len(seg.raw))
			}
		}
	}
}
