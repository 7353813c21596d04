package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// passage returns the code point span of n words starting at the first letter at or after from,
// staying inside one paragraph.
func passage(t testing.TB, text string, from, n int) (start, end int) {
	t.Helper()
	r := []rune(text)
	start = from
	for start < len(r) && !unicode.IsLetter(r[start]) {
		start++
	}
	end = start
	for words := 0; end < len(r) && words < n; words++ {
		for end < len(r) && !unicode.IsSpace(r[end]) {
			end++
		}
		if words+1 < n && end+1 < len(r) && r[end] == ' ' && !unicode.IsSpace(r[end+1]) {
			end++
		} else {
			break
		}
	}
	if end <= start {
		t.Fatalf("no passage at %d", from)
	}
	return start, end
}

func byLabel(t testing.TB, anns []annotation, label string) annotation {
	t.Helper()
	for _, a := range anns {
		if a.Label == label {
			return a
		}
	}
	t.Fatalf("no %s annotation among %+v", label, anns)
	return annotation{}
}

func TestTagPassageAfterEmojiAndReload(t *testing.T) {
	needBrowser(t)
	art := emojiArticle(t)
	email, pw := newReviewer(t, "Ada Emoji")
	me := signIn(t, email, pw)
	p := newPage(t)
	p.signInPage(email, pw)
	p.screenshot("queue", false)
	p.openArticle(art.ID)

	emoji := cpIndex(art.Text, "🙄", 0)
	if emoji < 0 {
		t.Fatal("the article has no emoji")
	}
	start, end := passage(t, art.Text, emoji+1, 4)
	want := cpSlice(art.Text, start, end)
	if got := p.selectCP(art.Text, start, end); got != want {
		t.Fatalf("the DOM selection reads %q, want %q: the page's text nodes do not hold the article text in order", got, want)
	}
	p.key("3")
	p.waitSaved()

	anns := me.annotations(t, art.ID)
	if len(anns) != 1 {
		t.Fatalf("want 1 annotation, the service has %d: %+v", len(anns), anns)
	}
	a := anns[0]
	if a.Label != "opinion" || a.Start != start || a.End != end || a.Exact != want {
		t.Fatalf("stored %s [%d,%d) %q; want opinion [%d,%d) %q (code points, after the emoji)", a.Label, a.Start, a.End, a.Exact, start, end, want)
	}
	if got := cpSlice(art.Text, a.Start, a.End); got != a.Exact {
		t.Fatalf("text[start:end] in code points is %q but exact is %q", got, a.Exact)
	}

	p.reload()
	if got := p.pieceText("#article-text", a.ID); got != a.Exact {
		t.Fatalf("after reload the highlight reads %q, want the stored exact %q", got, a.Exact)
	}
	if lbl := eval[string](p, fmt.Sprintf(`document.querySelector('[data-annotation-id="%s"]').dataset.label`, a.ID)); lbl != "opinion" {
		t.Fatalf("data-label = %q", lbl)
	}
	if n := eval[int](p, `document.querySelectorAll('#ann-list li').length`); n != 1 {
		t.Fatalf("the side panel lists %d annotations, want 1", n)
	}
	p.screenshot("article-emoji", false)
}

