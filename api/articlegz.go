package api

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/klauspost/compress/flate"
)

// An article's answer is mostly its text, which never changes. Compressing it on every read
// was the largest single cost of opening an article (the load harness's profile: 40% of the
// service's CPU per read), so the answer is written as two pieces: the start of the JSON
// object holding the text, `{"text":"…",`, kept with the cached text both as it is and
// deflate-compressed once, and the rest of the object (the reader's review, annotations and
// regions), compressed per request when it is large enough to be worth it. A deflate stream may be cut after a sync flush, which
// ends on a byte boundary without ending the stream, and continued by another compressor:
// the second part only refers back within itself. The gzip member around them carries the
// CRC-32 and length of the whole.

// textSegment is the cacheable start of an article's JSON answer.
type textSegment struct {
	raw  []byte // {"text":"…",
	defl []byte // raw deflate of raw, ended by a sync flush
}

func newTextSegment(text string) *textSegment {
	quoted, _ := json.Marshal(text) // escaped as gin escapes every other field
	raw := make([]byte, 0, len(quoted)+10)
	raw = append(append(append(raw, `{"text":`...), quoted...), ',')
	var buf bytes.Buffer
	w := segmentWriters.Get().(*flate.Writer)
	w.Reset(&buf)
	w.Write(raw)
	w.Flush()
	segmentWriters.Put(w)
	return &textSegment{raw: raw, defl: buf.Bytes()}
}

// segmentWriters keeps the compressors of the texts' segments. Each text is compressed once
// per cache entry, at a better level than the per-request rest; but a compressor at that
// level is a large allocation that the runtime zeroes, and allocating one per article showed
// in the load harness's read profile (an article's first read), so they are reused.
var segmentWriters = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, flate.DefaultCompression)
	return w
}}

// segment returns the cached JSON start of the article's answer, building it on first use.
func (t *cachedText) segment() *textSegment {
	t.segOnce.Do(func() { t.seg = newTextSegment(t.text.String()) })
	return t.seg
}

// storeRestUpTo is the largest rest of an answer sent stored rather than compressed: a
// reviewer's own few annotations and the regions are a few hundred bytes, where compressing
// costs both ends more (building Huffman tables) than the bytes it saves.
const storeRestUpTo = 2048 // a stored block holds at most 65,535 bytes

var restWriters = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, flate.BestSpeed)
	return w
}}

// writeArticleJSON answers 200 with seg followed by the JSON object rest without its opening
// brace, gzip-compressed if the client accepts it.
func writeArticleJSON(c *gin.Context, seg *textSegment, rest []byte) {
	rest = rest[1:] // "{"
	h := c.Writer.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	if !acceptsGzip(c.Request.Header.Get("Accept-Encoding")) {
		h.Set("Content-Length", strconv.Itoa(len(seg.raw)+len(rest)))
		c.Status(http.StatusOK)
		c.Writer.Write(seg.raw)
		c.Writer.Write(rest)
		return
	}
	var out bytes.Buffer
	out.Grow(len(seg.defl) + len(rest)/2 + 64)
	out.Write([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}) // gzip member: deflate, no name, no time, unknown OS
	out.Write(seg.defl)
	if len(rest) <= storeRestUpTo {
		// One final stored block: its header byte, LEN and NLEN, and the bytes as they are.
		out.Write([]byte{1, byte(len(rest)), byte(len(rest) >> 8), ^byte(len(rest)), ^byte(len(rest) >> 8)})
		out.Write(rest)
	} else {
		w := restWriters.Get().(*flate.Writer)
		w.Reset(&out)
		w.Write(rest)
		w.Close()
		restWriters.Put(w)
	}
	var trailer [8]byte
	binary.LittleEndian.PutUint32(trailer[:4], crc32.Update(crc32.ChecksumIEEE(seg.raw), crc32.IEEETable, rest))
	binary.LittleEndian.PutUint32(trailer[4:], uint32(len(seg.raw)+len(rest)))
	out.Write(trailer[:])
	h.Set("Content-Encoding", "gzip")                                              // the compression middleware leaves encoded answers alone
	if !strings.Contains(strings.Join(h.Values("Vary"), ","), "Accept-Encoding") { // the middleware sets it
		h.Add("Vary", "Accept-Encoding")
	}
	h.Set("Content-Length", strconv.Itoa(out.Len()))
	c.Status(http.StatusOK)
	c.Writer.Write(out.Bytes())
}

// acceptsGzip reads an Accept-Encoding header: gzip is accepted when listed (or covered by
// "*") with a quality above zero.
func acceptsGzip(header string) bool {
	gzipQ, starQ := -1.0, -1.0
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				} else {
					q = 0
				}
			}
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "gzip", "x-gzip":
			gzipQ = max(gzipQ, q)
		case "*":
			starQ = max(starQ, q)
		}
	}
	if gzipQ >= 0 {
		return gzipQ > 0
	}
	return starQ > 0
}
