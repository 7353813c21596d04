package reprint_test

import (
	"reflect"
	"testing"

	"github.com/credence-project/credence/annotate/reprint"
)

// TestAnalyseIsFindAttributionsAndFindComments: Analyse finds, in one pass, what
// FindAttributions and FindComments find apart, and ProposeAnalysed given it (with the other
// articles' attributions given or not) proposes what Propose does, on the seed articles.
func TestAnalyseIsFindAttributionsAndFindComments(t *testing.T) {
	arts := loadSeeds(t)
	ix := reprint.NewIndex(reprint.Config{})
	for _, a := range arts {
		ix.Add(a)
	}
	comments := 0
	for id, a := range arts {
		an := reprint.Analyse(a.Text, seedOutlets, a.OutletID)
		atts := reprint.FindAttributions(a.Text, seedOutlets, a.OutletID)
		if !reflect.DeepEqual(an.Attributions, atts) {
			t.Errorf("article %d: Analyse's attributions %+v, FindAttributions %+v", id, an.Attributions, atts)
		}
		s, e, ok := reprint.FindComments(a.Text)
		if an.CommentsStart != s || an.CommentsEnd != e || an.HasComments != ok {
			t.Errorf("article %d: Analyse's comments %d-%d %v, FindComments %d-%d %v", id, an.CommentsStart, an.CommentsEnd, an.HasComments, s, e, ok)
		}
		if ok {
			comments++
		}
		ms := ix.Matches(a)
		want := reprint.Propose(a, seedOutlets, atts, ms, arts)
		calls := 0
		given := func(o reprint.Article) []reprint.Attribution {
			calls++
			return reprint.FindAttributions(o.Text, seedOutlets, o.OutletID)
		}
		for _, got := range [][]reprint.Proposal{
			reprint.ProposeAnalysed(a, seedOutlets, an, ms, arts, nil),
			reprint.ProposeAnalysed(a, seedOutlets, an, ms, arts, given),
		} {
			if !reflect.DeepEqual(got, want) {
				t.Errorf("article %d: ProposeAnalysed %+v, Propose %+v", id, got, want)
			}
		}
		if len(ms) > 0 && calls == 0 {
			t.Errorf("article %d: the others' attributions given were not used", id)
		}
	}
	if comments == 0 {
		t.Error("no seed article has a comments section: the test compares nothing there")
	}
}
