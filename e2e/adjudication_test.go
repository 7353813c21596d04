package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestAdjudicationPage: a curator signs in and lands on the adjudication queue, opens an
// article two reviewers finished, sees their work side by side in units (disagreements first,
// the agreed unit already pre-merged), and builds the consensus with the keyboard (move, accept,
// add a selected passage, delete) and the mouse (accept one reviewer's mark, accept all of a
// reviewer's marks of a label, relabel), then marks it adjudicated; the consensus export then
// holds exactly what the page built.
func TestAdjudicationPage(t *testing.T) {
	needBrowser(t)
	admin := adminClient(t)
	text := "The FBI report stated the facts. Could somebody have left a live round? What a nasty jerk, a super-douche. Readers say it was unsafe."
	fact := mark{"sourced_fact", "The", "."}
	f := reviewedTwice(t, "Adjudication Gazette", "Two reviewers disagree", text, [2]string{"Rhea Reviewer", "Remi Reviewer"}, [2][]mark{
		{fact, {"speculation", "Could", "round?"}, {"loaded_language", "nasty", "jerk"}},
		{fact, {"loaded_language", "super", "douche"}},
	}, "Cora Curator")
	a, r1, r2, at, path, curEmail := f.article, f.r1, f.r2, f.at, f.path, f.curator

	p := newPage(t)
	p.do(chromedp.Navigate(env.base+"/login"), chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), curEmail), chromedp.SendKeys(chromedp.CSS("#password"), "curator-password"),
		chromedp.Click(chromedp.CSS("#login-submit")))
	p.waitFor("the curator's landing page", `location.pathname === '/adjudication' && document.body.dataset.state === 'ready'`)
	row := fmt.Sprintf(`document.querySelector('#queue-body tr[data-article-id="%s"]')`, a.ID)
	p.waitFor("the article in the queue", row+` !== null`)
	p.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`#queue-body tr[data-article-id="%s"] a`, a.ID))))
	p.waitFor("the adjudication page", `location.pathname.startsWith('/adjudication/') && document.body.dataset.state === 'ready' && document.querySelectorAll('#units-body tr.unit').length > 0`)

	// Side by side: a column per finished reviewer; disagreements first, the agreed unit last
	// and already in the consensus (pre-merged), drawn in the text.
	if n := eval[int](p, `document.querySelectorAll('#units-head th').length`); n != 4 {
		t.Errorf("%d header cells, want the unit, two reviewers and the consensus", n)
	}
	agreed := eval[[]string](p, `[...document.querySelectorAll('#units-body tr.unit')].map(r => r.dataset.kind + ':' + r.dataset.agreed + ':' + r.dataset.count)`)
	want := []string{"speculation:false:1/2", "loaded_language:false:1/2", "loaded_language:false:1/2", "sourced_fact:true:2/2"}
	if strings.Join(agreed, ",") != strings.Join(want, ",") {
		t.Errorf("units %v, want %v", agreed, want)
	}
	consensus := func() []string {
		return eval[[]string](p, `[...document.querySelectorAll('#consensus-list li[data-consensus-id]')].map(li => li.dataset.label)`)
	}
	if got := consensus(); len(got) != 1 || got[0] != "sourced_fact" {
		t.Fatalf("pre-merged consensus %v", got)
	}
	if got := eval[string](p, `[...document.querySelectorAll('#adj-text mark[data-label="sourced_fact"]')].map(e => e.textContent).join('')`); got != text[:at(".")+1] {
		t.Errorf("the pre-merged annotation reads %q in the text", got)
	}
	waitConsensus := func(what string, n int) {
		t.Helper()
		p.waitFor(what, fmt.Sprintf(`document.querySelectorAll('#consensus-list li[data-consensus-id]').length === %d`, n))
	}

	// Keyboard: j/k move between units, a accepts the mark in focus (the speculation unit).
	p.do(chromedp.Focus(chromedp.CSS(`#units-body button.mark-accept`)))
	p.key("j")
	p.key("k")
	p.key("a")
	waitConsensus("the speculation accepted with a", 2)
	if got := consensus(); !contains(got, "speculation") {
		t.Errorf("after a: consensus %v", got)
	}

	// Mouse: accept Remi's loaded-language mark, then all of Rhea's loaded language at once.
	p.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`#units-body tr[data-kind="loaded_language"] button.mark-accept[data-reviewer-id="%s"]`, r2.user.ID))))
	waitConsensus("Remi's mark accepted by click", 3)
	loads := eval[string](p, `document.body.dataset.loads`)
	p.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`#units-head button[data-action="bulk"][data-reviewer-id="%s"]`, r1.user.ID))))
	p.waitFor("the bulk accept answered", fmt.Sprintf(`document.body.dataset.loads !== %q`, loads))
	waitConsensus("nothing new: sourced fact is Rhea's first label and is in already", 3)
	p.selectOption(`#units-head th:nth-child(2) select`, "loaded_language")
	p.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`#units-head button[data-action="bulk"][data-reviewer-id="%s"]`, r1.user.ID))))
	waitConsensus("Rhea's loaded language accepted in bulk", 4)

	// Keyboard: select a passage of the text and press 3 to add it as opinion.
	opinion := eval[string](p, fmt.Sprintf(`(() => {
		const root = document.getElementById('adj-text');
		const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
		let pos = 0, a = null, b = null;
		for (let n = w.nextNode(); n; n = w.nextNode()) {
			const len = n.data.length;
			if (!a && %[1]d < pos + len) a = [n, %[1]d - pos];
			if (!b && %[2]d <= pos + len) b = [n, %[2]d - pos];
			pos += len;
		}
		getSelection().setBaseAndExtent(a[0], a[1], b[0], b[1]);
		return getSelection().toString();
	})()`, at("What"), at("douche")+7))
	if opinion != "What a nasty jerk, a super-douche." {
		t.Fatalf("selected %q", opinion)
	}
	p.key("3")
	waitConsensus("the selected passage added with 3", 5)

	// Relabel with the mouse, delete with the keyboard.
	p.selectOption(`#consensus-list li[data-label="speculation"] select`, "opinion")
	p.waitFor("the relabelled annotation", `document.querySelectorAll('#consensus-list li[data-label="opinion"]').length === 2`)
	p.do(chromedp.Focus(chromedp.CSS(`#consensus-list li[data-label="sourced_fact"]`)))
	p.key(kb.Delete)
	waitConsensus("the focused annotation deleted", 4)
	p.screenshot("adjudication", false)

	p.do(chromedp.Click(chromedp.CSS(`#adj-complete`)))
	p.waitFor("the article adjudicated", `document.body.dataset.adjudication === 'adjudicated'`)

	// The consensus holds what the page built, by the curator, and so does the JSON-LD export.
	var list struct {
		Items []annotation `json:"items"`
	}
	admin.must(t, "GET", path+"/annotations?layer=consensus", nil, &list)
	var got []string
	for _, n := range list.Items {
		got = append(got, fmt.Sprintf("%s[%d,%d)", n.Label, n.Start, n.End))
	}
	wantRows := []string{
		fmt.Sprintf("opinion[%d,%d)", at("Could"), at("round?")+6),
		fmt.Sprintf("loaded_language[%d,%d)", at("super"), at("douche")+6),
		fmt.Sprintf("loaded_language[%d,%d)", at("nasty"), at("jerk")+4),
		fmt.Sprintf("opinion[%d,%d)", at("What"), at("douche")+7),
	}
	if strings.Join(got, " ") != strings.Join(wantRows, " ") {
		t.Errorf("consensus %v, want %v", got, wantRows)
	}
	var ld struct {
		First struct {
			Items []struct {
				Target struct {
					Source string `json:"source"`
				} `json:"target"`
				Creator struct {
					Name string `json:"name"`
				} `json:"creator"`
			} `json:"items"`
		} `json:"first"`
	}
	admin.must(t, "GET", "/api/v1/exports/annotations?format=jsonld&layer=consensus", nil, &ld)
	mine := 0
	for _, it := range ld.First.Items {
		if strings.HasSuffix(it.Target.Source, f.url) {
			mine++
			if it.Creator.Name != "Cora Curator" {
				t.Errorf("JSON-LD creator %q, want the curator", it.Creator.Name)
			}
		}
	}
	if mine != len(wantRows) {
		t.Errorf("%d JSON-LD annotations of the article, want %d", mine, len(wantRows))
	}
}

