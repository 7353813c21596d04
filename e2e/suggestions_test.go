package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

type suggestion struct {
	Label  string `json:"label"`
	Start  int    `json:"start"`
	End    int    `json:"end"`
	Exact  string `json:"exact"`
	Reason string `json:"reason"`
	Rule   string `json:"rule"`
	Cue    string `json:"cue"`
}

// key is how the page names a suggestion (data-suggestion-key): rule|label|start|end.
func (s suggestion) key() string { return fmt.Sprintf("%s|%s|%d|%d", s.Rule, s.Label, s.Start, s.End) }

func (c *client) suggestions(t testing.TB, articleID json.Number) []suggestion {
	t.Helper()
	var out struct {
		Items []suggestion `json:"items"`
	}
	c.must(t, "GET", fmt.Sprintf("/api/v1/articles/%s/suggestions", articleID), nil, &out)
	return out.Items
}

// articleWith finds the demo article whose text contains s.
func articleWith(t testing.TB, s string) article {
	t.Helper()
	c := adminClient(t)
	var list struct {
		Items []article `json:"items"`
	}
	c.must(t, "GET", "/api/v1/articles?limit=1000", nil, &list)
	for _, a := range list.Items {
		if full := c.article(t, a.ID); strings.Contains(full.Text, s) {
			return full
		}
	}
	t.Fatalf("no demo article contains %q", s)
	return article{}
}

// drawnSuggestions lists the keys of the suggestions drawn in the article text, in order.
func (p *page) drawnSuggestions() []string {
	p.t.Helper()
	return eval[[]string](p, `[...document.querySelectorAll('#article-text [data-suggestion-rule].first')].map((e) => e.dataset.suggestionKey)`)
}

// suggestionText joins the text of every piece drawn for one suggestion.
func (p *page) suggestionText(key string) string {
	p.t.Helper()
	return eval[string](p, fmt.Sprintf(`[...document.querySelectorAll('#article-text [data-suggestion-key=%q]')].map((e) => e.textContent).join('')`, key))
}

func (p *page) focusedSuggestion() string {
	p.t.Helper()
	return eval[string](p, `document.activeElement && document.activeElement.dataset.suggestionKey || ''`)
}

// checkHighlightContract fails when a suggestion element looks like an annotation's, or when an
// annotation's pieces do not read exactly its stored text.
func checkHighlightContract(t *testing.T, p *page, anns []annotation) {
	t.Helper()
	if n := eval[int](p, `document.querySelectorAll('#article-text [data-suggestion-rule][data-annotation-id], #article-text [data-suggestion-rule][data-label], #article-text mark[data-suggestion-rule]').length`); n != 0 {
		t.Fatalf("%d suggestion elements carry an annotation's attributes", n)
	}
	for _, a := range anns {
		if got := p.pieceText("#article-text", a.ID); got != a.Exact {
			t.Fatalf("annotation %s reads %q in the page, want exactly %q", a.ID, got, a.Exact)
		}
	}
	if n, want := eval[int](p, `document.querySelectorAll('#ann-list li').length`), len(anns); n != want {
		t.Fatalf("the annotation list has %d entries, want %d (suggestions must not be listed as annotations)", n, want)
	}
}

