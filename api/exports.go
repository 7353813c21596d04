package api

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/annotate/score"
	"github.com/credence-project/credence/models"
)

// webAnnoContext is the JSON-LD context of the W3C Web Annotation Data Model.
const webAnnoContext = "http://www.w3.org/ns/anno.jsonld"

// exportQuery is the parsed query of the annotation export.
type exportQuery struct {
	format string
	filter models.ExportFilter
}

func parseExportQuery(c *gin.Context) (exportQuery, error) {
	var q exportQuery
	var err error
	if q.format, err = parseFormat(c, "jsonl", "jsonl", "csv", "jsonld"); err != nil {
		return q, err
	}
	if q.filter.OutletIDs, err = parseIDList(c, "outlet_id"); err != nil {
		return q, err
	}
	d, err := parseDates(c)
	if err != nil {
		return q, err
	}
	if !d.From.IsZero() {
		q.filter.From = &d.From
	}
	if !d.To.IsZero() {
		q.filter.To = &d.To
	}
	if l := c.Query("label"); l != "" {
		if !score.Label(l).Valid() {
			return q, fieldErr(CodeBadRequest, "label", "label must be one of sourced_fact, speculation, opinion, loaded_language, not %q", l)
		}
		q.filter.Label = l
	}
	if q.filter.UserID, err = queryID(c, "user_id"); err != nil {
		return q, err
	}
	return q, nil
}

// creditPiece is a part of an annotated passage credited to one owner.
type creditPiece struct {
	Start    int    `json:"start"`
	End      int    `json:"end"`
	OutletID *int64 `json:"outlet_id"`
	// Excluded says why a piece counts for no outlet: "comments" (readers' comments) or
	// "unattributed_quote" (a quote of unknown origin).
	Excluded string `json:"excluded,omitempty"`
}

// exportRecord is one annotation in the JSONL and CSV exports.
type exportRecord struct {
	ID        int64 `json:"id"`
	ArticleID int64 `json:"article_id"`
	// OutletID is the article's publisher; CreditedOutletID the outlet credited with most of
	// the passage after regions (null when that part is comments or an unattributed quote), and
	// Credits every piece of the passage with its owner.
	OutletID          int64         `json:"outlet_id"`
	CreditedOutletID  *int64        `json:"credited_outlet_id"`
	Credits           []creditPiece `json:"credits"`
	UserID            int64         `json:"user_id"`
	User              string        `json:"user"`
	ReviewerCompleted bool          `json:"reviewer_completed"`
	Label             string        `json:"label"`
	Start             int           `json:"start"`
	End               int           `json:"end"`
	Exact             string        `json:"exact"`
	Prefix            string        `json:"prefix"`
	Suffix            string        `json:"suffix"`
	Note              string        `json:"note"`
	SourceText        string        `json:"source_text"`
	SourceURL         string        `json:"source_url"`
	Status            string        `json:"status"`
	SuggestionRule    string        `json:"suggestion_rule"`
	ArticleURL        string        `json:"article_url"`
	ArticleTitle      string        `json:"article_title"`
	PublishedAt       *time.Time    `json:"published_at"`
	CreatedAt         time.Time     `json:"created_at"`
	UpdatedAt         time.Time     `json:"updated_at"`
}

// exportColumn is one CSV column of the annotation export with its Data Package type.
type exportColumn struct {
	name, kind, doc string
	// csv appends the column's CSV field, quoted where encoding/csv would quote it.
	csv func(b []byte, r *exportRecord) []byte
}

func csvInt(b []byte, v int64) []byte { return strconv.AppendInt(b, v, 10) }

func csvOptID(b []byte, id *int64) []byte {
	if id == nil {
		return b
	}
	return strconv.AppendInt(b, *id, 10)
}

// csvTime appends t in UTC as RFC 3339 (whole seconds); nothing for nil.
func csvTime(b []byte, t *time.Time) []byte {
	if t == nil {
		return b
	}
	return t.UTC().AppendFormat(b, time.RFC3339)
}

