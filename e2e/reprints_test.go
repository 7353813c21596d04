package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

type detectedRegion struct {
	region
	Reason           string      `json:"reason"`
	Relation         string      `json:"relation"`
	OriginOutletName string      `json:"origin_outlet_name"`
	OtherArticleID   json.Number `json:"other_article_id"`
}

type reprint struct {
	ArticleID   json.Number    `json:"article_id"`
	OutletID    json.Number    `json:"outlet_id"`
	Title       string         `json:"title"`
	Start       int            `json:"start"`
	End         int            `json:"end"`
	OtherStart  int            `json:"other_start"`
	OtherEnd    int            `json:"other_end"`
	Annotations map[string]int `json:"annotations"`
}

func (c *client) detectedRegions(t testing.TB, articleID json.Number) []detectedRegion {
	t.Helper()
	var out struct {
		Items []detectedRegion `json:"items"`
	}
	c.must(t, "GET", fmt.Sprintf("/api/v1/articles/%s/regions?limit=1000", articleID), nil, &out)
	return out.Items
}

func (c *client) reprints(t testing.TB, articleID json.Number) []reprint {
	t.Helper()
	var out struct {
		Items []reprint `json:"items"`
	}
	c.must(t, "GET", fmt.Sprintf("/api/v1/articles/%s/reprints", articleID), nil, &out)
	return out.Items
}

