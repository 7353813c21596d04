package e2e

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestSignInNextStaysOnSite: /login?next= sends the browser back only to a path of this site,
// as the browser itself parses the value. Browsers drop tabs and line breaks from URLs, so
// "/\t/evil.example/x" is "//evil.example/x" to them: another site. Each such next must land
// on the signed-in admin's home page here; a path of the site (with its query and fragment) is kept.
func TestSignInNextStaysOnSite(t *testing.T) {
	p := newPage(t)
	for _, next := range []string{
		"/%09/evil.example/x", "/%0A/evil.example/x", "/%0D%0A/evil.example/x", "/%09%09/evil.example",
		"//evil.example/x", "/%5Cevil.example", "/\\evil.example", "https://evil.example/x", "javascript:alert(1)",
		"%2F%2Fevil.example", "/%2F/evil.example", " //evil.example",
	} {
		p.signInWithNext(next)
		p.waitFor("the admin's page of this site after next="+next, `location.origin === `+jsString(env.base)+` && location.pathname === '/admin'`)
	}
	p.signInWithNext(url.QueryEscape("/scores?from=2024-01-01#top"))
	p.waitFor("the scores page with its query", `location.origin === `+jsString(env.base)+` && location.pathname === '/scores' && location.search === '?from=2024-01-01' && location.hash === '#top'`)
}

// signInWithNext opens /login?next=<next, sent as given> and signs in as the admin.
func (p *page) signInWithNext(next string) {
	p.t.Helper()
	p.do(
		chromedp.Navigate(env.base+"/login?next="+strings.ReplaceAll(next, " ", "%20")),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](`document.getElementById('email').value = ''; document.getElementById('password').value = ''; true`)(ctx, t)
			return err
		}),
		chromedp.SendKeys(chromedp.CSS("#email"), adminEmail),
		chromedp.SendKeys(chromedp.CSS("#password"), env.adminPass),
		chromedp.Click(chromedp.CSS("#login-submit")),
	)
}
