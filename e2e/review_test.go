package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestDoneNextArticle: "Done — next article" (Ctrl+Enter) marks the article done and opens the
// next article of the reviewer's queue in one action.
func TestDoneNextArticle(t *testing.T) {
	needBrowser(t)
	email, pw := newReviewer(t, "Nell Next")
	me := signIn(t, email, pw)
	var who user
	me.must(t, "GET", "/api/v1/me", nil, &who)
	first := newArticle(t, "First of two", gestureText(t)+" One.")
	second := newArticle(t, "Second of two", gestureText(t)+" Two.")
	adminClient(t).must(t, "POST", "/api/v1/assignments", map[string]any{"article_ids": []any{first.ID, second.ID}, "reviewer_ids": []any{who.ID}}, nil)

	p := newPage(t)
	p.signInPage(email, pw)
	p.openArticle(first.ID)
	if !eval[bool](p, `!document.getElementById('done-next').hidden && document.getElementById('done-next').textContent.includes('Done — next article')`) {
		t.Fatal("the review panel offers no “Done — next article”")
	}
	p.selectCP(first.Text, 0, 5)
	p.key("3")
	p.waitSaved()
	p.key(kb.Enter, chromedp.ModifierCtrl)
	p.waitFor("the next article", fmt.Sprintf(`location.pathname === '/articles/%s' && document.body.dataset.state === 'ready'`, second.ID))
	var done struct {
		Review struct {
			Status string `json:"status"`
		} `json:"review"`
	}
	me.must(t, "GET", fmt.Sprintf("/api/v1/articles/%s?include=annotations", first.ID), nil, &done)
	if done.Review.Status != "completed" {
		t.Fatalf("the first article's review is %q after Done — next, want completed", done.Review.Status)
	}
	// The button does the same on the second: on to the next article still to do in the queue.
	p.do(chromedp.Click(chromedp.CSS("#done-next")))
	p.waitFor("the page after the second", fmt.Sprintf(`location.pathname !== '/articles/%s' && (location.pathname === '/queue' || document.body.dataset.state === 'ready')`, second.ID))
	me.must(t, "GET", fmt.Sprintf("/api/v1/articles/%s?include=annotations", second.ID), nil, &done)
	if done.Review.Status != "completed" {
		t.Fatalf("the second article's review is %q after Done — next, want completed", done.Review.Status)
	}
}

// TestMarkDoneOfflineSaysWhy: marking done with unsaved changes while the service cannot be
// reached says so at once beside the button (which stays usable), and the save status reads as
// one sentence ("cannot be reached. Retrying", not "reached.. Retrying").
func TestMarkDoneOfflineSaysWhy(t *testing.T) {
	needBrowser(t)
	art := newArticle(t, "Offline done", gestureText(t))
	email, pw := newReviewer(t, "Olga Offline")
	me := signIn(t, email, pw)
	p := newPage(t)
	p.signInPage(email, pw)
	p.openArticle(art.ID)

	p.cutAPI(true)
	p.selectCP(art.Text, 0, 5)
	p.key("4")
	p.waitFor("the failed save to show", `document.getElementById('save-status').dataset.saveState === 'retrying'`)
	if text := eval[string](p, `document.getElementById('save-text').textContent`); strings.Contains(text, "..") || !strings.Contains(text, "Retrying") {
		t.Fatalf("the save status reads %q", text)
	}
	p.do(chromedp.Click(chromedp.CSS("#mark-done")))
	p.waitFor("the reason beside the button", `!document.getElementById('review-note').hidden && document.getElementById('review-note').textContent.includes('cannot be reached')`)
	if eval[bool](p, `document.getElementById('mark-done').disabled`) {
		t.Fatal("the Mark done button stays disabled after saying why")
	}
	p.screenshot("mark-done-offline", false)

	p.cutAPI(false)
	p.do(chromedp.Click(chromedp.CSS("#retry-now")))
	p.waitSaved()
	p.do(chromedp.Click(chromedp.CSS("#mark-done")))
	p.waitFor("done", `document.getElementById('mark-done').hidden && document.getElementById('review-note').hidden`)
	if n := len(me.annotations(t, art.ID)); n != 1 {
		t.Fatalf("the service has %d annotations, want the one made offline", n)
	}
}

