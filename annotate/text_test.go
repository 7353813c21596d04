package annotate

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormaliseText(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"BOM", "\ufeffHello", "Hello"},
		{"CRLF", "a\r\nb\rc", "a\nb\nc"},
		{"NFC", "Cafe\u0301", "Café"},
		{"InvalidUTF8", "a\xffb", "a\uFFFDb"},
		{"Idempotent", "“Curly” 🙄\n", "“Curly” 🙄\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := NormaliseText(tc.in)
			if got != tc.want {
				t.Fatalf("NormaliseText(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if again := NormaliseText(got); again != got {
				t.Fatalf("not idempotent: %q", again)
			}
		})
	}
}

func TestTextSpans(t *testing.T) {
	txt := NewText("“Hi” 🙄 there")
	if txt.Len() != utf8.RuneCountInString("“Hi” 🙄 there") || txt.Len() != 12 {
		t.Fatalf("Len = %d", txt.Len())
	}
	if got := txt.Slice(5, 6); got != "🙄" {
		t.Fatalf("Slice(5,6) = %q", got)
	}
	if got := txt.Slice(7, 12); got != "there" {
		t.Fatalf("Slice(7,12) = %q", got)
	}
	for _, tc := range []struct {
		name       string
		start, end int
		field      string
	}{
		{"ErrNegative", -1, 2, "start"},
		{"ErrPastEnd", 0, 13, "end"},
		{"ErrEmpty", 3, 3, "end"},
		{"ErrReversed", 4, 3, "end"},
		{"ErrStartAtEnd", 12, 13, "end"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := txt.CheckSpan(tc.start, tc.end)
			e, ok := err.(*Error)
			if !ok || e.Code != CodeInvalidSpan || e.Field != tc.field {
				t.Fatalf("CheckSpan(%d,%d) = %v", tc.start, tc.end, err)
			}
		})
	}
}

