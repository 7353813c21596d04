package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestNarrowResearcherAndAdminPages: on a phone (390 px) no researcher or admin page is wider
// than the screen (the header's links wrap, the scores' charts shrink to it), and the admin
// tables, whose header row is hidden there, name each cell's column.
func TestNarrowResearcherAndAdminPages(t *testing.T) {
	needBrowser(t)
	o := scoredOutlet(t, "The Narrow Gazette", "2024-07-01T08:00:00Z")
	p := newPage(t)
	p.signInPage(adminEmail, env.adminPass)
	p.do(chromedp.EmulateViewport(390, 844))
	pages := []struct{ path, ready string }{
		{"/scores", `document.body.dataset.state === 'ready' && document.querySelectorAll('#charts canvas').length === 4`},
		{"/outlets/" + o.ID.String(), `document.body.dataset.state === 'ready'`},
		{"/downloads", `document.body.dataset.state === 'ready'`},
	}
	for _, tab := range []string{"outlets", "users", "imports", "assignments", "audit", "models"} {
		pages = append(pages, struct{ path, ready string }{"/admin/" + tab,
			fmt.Sprintf(`document.body.dataset.state === 'ready' && document.getElementById('panel-%s').dataset.loaded === 'true'`, tab)})
	}
	for _, pg := range pages {
		p.do(chromedp.Navigate(env.base + pg.path))
		p.waitFor(pg.path, pg.ready)
		wide := eval[string](p, `[...document.querySelectorAll('body *')].filter((e) => !e.parentElement.closest('.table-wrap') && e.getBoundingClientRect().right > 391)
			.slice(0, 5).map((e) => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ')`)
		if sw := eval[int](p, `document.documentElement.scrollWidth`); sw > 390 {
			t.Errorf("%s is %d px wide on a 390 px screen: %s %s", pg.path, sw, wide, eval[string](p, `innerWidth + ' ' + [...document.querySelectorAll('body *')].filter((e) => e.scrollWidth > 391 || e.getBoundingClientRect().right > 391).slice(0, 12).map((e) => e.tagName + '#' + e.id + '.' + e.className + ' sw' + e.scrollWidth + ' r' + Math.round(e.getBoundingClientRect().right)).join(', ')`))
		}
	}
	// The last page is the models': its figures say which column they are.
	unlabelled := eval[int](p, `[...document.querySelectorAll('#models-by-label td.num')].filter((td) => td.textContent && !td.dataset.label).length`)
	labelled := eval[int](p, `document.querySelectorAll('#models-by-label td[data-label="Precision"]').length`)
	if unlabelled > 0 || labelled == 0 {
		t.Errorf("on a phone the models' figures are not named by column: %d unlabelled, %d precision cells labelled", unlabelled, labelled)
	}
}

// TestAuditMergeEntryKeepsToThePage: a merge's entry holds both outlets as JSON, a long run
// without spaces; opened, it wraps within the page instead of making the audit trail wider
// than the window.
func TestAuditMergeEntryKeepsToThePage(t *testing.T) {
	needBrowser(t)
	c := adminClient(t)
	var keep, gone outlet
	c.must(t, "POST", "/api/v1/outlets", map[string]any{"name": fmt.Sprintf("E2EAuditKeep%dWithAVeryLongNameAndNoBreaks", time.Now().UnixNano())}, &keep)
	c.must(t, "POST", "/api/v1/outlets", map[string]any{"name": fmt.Sprintf("E2EAuditGone%dWithAVeryLongNameAndNoBreaks", time.Now().UnixNano())}, &gone)
	c.must(t, "POST", "/api/v1/outlets/"+gone.ID.String()+"/merge", map[string]any{"into_id": keep.ID}, nil)

	p := openAdmin(t, "audit")
	p.do(chromedp.EmulateViewport(1366, 900))
	p.selectOption("#audit-action", "merge")
	p.waitFor("the merge entries", `!!document.querySelector('#audit-rows tr[data-action="merge"][data-entity="outlet"]') && [...document.querySelectorAll('#audit-rows > tr')].every((r) => r.dataset.action === 'merge')`)
	p.do(chromedp.Click(chromedp.CSS(`#audit-rows tr[data-action="merge"] details summary`)))
	p.waitFor("the entry's change table", `document.querySelector('#audit-rows tr[data-action="merge"] details').open`)
	if sw, w := eval[int](p, `document.documentElement.scrollWidth`), eval[int](p, `innerWidth`); sw > w {
		t.Errorf("with a merge entry open the audit trail is %d px wide in a %d px window", sw, w)
	}
}
