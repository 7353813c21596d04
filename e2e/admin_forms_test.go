package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// fieldMessage is the message shown beside an input (its aria-describedby), or "".
func (p *page) fieldMessage(input string) string {
	p.t.Helper()
	return eval[string](p, fmt.Sprintf(`(() => { const i = document.querySelector(%s); const id = i && i.getAttribute('aria-describedby');
		const m = id && document.getElementById(id); return m && i.getAttribute('aria-invalid') === 'true' ? m.textContent : ''; })()`, jsString(input)))
}

// TestAdminFormsShowTheAPIMessagesBesideTheField (issue 17, item 14): an empty outlet name, a
// bad homepage and a name that collides with another outlet's web address get the service's
// message beside the field, in plain words, with no native browser bubble in the way.
func TestAdminFormsShowTheAPIMessagesBesideTheField(t *testing.T) {
	needBrowser(t)
	c := adminClient(t)
	taken := unique("E2E Taken")
	c.must(t, "POST", "/api/v1/outlets", map[string]any{"name": taken}, nil)

	p := openAdmin(t, "outlets")
	p.do(chromedp.EmulateViewport(1280, 800))
	p.do(chromedp.Click(chromedp.CSS("#outlet-new")))
	p.waitFor("the outlet dialog", `document.getElementById('outlet-dialog').open`)
	// An empty name: the form must reach the service (a native bubble would stop it there).
	p.do(chromedp.Click(chromedp.CSS("#outlet-save")))
	p.waitFor("the name's message", `document.getElementById('of-name').getAttribute('aria-invalid') === 'true'`)
	if msg := p.fieldMessage("#of-name"); !strings.Contains(msg, "name is required") {
		t.Errorf("beside the empty name: %q", msg)
	}
	p.do(chromedp.SendKeys(chromedp.CSS("#of-name"), unique("E2E Form")), chromedp.SendKeys(chromedp.CSS("#of-homepage"), "not a web address"))
	p.do(chromedp.Click(chromedp.CSS("#outlet-save")))
	p.waitFor("the homepage's message", `document.getElementById('of-homepage').getAttribute('aria-invalid') === 'true'`)
	if msg := p.fieldMessage("#of-homepage"); !strings.Contains(msg, "homepage") {
		t.Errorf("beside the bad homepage: %q", msg)
	}
	if msg := p.fieldMessage("#of-name"); msg != "" {
		t.Errorf("the fixed name still shows %q", msg)
	}
	// The same name but for punctuation and case: one web address for both outlets.
	eval[bool](p, `document.getElementById('of-homepage').value = ''; document.getElementById('of-name').value = `+jsString(strings.ToUpper(taken)+"!")+`; true`)
	p.do(chromedp.Click(chromedp.CSS("#outlet-save")))
	p.waitFor("the collision's message", `document.getElementById('of-name').getAttribute('aria-invalid') === 'true'`)
	msg := p.fieldMessage("#of-name")
	if strings.Contains(msg, "slug") || !strings.Contains(msg, taken) {
		t.Errorf("a colliding name says %q: want plain words naming the outlet %q, without \"slug\"", msg, taken)
	}
	p.screenshot("admin-outlet-form-errors-1280", false)

	// The new-account form: an empty email gets the service's message beside it.
	p.do(chromedp.Navigate(env.base + "/admin/users"))
	p.waitFor("the users section", `document.getElementById('panel-users').dataset.loaded === 'true'`)
	p.do(chromedp.Click(chromedp.CSS(`#user-form button[type="submit"]`)))
	p.waitFor("the email's message", `document.getElementById('user-email').getAttribute('aria-invalid') === 'true'`)
	if msg := p.fieldMessage("#user-email"); msg == "" {
		t.Error("no message beside the empty email")
	}
}
