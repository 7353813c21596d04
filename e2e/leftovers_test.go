package e2e

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAdjudicationListLooksLikeTheOthers: the curator's list of articles to adjudicate counts
// them in words that agree with the count ("1 article", never "1 articles"), and its table has
// the look of the app's other tables of figures (the scores table: its cell padding, rules and
// type, inside the same framed box), where it had the browser's bare table.
func TestAdjudicationListLooksLikeTheOthers(t *testing.T) {
	needBrowser(t)
	text := "The FBI report stated the facts. Could somebody have left a live round? What a nasty jerk."
	f := reviewedTwice(t, "Listed Gazette", "Listed for adjudication", text, [2]string{"Lina Reviewer", "Leo Reviewer"},
		[2][]mark{{{"speculation", "Could", "round?"}}, {{"loaded_language", "nasty", "jerk"}}}, "Lou Curator")

	rEmail, rPass := newResearcher(t)
	p := newPage(t)
	p.signInPage(rEmail, rPass)
	style := `(sel) => { const e = document.querySelector(sel); if (!e) return 'missing ' + sel; const s = getComputedStyle(e);
		return [s.paddingTop, s.paddingLeft, s.borderBottomStyle, s.borderBottomWidth, s.borderBottomColor, s.fontSize, s.textAlign].join(' '); }`
	box := `(sel) => { const e = document.querySelector(sel); if (!e) return 'missing ' + sel; const s = getComputedStyle(e);
		return [s.borderTopStyle, s.borderTopWidth, s.borderTopLeftRadius, s.backgroundColor, s.overflowX].join(' '); }`

	p.do(chromedp.Navigate(env.base + "/scores"))
	p.waitFor("the scores table", `document.querySelector('#outlet-body tr td') !== null`)
	wantCell := eval[string](p, `(`+style+`)('#outlet-body tr td')`)
	wantHead := eval[string](p, `(`+style+`)('#outlet-table thead th')`)
	wantBox := eval[string](p, `(`+box+`)('.table-wrap:has(#outlet-table)')`)

	p = newPage(t)
	p.signInPage(f.curator, "curator-password")
	p.do(chromedp.Navigate(env.base + "/adjudication"))
	p.waitFor("the adjudication list", fmt.Sprintf(`document.body.dataset.state === 'ready' && document.querySelector('#queue-body tr[data-article-id="%s"]') !== null`, f.article.ID))
	rows := eval[int](p, `document.querySelectorAll('#queue-body tr[data-article-id]').length`)
	wantStatus := fmt.Sprintf("%d articles open to curators", rows)
	if rows == 1 {
		wantStatus = "1 article open to curators"
	}
	if got := eval[string](p, `document.getElementById('status').textContent`); got != wantStatus {
		t.Errorf("status %q, want %q", got, wantStatus)
	}
	if got := eval[string](p, `(`+style+`)('#queue-body tr td')`); got != wantCell {
		t.Errorf("a cell of the adjudication list is styled %q, a cell of the scores table %q", got, wantCell)
	}
	if got := eval[string](p, `(`+style+`)('#queue-table thead th')`); got != wantHead {
		t.Errorf("a heading of the adjudication list is styled %q, one of the scores table %q", got, wantHead)
	}
	if got := eval[string](p, `(`+box+`)('#queue-box .table-wrap')`); got != wantBox {
		t.Errorf("the adjudication list's box is %q, the scores table's %q", got, wantBox)
	}
}
