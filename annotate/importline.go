package annotate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// TimeHint is what a time must look like, for a message about one that does not parse: the
// api package says the same of a JSON body's times.
const TimeHint = "an RFC 3339 time such as 2026-03-01T09:30:00Z"

// ParseImportLine decodes one line of newline-delimited JSON into an article input. The
// outlet may be a number (an id) or a string (a name, alias or domain). A byte order mark at
// the start is skipped. An error names the field at fault when there is one, and says what
// the field must be.
func ParseImportLine(line []byte) (ArticleInput, error) {
	return parseImportValue(line, 0)
}

// subject is what messages call the article: "the line", or for element n > 0 of a JSON
// array "element n of the array" (made only for a message, not for every element).
func subject(element int) string {
	if element > 0 {
		return fmt.Sprintf("element %d of the array", element)
	}
	return "the line"
}

// parseImportValue decodes one article object: a line, or element n > 0 of a JSON array.
// The error of an object with keys that are no article field names them.
func parseImportValue(b []byte, element int) (ArticleInput, error) {
	in, err := parseImportObject(b, element)
	if err != nil {
		return in, withUnknownFields(b, err)
	}
	if err := misspeltField(b, in); err != nil {
		return known(in), err
	}
	return in, nil
}

func parseImportObject(b []byte, element int) (ArticleInput, error) {
	b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	if !utf8.Valid(b) {
		return ArticleInput{}, Errorf(CodeBadRequest, "", "%s is not valid UTF-8 (byte %d): save the file as UTF-8", subject(element), invalidUTF8At(b))
	}
	var raw struct {
		ArticleInput
		OutletAny    json.RawMessage `json:"outlet"`
		PublishedAny json.RawMessage `json:"published_at"`
	}
	// json.Unmarshal first: it reads b where it is, where a Decoder copies the line into a
	// buffer of its own grown from small (28 MB of a 2,000-article import's allocations). It
	// succeeds exactly when b is one JSON value that decodes, which the Decoder decodes alike
	// and finds nothing after; anything else takes the Decoder's way, and its messages, as before.
	if json.Unmarshal(b, &raw) != nil {
		raw.ArticleInput, raw.OutletAny, raw.PublishedAny = ArticleInput{}, nil, nil
		dec := json.NewDecoder(bytes.NewReader(b))
		if err := dec.Decode(&raw); err != nil {
			return knownFields(b), objectError(b, subject(element), err)
		}
		if dec.More() {
			return ArticleInput{}, Errorf(CodeBadRequest, "", "%s holds more than one JSON value: one article object a line", subject(element))
		}
	}
	if t := bytes.TrimSpace(b); string(t) == "null" {
		return ArticleInput{}, Errorf(CodeBadRequest, "", "%s must be a JSON object {\"outlet\", \"title\", \"text\", ...}, not null", subject(element))
	}
	in := raw.ArticleInput
	in.Outlet, in.PublishedAt = "", nil
	if in.OutletID < 0 {
		return known(in), Errorf(CodeInvalid, "outlet_id", "outlet_id %d is not an outlet id: ids are whole numbers from 1", in.OutletID)
	}
	if len(raw.OutletAny) > 0 && string(raw.OutletAny) != "null" {
		var id int64
		var name string
		switch {
		case json.Unmarshal(raw.OutletAny, &id) == nil:
			if id <= 0 {
				return known(in), Errorf(CodeInvalid, "outlet", "outlet %d is not an outlet id: ids are whole numbers from 1", id)
			}
			if in.OutletID > 0 && in.OutletID != id {
				return known(in), Errorf(CodeInvalid, "outlet", "outlet %d and outlet_id %d name different outlets: give one of them", id, in.OutletID)
			}
			in.OutletID = id
		case json.Unmarshal(raw.OutletAny, &name) == nil:
			in.Outlet = name
		default:
			return known(in), Errorf(CodeInvalid, "outlet", "outlet must be an id (a whole number) or a name, an alias or a domain (a string), not %s", valueName(raw.OutletAny))
		}
	}
	if len(raw.PublishedAny) > 0 && string(raw.PublishedAny) != "null" {
		var t time.Time
		if err := json.Unmarshal(raw.PublishedAny, &t); err != nil {
			var s string
			if json.Unmarshal(raw.PublishedAny, &s) != nil {
				return known(in), Errorf(CodeBadRequest, "published_at", "field \"published_at\" must be %s, not %s", TimeHint, valueName(raw.PublishedAny))
			}
			return known(in), Errorf(CodeBadRequest, "published_at", "field \"published_at\" must be %s, not %q", TimeHint, clip(s))
		}
		in.PublishedAt = &t
	}
	if err := in.Normalise(); err != nil {
		return known(in), err
	}
	return in, nil
}

