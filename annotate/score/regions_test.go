package score

import (
	"math"
	"reflect"
	"testing"
)

// The majority rule on constructed articles whose right answer is known by construction: a
// 100-character article of publisher 1, a passage [20, 60) reprinted from outlet 7, comments
// [80, 100).
func TestRegionMajorityRule(t *testing.T) {
	quote := Region{Kind: RegionQuote, Start: 20, End: 60, OriginOutletID: 7}
	near := Region{Kind: RegionQuote, Start: 22, End: 60, OriginOutletID: 7}  // 38 of 40 shared: equivalent
	far := Region{Kind: RegionQuote, Start: 20, End: 45, OriginOutletID: 7}   // 25 of 40: not equivalent
	other := Region{Kind: RegionQuote, Start: 20, End: 60, OriginOutletID: 8} // another origin: not equivalent
	asComments := Region{Kind: RegionComments, Start: 20, End: 60}            // another kind
	comments := Region{Kind: RegionComments, Start: 80, End: 100}
	vote := func(r Region, holders ...int64) RegionVote { return RegionVote{Region: r, Holders: holders} }
	for _, tc := range []struct {
		name     string
		votes    []RegionVote
		counted  []int64
		curated  []Region
		want     []Region
		outlet7  int // characters credited to outlet 7 by ScoreArticle
		comments int
	}{
		{"OK two of three accept the detected quote", []RegionVote{vote(quote, 1, 2)}, []int64{1, 2, 3}, nil, []Region{quote}, 40, 0},
		{"OK one of three is no majority", []RegionVote{vote(quote, 3)}, []int64{1, 2, 3}, nil, nil, 0, 0},
		{"OK one of two is no majority", []RegionVote{vote(quote, 1)}, []int64{1, 2}, nil, nil, 0, 0},
		{"OK a lone reviewer decides", []RegionVote{vote(quote, 1)}, []int64{1}, nil, []Region{quote}, 40, 0},
		{"OK an equivalent manual region joins the detected one", []RegionVote{vote(quote, 1), vote(near, 2)}, []int64{1, 2, 3}, nil, []Region{quote}, 40, 0},
		{"OK the better-supported of equivalent regions is used", []RegionVote{vote(near, 1), vote(quote, 2, 3)}, []int64{1, 2, 3}, nil, []Region{quote}, 40, 0},
		{"OK a region not equivalent does not help", []RegionVote{vote(quote, 1), vote(far, 2)}, []int64{1, 2, 3}, nil, nil, 0, 0},
		{"OK another origin does not help", []RegionVote{vote(quote, 1), vote(other, 2)}, []int64{1, 2, 3}, nil, nil, 0, 0},
		{"OK another kind does not help", []RegionVote{vote(quote, 1), vote(asComments, 2)}, []int64{1, 2, 3}, nil, nil, 0, 0},
		{"OK unfinished or excluded reviewers do not count", []RegionVote{vote(quote, 1, 4, 5)}, []int64{1, 2, 3}, nil, nil, 0, 0},
		{"OK nobody counted, nothing credited", []RegionVote{vote(quote, 1)}, nil, nil, nil, 0, 0},
		{"OK comments and a quote each by their own majority", []RegionVote{vote(quote, 1, 2), vote(comments, 2, 3)}, []int64{1, 2, 3}, nil,
			[]Region{quote, comments}, 40, 20},
		{"OK a curator decides against the majority", []RegionVote{vote(quote, 1, 2, 3)}, []int64{1, 2, 3}, []Region{comments}, []Region{comments}, 0, 20},
		{"OK a curator who kept no region decides too", []RegionVote{vote(quote, 1, 2, 3)}, []int64{1, 2, 3}, []Region{}, []Region{}, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := Article{ID: 1, OutletID: 1, Length: 100, RegionVotes: tc.votes, Reviewers: tc.counted}
			if tc.curated != nil {
				a.Curated, a.Regions = true, tc.curated
			}
			got := CreditedRegions(a, tc.counted)
			if len(got) != 0 || len(tc.want) != 0 {
				if !reflect.DeepEqual(got, tc.want) {
					t.Fatalf("credited %+v, want %+v", got, tc.want)
				}
			}
			res := ScoreArticle(a, nil)
			chars := map[int64]int{}
			for _, p := range res.Outlets {
				chars[p.OutletID] = p.Chars
			}
			if len(tc.counted) > 0 && (chars[7] != tc.outlet7 || res.CommentChars != tc.comments || chars[1] != 100-tc.outlet7-tc.comments) {
				t.Fatalf("credited chars %v, comments %d; want outlet 7 %d, comments %d, the rest to the publisher", chars, res.CommentChars, tc.outlet7, tc.comments)
			}
			if res.Curated != (tc.curated != nil) {
				t.Fatalf("curated %v", res.Curated)
			}
		})
	}
	t.Run("OK excluded reviewers leave the majority", func(t *testing.T) {
		a := Article{ID: 1, OutletID: 1, Length: 100, RegionVotes: []RegionVote{vote(quote, 1, 2)}, Reviewers: []int64{1, 2, 3}}
		if res := ScoreArticle(a, []int64{2}); len(res.Outlets) != 1 || res.Outlets[0].OutletID != 1 {
			t.Fatalf("with reviewer 2 excluded, 1 of 2 is no majority: %+v", res.Outlets)
		}
	})
	t.Run("OK regions given without votes are used as given", func(t *testing.T) {
		a := Article{ID: 1, OutletID: 1, Length: 100, Regions: []Region{quote}, Reviewers: []int64{1}}
		if got := CreditedRegions(a, []int64{1}); !reflect.DeepEqual(got, []Region{quote}) {
			t.Fatalf("%+v", got)
		}
	})
}

