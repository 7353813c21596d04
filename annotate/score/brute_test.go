package score

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// This file recomputes every figure the slow, obvious way, character by character, with no run
// compression and no sufficient statistics: each character's owner and each reviewer's labels
// are plain arrays, and alpha comes from an explicit coincidence matrix. It shares no code with
// the package except the input types and the credibility constants.

type coincidence map[[2]int]float64

func (o coincidence) alpha() NullFloat {
	nc := map[int]float64{}
	var disagree float64
	for ck, v := range o {
		nc[ck[0]] += v
		if ck[0] != ck[1] {
			disagree += v
		}
	}
	var n, expected float64
	for c, a := range nc {
		n += a
		for k, b := range nc {
			if c != k {
				expected += a * b
			}
		}
	}
	if n <= 1 || expected == 0 {
		return NullFloat{}
	}
	return NullFloat{Float64: 1 - (n-1)*disagree/expected, Valid: true}
}

type bruteCoinc struct {
	labels  [NumLabels]coincidence
	overall coincidence
}

func newBruteCoinc() *bruteCoinc {
	b := &bruteCoinc{overall: coincidence{}}
	for i := range b.labels {
		b.labels[i] = coincidence{}
	}
	return b
}

func (b *bruteCoinc) add(v1, v2 int, w float64) {
	for l := range NumLabels {
		b.labels[l][[2]int{v1 >> l & 1, v2 >> l & 1}] += w
	}
	b.overall[[2]int{v1, v2}] += w
}

type bruteOutlet struct {
	articles  int
	reviewers map[int64]bool
	chars     int
	weighted  [NumLabels]float64 // Σ chars × mean share
	coinc     *bruteCoinc
}

type bruteReviewer struct {
	articles, chars, sharedArticles, sharedChars int
	marked, sharedMarked                         [NumLabels]int
	peer                                         [NumLabels]float64
	pairs                                        *bruteCoinc
}

type bruteArticlePart struct {
	articleID, outletID int64
	chars, reviewers    int
	shares              [NumLabels]float64
	coinc               *bruteCoinc
}

type bruteResult struct {
	outlets   map[int64]*bruteOutlet
	reviewers map[int64]*bruteReviewer
	parts     []bruteArticlePart
	corpus    *bruteCoinc
}

func bruteOwner(a Article, i int) int64 {
	var best *Region
	for j := range a.Regions {
		r := a.Regions[j]
		if r.Kind != RegionQuote && r.Kind != RegionComments {
			continue
		}
		// The documented rules apply to regions clamped to the text.
		r.Start, r.End = max(r.Start, 0), min(r.End, a.Length)
		if i < r.Start || i >= r.End {
			continue
		}
		if r.Kind == RegionComments {
			return -1
		}
		if best == nil || r.Start > best.Start || (r.Start == best.Start && (r.End < best.End || (r.End == best.End && r.OriginOutletID < best.OriginOutletID))) {
			best = &r
		}
	}
	if best == nil {
		return a.OutletID
	}
	return max(best.OriginOutletID, 0)
}

