package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// An import whose only news is an edited text of a stored URL makes a new revision: its
// preview says so and the Import button takes it, where it used to say "0 new articles" and
// keep the button disabled, so a revision could not be imported from the page at all.
func TestAdminImportRevisionOnly(t *testing.T) {
	needBrowser(t)
	c := adminClient(t)
	name := unique("E2E Revision")
	var o outlet
	c.must(t, "POST", "/api/v1/outlets", map[string]any{"name": name}, &o)
	url := fmt.Sprintf("https://revision.example/%s", strings.ReplaceAll(name, " ", "-"))
	var a article
	c.must(t, "POST", "/api/v1/articles", map[string]any{"outlet_id": o.ID, "title": "Before the edit", "url": url, "text": "The first text of " + name + "."}, &a)
	line, _ := json.Marshal(map[string]any{"outlet": name, "title": "After the edit", "url": url, "text": "The corrected text of " + name + "."})
	file := filepath.Join(t.TempDir(), "edited.ndjson")
	if err := os.WriteFile(file, append(line, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}

	p := openAdmin(t, "imports")
	p.do(chromedp.SetUploadFiles(chromedp.CSS("#import-files"), []string{file}))
	p.do(chromedp.Click(chromedp.CSS("#import-preview")))
	p.waitFor("the preview", `document.getElementById('import-status').textContent.startsWith('Preview:')`)
	if st := eval[string](p, `document.getElementById('import-status').textContent`); !strings.Contains(st, "1 new revision") {
		t.Fatalf("the preview does not say the file revises a stored article: %q", st)
	}
	if rows := eval[string](p, `[...document.querySelectorAll('#import-rows tr')].map((r) => r.dataset.status).join(' ')`); rows != "updated" {
		t.Fatalf("preview rows %q, want one revision", rows)
	}
	if eval[bool](p, `document.getElementById('import-commit').disabled`) {
		t.Fatal("the preview found a revision to import, yet the Import button is disabled")
	}
	p.do(chromedp.Click(chromedp.CSS("#import-commit")))
	p.waitFor("the import", `document.getElementById('import-status').textContent.startsWith('Imported:')`)
	if st := eval[string](p, `document.getElementById('import-status').textContent`); !strings.Contains(st, "1 new revision") {
		t.Fatalf("the import summary does not count the revision: %q", st)
	}
	var got struct {
		Text     string `json:"text"`
		Revision int    `json:"revision"`
	}
	c.must(t, "GET", "/api/v1/articles/"+a.ID.String(), nil, &got)
	if got.Revision != 2 || !strings.Contains(got.Text, "corrected") {
		t.Fatalf("article after the import: revision %d, text %q", got.Revision, got.Text)
	}
}

// Saving an outlet's feeds is the editor's own change: a later save of its fields must go
// through, not report that "someone else changed this outlet".
func TestAdminSaveFeedsThenFields(t *testing.T) {
	needBrowser(t)
	c := adminClient(t)
	name := unique("E2E Feeds")
	var o outlet
	c.must(t, "POST", "/api/v1/outlets", map[string]any{"name": name}, &o)

	p := openAdmin(t, "outlets")
	p.do(chromedp.SendKeys(chromedp.CSS("#outlet-search"), strings.TrimPrefix(name, "E2E Feeds ")))
	row := fmt.Sprintf(`#outlet-rows tr[data-outlet-id="%s"]`, o.ID)
	p.waitFor("the search to find the outlet", fmt.Sprintf(`document.querySelectorAll('#outlet-rows tr').length === 1 && !!document.querySelector('%s')`, row))
	p.do(chromedp.Click(chromedp.CSS(row + ` [data-action="edit"]`)))
	p.waitFor("the editor with its feeds", `document.getElementById('outlet-dialog').open && document.querySelector('#outlet-feeds .feed-list').dataset.state === 'ready'`)
	feed := "https://feeds.example/" + o.ID.String() + ".xml"
	p.do(chromedp.SendKeys(chromedp.CSS("#outlet-feeds-urls"), feed))
	p.do(chromedp.Click(chromedp.CSS(`#outlet-feeds button.small-btn`))) // Save feeds, the first
	p.waitFor("the feed to be saved", fmt.Sprintf(`[...document.querySelectorAll('#outlet-feeds td')].some((td) => td.textContent === %s)`, jsString(feed)))
	p.do(chromedp.SendKeys(chromedp.CSS("#of-country"), "NZ"))
	p.do(chromedp.Click(chromedp.CSS("#outlet-save")))
	p.waitFor("the save to end", `!document.getElementById('outlet-dialog').open || !document.getElementById('outlet-conflict').hidden || !document.getElementById('outlet-form-error').hidden`)
	if !eval[bool](p, `document.getElementById('outlet-conflict').hidden`) {
		t.Fatalf("saving after one's own feed change reports a conflict:\n%s", eval[string](p, `document.getElementById('outlet-conflict').textContent`))
	}
	var got struct {
		Country string   `json:"country"`
		Feeds   []string `json:"feeds"`
	}
	c.must(t, "GET", "/api/v1/outlets/"+o.ID.String(), nil, &got)
	if got.Country != "NZ" || len(got.Feeds) != 1 || got.Feeds[0] != feed {
		t.Fatalf("outlet after both saves: %+v", got)
	}
}

// Each section shows what another section (or another admin) changed when it is shown again,
// without a reload: the imports' outlet list, the assignments' outlet filter and the audit
// trail's people.
func TestAdminSectionsShowChangesWithoutReload(t *testing.T) {
	needBrowser(t)
	c := adminClient(t)
	p := openAdmin(t, "imports")
	for _, tab := range []string{"assignments", "audit"} {
		p.do(chromedp.Click(chromedp.CSS("#tab-" + tab)))
		p.waitFor("the "+tab+" section", fmt.Sprintf(`document.getElementById('panel-%s').dataset.loaded === 'true' && !document.getElementById('panel-%s').hidden`, tab, tab))
	}
	name := unique("E2E Fresh")
	var o outlet
	c.must(t, "POST", "/api/v1/outlets", map[string]any{"name": name}, &o)
	email, _ := newReviewer(t, "Fresh Reviewer")

	show := func(tab string) {
		p.do(chromedp.Click(chromedp.CSS("#tab-outlets")))
		p.waitFor("the outlets section", `!document.getElementById('panel-outlets').hidden`)
		p.do(chromedp.Click(chromedp.CSS("#tab-" + tab)))
	}
	show("imports")
	p.waitFor("the new outlet among the imports' outlets", fmt.Sprintf(`[...document.querySelectorAll('#outlet-names option')].some((o) => o.value === %s)`, jsString(name)))
	show("assignments")
	p.waitFor("the new outlet in the assignments' filter", fmt.Sprintf(`[...document.querySelectorAll('#assign-outlet option')].some((o) => o.value === %s)`, jsString(o.ID.String())))
	show("audit")
	p.waitFor("the new account among the audit trail's people", fmt.Sprintf(`[...document.querySelectorAll('#audit-actor option')].some((o) => o.textContent.includes(%s))`, jsString(email)))
}

// After saving an outlet or merging one into another, the keyboard is back on the kept
// outlet's row, not on the page's body (the table is drawn anew, so the button that opened
// the dialog is gone and the browser had nowhere to return).
func TestAdminOutletFocusAfterSaveAndMerge(t *testing.T) {
	needBrowser(t)
	c := adminClient(t)
	tag := strings.TrimPrefix(unique("Focus"), "Focus ")
	var keep, gone outlet
	c.must(t, "POST", "/api/v1/outlets", map[string]any{"name": "E2E Focus Keep " + tag}, &keep)
	c.must(t, "POST", "/api/v1/outlets", map[string]any{"name": "E2E Focus Gone " + tag}, &gone)

	p := openAdmin(t, "outlets")
	p.do(chromedp.SendKeys(chromedp.CSS("#outlet-search"), tag))
	p.waitFor("the search to find both", `document.querySelectorAll('#outlet-rows tr[data-outlet-id]').length === 2`)
	keepEdit := fmt.Sprintf(`#outlet-rows tr[data-outlet-id="%s"] [data-action="edit"]`, keep.ID)
	focused := fmt.Sprintf(`document.activeElement === document.querySelector('%s')`, keepEdit)

	p.do(chromedp.Click(chromedp.CSS(keepEdit)))
	p.waitFor("the editor", `document.getElementById('outlet-dialog').open && document.activeElement.id === 'of-name'`)
	p.do(chromedp.SendKeys(chromedp.CSS("#of-country"), "IE"))
	p.do(chromedp.Click(chromedp.CSS("#outlet-save")))
	p.waitFor("the save", `!document.getElementById('outlet-dialog').open && document.getElementById('outlet-status').textContent.startsWith('Saved')`)
	p.waitFor("the focus back on the outlet's Edit button", focused)

	p.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`#outlet-rows tr[data-outlet-id="%s"] [data-action="merge"]`, gone.ID))))
	p.waitFor("the merge dialog", `document.getElementById('merge-dialog').open && document.getElementById('merge-into').options.length > 1`)
	p.selectOption("#merge-into", keep.ID.String())
	p.waitFor("the merge preview", `!document.getElementById('merge-confirm').disabled`)
	p.do(chromedp.Click(chromedp.CSS("#merge-confirm")))
	p.waitFor("the merge", `!document.getElementById('merge-dialog').open && document.getElementById('outlet-status').textContent.startsWith('Merged')`)
	p.waitFor("the focus on the kept outlet's Edit button", focused)
}

// The section tabs work from the keyboard: arrows to the neighbours (wrapping), Home and End
// to the first and last, each showing its section, focused, with the address following.
func TestAdminTabsByKeyboard(t *testing.T) {
	needBrowser(t)
	p := openAdmin(t, "outlets")
	p.do(chromedp.Focus(chromedp.CSS("#tab-outlets")))
	for _, step := range []struct{ key, name, tab string }{
		{kb.ArrowRight, "ArrowRight", "users"}, {kb.End, "End", "models"}, {kb.ArrowRight, "ArrowRight", "outlets"},
		{kb.ArrowLeft, "ArrowLeft", "models"}, {kb.Home, "Home", "outlets"},
	} {
		p.key(step.key)
		p.waitFor("the "+step.tab+" tab by "+step.name, fmt.Sprintf(`document.activeElement.id === 'tab-%[1]s' && !document.getElementById('panel-%[1]s').hidden
			&& document.getElementById('tab-%[1]s').getAttribute('aria-selected') === 'true' && location.pathname === '/admin/%[1]s'`, step.tab))
	}
}