func TestEquivalentRegions(t *testing.T) {
	base := Region{Kind: RegionQuote, Start: 0, End: 100, OriginOutletID: 3}
	for _, tc := range []struct {
		name string
		r    Region
		want bool
	}{
		{"OK the same", base, true},
		{"OK 80 of the longer 100 shared", Region{Kind: RegionQuote, Start: 20, End: 100, OriginOutletID: 3}, true},
		{"OK 79 shared is not enough", Region{Kind: RegionQuote, Start: 21, End: 100, OriginOutletID: 3}, false},
		{"OK a longer region measured by itself", Region{Kind: RegionQuote, Start: 0, End: 126, OriginOutletID: 3}, false},
		{"OK another origin", Region{Kind: RegionQuote, Start: 0, End: 100, OriginOutletID: 4}, false},
		{"OK another kind", Region{Kind: RegionComments, Start: 0, End: 100}, false},
		{"OK disjoint", Region{Kind: RegionQuote, Start: 100, End: 200, OriginOutletID: 3}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if Equivalent(base, tc.r) != tc.want || Equivalent(tc.r, base) != tc.want {
				t.Fatalf("Equivalent = %v, want %v (both ways)", !tc.want, tc.want)
			}
		})
	}
}

// Region agreement checked against Alpha over explicit per-character units.
func TestRegionAgreement(t *testing.T) {
	quote := Region{Kind: RegionQuote, Start: 0, End: 5, OriginOutletID: 7}
	a := Article{ID: 1, OutletID: 1, Length: 10, Reviewers: []int64{1, 2, 3},
		RegionVotes: []RegionVote{{Region: quote, Holders: []int64{1, 2}}, {Region: Region{Kind: RegionComments, Start: 8, End: 10}, Holders: []int64{3}}}}
	res := ScoreArticle(a, nil)
	// Characters 0–4: reviewers 1 and 2 say outlet 7, reviewer 3 the publisher; 5–7: all the
	// publisher; 8–9: 1 and 2 the publisher, 3 comments.
	var units []Unit
	for i := range 10 {
		switch {
		case i < 5:
			units = append(units, Unit{Values: []int{7, 7, 1}})
		case i < 8:
			units = append(units, Unit{Values: []int{1, 1, 1}})
		default:
			units = append(units, Unit{Values: []int{1, 1, -1}})
		}
	}
	want, ok := Alpha(units...)
	got := CorpusAgreement([]ArticleResult{res}).RegionAlpha
	if !ok || !got.Valid || math.Abs(got.Float64-want) > 1e-12 {
		t.Fatalf("region alpha %+v, want %v", got, want)
	}
	if one := ScoreArticle(Article{ID: 2, OutletID: 1, Length: 10, Reviewers: []int64{1}, RegionVotes: a.RegionVotes}, nil); CorpusAgreement([]ArticleResult{one}).RegionAlpha.Valid {
		t.Fatal("one reviewer: region alpha must be undefined")
	}
	agree := Article{ID: 3, OutletID: 1, Length: 10, Reviewers: []int64{1, 2}, RegionVotes: []RegionVote{{Region: quote, Holders: []int64{1, 2}}}}
	if got := CorpusAgreement([]ArticleResult{ScoreArticle(agree, nil)}).RegionAlpha; !got.Valid || got.Float64 != 1 {
		t.Fatalf("full agreement on a quote: %+v, want 1", got)
	}
}
