package score

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"testing"
)

// corpus builds a deterministic random corpus for the roll-up tests.
func corpus(seed uint64, articles, outlets int) []Article {
	rng := rand.New(rand.NewPCG(seed, 7))
	out := make([]Article, articles)
	for i := range out {
		n := 20 + rng.IntN(200)
		a := Article{ID: int64(i + 1), OutletID: int64(1 + rng.IntN(outlets)), Length: n}
		if rng.IntN(3) == 0 {
			s := rng.IntN(n)
			a.Regions = append(a.Regions, Region{Kind: RegionQuote, Start: s, End: s + 1 + rng.IntN(n-s), OriginOutletID: int64(1 + rng.IntN(outlets))})
		}
		if rng.IntN(4) == 0 {
			a.Regions = append(a.Regions, Region{Kind: RegionComments, Start: n - n/5, End: n})
		}
		k := rng.IntN(4)
		for r := range k {
			a.Reviewers = append(a.Reviewers, int64(1+(i+r)%5))
		}
		for range rng.IntN(12) {
			s := rng.IntN(n)
			a.Annotations = append(a.Annotations, Annotation{
				ReviewerID: int64(1 + rng.IntN(5)), Label: AllLabels[rng.IntN(NumLabels)],
				Start: s, End: s + 1 + rng.IntN(min(40, n-s)),
			})
		}
		out[i] = a
	}
	return out
}

