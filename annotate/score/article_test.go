package score

import (
	"math"
	"testing"
)

// part is the expected share figures of one credited outlet in one article.
type part struct {
	chars  int
	shares PerLabel[float64]
}

func TestScoreArticleShares(t *testing.T) {
	ann := func(rev int64, l Label, s, e int) Annotation {
		return Annotation{ReviewerID: rev, Label: l, Start: s, End: e}
	}
	tests := []struct {
		name       string
		article    Article
		exclude    []int64
		want       map[int64]part // by outlet id
		comments   int
		uncredited int
	}{
		{
			name:    "PublisherOnly",
			article: Article{ID: 1, OutletID: 1, Length: 10, Reviewers: []int64{1}, Annotations: []Annotation{ann(1, Opinion, 0, 5)}},
			want:    map[int64]part{1: {10, PerLabel[float64]{0, 0, 0.5, 0}}},
		},
		{
			name: "OverlappingAnnotationsOfOneReviewerCountOnce",
			article: Article{ID: 1, OutletID: 1, Length: 10, Reviewers: []int64{1}, Annotations: []Annotation{
				ann(1, Opinion, 0, 4), ann(1, Opinion, 2, 6), ann(1, Opinion, 6, 7)}},
			want: map[int64]part{1: {10, PerLabel[float64]{0, 0, 0.7, 0}}},
		},
		{
			name: "DifferentLabelsOverlap",
			article: Article{ID: 1, OutletID: 1, Length: 10, Reviewers: []int64{1}, Annotations: []Annotation{
				ann(1, Opinion, 0, 5), ann(1, LoadedLanguage, 3, 5)}},
			want: map[int64]part{1: {10, PerLabel[float64]{0, 0, 0.5, 0.2}}},
		},
		{
			name: "AveragedOverReviewers",
			article: Article{ID: 1, OutletID: 1, Length: 10, Reviewers: []int64{1, 2, 3}, Annotations: []Annotation{
				ann(1, Speculation, 0, 10), ann(2, Speculation, 0, 5)}},
			want: map[int64]part{1: {10, PerLabel[float64]{0, 0.5, 0, 0}}},
		},
		{
			name: "UnfinishedReviewIgnored",
			article: Article{ID: 1, OutletID: 1, Length: 10, Reviewers: []int64{1}, Annotations: []Annotation{
				ann(1, Speculation, 0, 4), ann(2, Speculation, 0, 10)}},
			want: map[int64]part{1: {10, PerLabel[float64]{0, 0.4, 0, 0}}},
		},
		{
			name: "ExcludedReviewerIgnored",
			article: Article{ID: 1, OutletID: 1, Length: 10, Reviewers: []int64{1, 2}, Annotations: []Annotation{
				ann(1, Speculation, 0, 4), ann(2, Speculation, 0, 10)}},
			exclude: []int64{2},
			want:    map[int64]part{1: {10, PerLabel[float64]{0, 0.4, 0, 0}}},
		},
		{
			name: "QuoteCreditedToOrigin",
			article: Article{ID: 1, OutletID: 1, Length: 20, Reviewers: []int64{1},
				Regions:     []Region{{Kind: RegionQuote, Start: 10, End: 20, OriginOutletID: 7}},
				Annotations: []Annotation{ann(1, SourcedFact, 5, 15)}},
			want: map[int64]part{1: {10, PerLabel[float64]{0.5, 0, 0, 0}}, 7: {10, PerLabel[float64]{0.5, 0, 0, 0}}},
		},
		{
			name: "CommentsExcluded",
			article: Article{ID: 1, OutletID: 1, Length: 20, Reviewers: []int64{1},
				Regions:     []Region{{Kind: RegionComments, Start: 15, End: 20}},
				Annotations: []Annotation{ann(1, LoadedLanguage, 10, 20)}},
			want:     map[int64]part{1: {15, PerLabel[float64]{0, 0, 0, 5.0 / 15}}},
			comments: 5,
		},
		{
			name: "QuoteOfUnknownOriginCreditedToNoOne",
			article: Article{ID: 1, OutletID: 1, Length: 10, Reviewers: []int64{1},
				Regions:     []Region{{Kind: RegionQuote, Start: 0, End: 5}},
				Annotations: []Annotation{ann(1, Opinion, 0, 10)}},
			want:       map[int64]part{1: {5, PerLabel[float64]{0, 0, 1, 0}}},
			uncredited: 5,
		},
		{
			name: "NestedQuotesInnermostWins",
			article: Article{ID: 1, OutletID: 1, Length: 20, Reviewers: []int64{1},
				Regions: []Region{
					{Kind: RegionQuote, Start: 3, End: 6, OriginOutletID: 3},
					{Kind: RegionQuote, Start: 0, End: 10, OriginOutletID: 2},
				},
				Annotations: []Annotation{ann(1, Opinion, 4, 8)}},
			want: map[int64]part{
				1: {10, PerLabel[float64]{}},
				2: {7, PerLabel[float64]{0, 0, 2.0 / 7, 0}},
				3: {3, PerLabel[float64]{0, 0, 2.0 / 3, 0}},
			},
		},
		{
			name: "CommentsWinOverQuote",
			article: Article{ID: 1, OutletID: 1, Length: 20, Reviewers: []int64{1},
				Regions: []Region{
					{Kind: RegionQuote, Start: 0, End: 10, OriginOutletID: 2},
					{Kind: RegionComments, Start: 5, End: 15},
				},
				Annotations: []Annotation{ann(1, Opinion, 0, 20)}},
			want:     map[int64]part{1: {5, PerLabel[float64]{0, 0, 1, 0}}, 2: {5, PerLabel[float64]{0, 0, 1, 0}}},
			comments: 10,
		},
		{
			name: "SelfQuoteCreditedToPublisher",
			article: Article{ID: 1, OutletID: 1, Length: 10, Reviewers: []int64{1},
				Regions:     []Region{{Kind: RegionQuote, Start: 0, End: 5, OriginOutletID: 1}},
				Annotations: []Annotation{ann(1, Opinion, 0, 5)}},
			want: map[int64]part{1: {10, PerLabel[float64]{0, 0, 0.5, 0}}},
		},
		{
			name: "SpansClampedAndBadDataIgnored",
			article: Article{ID: 1, OutletID: 1, Length: 10, Reviewers: []int64{1, 1},
				Regions: []Region{{Kind: "sidebar", Start: 0, End: 10, OriginOutletID: 9}, {Kind: RegionQuote, Start: 8, End: 3, OriginOutletID: 9}},
				Annotations: []Annotation{
					ann(1, Opinion, -5, 3), ann(1, Opinion, 8, 50), ann(1, "satire", 0, 10), ann(1, Speculation, 6, 6),
				}},
			want: map[int64]part{1: {10, PerLabel[float64]{0, 0, 0.5, 0}}},
		},
		{
			name:    "NoCompletedReviewGivesCharsButNoShares",
			article: Article{ID: 1, OutletID: 1, Length: 10, Annotations: []Annotation{ann(1, Opinion, 0, 10)}},
			want:    map[int64]part{1: {10, PerLabel[float64]{}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ScoreArticle(tt.article, tt.exclude)
			if len(res.Outlets) != len(tt.want) {
				t.Fatalf("credited outlets = %+v, want %d outlets", res.Outlets, len(tt.want))
			}
			for _, p := range res.Outlets {
				w, ok := tt.want[p.OutletID]
				if !ok {
					t.Fatalf("unexpected outlet %d credited", p.OutletID)
				}
				if p.Chars != w.chars {
					t.Errorf("outlet %d: chars = %d, want %d", p.OutletID, p.Chars, w.chars)
				}
				for l, label := range AllLabels {
					if got := p.Share(l); math.Abs(got-w.shares[l]) > 1e-12 {
						t.Errorf("outlet %d: %s share = %v, want %v", p.OutletID, label, got, w.shares[l])
					}
				}
			}
			if res.CommentChars != tt.comments || res.UncreditedChars != tt.uncredited {
				t.Errorf("comment/uncredited chars = %d/%d, want %d/%d", res.CommentChars, res.UncreditedChars, tt.comments, tt.uncredited)
			}
		})
	}
}

func TestScoreArticleReviewers(t *testing.T) {
	a := Article{ID: 1, OutletID: 1, Length: 10, Reviewers: []int64{3, 1, 2, 3}}
	res := ScoreArticle(a, []int64{2, 99})
	if got, want := res.Reviewers, []int64{1, 3}; !equalIDs(got, want) {
		t.Errorf("reviewers = %v, want %v", got, want)
	}
	if got, want := res.Excluded, []int64{2}; !equalIDs(got, want) {
		t.Errorf("excluded = %v, want %v", got, want)
	}
	if res.Methodology != MethodologyVersion {
		t.Errorf("methodology = %q", res.Methodology)
	}
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestScoreArticleAgreementByHand(t *testing.T) {
	// Two reviewers on 10 characters of opinion: r1 marks [0,6), r2 marks [2,8).
	// Per character (r1,r2): 0-1 (1,0), 2-5 (1,1), 6-7 (0,1), 8-9 (0,0).
	// Coincidences: o_11 = 2·4 = 8, o_00 = 2·2 = 4, o_01 = o_10 = 4; n_1 = 12, n_0 = 8, n = 20.
	// alpha = 1 − 19·8 / (400 − 144 − 64) = 1 − 152/192 = 0.208333…
	a := Article{ID: 1, OutletID: 1, Length: 10, Reviewers: []int64{1, 2}, Annotations: []Annotation{
		{ReviewerID: 1, Label: Opinion, Start: 0, End: 6}, {ReviewerID: 2, Label: Opinion, Start: 2, End: 8}}}
	res := ScoreArticle(a, nil)
	overall, labels := res.Outlets[0].Agreement.Alphas()
	want := 1 - 152.0/192
	if got := labels.Get(Opinion); !got.Valid || math.Abs(got.Float64-want) > 1e-12 {
		t.Errorf("opinion alpha = %+v, want %v", got, want)
	}
	// Only opinion varies, so the label-set variable has the same coincidences.
	if !overall.Valid || math.Abs(overall.Float64-want) > 1e-12 {
		t.Errorf("overall alpha = %+v, want %v", overall, want)
	}
	if got := labels.Get(SourcedFact); got.Valid {
		t.Errorf("sourced_fact alpha should be undefined (nobody used it), got %v", got.Float64)
	}
	// With two reviewers the pair units are the units themselves.
	for _, rt := range res.ReviewerTallies {
		if got := rt.Pairs.Labels.Get(Opinion).Alpha(); math.Abs(got.Float64-want) > 1e-12 {
			t.Errorf("reviewer %d pair alpha = %+v, want %v", rt.ReviewerID, got, want)
		}
	}
	if got := res.ReviewerTallies[0].PeerMarked.Get(Opinion); got != 6 {
		t.Errorf("peer marked for r1 = %v, want 6", got)
	}
}

func TestValidate(t *testing.T) {
	good := Article{ID: 1, OutletID: 1, Length: 10, Regions: []Region{{Kind: RegionQuote, Start: 0, End: 5, OriginOutletID: 2}},
		Annotations: []Annotation{{ReviewerID: 1, Label: Opinion, Start: 0, End: 10}}}
	if err := good.Validate(); err != nil {
		t.Fatalf("valid article: %v", err)
	}
	bad := good
	bad.Annotations = []Annotation{{ReviewerID: 1, Label: "satire", Start: 0, End: 11}}
	if err := bad.Validate(); err == nil {
		t.Fatal("unknown label and span past the end: want an error")
	}
}
