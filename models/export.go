package models

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ExportBatch is one keyset page of an annotation export: rows in id order and what the
// crediting of their articles follows. StreamExport reuses its memory from one page to the next.
type ExportBatch struct {
	Rows []ExportRow
	// Credit holds, by article, its regions with every reviewer's decisions and its finished
	// reviewers (RegionsForCredit).
	Credit map[int64]*CreditRegions
}

// exportColumns are the columns StreamExport scans per row. What belongs to the article or the
// reviewer is read once per page instead (exportPeople, exportArticles): every column costs
// the SQLite driver several cgo calls per row.
const exportColumns = `n.id, n.article_id, n.user_id, n.label, n.start_cp, n.end_cp, n.exact, n.prefix, n.suffix, n.note,
	n.source_text, n.source_url, n.status, n.suggestion_rule, n.origin, n.suggestion_model, n.layer, n.created_at, n.updated_at, r.completed_at`

// exportPackedSQLite is the row of exportColumns as one text value on SQLite: each field as
// its length in bytes, ":" and its bytes, "~" for a NULL (see unpackExportRow). Through the
// driver every column costs three cgo calls and a string per row, which made reading the rows
// most of the cost of the export; one column is three calls and one string, which the fields
// then share. Times are their stored text, which sqliteTime parses as the driver would.
var exportPackedSQLite = func() string {
	var parts []string
	for _, c := range []string{"n.id", "n.article_id", "n.user_id", "n.start_cp", "n.end_cp", "n.label", "n.exact", "n.prefix",
		"n.suffix", "n.note", "n.source_text", "n.source_url", "n.status", "n.suggestion_rule", "n.origin", "n.suggestion_model", "n.layer",
		"n.created_at", "n.updated_at"} {
		parts = append(parts, "octet_length("+c+")", "':'", c)
	}
	// concat() renders NULL as nothing: a NULL completion is "~" and no value.
	parts = append(parts, "COALESCE(octet_length(r.completed_at) || ':', '~')", "r.completed_at")
	return "concat(" + strings.Join(parts, ", ") + ")"
}()

// sqlitePacking is whether the linked SQLite has concat() and octet_length() (3.44 and later;
// the driver bundles a newer one unless built against the system's library): 0 not yet
// known, 1 yes, 2 no, when the export reads the plain columns.
var sqlitePacking atomic.Int32

func (s *Store) sqlitePacks(ctx context.Context) bool {
	switch sqlitePacking.Load() {
	case 1:
		return true
	case 2:
		return false
	}
	var v string
	err := s.db.WithContext(ctx).Raw("SELECT concat(octet_length('ab'), ':', 'ab')").Row().Scan(&v)
	if err != nil && !strings.Contains(err.Error(), "no such function") {
		return false // something else went wrong: ask again next time
	}
	if err != nil || v != "2:ab" {
		sqlitePacking.Store(2)
		return false
	}
	sqlitePacking.Store(1)
	return true
}

// exportPackedFields is how many fields exportPackedSQLite packs.
const exportPackedFields = 20

// unpackExportRow splits a value of exportPackedSQLite into r; the strings share v's memory.
func unpackExportRow(v string, r *ExportRow) error {
	var f [exportPackedFields]string
	var null [exportPackedFields]bool
	rest := v
	for i := range f {
		if rest != "" && rest[0] == '~' {
			null[i], rest = true, rest[1:]
			continue
		}
		colon := strings.IndexByte(rest, ':')
		if colon <= 0 {
			return fmt.Errorf("packed export row: field %d of %q", i, v)
		}
		n, err := strconv.Atoi(rest[:colon])
		if err != nil || n < 0 || n > len(rest)-colon-1 {
			return fmt.Errorf("packed export row: field %d of %q", i, v)
		}
		f[i], rest = rest[colon+1:colon+1+n], rest[colon+1+n:]
	}
	if rest != "" {
		return fmt.Errorf("packed export row: %d bytes left over in %q", len(rest), v)
	}
	ints := [5]*int64{&r.ID, &r.ArticleID, &r.UserID}
	var start, end int64
	ints[3], ints[4] = &start, &end
	for i, p := range ints {
		n, err := strconv.ParseInt(f[i], 10, 64)
		if err != nil || null[i] {
			return fmt.Errorf("packed export row: field %d of %q: %v", i, v, err)
		}
		*p = n
	}
	for i := 5; i < 17; i++ {
		if null[i] {
			return fmt.Errorf("packed export row: field %d of %q is null", i, v)
		}
	}
	r.Start, r.End = int(start), int(end)
	r.Label, r.Exact, r.Prefix, r.Suffix, r.Note = f[5], f[6], f[7], f[8], f[9]
	r.SourceText, r.SourceURL, r.Status, r.SuggestionRule = f[10], f[11], f[12], f[13]
	r.Origin, r.SuggestionModel, r.Layer = f[14], f[15], f[16]
	r.CreatedAt, r.UpdatedAt = sqliteTime(f[17]), sqliteTime(f[18])
	r.CompletedAt = nil
	if !null[19] {
		t := sqliteTime(f[19])
		r.CompletedAt = &t
	}
	return nil
}