// TestAdjudicationPhoneLayout: on a phone (390 px) the adjudication page does not scroll
// sideways: the reviewers' units table scrolls in its own box, the text wraps in the width of
// the screen, and each reviewer's "accept all" label choice stays wide enough to read.
func TestAdjudicationPhoneLayout(t *testing.T) {
	needBrowser(t)
	text := "The FBI report stated the facts. Could somebody have left a live round? What a nasty jerk, a super-douche."
	f := reviewedTwice(t, "Phone Gazette", "Adjudicated on a phone", text,
		[2]string{"Philippa Reviewer-With-A-Long-Name", "Phineas Reviewer-With-A-Long-Name"},
		[2][]mark{{{"speculation", "Could", "round?"}}, {{"loaded_language", "super", "douche"}}}, "Phil Curator")
	a, curEmail := f.article, f.curator

	p := newPage(t)
	p.signInPage(curEmail, "curator-password")
	p.do(chromedp.EmulateViewport(390, 844), chromedp.Navigate(env.base+"/adjudication/"+a.ID.String()))
	p.waitFor("the adjudication page", `document.body.dataset.state === 'ready' && document.querySelectorAll('#units-body tr.unit').length > 0`)
	p.screenshot("adjudication-phone", false)
	if w := eval[int](p, `document.documentElement.scrollWidth`); w > 390 {
		wide := eval[string](p, `[...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > innerWidth + 1).slice(0, 4).map((e) => e.tagName + '.' + e.className).join(', ')`)
		t.Fatalf("the page is %d px wide on a 390 px phone (it scrolls sideways): %s", w, wide)
	}
	if w := eval[float64](p, `Math.min(...[...document.querySelectorAll('#units-head select')].map((s) => s.getBoundingClientRect().width))`); w < 100 {
		t.Fatalf("a reviewer's label choice is %.0f px wide, too narrow to read the label", w)
	}
}