func TestKeyboardOnlyTagging(t *testing.T) {
	needBrowser(t)
	art := emojiArticle(t)
	email, pw := newReviewer(t, "Kim Keys")
	me := signIn(t, email, pw)
	p := newPage(t)
	p.signInPage(email, pw)
	p.openArticle(art.ID)

	// Tab from the skip link lands on the article text; the word cursor appears on a word.
	p.do(chromedp.Focus(chromedp.CSS("#article-text")))
	p.waitFor("the word cursor", `getSelection().toString().length > 0`)
	p.key(kb.ArrowDown)
	p.key(kb.ArrowDown)
	p.key(kb.ArrowRight)
	p.key(kb.ArrowRight+kb.ArrowRight, chromedp.ModifierShift)
	sel := strings.TrimSpace(eval[string](p, `getSelection().toString()`))
	if len(strings.Fields(sel)) < 3 {
		t.Fatalf("after Shift+→ twice the selection is %q, want three words", sel)
	}
	p.key("2")
	p.waitSaved()
	anns := me.annotations(t, art.ID)
	if len(anns) != 1 || anns[0].Label != "speculation" || anns[0].Exact != sel {
		t.Fatalf("want one speculation on %q, the service has %+v", sel, anns)
	}
	if got := cpSlice(art.Text, anns[0].Start, anns[0].End); got != sel {
		t.Fatalf("text[%d:%d] = %q, want %q", anns[0].Start, anns[0].End, got, sel)
	}

	// Enter opens the annotation under the cursor; Escape closes it and focus comes back.
	p.key(kb.Enter)
	p.waitFor("the details dialog", `document.getElementById('details-dialog').open`)
	p.key(kb.Escape)
	p.waitFor("focus back on the text", `!document.getElementById('details-dialog').open && document.activeElement.id === 'article-text'`)

	// ? opens the guidelines.
	p.key("?")
	p.waitFor("the guidelines", `document.getElementById('help-dialog').open && document.querySelectorAll('#help-body .guide').length === 4`)
	p.screenshot("guidelines", false)
	p.key(kb.Escape)

	// Ctrl+Z takes the tag back.
	p.key("z", chromedp.ModifierCtrl)
	p.waitSaved()
	if anns := me.annotations(t, art.ID); len(anns) != 0 {
		t.Fatalf("after undo the service still has %+v", anns)
	}
	p.waitFor("the highlight to go", `!document.querySelector('#article-text [data-annotation-id]')`)
}

