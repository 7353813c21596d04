package e2e

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestScoresDownloadsCarryTheFilters: the scores page offers the table it shows, with its
// filters, as CSV and JSON (the CSV holding the same outlets as the table, saved under the
// name the service gives it), and links the downloads page with those filters set; the
// downloads page has the layer and the reviewers left out, which used to be on the scores
// page alone, so a consensus-layer file could not be downloaded from the page at all; an
// outlet's page links the downloads of that outlet.
func TestScoresDownloadsCarryTheFilters(t *testing.T) {
	needBrowser(t)
	o := scoredOutlet(t, "The Filtered Courier", "2024-06-01T08:00:00Z")
	email, password := newResearcher(t)
	p := newPage(t)
	p.signInPage(email, password)
	p.do(chromedp.Navigate(env.base + "/scores"))
	p.waitFor("the scores", `document.body.dataset.state === 'ready' && document.querySelectorAll('#outlet-body tr').length > 0`)
	p.do(chromedp.SendKeys(chromedp.CSS("#f-exclude"), "1"))
	p.do(chromedp.Click(chromedp.CSS(`#filters button[type="submit"]`)))
	p.waitFor("the filtered scores", `document.body.dataset.state === 'ready' && document.getElementById('status').textContent.includes('excluding reviewers 1')`)

	href := eval[string](p, `document.getElementById('dl-scores-csv').getAttribute('href') || ''`)
	u, err := url.Parse(href)
	if err != nil || u.Path != "/api/v1/scores/outlets" || u.Query().Get("exclude_reviewers") != "1" || u.Query().Get("format") != "csv" {
		t.Fatalf("the table's CSV link %q does not carry its filters", href)
	}
	type got struct {
		Rows, TableRows int
		Name, Download  string
	}
	g := evalAwait[got](p, `(async () => {
		const a = document.getElementById('dl-scores-csv');
		const res = await fetch(a.href);
		const text = await res.text();
		const name = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') || '');
		return { Rows: text.trim().split('\n').length - 1, TableRows: document.querySelectorAll('#outlet-body tr').length,
			Name: name ? name[1] : '', Download: a.getAttribute('download') || '' };
	})()`)
	if g.Rows != g.TableRows || g.Rows == 0 {
		t.Errorf("the table's CSV holds %d outlets, the table %d", g.Rows, g.TableRows)
	}
	if g.Name == "" || g.Name != g.Download {
		t.Errorf("the CSV link saves as %q, the service names the file %q", g.Download, g.Name)
	}

	// The scores' layer and exclusions reach the downloads page.
	p.selectOption("#f-layer", "consensus")
	p.do(chromedp.Click(chromedp.CSS(`#filters button[type="submit"]`)))
	p.waitFor("the consensus scores", `document.body.dataset.state === 'ready' && document.getElementById('status').textContent.includes('consensus layer')`)
	p.do(chromedp.Click(chromedp.CSS("#dl-all")))
	p.waitFor("the downloads page", `location.pathname === '/downloads' && document.body.dataset.state === 'ready'`)
	if v := eval[string](p, `document.getElementById('f-layer').value + ' ' + document.getElementById('f-exclude').value`); v != "consensus 1" {
		t.Fatalf("the downloads page's layer and exclusions are %q, want the scores page's (consensus 1)", v)
	}
	links := eval[[]downloadLink](p, `[...document.querySelectorAll('#download-links a')].map(a => ({Label: a.getAttribute('aria-label') || '', Text: a.textContent, Download: a.getAttribute('download') || '', Href: a.getAttribute('href')}))`)
	checked := 0
	for _, l := range links {
		q := mustQuery(t, l.Href)
		switch {
		case strings.HasPrefix(l.Label, "Outlet scores,"), strings.HasPrefix(l.Label, "Article scores,"):
			checked++
			if q.Get("layer") != "consensus" || q.Get("exclude_reviewers") != "1" || !strings.Contains(l.Download, "_layer-consensus_") {
				t.Errorf("%s: %s saved as %s, without the layer or the exclusions", l.Label, l.Href, l.Download)
			}
		case strings.HasPrefix(l.Label, "Annotations,"):
			checked++
			if q.Get("layer") != "consensus" || q.Has("exclude_reviewers") {
				t.Errorf("%s: %s, want the layer and no exclusions (the export has every reviewer)", l.Label, l.Href)
			}
		}
	}
	if checked < 7 {
		t.Fatalf("only %d score and annotation links among %+v", checked, links)
	}
	if cite := eval[string](p, `document.getElementById('citation-text').textContent`); !strings.Contains(cite, "consensus") {
		t.Errorf("the suggested citation of consensus-layer files does not say so: %q", cite)
	}

	// An outlet's page links the downloads of that outlet, in its layer.
	p.do(chromedp.Navigate(fmt.Sprintf("%s/outlets/%s?layer=consensus", env.base, o.ID)))
	p.waitFor("the outlet page", `document.body.dataset.state === 'ready'`)
	want := fmt.Sprintf("/downloads?outlet_id=%s&layer=consensus", o.ID)
	if got := eval[string](p, `document.getElementById('outlet-downloads').getAttribute('href')`); got != want {
		t.Errorf("the outlet's downloads link is %q, want %q", got, want)
	}
}

