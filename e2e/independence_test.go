package e2e

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestLockedReviewIsReadOnly: a reviewer who marks an article done can no longer tag it from
// the workspace (the palette is off and the key does nothing) until they reopen it; once they
// show the other reviewers' annotations, the review is locked: the page says so plainly, offers
// no reopening, and stays so after a reload, as the service does.
func TestLockedReviewIsReadOnly(t *testing.T) {
	needBrowser(t)
	art := emojiArticle(t)
	emailA, pwA := newReviewer(t, "Ann Other")
	emailB, pwB := newReviewer(t, "Bea Locked")
	a := signIn(t, emailA, pwA)
	start, end := passage(t, art.Text, cpIndex(art.Text, "\n\n", 0)+2, 4)
	var theirs annotation
	a.must(t, "POST", fmt.Sprintf("/api/v1/articles/%s/annotations", art.ID),
		map[string]any{"label": "opinion", "start": start, "end": end, "exact": cpSlice(art.Text, start, end)}, &theirs)

	b := signIn(t, emailB, pwB)
	p := newPage(t)
	p.signInPage(emailB, pwB)
	p.openArticle(art.ID)
	s2, e2 := passage(t, art.Text, end+1, 3)
	p.selectCP(art.Text, s2, e2)
	p.key("2")
	p.waitSaved()
	if n := len(b.annotations(t, art.ID)); n != 1 {
		t.Fatalf("fixture: B has %d annotations, want 1", n)
	}

	p.do(chromedp.Click(chromedp.CSS("#mark-done")))
	p.waitFor("the review to be done and read-only", `document.getElementById('review-status').textContent.includes('read-only') && !document.getElementById('reopen').hidden`)
	// A finished review takes no tags: the palette is off and the key does nothing.
	s3, e3 := passage(t, art.Text, e2+1, 2)
	p.selectCP(art.Text, s3, e3)
	if !eval[bool](p, `[...document.querySelectorAll('#palette button')].every((b) => b.disabled)`) {
		t.Fatal("the label palette is enabled on a finished review")
	}
	before := eval[int](p, `document.querySelectorAll('#ann-list li').length`)
	p.key("3")
	if after := eval[int](p, `document.querySelectorAll('#ann-list li').length`); after != before {
		t.Fatalf("a key tagged a finished review: %d annotations listed, then %d", before, after)
	}
	if !eval[bool](p, `document.querySelectorAll('#article-text [data-annotation-id^="tmp"]').length === 0`) {
		t.Fatal("a pending annotation appeared on a finished review")
	}

	// Showing the others locks the review.
	p.do(chromedp.Click(chromedp.CSS("#compare-toggle")))
	p.waitFor("A's annotation side by side", fmt.Sprintf(`!!document.querySelector('#compare-text [data-annotation-id="%s"]')`, theirs.ID))
	p.waitFor("the page to say the review is locked", `document.getElementById('review-status').textContent.includes('locked') && document.getElementById('reopen').hidden`)
	var got struct {
		Review struct {
			Locked bool `json:"locked"`
		} `json:"review"`
	}
	b.must(t, "GET", "/api/v1/articles/"+art.ID.String(), nil, &got)
	if !got.Review.Locked {
		t.Fatal("the page shows the review locked, the service does not")
	}
	err := b.do(context.Background(), "DELETE", "/api/v1/articles/"+art.ID.String()+"/complete", nil, nil)
	var ae *apiError
	if !errors.As(err, &ae) || ae.Status != 409 || !strings.Contains(ae.Body, "review_locked") {
		t.Fatalf("reopening a locked review: %v", err)
	}
	p.screenshot("review-locked", false)

	p.reload()
	p.waitFor("the locked state after a reload", `document.getElementById('review-status').textContent.includes('locked') && document.getElementById('reopen').hidden && document.getElementById('mark-done').hidden`)
	// B's own and A's, now that B is done; nothing of B's was added after finishing. (Beside
	// them, the work of the article's other finished reviewers, such as the demo's annotators.)
	var mine, ofA []string
	for _, x := range b.annotations(t, art.ID) {
		switch x.UserID {
		case b.user.ID:
			mine = append(mine, x.ID.String())
		case a.user.ID:
			ofA = append(ofA, x.ID.String())
		}
	}
	if len(mine) != 1 || len(ofA) != 1 || ofA[0] != theirs.ID.String() {
		t.Fatalf("the service shows B %d annotations of B's own %v and of A's %v, want B's one and A's %s", len(mine), mine, ofA, theirs.ID)
	}
}
