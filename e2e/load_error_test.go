package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestArticleNotAvailableHidesTheTools: an article page that cannot show its article (none with
// that id; for a curator, one whose reviewers have not all finished) says why and links to the
// reader's own page, and shows no tagging tools or review buttons: "Mark done" there marked an
// article the reader could not see, and the region buttons were enabled over no text.
func TestArticleNotAvailableHidesTheTools(t *testing.T) {
	needBrowser(t)
	admin := adminClient(t)
	stamp := time.Now().UnixNano()
	art := newArticle(t, "Not yet for curators", gestureText(t))
	email, pw := newReviewer(t, "Una Unfinished")
	r := signIn(t, email, pw)
	admin.must(t, "POST", "/api/v1/assignments", map[string]any{"article_ids": []any{art.ID}, "reviewer_ids": []any{r.user.ID}}, nil)
	curEmail := fmt.Sprintf("curator-early-%d@example.org", stamp)
	admin.must(t, "POST", "/api/v1/users", map[string]string{"email": curEmail, "name": "Cass Curator", "role": "curator", "password": "curator-password"}, nil)

	check := func(p *page, path, wantHome string) {
		t.Helper()
		p.do(chromedp.Navigate(env.base + path))
		p.waitFor("the page to give up on the article", `document.body.dataset.state === 'error'`)
		if !eval[bool](p, `!document.getElementById('load-error').hidden && document.getElementById('load-error').textContent.length > 0`) {
			t.Fatalf("%s: no message says why the article is not shown", path)
		}
		if href := eval[string](p, `(document.querySelector('#load-error a') || {}).getAttribute?.('href') || ''`); href != wantHome {
			t.Fatalf("%s: the message links to %q, want the reader's own page %q", path, href, wantHome)
		}
		shown := eval[[]string](p, `['toolbar', 'mark-done', 'done-next', 'mark-quote', 'mark-comments', 'panel'].filter((id) => { const e = document.getElementById(id); return e && e.getClientRects().length > 0; })`)
		if len(shown) > 0 {
			t.Fatalf("%s: with no article the page still shows %v", path, shown)
		}
	}

	cur := newPage(t)
	cur.signInPage(curEmail, "curator-password")
	check(cur, "/articles/"+art.ID.String(), "/queue")

	rev := newPage(t)
	rev.signInPage(email, pw)
	check(rev, "/articles/999999999", "/queue")
}