// exportArticle is what an export row reports about its article.
type exportArticle struct {
	outletID    int64
	url, title  string
	publishedAt *time.Time
}

// StreamExport reads the annotations the filter selects in id order, size at a time by keyset
// pagination on the id, and calls fn with each page (the last one may be short, never empty),
// in order, from the calling goroutine. Pages and their rows are reused: fn must not keep them
// after it returns. Memory is therefore a few pages whatever the size of the export, and each page is one short query, so no read transaction or
// snapshot stays open for the whole export.
//
// On SQLite the queries run without ctx's cancellation: github.com/mattn/go-sqlite3 starts a
// goroutine for every row it returns under a cancellable context, which cost the export more
// than reading the rows. ctx is checked between pages instead, and a page is a few
// milliseconds of work.
func (s *Store) StreamExport(ctx context.Context, f ExportFilter, size int, fn func(*ExportBatch) error) error {
	if size <= 0 {
		return fmt.Errorf("stream export: page size %d", size)
	}
	qctx := ctx
	if s.dialect == "sqlite" {
		qctx = context.WithoutCancel(ctx)
	}
	// Pages are read ahead by exportReaders goroutines while fn writes the current one: a
	// planner finds each page's last id in order (an id-only query, cheap beside reading the
	// rows) and hands the page to a free reader, so the row queries (most of the work) and the
	// encoding share the cores. Memory is exportReaders+1 pages.
	type page struct {
		b   *ExportBatch
		err error
	}
	type job struct {
		after, upTo int64 // the page is (after, upTo]; upTo 0 for the last page
		b           *ExportBatch
		out         chan page
	}
	jobs := make(chan job)
	order := make(chan chan page, exportReaders) // the pages' answers, in page order
	free := make(chan *ExportBatch, exportReaders+1)
	for range exportReaders + 1 {
		free <- &ExportBatch{Rows: make([]ExportRow, 0, size), Credit: map[int64]*CreditRegions{}}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range exportReaders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				err := s.exportPage(qctx, f, j.after, j.upTo, size, j.b)
				if err == nil && len(j.b.Rows) > 0 {
					err = s.creditRegionsInto(qctx, j.b.Rows, j.b.Credit)
				}
				j.out <- page{b: j.b, err: err} // buffered: never waits
			}
		}()
	}
	wg.Add(1)
	go func() { // the planner
		defer wg.Done()
		defer close(order)
		defer close(jobs)
		var after int64
		for {
			var b *ExportBatch
			select {
			case b = <-free:
			case <-stop:
				return
			}
			out := make(chan page, 1)
			select {
			case order <- out:
			case <-stop:
				return
			}
			last, err := int64(0), ctx.Err()
			if err == nil {
				last, err = s.exportBoundary(qctx, f, after, size)
			}
			if err != nil {
				out <- page{err: err}
				return
			}
			select {
			case jobs <- job{after: after, upTo: last, b: b, out: out}:
			case <-stop:
				return
			}
			if last == 0 {
				return
			}
			after = last
		}
	}()
	// Every goroutine has stopped touching the database and the pages when this returns.
	defer func() {
		close(stop)
		for range order {
		}
		wg.Wait()
	}()
	for out := range order {
		p := <-out
		if p.err != nil {
			return p.err
		}
		if len(p.b.Rows) > 0 {
			if err := fn(p.b); err != nil {
				return err
			}
		}
		free <- p.b
	}
	return nil
}

// exportReaders is how many pages of an export are read at once: on two cores, 3 readers
// gave 242–245k rows/s against 195–210k for 2 and no more for 4 (20,000 articles).
const exportReaders = 3

