package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestScoresEmptyStates (issue 17, item 8): a filter that no outlet matches says so, with
// neither bare table headers nor four empty charts, and an outlet whose articles have no
// publication date says why "Scores over time" is empty.
func TestScoresEmptyStates(t *testing.T) {
	needBrowser(t)
	o := scoredOutlet(t, "Undated Outlet", "")
	email, password := newResearcher(t)
	p := newPage(t)
	p.do(chromedp.EmulateViewport(1280, 800))
	p.signInPage(email, password)
	p.do(chromedp.Navigate(env.base + "/scores"))
	p.waitFor("the scores", `document.body.dataset.state === 'ready' && document.querySelectorAll('#outlet-body tr').length > 0`)
	// Published from a day far in the future: nothing can match.
	eval[bool](p, `document.getElementById('f-from').value = '2099-01-01'; true`)
	p.do(chromedp.Click(chromedp.CSS(`#filters button[type="submit"]`)))
	p.waitFor("the empty result", `document.body.dataset.state === 'ready' && document.querySelectorAll('#outlet-body tr').length === 0`)
	if msg := eval[string](p, `(() => { const e = document.getElementById('empty'); return e && !e.hidden ? e.textContent : ''; })()`); msg == "" {
		t.Error("a filter with no results shows no message saying so")
	} else if want := "No outlet matches these filters"; !strings.Contains(msg, want) {
		t.Errorf("the empty message reads %q, want it to start %q", msg, want)
	}
	if vis := eval[bool](p, `document.getElementById('outlet-table').offsetParent !== null`); vis {
		t.Error("bare table headers stay visible with no outlet")
	}
	if vis := eval[int](p, `[...document.querySelectorAll('#charts canvas')].filter(c => c.offsetParent !== null).length`); vis != 0 {
		t.Errorf("%d empty charts stay visible with no outlet", vis)
	}
	p.screenshot("scores-empty-1280", false)

	p.do(chromedp.Navigate(fmt.Sprintf("%s/outlets/%s", env.base, o.ID)))
	p.waitFor("the outlet page", `document.body.dataset.state === 'ready'`)
	note := eval[string](p, `(() => { const e = document.getElementById('time-empty'); return e && !e.hidden ? e.textContent : ''; })()`)
	if !strings.Contains(note, "no publication date") {
		t.Errorf("Scores over time for undated articles says %q, want it to say they have no publication date", note)
	}
	if vis := eval[bool](p, `document.getElementById('time-chart').offsetParent !== null`); vis {
		t.Error("an empty time chart is still shown")
	}
	p.screenshot("outlet-undated-1280", false)
}

// scoredOutlet makes an outlet with one article that a reviewer tagged and finished, so the
// outlet has scores; published is the article's date (RFC 3339), or "" for none.
func scoredOutlet(t *testing.T, name, published string) outlet {
	t.Helper()
	admin := adminClient(t)
	stamp := time.Now().UnixNano()
	var o outlet
	admin.must(t, "POST", "/api/v1/outlets", map[string]any{"name": fmt.Sprintf("%s %d", name, stamp)}, &o)
	body := map[string]any{"outlet_id": o.ID, "title": "A scored article",
		"text": "The council said the budget was balanced. Critics think it is a fantasy.", "url": fmt.Sprintf("https://e2e.example/scored-%d", stamp)}
	if published != "" {
		body["published_at"] = published
	}
	var a article
	admin.must(t, "POST", "/api/v1/articles", body, &a)
	revEmail, revPass := newReviewer(t, "Score Reviewer")
	rev := signIn(t, revEmail, revPass)
	rev.must(t, "POST", "/api/v1/articles/"+a.ID.String()+"/annotations", map[string]any{"label": "opinion", "start": 43, "end": 72}, nil)
	rev.must(t, "POST", "/api/v1/articles/"+a.ID.String()+"/complete", nil, nil)
	return o
}

// TestScoresTableAt1280 (issue 17, item 10): at 1280 px the whole table fits, the "Sample"
// column included, and a click anywhere in a header cell (its lower half too) sorts by it.
func TestScoresTableAt1280(t *testing.T) {
	needBrowser(t)
	scoredOutlet(t, "The Evening Chronicle of Long Names", "2024-05-01T08:00:00Z")
	email, password := newResearcher(t)
	p := newPage(t)
	p.do(chromedp.EmulateViewport(1280, 800))
	p.signInPage(email, password)
	p.do(chromedp.Navigate(env.base + "/scores"))
	p.waitFor("the scores", `document.body.dataset.state === 'ready' && document.querySelectorAll('#outlet-body tr').length > 0`)
	p.screenshot("scores-1280", false)
	sample := `[...document.querySelectorAll('#outlet-head th')].find(th => th.textContent.startsWith('Sample'))`
	if clipped := eval[bool](p, `(() => { const w = document.querySelector('#outlet-table').parentElement.getBoundingClientRect(); const th = `+sample+`.getBoundingClientRect(); return th.right > w.right + 0.5; })()`); clipped {
		t.Error(`the "Sample" column is clipped at 1280 px`)
	}
	if scroll := eval[bool](p, `(() => { const w = document.querySelector('#outlet-table').parentElement; return w.scrollWidth > w.clientWidth; })()`); scroll {
		t.Error("the scores table needs a horizontal scroll at 1280 px")
	}
	// Click 2 px above the bottom edge of each header cell: the sort must follow.
	n := eval[int](p, `document.querySelectorAll('#outlet-head th').length`)
	for i := 0; i < n; i++ {
		pt := eval[[]float64](p, fmt.Sprintf(`(() => { const r = document.querySelectorAll('#outlet-head th')[%d].getBoundingClientRect(); return [r.left + 4, r.bottom - 2]; })()`, i))
		key := eval[string](p, fmt.Sprintf(`document.querySelectorAll('#outlet-head th')[%d].querySelector('button').dataset.sort`, i))
		before := eval[string](p, fmt.Sprintf(`document.querySelector('button.sort[data-sort="%s"]').parentElement.getAttribute('aria-sort')`, key))
		p.do(chromedp.MouseClickXY(pt[0], pt[1]))
		p.waitFor("the sort to change on "+key, fmt.Sprintf(`document.querySelector('button.sort[data-sort="%s"]').parentElement.getAttribute('aria-sort') !== %q`, key, before))
	}
}
