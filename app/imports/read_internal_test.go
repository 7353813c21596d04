package imports

import (
	"bytes"
	"strings"
	"testing"
)

// TestReadCappedAtTheLimit: a body of exactly max bytes is kept whole; one byte more is too
// large, whether it ends inside a chunk or just after one.
func TestReadCappedAtTheLimit(t *testing.T) {
	for _, c := range []struct {
		size, max int64
		too       bool
	}{
		{0, 10, false}, {10, 10, false}, {11, 10, true},
		{1 << 20, 1 << 20, false}, {1<<20 + 1, 1 << 20, true}, {3 << 20, 2 << 20, true}, {2<<20 - 1, 2 << 20, false},
	} {
		body := strings.Repeat("x", int(c.size))
		b, too, err := readCapped(strings.NewReader(body), c.max)
		if err != nil || too != c.too || (!too && !bytes.Equal(b, []byte(body))) || (too && b != nil) {
			t.Errorf("size %d max %d: %d bytes, too %v, %v", c.size, c.max, len(b), too, err)
		}
	}
}
