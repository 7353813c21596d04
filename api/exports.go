package api

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/credence-project/credence/annotate/score"
	"github.com/credence-project/credence/models"
)

// exportBatch is how many annotations an export reads, writes and flushes at a time: the
// export holds one batch in memory whatever its size.
var exportBatch = 1000

// webAnnoContext is the JSON-LD context of the W3C Web Annotation Data Model.
const webAnnoContext = "http://www.w3.org/ns/anno.jsonld"

// exportQuery is the parsed query of the annotation export.
type exportQuery struct {
	format string
	filter models.ExportFilter
}

func parseExportQuery(c *gin.Context) (exportQuery, bool) {
	var q exportQuery
	var ok bool
	if q.format, ok = parseFormat(c, "jsonl", "jsonl", "csv", "jsonld"); !ok {
		return q, false
	}
	if q.filter.OutletIDs, ok = parseIDList(c, "outlet_id"); !ok {
		return q, false
	}
	d, ok := parseDates(c)
	if !ok {
		return q, false
	}
	if !d.from.IsZero() {
		q.filter.From = &d.from
	}
	if !d.to.IsZero() {
		q.filter.To = &d.to
	}
	if l := c.Query("label"); l != "" {
		if !score.Label(l).Valid() {
			fail(c, fieldErr(http.StatusBadRequest, "invalid_label", "label", "label must be one of sourced_fact, speculation, opinion, loaded_language, not %q", l))
			return q, false
		}
		q.filter.Label = l
	}
	if q.filter.UserID, ok = queryID(c, "user_id"); !ok {
		return q, false
	}
	return q, true
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
	value           func(*exportRecord) string
}

func optTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func optID(id *int64) string {
	if id == nil {
		return ""
	}
	return i64s(*id)
}

// formatCredits writes pieces as "start-end:owner" joined by ";", owner an outlet id,
// "comments" or "unattributed_quote".
func formatCredits(ps []creditPiece) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		owner := p.Excluded
		if p.OutletID != nil {
			owner = i64s(*p.OutletID)
		}
		parts[i] = fmt.Sprintf("%d-%d:%s", p.Start, p.End, owner)
	}
	return strings.Join(parts, ";")
}

var exportColumns = []exportColumn{
	{"id", "integer", "annotation id", func(r *exportRecord) string { return i64s(r.ID) }},
	{"article_id", "integer", "article id", func(r *exportRecord) string { return i64s(r.ArticleID) }},
	{"outlet_id", "integer", "the article's publisher", func(r *exportRecord) string { return i64s(r.OutletID) }},
	{"credited_outlet_id", "integer", "outlet credited with most of the passage after quote and comments regions; empty for none", func(r *exportRecord) string { return optID(r.CreditedOutletID) }},
	{"credits", "string", "pieces of the passage by owner: start-end:outlet_id|comments|unattributed_quote, separated by ;", func(r *exportRecord) string { return formatCredits(r.Credits) }},
	{"user_id", "integer", "the reviewer", func(r *exportRecord) string { return i64s(r.UserID) }},
	{"user", "string", "the reviewer's name", func(r *exportRecord) string { return r.User }},
	{"reviewer_completed", "boolean", "the reviewer completed the article (only completed reviews count in scores)", func(r *exportRecord) string { return strconv.FormatBool(r.ReviewerCompleted) }},
	{"label", "string", "sourced_fact, speculation, opinion or loaded_language", func(r *exportRecord) string { return r.Label }},
	{"start", "integer", "first code point of the passage", func(r *exportRecord) string { return strconv.Itoa(r.Start) }},
	{"end", "integer", "code point after the passage", func(r *exportRecord) string { return strconv.Itoa(r.End) }},
	{"exact", "string", "the passage", func(r *exportRecord) string { return r.Exact }},
	{"prefix", "string", "text before the passage", func(r *exportRecord) string { return r.Prefix }},
	{"suffix", "string", "text after the passage", func(r *exportRecord) string { return r.Suffix }},
	{"note", "string", "the reviewer's note", func(r *exportRecord) string { return r.Note }},
	{"source_text", "string", "the source the reviewer named", func(r *exportRecord) string { return r.SourceText }},
	{"source_url", "string", "the source's address", func(r *exportRecord) string { return r.SourceURL }},
	{"status", "string", "anchored or orphaned", func(r *exportRecord) string { return r.Status }},
	{"suggestion_rule", "string", "the machine suggestion the reviewer accepted, if any", func(r *exportRecord) string { return r.SuggestionRule }},
	{"article_url", "string", "the article's address", func(r *exportRecord) string { return r.ArticleURL }},
	{"article_title", "string", "the article's title", func(r *exportRecord) string { return r.ArticleTitle }},
	{"published_at", "datetime", "when the article was published", func(r *exportRecord) string { return optTime(r.PublishedAt) }},
	{"created_at", "datetime", "when the annotation was made", func(r *exportRecord) string { return r.CreatedAt.UTC().Format(time.RFC3339) }},
	{"updated_at", "datetime", "when the annotation was last changed", func(r *exportRecord) string { return r.UpdatedAt.UTC().Format(time.RFC3339) }},
}