func TestSuggestionsAcceptRejectUndoToggle(t *testing.T) {
	needBrowser(t)
	art := articleWith(t, "Rumor has it")
	email, pw := newReviewer(t, "Sue Suggest")
	me := signIn(t, email, pw)
	sugs := me.suggestions(t, art.ID)
	if len(sugs) < 3 {
		t.Fatalf("the demo article %s has %d suggestions, want at least 3: %+v", art.ID, len(sugs), sugs)
	}

	p := newPage(t)
	p.signInPage(email, pw)
	p.openArticle(art.ID)
	p.waitFor("the suggestions", fmt.Sprintf(`document.querySelectorAll('#article-text [data-suggestion-rule].first').length === %d`, len(sugs)))
	for _, s := range sugs {
		if got := cpSlice(art.Text, s.Start, s.End); got != s.Exact {
			t.Fatalf("the service's suggestion %s has exact %q but the text there is %q", s.key(), s.Exact, got)
		}
		if got := p.suggestionText(s.key()); got != s.Exact {
			t.Fatalf("suggestion %s is drawn over %q, want %q", s.key(), got, s.Exact)
		}
	}
	checkHighlightContract(t, p, nil)
	// A suggestion has no fill (annotations do) and a dashed outline.
	if bg := eval[string](p, `getComputedStyle(document.querySelector('#article-text .sug.first')).backgroundColor`); bg != "rgba(0, 0, 0, 0)" {
		t.Fatalf("a suggestion is filled with %s; only annotations are filled", bg)
	}
	if st := eval[string](p, `getComputedStyle(document.querySelector('#article-text .sug.first')).borderTopStyle`); st != "dashed" {
		t.Fatalf("a suggestion's outline is %q, want dashed", st)
	}
	p.screenshot("suggestions", false)

	// Keyboard: the word cursor starts on the first word, n goes to the first suggestion at or
	// after it, its reason shows in the tooltip that describes it.
	p.do(chromedp.Focus(chromedp.CSS("#article-text")))
	p.waitFor("the word cursor", `getSelection().toString().length > 0`)
	p.key("n")
	p.waitFor("a focused suggestion", `!!(document.activeElement && document.activeElement.dataset.suggestionKey)`)
	drawn := p.drawnSuggestions()
	first := p.focusedSuggestion()
	idx := -1
	for i, k := range drawn {
		if k == first {
			idx = i
		}
	}
	if idx < 0 || idx+2 >= len(drawn) {
		t.Fatalf("n focused %q, at %d of the drawn %v; want one with two more after it", first, idx, drawn)
	}
	byKey := map[string]suggestion{}
	for _, s := range sugs {
		byKey[s.key()] = s
	}
	if d := eval[string](p, `document.activeElement.getAttribute('aria-describedby')`); d != "sug-tip" {
		t.Fatalf("the focused suggestion is described by %q, want the tooltip sug-tip", d)
	}
	p.waitFor("the tooltip", `!document.getElementById('sug-tip').hidden`)
	if tip := eval[string](p, `document.getElementById('sug-tip').textContent`); !strings.Contains(tip, byKey[first].Reason) {
		t.Fatalf("the tooltip reads %q, want the reason %q", tip, byKey[first].Reason)
	}
	p.screenshot("suggestion-focus", false)
	p.key("n")
	p.key("p")
	if got := p.focusedSuggestion(); got != first {
		t.Fatalf("n then p focused %q, want back on %q", got, first)
	}
	p.key("n")
	second, third := drawn[idx+1], drawn[idx+2]
	if got := p.focusedSuggestion(); got != second {
		t.Fatalf("n focused %q, want the next suggestion %q", got, second)
	}

	// a accepts: the service has the reviewer's annotation with exactly the suggestion's text,
	// and focus moves on to the next suggestion.
	p.key("a")
	p.waitSaved()
	anns := me.annotations(t, art.ID)
	want := byKey[second]
	if len(anns) != 1 || anns[0].Label != want.Label || anns[0].Start != want.Start || anns[0].End != want.End || anns[0].Exact != want.Exact {
		t.Fatalf("after accepting %s the service has %+v", second, anns)
	}
	if anns[0].UserID != me.user.ID {
		t.Fatalf("the accepted annotation belongs to user %s, want the reviewer %s", anns[0].UserID, me.user.ID)
	}
	p.waitFor("the accepted suggestion to leave", fmt.Sprintf(`!document.querySelector('#article-text [data-suggestion-key=%q]')`, second))
	checkHighlightContract(t, p, anns)
	if got := p.focusedSuggestion(); got != third {
		t.Fatalf("after accepting, focus is on %q, want the next suggestion %q", got, third)
	}

	// x rejects: gone from the page and from the service's list for this reviewer.
	p.key("x")
	p.waitSaved()
	p.waitFor("the rejected suggestion to leave", fmt.Sprintf(`!document.querySelector('#article-text [data-suggestion-key=%q]')`, third))
	for _, s := range me.suggestions(t, art.ID) {
		if s.key() == third || s.key() == second {
			t.Fatalf("the service still suggests %s after it was decided", s.key())
		}
	}
	p.screenshot("suggestions-decided", false)

	// Ctrl+Z undoes the acceptance (the annotation is deleted), Ctrl+Shift+Z accepts it again.
	p.key("z", chromedp.ModifierCtrl)
	p.waitSaved()
	if anns := me.annotations(t, art.ID); len(anns) != 0 {
		t.Fatalf("after undoing the acceptance the service still has %+v", anns)
	}
	p.waitFor("the suggestion to come back", fmt.Sprintf(`!!document.querySelector('#article-text [data-suggestion-key=%q]')`, second))
	p.key("z", chromedp.ModifierCtrl, chromedp.ModifierShift)
	p.waitSaved()
	anns = me.annotations(t, art.ID)
	if len(anns) != 1 || anns[0].Exact != want.Exact || anns[0].Label != want.Label {
		t.Fatalf("after redo the service has %+v, want the accepted %s again", anns, second)
	}

	// After a reload the decided suggestions stay decided; the rest are still there.
	p.reload()
	p.waitFor("the suggestions after reload", fmt.Sprintf(`document.querySelectorAll('#article-text [data-suggestion-rule].first').length === %d`, len(sugs)-2))
	for _, k := range p.drawnSuggestions() {
		if k == second || k == third {
			t.Fatalf("after reload the decided suggestion %s is drawn again", k)
		}
	}
	checkHighlightContract(t, p, anns)

	// Tab and Shift+Tab go from one suggestion to the next and back.
	drawn = p.drawnSuggestions()
	p.key("n")
	p.waitFor("a focused suggestion", `!!(document.activeElement && document.activeElement.dataset.suggestionKey)`)
	if got := p.focusedSuggestion(); got != drawn[0] {
		t.Fatalf("n with no cursor focused %q, want the first suggestion %q", got, drawn[0])
	}
	p.key(kb.Tab)
	if got := p.focusedSuggestion(); got != drawn[1] {
		t.Fatalf("Tab focused %q, want the next suggestion %q", got, drawn[1])
	}
	p.key(kb.Tab, chromedp.ModifierShift)
	if got := p.focusedSuggestion(); got != drawn[0] {
		t.Fatalf("Shift+Tab focused %q, want back on %q", got, drawn[0])
	}

	// s hides them all, remembered across a reload; the button shows them again.
	p.key("s")
	p.waitFor("the suggestions to be hidden", `!document.querySelector('#article-text [data-suggestion-rule]')`)
	if got := eval[string](p, `document.getElementById('sug-toggle').getAttribute('aria-pressed') + ' ' + localStorage.getItem('credence.suggestions')`); got != "false off" {
		t.Fatalf("after s the toggle says %q, want pressed=false and off remembered", got)
	}
	p.reload()
	if n := eval[int](p, `document.querySelectorAll('#article-text [data-suggestion-rule]').length`); n != 0 {
		t.Fatalf("after reload %d suggestion elements are drawn though they were turned off", n)
	}
	p.waitFor("the toggle", `!document.getElementById('sug-toggle').hidden`)
	p.screenshot("suggestions-off", false)
	p.do(chromedp.Click(chromedp.CSS("#sug-toggle")))
	p.waitFor("the suggestions to be shown again", fmt.Sprintf(`document.querySelectorAll('#article-text [data-suggestion-rule].first').length === %d`, len(sugs)-2))
	checkHighlightContract(t, p, anns)
}

