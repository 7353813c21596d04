package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// openAdmin signs the admin in and opens one section of the admin console.
func openAdmin(t *testing.T, tab string) *page {
	t.Helper()
	p := newPage(t)
	p.signInPage(adminEmail, env.adminPass)
	p.do(chromedp.Navigate(env.base + "/admin/" + tab))
	p.waitFor("the "+tab+" section", fmt.Sprintf(`document.getElementById('panel-%s').dataset.loaded === 'true' && !document.getElementById('panel-%s').hidden`, tab, tab))
	return p
}

// unique makes names that no other test (or earlier run on the same database) uses.
func unique(prefix string) string {
	return fmt.Sprintf("%s %d", prefix, time.Now().UnixNano())
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// selectOption picks an option of a <select> as a person would, firing its change event.
func (p *page) selectOption(sel, value string) {
	p.t.Helper()
	if !eval[bool](p, fmt.Sprintf(`(() => { const s = document.querySelector(%s); if (!s || ![...s.options].some((o) => o.value === %s)) return false;
		s.value = %s; s.dispatchEvent(new Event('change', { bubbles: true })); return true; })()`, jsString(sel), jsString(value), jsString(value))) {
		p.t.Fatalf("no option %q in %s\n%s", value, sel, p.diagnostics())
	}
}

func TestAdminMergeOutlets(t *testing.T) {
	needBrowser(t)
	c := adminClient(t)
	keep, gone := unique("E2E Keep"), unique("E2E Gone")
	var a, b outlet
	c.must(t, "POST", "/api/v1/outlets", map[string]any{"name": keep}, &a)
	c.must(t, "POST", "/api/v1/outlets", map[string]any{"name": gone, "aliases": []string{gone + " Online"}}, &b)
	var art article
	c.must(t, "POST", "/api/v1/articles", map[string]any{"outlet_id": b.ID, "title": "Merged away", "text": "A text of " + gone + "."}, &art)

	p := openAdmin(t, "outlets")
	p.do(chromedp.SendKeys(chromedp.CSS("#outlet-search"), strings.TrimPrefix(gone, "E2E Gone ")))
	row := fmt.Sprintf(`#outlet-rows tr[data-outlet-id="%s"]`, b.ID)
	p.waitFor("the search to find the outlet", fmt.Sprintf(`document.querySelectorAll('#outlet-rows tr').length === 1 && !!document.querySelector('%s')`, row))
	p.do(chromedp.Click(chromedp.CSS(row + ` [data-action="merge"]`)))
	p.waitFor("the merge dialog", `document.getElementById('merge-dialog').open && document.getElementById('merge-into').options.length > 1`)
	p.selectOption("#merge-into", a.ID.String())
	p.waitFor("the merge preview", `!!document.getElementById('merge-moves') && !document.getElementById('merge-confirm').disabled`)
	moves := eval[string](p, `document.getElementById('merge-moves').textContent`)
	if !strings.Contains(moves, "Moves 1 article") || !strings.Contains(moves, gone+" Online") {
		t.Fatalf("the preview does not say what moves: %q", moves)
	}
	p.do(chromedp.Click(chromedp.CSS("#merge-confirm")))
	p.waitFor("the merge to finish", `!document.getElementById('merge-dialog').open && document.getElementById('outlet-status').textContent.startsWith('Merged')`)

	if err := c.do(t.Context(), "GET", "/api/v1/outlets/"+b.ID.String(), nil, nil); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("the merged outlet still exists: %v", err)
	}
	var kept outlet
	c.must(t, "GET", "/api/v1/outlets/"+a.ID.String(), nil, &kept)
	if !contains(kept.Aliases, gone) || !contains(kept.Aliases, gone+" Online") {
		t.Fatalf("the kept outlet lacks the old names as aliases: %+v", kept)
	}
	if moved := c.article(t, art.ID); moved.OutletName != keep {
		t.Fatalf("the article is credited to %q, want %q", moved.OutletName, keep)
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func TestAdminImportFileWithOneBadLine(t *testing.T) {
	needBrowser(t)
	c := adminClient(t)
	name := unique("E2E Import")
	var o outlet
	c.must(t, "POST", "/api/v1/outlets", map[string]any{"name": name}, &o)
	lines := []string{
		fmt.Sprintf(`{"outlet": %s, "title": "Imported one", "text": "First imported text of %s."}`, jsString(name), name),
		`{"outlet": ` + jsString(name) + `, "text": "This line has no title."}`,
		fmt.Sprintf(`{"outlet": %s, "title": "Imported two", "text": "Second imported text of %s."}`, jsString(name), name),
	}
	file := filepath.Join(t.TempDir(), "articles.ndjson")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		var l struct{ Items []article }
		c.must(t, "GET", "/api/v1/articles?limit=1000&outlet_id="+o.ID.String(), nil, &l)
		return len(l.Items)
	}

	p := openAdmin(t, "imports")
	p.do(chromedp.SetUploadFiles(chromedp.CSS("#import-files"), []string{file}))
	p.do(chromedp.Click(chromedp.CSS("#import-preview")))
	p.waitFor("the preview", `document.getElementById('import-status').textContent.startsWith('Preview:')`)
	rows := eval[string](p, `[...document.querySelectorAll('#import-rows tr')].map((r) => r.dataset.line + ':' + r.dataset.status).join(' ')`)
	if rows != "1:created 2:error 3:created" {
		t.Fatalf("preview rows %q\n%s", rows, p.diagnostics())
	}
	if n := count(); n != 0 {
		t.Fatalf("the preview stored %d articles", n)
	}
	if msg := eval[string](p, `document.querySelector('#import-rows tr[data-status="error"]').textContent`); !strings.Contains(msg, "title") {
		t.Fatalf("the bad line's error does not say what is wrong: %q", msg)
	}

	p.do(chromedp.Click(chromedp.CSS("#import-commit")))
	p.waitFor("the import", `document.getElementById('import-status').textContent.startsWith('Imported:')`)
	status := eval[string](p, `document.getElementById('import-status').textContent`)
	if !strings.Contains(status, "2 new articles") || !strings.Contains(status, "1 line with errors") {
		t.Fatalf("import summary %q", status)
	}
	if rows := eval[string](p, `[...document.querySelectorAll('#import-rows tr')].map((r) => r.dataset.line + ':' + r.dataset.status).join(' ')`); rows != "2:error" {
		t.Fatalf("after the import the page lists %q, want the bad line", rows)
	}
	if n := count(); n != 2 {
		t.Fatalf("%d articles stored, want 2", n)
	}

	// The same file again changes nothing.
	p.do(chromedp.Click(chromedp.CSS("#import-preview")))
	p.waitFor("the second preview", `document.getElementById('import-status').textContent.startsWith('Preview: 0 new articles, 2 duplicates')`)
	if !eval[bool](p, `document.getElementById('import-commit').disabled`) {
		t.Fatalf("nothing new to import, yet the import button is enabled")
	}
}

func TestAdminAssignArticlesFillsTheQueue(t *testing.T) {
	needBrowser(t)
	c := adminClient(t)
	email, password := newReviewer(t, "Assigned Reviewer")
	var users struct {
		Items []user `json:"items"`
	}
	c.must(t, "GET", "/api/v1/users?limit=1000", nil, &users)
	var reviewer user
	for _, u := range users.Items {
		if u.Email == email {
			reviewer = u
		}
	}
	name := unique("E2E Assign")
	var o outlet
	c.must(t, "POST", "/api/v1/outlets", map[string]any{"name": name}, &o)
	var a1, a2 article
	c.must(t, "POST", "/api/v1/articles", map[string]any{"outlet_id": o.ID, "title": "To review first", "text": "First text for " + name + "."}, &a1)
	c.must(t, "POST", "/api/v1/articles", map[string]any{"outlet_id": o.ID, "title": "To review second", "text": "Second text for " + name + "."}, &a2)

	p := openAdmin(t, "assignments")
	p.selectOption("#assign-outlet", o.ID.String())
	p.waitFor("the outlet's articles", `document.querySelectorAll('#assign-articles input[type=checkbox]').length === 2`)
	p.do(chromedp.Click(chromedp.CSS("#assign-all-articles")))
	p.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`#assign-reviewers input[data-reviewer-id="%s"]`, reviewer.ID))))
	p.do(chromedp.Click(chromedp.CSS("#assign-submit")))
	p.waitFor("the assignment", `document.getElementById('assign-status').textContent.startsWith('Assigned: 2 new assignments')`)
	p.waitFor("the progress table", fmt.Sprintf(`document.querySelector('#progress-reviewer-rows tr[data-reviewer-id="%s"] td.num')?.textContent === '2'`, reviewer.ID))
	// The same again creates nothing, and says the pairs were assigned before (not that two
	// reviewers had them: there is one).
	p.do(chromedp.Click(chromedp.CSS("#assign-submit")))
	p.waitFor("the second assignment", `document.getElementById('assign-status').textContent.startsWith('Assigned: 0 new assignments')`)
	if st := eval[string](p, `document.getElementById('assign-status').textContent`); st != "Assigned: 0 new assignments; 2 were assigned already." {
		t.Errorf("assigning twice says %q", st)
	}

	r := newPage(t)
	r.signInPage(email, password)
	r.waitFor("the queue", `document.querySelectorAll('#queue-list .queue-item').length >= 2`)
	got := eval[string](r, `[...document.querySelectorAll('#queue-list .queue-item')].slice(0, 2).map((li) => li.querySelector('.queue-title').textContent + '|' + !!li.querySelector('.tag-assigned')).join(' ')`)
	if got != "To review first|true To review second|true" {
		t.Fatalf("the reviewer's queue starts with %q", got)
	}
}
