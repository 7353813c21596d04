package annotate_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/credence-project/credence/annotate"
)

func TestDetectImportFormat(t *testing.T) {
	for _, tc := range []struct {
		explicit, filename, contentType, head, want string
	}{
		{"", "", "", `{"title":"x"}`, annotate.FormatNDJSON},
		{"", "", "application/json", `{"title":"x"}`, annotate.FormatNDJSON},
		{"", "", "application/json; charset=utf-8", "\n  [{}]", annotate.FormatJSON},
		{"", "articles.json", "", `[`, annotate.FormatJSON},
		{"", "articles.json", "", `{"a":1}`, annotate.FormatNDJSON},
		{"", "articles.jsonl", "application/octet-stream", `[`, annotate.FormatNDJSON},
		{"", "story.txt", "", `<b>not html</b>`, annotate.FormatText},
		{"", "story.HTM", "", `Title`, annotate.FormatHTML},
		{"", "", "text/html; charset=utf-8", `x`, annotate.FormatHTML},
		{"", "", "text/plain", `[1]`, annotate.FormatText},
		{"", "", "", `<!doctype html>`, annotate.FormatHTML},
		{"", "", "", `A title line`, annotate.FormatText},
		{"TXT", "a.json", "application/json", `[`, annotate.FormatText},
		{"jsonl", "", "", `[`, annotate.FormatNDJSON},
	} {
		got, err := annotate.DetectImportFormat(tc.explicit, tc.filename, tc.contentType, []byte(tc.head))
		if err != nil || got != tc.want {
			t.Errorf("DetectImportFormat(%q, %q, %q, %q) = %q, %v; want %q", tc.explicit, tc.filename, tc.contentType, tc.head, got, err, tc.want)
		}
	}
	if _, err := annotate.DetectImportFormat("xml", "", "", nil); annotate.ErrorCode(err) != annotate.CodeInvalid {
		t.Errorf("unknown format: err = %v", err)
	}
}

func TestJSONArrayItems(t *testing.T) {
	body := `[
  {"outlet": "Daily Example", "title": "First", "text": "One."},
  {"outlet": 7,
   "title": "Second", "text": "Two."},

  {"title": "", "text": "No title"},
  {"title": "Fourth", "text": "Four.", "url": "ftp://x"}
]`
	var got []annotate.ImportItem
	for it := range annotate.JSONArrayItems(strings.NewReader(body), 1<<20) {
		got = append(got, it)
	}
	if len(got) != 4 {
		t.Fatalf("got %d items: %+v", len(got), got)
	}
	wantLines := []int{2, 3, 6, 7}
	for i, it := range got {
		if it.Line != wantLines[i] {
			t.Errorf("item %d on line %d, want %d", i, it.Line, wantLines[i])
		}
	}
	if got[0].Err != nil || got[0].Input.Outlet != "Daily Example" || got[0].Input.Title != "First" {
		t.Errorf("item 0 = %+v", got[0])
	}
	if got[1].Err != nil || got[1].Input.OutletID != 7 {
		t.Errorf("item 1 = %+v", got[1])
	}
	if e, ok := got[2].Err.(*annotate.Error); !ok || e.Field != "title" {
		t.Errorf("item 2 error = %v", got[2].Err)
	}
	if e, ok := got[3].Err.(*annotate.Error); !ok || e.Field != "url" {
		t.Errorf("item 3 error = %v", got[3].Err)
	}

	t.Run("ErrSyntaxStopsTheArray", func(t *testing.T) {
		var items []annotate.ImportItem
		for it := range annotate.JSONArrayItems(strings.NewReader("[\n{\"title\":\"a\",\"text\":\"b\"},\n{\"title\": oops}\n]"), 1<<20) {
			items = append(items, it)
		}
		if len(items) != 2 || items[0].Err != nil || items[1].Err == nil || items[1].Line != 3 {
			t.Fatalf("items = %+v", items)
		}
	})
	t.Run("ErrNotAnArray", func(t *testing.T) {
		var items []annotate.ImportItem
		for it := range annotate.JSONArrayItems(strings.NewReader(`{"title":"a"}`), 1<<20) {
			items = append(items, it)
		}
		if len(items) != 1 || annotate.ErrorCode(items[0].Err) != annotate.CodeBadRequest {
			t.Fatalf("items = %+v", items)
		}
	})
}

