package models

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"

	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"
)

// Writing a batch's keys by COPY on PostgreSQL. COPY inserts the heap rows of reprint_bands
// many to a page and WAL record (heap_multi_insert) where INSERT … SELECT FROM unnest writes
// one heap tuple and one WAL record a row: the server spent 0.55-0.69 CPU-s instead of
// 0.88-0.92 on the 329,000 keys of a 2,000-article import, 10 batches into a table with its
// primary key (BENCHMARKS.md, eighth round). The index's entries cost the same either way.
// COPY knows no ON CONFLICT, so only keys of articles made in the transaction at hand go
// this way (insertReprintKeys without onConflict), in a transaction begun on a connection
// held for it (inTxOnConn), whose driver connection COPY needs.

// copyConnKey is the context key of the *sql.Conn a transaction of inTxOnConn runs on.
type copyConnKey struct{}

// inTxOnConn is inTx on PostgreSQL for a transaction that may write keys by COPY: it runs on
// a connection taken from the pool for it, named in the context of tx, where
// insertReprintKeys finds it. On SQLite it is inTx.
func (s *Store) inTxOnConn(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if s.dialect != "postgres" {
		return s.inTx(ctx, fn)
	}
	return s.storage.note(s.db.WithContext(ctx).Connection(func(c *gorm.DB) error {
		conn, ok := c.Statement.ConnPool.(*sql.Conn)
		if !ok {
			return c.Transaction(fn)
		}
		return c.WithContext(context.WithValue(ctx, copyConnKey{}, conn)).Transaction(fn)
	}))
}

// writeBands stores bands in reprint_bands in the transaction tx on PostgreSQL: by COPY when
// tx runs on a connection of inTxOnConn and no row can be there already (!onConflict), else
// as arrays unnested by one statement per reprintRows keys (gorm would spell a slice
// parameter out as a list: the statements go to the transaction's connection itself, where
// pgx sends a []int64 as one BIGINT[]).
func writeBands(tx *gorm.DB, bands []band, onConflict bool) error {
	ctx := tx.Statement.Context
	if conn, ok := ctx.Value(copyConnKey{}).(*sql.Conn); ok && !onConflict {
		return copyBands(ctx, conn, bands)
	}
	conn := tx.Statement.ConnPool
	suffix := ""
	if onConflict {
		suffix = " ON CONFLICT DO NOTHING"
	}
	hashes, owners := make([]int64, 0, min(len(bands), reprintRows)), make([]int64, 0, min(len(bands), reprintRows))
	for i := 0; i < len(bands); i += reprintRows {
		hashes, owners = hashes[:0], owners[:0]
		for _, b := range bands[i:min(i+reprintRows, len(bands))] {
			hashes, owners = append(hashes, b.hash), append(owners, b.article)
		}
		if _, err := conn.ExecContext(ctx, "INSERT INTO reprint_bands (band_hash, article_id) SELECT * FROM unnest($1::bigint[], $2::bigint[])"+suffix, hashes, owners); err != nil {
			return err
		}
	}
	return nil
}

// copyBands sends bands by COPY … FROM STDIN in the binary format, on conn's driver
// connection, inside the transaction that runs on it.
func copyBands(ctx context.Context, conn *sql.Conn, bands []band) error {
	if len(bands) == 0 {
		return nil
	}
	stream := appendBandsCopy(make([]byte, 0, copyHeaderLen+len(bands)*copyRowLen+2), bands)
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("copy keys: not a pgx connection: %T", dc)
		}
		tag, err := sc.Conn().PgConn().CopyFrom(ctx, bytes.NewReader(stream), "COPY reprint_bands (band_hash, article_id) FROM STDIN (FORMAT binary)")
		if err == nil && tag.RowsAffected() != int64(len(bands)) {
			err = fmt.Errorf("copy keys: %d rows of %d stored", tag.RowsAffected(), len(bands))
		}
		return err
	})
}

// The binary COPY format (PostgreSQL's documentation, "COPY", "Binary Format"): a signature,
// a flags field and a header extension length, then each row as its field count and each
// field as its length and its bytes (a BIGINT: 8 bytes, big-endian two's complement), and a
// field count of -1 to end. Written by hand rather than through pgx.CopyFrom, which takes
// each row as a []any and encodes each value through its type map: a 2,000-article import's
// 329,000 rows took the client 0.085 CPU-s that way and 0.024-0.031 s this way (measured,
// BENCHMARKS.md eighth round); TestCopyBandsEncodingIsPgx checks the bytes against pgx's.
const (
	copySignature = "PGCOPY\n\xff\r\n\x00"
	copyHeaderLen = len(copySignature) + 8
	copyRowLen    = 2 + 2*(4+8)
)

func appendBandsCopy(dst []byte, bands []band) []byte {
	dst = append(dst, copySignature...)
	dst = binary.BigEndian.AppendUint32(dst, 0) // flags
	dst = binary.BigEndian.AppendUint32(dst, 0) // header extension length
	for _, b := range bands {
		dst = binary.BigEndian.AppendUint16(dst, 2)
		dst = binary.BigEndian.AppendUint32(dst, 8)
		dst = binary.BigEndian.AppendUint64(dst, uint64(b.hash))
		dst = binary.BigEndian.AppendUint32(dst, 8)
		dst = binary.BigEndian.AppendUint64(dst, uint64(b.article))
	}
	return binary.BigEndian.AppendUint16(dst, 0xffff)
}
