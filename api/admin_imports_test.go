package api_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/credence-project/credence/app/imports"
)

type importReport struct {
	Created           int    `json:"created"`
	Updated           int    `json:"updated"`
	SkippedDuplicates int    `json:"skipped_duplicates"`
	Format            string `json:"format"`
	DryRun            bool   `json:"dry_run"`
	IDs               []int64
	Errors            []struct {
		Line          int
		Code, Message string
		Field         string
	}
	Items []struct {
		Line            int
		Status          string
		Title           string
		OutletID        int64 `json:"outlet_id"`
		Outlet          string
		ExistingID      int64 `json:"existing_id"`
		DuplicateOfLine int   `json:"duplicate_of_line"`
		Code, Message   string
	}
}

// upload posts a body with a content type as admin.
func (e *env) upload(path, contentType string, body []byte, accept string) response {
	e.t.Helper()
	req := newRequest(e.t, "POST", e.ts.URL+path, body)
	req.Header.Set("Content-Type", contentType)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	req.Header.Set("Authorization", "Bearer "+e.tokens["admin"])
	return send(e.t, http.DefaultClient, req)
}

func (e *env) mustUpload(path, contentType string, body []byte, out *importReport) {
	e.t.Helper()
	r := e.upload(path, contentType, body, "")
	if r.Status != 200 {
		e.t.Fatalf("POST %s (%s): %d %s", path, contentType, r.Status, r.Body)
	}
	*out = importReport{}
	r.json(e.t, out)
}

// articleCount is how many articles the service holds.
func (e *env) articleCount() int {
	e.t.Helper()
	var l struct{ Items []struct{ ID int64 } }
	e.must("admin", "GET", "/api/v1/articles?limit=1000", nil, 200, &l)
	return len(l.Items)
}

func (e *env) auditCount() int {
	e.t.Helper()
	var l struct{ Items []struct{ ID int64 } }
	e.must("admin", "GET", "/api/v1/audit?limit=1000", nil, 200, &l)
	return len(l.Items)
}

const arrayBody = `[
  {"outlet": "Daily Example", "title": "One", "text": "First text.", "url": "https://dailyexample.com/1"},
  {"outlet": "nowhere.example", "title": "Two", "text": "Second text."},
  {"title": "Three", "text": "Third text.", "url": "https://www.dailyexample.com/3"},
  {"outlet": "DE", "title": "Four", "text": "First text."},
  {"title": "", "text": "No title."},
  {"outlet": "Daily Example", "title": "Six", "text": "Sixth text.", "url": "https://dailyexample.com/1"}
]`

func TestImportPreviewStoresNothing(t *testing.T) {
	e := newEnv(t)
	o := e.outlet("Daily Example", []string{"DE"}, []string{"dailyexample.com"})
	before, audits := e.articleCount(), e.auditCount()
	var rep importReport
	e.mustUpload("/api/v1/articles/import/preview", "application/json", []byte(arrayBody), &rep)
	if e.articleCount() != before || e.auditCount() != audits {
		t.Fatalf("the preview stored something")
	}
	if !rep.DryRun || rep.Format != "json" || rep.Created != 2 || rep.SkippedDuplicates != 2 || len(rep.Errors) != 2 || len(rep.Items) != 6 {
		t.Fatalf("preview %+v", rep)
	}
	want := []struct {
		line   int
		status string
		code   string
	}{{2, "created", ""}, {3, "error", "unknown_outlet"}, {4, "created", ""}, {5, "duplicate", ""}, {6, "error", "invalid"}, {7, "duplicate", ""}}
	for i, w := range want {
		it := rep.Items[i]
		if it.Line != w.line || it.Status != w.status || it.Code != w.code {
			t.Errorf("item %d = %+v, want line %d %s %s", i, it, w.line, w.status, w.code)
		}
	}
	if rep.Items[0].OutletID != o || rep.Items[0].Outlet != "Daily Example" || rep.Items[2].OutletID != o {
		t.Errorf("resolved outlets: %+v", rep.Items)
	}
	if rep.Items[3].DuplicateOfLine != 2 || rep.Items[5].DuplicateOfLine != 2 {
		t.Errorf("duplicates within the file: %+v %+v", rep.Items[3], rep.Items[5])
	}
	if !strings.Contains(rep.Items[1].Message, `"nowhere.example"`) {
		t.Errorf("no-outlet message does not name the outlet: %q", rep.Items[1].Message)
	}

	// The commit does what the preview said; then the preview sees stored duplicates.
	var done importReport
	e.mustUpload("/api/v1/articles/import", "application/json", []byte(arrayBody), &done)
	if done.Created != rep.Created || done.SkippedDuplicates != rep.SkippedDuplicates || len(done.Errors) != len(rep.Errors) || done.Errors[0].Line != 3 {
		t.Fatalf("commit %+v differs from preview %+v", done, rep)
	}
	e.mustUpload("/api/v1/articles/import/preview", "application/json", []byte(arrayBody), &rep)
	if rep.Created != 0 || rep.SkippedDuplicates != 4 || rep.Items[0].ExistingID != done.IDs[0] {
		t.Fatalf("preview after commit %+v", rep)
	}
}

