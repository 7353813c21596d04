package reprint

import (
	"strings"
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

// TestProposeBlockEndsWithTheCopy: a blog that introduces a block with "Weekly Buzz is
// reporting that", copies two of Weekly Buzz's paragraphs and closes with its own view in the
// first person plural ("We will follow …. In our view, …") credits Weekly Buzz with the block
// up to the copy's last paragraph only; the closing paragraph, which Weekly Buzz's article does
// not carry, is the blog's own. Without Weekly Buzz's article at hand the block is drawn from
// the cues alone, as before.
func TestProposeBlockEndsWithTheCopy(t *testing.T) {
	outlets := []Outlet{{ID: 2, Name: "Weekly Buzz"}, {ID: 4, Name: "Northside Notes"}}
	letter := "In a letter to the county finance board, the district attorney wrote that the marina project had \"run at least $240,000 over budget\" and asked for an emergency review of the contracts. The letter, dated March 3, says that two of the four contractors were paid for work that \"was never inspected, and in one case never started,\" and that invoices were approved by a single official."
	spokesman := "A spokesman for the mayor said the office would \"cooperate fully with any review\" and called the allegations \"a routine accounting disagreement blown out of proportion.\" The finance board is expected to discuss the letter at its meeting on Tuesday."
	own := "We will follow the board meeting and report back. In our view, the board should publish every invoice before Tuesday."
	buzz := Article{ID: 2, OutletID: 2, PublishedAt: time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC),
		Text: "Port Aldine's marina is in trouble again, and the paperwork is ugly.\n\n" + letter + "\n\n" + spokesman + "\n\nInsiders tell us the mayor has been furious all week."}
	notes := Article{ID: 4, OutletID: 4, PublishedAt: time.Date(2026, 3, 6, 10, 0, 0, 0, time.UTC),
		Text: "Weekly Buzz is reporting that the county's top prosecutor has asked for an emergency review of the marina contracts.\n\n" + letter + "\n\n" + spokesman + "\n\n" + own}
	copyEnd := len([]rune(notes.Text)) - len([]rune(own)) - 2 // the end of the spokesman's paragraph
	atts := FindAttributions(notes.Text, outlets, notes.OutletID)
	if len(atts) != 1 || !atts[0].Block || atts[0].End != len([]rune(notes.Text)) {
		t.Fatalf("the cue alone should draw one block to the end of the text, got %+v", atts)
	}
	attributed := func(props []Proposal) Proposal {
		t.Helper()
		for _, p := range props {
			if p.Kind == KindQuote && p.Relation == RelationAttributed {
				return p
			}
		}
		t.Fatalf("no attributed region in %+v", props)
		return Proposal{}
	}
	if p := attributed(Propose(notes, outlets, atts, nil, nil)); p.Start != 0 || p.End != len([]rune(notes.Text)) {
		t.Errorf("without Weekly Buzz's article the block should run from the cue to the end, got [%d, %d)", p.Start, p.End)
	}
	ix := NewIndex(DefaultConfig())
	ix.Add(buzz)
	ix.Add(notes)
	ms := ix.Matches(notes)
	if len(ms) == 0 {
		t.Fatal("the copied paragraphs were not matched")
	}
	props := Propose(notes, outlets, atts, ms, map[int64]Article{2: buzz})
	p := attributed(props)
	if p.Start != 0 || p.End != copyEnd || p.OriginOutletID != 2 {
		t.Fatalf("the block should credit Weekly Buzz from the cue to the end of the copy [0, %d), got [%d, %d) for outlet %d: %q",
			copyEnd, p.Start, p.End, p.OriginOutletID, p.Reason)
	}
	if !strings.Contains(p.Reason, "shared with article 2") {
		t.Errorf("the reason should say why the block ends there: %q", p.Reason)
	}
	for _, q := range props {
		if q.Kind == KindQuote && q.End > copyEnd {
			t.Errorf("a proposal takes in the blog's own closing paragraph: %+v", q)
		}
	}
}