// csvCredits appends pieces as "start-end:owner" joined by ";", owner an outlet id,
// "comments" or "unattributed_quote": never a character CSV quotes.
func csvCredits(b []byte, ps []creditPiece) []byte {
	for i, p := range ps {
		if i > 0 {
			b = append(b, ';')
		}
		b = strconv.AppendInt(b, int64(p.Start), 10)
		b = append(b, '-')
		b = strconv.AppendInt(b, int64(p.End), 10)
		b = append(b, ':')
		if p.OutletID != nil {
			b = strconv.AppendInt(b, *p.OutletID, 10)
		} else {
			b = append(b, p.Excluded...)
		}
	}
	return b
}

var exportColumns = []exportColumn{
	{"id", "integer", "annotation id", func(b []byte, r *exportRecord) []byte { return csvInt(b, r.ID) }},
	{"article_id", "integer", "article id", func(b []byte, r *exportRecord) []byte { return csvInt(b, r.ArticleID) }},
	{"outlet_id", "integer", "the article's publisher", func(b []byte, r *exportRecord) []byte { return csvInt(b, r.OutletID) }},
	{"credited_outlet_id", "integer", "outlet credited with most of the passage after quote and comments regions; empty for none", func(b []byte, r *exportRecord) []byte { return csvOptID(b, r.CreditedOutletID) }},
	{"credits", "string", "pieces of the passage by owner: start-end:outlet_id|comments|unattributed_quote, separated by ;", func(b []byte, r *exportRecord) []byte { return csvCredits(b, r.Credits) }},
	{"user_id", "integer", "the reviewer", func(b []byte, r *exportRecord) []byte { return csvInt(b, r.UserID) }},
	{"user", "string", "the reviewer's name", func(b []byte, r *exportRecord) []byte { return appendCSVField(b, r.User) }},
	{"reviewer_completed", "boolean", "the reviewer completed the article (only completed reviews count in scores)", func(b []byte, r *exportRecord) []byte { return strconv.AppendBool(b, r.ReviewerCompleted) }},
	{"label", "string", "sourced_fact, speculation, opinion or loaded_language", func(b []byte, r *exportRecord) []byte { return appendCSVField(b, r.Label) }},
	{"start", "integer", "first code point of the passage", func(b []byte, r *exportRecord) []byte { return csvInt(b, int64(r.Start)) }},
	{"end", "integer", "code point after the passage", func(b []byte, r *exportRecord) []byte { return csvInt(b, int64(r.End)) }},
	{"exact", "string", "the passage", func(b []byte, r *exportRecord) []byte { return appendCSVField(b, r.Exact) }},
	{"prefix", "string", "text before the passage", func(b []byte, r *exportRecord) []byte { return appendCSVField(b, r.Prefix) }},
	{"suffix", "string", "text after the passage", func(b []byte, r *exportRecord) []byte { return appendCSVField(b, r.Suffix) }},
	{"note", "string", "the reviewer's note", func(b []byte, r *exportRecord) []byte { return appendCSVField(b, r.Note) }},
	{"source_text", "string", "the source the reviewer named", func(b []byte, r *exportRecord) []byte { return appendCSVField(b, r.SourceText) }},
	{"source_url", "string", "the source's address", func(b []byte, r *exportRecord) []byte { return appendCSVField(b, r.SourceURL) }},
	{"status", "string", "anchored or orphaned", func(b []byte, r *exportRecord) []byte { return appendCSVField(b, r.Status) }},
	{"suggestion_rule", "string", "the machine suggestion the reviewer accepted, if any", func(b []byte, r *exportRecord) []byte { return appendCSVField(b, r.SuggestionRule) }},
	{"article_url", "string", "the article's address", func(b []byte, r *exportRecord) []byte { return appendCSVField(b, r.ArticleURL) }},
	{"article_title", "string", "the article's title", func(b []byte, r *exportRecord) []byte { return appendCSVField(b, r.ArticleTitle) }},
	{"published_at", "datetime", "when the article was published", func(b []byte, r *exportRecord) []byte { return csvTime(b, r.PublishedAt) }},
	{"created_at", "datetime", "when the annotation was made", func(b []byte, r *exportRecord) []byte { return csvTime(b, &r.CreatedAt) }},
	{"updated_at", "datetime", "when the annotation was last changed", func(b []byte, r *exportRecord) []byte { return csvTime(b, &r.UpdatedAt) }},
}