func TestParseTextArticle(t *testing.T) {
	in, err := annotate.ParseTextArticle([]byte("\uFEFF\r\n  Cafe\u0301 headline  \r\n\r\nFirst paragraph.\r\n\r\nSecond one.\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if in.Title != "Café headline" || in.Text != "First paragraph.\n\nSecond one." {
		t.Fatalf("got %+v", in)
	}
	if _, err := annotate.ParseTextArticle([]byte("Only a title\n\n")); annotate.ErrorCode(err) != annotate.CodeInvalid {
		t.Fatalf("title only: %v", err)
	}
	if _, err := annotate.ParseTextArticle([]byte(" \n\n")); annotate.ErrorCode(err) != annotate.CodeInvalid {
		t.Fatalf("empty: %v", err)
	}
}

func TestParseHTMLArticle(t *testing.T) {
	page := `<!doctype html><html><head>
<title>  Star   denies  &amp; moves on </title>
<link rel="canonical" href="https://www.example.com/2021/star">
<meta name="author" content="A. Writer">
<meta property="article:published_time" content="2021-10-22T08:00:00Z">
<style>p { color: red }</style><script>var p = "<p>no</p>";</script>
</head><body>
<nav><a href="/">Home</a></nav>
<h1>Other heading</h1>
<p>First   paragraph
   across lines, with <b>bold</b> text.</p>
<div><p>Second<br>line two.</p></div>
<p>   </p>
<p>Third &#8220;quoted&#8221;.</p>
</body></html>`
	in, err := annotate.ParseHTMLArticle(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	want := "First paragraph across lines, with bold text.\n\nSecond\nline two.\n\nThird \u201cquoted\u201d."
	if in.Title != "Star denies & moves on" || in.Text != want {
		t.Fatalf("title %q text %q", in.Title, in.Text)
	}
	if in.URL != "https://www.example.com/2021/star" || in.Author != "A. Writer" || in.PublishedAt == nil || in.PublishedAt.Year() != 2021 {
		t.Fatalf("metadata %+v", in)
	}

	t.Run("OK title from h1", func(t *testing.T) {
		in, err := annotate.ParseHTMLArticle(strings.NewReader(`<h1>Heading</h1><p>Text.</p><link rel="canonical" href="/relative">`))
		if err != nil || in.Title != "Heading" || in.Text != "Text." || in.URL != "" {
			t.Fatalf("%+v %v", in, err)
		}
	})
	t.Run("ErrNoParagraphs", func(t *testing.T) {
		_, err := annotate.ParseHTMLArticle(strings.NewReader(`<title>T</title><div>just a div</div>`))
		if e, ok := err.(*annotate.Error); !ok || e.Field != "text" {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestParseTextArticleTitleAndDate (issue 17, item 11): a first line that is a whole paragraph
// stays in the text and gives a short title; a "date 2021-12-04 …" line is the publication
// date.
func TestParseTextArticleTitleAndDate(t *testing.T) {
	para := "The city council met on Tuesday to discuss the budget for the coming year, and after a long debate that ran well past midnight the members agreed to raise spending on schools. Critics said the plan was reckless."
	in, err := annotate.ParseTextArticle([]byte(para + "\n\nSecond paragraph.\n"))
	if err != nil {
		t.Fatal(err)
	}
	if n := utf8.RuneCountInString(in.Title); n > 101 || !strings.HasPrefix(in.Title, "The city council met on Tuesday") || !strings.HasSuffix(in.Title, "…") {
		t.Errorf("title from a paragraph: %q (%d code points)", in.Title, n)
	}
	if !strings.HasPrefix(in.Text, para) {
		t.Errorf("the first paragraph is not in the text, so it cannot be annotated: %q", in.Text)
	}
	in, err = annotate.ParseTextArticle([]byte("date 2021-12-04 · by Jane Doe\nCouncil raises school spending\n\nThe council agreed.\n"))
	if err != nil {
		t.Fatal(err)
	}
	if in.PublishedAt == nil || !in.PublishedAt.Equal(time.Date(2021, 12, 4, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("published %v, want 2021-12-04", in.PublishedAt)
	}
	if in.Title != "Council raises school spending" || in.Text != "The council agreed." {
		t.Errorf("after a date line: %+v", in)
	}
	in, err = annotate.ParseTextArticle([]byte("Headline\nPublished: 2020-02-29 13:45\n\nBody text.\n"))
	if err != nil || in.PublishedAt == nil || !in.PublishedAt.Equal(time.Date(2020, 2, 29, 13, 45, 0, 0, time.UTC)) || in.Title != "Headline" || in.Text != "Body text." {
		t.Errorf("a date line after the title: %+v, %v", in, err)
	}
	// A sentence that merely starts with a date stays text.
	in, _ = annotate.ParseTextArticle([]byte("Headline\n2021-12-04 was the day the council met and argued about everything that the town had planned for years to come.\n"))
	if in.PublishedAt != nil {
		t.Errorf("a long sentence starting with a date was taken as the date: %+v", in)
	}
}
