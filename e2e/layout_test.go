package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestWorkspacePhoneLayout: on a phone (390×844) the workspace's top chrome takes under a quarter
// of the screen and is opaque (text scrolled under it does not show through), and with the review
// panel open a good part of the text stays in view. Screenshots at phone and desktop size are
// saved in e2e/screenshots/ to look at.
func TestWorkspacePhoneLayout(t *testing.T) {
	needBrowser(t)
	art := articleWith(t, "Rumor has it")
	email, pw := newReviewer(t, "Phoebe Phone")
	p := newPage(t)
	p.signInPage(email, pw)
	p.do(chromedp.EmulateViewport(390, 844))
	p.openArticle(art.ID)
	p.waitFor("the suggestions toggle", `!document.getElementById('sug-toggle').hidden`)
	p.screenshot("workspace-phone", false)

	// Scrolled into the text: the header has gone, the sticky toolbar stays.
	eval[bool](p, `(() => { window.scrollTo(0, 400); return true; })()`)
	p.waitFor("the scroll", `window.scrollY > 0`)
	bottom := eval[float64](p, `document.getElementById('toolbar').getBoundingClientRect().bottom`)
	t.Logf("phone: the toolbar ends %.0f px from the top (%.0f%% of 844)", bottom, 100*bottom/844)
	if bottom > 844.0/4 {
		t.Fatalf("the top chrome takes %.0f px of the phone's 844, want under a quarter (211)", bottom)
	}
	bg := eval[string](p, `getComputedStyle(document.getElementById('toolbar')).backgroundColor`)
	if strings.HasPrefix(bg, "rgba") || bg == "transparent" {
		t.Fatalf("the toolbar's background is %s: text shows through it", bg)
	}
	// Every tagging control is still there, named for assistive technology.
	if n := eval[int](p, `[...document.querySelectorAll('#palette button')].filter((b) => b.getBoundingClientRect().width > 0 && /Sourced fact|Speculation|Opinion|Loaded language/.test(b.textContent)).length`); n != 4 {
		t.Fatalf("%d label buttons are shown with their names, want 4", n)
	}
	p.screenshot("workspace-phone-scrolled", false)

	p.do(chromedp.Click(chromedp.CSS("#panel-toggle")))
	p.waitFor("the review panel", `getComputedStyle(document.getElementById('panel')).display !== 'none'`)
	free := eval[float64](p, `document.getElementById('panel').getBoundingClientRect().top - document.getElementById('toolbar').getBoundingClientRect().bottom`)
	t.Logf("phone, review panel open: %.0f px of text in view", free)
	if free < 844.0/4 {
		t.Fatalf("with the review panel open %.0f px of text stay in view, want at least a quarter of the screen", free)
	}
	p.screenshot("workspace-phone-panel", false)

	p.do(chromedp.EmulateViewport(1280, 800))
	eval[bool](p, `(() => { document.getElementById('panel-toggle').click(); window.scrollTo(0, 0); return true; })()`)
	p.waitFor("the desktop layout", `document.getElementById('toolbar').getBoundingClientRect().width > 1200`)
	t.Logf("desktop: the toolbar is %.0f px high", eval[float64](p, `document.getElementById('toolbar').getBoundingClientRect().height`))
	p.screenshot("workspace-desktop", false)
}

// TestArticleContentInLandmarks: every piece of text and every control of the annotation page
// sits in a landmark (axe's "region" rule), the toolbar included, so screen-reader users can
// reach it by landmark. The skip link, dialogs, the tooltip and live regions are exempt, as in axe.
func TestArticleContentInLandmarks(t *testing.T) {
	needBrowser(t)
	art := articleWith(t, "Rumor has it")
	email, pw := newReviewer(t, "Linus Landmark")
	p := newPage(t)
	p.signInPage(email, pw)
	p.openArticle(art.ID)
	p.waitFor("the suggestions toggle", `!document.getElementById('sug-toggle').hidden`)
	outside := eval[[]string](p, `(() => {
		const landmark = 'header, nav, main, aside, footer, form[aria-label], section[aria-label], section[aria-labelledby], [role=banner], [role=navigation], [role=main], [role=complementary], [role=contentinfo], [role=region][aria-label], [role=search]';
		const exempt = 'dialog, [role=tooltip], [aria-live], [role=alert], [role=status], .skip, .visually-hidden';
		const out = [];
		const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
		for (let n = w.nextNode(); n; n = w.nextNode()) {
			const el = n.nodeType === Node.TEXT_NODE ? n.parentElement : n;
			const isText = n.nodeType === Node.TEXT_NODE && n.data.trim() !== '';
			const isControl = n.nodeType === Node.ELEMENT_NODE && n.matches('button, a[href], input, select, textarea, [tabindex]');
			if (!(isText || isControl) || !el.getClientRects().length || el.closest(exempt)) continue;
			if (!el.closest(landmark)) out.push((el.id ? '#' + el.id : el.tagName.toLowerCase() + '.' + el.className) + ': ' + (el.textContent || '').trim().slice(0, 30));
		}
		return [...new Set(out)];
	})()`)
	if len(outside) > 0 {
		t.Fatalf("%d pieces of the article page are outside every landmark, e.g. %v", len(outside), outside[:min(len(outside), 5)])
	}
}
