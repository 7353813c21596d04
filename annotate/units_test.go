package annotate

import (
	"testing"
)

// TestGroupUnits: marks of one kind whose spans overlap, directly or through another, are one
// unit; a unit is agreed only when every finished reviewer marked the very same span once;
// disagreements come first; unfinished reviewers' marks are left out.
func TestGroupUnits(t *testing.T) {
	finished := []int64{1, 2, 3}
	marks := []Mark{
		// agreed: all three, same span
		{ID: 1, ReviewerID: 1, Kind: "opinion", Start: 10, End: 20},
		{ID: 2, ReviewerID: 2, Kind: "opinion", Start: 10, End: 20},
		{ID: 3, ReviewerID: 3, Kind: "opinion", Start: 10, End: 20},
		// a chain: [30,40) overlaps [38,50) overlaps [49,60): one unit of two reviewers
		{ID: 4, ReviewerID: 1, Kind: "opinion", Start: 30, End: 40},
		{ID: 5, ReviewerID: 2, Kind: "opinion", Start: 38, End: 50},
		{ID: 6, ReviewerID: 1, Kind: "opinion", Start: 49, End: 60},
		// touching is not overlapping: [60,70) is its own unit
		{ID: 7, ReviewerID: 3, Kind: "opinion", Start: 60, End: 70},
		// same span, other label: another unit
		{ID: 8, ReviewerID: 1, Kind: "speculation", Start: 10, End: 20},
		// all three but different boundaries: not agreed
		{ID: 9, ReviewerID: 1, Kind: "loaded_language", Start: 0, End: 5},
		{ID: 10, ReviewerID: 2, Kind: "loaded_language", Start: 0, End: 5},
		{ID: 11, ReviewerID: 3, Kind: "loaded_language", Start: 1, End: 5},
		// an unfinished reviewer's mark counts for nothing
		{ID: 12, ReviewerID: 9, Kind: "sourced_fact", Start: 0, End: 100},
		// a reviewer marking twice inside one unit is not agreement
		{ID: 13, ReviewerID: 1, Kind: "quote", Start: 80, End: 90, Origin: 4},
		{ID: 14, ReviewerID: 2, Kind: "quote", Start: 80, End: 90, Origin: 4},
		{ID: 15, ReviewerID: 3, Kind: "quote", Start: 80, End: 90, Origin: 4},
		{ID: 16, ReviewerID: 3, Kind: "quote", Start: 85, End: 88, Origin: 4},
		// same span, another origin outlet: not agreed
		{ID: 17, ReviewerID: 1, Kind: "comments", Start: 95, End: 99},
		{ID: 18, ReviewerID: 2, Kind: "comments", Start: 95, End: 99},
		{ID: 19, ReviewerID: 3, Kind: "comments", Start: 95, End: 99, Origin: 2},
	}
	got := GroupUnits(marks, finished)
	type want struct {
		kind       string
		start, end int
		reviewers  int
		agreed     bool
		marks      int
	}
	exp := []want{
		{"loaded_language", 0, 5, 3, false, 3},
		{"speculation", 10, 20, 1, false, 1},
		{"opinion", 30, 60, 2, false, 3},
		{"opinion", 60, 70, 1, false, 1},
		{"quote", 80, 90, 3, false, 4},
		{"comments", 95, 99, 3, false, 3},
		{"opinion", 10, 20, 3, true, 3},
	}
	if len(got) != len(exp) {
		t.Fatalf("%d units, want %d: %+v", len(got), len(exp), got)
	}
	for i, w := range exp {
		u := got[i]
		if u.Kind != w.kind || u.Start != w.start || u.End != w.end || u.Reviewers != w.reviewers || u.Agreed != w.agreed || len(u.Marks) != w.marks || u.Of != 3 {
			t.Errorf("unit %d = {%s [%d,%d) %d/%d agreed %v, %d marks}, want %+v", i, u.Kind, u.Start, u.End, u.Reviewers, u.Of, u.Agreed, len(u.Marks), w)
		}
	}
	t.Run("NoFinishedReviewerNoAgreement", func(t *testing.T) {
		if units := GroupUnits(marks[:3], nil); len(units) != 0 {
			t.Errorf("units without finished reviewers: %+v", units)
		}
	})
	t.Run("SingleReviewerAgreesWithThemself", func(t *testing.T) {
		units := GroupUnits(marks[:1], []int64{1})
		if len(units) != 1 || !units[0].Agreed {
			t.Errorf("units %+v", units)
		}
	})
}

// TestConsensusLayerRules: reviewers write the review layer, curators the consensus layer,
// admins either; only curators and admins change consensus work, and a curator never changes a
// reviewer's.
func TestConsensusLayerRules(t *testing.T) {
	rev, cur, adm := Reader{ID: 1, Role: RoleReviewer}, Reader{ID: 2, Role: RoleCurator}, Reader{ID: 3, Role: RoleAdmin}
	for _, c := range []struct {
		rd    Reader
		asked string
		want  string
		code  string
	}{
		{rev, "", LayerReview, ""}, {rev, "review", LayerReview, ""}, {rev, "consensus", "", CodeForbidden},
		{cur, "consensus", LayerConsensus, ""}, {cur, "", "", CodeForbidden}, {cur, "review", "", CodeForbidden},
		{adm, "", LayerReview, ""}, {adm, "consensus", LayerConsensus, ""}, {adm, "gold", "", CodeInvalid},
	} {
		got, err := WriteLayer(c.rd, c.asked)
		if got != c.want || ErrorCode(err) != c.code {
			t.Errorf("%s asking %q: %q, %v; want %q, %s", c.rd.Role, c.asked, got, err, c.want, c.code)
		}
	}
	for _, c := range []struct {
		rd     Reader
		layer  string
		author int64
		ok     bool
	}{
		{rev, LayerReview, 1, true}, {rev, LayerReview, 9, false}, {rev, LayerConsensus, 1, false},
		{cur, LayerConsensus, 7, true}, {cur, LayerReview, 2, false}, {cur, LayerReview, 1, false},
		{adm, LayerReview, 1, true}, {adm, LayerConsensus, 2, true},
	} {
		if err := MayChange(c.rd, c.layer, c.author); (err == nil) != c.ok {
			t.Errorf("%s changing %s work of %d: %v", c.rd.Role, c.layer, c.author, err)
		}
	}
}