func TestAnchor(t *testing.T) {
	txt := NewText("Readers said “wow” 🙄 then: the FBI report stated the gun was real.")
	start := utf8.RuneCountInString("Readers said “wow” 🙄 then: ")
	end := start + 3
	t.Run("OK", func(t *testing.T) {
		exact := "the"
		q, err := txt.Anchor(start, end, &exact)
		if err != nil || q.Exact != "the" || q.Prefix != "Readers said “wow” 🙄 then: " || q.Suffix != " FBI report stated the gun was r" {
			t.Fatalf("Anchor = %+v, %v", q, err)
		}
	})
	t.Run("ErrQuoteMismatch", func(t *testing.T) {
		exact := "The"
		if _, err := txt.Anchor(start, end, &exact); ErrorCode(err) != CodeQuoteMismatch {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestReanchor(t *testing.T) {
	old := NewText("Intro. The FBI report stated it. Outro.")
	q, _ := old.Anchor(7, 32, nil)
	for _, tc := range []struct {
		name  string
		text  string
		start int
		ok    bool
	}{
		{"Unchanged", "Intro. The FBI report stated it. Outro.", 7, true},
		{"Moved", "A longer intro 🙄. The FBI report stated it. Outro.", 18, true},
		{"Gone", "Intro. Nothing here. Outro.", 0, false},
		{"AmbiguousWithoutContext", "X The FBI report stated it. Y The FBI report stated it. Z", 0, false},
		{"ContextDecides", "X The FBI report stated it. Y Intro. The FBI report stated it. Outro.", 37, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, e, ok := Reanchor(NewText(tc.text), q)
			if ok != tc.ok || (ok && (s != tc.start || e-s != 25)) {
				t.Fatalf("Reanchor = %d,%d,%v; want %d,%v", s, e, ok, tc.start, tc.ok)
			}
		})
	}
}

func TestParseImportLine(t *testing.T) {
	for _, tc := range []struct {
		name, line string
		code       string
		check      func(ArticleInput) bool
	}{
		{"OutletByID", `{"outlet": 7, "title": "T", "text": "x"}`, "", func(a ArticleInput) bool { return a.OutletID == 7 }},
		{"OutletByName", `{"outlet": "OK!", "title": "T", "text": "x"}`, "", func(a ArticleInput) bool { return a.Outlet == "OK!" }},
		{"OutletIDField", `{"outlet_id": 3, "title": "T", "text": "x\r\n"}`, "", func(a ArticleInput) bool { return a.OutletID == 3 && a.Text == "x\n" }},
		{"ErrNotJSON", `{"title": `, CodeBadRequest, nil},
		{"ErrTwoValues", `{"title": "a", "text": "b"} 5`, CodeBadRequest, nil},
		{"ErrOutletType", `{"outlet": [1], "title": "T", "text": "x"}`, CodeInvalid, nil},
		{"ErrNoText", `{"title": "T"}`, CodeInvalid, nil},
		// A failed line keeps its title, for the import report (issue 17, item 12).
		{"ErrNoTextKeepsTitle", `{"title": " Kept title ", "text": ""}`, CodeInvalid, func(a ArticleInput) bool { return a.Title == "Kept title" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := ParseImportLine([]byte(tc.line))
			if ErrorCode(err) != tc.code {
				t.Fatalf("err = %v, want code %q", err, tc.code)
			}
			if tc.check != nil && !tc.check(a) {
				t.Fatalf("parsed %+v", a)
			}
		})
	}
}

func FuzzAnchor(f *testing.F) {
	f.Add("“Hi” 🙄 there", 5, 6)
	f.Add("abc", 0, 3)
	f.Fuzz(func(t *testing.T, s string, start, end int) {
		txt := NewText(NormaliseText(s))
		q, err := txt.Anchor(start, end, nil)
		if err != nil {
			return
		}
		if utf8.RuneCountInString(q.Exact) != end-start {
			t.Fatalf("exact %q has %d code points, span %d", q.Exact, utf8.RuneCountInString(q.Exact), end-start)
		}
		if s2, e2, ok := Reanchor(txt, q); ok && txt.Slice(s2, e2) != q.Exact {
			t.Fatalf("reanchored to %d,%d which reads %q, not %q", s2, e2, txt.Slice(s2, e2), q.Exact)
		}
	})
}

func FuzzParseImportLine(f *testing.F) {
	f.Add([]byte(`{"outlet": "OK!", "title": "T", "text": "x"}`))
	f.Add([]byte(`{"outlet": 1, "title": "T", "text": "x", "published_at": "2021-01-01T00:00:00Z"}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		a, err := ParseImportLine(line)
		if err != nil {
			if ErrorCode(err) == "" {
				t.Fatalf("error without a code: %v", err)
			}
			return
		}
		if a.Title == "" || NormaliseText(a.Text) != a.Text {
			t.Fatalf("accepted an invalid article %+v", a)
		}
	})
}

// TestTextSliceMatchesRunes checks the sparse code point index against plain rune slicing
// for every span of texts that are ASCII, mixed, all multi-byte, and exactly on and around
// the index's stride.
func TestTextSliceMatchesRunes(t *testing.T) {
	texts := []string{
		"",
		"plain ASCII only",
		strings.Repeat("a", textStride),
		strings.Repeat("é", textStride),
		strings.Repeat("é", textStride-1) + "x",
		strings.Repeat("“quoted” 🙄 ", 9),
		strings.Repeat("x", 2*textStride+1) + "🙄",
		"🙄" + strings.Repeat("b", 3*textStride),
	}
	for _, s := range texts {
		tx := NewText(s)
		rs := []rune(s)
		if tx.Len() != len(rs) {
			t.Fatalf("%q: Len %d, want %d", s, tx.Len(), len(rs))
		}
		for i := 0; i <= len(rs); i++ {
			for j := i; j <= len(rs); j++ {
				if got, want := tx.Slice(i, j), string(rs[i:j]); got != want {
					t.Fatalf("%q: Slice(%d, %d) = %q, want %q", s, i, j, got, want)
				}
			}
		}
		if (tx.marks == nil) != (len(rs) == len(s)) {
			t.Errorf("%q: index kept = %v for an ASCII text = %v", s, tx.marks != nil, len(rs) == len(s))
		}
	}
}