// TestAdjudicatedConsensusIsReadOnly: once an article is adjudicated its page offers no change
// to the consensus (label choices, Delete and Accept all are disabled) and accepting a mark from
// the keyboard says to reopen the adjudication instead of sending a change the service refuses
// (whose message named an API route); reopening makes it editable again.
func TestAdjudicatedConsensusIsReadOnly(t *testing.T) {
	needBrowser(t)
	text := "The FBI report stated the facts. Could somebody have left a live round? What a nasty jerk."
	f := reviewedTwice(t, "Settled Gazette", "Adjudicated already", text, [2]string{"Rowan Reviewer", "Robin Reviewer"},
		[2][]mark{{{"speculation", "Could", "round?"}}, {{"loaded_language", "nasty", "jerk"}}}, "Sol Curator")
	a, at, path, curEmail := f.article, f.at, f.path, f.curator
	cur := signIn(t, curEmail, "curator-password")
	cur.must(t, "POST", path+"/annotations", map[string]any{"label": "speculation", "start": at("Could"), "end": at("round?") + 6, "layer": "consensus"}, nil)
	cur.must(t, "POST", path+"/complete", map[string]any{"layer": "consensus"}, nil)
	consensusCount := func() int {
		var res struct {
			Items []annotation `json:"items"`
		}
		cur.must(t, "GET", path+"/annotations?layer=consensus", nil, &res)
		return len(res.Items)
	}

	p := newPage(t)
	p.signInPage(curEmail, "curator-password")
	p.do(chromedp.Navigate(env.base + "/adjudication/" + a.ID.String()))
	p.waitFor("the adjudicated page", `document.body.dataset.state === 'ready' && document.body.dataset.adjudication === 'adjudicated' && document.querySelectorAll('#consensus-list li[data-consensus-id]').length === 1`)
	if live := eval[[]string](p, `[...document.querySelectorAll('#consensus-list select, #consensus-list button, #units-head select, #units-head button')].filter((e) => !e.disabled).map((e) => e.outerHTML.slice(0, 60))`); len(live) > 0 {
		t.Fatalf("an adjudicated consensus still offers changes: %v", live)
	}
	p.key("j")
	p.key("a")
	p.waitFor("the page to say the consensus is read-only", `!document.getElementById('error').hidden && document.getElementById('error').textContent.includes('Reopen the adjudication')`)
	if msg := eval[string](p, `document.getElementById('error').textContent`); strings.Contains(msg, "/api/v1") {
		t.Fatalf("the message names an API route: %q", msg)
	}
	if n := consensusCount(); n != 1 {
		t.Fatalf("the consensus has %d annotations after a refused accept, want 1", n)
	}

	p.do(chromedp.Click(chromedp.CSS("#adj-reopen")))
	p.waitFor("the reopened page", `document.body.dataset.adjudication !== 'adjudicated' && !document.querySelector('#consensus-list select').disabled`)
	p.key("j")
	p.key("a")
	p.waitFor("the accepted mark in the consensus", `document.querySelectorAll('#consensus-list li[data-consensus-id]').length === 2`)
	if n := consensusCount(); n != 2 {
		t.Fatalf("after reopening, accepting a mark left %d consensus annotations, want 2", n)
	}
}

