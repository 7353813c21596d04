package reprint_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/credence-project/credence/annotate/reprint"
)

func TestFindAttributionsCues(t *testing.T) {
	tests := []struct {
		name       string
		text       string
		wantOutlet int64 // 0: no attribution expected
		wantText   string
		wantBlock  bool
	}{
		{"AccordingTo", "The gun was faulty, according to NBC News. Nobody knows more.", 13, "The gun was faulty, according to NBC News.", false},
		{"ToldWithQuote", "“We will fight,” the lawyer told TMZ. He left.", 12, "“We will fight,” the lawyer told TMZ.", false},
		{"ReportedByThePost", "The deal was first reported by The Post on Monday. Others followed.", 14, "The deal was first reported by The Post on Monday.", false},
		{"PerDailyMail", "Sales fell, per the Daily Mail. That is odd.", 11, "Sales fell, per the Daily Mail.", false},
		{"ViaDomain", "Photos of the set surfaced (via https://www.dailymail.co.uk/news/rust.html). More later.", 11, "Photos of the set surfaced (via https://www.dailymail.co.uk/news/rust.html).", false},
		{"AsPreviouslyReported", "As OK! previously reported, the actor denies it. Next.", 10, "As OK! previously reported, the actor denies it.", false},
		{"PossessiveReport", "NBC News’s report says the gun was cocked. Fine.", 13, "NBC News’s report says the gun was cocked.", false},
		{"CurlyApostropheAlias", "She spoke to ABC’s anchor about it. Fine.", 15, "She spoke to ABC’s anchor about it.", false},
		{"IsReportingBlock", "OK! Magazine is reporting that charges loom.\n\nThe DA wrote a letter.\n\nI think he is guilty.", 10, "OK! Magazine is reporting that charges loom.\n\nThe DA wrote a letter.", true},
		{"LeadInColonBlock", "Here is what the Daily Mail wrote:\n\nThe DA wrote a letter.\n\nShe asked for money.", 11, "The DA wrote a letter.\n\nShe asked for money.", true},
		{"BlockStopsAtNextCue", "The Daily Mail has the latest . . .\n\nThe DA wrote a letter.\n\nMeanwhile TMZ reports the actor moved.", 11, "The DA wrote a letter.", true},
		{"BareMentionIsNoCue", "He spoke during an ABC News special in December.", 0, "", false},
		{"LowercaseCommonWordIsNoOutlet", "According to the post on his wall, ok! he said.", 0, "", false},
		{"SelfIsNeverCredited", "According to Blog A, all is well.", 0, "", false},
		{"CommentsAreIgnored", "Body text.\n\n  1. According to NBC News he is fine.\n\n  2. Nope.", 0, "", false},
		// A name broken by a line break ends its paragraph mid-name; it used to slice past its
		// sentence and panic (FuzzFindAttributions' input "00 DAilY\n MAil").
		{"NameAcrossLineBreakIsNoCue", "Sales fell, according to the Daily\nMail on Monday. Fine.", 0, "", false},
		{"NameAcrossLineBreakLeavesOthers", "00 Daily\n Mail\n\nThe gun was faulty, according to NBC News. Fine.", 13, "The gun was faulty, according to NBC News.", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := reprint.FindAttributions(tc.text, seedOutlets, 1)
			if tc.wantOutlet == 0 {
				if len(got) != 0 {
					t.Fatalf("want no attribution, got %+v", got)
				}
				return
			}
			var mine []reprint.Attribution
			for _, a := range got {
				if a.OutletID == tc.wantOutlet {
					mine = append(mine, a)
				}
			}
			if len(mine) != 1 {
				t.Fatalf("want one attribution to %d, got %+v", tc.wantOutlet, got)
			}
			a := mine[0]
			if a.OutletID != tc.wantOutlet || a.Block != tc.wantBlock {
				t.Errorf("outlet %d block %v, want %d %v", a.OutletID, a.Block, tc.wantOutlet, tc.wantBlock)
			}
			if s := sub(tc.text, a.Start, a.End); s != tc.wantText {
				t.Errorf("passage %q, want %q", s, tc.wantText)
			}
			if cue := sub(tc.text, a.CueStart, a.CueEnd); cue != a.Cue || a.Reason == "" {
				t.Errorf("cue %q at [%d,%d) reads %q; reason %q", a.Cue, a.CueStart, a.CueEnd, cue, a.Reason)
			}
		})
	}
}