// crediting turns export rows into records, crediting each passage (score.CreditText: the
// crediting rule the scores use) from the article's segments, computed once per article and
// page. Its record, pieces and caches are reused from row to row: a record is valid until the
// next call of fill.
type crediting struct {
	rec      exportRecord
	pieces   []creditPiece
	credited int64
	segments map[int64][]score.CreditSegment // by article, for the current page
	scratch  []score.Region
}

// page starts a new page: segments are cached for one page, whose regions they come from.
func (x *crediting) page() {
	if x.segments == nil {
		x.segments = map[int64][]score.CreditSegment{}
	}
	clear(x.segments)
}

// creditEverything stands for an article's length when crediting: segments are computed
// once per article over [0, creditEverything) and clipped to each passage, which splits a
// passage exactly as crediting an article that ends where the passage ends would (a region is
// clamped to the text either way and owners are decided point by point).
const creditEverything = math.MaxInt

func (x *crediting) segmentsOf(articleID, publisher int64, regions []models.Region) []score.CreditSegment {
	if segs, ok := x.segments[articleID]; ok {
		return segs
	}
	a := score.Article{OutletID: publisher, Length: creditEverything, Regions: x.scratch[:0]}
	for _, r := range regions {
		reg := score.Region{Kind: score.RegionKind(r.Kind), Start: r.Start, End: r.End}
		if r.OriginOutletID != nil {
			reg.OriginOutletID = *r.OriginOutletID
		}
		a.Regions = append(a.Regions, reg)
	}
	x.scratch = a.Regions
	segs := score.CreditText(a)
	x.segments[articleID] = segs
	return segs
}

