package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestRegionOverProposalAcceptsIt: marking a quote over a passage the service already proposed a
// quote for accepts the proposal (its span and origin) instead of adding a second region, and
// the page says so.
func TestRegionOverProposalAcceptsIt(t *testing.T) {
	needBrowser(t)
	// An article of its own (accepting changes the proposal for everyone), with text of its own
	// (a copy of a demo article would add passages "also published" to the demo's) and the
	// attribution cue that credits The Daily Ledger.
	text := "Is this the end of the pier scheme? Written for " + t.Name() + ".\n\n" +
		"The Daily Ledger has the latest in the case . . .\n\n" +
		"The harbour board wrote that the pier had run over budget and asked the auditor to review each of the six contracts before the spring.\n\n" +
		"Frankly, the board's answer is the weakest spin we have read this year."
	// Published by another outlet than the one it credits (a credit to oneself is no quote).
	admin := adminClient(t)
	var outlets struct {
		Items []outlet `json:"items"`
	}
	admin.must(t, "GET", "/api/v1/outlets?limit=100", nil, &outlets)
	var publisher outlet
	for _, o := range outlets.Items {
		if o.Name != "The Daily Ledger" {
			publisher = o
		}
	}
	var art article
	admin.must(t, "POST", "/api/v1/articles", map[string]any{"outlet_id": publisher.ID, "title": "Proposal accepted", "text": text}, &art)
	email, pw := newReviewer(t, "Paula Proposal")
	me := signIn(t, email, pw)
	var quote detectedRegion
	for _, r := range me.detectedRegions(t, art.ID) {
		if r.Origin == "detected" && r.Kind == "quote" && r.Status == "proposed" {
			quote = r
		}
	}
	if quote.ID == "" {
		t.Fatalf("article %s has no proposed quote: %+v", art.ID, me.detectedRegions(t, art.ID))
	}
	before := len(me.detectedRegions(t, art.ID))

	p := newPage(t)
	p.signInPage(email, pw)
	p.openArticle(art.ID)
	p.waitFor("the suggestions toggle", `!document.getElementById('sug-toggle').hidden`)
	p.key("s")
	// Nearly the proposal's passage, not its exact span: what a reviewer would draw by hand.
	start, end := quote.Start+2, quote.End-3
	p.selectCP(art.Text, start, end)
	p.key("q")
	p.waitFor("the proposal to be accepted", fmt.Sprintf(`!!document.querySelector('#article-text [data-region-id="%s"].region-accepted')`, quote.ID))
	if eval[bool](p, `document.getElementById('quote-dialog').open`) {
		t.Fatal("the quote dialog opened over a proposed quote")
	}
	if msg := eval[string](p, `document.getElementById('toast').textContent`); !strings.Contains(msg, "accepted") || !strings.Contains(msg, quote.OriginOutletName) {
		t.Fatalf("the page says %q, want that the proposal (from %s) was accepted", msg, quote.OriginOutletName)
	}
	p.waitSaved()
	regs := me.detectedRegions(t, art.ID)
	if len(regs) != before {
		t.Fatalf("the article has %d regions after marking over the proposal, want still %d: %+v", len(regs), before, regs)
	}
	for _, r := range regs {
		if r.ID == quote.ID && (r.Status != "accepted" || r.Start != quote.Start || r.End != quote.End || r.OriginOutletID != quote.OriginOutletID) {
			t.Fatalf("the proposal is now %+v, want it accepted with its span and origin", r)
		}
	}
	p.screenshot("region-over-proposal", false)
}

// TestQuoteDialogSaysWhatItCredits: the quote dialog's preview does not double the quotation
// marks of a passage that is itself a quotation, and while an outlet option is highlighted the
// dialog says that outlet is what a save credits (not "No outlet chosen … unknown outlet").
func TestQuoteDialogSaysWhatItCredits(t *testing.T) {
	needBrowser(t)
	text := "A spokesman said the office would “cooperate fully with any review” of the contracts.\n\nWritten for " + t.Name() + "."
	art := newArticle(t, "Quoted quotes", text)
	email, pw := newReviewer(t, "Quentin Quotes")
	me := signIn(t, email, pw)
	var outlets struct {
		Items []outlet `json:"items"`
	}
	me.must(t, "GET", "/api/v1/outlets?limit=100", nil, &outlets)
	o := outlets.Items[0]

	p := newPage(t)
	p.signInPage(email, pw)
	p.openArticle(art.ID)
	q := "“cooperate fully with any review”"
	start := cpIndex(art.Text, q, 0)
	p.selectCP(art.Text, start, start+len([]rune(q)))
	p.key("q")
	p.waitFor("the quote dialog", `document.getElementById('quote-dialog').open`)
	if got := eval[string](p, `document.getElementById('quote-quote').textContent`); got != q {
		t.Fatalf("the dialog previews the passage as %s, want %s", got, q)
	}
	eval[bool](p, `document.getElementById('outlet-input').value = '', true`)
	typed := []rune(strings.ToLower(o.Name))
	if len(typed) > 4 {
		typed = typed[:4]
	}
	p.do(chromedp.SendKeys(chromedp.CSS("#outlet-input"), string(typed)))
	p.waitFor("outlet options", `document.querySelectorAll('#outlet-options [role=option]').length > 0`)
	hl := eval[string](p, `document.querySelector('#outlet-options [role=option][aria-selected=true] .opt-name').textContent`)
	p.waitFor("the dialog to name the highlighted outlet", fmt.Sprintf(`document.getElementById('outlet-chosen').textContent.includes(%q)`, hl))
	if said := eval[string](p, `document.getElementById('outlet-chosen').textContent`); strings.Contains(said, "No outlet chosen") || strings.Contains(said, "unknown outlet") {
		t.Fatalf("with %q highlighted the dialog says %q", hl, said)
	}
	p.screenshot("quote-dialog-highlighted", false)
	// Saved with the list open: the highlighted option is what is credited.
	p.do(chromedp.Click(chromedp.CSS("#quote-save")))
	p.waitSaved()
	regs := me.regions(t, art.ID)
	if len(regs) != 1 || regs[0].Kind != "quote" {
		t.Fatalf("want one quote region, got %+v", regs)
	}
	var credited outlet
	me.must(t, "GET", fmt.Sprintf("/api/v1/outlets/%s", regs[0].OriginOutletID), nil, &credited)
	if credited.Name != hl {
		t.Fatalf("the quote is credited to %q, want the highlighted %q", credited.Name, hl)
	}
}