// evalAwait evaluates an expression whose value is a promise, and decodes what it resolves to.
func evalAwait[T any](p *page, js string) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("evaluating %s: %v\n%s", abbreviate(js), err, p.diagnostics())
	}
	return v
}

func mustQuery(t *testing.T, href string) url.Values {
	t.Helper()
	u, err := url.Parse(href)
	if err != nil {
		t.Fatalf("link %q: %v", href, err)
	}
	return u.Query()
}

// TestBadFiltersAreRefusedOnThePage: a filter the service would refuse does not give links
// that save its error as a ".csv"; the downloads page says what is wrong beside the form and
// keeps the links that do not use the filter. On the scores page the refused query's error
// replaces the last table (which was for other filters) and marks the field.
func TestBadFiltersAreRefusedOnThePage(t *testing.T) {
	needBrowser(t)
	scoredOutlet(t, "The Refusing Herald", "2024-08-01T08:00:00Z")
	email, password := newResearcher(t)
	p := newPage(t)
	p.signInPage(email, password)
	p.do(chromedp.Navigate(env.base + "/downloads"))
	p.waitFor("the downloads page", `document.body.dataset.state === 'ready'`)
	p.do(chromedp.SendKeys(chromedp.CSS("#f-outlet"), "3,abc"))
	p.waitFor("the filter's error", `!document.getElementById('filter-error').hidden`)
	if msg := eval[string](p, `document.getElementById('filter-error').textContent`); !strings.Contains(msg, "outlet_id") || !strings.Contains(msg, "3,abc") {
		t.Errorf("the filter's error does not say what is wrong: %q", msg)
	}
	if inv := eval[string](p, `document.getElementById('f-outlet').getAttribute('aria-invalid') || ''`); inv != "true" {
		t.Errorf("the outlet field is not marked invalid")
	}
	links := eval[[]downloadLink](p, `[...document.querySelectorAll('#download-links a')].map(a => ({Label: a.getAttribute('aria-label') || '', Text: a.textContent, Download: a.getAttribute('aria-disabled') || '', Href: a.getAttribute('href') || ''}))`)
	for _, l := range links {
		usesOutlet := strings.HasPrefix(l.Label, "Outlet scores") || strings.HasPrefix(l.Label, "Article scores") || strings.HasPrefix(l.Label, "Annotations")
		if usesOutlet && (l.Href != "" || l.Download != "true") {
			t.Errorf("%s still links %q with a refused filter", l.Label, l.Href)
		}
		if !usesOutlet && l.Href == "" {
			t.Errorf("%s lost its link though it has no outlet filter", l.Label)
		}
	}
	p.do(chromedp.SendKeys(chromedp.CSS("#f-outlet"), "\b\b\b\b"))
	p.waitFor("the links back", `document.getElementById('filter-error').hidden && [...document.querySelectorAll('#download-links a')].every((a) => a.getAttribute('href'))`)

	p.do(chromedp.Navigate(env.base + "/scores"))
	p.waitFor("the scores", `document.body.dataset.state === 'ready' && document.querySelectorAll('#outlet-body tr').length > 0`)
	p.do(chromedp.SendKeys(chromedp.CSS("#f-exclude"), "abc"))
	p.do(chromedp.Click(chromedp.CSS(`#filters button[type="submit"]`)))
	p.waitFor("the refusal", `document.body.dataset.state === 'ready' && !document.getElementById('error').hidden`)
	if shown := eval[bool](p, `!document.getElementById('table-box').hidden || !document.getElementById('table-downloads').hidden`); shown {
		t.Errorf("the last table and its downloads still show under filters the service refused")
	}
	if inv := eval[string](p, `document.getElementById('f-exclude').getAttribute('aria-invalid') || ''`); inv != "true" {
		t.Errorf("the refused field is not marked")
	}
}