// TestDetectedQuoteAndAlsoPublishedIn: the article that credits The Daily Ledger ("… has the latest
// in the case") shows the detected quote with its reason and relation, which a reviewer accepts
// with the keyboard; and its shared paragraphs say which other articles carry them, how they
// were annotated there, with links that open those articles.
func TestDetectedQuoteAndAlsoPublishedIn(t *testing.T) {
	needBrowser(t)
	art := articleWith(t, "has the latest in the case")
	email, pw := newReviewer(t, "Rita Reprint")
	me := signIn(t, email, pw)

	var quote detectedRegion
	for _, r := range me.detectedRegions(t, art.ID) {
		if r.Origin == "detected" && r.Kind == "quote" && r.Status == "proposed" && r.Relation != "" {
			quote = r
		}
	}
	if quote.ID == "" {
		t.Fatalf("article %s has no proposed detected quote: %+v", art.ID, me.detectedRegions(t, art.ID))
	}
	reps := me.reprints(t, art.ID)
	if len(reps) == 0 {
		t.Fatalf("article %s shares no passage with other articles", art.ID)
	}
	others := map[string]reprint{}
	for _, r := range reps {
		others[r.ArticleID.String()] = r
	}

	// Another reviewer annotates the shared passage in one of the other articles.
	target := reps[0]
	otherEmail, otherPw := newReviewer(t, "Otto Other")
	other := signIn(t, otherEmail, otherPw)
	oa := other.article(t, target.ArticleID)
	ostart, oend := passage(t, oa.Text, target.OtherStart, 4)
	other.must(t, "POST", fmt.Sprintf("/api/v1/articles/%s/annotations", target.ArticleID), map[string]any{"label": "opinion", "start": ostart, "end": oend}, nil)
	// Blind review holds on the other article of a pair too: the counts there include the other
	// reviewer's work only once this reviewer has finished that article.
	me.must(t, "POST", fmt.Sprintf("/api/v1/articles/%s/complete", target.ArticleID), nil, nil)

	p := newPage(t)
	p.signInPage(email, pw)
	p.openArticle(art.ID)
	// No suggestions in the way of this test's keys: hidden (and remembered) with s.
	p.waitFor("the suggestions toggle", `!document.getElementById('sug-toggle').hidden`)
	p.key("s")
	p.waitFor("the suggestions to be hidden", `!document.querySelector('#article-text [data-suggestion-rule]')`)

	// The proposal: shaded in the text with its caption, listed with relation and reason.
	got := eval[string](p, fmt.Sprintf(`[...document.querySelectorAll('#article-text [data-region-id="%s"]')].map((e) => e.textContent).join('')`, quote.ID))
	if got != cpSlice(art.Text, quote.Start, quote.End) {
		t.Fatalf("the proposed quote is shaded over %q, want %q", got, cpSlice(art.Text, quote.Start, quote.End))
	}
	caption := eval[string](p, fmt.Sprintf(`document.querySelector('#article-text [data-region-id="%s"].first').dataset.caption`, quote.ID))
	if !strings.HasPrefix(caption, "Proposed") || !strings.Contains(caption, quote.OriginOutletName) {
		t.Fatalf("the proposal is captioned %q, want a proposed quote from %q", caption, quote.OriginOutletName)
	}
	item := eval[string](p, `[...document.querySelectorAll('#reg-list li')].map((li) => li.textContent).join('\n')`)
	if !strings.Contains(strings.ToLower(item), quote.Relation) {
		t.Fatalf("the regions list does not give the relation %q:\n%s", quote.Relation, item)
	}
	if n := eval[int](p, fmt.Sprintf(`[...document.querySelectorAll('#reg-list details.why p')].filter((e) => e.textContent === %q).length`, quote.Reason)); n != 1 {
		t.Fatalf("the regions list does not give the reason %q", quote.Reason)
	}

	// Also published in…: a marker where the shared passage starts, and the panel's list with a
	// link to each other article and how the passage was annotated there.
	p.waitFor("the shared passages", `document.querySelectorAll('#rep-list a.rep-link').length > 0 && !!document.querySelector('#article-text .reprint.first')`)
	marker := eval[string](p, `(document.querySelector('#article-text .reprint.first') || {dataset: {}}).dataset.caption || ''`)
	if want := fmt.Sprintf("Also in %d other article", len(others)); !strings.HasPrefix(marker, want) {
		t.Fatalf("the marker reads %q, want %q…", marker, want)
	}
	hrefs := eval[[]string](p, `[...document.querySelectorAll('#rep-list a.rep-link')].map((a) => a.getAttribute('href'))`)
	for id := range others {
		found := false
		for _, h := range hrefs {
			found = found || h == "/articles/"+id
		}
		if !found {
			t.Fatalf("no link to article %s among %v", id, hrefs)
		}
	}
	p.waitFor("the other reviewer's annotation to be counted", fmt.Sprintf(
		`[...document.querySelectorAll('#rep-list .rep-other')].some((li) => li.querySelector('a.rep-link').getAttribute('href') === '/articles/%s' && li.querySelector('.rep-labels').textContent.includes('1 × Opinion'))`, target.ArticleID))
	p.do(chromedp.Evaluate[chromedp.Void](`document.getElementById('rep-section').scrollIntoView()`))
	p.screenshot("also-published-in", false)

	// Keyboard: the word cursor inside the quote, Enter opens the passage, Tab reaches Accept.
	s, e := passage(t, art.Text, quote.Start, 2)
	p.do(chromedp.Focus(chromedp.CSS("#article-text")))
	p.selectCP(art.Text, s, e)
	p.key(kb.Enter)
	p.waitFor("the passage dialog", `document.getElementById('details-dialog').open`)
	for i := 0; i < 12 && eval[string](p, `document.activeElement.dataset.action || ''`) != "accept-region"; i++ {
		p.key(kb.Tab)
	}
	if a := eval[string](p, `document.activeElement.dataset.action || ''`); a != "accept-region" {
		t.Fatalf("Tab never reached the proposal's Accept button (focus is on %q)", eval[string](p, `document.activeElement.outerHTML.slice(0, 120)`))
	}
	p.screenshot("proposal-dialog", false)
	p.key(kb.Enter)
	p.waitSaved()
	status := func() string {
		for _, r := range me.detectedRegions(t, art.ID) {
			if r.ID == quote.ID {
				return r.Status
			}
		}
		return "missing"
	}
	if st := status(); st != "accepted" {
		t.Fatalf("after Accept the service has the proposal %s", st)
	}
	p.key(kb.Escape)
	p.waitFor("the accepted caption", fmt.Sprintf(`!document.querySelector('#article-text [data-region-id="%s"].first').dataset.caption.startsWith('Proposed')`, quote.ID))
	// Ctrl+Z takes the acceptance back.
	p.key("z", chromedp.ModifierCtrl)
	p.waitSaved()
	if st := status(); st != "proposed" {
		t.Fatalf("after undo the proposal is %s, want proposed", st)
	}

	// The link opens the other article.
	p.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`#rep-list a.rep-link[href="/articles/%s"]`, target.ArticleID))))
	p.waitFor("the other article", fmt.Sprintf(`location.pathname === '/articles/%s' && document.body.dataset.state === 'ready'`, target.ArticleID))
	if title := eval[string](p, `document.getElementById('article-title').textContent`); title != oa.Title {
		t.Fatalf("the link opened %q, want %q", title, oa.Title)
	}
	// And that article links back to this one.
	p.waitFor("the link back", fmt.Sprintf(`!!document.querySelector('#rep-list a.rep-link[href="/articles/%s"]')`, art.ID))
}
