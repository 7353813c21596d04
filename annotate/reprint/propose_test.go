package reprint

import (
	"testing"
	"time"
)

// TestProposeEarlierUncreditedCopyIsNotCredited: an outlet's own exclusive, published first
// without any cue, is not credited to a third outlet just because a later blog says it came
// from there (the later blog may have copied a copy).
func TestProposeEarlierUncreditedCopyIsNotCredited(t *testing.T) {
	outlets := []Outlet{{ID: 1, Name: "The Daily Ledger"}, {ID: 2, Name: "Weekly Buzz"}, {ID: 3, Name: "Northside Notes"}}
	passage := "In a letter to the county finance board, the district attorney wrote that the marina project had run at least two hundred and forty thousand dollars over budget and asked for an emergency review of the contracts signed by the port authority last spring."
	first := Article{ID: 1, OutletID: 1, PublishedAt: time.Date(2026, 3, 5, 8, 0, 0, 0, time.UTC), Text: "Our exclusive.\n\n" + passage}
	later := Article{ID: 4, OutletID: 3, PublishedAt: time.Date(2026, 3, 6, 18, 0, 0, 0, time.UTC), Text: "Weekly Buzz is reporting that the prosecutor wrote:\n\n" + passage}
	ix := NewIndex(DefaultConfig())
	ix.Add(first)
	ix.Add(later)
	ms := ix.Matches(first)
	if len(ms) == 0 {
		t.Fatal("the shared passage was not matched")
	}
	props := Propose(first, outlets, FindAttributions(first.Text, outlets, first.OutletID), ms, map[int64]Article{4: later})
	for _, p := range props {
		if p.Kind == KindQuote {
			t.Fatalf("the earliest, uncredited copy got a proposal: %+v", p)
		}
	}
	props = Propose(later, outlets, FindAttributions(later.Text, outlets, later.OutletID), ix.Matches(later), map[int64]Article{1: first})
	found := false
	for _, p := range props {
		found = found || (p.Kind == KindQuote && p.OriginOutletID == 2)
	}
	if !found {
		t.Fatalf("the later article's own cue should still credit Weekly Buzz: %+v", props)
	}
}