func TestOverlapEditDeleteUndo(t *testing.T) {
	needBrowser(t)
	art := emojiArticle(t)
	email, pw := newReviewer(t, "Olga Overlap")
	me := signIn(t, email, pw)
	p := newPage(t)
	p.signInPage(email, pw)
	p.openArticle(art.ID)

	// An opinion, loaded language nested inside it, and speculation crossing its end.
	para := cpIndex(art.Text, "\n\n", 0) + 2
	pStart, pEnd := passage(t, art.Text, para, 8)
	qStart, qEnd := wordAfter(art.Text, pStart, 2), wordEnd(art.Text, wordAfter(art.Text, pStart, 3))
	rStart, rEnd := wordAfter(art.Text, pStart, 6), wordEnd(art.Text, wordAfter(art.Text, pStart, 10))
	for _, s := range []struct {
		key        string
		start, end int
	}{{"3", pStart, pEnd}, {"4", qStart, qEnd}, {"2", rStart, rEnd}} {
		p.selectCP(art.Text, s.start, s.end)
		p.key(s.key)
	}
	p.waitSaved()
	anns := me.annotations(t, art.ID)
	if len(anns) != 3 {
		t.Fatalf("want 3 annotations, got %+v", anns)
	}
	opinion, loaded, spec := byLabel(t, anns, "opinion"), byLabel(t, anns, "loaded_language"), byLabel(t, anns, "speculation")
	for _, a := range []annotation{opinion, loaded, spec} {
		if got := p.pieceText("#article-text", a.ID); got != a.Exact || a.Exact != cpSlice(art.Text, a.Start, a.End) {
			t.Fatalf("%s: pieces read %q, exact %q, text[start:end] %q", a.Label, got, a.Exact, cpSlice(art.Text, a.Start, a.End))
		}
	}
	if n := eval[int](p, fmt.Sprintf(`document.querySelectorAll('[data-annotation-id="%s"]').length`, opinion.ID)); n < 3 {
		t.Fatalf("the opinion should be cut into at least 3 pieces by the overlaps, got %d", n)
	}
	if !eval[bool](p, fmt.Sprintf(`!!document.querySelector('[data-annotation-id="%s"] [data-annotation-id="%s"]')`, opinion.ID, loaded.ID)) {
		t.Fatal("the nested loaded language is not inside the opinion's piece")
	}
	p.screenshot("overlaps", false)

	// Clicking the nested words shows both passages under the click.
	p.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-annotation-id="%s"]`, loaded.ID))))
	p.waitFor("the details dialog", `document.getElementById('details-dialog').open`)
	if n := eval[int](p, `document.querySelectorAll('#details-body section.detail').length`); n != 2 {
		t.Fatalf("the popover lists %d passages under the click, want 2: %s", n, eval[string](p, `[...document.querySelectorAll("#details-body section.detail")].map((s) => s.className + " " + s.textContent.slice(0, 60)).join(" | ")`))
	}
	p.screenshot("details-dialog", false)

	// Change the label and write a note, then close: saved at once.
	p.do(
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#details-body section[data-for-annotation="%s"] input[value="opinion"]`, loaded.ID))),
		chromedp.SendKeys(chromedp.CSS(fmt.Sprintf(`#details-body section[data-for-annotation="%s"] textarea`, loaded.ID)), "inflames <script>alert(1)</script>"),
	)
	p.key(kb.Escape)
	p.waitFor("the dialog to close", `!document.getElementById('details-dialog').open`)
	// The dialog's close event, which hands the typed note to the outbox, fires a moment after
	// the dialog closes: wait for the service to have it rather than for one status check.
	var edited annotation
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		p.waitSaved()
		edited = findID(t, me.annotations(t, art.ID), loaded.ID)
		if edited.Note != "" || time.Now().After(deadline) {
			break
		}
	}
	if edited.Label != "opinion" || edited.Note != "inflames <script>alert(1)</script>" {
		t.Fatalf("after the edit the service has %s %q", edited.Label, edited.Note)
	}
	p.waitFor("the new label on the page", fmt.Sprintf(`document.querySelector('[data-annotation-id="%s"]').dataset.label === 'opinion'`, loaded.ID))
	if n := eval[int](p, `document.querySelectorAll('#ann-list script, #ann-list b').length`); n != 0 {
		t.Fatal("a note was parsed as HTML")
	}

	// Ctrl+Z restores the previous label and note in one step.
	p.key("z", chromedp.ModifierCtrl)
	p.waitSaved()
	restored := findID(t, me.annotations(t, art.ID), loaded.ID)
	if restored.Label != "loaded_language" || restored.Note != "" {
		t.Fatalf("after undo the service has %s %q, want loaded_language and no note", restored.Label, restored.Note)
	}

	// Delete the opinion from its own piece, then undo the deletion.
	p.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-annotation-id="%s"]`, opinion.ID))))
	p.waitFor("the details dialog", `document.getElementById('details-dialog').open`)
	p.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`#details-body section[data-for-annotation="%s"] button.danger`, opinion.ID))))
	p.waitSaved()
	if hasID(me.annotations(t, art.ID), opinion.ID) {
		t.Fatal("the opinion is still stored after delete")
	}
	if eval[int](p, fmt.Sprintf(`document.querySelectorAll('[data-annotation-id="%s"]').length`, opinion.ID)) != 0 {
		t.Fatal("the deleted opinion is still highlighted")
	}
	if eval[bool](p, `document.getElementById('details-dialog').open`) {
		p.key(kb.Escape)
	}
	p.key("z", chromedp.ModifierCtrl)
	p.waitSaved()
	var back annotation
	for _, a := range me.annotations(t, art.ID) {
		if a.Label == "opinion" && a.Start == opinion.Start && a.End == opinion.End {
			back = a
		}
	}
	if back.ID == "" {
		t.Fatal("undo did not re-create the deleted opinion")
	}
	p.waitFor("the re-created highlight", fmt.Sprintf(`!!document.querySelector('[data-annotation-id="%s"]')`, back.ID))
	if got := p.pieceText("#article-text", back.ID); got != opinion.Exact {
		t.Fatalf("the re-created highlight reads %q, want %q", got, opinion.Exact)
	}
}

func findID(t testing.TB, anns []annotation, id json.Number) annotation {
	t.Helper()
	for _, a := range anns {
		if a.ID == id {
			return a
		}
	}
	t.Fatalf("annotation %s is not stored", id)
	return annotation{}
}

