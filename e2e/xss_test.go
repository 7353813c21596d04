package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestStoredScriptStaysInert stores script in an outlet name, an article title and text, a
// note and a source, then opens every page that shows them: no script runs (the payloads would
// set window.__xss) and the text reads literally.
func TestStoredScriptStaysInert(t *testing.T) {
	admin := adminClient(t)
	payload := func(n string) string {
		return `<img src=x onerror="window.__xss='` + n + `'"><script>window.__xss='` + n + `'</script>`
	}
	var o outlet
	name := unique("Evil") + " " + payload("outlet") // unique: the e2e service outlives one run (-count)
	admin.must(t, "POST", "/api/v1/outlets", map[string]any{"name": name}, &o)
	var a article
	text := "Plain words first. " + payload("text") + " and the rest of the article, which a reviewer annotates."
	admin.must(t, "POST", "/api/v1/articles", map[string]any{"outlet_id": o.ID, "title": "Title " + payload("title"), "text": text}, &a)
	email, pw := newReviewer(t, "Xena Xss")
	rev := signIn(t, email, pw)
	start := cpIndex(text, "<img", 0)
	rev.must(t, "POST", "/api/v1/articles/"+a.ID.String()+"/annotations", map[string]any{
		"label": "sourced_fact", "start": start, "end": start + 20, "note": "Note " + payload("note"),
		"source": map[string]any{"text": "Source " + payload("source"), "url": "https://example.org/s"},
	}, nil)
	rev.must(t, "POST", "/api/v1/articles/"+a.ID.String()+"/regions", map[string]any{"kind": "quote", "start": 0, "end": 18, "origin_outlet_id": json.Number(o.ID)}, nil)
	rev.must(t, "POST", "/api/v1/articles/"+a.ID.String()+"/complete", nil, nil) // so the outlet has scores

	p := newPage(t)
	p.signInPage(email, pw)
	check := func(where string, mustShow ...string) {
		t.Helper()
		if v := eval[string](p, `String(window.__xss ?? '')`); v != "" {
			t.Fatalf("%s: stored script ran (window.__xss = %q)", where, v)
		}
		if n := eval[int](p, `document.querySelectorAll('img[src="x"], body script:not([src])').length`); n != 0 {
			t.Fatalf("%s: %d elements were parsed from stored text", where, n)
		}
		body := eval[string](p, `document.body.innerText`)
		for _, s := range mustShow {
			if !strings.Contains(body, s) {
				t.Errorf("%s: the page does not show %q literally", where, s)
			}
		}
	}
	check("queue")
	p.openArticle(a.ID)
	check("article", "<script>window.__xss='title'</script>", "<img src=x onerror=")
	p.screenshot("xss-article", false)

	ap := newPage(t)
	ap.do(
		chromedp.Navigate(env.base+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), adminEmail),
		chromedp.SendKeys(chromedp.CSS("#password"), env.adminPass),
		chromedp.Click(chromedp.CSS("#login-submit")),
	)
	ap.waitFor("sign-in", `location.pathname !== '/login'`)
	// Each page: wait for its ready marker (and the admin section's data), then require the
	// outlet's name on it literally, so the test fails if the payload never reached the page
	// instead of passing on a page that had not rendered yet.
	outletsLoaded := `document.getElementById('panel-outlets').dataset.loaded === 'true'`
	for _, pg := range []struct{ path, ready string }{
		{"/admin", outletsLoaded},
		{"/admin/outlets", outletsLoaded},
		{"/scores", `document.querySelector('#outlet-body tr[data-outlet-id="` + o.ID.String() + `"]') !== null`},
		{"/outlets/" + o.ID.String(), `true`},
	} {
		ap.do(chromedp.Navigate(env.base + pg.path))
		ap.waitFor(pg.path+" to be ready", `document.body.dataset.state === 'ready' && `+pg.ready)
		if body := eval[string](ap, `document.body.innerText`); !strings.Contains(body, name) {
			t.Errorf("%s does not show the outlet's name literally", pg.path)
		}
		if v := eval[string](ap, `String(window.__xss ?? '')`); v != "" {
			t.Fatalf("%s: stored script ran (window.__xss = %q)", pg.path, v)
		}
		if n := eval[int](ap, `document.querySelectorAll('img[src="x"], body script:not([src])').length`); n != 0 {
			t.Fatalf("%s: %d elements were parsed from stored text", pg.path, n)
		}
	}
}
