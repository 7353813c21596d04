package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAdminAuditShowsAReadableDiffInTheAPIsNames (issue 17, item 13): an outlet's change and
// an article's creation read as field / before / after in the API's field names ("homepage",
// "outlet_id", "url"), never as stored names ("OutletID", "URL") in a JSON dump.
func TestAdminAuditShowsAReadableDiffInTheAPIsNames(t *testing.T) {
	needBrowser(t)
	c := adminClient(t)
	var o outlet
	c.must(t, "POST", "/api/v1/outlets", map[string]any{"name": unique("E2E Audit")}, &o)
	c.must(t, "PATCH", "/api/v1/outlets/"+o.ID.String(), map[string]any{"homepage": "https://audit.example/"}, nil)
	var a article
	c.must(t, "POST", "/api/v1/articles", map[string]any{"outlet_id": o.ID, "title": "Audited", "text": "An audited text.", "url": unique("https://audit.example/a")}, &a)

	p := openAdmin(t, "audit")
	p.do(chromedp.EmulateViewport(1280, 800))
	fields := func(entity string, id string) []string {
		return eval[[]string](p, fmt.Sprintf(`(() => { const r = [...document.querySelectorAll('#audit-rows tr[data-entity="%s"]')].find((tr) => tr.cells[3].textContent === '%s #%s' && tr.dataset.action !== 'create' || (tr.cells[3].textContent === '%s #%s' && '%s' === 'article'));
			if (!r) return ['(no row)']; r.querySelector('details').open = true; return [...r.querySelectorAll('.audit-diff tbody th')].map((th) => th.textContent).concat(r.querySelector('pre') ? ['(json dump)'] : []); })()`, entity, entity, id, entity, id, entity))
	}
	p.waitFor("the outlet's change", fmt.Sprintf(`!!document.querySelector('#audit-rows tr[data-entity="outlet"]') && [...document.querySelectorAll('#audit-rows tr')].some((tr) => tr.cells[3] && tr.cells[3].textContent === 'outlet #%s')`, o.ID))
	if got := fields("outlet", o.ID.String()); len(got) != 1 || got[0] != "homepage" {
		t.Errorf("the outlet's homepage change lists fields %v, want [homepage]", got)
	}
	got := fields("article", a.ID.String())
	joined := strings.Join(got, ",")
	for _, want := range []string{"outlet_id", "title", "url"} {
		if !contains(got, want) {
			t.Errorf("the article's creation lists %v, want %q among them", got, want)
		}
	}
	if strings.ContainsAny(joined, "ABCDEFGHIJKLMNOPQRSTUVWXYZ{") || strings.Contains(joined, "json dump") {
		t.Errorf("stored field names or a JSON dump in the audit trail: %v", got)
	}
	p.screenshot("admin-audit-1280", false)

	// The action filter: only updates are listed, and the downloads carry the same filter.
	eval[bool](p, `(() => { const s = document.getElementById('audit-action'); s.value = 'update'; s.dispatchEvent(new Event('change')); return true; })()`)
	p.waitFor("only updates listed", fmt.Sprintf(`(() => { const rs = [...document.querySelectorAll('#audit-rows tr[data-action]')];
		return rs.length > 0 && rs.every((tr) => tr.dataset.action === 'update') && rs.some((tr) => tr.cells[3].textContent === 'outlet #%s'); })()`, o.ID))
	if href := eval[string](p, `document.getElementById('audit-csv').getAttribute('href')`); !strings.Contains(href, "action=update") {
		t.Errorf("the CSV download %q does not carry the action filter", href)
	}
}

// TestAdminAssignmentArticleSearch (issue 17, item 13): the assignment article list has a
// search box, and "Select all shown" ticks only the articles it shows.
func TestAdminAssignmentArticleSearch(t *testing.T) {
	needBrowser(t)
	c := adminClient(t)
	var o outlet
	c.must(t, "POST", "/api/v1/outlets", map[string]any{"name": unique("E2E Assign Search")}, &o)
	word := "Zebrafinch" + o.ID.String()
	var a article
	c.must(t, "POST", "/api/v1/articles", map[string]any{"outlet_id": o.ID, "title": word + " spotted", "text": "A rare bird was seen. " + word}, &a)
	p := openAdmin(t, "assignments")
	p.waitFor("the article list", fmt.Sprintf(`!!document.querySelector('#assign-articles input[data-article-id="%s"]')`, a.ID))
	p.do(chromedp.SendKeys(chromedp.CSS("#assign-search"), strings.ToLower(word)))
	p.waitFor("the search", `[...document.querySelectorAll('#assign-articles li')].filter((li) => !li.hidden).length === 1`)
	p.do(chromedp.Click(chromedp.CSS("#assign-all-articles")))
	if got := eval[[]string](p, `[...document.querySelectorAll('#assign-articles input:checked')].map((i) => i.value)`); len(got) != 1 || got[0] != a.ID.String() {
		t.Errorf("after searching and selecting all shown, ticked %v, want only %s", got, a.ID)
	}
}