// fill makes x.rec the record of r: its passage split by owner and the owner of its largest
// piece.
func (x *crediting) fill(r *models.ExportRow, regions []models.Region) *exportRecord {
	x.pieces = x.pieces[:0]
	var main *int64
	largest := 0
	segs := x.segmentsOf(r.ArticleID, r.ArticleOutletID, regions)
	for i := range segs {
		seg := &segs[i]
		lo, hi := max(seg.Start, r.Start), min(seg.End, r.End)
		if lo >= hi {
			continue
		}
		p := creditPiece{Start: lo, End: hi}
		switch {
		case seg.OutletID > 0:
			p.OutletID = &seg.OutletID // the cached segments outlive the record
		case seg.OutletID == 0:
			p.Excluded = "unattributed_quote"
		default:
			p.Excluded = "comments"
		}
		if hi-lo > largest {
			largest = hi - lo
			main = p.OutletID
		}
		x.pieces = append(x.pieces, p)
	}
	var credits []creditPiece // nil for an empty passage, as the JSON has always had it
	if len(x.pieces) > 0 {
		credits = x.pieces
	}
	var credited *int64
	if main != nil {
		x.credited = *main
		credited = &x.credited
	}
	x.rec = exportRecord{
		ID: r.ID, ArticleID: r.ArticleID, OutletID: r.ArticleOutletID, CreditedOutletID: credited, Credits: credits,
		UserID: r.UserID, User: r.UserName, ReviewerCompleted: r.CompletedAt != nil,
		Label: r.Label, Start: r.Start, End: r.End, Exact: r.Exact, Prefix: r.Prefix, Suffix: r.Suffix,
		Note: r.Note, SourceText: r.SourceText, SourceURL: r.SourceURL, Status: r.Status, SuggestionRule: r.SuggestionRule,
		ArticleURL: r.ArticleURL, ArticleTitle: r.ArticleTitle, PublishedAt: r.PublishedAt,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
	return &x.rec
}

// baseURL is the service's own address as the client reached it.
func baseURL(c *gin.Context) string {
	scheme := "http"
	if c.Request.TLS != nil || c.GetHeader("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host
}

// exportWriter writes records in one format.
type exportWriter interface {
	begin(total int64) error
	write(r *exportRecord) error
	end() error
}

// exportBatch is how many annotations an export reads with one query; exportFlushRows how
// many it writes between flushes to the client. The export holds one batch in memory
// whatever its size.
var (
	exportBatch     = 5000
	exportFlushRows = 1000
)

// exportAnnotations answers GET /api/v1/exports/annotations. It pages through the
// annotations by id, exportBatch at a time (models.Store.StreamExport), and writes each page
// before reading the next, flushing every exportFlushRows rows, so memory stays constant
// whatever the size of the export and the download starts at once.
func (s *Server) exportAnnotations(c *gin.Context) error {
	q, err := parseExportQuery(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	var total int64
	if q.format == "jsonld" {
		if total, err = s.store.CountExportAnnotations(ctx, q.filter); err != nil {
			return err
		}
	}

	bw := bufio.NewWriterSize(c.Writer, 64<<10)
	var w exportWriter
	started := false
	start := func() {
		started = true
		switch q.format {
		case "csv":
			startCSV(c, "annotations.csv")
			w = &csvExport{w: bw}
		case "jsonld":
			c.Header("Content-Type", `application/ld+json; profile="`+webAnnoContext+`"`)
			c.Header("Content-Disposition", `attachment; filename="annotations.jsonld"`)
			c.Status(http.StatusOK)
			w = &jsonldExport{w: bw, base: baseURL(c), self: baseURL(c) + c.Request.URL.RequestURI()}
		default:
			c.Header("Content-Type", "application/x-ndjson; charset=utf-8")
			c.Header("Content-Disposition", `attachment; filename="annotations.jsonl"`)
			c.Status(http.StatusOK)
			w = &jsonlExport{w: bw}
		}
	}
	// Once the status is out, a failure can only cut the response short: the client sees an
	// incomplete transfer rather than a complete-looking file.
	abort := func(err error) {
		s.log.Error("export failed", "err", err, "request_id", c.GetString(ctxRequestID))
		panic(http.ErrAbortHandler)
	}
	flush := func() error {
		if err := bw.Flush(); err != nil {
			return err
		}
		c.Writer.Flush()
		return nil
	}
	var cr crediting
	err = s.store.StreamExport(ctx, q.filter, exportBatch, func(b *models.ExportBatch) error {
		if !started {
			// The status waits for the first page: a failing first query is still an error
			// response.
			start()
			if err := w.begin(total); err != nil {
				return err
			}
		}
		cr.page()
		for i := range b.Rows {
			r := &b.Rows[i]
			if err := w.write(cr.fill(r, b.Regions[r.ArticleID])); err != nil {
				return err
			}
			if (i+1)%exportFlushRows == 0 {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		return flush()
	})
	if err != nil {
		if !started {
			return err
		}
		abort(err)
	}
	if !started {
		start()
		if err := w.begin(total); err != nil {
			abort(err)
		}
	}
	if err := w.end(); err != nil {
		abort(err)
	}
	if err := flush(); err != nil {
		abort(err)
	}
	return nil
}

// jsonlExport writes one JSON object per line, byte for byte what encoding/json's Encoder
// writes for an exportRecord (appendJSONL), without its reflection and allocations.
type jsonlExport struct {
	w   *bufio.Writer
	buf []byte
}

func (e *jsonlExport) begin(int64) error { return nil }

func (e *jsonlExport) write(r *exportRecord) error {
	var err error
	if e.buf, err = appendJSONL(e.buf[:0], r); err != nil {
		return err
	}
	_, err = e.w.Write(e.buf)
	return err
}

func (e *jsonlExport) end() error { return nil }

// csvExport writes the exportColumns as encoding/csv would (comma-separated, "\n" line
// ends, a field quoted when it holds a comma, quote or line break, starts with a space or
// is `\.`).
type csvExport struct {
	w   *bufio.Writer
	buf []byte
}

func (e *csvExport) begin(int64) error {
	b := e.buf[:0]
	for i, col := range exportColumns {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendCSVField(b, col.name)
	}
	e.buf = append(b, '\n')
	_, err := e.w.Write(e.buf)
	return err
}

func (e *csvExport) write(r *exportRecord) error {
	b := e.buf[:0]
	for i, col := range exportColumns {
		if i > 0 {
			b = append(b, ',')
		}
		b = col.csv(b, r)
	}
	e.buf = append(b, '\n')
	_, err := e.w.Write(e.buf)
	return err
}

func (e *csvExport) end() error { return nil }

// appendCSVField appends one CSV field, quoted as encoding/csv's Writer quotes it.
func appendCSVField(b []byte, field string) []byte {
	if !csvNeedsQuotes(field) {
		return append(b, field...)
	}
	b = append(b, '"')
	for i := 0; i < len(field); i++ {
		if field[i] == '"' {
			b = append(b, field[:i+1]...)
			b = append(b, '"')
			field = field[i+1:]
			i = -1
		}
	}
	b = append(b, field...)
	return append(b, '"')
}

// csvNeedsQuotes is encoding/csv's Writer.fieldNeedsQuotes for a comma separator.
func csvNeedsQuotes(field string) bool {
	if field == "" {
		return false
	}
	if field == `\.` {
		return true
	}
	for i := 0; i < len(field); i++ {
		switch field[i] {
		case '\n', '\r', '"', ',':
			return true
		}
	}
	r1, _ := utf8.DecodeRuneInString(field)
	return unicode.IsSpace(r1)
}

// appendJSONL appends r as one line of JSON, exactly as json.NewEncoder(w).Encode(r) writes
// it (field order, null for nil pointers and slices, omitempty excluded, HTML-safe string
// escaping, RFC 3339 times with nanoseconds).
func appendJSONL(b []byte, r *exportRecord) ([]byte, error) {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, r.ID, 10)
	b = append(b, `,"article_id":`...)
	b = strconv.AppendInt(b, r.ArticleID, 10)
	b = append(b, `,"outlet_id":`...)
	b = strconv.AppendInt(b, r.OutletID, 10)
	b = append(b, `,"credited_outlet_id":`...)
	b = appendJSONOptID(b, r.CreditedOutletID)
	b = append(b, `,"credits":`...)
	if r.Credits == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, p := range r.Credits {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"start":`...)
			b = strconv.AppendInt(b, int64(p.Start), 10)
			b = append(b, `,"end":`...)
			b = strconv.AppendInt(b, int64(p.End), 10)
			b = append(b, `,"outlet_id":`...)
			b = appendJSONOptID(b, p.OutletID)
			if p.Excluded != "" {
				b = append(b, `,"excluded":`...)
				b = appendJSONString(b, p.Excluded)
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"user_id":`...)
	b = strconv.AppendInt(b, r.UserID, 10)
	b = append(b, `,"user":`...)
	b = appendJSONString(b, r.User)
	b = append(b, `,"reviewer_completed":`...)
	b = strconv.AppendBool(b, r.ReviewerCompleted)
	b = append(b, `,"label":`...)
	b = appendJSONString(b, r.Label)
	b = append(b, `,"start":`...)
	b = strconv.AppendInt(b, int64(r.Start), 10)
	b = append(b, `,"end":`...)
	b = strconv.AppendInt(b, int64(r.End), 10)
	for _, f := range [...]struct {
		key string
		v   string
	}{
		{`,"exact":`, r.Exact}, {`,"prefix":`, r.Prefix}, {`,"suffix":`, r.Suffix}, {`,"note":`, r.Note},
		{`,"source_text":`, r.SourceText}, {`,"source_url":`, r.SourceURL}, {`,"status":`, r.Status},
		{`,"suggestion_rule":`, r.SuggestionRule}, {`,"article_url":`, r.ArticleURL}, {`,"article_title":`, r.ArticleTitle},
	} {
		b = append(b, f.key...)
		b = appendJSONString(b, f.v)
	}
	var err error
	b = append(b, `,"published_at":`...)
	if r.PublishedAt == nil {
		b = append(b, "null"...)
	} else if b, err = appendJSONTime(b, *r.PublishedAt); err != nil {
		return b, err
	}
	b = append(b, `,"created_at":`...)
	if b, err = appendJSONTime(b, r.CreatedAt); err != nil {
		return b, err
	}
	b = append(b, `,"updated_at":`...)
	if b, err = appendJSONTime(b, r.UpdatedAt); err != nil {
		return b, err
	}
	return append(b, "}\n"...), nil
}

func appendJSONOptID(b []byte, id *int64) []byte {
	if id == nil {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, *id, 10)
}

// appendJSONTime appends t as time.Time's MarshalJSON does, failing where it fails.
func appendJSONTime(b []byte, t time.Time) ([]byte, error) {
	if y := t.Year(); y < 0 || y > 9999 {
		return b, fmt.Errorf("json: time %v: year outside of range [0,9999]", t)
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), nil
}

const jsonHex = "0123456789abcdef"

// appendJSONString appends s as a JSON string as encoding/json does with HTML escaping on
// (its default): ", \\ and control characters escaped, <, > and & as \u003c, \u003e and
// \u0026, U+2028 and U+2029 escaped, invalid UTF-8 replaced by \ufffd.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', jsonHex[c>>4], jsonHex[c&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', jsonHex[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// jsonldExport writes a W3C Web Annotation AnnotationCollection whose first (and only)
// AnnotationPage is embedded and holds every annotation, streamed item by item.
type jsonldExport struct {
	w     io.Writer
	base  string // the service's address: annotation and creator ids live under it
	self  string // this export's address: the collection's id
	count int
}

func (e *jsonldExport) begin(total int64) error {
	head := map[string]any{
		"@context": webAnnoContext, "id": e.self, "type": "AnnotationCollection",
		"label": "Credence annotations", "total": total,
	}
	b, err := json.Marshal(head)
	if err != nil {
		return err
	}
	page, err := json.Marshal(map[string]any{"id": e.self + "#page-1", "type": "AnnotationPage", "partOf": e.self, "startIndex": 0})
	if err != nil {
		return err
	}
	// {...head, "first": {...page, "items": [
	_, err = fmt.Fprintf(e.w, "%s,\"first\":%s,\"items\":[\n", b[:len(b)-1], page[:len(page)-1])
	return err
}

// webAnnotation is one annotation in the Web Annotation Data Model.
type webAnnotation struct {
	ID         string    `json:"id"`
	Type       string    `json:"type"`
	Motivation string    `json:"motivation"`
	Body       []any     `json:"body"`
	Target     waTarget  `json:"target"`
	Creator    waCreator `json:"creator"`
	Created    string    `json:"created"`
	Modified   string    `json:"modified"`
}

type waTarget struct {
	Source   string `json:"source"`
	Selector []any  `json:"selector"`
}

type waCreator struct {
	ID   string `json:"id"`
	Type string `json:"type"`
	Name string `json:"name,omitempty"`
}

type waTextualBody struct {
	Type    string `json:"type"`
	Purpose string `json:"purpose"`
	Value   string `json:"value"`
	Format  string `json:"format"`
}

type waQuoteSelector struct {
	Type   string `json:"type"`
	Exact  string `json:"exact"`
	Prefix string `json:"prefix,omitempty"`
	Suffix string `json:"suffix,omitempty"`
}

type waPositionSelector struct {
	Type  string `json:"type"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

func (e *jsonldExport) write(r *exportRecord) error {
	body := []any{waTextualBody{Type: "TextualBody", Purpose: "tagging", Value: r.Label, Format: "text/plain"}}
	if r.Note != "" {
		body = append(body, waTextualBody{Type: "TextualBody", Purpose: "commenting", Value: r.Note, Format: "text/plain"})
	}
	if r.SourceText != "" {
		body = append(body, waTextualBody{Type: "TextualBody", Purpose: "describing", Value: r.SourceText, Format: "text/plain"})
	}
	if r.SourceURL != "" {
		body = append(body, map[string]string{"type": "SpecificResource", "purpose": "linking", "source": r.SourceURL})
	}
	source := r.ArticleURL
	if source == "" {
		source = "urn:credence:article:" + i64s(r.ArticleID)
	}
	a := webAnnotation{
		ID:         e.base + "/articles/" + i64s(r.ArticleID) + "#annotation-" + i64s(r.ID),
		Type:       "Annotation",
		Motivation: "tagging",
		Body:       body,
		Target: waTarget{Source: source, Selector: []any{
			waQuoteSelector{Type: "TextQuoteSelector", Exact: r.Exact, Prefix: r.Prefix, Suffix: r.Suffix},
			waPositionSelector{Type: "TextPositionSelector", Start: r.Start, End: r.End},
		}},
		Creator:  waCreator{ID: e.base + "/api/v1/users/" + i64s(r.UserID), Type: "Person", Name: r.User},
		Created:  r.CreatedAt.Format(time.RFC3339),
		Modified: r.UpdatedAt.Format(time.RFC3339),
	}
	b, err := json.Marshal(a)
	if err != nil {
		return err
	}
	if e.count > 0 {
		if _, err := io.WriteString(e.w, ",\n"); err != nil {
			return err
		}
	}
	e.count++
	_, err = e.w.Write(b)
	return err
}

func (e *jsonldExport) end() error {
	_, err := io.WriteString(e.w, "\n]}}\n")
	return err
}

// dataPackage answers GET /api/v1/exports/datapackage.json: a Frictionless Tabular Data
// Package describing the CSV downloads, with every field's name and type.
func (s *Server) dataPackage(c *gin.Context) error {
	base := baseURL(c) + "/api/v1"
	scoreField := func(name string) map[string]any {
		kind := "number"
		switch {
		case name == "outlet" || name == "period":
			kind = "string"
		case name == "low_sample":
			kind = "boolean"
		case strings.HasSuffix(name, "_id") || name == "articles" || name == "reviewers" || name == "scored_chars":
			kind = "integer"
		}
		return map[string]any{"name": name, "type": kind}
	}
	fields := func(names []string) []map[string]any {
		out := make([]map[string]any, len(names))
		for i, n := range names {
			out[i] = scoreField(n)
		}
		return out
	}
	var annFields []map[string]any
	for _, col := range exportColumns {
		f := map[string]any{"name": col.name, "type": col.kind, "description": col.doc}
		if col.kind == "datetime" {
			f["format"] = "any"
		}
		annFields = append(annFields, f)
	}
	resource := func(name, path, title string, schema map[string]any) map[string]any {
		return map[string]any{
			"name": name, "path": base + path, "title": title, "profile": "tabular-data-resource",
			"format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "schema": schema,
		}
	}
	c.JSON(http.StatusOK, gin.H{
		"profile": "tabular-data-package",
		"name":    "credence-scores",
		"title":   "Credence outlet and article scores and annotations",
		"description": "Outlet scores with 95% bootstrap intervals, per-article scores and every annotation. " +
			"Methodology: " + score.MethodologyVersion + " (" + baseURL(c) + "/methodology).",
		"created": time.Now().UTC().Format(time.RFC3339),
		"resources": []any{
			resource("outlet-scores", "/scores/outlets?format=csv", "Outlet scores",
				map[string]any{"fields": fields(score.OutletColumns()), "primaryKey": []string{"outlet_id"}, "missingValues": []string{""}}),
			resource("article-scores", "/scores/articles?format=csv", "Article scores per credited outlet",
				map[string]any{"fields": fields(score.ArticleColumns()), "primaryKey": []string{"article_id", "outlet_id"}, "missingValues": []string{""}}),
			resource("annotations", "/exports/annotations?format=csv", "Annotations",
				map[string]any{"fields": annFields, "primaryKey": []string{"id"}, "missingValues": []string{""}}),
		},
	})
	return nil
}
