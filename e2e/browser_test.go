package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// page is one browser tab, signed in as one reviewer.
type page struct {
	t     testing.TB
	ctx   context.Context
	close func()
}

// newPage starts a headless Chromium of its own (own profile, so own cookies and storage).
func newPage(t testing.TB) *page {
	t.Helper()
	return newPageWithProfile(t, t.TempDir())
}

// newPageWithProfile starts Chromium on a given profile directory, so a later browser can find
// the cookies and localStorage an earlier one left.
func newPageWithProfile(t testing.TB, profile string) *page {
	t.Helper()
	needBrowser(t)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(env.chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("lang", "en-GB"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1366, 900),
	)
	ctx, cancel := chromedp.NewContext(alloc)
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			cancelAlloc()
		})
	}
	t.Cleanup(stop)
	// The first Run starts the browser; it must not carry a timeout of its own.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return &page{t: t, ctx: ctx, close: stop}
}

// do runs steps with a bound on how long they may take.
func (p *page) do(steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		p.t.Fatalf("browser: %v\n%s", err, p.diagnostics())
	}
}

// eval evaluates a JavaScript expression and decodes its value into T.
func eval[T any](p *page, js string) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		p.t.Fatalf("evaluating %s: %v\n%s", abbreviate(js), err, p.diagnostics())
	}
	return v
}

// waitFor polls a JavaScript predicate until it holds.
func (p *page) waitFor(what, predicate string) {
	p.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	// A predicate that throws (an element the page has not rendered yet, read while it loads)
	// would end the poll at once: it counts as not yet true, and its last error is shown if
	// the wait times out.
	guarded := `(() => { try { return (` + predicate + `); } catch (e) { window.__waitError = String(e); return false; } })()`
	for {
		ctx, cancel := context.WithDeadline(p.ctx, deadline)
		_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](guarded, chromedp.WithPollingInterval(50*time.Millisecond)))
		cancel()
		if err == nil {
			return
		}
		// A poll does not survive a navigation (sign-in, reload): start it again on the new page.
		if time.Now().Before(deadline) && (strings.Contains(err.Error(), "navigated") || strings.Contains(err.Error(), "context was destroyed") || strings.Contains(err.Error(), "Cannot find context")) {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		p.t.Fatalf("waiting for %s (%s): %v\n%s", what, abbreviate(predicate), err, p.diagnostics())
	}
}

// diagnostics tells what the page showed when a step failed.
func (p *page) diagnostics() string {
	ctx, cancel := context.WithTimeout(p.ctx, 3*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify({url: location.href, state: document.body && document.body.dataset.state,
		save: (document.getElementById('save-status')||{}).textContent, toast: (document.getElementById('toast')||{}).textContent,
		error: (document.getElementById('load-error')||{}).textContent, predicateError: window.__waitError})`))
	if err != nil {
		return "(page state unavailable: " + err.Error() + ")"
	}
	return "page: " + s
}

func abbreviate(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 160 {
		return s[:160] + "…"
	}
	return s
}

// signInPage signs in through the sign-in form and waits for the page the role lands on (the
// queue for reviewers, the scores for researchers, the admin console for admins).
func (p *page) signInPage(email, password string) {
	p.t.Helper()
	p.do(
		chromedp.Navigate(env.base+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		// A reused profile may have filled the form in already.
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](`document.getElementById('email').value = ''; document.getElementById('password').value = ''; true`)(ctx, t)
			return err
		}),
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS("#login-submit")),
	)
	p.waitFor("the role's page after sign-in", `location.pathname !== '/login' && (location.pathname === '/queue' ? document.getElementById('progress-text').textContent !== 'Loading…' : document.body.dataset.state === 'ready')`)
}

// openArticle opens the annotation view and waits until it is ready for selection.
func (p *page) openArticle(id json.Number) {
	p.t.Helper()
	p.do(chromedp.Navigate(fmt.Sprintf("%s/articles/%s", env.base, id)))
	p.waitReady()
	p.waitSettled()
}

// waitSettled waits for what the article page draws after it is ready: the suggestions and
// the reprinted passages arrive by their own requests, and drawing them can move the text
// (the suggestions' toggle appears above it). A test that works out where a word is on the
// screen must do so after that, or its mouse lands on another line.
func (p *page) waitSettled() {
	p.t.Helper()
	p.waitFor("the suggestions and reprints to be drawn", `!!document.body.dataset.suggestions && !!document.body.dataset.reprints`)
}

func (p *page) waitReady() {
	p.t.Helper()
	p.waitFor("the article to be ready", `document.body.dataset.state === 'ready' || document.body.dataset.state === 'error'`)
	if st := eval[string](p, `document.body.dataset.state`); st != "ready" {
		p.t.Fatalf("the article page failed to load\n%s", p.diagnostics())
	}
}

func (p *page) reload() {
	p.t.Helper()
	p.do(chromedp.Reload())
	p.waitReady()
}

// waitSaved waits until every change has reached the service.
func (p *page) waitSaved() {
	p.t.Helper()
	p.waitFor("all changes to be saved", `document.getElementById('save-status').dataset.saveState === 'saved'`)
}

// selectUTF16 puts the DOM selection on [start, end) of the article text, counting UTF-16 units
// over the text nodes of #article-text in order, as a mouse selection would.
func (p *page) selectUTF16(start, end int) string {
	p.t.Helper()
	return eval[string](p, fmt.Sprintf(`(() => {
		const root = document.getElementById('article-text');
		const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
		let pos = 0, a = null, b = null;
		for (let n = w.nextNode(); n; n = w.nextNode()) {
			const len = n.data.length;
			if (!a && %[1]d < pos + len) a = [n, %[1]d - pos];
			if (!b && %[2]d <= pos + len) b = [n, %[2]d - pos];
			pos += len;
		}
		const sel = getSelection();
		sel.setBaseAndExtent(a[0], a[1], b[0], b[1]);
		return sel.toString();
	})()`, start, end))
}

// selectCP selects the passage [start, end) given in code points of text.
func (p *page) selectCP(text string, start, end int) string {
	p.t.Helper()
	return p.selectUTF16(utf16Offset(text, start), utf16Offset(text, end))
}

// pieceText joins the text of every highlight piece carrying an annotation id.
func (p *page) pieceText(container string, id json.Number) string {
	p.t.Helper()
	return eval[string](p, fmt.Sprintf(`[...document.querySelectorAll('%s [data-annotation-id="%s"]')].map((e) => e.textContent).join('')`, container, id))
}

func (p *page) key(keys string, mods ...chromedp.Modifier) {
	p.t.Helper()
	if len(mods) > 0 {
		p.do(chromedp.KeyEvent(keys, chromedp.KeyModifiers(mods...)))
		return
	}
	p.do(chromedp.KeyEvent(keys))
}

// screenshot saves the page to e2e/screenshots/NAME.png for a person to look at.
func (p *page) screenshot(name string, full bool) {
	p.t.Helper()
	dir := filepath.Join(repoRoot(), "e2e", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		p.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	var buf []byte
	var err error
	if full {
		buf, err = chromedp.Run(ctx, chromedp.FullScreenshot(90))
	} else {
		buf, err = chromedp.Run(ctx, chromedp.CaptureScreenshot())
	}
	if err != nil {
		p.t.Fatalf("screenshot %s: %v", name, err)
	}
	ext := ".png"
	if full {
		ext = ".jpg"
	}
	if err := os.WriteFile(filepath.Join(dir, name+ext), buf, 0o644); err != nil {
		p.t.Fatal(err)
	}
}
