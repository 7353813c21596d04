package api

import (
	"bufio"
	"strconv"
	"time"

	"github.com/credence-project/credence/annotate/csvout"
	"github.com/credence-project/credence/annotate/score"
)

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
	{"user", "string", "the reviewer's name", func(b []byte, r *exportRecord) []byte { return r.cell(b, r.User) }},
	{"reviewer_completed", "boolean", "the reviewer completed the article (only completed reviews count in scores)", func(b []byte, r *exportRecord) []byte { return append(b, score.CSVBool(r.ReviewerCompleted)...) }},
	{"reopened_after_viewing", "boolean", "an admin reopened the review after its reviewer had seen the others' work", func(b []byte, r *exportRecord) []byte { return append(b, score.CSVBool(r.ReopenedAfterViewing)...) }},
	{"label", "string", "sourced_fact, speculation, opinion or loaded_language", func(b []byte, r *exportRecord) []byte { return r.cell(b, r.Label) }},
	{"start", "integer", "first code point of the passage", func(b []byte, r *exportRecord) []byte { return csvInt(b, int64(r.Start)) }},
	{"end", "integer", "code point after the passage", func(b []byte, r *exportRecord) []byte { return csvInt(b, int64(r.End)) }},
	{"exact", "string", "the passage", func(b []byte, r *exportRecord) []byte { return r.cell(b, r.Exact) }},
	{"prefix", "string", "text before the passage", func(b []byte, r *exportRecord) []byte { return r.cell(b, r.Prefix) }},
	{"suffix", "string", "text after the passage", func(b []byte, r *exportRecord) []byte { return r.cell(b, r.Suffix) }},
	{"note", "string", "the reviewer's note", func(b []byte, r *exportRecord) []byte { return r.cell(b, r.Note) }},
	{"source_text", "string", "the source the reviewer named", func(b []byte, r *exportRecord) []byte { return r.cell(b, r.SourceText) }},
	{"source_url", "string", "the source's address", func(b []byte, r *exportRecord) []byte { return r.cell(b, r.SourceURL) }},
	{"status", "string", "anchored or orphaned", func(b []byte, r *exportRecord) []byte { return r.cell(b, r.Status) }},
	{"suggestion_rule", "string", "the machine suggestion the reviewer accepted, if any", func(b []byte, r *exportRecord) []byte { return r.cell(b, r.SuggestionRule) }},
	{"origin", "string", "manual, or suggestion when the annotation is an accepted machine suggestion", func(b []byte, r *exportRecord) []byte { return r.cell(b, r.Origin) }},
	{"suggestion_model", "string", "the model whose suggestion was accepted; empty for a manual annotation", func(b []byte, r *exportRecord) []byte { return r.cell(b, r.SuggestionModel) }},
	{"layer", "string", "review (a reviewer's own work) or consensus (a curator's adjudication)", func(b []byte, r *exportRecord) []byte { return r.cell(b, r.Layer) }},
	{"article_url", "string", "the article's address", func(b []byte, r *exportRecord) []byte { return r.cell(b, r.ArticleURL) }},
	{"article_title", "string", "the article's title", func(b []byte, r *exportRecord) []byte { return r.cell(b, r.ArticleTitle) }},
	{"published_at", "datetime", "when the article was published", func(b []byte, r *exportRecord) []byte { return csvTime(b, r.PublishedAt) }},
	{"created_at", "datetime", "when the annotation was made", func(b []byte, r *exportRecord) []byte { return csvTime(b, &r.CreatedAt) }},
	{"updated_at", "datetime", "when the annotation was last changed", func(b []byte, r *exportRecord) []byte { return csvTime(b, &r.UpdatedAt) }},
}

// csvExport writes the exportColumns through csvout, as encoding/csv would, with formula cells
// neutralised unless raw.
type csvExport struct {
	w   *bufio.Writer
	buf []byte
	raw bool
}

func (e *csvExport) begin(int64) error {
	b := e.buf[:0]
	for i, col := range exportColumns {
		if i > 0 {
			b = append(b, ',')
		}
		b = csvout.AppendField(b, col.name, e.raw)
	}
	e.buf = append(b, '\n')
	_, err := e.w.Write(e.buf)
	return err
}

func (e *csvExport) write(r *exportRecord) error {
	r.rawCSV = e.raw
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

// cell appends a text cell of the record's CSV line.
func (r *exportRecord) cell(b []byte, s string) []byte { return csvout.AppendField(b, s, r.rawCSV) }
