package models

import (
	"bytes"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"
)

// Storing an import's new articles by COPY on PostgreSQL. gorm's multi-row INSERT of 200
// articles binds some 2,400 parameters through reflection and pgx's type map, each text
// copied into the parameter buffer and again into the Bind message, both grown from small for
// every statement: about 92 MB allocated for the 8 MB of text of a 2,000-article import
// (BENCHMARKS.md, ninth round). Here the ids are taken from the articles' sequence first, in
// ascending order as the INSERT's rows take them, and the rows go by one binary COPY written
// into one buffer sized for it. What is stored is what gorm stored
// (TestArticlesByCopyStoreWhatGormStored): the same columns and values, the creation time set
// once for the call where the article has none (gorm: its NowFunc once a statement), a
// revision of 0 stored as 1 (the field's gorm default), and the struct given them and its id.

// insertArticles stores arts in the transaction tx and sets their ids (and CreatedAt and
// Revision where zero): by COPY when tx runs on a connection of inTxOnConn, else by gorm.
func (s *Store) insertArticles(tx *gorm.DB, arts []*Article) error {
	ctx := tx.Statement.Context
	conn, ok := ctx.Value(copyConnKey{}).(*sql.Conn)
	if !ok || s.gormInserts {
		return tx.Omit("OutletName").CreateInBatches(arts, 200).Error
	}
	ids := make([]int64, 0, len(arts))
	if err := tx.Raw("SELECT nextval(pg_get_serial_sequence('articles', 'id')) FROM generate_series(1, ?)", len(arts)).Scan(&ids).Error; err != nil {
		return fmt.Errorf("article ids: %w", err)
	}
	if len(ids) != len(arts) {
		return fmt.Errorf("article ids: %d of %d", len(ids), len(arts))
	}
	slices.Sort(ids)
	now := tx.Statement.DB.NowFunc()
	for i, a := range arts {
		a.ID = ids[i]
		if a.CreatedAt.IsZero() {
			a.CreatedAt = now
		}
		if a.Revision == 0 {
			a.Revision = 1
		}
	}
	stream, err := appendArticlesCopy(nil, arts)
	if err != nil {
		return err
	}
	err = conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("copy articles: not a pgx connection: %T", dc)
		}
		tag, err := sc.Conn().PgConn().CopyFrom(ctx, bytes.NewReader(stream), articlesCopySQL)
		if err == nil && tag.RowsAffected() != int64(len(arts)) {
			err = fmt.Errorf("copy articles: %d rows of %d stored", tag.RowsAffected(), len(arts))
		}
		return err
	})
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return fmt.Errorf("%w: %s", gorm.ErrDuplicatedKey, pe.Message)
	}
	return err
}

const articlesCopySQL = "COPY articles (id, outlet_id, title, url, author, published_at, text, text_sha256, text_length, data_version, revision, created_at) FROM STDIN (FORMAT binary)"

// articleRowOverhead is a row's bytes beside its strings: the field count, twelve lengths,
// three BIGINTs, two TIMESTAMPTZs and three INTEGERs.
const articleRowOverhead = 2 + 12*4 + 3*8 + 2*8 + 3*4

// appendArticlesCopy writes arts as COPY's binary format (see appendBandsCopy) in the
// columns of articlesCopySQL: BIGINT and TIMESTAMPTZ as pgx encodes them, INTEGER
// as 4 bytes big-endian, TEXT as its bytes, a NULL published_at as the length -1.
func appendArticlesCopy(dst []byte, arts []*Article) ([]byte, error) {
	size := copyHeaderLen + 2
	for _, a := range arts {
		size += articleRowOverhead + len(a.Title) + len(a.URL) + len(a.Author) + len(a.Text) + len(a.TextSHA256)
	}
	dst = slices.Grow(dst, size)
	dst = append(dst, copySignature...)
	dst = binary.BigEndian.AppendUint32(dst, 0)
	dst = binary.BigEndian.AppendUint32(dst, 0)
	var err error
	for _, a := range arts {
		dst = binary.BigEndian.AppendUint16(dst, 12)
		dst = appendInt8(dst, a.ID)
		dst = appendInt8(dst, a.OutletID)
		dst = appendText(dst, a.Title)
		dst = appendText(dst, a.URL)
		dst = appendText(dst, a.Author)
		if a.PublishedAt == nil {
			dst = binary.BigEndian.AppendUint32(dst, 0xffffffff)
		} else {
			dst = appendTimestamptz(dst, *a.PublishedAt)
		}
		dst = appendText(dst, a.Text)
		dst = appendText(dst, a.TextSHA256)
		if dst, err = appendInt4(dst, int64(a.TextLength)); err != nil {
			return nil, err
		}
		if dst, err = appendInt4(dst, a.DataVersion); err != nil {
			return nil, err
		}
		if dst, err = appendInt4(dst, int64(a.Revision)); err != nil {
			return nil, err
		}
		dst = appendTimestamptz(dst, a.CreatedAt)
	}
	return binary.BigEndian.AppendUint16(dst, 0xffff), nil
}

func appendInt8(dst []byte, v int64) []byte {
	dst = binary.BigEndian.AppendUint32(dst, 8)
	return binary.BigEndian.AppendUint64(dst, uint64(v))
}

func appendInt4(dst []byte, v int64) ([]byte, error) {
	if v < -1<<31 || v >= 1<<31 {
		return nil, fmt.Errorf("copy articles: %d is out of range for an INTEGER", v)
	}
	dst = binary.BigEndian.AppendUint32(dst, 4)
	return binary.BigEndian.AppendUint32(dst, uint32(int32(v))), nil
}

func appendText(dst []byte, v string) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(v)))
	return append(dst, v...)
}

// microsecondsToY2K is the Unix time of 2000-01-01 00:00 UTC, the epoch of PostgreSQL's
// binary TIMESTAMPTZ, in microseconds.
const microsecondsToY2K = 946684800 * 1000000

// appendTimestamptz writes t as pgx's binary TIMESTAMPTZ (pgtype.TimestamptzCodec): the
// microseconds since 2000-01-01 UTC, the nanoseconds below a microsecond dropped
// (TestArticlesCopyEncodingIsPgx).
func appendTimestamptz(dst []byte, t time.Time) []byte {
	dst = binary.BigEndian.AppendUint32(dst, 8)
	return binary.BigEndian.AppendUint64(dst, uint64(t.Unix()*1000000+int64(t.Nanosecond())/1000-microsecondsToY2K))
}
