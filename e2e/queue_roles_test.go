package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestQueuePointsAdminsElsewhere: an admin who lands on the reviewers' queue is told so and
// pointed to the admin console, not shown an error.
func TestQueuePointsAdminsElsewhere(t *testing.T) {
	p := newPage(t)
	p.signInPage(adminEmail, env.adminPass)
	p.do(chromedp.Navigate(env.base + "/queue"))
	p.waitFor("the queue", `document.getElementById('progress-text').textContent !== 'Loading…'`)
	text := eval[string](p, `document.getElementById('progress-text').textContent`)
	if !strings.Contains(text, "for reviewers") {
		t.Fatalf("progress text %q", text)
	}
	if !eval[bool](p, `!!document.querySelector('#queue-list a[href="/admin"]')`) {
		t.Fatal("no link to the admin console")
	}
	if !eval[bool](p, `document.getElementById('queue-error').hidden`) {
		t.Fatal("the queue shows an error to an admin")
	}
	p.screenshot("queue-admin", false)
}

// TestSignInLandsOnRolePage: each role lands on its own page after signing in: reviewers on the
// queue, researchers on the scores, admins on the admin console.
func TestSignInLandsOnRolePage(t *testing.T) {
	needBrowser(t)
	revEmail, revPass := newReviewer(t, "Rhea Role")
	resEmail, resPass := newResearcher(t)
	for _, c := range []struct{ role, email, password, want string }{
		{"reviewer", revEmail, revPass, "/queue"},
		{"researcher", resEmail, resPass, "/scores"},
		{"admin", adminEmail, env.adminPass, "/admin"},
	} {
		p := newPage(t)
		p.signInPage(c.email, c.password)
		if got := eval[string](p, `location.pathname`); !strings.HasPrefix(got, c.want) {
			t.Errorf("a %s lands on %s after signing in, want %s", c.role, got, c.want)
		}
		p.close()
	}
}

// TestPageNotForRole: a reviewer who opens the scores, the downloads or the admin console is told
// plainly that the page is not for their role and pointed to their queue, instead of a page whose
// requests answer 403 and whose buttons do nothing.
func TestPageNotForRole(t *testing.T) {
	needBrowser(t)
	email, pw := newReviewer(t, "Nora Notfor")
	p := newPage(t)
	p.signInPage(email, pw)
	for _, path := range []string{"/scores", "/downloads", "/admin"} {
		p.do(chromedp.Navigate(env.base + path))
		p.waitFor(path+" to settle", `document.body.dataset.state === 'not-for-role' || document.body.dataset.state === 'ready'`)
		if st := eval[string](p, `document.body.dataset.state`); st != "not-for-role" {
			t.Fatalf("a reviewer on %s sees the page (state %q), want the not-for-your-role page", path, st)
		}
		h1 := eval[string](p, `document.querySelector('main h1').textContent`)
		if !strings.Contains(h1, "not for your role") {
			t.Fatalf("a reviewer on %s reads %q", path, h1)
		}
		if !eval[bool](p, `!!document.querySelector('main a[href="/queue"]')`) {
			t.Fatalf("the not-for-your-role page on %s has no way to the queue", path)
		}
		if n := eval[int](p, `document.querySelectorAll('main button, main form').length`); n != 0 {
			t.Fatalf("the not-for-your-role page on %s keeps %d buttons or forms", path, n)
		}
	}
	p.screenshot("not-for-role", false)
}