// credits splits the passage [start, end) of an article by owner (score.CreditText: the
// crediting rule the scores use) and names the owner of its largest piece.
func credits(publisher int64, regions []models.Region, start, end int) ([]creditPiece, *int64) {
	a := score.Article{OutletID: publisher, Length: end}
	for _, r := range regions {
		reg := score.Region{Kind: score.RegionKind(r.Kind), Start: r.Start, End: r.End}
		if r.OriginOutletID != nil {
			reg.OriginOutletID = *r.OriginOutletID
		}
		a.Regions = append(a.Regions, reg)
	}
	var out []creditPiece
	var main *int64
	largest := 0
	for _, seg := range score.CreditText(a) {
		lo, hi := max(seg.Start, start), min(seg.End, end)
		if lo >= hi {
			continue
		}
		p := creditPiece{Start: lo, End: hi}
		switch {
		case seg.OutletID > 0:
			id := seg.OutletID
			p.OutletID = &id
		case seg.OutletID == 0:
			p.Excluded = "unattributed_quote"
		default:
			p.Excluded = "comments"
		}
		if hi-lo > largest {
			largest, main = hi-lo, p.OutletID
		}
		out = append(out, p)
	}
	return out, main
}

func toExportRecord(r *models.ExportRow, regions []models.Region) exportRecord {
	pieces, main := credits(r.ArticleOutletID, regions, r.Start, r.End)
	return exportRecord{
		ID: r.ID, ArticleID: r.ArticleID, OutletID: r.ArticleOutletID, CreditedOutletID: main, Credits: pieces,
		UserID: r.UserID, User: r.UserName, ReviewerCompleted: r.CompletedAt != nil,
		Label: r.Label, Start: r.Start, End: r.End, Exact: r.Exact, Prefix: r.Prefix, Suffix: r.Suffix,
		Note: r.Note, SourceText: r.SourceText, SourceURL: r.SourceURL, Status: r.Status, SuggestionRule: r.SuggestionRule,
		ArticleURL: r.ArticleURL, ArticleTitle: r.ArticleTitle, PublishedAt: r.PublishedAt,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
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

// exportAnnotations answers GET /api/v1/exports/annotations. It pages through the
// annotations by id, exportBatch at a time, and writes and flushes each page before reading
// the next, so memory stays constant whatever the size of the export.
func (s *Server) exportAnnotations(c *gin.Context) {
	q, ok := parseExportQuery(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	var total int64
	if q.format == "jsonld" {
		var err error
		if total, err = s.store.CountExportAnnotations(ctx, q.filter); err != nil {
			fail(c, err)
			return
		}
	}
	batch, err := s.store.ExportAnnotations(ctx, q.filter, 0, exportBatch)
	if err != nil {
		fail(c, err)
		return
	}

	bw := bufio.NewWriterSize(c.Writer, 64<<10)
	var w exportWriter
	switch q.format {
	case "csv":
		startCSV(c, "annotations.csv")
		w = &csvExport{w: csv.NewWriter(bw)}
	case "jsonld":
		c.Header("Content-Type", `application/ld+json; profile="`+webAnnoContext+`"`)
		c.Header("Content-Disposition", `attachment; filename="annotations.jsonld"`)
		c.Status(http.StatusOK)
		w = &jsonldExport{w: bw, base: baseURL(c), self: baseURL(c) + c.Request.URL.RequestURI()}
	default:
		c.Header("Content-Type", "application/x-ndjson; charset=utf-8")
		c.Header("Content-Disposition", `attachment; filename="annotations.jsonl"`)
		c.Status(http.StatusOK)
		w = &jsonlExport{enc: json.NewEncoder(bw)}
	}
	// Once the status is out, a failure can only cut the response short: the client sees an
	// incomplete transfer rather than a complete-looking file.
	abort := func(err error) {
		s.log.Error("export failed", "err", err, "request_id", c.GetString(ctxRequestID))
		panic(http.ErrAbortHandler)
	}
	if err := w.begin(total); err != nil {
		abort(err)
	}
	for {
		articleIDs := make([]int64, 0, len(batch))
		for i := range batch {
			articleIDs = append(articleIDs, batch[i].ArticleID)
		}
		slices.Sort(articleIDs)
		regions, err := s.store.AcceptedRegions(ctx, slices.Compact(articleIDs))
		if err != nil {
			abort(err)
		}
		for i := range batch {
			rec := toExportRecord(&batch[i], regions[batch[i].ArticleID])
			if err := w.write(&rec); err != nil {
				abort(err)
			}
		}
		if err := bw.Flush(); err != nil {
			abort(err)
		}
		c.Writer.Flush()
		if len(batch) < exportBatch {
			break
		}
		if batch, err = s.store.ExportAnnotations(ctx, q.filter, batch[len(batch)-1].ID, exportBatch); err != nil {
			abort(err)
		}
	}
	if err := w.end(); err != nil {
		abort(err)
	}
	if err := bw.Flush(); err != nil {
		abort(err)
	}
	c.Writer.Flush()
}

type jsonlExport struct{ enc *json.Encoder }

func (e *jsonlExport) begin(int64) error           { return nil }
func (e *jsonlExport) write(r *exportRecord) error { return e.enc.Encode(r) }
func (e *jsonlExport) end() error                  { return nil }

type csvExport struct{ w *csv.Writer }

func (e *csvExport) begin(int64) error {
	names := make([]string, len(exportColumns))
	for i, col := range exportColumns {
		names[i] = col.name
	}
	return e.w.Write(names)
}

func (e *csvExport) write(r *exportRecord) error {
	rec := make([]string, len(exportColumns))
	for i, col := range exportColumns {
		rec[i] = col.value(r)
	}
	if err := e.w.Write(rec); err != nil {
		return err
	}
	e.w.Flush() // into the bufio.Writer, which the handler flushes per batch
	return e.w.Error()
}

func (e *csvExport) end() error { e.w.Flush(); return e.w.Error() }

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
func (s *Server) dataPackage(c *gin.Context) {
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
}