func hasID(anns []annotation, id json.Number) bool {
	for _, a := range anns {
		if a.ID == id {
			return true
		}
	}
	return false
}

// wordAfter returns the code point offset of the n-th word (0-based) starting at from.
func wordAfter(text string, from, n int) int {
	r := []rune(text)
	i := from
	for w := 0; ; w++ {
		for i < len(r) && unicode.IsSpace(r[i]) {
			i++
		}
		if w == n || i >= len(r) {
			return i
		}
		for i < len(r) && !unicode.IsSpace(r[i]) {
			i++
		}
	}
}

func wordEnd(text string, from int) int {
	r := []rune(text)
	i := from
	for i < len(r) && !unicode.IsSpace(r[i]) {
		i++
	}
	return i
}

func TestQuoteRegion(t *testing.T) {
	needBrowser(t)
	art := emojiArticle(t)
	email, pw := newReviewer(t, "Quinn Quote")
	me := signIn(t, email, pw)
	var outlets struct {
		Items []outlet `json:"items"`
	}
	me.must(t, "GET", "/api/v1/outlets?limit=100", nil, &outlets)
	if len(outlets.Items) == 0 {
		t.Fatal("the demo has no outlets")
	}
	o := outlets.Items[0]
	before := len(me.regions(t, art.ID))

	p := newPage(t)
	p.signInPage(email, pw)
	p.openArticle(art.ID)
	third := cpIndex(art.Text, "\n\n", cpIndex(art.Text, "\n\n", 0)+2) + 2
	start := wordAfter(art.Text, third, 0)
	end := wordEnd(art.Text, wordAfter(art.Text, third, 12))
	p.selectCP(art.Text, start, end)
	p.key("q")
	p.waitFor("the quote dialog", `document.getElementById('quote-dialog').open`)
	typed := []rune(strings.ToLower(o.Name))
	if len(typed) > 4 {
		typed = typed[:4]
	}
	// The q that opened the dialog is also dispatched to it as a separate char event by the
	// DevTools protocol (a real keyboard's keydown.preventDefault suppresses it), so clear first.
	eval[bool](p, `document.getElementById('outlet-input').value = '', true`)
	p.do(chromedp.SendKeys(chromedp.CSS("#outlet-input"), string(typed)))
	p.waitFor("outlet suggestions", fmt.Sprintf(`[...document.querySelectorAll('#outlet-options [role=option]')].some((li) => li.textContent.includes(%q))`, o.Name))
	p.screenshot("quote-dialog", false)
	// Pick the outlet with the arrow keys and Enter, then submit with Enter.
	idx := eval[int](p, fmt.Sprintf(`[...document.querySelectorAll('#outlet-options [role=option]')].findIndex((li) => li.querySelector('.opt-name').textContent === %q)`, o.Name))
	for i := 0; i < idx; i++ {
		p.key(kb.ArrowDown)
	}
	p.key(kb.Enter)
	p.waitFor("the outlet to be chosen", fmt.Sprintf(`document.getElementById('outlet-chosen').textContent.includes(%q)`, o.Name))
	// The Enter that picked only picked: the dialog is still open for a look before saving.
	if !eval[bool](p, `document.getElementById('quote-dialog').open`) {
		t.Fatal("the Enter that picked the outlet also saved the quote and closed the dialog")
	}
	// The next Enter saves, once: a submit of the same opening again (a double Enter or click
	// on Save racing the close) stores nothing more.
	p.key(kb.Enter)
	p.waitFor("the quote dialog to close", `!document.getElementById('quote-dialog').open`)
	eval[bool](p, `(document.getElementById('quote-form').requestSubmit(), true)`)
	p.waitSaved()

	regs := me.regions(t, art.ID)
	if len(regs) != before+1 {
		t.Fatalf("want %d regions, got %+v", before+1, regs)
	}
	var q region
	for _, r := range regs {
		if r.Kind == "quote" && r.Start == start && r.End == end {
			q = r
		}
	}
	if q.ID == "" || q.OriginOutletID != o.ID {
		t.Fatalf("no quote region [%d,%d) credited to %s (%s): %+v", start, end, o.Name, o.ID, regs)
	}
	got := eval[string](p, fmt.Sprintf(`[...document.querySelectorAll('#article-text [data-region-id="%s"]')].map((e) => e.textContent).join('')`, q.ID))
	if got != cpSlice(art.Text, start, end) {
		t.Fatalf("the region is shaded over %q, want %q", got, cpSlice(art.Text, start, end))
	}
	caption := eval[string](p, fmt.Sprintf(`document.querySelector('#article-text [data-region-id="%s"]').dataset.caption`, q.ID))
	if !strings.Contains(caption, o.Name) {
		t.Fatalf("the region is captioned %q, want the outlet %q", caption, o.Name)
	}
	p.screenshot("quote-region", false)
}

