package e2e

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAdminImportURLsPreviewShowsEachURL (issue 18): article URLs pasted one a line on the
// import page are previewed one row per URL; the service (run without --feed-allow-private)
// refuses a page on a loopback address, and the row says so; a URL that is not http(s) is
// refused as a whole with the service's message, and nothing is stored.
func TestAdminImportURLsPreviewShowsEachURL(t *testing.T) {
	needBrowser(t)
	c := adminClient(t)
	name := unique("E2E URLs")
	var o outlet
	c.must(t, "POST", "/api/v1/outlets", map[string]any{"name": name}, &o)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("<html><head><title>Not to be read</title></head><body><p>An internal page.</p></body></html>"))
	}))
	defer site.Close()

	p := openAdmin(t, "imports")
	p.do(chromedp.EmulateViewport(1280, 800))
	p.do(chromedp.Click(chromedp.CSS("#urls-box summary")))
	p.do(chromedp.SendKeys(chromedp.CSS("#import-urls"), site.URL+"/a\n\n"+site.URL+"/b\n"))
	p.do(chromedp.SendKeys(chromedp.CSS("#import-outlet"), name))
	p.do(chromedp.Click(chromedp.CSS("#import-preview")))
	p.waitFor("the preview", `document.getElementById('import-status').textContent.startsWith('Preview:')`)
	rows := eval[[]string](p, `[...document.querySelectorAll('#import-rows tr')].map((tr) => tr.dataset.status + ' ' + tr.cells[0].textContent + ' ' + tr.cells[5].textContent)`)
	if len(rows) != 2 {
		t.Fatalf("%d rows for 2 URLs: %q", len(rows), rows)
	}
	for i, r := range rows {
		if !strings.HasPrefix(r, "error "+site.URL) || !strings.Contains(r, "refused") {
			t.Errorf("row %d = %q, want the URL refused as a loopback address", i+1, r)
		}
	}
	p.screenshot("admin-import-urls-1280", false)

	p.do(chromedp.SendKeys(chromedp.CSS("#import-urls"), "ftp://example.com/x\n"))
	p.do(chromedp.Click(chromedp.CSS("#import-preview")))
	p.waitFor("the refusal", `document.getElementById('import-status').textContent.includes('absolute http or https URL')`)

	var l struct{ Items []article }
	c.must(t, "GET", "/api/v1/articles?outlet_id="+o.ID.String(), nil, &l)
	if len(l.Items) != 0 {
		t.Fatalf("%d articles stored from refused URLs", len(l.Items))
	}
}