func brute(articles []Article, exclude []int64) bruteResult {
	res := bruteResult{outlets: map[int64]*bruteOutlet{}, reviewers: map[int64]*bruteReviewer{}, corpus: newBruteCoinc()}
	for _, a := range articles {
		n := a.Length
		owner := make([]int64, n)
		for i := range owner {
			owner[i] = bruteOwner(a, i)
		}
		var revs []int64
		for _, r := range a.Reviewers {
			if !slices.Contains(exclude, r) && !slices.Contains(revs, r) {
				revs = append(revs, r)
			}
		}
		k := len(revs)
		if k == 0 {
			continue
		}
		// value[r][i]: the label set reviewer r gave character i.
		value := make([][]int, k)
		for ri, r := range revs {
			value[ri] = make([]int, n)
			for _, an := range a.Annotations {
				li := slices.Index(AllLabels[:], an.Label)
				if an.ReviewerID != r || li < 0 {
					continue
				}
				for i := max(an.Start, 0); i < min(an.End, n); i++ {
					value[ri][i] |= 1 << li
				}
			}
		}
		credited := 0
		outletIDs := []int64{}
		for i := range n {
			if owner[i] > 0 {
				credited++
				if !slices.Contains(outletIDs, owner[i]) {
					outletIDs = append(outletIDs, owner[i])
				}
			}
		}
		slices.Sort(outletIDs)
		for _, o := range outletIDs {
			part := bruteArticlePart{articleID: a.ID, outletID: o, reviewers: k, coinc: newBruteCoinc()}
			for i := range n {
				if owner[i] != o {
					continue
				}
				part.chars++
				for ri := range k {
					for l := range NumLabels {
						if value[ri][i]>>l&1 == 1 {
							part.shares[l] += 1
						}
					}
					for rj := range k {
						if ri != rj {
							part.coinc.add(value[ri][i], value[rj][i], 1/float64(k-1))
							res.corpus.add(value[ri][i], value[rj][i], 1/float64(k-1))
						}
					}
				}
			}
			for l := range NumLabels {
				part.shares[l] /= float64(k * part.chars)
			}
			res.parts = append(res.parts, part)
			bo := res.outlets[o]
			if bo == nil {
				bo = &bruteOutlet{reviewers: map[int64]bool{}, coinc: newBruteCoinc()}
				res.outlets[o] = bo
			}
			bo.articles++
			bo.chars += part.chars
			for _, r := range revs {
				bo.reviewers[r] = true
			}
			for l := range NumLabels {
				bo.weighted[l] += float64(part.chars) * part.shares[l]
			}
			for ck, v := range part.coinc.overall {
				for l := range NumLabels {
					bo.coinc.labels[l][[2]int{ck[0] >> l & 1, ck[1] >> l & 1}] += v
				}
				bo.coinc.overall[ck] += v
			}
		}
		for ri, r := range revs {
			br := res.reviewers[r]
			if br == nil {
				br = &bruteReviewer{pairs: newBruteCoinc()}
				res.reviewers[r] = br
			}
			br.articles++
			br.chars += credited
			if k >= 2 {
				br.sharedArticles++
				br.sharedChars += credited
			}
			for i := range n {
				if owner[i] <= 0 {
					continue
				}
				for l := range NumLabels {
					if value[ri][i]>>l&1 == 1 {
						br.marked[l]++
						if k >= 2 {
							br.sharedMarked[l]++
						}
					}
					for rj := range k {
						if rj != ri && value[rj][i]>>l&1 == 1 {
							br.peer[l] += 1 / float64(k-1)
						}
					}
				}
				for rj := range k {
					if rj != ri {
						br.pairs.add(value[ri][i], value[rj][i], 1)
						br.pairs.add(value[rj][i], value[ri][i], 1)
					}
				}
			}
		}
	}
	return res
}

func randomArticles(rng *rand.Rand) []Article {
	outlets := 1 + rng.IntN(4)
	arts := make([]Article, 1+rng.IntN(12))
	for i := range arts {
		n := rng.IntN(120)
		a := Article{ID: int64(100 - i), OutletID: int64(1 + rng.IntN(outlets)), Length: n}
		for range rng.IntN(4) {
			s := rng.IntN(n+10) - 5
			kind := RegionQuote
			if rng.IntN(4) == 0 {
				kind = RegionComments
			}
			a.Regions = append(a.Regions, Region{Kind: kind, Start: s, End: s + rng.IntN(60), OriginOutletID: int64(rng.IntN(outlets + 1))})
		}
		for range rng.IntN(5) {
			a.Reviewers = append(a.Reviewers, int64(1+rng.IntN(5)))
		}
		for range rng.IntN(15) {
			s := rng.IntN(n+10) - 5
			label := AllLabels[rng.IntN(NumLabels)]
			if rng.IntN(20) == 0 {
				label = "satire"
			}
			a.Annotations = append(a.Annotations, Annotation{ReviewerID: int64(1 + rng.IntN(6)), Label: label, Start: s, End: s + rng.IntN(50)})
		}
		arts[i] = a
	}
	return arts
}

func closeTo(a, b float64) bool { return math.Abs(a-b) <= 1e-9 }

func sameAlpha(got NullFloat, want NullFloat) bool {
	if got.Valid != want.Valid {
		return false
	}
	return !got.Valid || math.Abs(got.Float64-want.Float64) <= 1e-9
}

