package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestDownloadsNamesLinksAndCitation: on the downloads page every link has an accessible name
// that says what and in which format (not only "CSV"), every file is named by what it holds,
// its filters, the data version and the day, the filters reach the names, and the page offers
// a suggested citation with the methodology version, the data version and the day; the
// methodology page offers the citation's form too (issue 17, item 9).
func TestDownloadsNamesLinksAndCitation(t *testing.T) {
	needBrowser(t)
	email, password := newResearcher(t)
	var versions struct {
		Methodology string `json:"methodology"`
		DataVersion string `json:"data_version"`
	}
	signIn(t, email, password).must(t, "GET", "/api/v1/scores/agreement", nil, &versions)
	p := newPage(t)
	p.signInPage(email, password)
	p.do(chromedp.Navigate(env.base + "/downloads"))
	p.waitFor("the downloads page", `document.body.dataset.state === 'ready'`)
	day := time.Now().UTC().Format("2006-01-02")

	links := eval[[]downloadLink](p, `[...document.querySelectorAll('#download-links a')].map(a => ({Label: a.getAttribute('aria-label') || '', Text: a.textContent, Download: a.getAttribute('download') || '', Href: a.getAttribute('href')}))`)
	if len(links) < 10 {
		t.Fatalf("%d download links", len(links))
	}
	labels := map[string]bool{}
	for _, l := range links {
		if !strings.HasSuffix(l.Label, l.Text) || len(l.Label) <= len(l.Text)+2 {
			t.Errorf("link %s: accessible name %q says no more than its text %q", l.Href, l.Label, l.Text)
		}
		if labels[l.Label] {
			t.Errorf("two links share the accessible name %q", l.Label)
		}
		labels[l.Label] = true
		if !strings.HasPrefix(l.Download, "credence-") || !strings.Contains(l.Download, "_data-"+versions.DataVersion+"_"+day+".") {
			t.Errorf("link %s saves as %q, not named by what, data version %s and day", l.Href, l.Download, versions.DataVersion)
		}
	}
	for _, want := range []string{"credence-outlet-scores_data-" + versions.DataVersion + "_" + day + ".csv",
		"credence-outlet-scores_by-month_data-" + versions.DataVersion + "_" + day + ".json",
		"credence-data-package_data-" + versions.DataVersion + "_" + day + ".zip"} {
		if !containsLink(links, want) {
			t.Errorf("no link saves as %s", want)
		}
	}

	// A filter reaches the names.
	p.do(chromedp.SendKeys(chromedp.CSS("#f-outlet"), "3"))
	p.waitFor("the filtered names", `[...document.querySelectorAll('#download-links a')].some(a => (a.getAttribute('download') || '').startsWith('credence-annotations_outlet-3_'))`)

	cite := eval[string](p, `document.getElementById('citation-text').textContent`)
	for _, part := range []string{versions.Methodology, "data version " + versions.DataVersion, "Downloaded " + day, env.base} {
		if !strings.Contains(cite, part) {
			t.Errorf("the suggested citation %q does not name %q", cite, part)
		}
	}

	p.do(chromedp.Navigate(env.base + "/methodology"))
	p.waitFor("the methodology's citation", `document.getElementById('citation-template') !== null`)
	if got := eval[string](p, `document.getElementById('citation-template').textContent`); !strings.Contains(got, versions.Methodology) {
		t.Errorf("the methodology's suggested citation %q does not name %q", got, versions.Methodology)
	}
}

// downloadLink is a link of the downloads page as the test reads it.
type downloadLink struct{ Label, Text, Download, Href string }

func containsLink(links []downloadLink, download string) bool {
	for _, l := range links {
		if l.Download == download {
			return true
		}
	}
	return false
}