// FuzzFindAttributions: whatever the text, spans lie inside it, are
// well-ordered, name a known outlet other than the publisher, and the cue
// offsets read back as the cue.
func FuzzFindAttributions(f *testing.F) {
	for _, s := range []string{
		"", "according to NBC News", "OK! Magazine is reporting that\n\nx", "The Daily Mail has the latest . . .\n\nA.\n\n  1. c\n  2. d",
		"“x.” told TMZ’s", "via dailymail.co.uk.", "\xff OK!\u00a0Magazine 🙄 is reporting", "As OK! reported: \n\n ‘I’ \n\n It sounds like",
	} {
		f.Add(s)
	}
	known := map[int64]bool{}
	for _, o := range seedOutlets {
		known[o.ID] = true
	}
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) {
			text = strings.ToValidUTF8(text, "\uFFFD")
		}
		n := utf8.RuneCountInString(text)
		for _, a := range reprint.FindAttributions(text, seedOutlets, 1) {
			if a.Start < 0 || a.Start >= a.End || a.End > n || a.CueStart < 0 || a.CueStart >= a.CueEnd || a.CueEnd > n {
				t.Fatalf("bad spans %+v in %d runes", a, n)
			}
			if !known[a.OutletID] || a.OutletID == 1 {
				t.Fatalf("credits outlet %d", a.OutletID)
			}
			if sub(text, a.CueStart, a.CueEnd) != a.Cue {
				t.Fatalf("cue offsets do not read back the cue: %+v", a)
			}
		}
		if s, e, ok := reprint.FindComments(text); ok && (s < 0 || s >= e || e > n) {
			t.Fatalf("bad comments span [%d,%d) in %d runes", s, e, n)
		}
	})
}

// TestFindAttributionsFollowsAnEditedOutletList: the outlets' matching index
// is kept between calls, looked up by the list's content, so a list edited in
// place (a domain changed, an alias added) is matched as it is now, and going
// back to the first list matches as the first call did.
func TestFindAttributionsFollowsAnEditedOutletList(t *testing.T) {
	text := "The gun was faulty, according to Gazette Daily. Photos surfaced (via https://gazette.example/x). More later."
	outlets := []reprint.Outlet{{ID: 7, Name: "Evening Herald", Domains: []string{"herald.example"}}}
	credited := func() []string {
		var out []string
		for _, a := range reprint.FindAttributions(text, outlets, 0) {
			out = append(out, a.Cue)
		}
		return out
	}
	if got := credited(); len(got) != 0 {
		t.Fatalf("cues %q for an outlet the text does not name", got)
	}
	outlets[0].Aliases = []string{"Gazette Daily"} // edited in place
	if got := credited(); len(got) != 1 || got[0] != "Gazette Daily" {
		t.Fatalf("after adding the alias, cues %q, want [Gazette Daily]", got)
	}
	outlets[0].Domains[0] = "gazette.example"
	if got := credited(); len(got) != 2 || got[1] != "https://gazette.example/x" {
		t.Fatalf("after changing the domain, cues %q, want the alias and the URL", got)
	}
	outlets = []reprint.Outlet{{ID: 7, Name: "Evening Herald", Domains: []string{"herald.example"}}}
	if got := credited(); len(got) != 0 {
		t.Fatalf("back to the first list, cues %q, want none", got)
	}
}

// TestFindCommentsHeadings: every comments heading is found in any case, with
// a count or a colon, and so are numbered indented replies; a paragraph that
// merely mentions comments is not a heading.
func TestFindCommentsHeadings(t *testing.T) {
	body := "The council met on Tuesday.\n\nIt agreed to fund the library.\n\n"
	for _, h := range []string{"Comments", "COMMENT", "12 Responses", "Response:", "Replies", "Reader comments",
		"Leave a Reply", "leave a comment:", "Join the Discussion", "JOIN THE CONVERSATION", "Discussion"} {
		start, end, ok := reprint.FindComments(body + h + "\n\nNice piece.")
		if !ok || start != utf8.RuneCountInString(body) || end != utf8.RuneCountInString(body+h+"\n\nNice piece.") {
			t.Errorf("heading %q: FindComments = %d, %d, %v; want it found at %d", h, start, end, ok, utf8.RuneCountInString(body))
		}
	}
	replies := body + "  1. Great work.\n  I agree.\n  2. Not so sure."
	if start, _, ok := reprint.FindComments(replies); !ok || start != utf8.RuneCountInString(body)+2 {
		t.Errorf("numbered replies: FindComments = %d, %v; want %d", start, ok, utf8.RuneCountInString(body)+2)
	}
	if _, _, ok := reprint.FindComments(body + "Comments on the plan were mixed.\n\nMore later."); ok {
		t.Error("a sentence about comments taken for a heading")
	}
}
