package e2e

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A new outlet gets its feeds in the create dialog, with the feeds box the editor has: the
// service stores the feeds sent with POST /outlets, and a feed it refuses is shown beside the
// box with nothing created.
func TestAdminCreateOutletWithFeeds(t *testing.T) {
	needBrowser(t)
	c := adminClient(t)
	name := unique("E2E New Feeds")
	feeds := []string{"https://new-feeds.example/" + strings.ReplaceAll(name, " ", "-") + "/rss.xml", "https://new-feeds.example/sitemap.xml"}

	p := openAdmin(t, "outlets")
	p.do(chromedp.Click(chromedp.CSS("#outlet-new")))
	p.waitFor("the new outlet's dialog with a feeds box", `document.getElementById('outlet-dialog').open && !!document.querySelector('#outlet-dialog #outlet-feeds-urls')`)
	p.do(chromedp.SendKeys(chromedp.CSS("#of-name"), name))
	p.do(chromedp.SendKeys(chromedp.CSS("#outlet-feeds-urls"), "not a feed"))
	p.do(chromedp.Click(chromedp.CSS("#outlet-save")))
	p.waitFor("the refused feed's message beside the box", `document.getElementById('outlet-feeds-urls').getAttribute('aria-invalid') === 'true'
		&& document.getElementById('outlet-feeds-urls-error')?.textContent.includes('not a feed')`)
	if !eval[bool](p, `document.getElementById('outlet-dialog').open`) {
		t.Fatal("the dialog closed on a refused feed")
	}
	var found struct {
		Items []outlet `json:"items"`
	}
	c.must(t, "GET", "/api/v1/outlets?q="+url.QueryEscape(name), nil, &found)
	if len(found.Items) != 0 {
		t.Fatalf("a refused feed still created the outlet: %+v", found.Items)
	}

	p.do(chromedp.SetValue(chromedp.CSS("#outlet-feeds-urls"), strings.Join(feeds, "\n")))
	p.do(chromedp.Click(chromedp.CSS("#outlet-save")))
	p.waitFor("the outlet to be created", fmt.Sprintf(`!document.getElementById('outlet-dialog').open && document.getElementById('outlet-status').textContent === %s`, jsString("Created "+name+".")))
	var got struct {
		Items []struct {
			ID    json.Number `json:"id"`
			Name  string      `json:"name"`
			Feeds []string    `json:"feeds"`
		} `json:"items"`
	}
	c.must(t, "GET", "/api/v1/outlets?q="+url.QueryEscape(name), nil, &got)
	if len(got.Items) != 1 || strings.Join(got.Items[0].Feeds, " ") != strings.Join(feeds, " ") {
		t.Fatalf("the new outlet as stored: %+v, want the feeds %v", got.Items, feeds)
	}

	// Opened again, the new outlet is edited with the feeds it was created with.
	p.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`#outlet-rows tr[data-outlet-id="%s"] [data-action="edit"]`, got.Items[0].ID))))
	p.waitFor("the editor with the new outlet's feeds", `document.getElementById('outlet-dialog').open && document.querySelector('#outlet-feeds .feed-list')?.dataset.state === 'ready'`)
	if v := eval[string](p, `document.getElementById('outlet-feeds-urls').value`); v != strings.Join(feeds, "\n") {
		t.Fatalf("the editor's feeds box holds %q", v)
	}
}

// Admins may use the downloads page (the page and the export routes take admins): the
// admin's header links to it, as the researchers' does, and it opens for them.
func TestAdminHeaderLinksDownloads(t *testing.T) {
	needBrowser(t)
	p := openAdmin(t, "outlets")
	if !eval[bool](p, `!!document.querySelector('header nav[aria-label="Main"] a[href="/downloads"]')`) {
		t.Fatalf("the admin's header has no Downloads link: %q", eval[string](p, `document.querySelector('header nav').textContent`))
	}
	p.do(chromedp.Click(chromedp.CSS(`header nav a[href="/downloads"]`)))
	p.waitFor("the downloads page", `location.pathname === '/downloads' && document.body.dataset.state === 'ready' && document.querySelectorAll('#download-links a[href]').length > 0`)
}

// The articles ticked in the assignments section stay ticked when the section is shown again
// (another section in between), and the count of selected articles says so.
func TestAdminAssignSelectionSurvivesSections(t *testing.T) {
	needBrowser(t)
	c := adminClient(t)
	name := unique("E2E Keep Ticks")
	var o outlet
	c.must(t, "POST", "/api/v1/outlets", map[string]any{"name": name}, &o)
	var arts [3]article
	for i := range arts {
		c.must(t, "POST", "/api/v1/articles", map[string]any{"outlet_id": o.ID, "title": "Ticked " + []string{"alpha", "bravo", "charlie"}[i], "text": fmt.Sprintf("Text %d for %s.", i, name)}, &arts[i])
	}
	box := func(a article) string { return fmt.Sprintf(`#assign-articles input[data-article-id="%s"]`, a.ID) }

	p := openAdmin(t, "assignments")
	p.selectOption("#assign-outlet", o.ID.String())
	p.waitFor("the outlet's articles", `document.querySelectorAll('#assign-articles input[type=checkbox]').length === 3`)
	p.do(chromedp.Click(chromedp.CSS(box(arts[0]))), chromedp.Click(chromedp.CSS(box(arts[2]))))
	p.waitFor("the count of two", `document.getElementById('assign-count')?.textContent === '2 articles selected'`)

	// Away to the outlets and back: the list is read again (new elements), ticks kept.
	eval[bool](p, `(document.querySelectorAll('#assign-articles li').forEach((li) => { li.dataset.before = 'true'; }), true)`)
	p.do(chromedp.Click(chromedp.CSS("#tab-outlets")))
	p.waitFor("the outlets section", `!document.getElementById('panel-outlets').hidden && document.getElementById('panel-assignments').hidden`)
	p.do(chromedp.Click(chromedp.CSS("#tab-assignments")))
	p.waitFor("the assignments read again", `!document.getElementById('panel-assignments').hidden && !document.querySelector('#assign-articles li[data-before]')
		&& document.querySelectorAll('#assign-articles input[type=checkbox]').length === 3`)
	got := eval[string](p, `[...document.querySelectorAll('#assign-articles input:checked')].map((i) => i.dataset.articleId).join(' ')`)
	if want := arts[0].ID.String() + " " + arts[2].ID.String(); got != want {
		t.Fatalf("ticked after returning to the section: %q, want %q", got, want)
	}
	if n := eval[string](p, `document.getElementById('assign-count').textContent`); n != "2 articles selected" {
		t.Fatalf("the count after returning says %q", n)
	}

	// The count follows Select all shown and a tick hidden by the search.
	p.do(chromedp.SendKeys(chromedp.CSS("#assign-search"), "bravo"))
	p.waitFor("the search to show one article", `[...document.querySelectorAll('#assign-articles li')].filter((li) => !li.hidden).length === 1`)
	p.waitFor("the count with hidden ticks", `document.getElementById('assign-count').textContent === '2 articles selected (2 not shown by the search)'`)
	p.do(chromedp.Click(chromedp.CSS("#assign-all-articles")))
	p.waitFor("the count of three", `document.getElementById('assign-count').textContent === '3 articles selected (2 not shown by the search)'`)
}
