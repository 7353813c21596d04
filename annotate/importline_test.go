package annotate

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestImportLineErrors: each bad line's error names the field at fault and says what it must
// be, in words an admin can act on (no Go type names, no time layouts, no "field \"\"").
func TestImportLineErrors(t *testing.T) {
	for _, tc := range []struct {
		name, line, code, field, message string
	}{
		{"DateOnly", `{"outlet":1,"title":"T","text":"x","published_at":"2026-01-02"}`, CodeBadRequest, "published_at",
			`field "published_at" must be an RFC 3339 time such as 2026-03-01T09:30:00Z, not "2026-01-02"`},
		{"TimeNumber", `{"outlet":1,"title":"T","text":"x","published_at":5}`, CodeBadRequest, "published_at",
			`field "published_at" must be an RFC 3339 time such as 2026-03-01T09:30:00Z, not a JSON number 5`},
		{"TitleNumber", `{"outlet":1,"title":5,"text":"x"}`, CodeBadRequest, "title", `field "title" must be a string, not a JSON number`},
		{"TextArray", `{"outlet":1,"title":"T","text":["x"]}`, CodeBadRequest, "text", `field "text" must be a string, not a JSON array`},
		{"URLNumber", `{"outlet":1,"title":"T","text":"x","url":3}`, CodeBadRequest, "url", `field "url" must be a string, not a JSON number`},
		{"AuthorBool", `{"outlet":1,"title":"T","text":"x","author":true}`, CodeBadRequest, "author", `field "author" must be a string, not a JSON boolean`},
		{"OutletIDString", `{"outlet_id":"1","title":"T","text":"x"}`, CodeBadRequest, "outlet_id", `field "outlet_id" must be a whole number, not a JSON string`},
		{"OutletObject", `{"outlet":{"a":1},"title":"T","text":"x"}`, CodeInvalid, "outlet",
			`outlet must be an id (a whole number) or a name, an alias or a domain (a string), not a JSON object`},
		{"OutletNegative", `{"outlet":-1,"title":"T","text":"x"}`, CodeInvalid, "outlet", `outlet -1 is not an outlet id: ids are whole numbers from 1`},
		{"OutletZero", `{"outlet":0,"title":"T","text":"x"}`, CodeInvalid, "outlet", `outlet 0 is not an outlet id: ids are whole numbers from 1`},
		{"OutletIDNegative", `{"outlet_id":-3,"title":"T","text":"x"}`, CodeInvalid, "outlet_id", `outlet_id -3 is not an outlet id: ids are whole numbers from 1`},
		{"OutletAndOutletIDDiffer", `{"outlet":1,"outlet_id":2,"title":"T","text":"x"}`, CodeInvalid, "outlet", `outlet 1 and outlet_id 2 name different outlets: give one of them`},
		{"Number", `42`, CodeBadRequest, "", `the line must be a JSON object {"outlet", "title", "text", ...}, not a JSON number`},
		{"Array", `[1]`, CodeBadRequest, "", `the line must be a JSON object {"outlet", "title", "text", ...}, not a JSON array`},
		{"Null", `null`, CodeBadRequest, "", `the line must be a JSON object {"outlet", "title", "text", ...}, not null`},
		{"TrailingComma", `{"outlet":1,"title":"T","text":"x",}`, CodeBadRequest, "",
			`the line is not valid JSON: a trailing comma before } at byte 36 (JSON allows none)`},
		{"CutShort", `{"outlet":1,"title":"T","text":"x`, CodeBadRequest, "",
			`the line ends before its JSON object does (a missing } or ", or a line break inside a string?)`},
		{"MisspelledTitle", `{"outlet":1,"titel":"T","text":"x"}`, CodeInvalid, "title",
			`title is required; "titel" is not an article field (did you mean "title"?)`},
		{"MisspelledText", `{"outlet":1,"title":"T","txt":"x"}`, CodeInvalid, "text",
			`text is required; "txt" is not an article field (did you mean "text"?)`},
		{"CamelCaseDate", `{"outlet":1,"text":"x","publishedAt":"2026-01-02T00:00:00Z"}`, CodeInvalid, "title",
			`title is required; "publishedAt" is not an article field (did you mean "published_at"?)`},
		{"UnknownFields", `{"outlet":1,"text":"x","headline":"T","body":"y","titel":"T"}`, CodeInvalid, "title",
			`title is required; "body", "headline" and "titel" (did you mean "title"?) are not article fields, which are outlet, outlet_id, title, text, url, author and published_at`},
		{"UnknownFieldBesideTypeError", `{"outlet":1,"title":5,"txet":"x"}`, CodeBadRequest, "title",
			`field "title" must be a string, not a JSON number; "txet" is not an article field (did you mean "text"?)`},
		// Lines that would import, but without the value a misspelt key holds: refused.
		{"MisspeltDateOfALineThatImports", `{"outlet":1,"title":"T","text":"x","publishd_at":"2026-01-02T00:00:00Z"}`, CodeInvalid, "published_at",
			`"publishd_at" is not an article field (did you mean "published_at"?): the line would be imported without its published_at; rename the key`},
		{"CamelCaseDateOfALineThatImports", `{"outlet":1,"title":"T","text":"x","publishedAt":"2026-01-02T00:00:00Z"}`, CodeInvalid, "published_at",
			`"publishedAt" is not an article field (did you mean "published_at"?): the line would be imported without its published_at; rename the key`},
		{"MisspeltOutletOfALineWithAURL", `{"outlett":"Channel 9","title":"T","text":"x","url":"https://weeklybuzz.example/a"}`, CodeInvalid, "outlet",
			`"outlett" is not an article field (did you mean "outlet"?): the line would be imported without its outlet; rename the key`},
		{"FieldNamesAreCaseBlind", `{"outlet":1,"Title":"","TEXT":"x"}`, CodeInvalid, "title", `title is required`},
		{"InvalidUTF8", "{\"outlet\":1,\"title\":\"T\xff\",\"text\":\"x\"}", CodeBadRequest, "", `the line is not valid UTF-8 (byte 23): save the file as UTF-8`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseImportLine([]byte(tc.line))
			var e *Error
			if !errors.As(err, &e) || e.Code != tc.code || e.Field != tc.field || e.Message != tc.message {
				t.Fatalf("err = %#v\nwant code %q field %q message %s", e, tc.code, tc.field, tc.message)
			}
		})
	}
}