// exportBoundary returns the id of the size-th row after the given id, or 0 if fewer rows
// are left (the next page is the last).
func (s *Store) exportBoundary(ctx context.Context, f ExportFilter, after int64, size int) (int64, error) {
	q := s.db.WithContext(ctx).Table("annotations AS n")
	if len(f.OutletIDs) > 0 || f.From != nil || f.To != nil {
		q = q.Joins("JOIN articles a ON a.id = n.article_id")
	}
	var ids []int64
	err := exportFilters(q, f).Where("n.id > ?", after).Order("n.id").Offset(size-1).Limit(1).Pluck("n.id", &ids).Error
	if err != nil {
		return 0, fmt.Errorf("export annotations after %d: %w", after, err)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	return ids[0], nil
}

// exportPage reads the page after the given id (up to upTo, if not 0) into b.Rows.
func (s *Store) exportPage(ctx context.Context, f ExportFilter, after, upTo int64, size int, b *ExportBatch) error {
	sqlite := s.dialect == "sqlite" && s.sqlitePacks(ctx)
	cols := exportColumns
	if sqlite {
		cols = exportPackedSQLite
	}
	q := s.streamQuery(ctx, f).Select(cols).Where("n.id > ?", after)
	if upTo > 0 {
		q = q.Where("n.id <= ?", upTo)
	}
	rows, err := q.Order("n.id").Limit(size).Rows()
	if err != nil {
		return fmt.Errorf("export annotations after %d: %w", after, err)
	}
	defer rows.Close()
	b.Rows = b.Rows[:0]
	var completed sql.NullTime
	var packed string
	for rows.Next() {
		b.Rows = append(b.Rows, ExportRow{})
		r := &b.Rows[len(b.Rows)-1]
		if sqlite {
			if err := rows.Scan(&packed); err != nil {
				return fmt.Errorf("export annotations after %d: %w", after, err)
			}
			if err := unpackExportRow(packed, r); err != nil {
				return fmt.Errorf("export annotations after %d: %w", after, err)
			}
			continue
		}
		if err := rows.Scan(&r.ID, &r.ArticleID, &r.UserID, &r.Label, &r.Start, &r.End, &r.Exact, &r.Prefix, &r.Suffix, &r.Note,
			&r.SourceText, &r.SourceURL, &r.Status, &r.SuggestionRule, &r.Origin, &r.SuggestionModel, &r.Layer, &r.CreatedAt, &r.UpdatedAt,
			&completed); err != nil {
			return fmt.Errorf("export annotations after %d: %w", after, err)
		}
		if completed.Valid {
			t := completed.Time
			r.CompletedAt = &t
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("export annotations after %d: %w", after, err)
	}
	if len(b.Rows) == 0 {
		return nil
	}
	articles, err := s.exportArticles(ctx, b.Rows)
	if err != nil {
		return err
	}
	names, err := s.exportPeople(ctx, b.Rows)
	if err != nil {
		return err
	}
	for i := range b.Rows {
		r := &b.Rows[i]
		a := articles[r.ArticleID] // always there: the page query joins the article
		r.ArticleOutletID, r.ArticleURL, r.ArticleTitle, r.PublishedAt = a.outletID, a.url, a.title, a.publishedAt
		r.UserName = names[r.UserID] // "" for a deleted account, as COALESCE(u.name, '') had it
	}
	return nil
}

// distinct returns the distinct values of key over rows, in first-seen order.
func distinct(rows []ExportRow, key func(*ExportRow) int64) []int64 {
	seen := make(map[int64]struct{}, 64)
	var out []int64
	for i := range rows {
		k := key(&rows[i])
		if _, ok := seen[k]; !ok {
			seen[k] = struct{}{}
			out = append(out, k)
		}
	}
	return out
}

// exportArticles reads the publisher, address, title and date of the rows' articles.
func (s *Store) exportArticles(ctx context.Context, rows []ExportRow) (map[int64]exportArticle, error) {
	ids := distinct(rows, func(r *ExportRow) int64 { return r.ArticleID })
	out := make(map[int64]exportArticle, len(ids))
	for chunk := range batchesOf(ids, 500) {
		rs, err := s.db.WithContext(ctx).Table("articles").Select("id, outlet_id, url, title, published_at").
			Where("id IN ?", chunk).Rows()
		if err != nil {
			return nil, fmt.Errorf("export articles: %w", err)
		}
		for rs.Next() {
			var id int64
			var a exportArticle
			var published sql.NullTime
			if err := rs.Scan(&id, &a.outletID, &a.url, &a.title, &published); err != nil {
				rs.Close()
				return nil, fmt.Errorf("export articles: %w", err)
			}
			if published.Valid {
				t := published.Time
				a.publishedAt = &t
			}
			out[id] = a
		}
		err = rs.Err()
		rs.Close()
		if err != nil {
			return nil, fmt.Errorf("export articles: %w", err)
		}
	}
	return out, nil
}

// exportPeople reads the names of the rows' reviewers.
func (s *Store) exportPeople(ctx context.Context, rows []ExportRow) (map[int64]string, error) {
	ids := distinct(rows, func(r *ExportRow) int64 { return r.UserID })
	out := make(map[int64]string, len(ids))
	for chunk := range batchesOf(ids, 500) {
		rs, err := s.db.WithContext(ctx).Table("users").Select("id, name").Where("id IN ?", chunk).Rows()
		if err != nil {
			return nil, fmt.Errorf("export reviewers: %w", err)
		}
		for rs.Next() {
			var id int64
			var name sql.NullString
			if err := rs.Scan(&id, &name); err != nil {
				rs.Close()
				return nil, fmt.Errorf("export reviewers: %w", err)
			}
			out[id] = name.String
		}
		err = rs.Err()
		rs.Close()
		if err != nil {
			return nil, fmt.Errorf("export reviewers: %w", err)
		}
	}
	return out, nil
}

// creditRegionsInto replaces the content of out with what the crediting rule needs of the
// rows' articles (RegionsForCredit).
func (s *Store) creditRegionsInto(ctx context.Context, rows []ExportRow, out map[int64]*CreditRegions) error {
	clear(out)
	got, err := s.RegionsForCredit(ctx, distinct(rows, func(r *ExportRow) int64 { return r.ArticleID }))
	if err != nil {
		return err
	}
	maps.Copy(out, got)
	return nil
}

// sqliteTime parses a DATETIME column's text as github.com/mattn/go-sqlite3 does for a column
// declared DATETIME (with no _loc in the DSN, which Open never sets): a trailing "Z" dropped,
// then the first of sqlite3.SQLiteTimestampFormats that parses, in UTC; an integer is Unix
// seconds or, beyond 1e12, milliseconds; anything else the zero time. The layout the driver
// writes, "2006-01-02 15:04:05.999999999-07:00", is parsed by hand.
func sqliteTime(s string) time.Time {
	if t, ok := parseStoredTime(s); ok {
		return t
	}
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		if v > 1e12 || v < -1e12 {
			return time.Unix(0, v*int64(time.Millisecond)).UTC()
		}
		return time.Unix(v, 0).UTC()
	}
	s = strings.TrimSuffix(s, "Z")
	for _, layout := range sqliteTimeLayouts {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t
		}
	}
	return time.Time{}
}