// knownFields is the title and URL of an object that failed to decode, when they are
// strings, so that the report can say which article it was.
func knownFields(b []byte) ArticleInput {
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return ArticleInput{}
	}
	var in ArticleInput
	_ = json.Unmarshal(m["title"], &in.Title)
	_ = json.Unmarshal(m["url"], &in.URL)
	return known(in)
}

// objectError says why a line or element did not decode into an article object: where its
// JSON is malformed, or which field has the wrong type and what it must be.
func objectError(b []byte, subject string, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &te) && te.Field == "":
		return Errorf(CodeBadRequest, "", "%s must be a JSON object {\"outlet\", \"title\", \"text\", ...}, not %s", subject, jsonValueName(te.Value))
	case errors.As(err, &te):
		f := te.Field[strings.LastIndex(te.Field, ".")+1:] // "ArticleInput.title": the field as sent
		return Errorf(CodeBadRequest, f, "field %q must be %s, not %s", f, goKindName(te.Type.Kind().String()), jsonValueName(te.Value))
	case errors.As(err, &se):
		return Errorf(CodeBadRequest, "", "%s is not valid JSON: %s", subject, syntaxProblem(b, se))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return Errorf(CodeBadRequest, "", "%s ends before its JSON object does (a missing } or \", or a line break inside a string?)", subject)
	}
	return Errorf(CodeBadRequest, "", "%s is not a JSON object: %s", subject, err.Error())
}

// syntaxProblem is a syntax error's place and cause, naming a trailing comma when it is one.
func syntaxProblem(b []byte, se *json.SyntaxError) string {
	msg := strings.TrimPrefix(se.Error(), "invalid character ")
	if se.Offset >= 1 && se.Offset <= int64(len(b)) {
		if c := b[se.Offset-1]; c == '}' || c == ']' {
			if prev := bytes.TrimRight(b[:se.Offset-1], " \t\r\n"); len(prev) > 0 && prev[len(prev)-1] == ',' {
				return fmt.Sprintf("a trailing comma before %c at byte %d (JSON allows none)", c, se.Offset)
			}
		}
	}
	if msg != se.Error() {
		msg = "unexpected character " + msg
	}
	return fmt.Sprintf("%s at byte %d", msg, se.Offset)
}

// invalidUTF8At is the 1-based byte offset of the first byte of b that is not UTF-8.
func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i + 1
		}
		i += size
	}
	return len(b)
}

// valueName names a JSON value's kind ("a JSON object") with the value when it is short.
func valueName(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	kind := "a JSON number"
	switch {
	case len(raw) == 0:
		return "nothing"
	case raw[0] == '{':
		return "a JSON object"
	case raw[0] == '[':
		return "a JSON array"
	case raw[0] == 't' || raw[0] == 'f':
		kind = "a JSON boolean"
	case raw[0] == '"':
		kind = "a JSON string"
	}
	if len(raw) <= 40 {
		return kind + " " + string(raw)
	}
	return kind
}

// jsonValueName names the kind of JSON value encoding/json reports ("number", "bool").
func jsonValueName(v string) string {
	switch v {
	case "bool":
		return "a JSON boolean"
	case "array", "object":
		return "a JSON " + v
	case "":
		return "that"
	}
	if strings.HasPrefix(v, "number") {
		return "a JSON number"
	}
	return "a JSON " + v
}

// goKindName is what a field of that Go kind must be in JSON.
func goKindName(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"):
		return "a whole number"
	case strings.HasPrefix(kind, "float"):
		return "a number"
	case kind == "bool":
		return "true or false"
	case kind == "string":
		return "a string"
	}
	return "a JSON " + kind
}

// jsonProblem turns a decoding error into a short sentence without Go type names.
func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("syntax error at byte %d: %s", se.Offset, strings.TrimPrefix(se.Error(), "invalid character "))
	case errors.As(err, &te):
		return fmt.Sprintf("field %q has the wrong type (%s)", te.Field, te.Value)
	}
	return err.Error()
}
