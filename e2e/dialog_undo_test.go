package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestDeleteInDialogThenCtrlZ: the keyboard in "Passages here". It opens on the first
// annotation's own label (the checked radio, so the arrow keys move on from it), and after
// "Delete annotation" on one of two passages under the cursor (the dialog stays open for the
// other), Ctrl+Z closes the dialog and brings the deleted annotation back.
func TestDeleteInDialogThenCtrlZ(t *testing.T) {
	needBrowser(t)
	art := newArticle(t, "Delete in the dialog", gestureText(t))
	email, pw := newReviewer(t, "Della Delete")
	me := signIn(t, email, pw)
	p := newPage(t)
	p.signInPage(email, pw)
	p.openArticle(art.ID)

	// An opinion over "the smug, spendthrift mayor", loaded language over "spendthrift" inside it.
	op := cpIndex(art.Text, "the smug, spendthrift mayor", 0)
	ld := cpIndex(art.Text, "spendthrift", 0)
	p.selectCP(art.Text, op, op+len("the smug, spendthrift mayor"))
	p.key("3")
	p.selectCP(art.Text, ld, ld+len("spendthrift"))
	p.key("4")
	p.waitSaved()
	if n := len(me.annotations(t, art.ID)); n != 2 {
		t.Fatalf("want 2 annotations, the service has %d", n)
	}

	// The cursor on "spendthrift": Enter opens both passages, the opinion first.
	p.do(chromedp.Focus(chromedp.CSS("#article-text")))
	p.selectCP(art.Text, ld, ld+len("spendthrift"))
	p.key(kb.Enter)
	p.waitFor("both passages in the dialog", `document.getElementById('details-dialog').open && document.querySelectorAll('#details-body section.detail[data-local-id]').length === 2`)
	if got := eval[string](p, `document.activeElement.type + ':' + document.activeElement.value + ':' + document.activeElement.checked`); got != "radio:opinion:true" {
		t.Fatalf("the dialog opened with focus on %s, want the opinion's own (checked) label", got)
	}

	// Delete the loaded language (the second passage); the dialog stays for the opinion.
	p.do(chromedp.Click(chromedp.CSS(`#details-body section.detail.label-loaded_language button.danger`)))
	p.waitFor("the deleted passage to leave the dialog", `document.querySelectorAll('#details-body section.detail[data-local-id]').length === 1 && document.getElementById('details-dialog').open`)
	p.waitSaved()
	if n := len(me.annotations(t, art.ID)); n != 1 {
		t.Fatalf("after the deletion the service has %d annotations, want 1", n)
	}
	p.key("z", chromedp.ModifierCtrl)
	p.waitFor("the dialog to close", `!document.getElementById('details-dialog').open`)
	p.waitFor("the loaded language back on the page", `!!document.querySelector('#article-text [data-label="loaded_language"]')`)
	p.waitSaved()
	anns := me.annotations(t, art.ID)
	if len(anns) != 2 {
		t.Fatalf("after Ctrl+Z the service has %d annotations, want the deleted one back (2): %+v", len(anns), anns)
	}
	if got := byLabel(t, anns, "loaded_language"); got.Exact != "spendthrift" {
		t.Fatalf("the restored annotation reads %q, want %q", got.Exact, "spendthrift")
	}
	if got := byLabel(t, anns, "opinion"); got.Exact != cpSlice(art.Text, op, op+len("the smug, spendthrift mayor")) {
		t.Fatalf("the opinion changed to %q", got.Exact)
	}
}