// sqliteTimeLayouts is sqlite3.SQLiteTimestampFormats (v1.14).
var sqliteTimeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02",
}

// parseStoredTime parses "2006-01-02 15:04:05[.fffffffff]-07:00" exactly, reporting false for
// anything else (including out-of-range fields), which sqliteTime then hands to time.Parse.
func parseStoredTime(s string) (time.Time, bool) {
	if len(s) < len("2006-01-02 15:04:05-07:00") || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	num := func(s string) (int, bool) {
		n := 0
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	year, ok1 := num(s[0:4])
	month, ok2 := num(s[5:7])
	day, ok3 := num(s[8:10])
	hour, ok4 := num(s[11:13])
	minute, ok5 := num(s[14:16])
	sec, ok6 := num(s[17:19])
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 {
		return time.Time{}, false
	}
	rest := s[19:]
	nsec := 0
	if rest[0] == '.' {
		i := 1
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		digits := rest[1:i]
		if len(digits) == 0 || len(digits) > 9 {
			return time.Time{}, false
		}
		nsec, _ = num(digits)
		for range 9 - len(digits) {
			nsec *= 10
		}
		rest = rest[i:]
	}
	if len(rest) != 6 || (rest[0] != '+' && rest[0] != '-') || rest[3] != ':' {
		return time.Time{}, false
	}
	oh, ok1 := num(rest[1:3])
	om, ok2 := num(rest[4:6])
	if !ok1 || !ok2 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || sec > 59 || oh > 23 || om > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if t.Day() != day { // the day does not exist in that month: time.Parse refuses it
		return time.Time{}, false
	}
	if off := (oh*60 + om) * 60; off != 0 {
		if rest[0] == '-' {
			off = -off
		}
		// time.ParseInLocation gives the instant in a fixed zone of that offset; the export
		// only uses the instant (it writes these times in UTC).
		t = t.Add(-time.Duration(off) * time.Second).In(time.FixedZone("", off))
	}
	return t, true
}