// TestUndoAfterDoneSaysReopen: once the article is marked done, Undo is disabled and Ctrl+Z
// says to reopen the article instead of sending a change the service refuses; the annotation
// stays, and after reopening Undo works again.
func TestUndoAfterDoneSaysReopen(t *testing.T) {
	needBrowser(t)
	art := newArticle(t, "Undo after done", gestureText(t))
	email, pw := newReviewer(t, "Ursula Undo")
	me := signIn(t, email, pw)
	p := newPage(t)
	p.signInPage(email, pw)
	p.openArticle(art.ID)
	p.selectCP(art.Text, 0, 5)
	p.key("3")
	p.waitSaved()
	p.waitFor("Undo to be offered", `!document.getElementById('undo').disabled`)
	p.do(chromedp.Click(chromedp.CSS("#mark-done")))
	p.waitFor("the review to be done", `!document.getElementById('reopen').hidden && document.getElementById('review-status').textContent.startsWith('Done')`)
	p.waitFor("Undo to be disabled", `document.getElementById('undo').disabled && document.getElementById('redo').disabled`)

	p.do(chromedp.Focus(chromedp.CSS("#article-text")))
	p.key("z", chromedp.ModifierCtrl)
	p.waitFor("the toast saying to reopen", `!document.getElementById('toast').hidden && document.getElementById('toast').textContent.includes('reopen the article')`)
	p.waitSaved()
	if n := len(me.annotations(t, art.ID)); n != 1 {
		t.Fatalf("after Ctrl+Z on a finished review the reviewer has %d annotations, want 1", n)
	}
	if eval[int](p, `document.querySelectorAll('#ann-list li').length`) != 1 {
		t.Fatal("Ctrl+Z on a finished review took the annotation off the page")
	}

	p.do(chromedp.Click(chromedp.CSS("#reopen")))
	p.waitFor("the review to be reopened", `document.getElementById('reopen').hidden && !document.getElementById('undo').disabled`)
	p.do(chromedp.Click(chromedp.CSS("#undo")))
	p.waitFor("the annotation to be undone", `document.querySelectorAll('#ann-list li').length === 0`)
	p.waitSaved()
	if n := len(me.annotations(t, art.ID)); n != 0 {
		t.Fatalf("undo after reopening left %d annotations, want 0", n)
	}
}

// TestReviewStatusStartsWithTheFirstSave: the review panel says "Not started" on a fresh
// article and "In progress" as soon as the first annotation is saved, as the service counts it
// (it said "Not started" beside the reviewer's annotations until something refreshed the page).
func TestReviewStatusStartsWithTheFirstSave(t *testing.T) {
	needBrowser(t)
	art := newArticle(t, "Review status", gestureText(t))
	email, pw := newReviewer(t, "Stella Status")
	me := signIn(t, email, pw)
	p := newPage(t)
	p.signInPage(email, pw)
	p.openArticle(art.ID)
	if st := eval[string](p, `document.getElementById('review-status').textContent`); !strings.HasPrefix(st, "Not started") {
		t.Fatalf("a fresh article's review reads %q, want “Not started…”", st)
	}
	p.selectCP(art.Text, 0, 5)
	p.key("3")
	p.waitSaved()
	var got struct {
		Review struct {
			Status string `json:"status"`
		} `json:"review"`
	}
	me.must(t, "GET", fmt.Sprintf("/api/v1/articles/%s?include=annotations", art.ID), nil, &got)
	if got.Review.Status != "in_progress" {
		t.Fatalf("the service counts the review as %q after the first annotation, want in_progress", got.Review.Status)
	}
	p.waitFor("the panel to say the review is in progress", `document.getElementById('review-status').textContent.startsWith('In progress')`)
}
