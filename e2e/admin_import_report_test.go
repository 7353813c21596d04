package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
)

// download clicks a link as a person would and answers the file it saved, polling the
// download folder until a complete file with the given ending appears.
func (p *page) download(t *testing.T, link, ext string) string {
	t.Helper()
	dir := t.TempDir()
	p.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir})
		return err
	}))
	p.do(chromedp.Click(chromedp.CSS(link)))
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		files, _ := filepath.Glob(filepath.Join(dir, "*"+ext))
		if len(files) == 1 {
			b, err := os.ReadFile(files[0])
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no %s file was downloaded from %s", ext, link)
	return ""
}

// TestAdminImportReportListsTitlesAndDuplicatesAsCSV (issue 17, item 12): after an import a
// failed line shows the title it had, a second import of the same file lists each skipped
// duplicate (not only a count), and the report downloads as CSV with formula cells
// neutralised.
func TestAdminImportReportListsTitlesAndDuplicatesAsCSV(t *testing.T) {
	needBrowser(t)
	c := adminClient(t)
	name := unique("E2E Report")
	c.must(t, "POST", "/api/v1/outlets", map[string]any{"name": name}, nil)
	lines := []string{
		fmt.Sprintf(`{"outlet": %s, "title": "Reported one", "text": "First reported text of %s."}`, jsString(name), name),
		`{"outlet": ` + jsString(name) + `, "title": "=SUM(A1) has no text", "text": ""}`,
		fmt.Sprintf(`{"outlet": %s, "title": "Reported two", "text": "Second reported text of %s."}`, jsString(name), name),
	}
	file := filepath.Join(t.TempDir(), "report.ndjson")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rowsJS := `[...document.querySelectorAll('#import-rows tr')].map((r) => r.dataset.line + ':' + r.dataset.status + ':' + r.cells[3].textContent).join(' | ')`

	p := openAdmin(t, "imports")
	p.do(chromedp.EmulateViewport(1280, 800))
	p.do(chromedp.SetUploadFiles(chromedp.CSS("#import-files"), []string{file}))
	p.do(chromedp.Click(chromedp.CSS("#import-preview")))
	p.waitFor("the preview", `document.getElementById('import-status').textContent.startsWith('Preview:')`)
	p.do(chromedp.Click(chromedp.CSS("#import-commit")))
	p.waitFor("the import", `document.getElementById('import-status').textContent.startsWith('Imported:')`)
	if got, want := eval[string](p, rowsJS), "2:error:=SUM(A1) has no text"; got != want {
		t.Errorf("after the import the report lists %q, want %q (the failed line with its title)", got, want)
	}

	// The same file again: both articles are duplicates now, and each is listed.
	p.do(chromedp.Click(chromedp.CSS("#import-preview")))
	p.waitFor("the second preview", `document.getElementById('import-status').textContent.startsWith('Preview:')`)
	eval[bool](p, `document.getElementById('import-commit').disabled = false; true`)
	p.do(chromedp.Click(chromedp.CSS("#import-commit")))
	p.waitFor("the second import", `document.getElementById('import-status').textContent.startsWith('Imported:')`)
	want := "1:duplicate:Reported one | 2:error:=SUM(A1) has no text | 3:duplicate:Reported two"
	if got := eval[string](p, rowsJS); got != want {
		t.Errorf("the second import lists %q, want %q", got, want)
	}
	p.screenshot("admin-import-report-1280", false)

	if !eval[bool](p, `!document.getElementById('import-csv').hidden && document.getElementById('import-csv').download.endsWith('.csv')`) {
		t.Fatal("no CSV download of the report")
	}
	csv := p.download(t, "#import-csv", ".csv")
	for _, want := range []string{"file,line,result,title,outlet,url,existing_id,details\r\n", "report.ndjson,1,duplicate,Reported one,", ",2,error,'=SUM(A1) has no text,", "report.ndjson,3,duplicate,Reported two,"} {
		if !strings.Contains(csv, want) {
			t.Errorf("the CSV lacks %q:\n%s", want, csv)
		}
	}
}