// TestSuggestionPanelAccept accepts a suggestion from the side panel and from the passage's
// dialog (a pointer user's path), with overlapping annotations present.
func TestSuggestionPanelAndDialog(t *testing.T) {
	needBrowser(t)
	art := articleWith(t, "Rumor has it")
	email, pw := newReviewer(t, "Pat Panel")
	me := signIn(t, email, pw)
	sugs := me.suggestions(t, art.ID)
	if len(sugs) < 2 {
		t.Fatalf("want at least 2 suggestions, got %+v", sugs)
	}
	// An annotation of the reviewer's own that overlaps the first suggestion, made beforehand.
	s0 := sugs[0]
	mid := s0.Start + (s0.End-s0.Start)/2
	var own annotation
	me.must(t, "POST", fmt.Sprintf("/api/v1/articles/%s/annotations", art.ID),
		map[string]any{"label": "loaded_language", "start": mid, "end": s0.End + 3}, &own)

	p := newPage(t)
	p.signInPage(email, pw)
	p.openArticle(art.ID)
	p.waitFor("the suggestions", fmt.Sprintf(`document.querySelectorAll('#sug-list li').length === %d`, len(sugs)))
	checkHighlightContract(t, p, []annotation{own})
	if got := p.suggestionText(s0.key()); got != s0.Exact {
		t.Fatalf("the suggestion crossing an annotation is drawn over %q, want %q", got, s0.Exact)
	}

	// The panel's Accept button.
	p.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`#sug-list li[data-suggestion-key=%q] .sug-accept`, s0.key()))))
	p.waitSaved()
	anns := me.annotations(t, art.ID)
	if len(anns) != 2 {
		t.Fatalf("want the own annotation and the accepted one, got %+v", anns)
	}
	checkHighlightContract(t, p, anns)

	// The pointer over a suggestion shows its reason; leaving it hides the tooltip.
	s1 := sugs[1]
	first := fmt.Sprintf(`document.querySelector('#article-text [data-suggestion-key=%q].first')`, s1.key())
	eval[bool](p, first+`.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})) || true`)
	p.waitFor("the tooltip", `!document.getElementById('sug-tip').hidden`)
	if tip := eval[string](p, `document.getElementById('sug-tip').textContent`); !strings.Contains(tip, s1.Reason) {
		t.Fatalf("hovering %s shows %q, want its reason %q", s1.key(), tip, s1.Reason)
	}
	eval[bool](p, first+`.dispatchEvent(new MouseEvent('mouseout', {bubbles: true, relatedTarget: document.body})) || true`)
	p.waitFor("the tooltip to go", `document.getElementById('sug-tip').hidden`)

	// Clicking a suggestion in the text opens it with Accept and Reject; Reject.
	p.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`#article-text [data-suggestion-key=%q].first`, s1.key()))))
	p.waitFor("the passage dialog", `document.getElementById('details-dialog').open && !!document.querySelector('#details-body .sug-detail')`)
	p.screenshot("suggestion-dialog", false)
	p.do(chromedp.Click(chromedp.CSS(`#details-body .sug-detail .sug-reject`)))
	p.waitSaved()
	p.waitFor("the rejected suggestion to leave", fmt.Sprintf(`!document.querySelector('#article-text [data-suggestion-key=%q]') && !document.querySelector('#sug-list li[data-suggestion-key=%q]')`, s1.key(), s1.key()))
	for _, s := range me.suggestions(t, art.ID) {
		if s.key() == s1.key() || s.key() == s0.key() {
			t.Fatalf("the service still suggests %s", s.key())
		}
	}
	if n := len(me.annotations(t, art.ID)); n != 2 {
		t.Fatalf("rejecting changed the annotations: %d", n)
	}
}