// TestSourcedFactInDialogWaitsForItsSource: changing an annotation to Sourced fact in
// "Passages here" asks for the source and changes nothing until one is named (tagging a new
// sourced fact asks first too); closed without a source the annotation keeps its label and the
// page says why; with one, label and source are saved together.
func TestSourcedFactInDialogWaitsForItsSource(t *testing.T) {
	needBrowser(t)
	art := newArticle(t, "Sourced in the dialog", gestureText(t))
	email, pw := newReviewer(t, "Sofia Source")
	me := signIn(t, email, pw)
	p := newPage(t)
	p.signInPage(email, pw)
	p.openArticle(art.ID)
	start := cpIndex(art.Text, "Folks that worked", 0)
	end := start + len("Folks that worked on the set said")
	p.selectCP(art.Text, start, end)
	p.key("3")
	p.waitSaved()

	open := func() {
		t.Helper()
		p.do(chromedp.Focus(chromedp.CSS("#article-text")))
		p.selectCP(art.Text, start, end)
		p.key(kb.Enter)
		p.waitFor("the dialog", `document.getElementById('details-dialog').open && !!document.querySelector('#details-body input[value="sourced_fact"]')`)
	}
	open()
	p.do(chromedp.Click(chromedp.CSS(`#details-body label.label-sourced_fact`)))
	p.waitFor("the source field in focus", `document.activeElement.id.startsWith('src-')`)
	p.key(kb.Escape)
	p.waitFor("the page to say the label stayed", `!document.getElementById('details-dialog').open && !document.getElementById('toast').hidden && document.getElementById('toast').textContent.includes('needs the source')`)
	p.waitSaved()
	anns := me.annotations(t, art.ID)
	if len(anns) != 1 || anns[0].Label != "opinion" {
		t.Fatalf("closing without a source left %+v, want the opinion unchanged", anns)
	}

	open()
	p.do(chromedp.Click(chromedp.CSS(`#details-body label.label-sourced_fact`)))
	p.waitFor("the source field in focus", `document.activeElement.id.startsWith('src-')`)
	p.do(chromedp.SendKeys(chromedp.CSS(`#details-body input[id^="src-"]`), "the crew"))
	p.key(kb.Escape)
	p.waitFor("the dialog to close", `!document.getElementById('details-dialog').open`)
	p.waitFor("the sourced fact on the page", `!!document.querySelector('#article-text [data-label="sourced_fact"]')`)
	p.waitSaved()
	anns = me.annotations(t, art.ID)
	if len(anns) != 1 || anns[0].Label != "sourced_fact" || anns[0].Source == nil || anns[0].Source.Text != "the crew" {
		t.Fatalf("with a source named the service has %+v, want a sourced fact with source “the crew”", anns)
	}
}

// TestNoteTypedThenPageLeftIsKept: a note typed in "Passages here" is saved after a pause; a
// reload in the same moment as the last keystroke (no pause, the dialog still open) keeps it:
// it goes into the outbox as the page is left, and is sent from there.
func TestNoteTypedThenPageLeftIsKept(t *testing.T) {
	needBrowser(t)
	art := newArticle(t, "Note then reload", gestureText(t))
	email, pw := newReviewer(t, "Nora Note")
	me := signIn(t, email, pw)
	p := newPage(t)
	p.signInPage(email, pw)
	p.openArticle(art.ID)
	start := cpIndex(art.Text, "missing safety", 0)
	p.selectCP(art.Text, start, start+len("missing safety"))
	p.key("4")
	p.waitSaved()
	p.do(chromedp.Focus(chromedp.CSS("#article-text")))
	p.selectCP(art.Text, start, start+len("missing safety"))
	p.key(kb.Enter)
	p.waitFor("the dialog", `document.getElementById('details-dialog').open && !!document.querySelector('#details-body textarea[id^="note-"]')`)
	// Typing and leaving in one task: the 400 ms pause cannot have passed.
	eval[bool](p, `(() => { const n = document.querySelector('#details-body textarea[id^="note-"]');
		n.value = 'check the set list'; n.dispatchEvent(new Event('input')); window.__beforeReload = true; location.reload(); return true; })()`)
	p.waitFor("the reloaded page", `!window.__beforeReload && document.body.dataset.state === 'ready'`)
	p.waitSaved()
	anns := me.annotations(t, art.ID)
	if len(anns) != 1 || anns[0].Note != "check the set list" {
		t.Fatalf("after typing a note and reloading at once the service has %+v, want the note kept", anns)
	}
}
