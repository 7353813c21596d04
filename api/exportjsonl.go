package api

import (
	"bufio"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"
)

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
	b = appendJSONCredits(b, r.Credits)
	b = append(b, `,"user_id":`...)
	b = strconv.AppendInt(b, r.UserID, 10)
	b = append(b, `,"user":`...)
	b = appendJSONString(b, r.User)
	b = append(b, `,"reviewer_completed":`...)
	b = strconv.AppendBool(b, r.ReviewerCompleted)
	b = append(b, `,"reopened_after_viewing":`...)
	b = strconv.AppendBool(b, r.ReopenedAfterViewing)
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
		{`,"suggestion_rule":`, r.SuggestionRule}, {`,"origin":`, r.Origin}, {`,"suggestion_model":`, r.SuggestionModel},
		{`,"layer":`, r.Layer}, {`,"article_url":`, r.ArticleURL}, {`,"article_title":`, r.ArticleTitle},
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

// appendJSONCredits appends the pieces of a passage as encoding/json writes []creditPiece.
func appendJSONCredits(b []byte, ps []creditPiece) []byte {
	if ps == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, p := range ps {
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
	return append(b, ']')
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
