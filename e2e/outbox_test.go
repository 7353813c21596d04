package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// cutAPI makes every request to the API fail as on a dropped connection (the page itself
// stays loadable), or restores it.
func (p *page) cutAPI(cut bool) {
	p.t.Helper()
	var patterns []*network.BlockPattern
	if cut {
		patterns = []*network.BlockPattern{{URLPattern: env.base + "/api/v1/*", Block: true}}
	}
	p.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, t, network.SetBlockedURLs, network.SetBlockedURLsParams{URLPatterns: patterns})
		return err
	}))
}

func TestFailedSaveIsKeptAndRetried(t *testing.T) {
	needBrowser(t)
	art := emojiArticle(t)
	email, pw := newReviewer(t, "Nora Network")
	me := signIn(t, email, pw)
	p := newPage(t)
	p.signInPage(email, pw)
	p.openArticle(art.ID)

	start, end := passage(t, art.Text, cpIndex(art.Text, "🙄", 0)+1, 2)
	want := cpSlice(art.Text, start, end)
	p.cutAPI(true)
	p.selectCP(art.Text, start, end)
	p.key("4")
	p.waitFor("the failed save to show", `document.getElementById('save-status').dataset.saveState === 'retrying'`)
	if !eval[bool](p, `!!document.querySelector('#article-text mark.pending[data-label="loaded_language"]')`) {
		t.Fatal("the unsaved tag is not shown on the page")
	}
	stored := eval[string](p, `Object.keys(localStorage).filter((k) => k.startsWith('credence.outbox.')).map((k) => localStorage.getItem(k)).join('\n')`)
	if !strings.Contains(stored, want) {
		t.Fatalf("the unsaved change is not kept in localStorage: %q", stored)
	}
	p.screenshot("offline", false)
	if n := len(me.annotations(t, art.ID)); n != 0 {
		t.Fatalf("the service has %d annotations while the page was offline", n)
	}

	p.cutAPI(false)
	p.do(chromedp.Click(chromedp.CSS("#retry-now")))
	p.waitSaved()
	anns := me.annotations(t, art.ID)
	if len(anns) != 1 || anns[0].Exact != want || anns[0].Label != "loaded_language" {
		t.Fatalf("after reconnecting the service has %+v, want one loaded_language on %q", anns, want)
	}
	p.waitFor("the saved highlight", `!!document.querySelector('#article-text mark[data-label="loaded_language"]:not(.pending)')`)
	if got := p.pieceText("#article-text", anns[0].ID); got != want {
		t.Fatalf("the saved highlight reads %q, want %q", got, want)
	}
}

// newTab opens another tab in the same browser (same cookies and storage).
func (p *page) newTab() (*page, func()) {
	p.t.Helper()
	ctx, cancel := chromedp.NewContext(p.ctx)
	// The first action on a tab creates it and must not carry a timeout (see chromedp.Run).
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		p.t.Fatalf("opening a tab: %v", err)
	}
	return &page{t: p.t, ctx: ctx, close: cancel}, cancel
}

// A tab closed with a change still unsaved leaves it in localStorage; the next tab on the same
// browser takes it over and sends it.
func TestUnsavedChangeReplayedAfterTabClosed(t *testing.T) {
	needBrowser(t)
	art := emojiArticle(t)
	email, pw := newReviewer(t, "Rex Reopen")
	me := signIn(t, email, pw)
	browser := newPage(t)
	browser.signInPage(email, pw)

	tab, closeTab := browser.newTab()
	tab.openArticle(art.ID)
	start, end := passage(t, art.Text, cpIndex(art.Text, "\n\n", 0)+2, 3)
	tab.cutAPI(true)
	tab.selectCP(art.Text, start, end)
	tab.key("2")
	tab.waitFor("the failed save to show", `document.getElementById('save-status').dataset.saveState === 'retrying'`)
	closeTab()
	if n := len(me.annotations(t, art.ID)); n != 0 {
		t.Fatalf("the service has %d annotations though every save failed", n)
	}

	next, closeNext := browser.newTab()
	defer closeNext()
	next.openArticle(art.ID)
	next.waitFor("the adopted change to be sent", `document.querySelector('#article-text mark[data-label="speculation"]') && document.getElementById('save-status').dataset.saveState === 'saved'`)
	anns := me.annotations(t, art.ID)
	if len(anns) != 1 || anns[0].Label != "speculation" || anns[0].Exact != cpSlice(art.Text, start, end) {
		t.Fatalf("after reopening, the service has %+v", anns)
	}
}
