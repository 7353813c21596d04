package score

import (
	"math/rand/v2"
	"testing"
)

// syntheticResults builds per-article results for a corpus of the given size: every article
// credits its publisher and one in five also quotes another outlet; one to three reviewers.
func syntheticResults(outlets, articles int) []ArticleResult {
	rng := rand.New(rand.NewPCG(1, 2))
	results := make([]ArticleResult, articles)
	part := func(id int64, k int) OutletPart {
		p := OutletPart{OutletID: id, Chars: 500 + rng.IntN(5000)}
		for l := range NumLabels {
			p.MeanMarked[l] = float64(rng.IntN(p.Chars/4+1)) / float64(k)
		}
		masks := make([]uint8, k)
		for range 8 {
			for i := range masks {
				masks[i] = uint8(rng.IntN(NumLabelSets))
			}
			if k >= 2 {
				p.Agreement.addUnit(float64(rng.IntN(100)+1), masks)
			}
		}
		return p
	}
	for i := range results {
		k := 1 + rng.IntN(3)
		r := ArticleResult{ArticleID: int64(i + 1), PublisherID: int64(1 + i%outlets)}
		for j := range k {
			r.Reviewers = append(r.Reviewers, int64(1+(i+j*7)%50))
		}
		r.Outlets = append(r.Outlets, part(r.PublisherID, k))
		if rng.IntN(5) == 0 {
			other := int64(1 + rng.IntN(outlets))
			if other != r.PublisherID {
				r.Outlets = append(r.Outlets, part(other, k))
			}
		}
		results[i] = r
	}
	return results
}

// BenchmarkRollUp is the full roll-up at 1,000 outlets / 100,000 articles with the default
// 1,000 resamples: what a cold cache costs.
func BenchmarkRollUp(b *testing.B) {
	results := syntheticResults(1000, 100000)
	b.ResetTimer()
	for b.Loop() {
		RollUp(results, Options{})
	}
}

// BenchmarkRollUpOutlet is the incremental path: one outlet's row after one of its articles
// changed, scanning the same 100,000 results.
func BenchmarkRollUpOutlet(b *testing.B) {
	results := syntheticResults(1000, 100000)
	b.ResetTimer()
	for b.Loop() {
		RollUpOutlet(500, results, Options{})
	}
}

// BenchmarkScoreArticleLong scores one 100,000-character article with three reviewers and 600
// annotations, quotes and comments: the per-article cost is in runs, not characters.
func BenchmarkScoreArticleLong(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	a := Article{ID: 1, OutletID: 1, Length: 100000, Reviewers: []int64{1, 2, 3},
		Regions: []Region{{Kind: RegionQuote, Start: 1000, End: 30000, OriginOutletID: 2}, {Kind: RegionComments, Start: 90000, End: 100000}}}
	for range 600 {
		s := rng.IntN(99000)
		a.Annotations = append(a.Annotations, Annotation{ReviewerID: int64(1 + rng.IntN(3)), Label: AllLabels[rng.IntN(NumLabels)], Start: s, End: s + 1 + rng.IntN(800)})
	}
	for b.Loop() {
		ScoreArticle(a, nil)
	}
}
