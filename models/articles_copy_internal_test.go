package models

import (
	"bytes"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// TestArticlesCopyEncodingIsPgx: the TIMESTAMPTZs of the articles' COPY stream are pgx's own
// binary encoding of the time (what gorm's INSERT sent), before and after 2000 and 1970,
// with nanoseconds below a microsecond and in other zones.
func TestArticlesCopyEncodingIsPgx(t *testing.T) {
	m := pgtype.NewMap()
	for _, tm := range []time.Time{
		time.Date(2026, 12, 2, 6, 0, 0, 123456789, time.UTC),
		time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(1969, 7, 20, 20, 17, 40, 500, time.FixedZone("x", -5*3600)),
		time.Date(2026, 3, 4, 5, 6, 7, 891234567, time.FixedZone("y", 3600)),
	} {
		want, err := m.Encode(pgtype.TimestamptzOID, pgtype.BinaryFormatCode, tm, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := appendTimestamptz(nil, tm)
		if !bytes.Equal(got[4:], want) || len(want) != 8 {
			t.Fatalf("%v: % x, pgx % x", tm, got[4:], want)
		}
	}
}