// TestAgainstBruteForce is the independent recomputation: random corpora, scored by the package
// and by the brute-force code above, must agree on every point figure.
func TestAgainstBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 11))
	var definedAlphas, quotedParts int // guard against a generator that never exercises the hard cases
	for iter := range 300 {
		arts := randomArticles(rng)
		var exclude []int64
		if rng.IntN(3) == 0 {
			exclude = []int64{int64(1 + rng.IntN(5))}
		}
		t.Run(fmt.Sprintf("Corpus%03d", iter), func(t *testing.T) {
			want := brute(arts, exclude)
			opt := Options{ExcludeReviewers: exclude}
			results := ScoreArticles(arts, exclude)

			rows := RollUp(results, opt)
			if len(rows) != len(want.outlets) {
				t.Fatalf("%d outlet rows, brute force has %d", len(rows), len(want.outlets))
			}
			for _, r := range rows {
				w := want.outlets[r.OutletID]
				if w == nil {
					t.Fatalf("outlet %d not in brute force", r.OutletID)
				}
				if r.Articles != w.articles || r.Reviewers != len(w.reviewers) || r.ScoredChars != w.chars {
					t.Errorf("outlet %d: articles/reviewers/chars = %d/%d/%d, want %d/%d/%d", r.OutletID,
						r.Articles, r.Reviewers, r.ScoredChars, w.articles, len(w.reviewers), w.chars)
				}
				var shares PerLabel[float64]
				for l, label := range AllLabels {
					shares[l] = w.weighted[l] / float64(w.chars)
					if got := r.Label(label); !closeTo(got.Share, shares[l]) || !sameAlpha(got.Alpha, w.coinc.labels[l].alpha()) {
						t.Errorf("outlet %d %s: share %v alpha %+v, want %v %+v", r.OutletID, label, got.Share, got.Alpha, shares[l], w.coinc.labels[l].alpha())
					}
				}
				if r.AgreementAlpha.Valid {
					definedAlphas++
				}
				if !sameAlpha(r.AgreementAlpha, w.coinc.overall.alpha()) {
					t.Errorf("outlet %d overall alpha %+v, want %+v", r.OutletID, r.AgreementAlpha, w.coinc.overall.alpha())
				}
				wantCred := CredibilityBase + CredibilitySourcedFact*shares[0] + CredibilitySpeculation*shares[1] +
					CredibilityOpinion*shares[2] + CredibilityLoadedLanguage*shares[3]
				if !closeTo(r.Credibility, wantCred) {
					t.Errorf("outlet %d credibility %v, want %v", r.OutletID, r.Credibility, wantCred)
				}
			}

			arows := ArticleRows(results)
			if len(arows) != len(want.parts) {
				t.Fatalf("%d article rows, brute force has %d", len(arows), len(want.parts))
			}
			slices.SortFunc(want.parts, func(a, b bruteArticlePart) int {
				if c := cmp.Compare(a.articleID, b.articleID); c != 0 {
					return c
				}
				return cmp.Compare(a.outletID, b.outletID)
			})
			for i, r := range arows {
				w := want.parts[i]
				if r.OutletID != r.PublisherID {
					quotedParts++
				}
				got := [NumLabels]float64{r.SourcedFactShare, r.SpeculationShare, r.OpinionShare, r.LoadedLanguageShare}
				if r.ArticleID != w.articleID || r.OutletID != w.outletID || r.ScoredChars != w.chars || r.Reviewers != w.reviewers {
					t.Fatalf("article row %d = %+v, want %+v", i, r, w)
				}
				for l := range NumLabels {
					if !closeTo(got[l], w.shares[l]) {
						t.Errorf("article %d outlet %d %s share %v, want %v", w.articleID, w.outletID, AllLabels[l], got[l], w.shares[l])
					}
				}
				if !sameAlpha(r.AgreementAlpha, w.coinc.overall.alpha()) {
					t.Errorf("article %d outlet %d alpha %+v, want %+v", w.articleID, w.outletID, r.AgreementAlpha, w.coinc.overall.alpha())
				}
			}

			if got, w := CorpusAgreement(results), want.corpus; !sameAlpha(got.Alpha, w.overall.alpha()) {
				t.Errorf("corpus alpha %+v, want %+v", got.Alpha, w.overall.alpha())
			}

			revRows := ReviewerRollUp(results)
			if len(revRows) != len(want.reviewers) {
				t.Fatalf("%d reviewer rows, brute force has %d", len(revRows), len(want.reviewers))
			}
			for _, r := range revRows {
				w := want.reviewers[r.ReviewerID]
				if r.Articles != w.articles || r.ScoredChars != w.chars || r.SharedArticles != w.sharedArticles || r.SharedChars != w.sharedChars {
					t.Errorf("reviewer %d counts %+v, want %+v", r.ReviewerID, r, w)
				}
				for l := range NumLabels {
					div := func(a float64, b int) float64 {
						if b == 0 {
							return 0
						}
						return a / float64(b)
					}
					if !closeTo(r.Share[l], div(float64(w.marked[l]), w.chars)) ||
						!closeTo(r.SharedShare[l], div(float64(w.sharedMarked[l]), w.sharedChars)) ||
						!closeTo(r.PeerShare[l], div(w.peer[l], w.sharedChars)) {
						t.Errorf("reviewer %d %s shares %v/%v/%v", r.ReviewerID, AllLabels[l], r.Share[l], r.SharedShare[l], r.PeerShare[l])
					}
					if !sameAlpha(r.LabelAlpha[l], w.pairs.labels[l].alpha()) {
						t.Errorf("reviewer %d %s alpha %+v, want %+v", r.ReviewerID, AllLabels[l], r.LabelAlpha[l], w.pairs.labels[l].alpha())
					}
				}
				if !sameAlpha(r.Alpha, w.pairs.overall.alpha()) {
					t.Errorf("reviewer %d alpha %+v, want %+v", r.ReviewerID, r.Alpha, w.pairs.overall.alpha())
				}
			}
		})
	}
	if definedAlphas < 100 || quotedParts < 100 {
		t.Fatalf("random corpora too easy: %d defined outlet alphas, %d quoted parts", definedAlphas, quotedParts)
	}
}
