package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// newResearcher creates a researcher account through the admin API.
func newResearcher(t testing.TB) (email, password string) {
	t.Helper()
	n := userSeq.Add(1)
	email = fmt.Sprintf("researcher-%d-%d@example.org", n, time.Now().UnixNano())
	password = "pw-" + fmt.Sprint(time.Now().UnixNano())
	adminClient(t).must(t, "POST", "/api/v1/users", map[string]string{"email": email, "name": "Rita Researcher", "role": "researcher", "password": password}, nil)
	return email, password
}

// TestResearcherPages: a researcher sees a fresh outlet's scores in the sortable table and the
// per-label interval charts, opens the outlet's page with its months and articles, and
// manages an API token on the downloads page.
func TestResearcherPages(t *testing.T) {
	needBrowser(t)
	admin := adminClient(t)
	stamp := time.Now().UnixNano()
	name := fmt.Sprintf("<b>E2E Scores</b> %d", stamp) // markup in a name must stay text
	var o outlet
	admin.must(t, "POST", "/api/v1/outlets", map[string]any{"name": name}, &o)
	var a article
	admin.must(t, "POST", "/api/v1/articles", map[string]any{"outlet_id": o.ID, "title": "Scored in the browser",
		"text": "The FBI report stated the facts. Could somebody have left a live round? What a nasty jerk.", "published_at": "2024-03-05T10:00:00Z",
		"url": fmt.Sprintf("https://e2e.example/%d", stamp)}, &a)
	revEmail, revPass := newReviewer(t, "Score Reviewer")
	rev := signIn(t, revEmail, revPass)
	rev.must(t, "POST", "/api/v1/articles/"+a.ID.String()+"/annotations", map[string]any{"label": "opinion", "start": 72, "end": 88}, nil)
	rev.must(t, "POST", "/api/v1/articles/"+a.ID.String()+"/complete", nil, nil)

	email, password := newResearcher(t)
	p := newPage(t)
	p.signInPage(email, password)

	p.do(chromedp.Navigate(env.base + "/scores"))
	row := fmt.Sprintf(`document.querySelector('#outlet-body tr[data-outlet-id="%s"]')`, o.ID)
	p.waitFor("the outlet's row", `document.body.dataset.state === 'ready' && `+row+` !== null`)
	if got := eval[string](p, row+`.querySelector('a').textContent`); got != name {
		t.Errorf("outlet cell reads %q, want the name as text %q", got, name)
	}
	if !eval[bool](p, row+`.querySelector('.tag-low') !== null`) {
		t.Error("an outlet with one article is not flagged low sample")
	}
	// Issue 14: one article is too few for an interval, and the table says so instead of a
	// zero-width "x% (x% – x%)".
	if cell := eval[string](p, row+`.textContent`); !strings.Contains(cell, "too few articles for an interval") || strings.Contains(cell, "% – ") {
		t.Errorf("the one-article outlet's row reads %q", cell)
	}
	chartLabel := fmt.Sprintf(`Chart.getChart(document.querySelector('#charts canvas')).data.labels.find(l => l.startsWith(%q))`, name)
	if got := eval[string](p, chartLabel); !strings.Contains(got, "too few articles for an interval") {
		t.Errorf("the chart labels the one-article outlet %q", got)
	}
	// One chart per label, each with a dot and an interval per outlet in the table.
	counts := eval[[]int](p, `[...document.querySelectorAll('#charts canvas')].map(c => { const ch = Chart.getChart(c); return ch ? Math.min(ch.data.datasets[0].data.length, ch.data.datasets[1].data.length) : -1; })`)
	rows := eval[int](p, `document.querySelectorAll('#outlet-body tr').length`)
	if len(counts) != 4 {
		t.Fatalf("%d charts, want one per label", len(counts))
	}
	for _, n := range counts {
		if n != rows {
			t.Errorf("chart points %v, want %d per chart", counts, rows)
		}
	}
	// Sorting by the opinion share puts the largest first.
	p.do(chromedp.Click(chromedp.CSS(`button.sort[data-sort="opinion_share"]`)))
	p.waitFor("sorted by opinion", `document.querySelector('button.sort[data-sort="opinion_share"]').parentElement.getAttribute('aria-sort') === 'descending'`)
	var scores struct {
		Items []map[string]any `json:"items"`
	}
	admin.must(t, "GET", "/api/v1/scores/outlets", nil, &scores)
	best, bestShare := "", -1.0
	for _, it := range scores.Items {
		s, _ := it["opinion_share"].(json.Number).Float64()
		if s > bestShare {
			best, bestShare = it["outlet_id"].(json.Number).String(), s
		}
	}
	if first := eval[string](p, `document.querySelector('#outlet-body tr').dataset.outletId`); first != best {
		t.Errorf("after sorting by opinion the first outlet is %s, want %s (share %v)", first, best, bestShare)
	}

	// The outlet's page: its scores, a month of 2024-03, and its article.
	p.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`#outlet-body tr[data-outlet-id="%s"] a`, o.ID))))
	p.waitFor("the outlet page", `location.pathname.startsWith('/outlets/') && document.body.dataset.state === 'ready'`)
	if got := eval[string](p, `document.getElementById('outlet-title').textContent`); got != name {
		t.Errorf("outlet page title %q, want %q", got, name)
	}
	// One article row, said in the singular (was "1 article rows").
	if st := eval[string](p, `document.getElementById('status').textContent`); !strings.HasPrefix(st, "1 article row ·") {
		t.Errorf("the outlet page's status reads %q, want \"1 article row · …\"", st)
	}
	if m := eval[string](p, `[...document.querySelectorAll('#month-body tr')].map(r => r.cells[0].textContent).join(',')`); m != "2024-03" {
		t.Errorf("months %q, want 2024-03", m)
	}
	if sum := eval[string](p, `document.getElementById('outlet-summary').textContent`); !strings.Contains(sum, "too few articles for an interval") || strings.Contains(sum, "% – ") {
		t.Errorf("the outlet summary reads %q", sum)
	}
	if href := eval[string](p, `document.querySelector('#article-body a').getAttribute('href')`); href != "/articles/"+a.ID.String() {
		t.Errorf("article link %q", href)
	}
	if !eval[bool](p, `Chart.getChart(document.getElementById('time-chart')).data.datasets.length === 4`) {
		t.Error("the time chart has no line per label")
	}

	// Downloads: every export is linked, and a token is shown once, works, and is revoked.
	p.do(chromedp.Navigate(env.base + "/downloads"))
	p.waitFor("the downloads page", `document.body.dataset.state === 'ready'`)
	formats := eval[[]string](p, `[...document.querySelectorAll('#download-links a')].map(a => a.getAttribute('href'))`)
	for _, want := range []string{"/api/v1/scores/outlets?format=csv", "/api/v1/scores/articles?format=json", "/api/v1/exports/annotations?format=jsonl",
		"/api/v1/exports/annotations?format=csv", "/api/v1/exports/annotations?format=jsonld", "/api/v1/exports/datapackage.json"} {
		if !containsString(formats, want) {
			t.Errorf("no download link %s among %v", want, formats)
		}
	}
	eval[bool](p, `window.jsonldStatus = 0; fetch('/api/v1/exports/annotations?format=jsonld').then(r => { window.jsonldStatus = r.status; }); true`)
	p.waitFor("the JSON-LD download", `window.jsonldStatus > 0`)
	if st := eval[int](p, `window.jsonldStatus`); st != 200 {
		t.Errorf("the JSON-LD link answers %d", st)
	}
	p.do(chromedp.SendKeys(chromedp.CSS("#token-name"), "e2e notebook"), chromedp.Click(chromedp.CSS(`#token-form button[type="submit"]`)))
	p.waitFor("the new token", `document.getElementById('new-token-value').textContent.length > 10`)
	token := eval[string](p, `document.getElementById('new-token-value').textContent`)
	p.waitFor("the token in the list", `[...document.querySelectorAll('#token-list td')].some(td => td.textContent === 'e2e notebook')`)
	if st := bearerStatus(t, token); st != 200 {
		t.Fatalf("the new token gets %d on the scores", st)
	}
	eval[bool](p, `window.confirm = () => true; true`)
	p.do(chromedp.Click(chromedp.CSS(`#token-list tr:last-child button`)))
	p.waitFor("the token gone", `![...document.querySelectorAll('#token-list td')].some(td => td.textContent === 'e2e notebook')`)
	if st := bearerStatus(t, token); st != 401 {
		t.Errorf("a revoked token gets %d, want 401", st)
	}
}

func bearerStatus(t *testing.T, token string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", env.base+"/api/v1/scores/outlets", nil)
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(token))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