// TestImportLineKeepsKeysItDoesNotUse: a line that imports is not refused for keys that
// misspell no article field (an export's extra columns), nor for one resembling a field the
// line gives as well.
func TestImportLineKeepsKeysItDoesNotUse(t *testing.T) {
	for _, line := range []string{
		`{"outlet":1,"title":"T","text":"x","section":"Local","word_count":3}`,
		`{"outlet":1,"title":"T","text":"x","url":"https://e.example/a","urls":["https://e.example/b"]}`,
		`{"outlet":1,"title":"T","text":"x","author":"A","url":"https://e.example/c","published_at":"2026-01-02T00:00:00Z","publishedAt":"ignored"}`,
	} {
		if in, err := ParseImportLine([]byte(line)); err != nil || in.Title != "T" {
			t.Errorf("%s: %+v %v", line, in, err)
		}
	}
}

// TestImportLineAfterBOM: a file saved with a byte order mark imports its first line.
func TestImportLineAfterBOM(t *testing.T) {
	in, err := ParseImportLine([]byte("\uFEFF" + `{"outlet":1,"title":"T","text":"x"}`))
	if err != nil || in.Title != "T" || in.OutletID != 1 {
		t.Fatalf("%+v %v", in, err)
	}
}

// TestJSONArrayElementErrors: the elements of a one-line array share line 1, so each error
// says which element it was; a byte order mark before the array is skipped.
func TestJSONArrayElementErrors(t *testing.T) {
	body := "\uFEFF" + `[{"outlet":1,"title":"T","text":"x"}, 42, {"outlet":1,"title":"T","text":"x","published_at":"2026-01-02"}]`
	var got []string
	var elements []int
	for it := range JSONArrayItems(strings.NewReader(body), 1<<20) {
		elements = append(elements, it.Element)
		if it.Err != nil {
			var e *Error
			errors.As(it.Err, &e)
			got = append(got, e.Field+": "+e.Message)
		} else {
			got = append(got, "ok")
		}
	}
	want := []string{"ok", `: element 2 of the array must be a JSON object {"outlet", "title", "text", ...}, not a JSON number`,
		`published_at: field "published_at" must be an RFC 3339 time such as 2026-03-01T09:30:00Z, not "2026-01-02"`}
	if !slices.Equal(got, want) || !slices.Equal(elements, []int{1, 2, 3}) {
		t.Fatalf("got %q elements %v\nwant %q", got, elements, want)
	}
	var last error
	for it := range JSONArrayItems(strings.NewReader(`[{"outlet":1,"title":"T","text":"x"},]`), 1<<20) {
		last = it.Err
	}
	if e, ok := last.(*Error); !ok || e.Message != "the JSON array is malformed after element 1: a trailing comma before ] at byte 36 (JSON allows none)" {
		t.Fatalf("trailing comma: %v", last)
	}
}

// TestImportLineUnknownFields: a line that imports is not refused for keys it does not use,
// and a failing line names at most a few of them.
func TestImportLineUnknownFields(t *testing.T) {
	in, err := ParseImportLine([]byte(`{"outlet":1,"title":"T","text":"x","id":7,"my title":"y"}`))
	if err != nil || in.Title != "T" {
		t.Fatalf("a line with extra keys: %+v %v", in, err)
	}
	_, err = ParseImportLine([]byte(`{"outlet":1,"text":"x","a":1,"b":1,"c":1,"d":1,"e":1,"f":1,"my title":1}`))
	var e *Error
	want := `title is required; "a", "b", "c", "d", "e" and 2 more are not article fields, which are outlet, outlet_id, title, text, url, author and published_at`
	if !errors.As(err, &e) || e.Message != want {
		t.Fatalf("err = %v\nwant %s", err, want)
	}
	_, err = ParseImportLine([]byte(`{"outlet":1,"text":"x","the heading":1}`))
	want = `title is required; "the heading" is not an article field, which are outlet, outlet_id, title, text, url, author and published_at`
	if !errors.As(err, &e) || e.Message != want {
		t.Fatalf("err = %v\nwant %s", err, want)
	}
	for key, f := range map[string]string{"titel": "title", "Outlet-ID": "outlet_id", "outletId": "outlet_id", "urll": "url", "autor": "author", "texts": "text", "x": "", "headline": "", "ur": "url", "my title": "title"} {
		if got := likelyField(key); got != f {
			t.Errorf("likelyField(%q) = %q, want %q", key, got, f)
		}
	}
}
