package e2e

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"
)

const (
	benchWords       = 20000
	benchAnnotations = 2000
	benchReviewers   = 3
)

var large struct {
	once    sync.Once
	article json.Number
	email   string
	pass    string
	err     string
}

// largeArticle creates, once, an article of 20,000 words with 2,000 annotations from three
// reviewers who have all completed it, and returns it with the first reviewer's credentials.
func largeArticle(b testing.TB) (json.Number, string, string) {
	b.Helper()
	large.once.Do(func() {
		adm := adminClient(b)
		var list struct {
			Items []article `json:"items"`
		}
		adm.must(b, "GET", "/api/v1/articles?limit=1000", nil, &list)
		var paras []string
		for _, a := range list.Items {
			for _, p := range strings.Split(adm.article(b, a.ID).Text, "\n\n") {
				if len(strings.Fields(p)) > 8 {
					paras = append(paras, p)
				}
			}
		}
		if len(paras) == 0 {
			large.err = "the demo articles have no paragraphs to build a large article from"
			return
		}
		var sb strings.Builder
		words := 0
		for i := 0; words < benchWords; i++ {
			p := fmt.Sprintf("(%d) %s", i, paras[i%len(paras)])
			if sb.Len() > 0 {
				sb.WriteString("\n\n")
			}
			sb.WriteString(p)
			words += len(strings.Fields(p))
		}
		text := sb.String()
		var outlets struct {
			Items []outlet `json:"items"`
		}
		adm.must(b, "GET", "/api/v1/outlets?limit=1", nil, &outlets)
		var created article
		adm.must(b, "POST", "/api/v1/articles", map[string]any{
			"outlet_id": outlets.Items[0].ID, "title": fmt.Sprintf("Benchmark: %d words, %d annotations", words, benchAnnotations),
			"url": "https://example.org/benchmark", "author": "e2e", "published_at": "2023-01-31T00:00:00Z", "text": text,
		}, &created)

		// Word spans in code points, to annotate runs of 1–12 words.
		r := []rune(text)
		var spans [][2]int
		for i := 0; i < len(r); {
			for i < len(r) && unicode.IsSpace(r[i]) {
				i++
			}
			s := i
			for i < len(r) && !unicode.IsSpace(r[i]) {
				i++
			}
			if i > s {
				spans = append(spans, [2]int{s, i})
			}
		}
		labels := []string{"sourced_fact", "speculation", "opinion", "loaded_language"}
		var wg sync.WaitGroup
		errs := make(chan string, benchReviewers)
		for rv := 0; rv < benchReviewers; rv++ {
			email, pass := newReviewer(b, fmt.Sprintf("Bench %d", rv))
			if rv == 0 {
				large.email, large.pass = email, pass
			}
			c := signIn(b, email, pass)
			wg.Add(1)
			go func(rv int, c *client) {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(rv), 42))
				for i := rv; i < benchAnnotations; i += benchReviewers {
					w := rng.IntN(len(spans))
					n := 1 + rng.IntN(12)
					last := min(w+n-1, len(spans)-1)
					start, end := spans[w][0], spans[last][1]
					body := map[string]any{"label": labels[rng.IntN(4)], "start": start, "end": end, "exact": string(r[start:end])}
					if body["label"] == "sourced_fact" {
						body["source"] = map[string]string{"text": "a named source"}
					}
					if err := c.do(b.Context(), "POST", "/api/v1/articles/"+created.ID.String()+"/annotations", body, nil); err != nil {
						errs <- fmt.Sprintf("creating annotation %d: %v", i, err)
						return
					}
				}
				if err := c.do(b.Context(), "POST", "/api/v1/articles/"+created.ID.String()+"/complete", nil, nil); err != nil {
					errs <- fmt.Sprintf("completing: %v", err)
				}
			}(rv, c)
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			large.err = e
			return
		}
		large.article = created.ID
	})
	if large.err != "" {
		b.Fatal(large.err)
	}
	return large.article, large.email, large.pass
}

// BenchmarkOpenLargeArticle measures, in headless Chromium, the time from navigation to the
// page being ready for selection (the "credence-ready" performance mark, set after the text and
// every highlight are in the DOM and the handlers are in place), for an article of 20,000 words
// with 2,000 annotations from 3 reviewers. "own" shows the viewer's own annotations (about 667),
// "all" also shows the other reviewers' side by side (all 2,000).
//
//	go test ./e2e -run '^$' -bench OpenLargeArticle -benchtime 5x
func BenchmarkOpenLargeArticle(b *testing.B) {
	needBrowser(b)
	id, email, pass := largeArticle(b)
	p := newPage(b)
	p.signInPage(email, pass)
	for _, mode := range []string{"own", "all"} {
		b.Run(mode, func(b *testing.B) {
			p.t = b
			compare := map[string]string{"own": "off", "all": "on"}[mode]
			eval[bool](p, fmt.Sprintf(`localStorage.setItem('credence.compare', %q), true`, compare))
			var ready, painted, compared []float64
			var marks int
			for b.Loop() {
				p.openArticle(id)
				ready = append(ready, eval[float64](p, `performance.getEntriesByName('credence-ready')[0].startTime`))
				p.waitFor("the first paint", `performance.getEntriesByName('credence-painted').length > 0`)
				painted = append(painted, eval[float64](p, `performance.getEntriesByName('credence-painted')[0].startTime`))
				if mode == "all" {
					p.waitFor("the side-by-side pane", `performance.getEntriesByName('credence-compare-drawn').length > 0`)
					compared = append(compared, eval[float64](p, `performance.getEntriesByName('credence-compare-drawn')[0].startTime`))
				}
				marks = eval[int](p, `new Set([...document.querySelectorAll('[data-annotation-id]')].map((e) => e.dataset.annotationId)).size`)
			}
			median := func(xs []float64) float64 { slices.Sort(xs); return xs[len(xs)/2] }
			b.ReportMetric(median(ready), "ready-ms")
			b.ReportMetric(slices.Max(ready), "max-ready-ms")
			b.ReportMetric(median(painted), "painted-ms")
			if len(compared) > 0 {
				b.ReportMetric(median(compared), "side-by-side-ms")
			}
			b.ReportMetric(float64(marks), "annotations-shown")
		})
	}
}
