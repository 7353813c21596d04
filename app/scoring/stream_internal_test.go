package scoring

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/credence-project/credence/annotate/score"
)

// streamCorpus is a corpus of n scored random articles, held packed as the service holds them
// (ids shuffled on insertion, so only c.ids gives their order), with the unpacked results
// beside it for the slice roll-ups to compare with.
func streamCorpus(t *testing.T, n int) (*corpus, []score.ArticleResult) {
	t.Helper()
	r := rand.New(rand.NewPCG(7, 11))
	c := &corpus{entries: map[int64]*entry{}, byOutlet: map[int64]map[int64]bool{}, derived: map[string]derivedTable{}, views: map[Dates]*outletView{}}
	var results []score.ArticleResult
	for _, i := range r.Perm(n) {
		id := int64(i + 1)
		a := score.Article{ID: id, OutletID: int64(1 + r.IntN(5)), Length: 200 + r.IntN(800)}
		if r.IntN(3) == 0 {
			s := r.IntN(a.Length / 2)
			a.Regions = []score.Region{{Kind: score.RegionQuote, Start: s, End: s + 50 + r.IntN(a.Length/2-s+1), OriginOutletID: int64(1 + r.IntN(5))}}
		}
		for rev := range r.IntN(4) { // 0 to 3 finished reviews, some articles unreviewed
			reviewer := int64(100 + rev + r.IntN(3))
			if slices.Contains(a.Reviewers, reviewer) {
				continue
			}
			a.Reviewers = append(a.Reviewers, reviewer)
			for range 1 + r.IntN(5) {
				s := r.IntN(a.Length)
				a.Annotations = append(a.Annotations, score.Annotation{ReviewerID: reviewer, Label: score.AllLabels[r.IntN(score.NumLabels)], Start: s, End: min(a.Length, s+1+r.IntN(120))})
			}
		}
		res := score.ScoreArticle(a, nil)
		published := time.Date(2026, time.Month(1+r.IntN(4)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
		e := newEntry(id, a.OutletID, &published, &res)
		c.entries[id] = e
		c.ids = append(c.ids, id)
		results = append(results, res)
	}
	slices.Sort(c.ids)
	return c, results
}

// TestTablesStreamedMatchTheRollUps: the reviewer table, the corpus agreement and the monthly
// rows, computed by unpacking one held result at a time, equal the score package's roll-ups of
// all the results unpacked at once (in whatever order they are given), bit for bit.
func TestTablesStreamedMatchTheRollUps(t *testing.T) {
	c, results := streamCorpus(t, 400)
	if got, want := score.ReviewerRollUpSeq(c.resultSeq(Dates{})), score.ReviewerRollUp(results); !reflect.DeepEqual(got, want) || len(want) == 0 {
		t.Fatalf("reviewer rows streamed differ (%d rows, want %d)", len(got), len(want))
	}
	if got, want := score.CorpusAgreementSeq(c.resultSeq(Dates{})), score.CorpusAgreement(results); !reflect.DeepEqual(got, want) || !want.Alpha.Valid {
		t.Fatalf("agreement streamed %+v, want %+v", got, want)
	}
	// Months, all outlets and one: each month's rows equal the roll-up of that month's results.
	for _, outlets := range [][]int64{nil, {2}} {
		rows := c.monthRows(Query{Outlets: outlets})
		var want []PeriodRow
		for m := 1; m <= 4; m++ {
			var month []score.ArticleResult
			for _, res := range results {
				if e := c.entries[res.ArticleID]; e.published.Month() == time.Month(m) && (outlets == nil || slices.Contains(e.outlets, outlets[0])) {
					month = append(month, res)
				}
			}
			period := time.Date(2026, time.Month(m), 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
			if outlets != nil {
				if r, ok := score.RollUpOutlet(outlets[0], month, score.Options{}); ok {
					want = append(want, PeriodRow{Period: period, OutletRow: r})
				}
				continue
			}
			for _, r := range score.RollUp(month, score.Options{}) {
				want = append(want, PeriodRow{Period: period, OutletRow: r})
			}
		}
		if !reflect.DeepEqual(rows, want) || len(want) < 4 {
			t.Fatalf("outlets %v: %d monthly rows streamed, want %d equal rows", outlets, len(rows), len(want))
		}
	}
}

// TestResultSeqStopsEarly: a consumer that stops is not yielded to again.
func TestResultSeqStopsEarly(t *testing.T) {
	c, _ := streamCorpus(t, 50)
	var seen []int64
	for r := range c.resultSeq(Dates{}) {
		seen = append(seen, r.ArticleID)
		if len(seen) == 3 {
			break
		}
	}
	if !slices.Equal(seen, c.ids[:3]) {
		t.Fatalf("yielded %v, want the first three ids %v", seen, c.ids[:3])
	}
}