func TestImportFormats(t *testing.T) {
	e := newEnv(t)
	o := e.outlet("Daily Example", []string{"DE"}, []string{"dailyexample.com"})
	other := e.outlet("Other Post", nil, []string{"otherpost.example"})

	t.Run("OK JSON array, and again changes nothing", func(t *testing.T) {
		var rep importReport
		e.mustUpload("/api/v1/articles/import", "application/json", []byte(arrayBody), &rep)
		if rep.Format != "json" || rep.Created != 2 || len(rep.Errors) != 2 || rep.Errors[1].Line != 6 || rep.Errors[1].Field != "title" {
			t.Fatalf("import %+v", rep)
		}
		n, audits := e.articleCount(), e.auditCount()
		e.mustUpload("/api/v1/articles/import?format=json", "application/octet-stream", []byte(arrayBody), &rep)
		if rep.Created != 0 || rep.SkippedDuplicates != 4 || e.articleCount() != n || e.auditCount() != audits {
			t.Fatalf("re-import %+v", rep)
		}
	})
	t.Run("OK NDJSON stays the default, with a default outlet", func(t *testing.T) {
		body := "{\"title\": \"N1\", \"text\": \"ndjson one\"}\n\n{\"title\": \"N2\", \"text\": \"ndjson two\", \"outlet\": \"DE\"}\n"
		var rep importReport
		e.mustUpload("/api/v1/articles/import?outlet="+itoa(other), "application/json", []byte(body), &rep)
		if rep.Format != "ndjson" || rep.Created != 2 || len(rep.Errors) != 0 {
			t.Fatalf("ndjson %+v", rep)
		}
		var a struct {
			OutletID int64 `json:"outlet_id"`
		}
		e.must("admin", "GET", "/api/v1/articles/"+itoa(rep.IDs[0]), nil, 200, &a)
		if a.OutletID != other {
			t.Fatalf("default outlet not used: %d", a.OutletID)
		}
		e.must("admin", "GET", "/api/v1/articles/"+itoa(rep.IDs[1]), nil, 200, &a)
		if a.OutletID != o {
			t.Fatalf("the line's own outlet lost to the default: %d", a.OutletID)
		}
	})
	t.Run("OK plain text: title from the first line", func(t *testing.T) {
		body := []byte("Headline of the text\r\n\r\nFirst paragraph.\r\n\r\nSecond paragraph.\r\n")
		var rep importReport
		e.mustUpload("/api/v1/articles/import?outlet=Daily%20Example", "text/plain; charset=utf-8", body, &rep)
		if rep.Format != "text" || rep.Created != 1 {
			t.Fatalf("text %+v", rep)
		}
		var a struct{ Title, Text string }
		e.must("admin", "GET", "/api/v1/articles/"+itoa(rep.IDs[0]), nil, 200, &a)
		if a.Title != "Headline of the text" || a.Text != "First paragraph.\n\nSecond paragraph." {
			t.Fatalf("stored %+v", a)
		}
		e.mustUpload("/api/v1/articles/import?outlet=Daily%20Example", "text/plain", body, &rep)
		if rep.Created != 0 || rep.SkippedDuplicates != 1 {
			t.Fatalf("re-import %+v", rep)
		}
	})
	t.Run("OK pasted text with a title and a URL that names the outlet", func(t *testing.T) {
		var rep importReport
		e.mustUpload("/api/v1/articles/import?format=text&title=Pasted&url=https://news.otherpost.example/a", "application/octet-stream", []byte("All of this is the text.\nEven this."), &rep)
		if rep.Created != 1 {
			t.Fatalf("paste %+v", rep)
		}
		var a struct {
			Title, Text string
			OutletID    int64 `json:"outlet_id"`
		}
		e.must("admin", "GET", "/api/v1/articles/"+itoa(rep.IDs[0]), nil, 200, &a)
		if a.Title != "Pasted" || a.Text != "All of this is the text.\nEven this." || a.OutletID != other {
			t.Fatalf("stored %+v", a)
		}
	})
	t.Run("ErrTextWithoutOutlet", func(t *testing.T) {
		var rep importReport
		e.mustUpload("/api/v1/articles/import", "text/plain", []byte("Title\n\nText without an outlet."), &rep)
		if rep.Created != 0 || len(rep.Errors) != 1 || rep.Errors[0].Code != "unknown_outlet" || rep.Errors[0].Line != 1 {
			t.Fatalf("no outlet %+v", rep)
		}
	})
	t.Run("OK HTML: title, paragraphs, outlet from the canonical URL", func(t *testing.T) {
		page := []byte(`<!doctype html><html><head><title>Star denies it</title>
<link rel="canonical" href="https://www.dailyexample.com/star"></head>
<body><nav><p>Menu</p></nav><script>var x = "<p>no</p>"</script>
<p>First   paragraph
with a line break in the source.</p><p>Second&nbsp;one &amp; more.</p></body></html>`)
		var rep importReport
		e.mustUpload("/api/v1/articles/import/preview", "text/html", page, &rep)
		if rep.Format != "html" || len(rep.Items) != 1 || rep.Items[0].Status != "created" || rep.Items[0].OutletID != o || rep.Items[0].Title != "Star denies it" {
			t.Fatalf("preview %+v", rep)
		}
		e.mustUpload("/api/v1/articles/import?filename=star.html", "application/octet-stream", page, &rep)
		if rep.Created != 1 {
			t.Fatalf("html %+v", rep)
		}
		var a struct {
			Title, Text, URL string
		}
		e.must("admin", "GET", "/api/v1/articles/"+itoa(rep.IDs[0]), nil, 200, &a)
		if a.Title != "Star denies it" || a.Text != "First paragraph with a line break in the source.\n\nSecond one & more." || a.URL != "https://www.dailyexample.com/star" {
			t.Fatalf("stored %+v", a)
		}
		e.mustUpload("/api/v1/articles/import", "text/html", page, &rep)
		if rep.Created != 0 || rep.SkippedDuplicates != 1 {
			t.Fatalf("re-import %+v", rep)
		}
	})
	t.Run("ErrHTMLWithoutParagraphs", func(t *testing.T) {
		var rep importReport
		e.mustUpload("/api/v1/articles/import?outlet=DE", "text/html", []byte("<title>T</title><div>no paragraphs</div>"), &rep)
		if len(rep.Errors) != 1 || rep.Errors[0].Field != "text" {
			t.Fatalf("%+v", rep)
		}
	})
	t.Run("ErrNulCharacter", func(t *testing.T) {
		body := "{\"outlet\": \"DE\", \"title\": \"Nul\", \"text\": \"a\\u0000b\"}\n{\"outlet\": \"DE\", \"title\": \"Fine\", \"text\": \"no nul here\"}\n"
		for _, p := range []string{"/api/v1/articles/import/preview", "/api/v1/articles/import"} {
			var rep importReport
			e.mustUpload(p, "application/x-ndjson", []byte(body), &rep)
			if rep.Created != 1 || len(rep.Errors) != 1 || rep.Errors[0].Line != 1 || rep.Errors[0].Field != "text" {
				t.Fatalf("%s: %+v", p, rep)
			}
		}
	})
	t.Run("ErrUnknownFormat", func(t *testing.T) {
		r := e.upload("/api/v1/articles/import?format=xml", "application/xml", []byte("<a/>"), "")
		if r.Status != 422 || r.errCode() != "invalid" {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	})
	t.Run("ErrTooLarge", func(t *testing.T) {
		big := bytes.Repeat([]byte("x"), 5<<20)
		for _, p := range []string{"/api/v1/articles/import?format=text&outlet=DE", "/api/v1/articles/import/preview?format=text&outlet=DE"} {
			if r := e.upload(p, "text/plain", big, ""); r.Status != 413 || r.errCode() != "too_large" {
				t.Fatalf("%s: %d %.200s", p, r.Status, r.Body)
			}
		}
	})
	t.Run("ErrNotAdmin", func(t *testing.T) {
		e.must("reviewer", "POST", "/api/v1/articles/import/preview", arrayBody, 403, nil)
	})
}

func TestImportStreamsProgress(t *testing.T) {
	e := newEnv(t)
	e.outlet("Daily Example", nil, []string{"dailyexample.com"})
	var b strings.Builder
	for i := range 40 {
		b.WriteString(`{"outlet": "Daily Example", "title": "T", "text": "streamed ` + itoa(int64(i)) + `"}` + "\n")
	}
	b.WriteString("not json\n")
	r := e.upload("/api/v1/articles/import", "application/x-ndjson", []byte(b.String()), "application/x-ndjson")
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-ndjson") {
		t.Fatalf("%d %s %s", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	var progress int
	var result *importReport
	sc := bufio.NewScanner(bytes.NewReader(r.Body))
	for sc.Scan() {
		var msg struct {
			Progress *struct{ Items, Bytes, Total int64 }
			Result   *importReport
			Error    any
		}
		if err := json.Unmarshal(sc.Bytes(), &msg); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		switch {
		case msg.Progress != nil:
			progress++
			if msg.Progress.Total != int64(b.Len()) {
				t.Fatalf("progress total %d, want %d", msg.Progress.Total, b.Len())
			}
		case msg.Result != nil:
			result = msg.Result
		default:
			t.Fatalf("unexpected line %s", sc.Text())
		}
	}
	if progress == 0 || result == nil || result.Created != 40 || len(result.Errors) != 1 || result.Errors[0].Line != 41 {
		t.Fatalf("progress lines %d, result %+v", progress, result)
	}
}

// TestImportReportIsBounded: a file of many bad lines gets exact counts but a bounded list.
func TestImportReportIsBounded(t *testing.T) {
	e := newEnv(t)
	body := strings.Repeat("{}\n", imports.MaxReportedLines+200)
	for _, p := range []string{"/api/v1/articles/import", "/api/v1/articles/import/preview"} {
		var rep struct {
			Errors     []struct{ Line int }
			Items      []struct{ Line int }
			ErrorCount int  `json:"error_count"`
			Truncated  bool `json:"truncated"`
		}
		e.must("admin", "POST", p, body, 200, &rep)
		if rep.ErrorCount != imports.MaxReportedLines+200 || len(rep.Errors) != imports.MaxReportedLines || !rep.Truncated ||
			rep.Errors[imports.MaxReportedLines-1].Line != imports.MaxReportedLines {
			t.Fatalf("%s: %d errors listed of %d, truncated %v", p, len(rep.Errors), rep.ErrorCount, rep.Truncated)
		}
		if strings.HasSuffix(p, "preview") && len(rep.Items) != imports.MaxReportedLines {
			t.Fatalf("preview lists %d items", len(rep.Items))
		}
	}
}

// TestImportOfNothing: a body with no article in it (empty, blank lines, an empty array, a
// byte order mark alone) is
// refused with 422 invalid and a message that says so, instead of a report of nothing, on
// the import and its preview, answered whole or streamed; nothing is stored or audited.
func TestImportOfNothing(t *testing.T) {
	e := newEnv(t)
	e.outlet("Daily Example", nil, []string{"dailyexample.com"})
	before, audits := e.articleCount(), e.auditCount()
	for _, path := range []string{"/api/v1/articles/import", "/api/v1/articles/import/preview"} {
		for _, c := range []struct{ body, contentType string }{
			{"", "application/x-ndjson"}, {"\n", "application/x-ndjson"}, {"  \n\r\n\t\n", "application/x-ndjson"},
			{"", "application/json"}, {"[]", "application/json"}, {" [ ]\n", "application/json"},
			// a byte order mark alone, as an editor saving "UTF-8 with BOM" writes an empty file
			{"\uFEFF", "application/x-ndjson"}, {"\uFEFF\r\n\n", "application/x-ndjson"}, {"\uFEFF", "application/json"}, {"\uFEFF[]", "application/json"},
		} {
			body := c.body
			r := e.upload(path, c.contentType, []byte(body), "")
			if r.Status != 422 || r.errCode() != "invalid" || !strings.Contains(string(r.Body), "no article") {
				t.Errorf("%s %q: %d %s", path, body, r.Status, r.Body)
			}
			r = e.upload(path, c.contentType, []byte(body), "application/x-ndjson")
			var last struct {
				Error *struct{ Code, Message string }
			}
			lines := bytes.Split(bytes.TrimSpace(r.Body), []byte("\n"))
			if err := json.Unmarshal(lines[len(lines)-1], &last); err != nil || last.Error == nil || last.Error.Code != "invalid" {
				t.Errorf("%s %q streamed: %d %s", path, body, r.Status, r.Body)
			}
		}
	}
	if e.articleCount() != before || e.auditCount() != audits {
		t.Fatalf("an import of nothing stored something")
	}
	// One article is still an import.
	var rep importReport
	e.mustUpload("/api/v1/articles/import", "application/x-ndjson", []byte(`{"outlet": "Daily Example", "title": "T", "text": "one"}`+"\n"), &rep)
	if rep.Created != 1 {
		t.Fatalf("one article: %+v", rep)
	}
}
