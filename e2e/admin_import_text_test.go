package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/chromedp/chromedp"
)

// TestAdminImportPlainTextTitleAndDate (issue 17, item 11): a plain-text file whose first line
// is a whole paragraph previews with a short title and keeps that paragraph in the text; a
// "date 2021-12-04 …" line becomes the publication date; a title typed for a file wins; the
// preview headers do not wrap letter by letter.
func TestAdminImportPlainTextTitleAndDate(t *testing.T) {
	needBrowser(t)
	c := adminClient(t)
	name := unique("E2E Text")
	var o outlet
	c.must(t, "POST", "/api/v1/outlets", map[string]any{"name": name}, &o)
	para := "The harbour board met on Monday evening to settle the future of the old pier, and after hours of argument that ran well past ten o'clock the members voted to repair it rather than pull it down. " + name + "."
	file := filepath.Join(t.TempDir(), "pier.txt")
	if err := os.WriteFile(file, []byte("date 2021-12-04 · harbour desk\n"+para+"\n\nRepairs start in spring.\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	p := openAdmin(t, "imports")
	p.do(chromedp.EmulateViewport(1280, 800))
	p.do(chromedp.SetUploadFiles(chromedp.CSS("#import-files"), []string{file}))
	p.do(chromedp.SendKeys(chromedp.CSS("#import-outlet"), name))
	p.do(chromedp.Click(chromedp.CSS("#import-preview")))
	p.waitFor("the preview", `document.getElementById('import-status').textContent.startsWith('Preview:')`)
	title := eval[string](p, `document.querySelector('#import-rows tr').cells[3].textContent`)
	if n := utf8.RuneCountInString(title); n > 101 || !strings.HasPrefix(title, "The harbour board met on Monday") {
		t.Errorf("the preview title is %q (%d characters), want a short title from the first sentence", title, n)
	}
	if h := eval[float64](p, `Math.max(...[...document.querySelectorAll('#import-table th')].map((th) => th.getBoundingClientRect().height))`); h > 40 {
		t.Errorf("a preview header is %.0f px tall: its words wrap", h)
	}
	p.screenshot("admin-import-text-1280", false)

	// A typed title wins over the detected one.
	p.do(chromedp.SendKeys(chromedp.CSS("#import-title"), "Pier to be repaired"))
	p.do(chromedp.Click(chromedp.CSS("#import-preview")))
	p.waitFor("the second preview", `document.getElementById('import-status').textContent.startsWith('Preview:') && document.querySelector('#import-rows tr').cells[3].textContent === 'Pier to be repaired'`)
	p.do(chromedp.Click(chromedp.CSS("#import-commit")))
	p.waitFor("the import", `document.getElementById('import-status').textContent.startsWith('Imported: 1 new article')`)

	var l struct{ Items []article }
	c.must(t, "GET", "/api/v1/articles?outlet_id="+o.ID.String(), nil, &l)
	if len(l.Items) != 1 {
		t.Fatalf("%d articles stored, want 1", len(l.Items))
	}
	a := c.article(t, l.Items[0].ID)
	var full struct {
		Title       string  `json:"title"`
		Text        string  `json:"text"`
		PublishedAt *string `json:"published_at"`
	}
	c.must(t, "GET", "/api/v1/articles/"+a.ID.String(), nil, &full)
	if full.Title != "Pier to be repaired" {
		t.Errorf("stored title %q", full.Title)
	}
	if !strings.HasPrefix(full.Text, para) {
		t.Errorf("the first paragraph was dropped from the text: %q", full.Text)
	}
	if full.PublishedAt == nil || !strings.HasPrefix(*full.PublishedAt, "2021-12-04") {
		t.Errorf("published_at %v, want 2021-12-04 from the date line", full.PublishedAt)
	}
}
