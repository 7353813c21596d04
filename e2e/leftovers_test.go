package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAdjudicationListLooksLikeTheOthers: the curator's list of articles to adjudicate counts
// them in words that agree with the count ("1 article", never "1 articles"), and its table has
// the look of the app's other tables of figures (the scores table: its cell padding, rules and
// type, inside the same framed box), where it had the browser's bare table.
func TestAdjudicationListLooksLikeTheOthers(t *testing.T) {
	needBrowser(t)
	text := "The FBI report stated the facts. Could somebody have left a live round? What a nasty jerk."
	f := reviewedTwice(t, "Listed Gazette", "Listed for adjudication", text, [2]string{"Lina Reviewer", "Leo Reviewer"},
		[2][]mark{{{"speculation", "Could", "round?"}}, {{"loaded_language", "nasty", "jerk"}}}, "Lou Curator")

	rEmail, rPass := newResearcher(t)
	p := newPage(t)
	p.signInPage(rEmail, rPass)
	style := `(sel) => { const e = document.querySelector(sel); if (!e) return 'missing ' + sel; const s = getComputedStyle(e);
		return [s.paddingTop, s.paddingLeft, s.borderBottomStyle, s.borderBottomWidth, s.borderBottomColor, s.fontSize, s.textAlign].join(' '); }`
	box := `(sel) => { const e = document.querySelector(sel); if (!e) return 'missing ' + sel; const s = getComputedStyle(e);
		return [s.borderTopStyle, s.borderTopWidth, s.borderTopLeftRadius, s.backgroundColor, s.overflowX].join(' '); }`

	p.do(chromedp.Navigate(env.base + "/scores"))
	p.waitFor("the scores table", `document.querySelector('#outlet-body tr td') !== null`)
	wantCell := eval[string](p, `(`+style+`)('#outlet-body tr td')`)
	wantHead := eval[string](p, `(`+style+`)('#outlet-table thead th')`)
	wantBox := eval[string](p, `(`+box+`)('.table-wrap:has(#outlet-table)')`)

	p = newPage(t)
	p.signInPage(f.curator, "curator-password")
	p.do(chromedp.Navigate(env.base + "/adjudication"))
	p.waitFor("the adjudication list", fmt.Sprintf(`document.body.dataset.state === 'ready' && document.querySelector('#queue-body tr[data-article-id="%s"]') !== null`, f.article.ID))
	rows := eval[int](p, `document.querySelectorAll('#queue-body tr[data-article-id]').length`)
	wantStatus := fmt.Sprintf("%d articles open to curators", rows)
	if rows == 1 {
		wantStatus = "1 article open to curators"
	}
	if got := eval[string](p, `document.getElementById('status').textContent`); got != wantStatus {
		t.Errorf("status %q, want %q", got, wantStatus)
	}
	if got := eval[string](p, `(`+style+`)('#queue-body tr td')`); got != wantCell {
		t.Errorf("a cell of the adjudication list is styled %q, a cell of the scores table %q", got, wantCell)
	}
	if got := eval[string](p, `(`+style+`)('#queue-table thead th')`); got != wantHead {
		t.Errorf("a heading of the adjudication list is styled %q, one of the scores table %q", got, wantHead)
	}
	if got := eval[string](p, `(`+box+`)('#queue-box .table-wrap')`); got != wantBox {
		t.Errorf("the adjudication list's box is %q, the scores table's %q", got, wantBox)
	}
}

// TestLabelKeyOnAFocusedSuggestion: with a suggestion focused (n) and no selection made since,
// a label key is about that suggestion's passage, where it said "Select a passage first" (or
// tagged the word the cursor had been left on): another label tags the passage with it as the
// reviewer's own annotation (origin manual) and leaves the suggestion open and focused; the
// suggestion's own label accepts it as a does (origin suggestion), and focus goes on to the next.
func TestLabelKeyOnAFocusedSuggestion(t *testing.T) {
	needBrowser(t)
	art := articleWith(t, "Rumor has it")
	email, pw := newReviewer(t, "Kay Keys")
	me := signIn(t, email, pw)
	sugs := me.suggestions(t, art.ID)
	if len(sugs) < 3 {
		t.Fatalf("the demo article %s has %d suggestions, want at least 3", art.ID, len(sugs))
	}
	byKey := map[string]suggestion{}
	for _, s := range sugs {
		byKey[s.key()] = s
	}
	keyOf := map[string]string{"sourced_fact": "1", "speculation": "2", "opinion": "3", "loaded_language": "4"}
	type ann struct {
		Label, Exact, Origin string
		Start, End           int
	}
	anns := func() []ann {
		var l struct{ Items []ann }
		me.must(t, "GET", fmt.Sprintf("/api/v1/articles/%s/annotations", art.ID), nil, &l)
		return l.Items
	}

	p := newPage(t)
	p.signInPage(email, pw)
	p.openArticle(art.ID)
	p.waitFor("the suggestions", fmt.Sprintf(`document.querySelectorAll('#article-text [data-suggestion-rule].first').length === %d`, len(sugs)))
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
	if idx < 0 || idx+1 >= len(drawn) {
		t.Fatalf("n focused %q, at %d of the drawn %v; want one more after it", first, idx, drawn)
	}

	// Another label (not a sourced fact, which asks for a source): the passage is tagged with it.
	s1 := byKey[first]
	other := "opinion"
	if s1.Label == other {
		other = "speculation"
	}
	p.key(keyOf[other])
	p.waitSaved()
	got := anns()
	if len(got) != 1 || got[0].Label != other || got[0].Start != s1.Start || got[0].End != s1.End || got[0].Exact != s1.Exact || got[0].Origin != "manual" {
		t.Fatalf("after %s on the suggestion %s the service has %+v, want one manual %s over its passage", keyOf[other], first, got, other)
	}
	if toast := eval[string](p, `document.getElementById('toast').hidden ? '' : document.getElementById('toast').textContent`); strings.Contains(toast, "Select a passage") {
		t.Fatalf("the page says %q", toast)
	}
	p.waitFor("focus still on the suggestion", fmt.Sprintf(`document.activeElement && document.activeElement.dataset.suggestionKey === %q`, first))

	// Its own label accepts it, as a does.
	s2 := s1
	p.key(keyOf[s2.Label])
	p.waitSaved()
	got = anns()
	if len(got) != 2 {
		t.Fatalf("after %s on the suggestion %s the service has %+v", keyOf[s2.Label], s2.key(), got)
	}
	accepted := false
	for _, a := range got {
		accepted = accepted || a.Start == s2.Start && a.End == s2.End && a.Label == s2.Label && a.Origin == "suggestion"
	}
	if !accepted {
		t.Fatalf("after its own label the service has %+v, want the suggestion accepted (origin suggestion, label %s)", got, s2.Label)
	}
	p.waitFor("the accepted suggestion to leave", fmt.Sprintf(`!document.querySelector('#article-text [data-suggestion-key=%q]')`, s2.key()))
	p.waitFor("focus on the next suggestion", fmt.Sprintf(`document.activeElement && document.activeElement.dataset.suggestionKey === %q`, drawn[idx+1]))
}