func TestBlindReview(t *testing.T) {
	needBrowser(t)
	art := emojiArticle(t)
	emailA, pwA := newReviewer(t, "Alice Blind")
	emailB, pwB := newReviewer(t, "Bob Blind")
	a := signIn(t, emailA, pwA)
	start, end := passage(t, art.Text, cpIndex(art.Text, "\n\n", 0)+2, 5)
	var mine annotation
	a.must(t, "POST", fmt.Sprintf("/api/v1/articles/%s/annotations", art.ID),
		map[string]any{"label": "loaded_language", "start": start, "end": end, "exact": cpSlice(art.Text, start, end)}, &mine)

	b := signIn(t, emailB, pwB)
	if hasID(b.annotations(t, art.ID), mine.ID) {
		t.Fatal("the service shows A's annotation to B before B completed the article")
	}
	p := newPage(t)
	p.signInPage(emailB, pwB)
	p.openArticle(art.ID)
	if eval[int](p, fmt.Sprintf(`document.querySelectorAll('[data-annotation-id="%s"]').length`, mine.ID)) != 0 {
		t.Fatal("B's page shows A's annotation before B is done")
	}
	if !eval[bool](p, `document.getElementById('compare-toggle').disabled`) {
		t.Fatal("the side-by-side toggle is available before B is done")
	}
	p.do(chromedp.Click(chromedp.CSS("#mark-done")))
	p.waitFor("the review to be done", `document.getElementById('review-status').textContent.startsWith('Done') && !document.getElementById('compare-toggle').disabled`)
	p.do(chromedp.Click(chromedp.CSS("#compare-toggle")))
	p.waitFor("A's annotation side by side", fmt.Sprintf(`!!document.querySelector('#compare-text [data-annotation-id="%s"]')`, mine.ID))
	if got := p.pieceText("#compare-text", mine.ID); got != mine.Exact {
		t.Fatalf("A's annotation reads %q side by side, want %q", got, mine.Exact)
	}
	if eval[int](p, fmt.Sprintf(`document.querySelectorAll('#article-text [data-annotation-id="%s"]').length`, mine.ID)) != 0 {
		t.Fatal("A's annotation leaked into B's own pane")
	}
	p.screenshot("compare", false)
	if !hasID(b.annotations(t, art.ID), mine.ID) {
		t.Fatal("after completing, the service still hides A's annotation from B")
	}
}

func TestTabletLayout(t *testing.T) {
	needBrowser(t)
	art := emojiArticle(t)
	email, pw := newReviewer(t, "Tara Tablet")
	p := newPage(t)
	p.signInPage(email, pw)
	p.do(chromedp.EmulateViewport(820, 1180, chromedp.EmulateTouch))
	p.openArticle(art.ID)
	if w := eval[float64](p, `document.getElementById('panel').getBoundingClientRect().width`); w != 0 {
		t.Fatalf("on a tablet the review panel should start closed (a drawer), its width is %v", w)
	}
	if over := eval[bool](p, `document.documentElement.scrollWidth > window.innerWidth`); over {
		t.Fatal("the page scrolls sideways on a tablet")
	}
	p.do(chromedp.Click(chromedp.CSS("#panel-toggle")))
	p.waitFor("the panel drawer", `document.getElementById('panel').getBoundingClientRect().height > 100`)
	p.screenshot("tablet", false)
}
