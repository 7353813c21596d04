// Package csvout is the one writer of every CSV the service produces (scores, annotations,
// reviewers, the audit trail). It writes what encoding/csv writes (comma-separated, "\n" line
// ends, a field quoted when it holds a comma, quote or line break, starts with a space or is
// `\.`), with one difference by default: a cell a spreadsheet would run as a formula is
// neutralised.
//
// A cell is a formula to Excel, LibreOffice and Google Sheets when it starts with "=", "+",
// "-" or "@", and a tab or carriage return in front does not stop them (OWASP, "CSV
// Injection"). Such a cell gets a leading "'", which spreadsheets show as text and do not
// run. Numbers are left alone: "-0.25" is a number to a spreadsheet, not a formula, and
// prefixing it would turn a column of figures into text. Tools that only parse CSV can ask for
// the cells unchanged (Raw).
package csvout

import (
	"bufio"
	"io"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// Neutralise returns the cell as it is written by default: with a leading "'" when a
// spreadsheet would run it as a formula.
func Neutralise(field string) string {
	if !isFormula(field) {
		return field
	}
	return "'" + field
}

func isFormula(field string) bool {
	if field == "" {
		return false
	}
	switch field[0] {
	case '=', '+', '-', '@', '\t', '\r':
	default:
		return false
	}
	_, err := strconv.ParseFloat(field, 64)
	return err != nil
}

// AppendField appends one field, neutralised unless raw, quoted as encoding/csv quotes it.
func AppendField(b []byte, field string, raw bool) []byte {
	if !raw && isFormula(field) {
		field = "'" + field
	}
	if !needsQuotes(field) {
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

// needsQuotes is encoding/csv's Writer.fieldNeedsQuotes for a comma separator.
func needsQuotes(field string) bool {
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

// Writer writes records, as encoding/csv's Writer does, through AppendField.
type Writer struct {
	w   *bufio.Writer
	raw bool
	buf []byte
	err error
}

// NewWriter writes to w; raw leaves formula cells unchanged.
func NewWriter(w io.Writer, raw bool) *Writer {
	return &Writer{w: bufio.NewWriter(w), raw: raw}
}

// Write writes one record (buffered: Flush sends it on).
func (w *Writer) Write(record []string) error {
	if w.err != nil {
		return w.err
	}
	b := w.buf[:0]
	for i, f := range record {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendField(b, f, w.raw)
	}
	w.buf = append(b, '\n')
	_, w.err = w.w.Write(w.buf)
	return w.err
}

// Flush sends buffered records on.
func (w *Writer) Flush() {
	if w.err == nil {
		w.err = w.w.Flush()
	}
}

// Error is the first error of a write or flush.
func (w *Writer) Error() error { return w.err }
