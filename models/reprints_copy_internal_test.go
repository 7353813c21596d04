package models

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/jackc/pgx/v5/pgtype"
)

// TestCopyBandsEncodingIsPgx: the hand-written binary COPY stream of appendBandsCopy carries
// each key and article id as pgx's own binary encoding of a BIGINT (pgtype), framed as
// PostgreSQL's documentation of COPY's binary format says: the signature, flags and header
// extension length, a field count and a length before each field, and -1 to end.
func TestCopyBandsEncodingIsPgx(t *testing.T) {
	m := pgtype.NewMap()
	r := rand.New(rand.NewPCG(7, 8))
	bands := []band{{0, 1}, {math.MinInt64, math.MaxInt64}, {math.MaxInt64, 2}, {-1, 3}, {1, -1}}
	for range 100 {
		bands = append(bands, band{int64(r.Uint64()), r.Int64N(1 << 40)})
	}
	var want bytes.Buffer
	want.WriteString("PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00")
	for _, b := range bands {
		want.Write([]byte{0, 2})
		for _, v := range []int64{b.hash, b.article} {
			enc, err := m.Encode(pgtype.Int8OID, pgtype.BinaryFormatCode, v, nil)
			if err != nil {
				t.Fatal(err)
			}
			want.Write(binary.BigEndian.AppendUint32(nil, uint32(len(enc))))
			want.Write(enc)
		}
	}
	want.Write([]byte{0xff, 0xff})
	got := appendBandsCopy(nil, bands)
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("COPY stream of %d bands: %d bytes differ from pgx's encoding (%d bytes)", len(bands), len(got), want.Len())
	}
	if len(got) != copyHeaderLen+len(bands)*copyRowLen+2 {
		t.Fatalf("COPY stream of %d bands is %d bytes, sized for %d", len(bands), len(got), copyHeaderLen+len(bands)*copyRowLen+2)
	}
}