func TestBootstrapDeterminism(t *testing.T) {
	arts := corpus(1, 60, 3)
	base := OutletScores(arts, Options{})

	t.Run("SameSeedSameResult", func(t *testing.T) {
		if again := OutletScores(arts, Options{}); !reflect.DeepEqual(base, again) {
			t.Fatal("two runs with the same seed differ")
		}
	})
	t.Run("InputOrderDoesNotMatter", func(t *testing.T) {
		shuffled := slices.Clone(arts)
		rand.New(rand.NewPCG(9, 9)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		for i := range shuffled { // also shuffle reviewers, regions and annotations inside
			a := &shuffled[i]
			a.Reviewers = slices.Clone(a.Reviewers)
			a.Annotations = slices.Clone(a.Annotations)
			a.Regions = slices.Clone(a.Regions)
			slices.Reverse(a.Reviewers)
			slices.Reverse(a.Annotations)
			slices.Reverse(a.Regions)
		}
		if got := OutletScores(shuffled, Options{}); !reflect.DeepEqual(base, got) {
			t.Fatal("shuffled input gives different rows")
		}
	})
	t.Run("DifferentSeedDifferentInterval", func(t *testing.T) {
		other := OutletScores(arts, Options{Seed: 12345})
		same := true
		for i := range base {
			if base[i].SourcedFactCILow != other[i].SourcedFactCILow || base[i].CredibilityCIHigh != other[i].CredibilityCIHigh {
				same = false
			}
			if base[i].SourcedFactShare != other[i].SourcedFactShare {
				t.Fatal("the seed changed a point estimate")
			}
		}
		if same {
			t.Fatal("a different seed gave the very same intervals")
		}
	})
	t.Run("RollUpOutletEqualsRollUp", func(t *testing.T) {
		results := ScoreArticles(arts, nil)
		for _, row := range base {
			got, ok := RollUpOutlet(row.OutletID, results, Options{})
			if !ok || !reflect.DeepEqual(got, row) {
				t.Fatalf("outlet %d: RollUpOutlet = %+v, RollUp = %+v", row.OutletID, got, row)
			}
		}
		if _, ok := RollUpOutlet(999, results, Options{}); ok {
			t.Fatal("outlet without articles reported as scored")
		}
	})
	t.Run("OtherOutletsDoNotMoveAnInterval", func(t *testing.T) {
		extra := append(slices.Clone(arts), Article{ID: 1000, OutletID: 77, Length: 50, Reviewers: []int64{1},
			Annotations: []Annotation{{ReviewerID: 1, Label: Opinion, Start: 0, End: 20}}})
		got := OutletScores(extra, Options{})
		for _, row := range got {
			if row.OutletID == 77 {
				continue
			}
			i := slices.IndexFunc(base, func(r OutletRow) bool { return r.OutletID == row.OutletID })
			if !reflect.DeepEqual(base[i], row) {
				t.Fatalf("outlet %d changed when an article of outlet 77 was added", row.OutletID)
			}
		}
	})
}

func TestBootstrapIntervals(t *testing.T) {
	t.Run("ContainsPointEstimate", func(t *testing.T) {
		for _, row := range OutletScores(corpus(2, 120, 4), Options{}) {
			for _, l := range AllLabels {
				s := row.Label(l)
				if !s.CILow.Valid || !s.CIHigh.Valid || !(s.CILow.Float64 <= s.Share && s.Share <= s.CIHigh.Float64) {
					t.Errorf("outlet %d %s: %v not in [%v, %v]", row.OutletID, l, s.Share, s.CILow, s.CIHigh)
				}
			}
			if !(row.CredibilityCILow.Float64 <= row.Credibility && row.Credibility <= row.CredibilityCIHigh.Float64) || !row.CredibilityCILow.Valid {
				t.Errorf("outlet %d credibility %v not in [%v, %v]", row.OutletID, row.Credibility, row.CredibilityCILow, row.CredibilityCIHigh)
			}
			if row.Credibility < 0 || row.Credibility > 1 {
				t.Errorf("credibility %v outside [0,1]", row.Credibility)
			}
		}
	})
	// A single article's bootstrap is degenerate (every resample is that article): issue 14
	// asks that it not be published as a zero-width interval, so below MinIntervalArticles
	// the intervals are null and the row says why.
	t.Run("SingleArticleHasNoInterval", func(t *testing.T) {
		a := Article{ID: 1, OutletID: 1, Length: 10, Reviewers: []int64{1}, Annotations: []Annotation{{ReviewerID: 1, Label: Opinion, Start: 0, End: 3}}}
		rows := OutletScores([]Article{a}, Options{})
		if len(rows) != 1 {
			t.Fatalf("rows = %d", len(rows))
		}
		r := rows[0]
		if r.OpinionShare != 0.3 || r.OpinionCILow.Valid || r.OpinionCIHigh.Valid {
			t.Errorf("opinion = %v [%v, %v], want 0.3 with no interval", r.OpinionShare, r.OpinionCILow, r.OpinionCIHigh)
		}
		if r.CredibilityCILow.Valid || r.CredibilityCIHigh.Valid || r.CIReason != CIReasonTooFewArticles {
			t.Errorf("credibility interval given for one article: %v [%v, %v] (%q)", r.Credibility, r.CredibilityCILow, r.CredibilityCIHigh, r.CIReason)
		}
		if !r.LowSample || r.Articles != 1 || r.Reviewers != 1 || r.ScoredChars != 10 {
			t.Errorf("row = %+v", r)
		}
	})
	t.Run("SmallSampleThreshold", func(t *testing.T) {
		// Outlet o has o articles (1 to 6) with differing shares: intervals from
		// MinIntervalArticles articles on, with some width; null below, whatever the shares.
		var arts []Article
		for o := 1; o <= 6; o++ {
			for j := range o {
				arts = append(arts, Article{ID: int64(o*10 + j), OutletID: int64(o), Length: 100, Reviewers: []int64{1},
					Annotations: []Annotation{{ReviewerID: 1, Label: Opinion, Start: 0, End: 10 + 15*j}}})
			}
		}
		for _, r := range OutletScores(arts, Options{}) {
			withheld := r.Articles < MinIntervalArticles
			for _, l := range AllLabels {
				s := r.Label(l)
				if s.CILow.Valid == withheld || s.CIHigh.Valid == withheld {
					t.Errorf("outlet of %d articles, %s: interval [%v, %v]", r.Articles, l, s.CILow, s.CIHigh)
				}
			}
			if (r.CIReason == CIReasonTooFewArticles) != withheld || r.CredibilityCILow.Valid == withheld {
				t.Errorf("outlet of %d articles: reason %q, credibility [%v, %v]", r.Articles, r.CIReason, r.CredibilityCILow, r.CredibilityCIHigh)
			}
			if !withheld && !(r.OpinionCIHigh.Float64 > r.OpinionCILow.Float64) {
				t.Errorf("outlet of %d varied articles: zero-width interval %v", r.Articles, r.OpinionCILow)
			}
		}
	})
	t.Run("CoverageOnSimulatedOutlets", func(t *testing.T) {
		// 200 outlets of 40 articles, each article's opinion share drawn from Beta-like
		// mixtures with known population share 0.3 (equal lengths): about 95% of the intervals
		// should contain 0.3.
		rng := rand.New(rand.NewPCG(3, 3))
		var results []ArticleResult
		for o := range 200 {
			for j := range 40 {
				marked := 0
				if rng.Float64() < 0.5 {
					marked = rng.IntN(61) // mean 30
				} else {
					marked = rng.IntN(31) + 15 // mean 30
				}
				results = append(results, ArticleResult{
					ArticleID: int64(o*100 + j + 1), Reviewers: []int64{1},
					Outlets: []OutletPart{{OutletID: int64(o + 1), Chars: 100, MeanMarked: PerLabel[float64]{0, 0, float64(marked), 0}}},
				})
			}
		}
		covered := 0
		rows := RollUp(results, Options{})
		for _, r := range rows {
			if r.OpinionCILow.Float64 <= 0.3 && 0.3 <= r.OpinionCIHigh.Float64 {
				covered++
			}
		}
		if rate := float64(covered) / float64(len(rows)); rate < 0.88 || rate > 0.99 {
			t.Fatalf("coverage %.3f, want about 0.95", rate)
		}
	})
	t.Run("LowSampleFlag", func(t *testing.T) {
		rows := OutletScores(corpus(4, 30, 2), Options{MinArticles: 12})
		for _, r := range rows {
			if r.LowSample != (r.Articles < 12) {
				t.Errorf("outlet %d: articles %d, low_sample %v", r.OutletID, r.Articles, r.LowSample)
			}
		}
	})
}

func TestPercentileMatchesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, n := range []int{1, 2, 3, 10, 1000, 1001} {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = float64(rng.IntN(50)) / 7 // many ties
		}
		sorted := slices.Clone(xs)
		sort.Float64s(sorted)
		for _, p := range []float64{0, 0.025, 0.5, 0.975, 1} {
			h := float64(n-1) * p
			k := int(math.Floor(h))
			want := sorted[k]
			if k+1 < n {
				want += (h - float64(k)) * (sorted[k+1] - sorted[k])
			}
			if got := percentile(slices.Clone(xs), p); math.Abs(got-want) > 1e-12 {
				t.Errorf("n=%d p=%v: got %v, want %v", n, p, got, want)
			}
		}
	}
}

func TestOptionsNormalized(t *testing.T) {
	got := Options{Resamples: 10, Confidence: 2, ExcludeReviewers: []int64{3, 1, 3}}.Normalized()
	want := Options{Seed: DefaultSeed, Resamples: MinResamples, MinArticles: DefaultMinArticles, Confidence: DefaultConfidence, ExcludeReviewers: []int64{1, 3}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if got := (Options{Resamples: 5000, Confidence: 0.9}).Normalized(); got.Resamples != 5000 || got.Confidence != 0.9 {
		t.Fatalf("explicit values overridden: %+v", got)
	}
}

func TestArticleResultJSONRoundTrip(t *testing.T) {
	results := ScoreArticles(corpus(6, 40, 3), []int64{4})
	data, err := json.Marshal(results)
	if err != nil {
		t.Fatal(err)
	}
	var back []ArticleResult
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(RollUp(results, Options{}), RollUp(back, Options{})) {
		t.Fatal("a roll-up of cached (JSON) results differs from the original")
	}
	if !reflect.DeepEqual(ReviewerRollUp(results), ReviewerRollUp(back)) {
		t.Fatal("reviewer rows from cached results differ")
	}
}