// mark is a passage a reviewer tags: label, from the first occurrence of from to the end of the
// first occurrence of to after it (the fixtures' texts are ASCII: bytes are code points).
type mark struct{ label, from, to string }

// twiceReviewed is an article two reviewers tagged differently and finished, ready for a curator.
type twiceReviewed struct {
	article article
	url     string // the article's URL
	path    string // the article's API path
	r1, r2  *client
	at      func(string) int
	curator string // a new curator's email; the password is curator-password
}

// reviewedTwice stores text as an article of a new outlet, assigns it to two new reviewers,
// has each tag their marks and finish, and creates a curator.
func reviewedTwice(t *testing.T, outletName, title, text string, names [2]string, marks [2][]mark, curatorName string) twiceReviewed {
	t.Helper()
	admin := adminClient(t)
	stamp := time.Now().UnixNano()
	var o outlet
	admin.must(t, "POST", "/api/v1/outlets", map[string]any{"name": fmt.Sprintf("%s %d", outletName, stamp)}, &o)
	var a article
	url := fmt.Sprintf("https://e2e.example/adjudication/%d", stamp)
	admin.must(t, "POST", "/api/v1/articles", map[string]any{"outlet_id": o.ID, "title": title, "text": text, "url": url}, &a)
	e1, p1 := newReviewer(t, names[0])
	e2, p2 := newReviewer(t, names[1])
	f := twiceReviewed{article: a, url: url, path: "/api/v1/articles/" + a.ID.String(), r1: signIn(t, e1, p1), r2: signIn(t, e2, p2),
		at: func(s string) int { return strings.Index(text, s) }}
	admin.must(t, "POST", "/api/v1/assignments", map[string]any{"article_ids": []any{a.ID}, "reviewer_ids": []any{f.r1.user.ID, f.r2.user.ID}, "per_article": 2}, nil)
	for i, r := range []*client{f.r1, f.r2} {
		for _, m := range marks[i] {
			start := f.at(m.from)
			end := start + strings.Index(text[start:], m.to) + len(m.to)
			r.must(t, "POST", f.path+"/annotations", map[string]any{"label": m.label, "start": start, "end": end}, nil)
		}
		r.must(t, "POST", f.path+"/complete", nil, nil)
	}
	f.curator = fmt.Sprintf("curator-%d@example.org", stamp)
	admin.must(t, "POST", "/api/v1/users", map[string]string{"email": f.curator, "name": curatorName, "role": "curator", "password": "curator-password"}, nil)
	return f
}