// TestSuggestionsStayOutOfTheWay: suggestions already covered by the reviewer's own annotation of
// their label, and those inside readers' comments, are not shown; the suggestions panel costs a
// few Tab presses however many suggestions it lists, and the arrow keys move through it.
func TestSuggestionsStayOutOfTheWay(t *testing.T) {
	needBrowser(t)
	text := gestureBody + "\n\nThe smug, spendthrift showboat may finally answer for it. Perhaps the board will act. It seems likely.\n\nComments\n\nLou: Rumor has it the mayor knew. Maybe he did.\n\nWritten for " + t.Name() + "."
	art := newArticle(t, "Out of the way", text)
	email, pw := newReviewer(t, "Wanda Way")
	me := signIn(t, email, pw)
	sugs := me.suggestions(t, art.ID)
	comments := cpIndex(art.Text, "Comments", 0)
	var loaded suggestion
	var inComments []suggestion
	for _, s := range sugs {
		if s.Label == "loaded_language" && loaded.Rule == "" && s.Start < comments {
			loaded = s
		}
		if s.Start >= comments {
			inComments = append(inComments, s)
		}
	}
	if loaded.Rule == "" || len(inComments) == 0 {
		t.Fatalf("the article needs a loaded-language suggestion and one in the comments: %+v", sugs)
	}
	// The reviewer's own loaded-language annotation over a wider passage than the suggestion,
	// and a readers' comments region over the comments.
	me.must(t, "POST", fmt.Sprintf("/api/v1/articles/%s/annotations", art.ID), map[string]any{"label": "loaded_language", "start": loaded.Start - 4, "end": loaded.End + 9}, nil)
	me.must(t, "POST", fmt.Sprintf("/api/v1/articles/%s/regions", art.ID), map[string]any{"kind": "comments", "start": comments, "end": cpIndex(art.Text, "\n\nWritten", 0)}, nil)

	p := newPage(t)
	p.signInPage(email, pw)
	p.openArticle(art.ID)
	want := len(sugs) - 1 - len(inComments)
	p.waitFor("the suggestions", fmt.Sprintf(`document.querySelectorAll('#sug-list li').length === %d`, want))
	drawn := strings.Join(p.drawnSuggestions(), "\n")
	if strings.Contains(drawn, loaded.key()) {
		t.Fatalf("the suggestion %q covered by the reviewer's own loaded-language annotation is shown", loaded.Exact)
	}
	for _, s := range inComments {
		if strings.Contains(drawn, s.key()) {
			t.Fatalf("the suggestion %q inside readers' comments is shown", s.Exact)
		}
	}
	if want < 3 {
		t.Fatalf("want at least 3 suggestions left to check the tab order, got %d", want)
	}

	// The panel's tab stops: one row's three buttons, however many rows.
	stops := eval[int](p, `[...document.querySelectorAll('#sug-section button, #sug-section a[href], #sug-section summary')].filter((e) => e.tabIndex >= 0 && e.getClientRects().length).length`)
	if stops > 3 {
		t.Fatalf("the suggestions panel has %d tab stops for %d suggestions, want at most 3", stops, want)
	}
	eval[bool](p, `document.querySelector('#sug-list button.sug-accept[tabindex="0"]').focus() || true`)
	firstKey := eval[string](p, `document.activeElement.closest('li').dataset.suggestionKey`)
	p.key(kb.ArrowDown)
	p.waitFor("the next row's Accept", fmt.Sprintf(`document.activeElement.classList.contains('sug-accept') && document.activeElement.closest('li').dataset.suggestionKey !== %q`, firstKey))
	p.key(kb.ArrowUp)
	p.waitFor("the first row's Accept again", fmt.Sprintf(`document.activeElement.classList.contains('sug-accept') && document.activeElement.closest('li').dataset.suggestionKey === %q`, firstKey))
}
