package reprint_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/credence-project/credence/annotate/reprint"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// seedOutlets are the publishers of the five seed articles (1–5, unnamed in
// the files) and the outlets their text credits.
var seedOutlets = []reprint.Outlet{
	{ID: 1, Name: "Blog A"}, {ID: 2, Name: "Blog B"}, {ID: 3, Name: "Entertainment site"},
	{ID: 4, Name: "News rewrite"}, {ID: 5, Name: "News report"},
	{ID: 10, Name: "OK! Magazine", Aliases: []string{"OK!", "OK Magazine"}, Domains: []string{"okmagazine.com"}},
	{ID: 11, Name: "Daily Mail", Aliases: []string{"The Daily Mail", "Mail Online"}, Domains: []string{"dailymail.co.uk"}},
	{ID: 12, Name: "TMZ", Domains: []string{"tmz.com"}},
	{ID: 13, Name: "NBC News", Domains: []string{"nbcnews.com"}},
	{ID: 14, Name: "New York Post", Aliases: []string{"The Post", "NY Post"}},
	{ID: 15, Name: "ABC News", Aliases: []string{"ABC"}},
}

// Seed article IDs: 100 + file number; publisher = file number + 1.
const (
	blogOK   = 100 // 000: reprints OK!
	blogMail = 101 // 001: reprints the Daily Mail, then comments
	entSite  = 102 // 002: TMZ and ABC
	rewrite  = 103 // 003: NBC News and The Post
	report   = 104 // 004: the ABC interview
)

// seedDates are the publication dates read off the texts (000 and 001 from
// the events they report, September 2022).
var seedDates = []time.Time{
	time.Date(2022, 9, 22, 0, 0, 0, 0, time.UTC),
	time.Date(2022, 9, 21, 0, 0, 0, 0, time.UTC),
	time.Date(2021, 12, 4, 0, 0, 0, 0, time.UTC),
	time.Date(2023, 10, 6, 0, 0, 0, 0, time.UTC),
	time.Date(2023, 1, 31, 0, 0, 0, 0, time.UTC),
}

func loadSeeds(t testing.TB) map[int64]reprint.Article {
	t.Helper()
	files, err := filepath.Glob("testdata/seeds/*.txt")
	if err != nil || len(files) != 5 {
		t.Fatalf("want the 5 seed articles in testdata/seeds, got %d (%v)", len(files), err)
	}
	out := make(map[int64]reprint.Article)
	for i, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[int64(100+i)] = reprint.Article{ID: int64(100 + i), OutletID: int64(i + 1), PublishedAt: seedDates[i], Text: string(b)}
	}
	return out
}

type seedRun struct {
	arts      map[int64]reprint.Article
	matches   map[int64][]reprint.Match
	proposals map[int64][]reprint.Proposal
}

func runSeeds(t *testing.T) seedRun {
	arts := loadSeeds(t)
	ix := reprint.NewIndex(reprint.Config{})
	for _, a := range arts {
		ix.Add(a)
	}
	r := seedRun{arts: arts, matches: map[int64][]reprint.Match{}, proposals: map[int64][]reprint.Proposal{}}
	for id, a := range arts {
		r.matches[id] = ix.Matches(a)
		atts := reprint.FindAttributions(a.Text, seedOutlets, a.OutletID)
		r.proposals[id] = reprint.Propose(a, seedOutlets, atts, r.matches[id], arts)
	}
	return r
}

func sub(text string, start, end int) string { return string([]rune(text)[start:end]) }

// spaced replaces the no-break spaces the seed pages carry, so expectations
// can be written with plain spaces.
func spaced(s string) string { return strings.ReplaceAll(s, "\u00a0", " ") }

func (r seedRun) text(id int64, p reprint.Proposal) string {
	return sub(r.arts[id].Text, p.Start, p.End)
}

func (r seedRun) find(id int64, relation string, origin int64) []reprint.Proposal {
	var out []reprint.Proposal
	for _, p := range r.proposals[id] {
		if p.Kind == reprint.KindQuote && p.Relation == relation && p.OriginOutletID == origin {
			out = append(out, p)
		}
	}
	return out
}

func TestSeedSiblings(t *testing.T) {
	r := runSeeds(t)
	tests := []struct {
		name          string
		id, other     int64
		origin        int64
		wantPrefix    string
		wantContains  string
		wantNotInside string
	}{
		{"OKSideCreditsOK", blogOK, blogMail, 10, "In a letter to the state’s financial board", "file charges against four people", "One of the possible defendants"},
		{"MailSideCreditsMail", blogMail, blogOK, 11, "In a letter to the state’s financial board", "file charges against four people", "She stopped short"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ps := r.find(tc.id, reprint.RelationSibling, tc.origin)
			if len(ps) != 1 {
				t.Fatalf("want one sibling proposal credited to %d, got %+v", tc.origin, r.proposals[tc.id])
			}
			p, txt := ps[0], spaced(r.text(tc.id, ps[0]))
			if p.OtherArticleID != tc.other {
				t.Errorf("sibling links article %d, want %d", p.OtherArticleID, tc.other)
			}
			if !strings.HasPrefix(txt, tc.wantPrefix) || !strings.Contains(txt, tc.wantContains) || strings.Contains(txt, tc.wantNotInside) {
				t.Errorf("sibling passage is %q", txt)
			}
			if !strings.Contains(p.Reason, "common source") {
				t.Errorf("reason %q does not explain the sibling relation", p.Reason)
			}
		})
	}
}

func TestSeedAttributedRegions(t *testing.T) {
	r := runSeeds(t)
	tests := []struct {
		name        string
		id, origin  int64
		index       int // which of the article's regions for that outlet
		prefix      string
		suffix      string
		mustNotHave []string
	}{
		{"OKBlock", blogOK, 10, 0, "OK! Magazine is reporting that", "the ones that are out to get you are out to get you.”",
			[]string{"If there’s justice", "Keep in mind"}},
		{"MailBlock", blogMail, 11, 0, "New Mexico prosecutors have indicated", "listed his Hamptons home for sale.",
			[]string{"The Daily Mail has the latest", "It sounds like"}},
		{"MailResumed", blogMail, 11, 1, "He has always maintained that he did not pull the trigger", "ensuring the safety of the props.",
			[]string{"It sounds like", "Ultimately"}},
		{"ABCInBlogOK", blogOK, 15, 0, "Baldwin previously told ABC’s Goerge Stephanopoulus", "I didn’t pull the trigger.”", []string{"cold gun"}},
		{"TMZ", entSite, 12, 0, "“Everyone involved in the handling", "contributed to this outcome.”", []string{"Investigations"}},
		{"ABCInterview", entSite, 15, 0, "During his tearful interview with ABC’s George Stephanopoulos", "he said, adding that he would “never point a gun at anyone.” “I would go to any lengths to undo what happened.”", nil},
		{"NBCFirstReported", rewrite, 13, 0, "The impending charges", "closely linked to the case.", []string{"grand jury"}},
		{"NBCCitedBy", rewrite, 13, 1, "Upon dismantling it", "according to credible sources cited by NBC.", nil},
		{"ThePost", rewrite, 14, 0, "Luke Nikas and Alex Spiro", "We will answer any charges in court.”", []string{"The tension"}},
		{"TellingABCNews", rewrite, 15, 0, "Baldwin himself has publicly maintained his innocence", "onto the “Rust” set.", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ps := r.find(tc.id, reprint.RelationAttributed, tc.origin)
			if tc.index >= len(ps) {
				t.Fatalf("want region %d credited to %d, got %+v", tc.index, tc.origin, ps)
			}
			txt := spaced(r.text(tc.id, ps[tc.index]))
			if !strings.HasPrefix(txt, tc.prefix) || !strings.HasSuffix(txt, tc.suffix) {
				t.Errorf("region is %q", txt)
			}
			for _, bad := range tc.mustNotHave {
				if strings.Contains(txt, bad) {
					t.Errorf("region contains %q, which is not %d's text", bad, tc.origin)
				}
			}
		})
	}
}

// TestSeedQuotesOnlyWhereCredited: every quote proposal on the seeds is one
// of the expected ones, so nothing is credited without the text saying so or
// a verified shared passage.
func TestSeedQuotesOnlyWhereCredited(t *testing.T) {
	r := runSeeds(t)
	want := map[int64][]string{
		blogOK:   {"attributed/15", "attributed/10", "sibling/10"},
		blogMail: {"attributed/11", "sibling/11", "attributed/11"},
		entSite:  {"attributed/12", "attributed/15"},
		rewrite:  {"attributed/13", "attributed/14", "attributed/15", "attributed/13"},
		report:   nil,
	}
	for id, w := range want {
		t.Run(fmt.Sprint(id), func(t *testing.T) {
			var got []string
			for _, p := range r.proposals[id] {
				if p.Kind == reprint.KindQuote {
					got = append(got, fmt.Sprintf("%s/%d", p.Relation, p.OriginOutletID))
				}
				if p.OriginOutletID == r.arts[id].OutletID && p.Kind == reprint.KindQuote {
					t.Errorf("proposal credits the publisher itself: %+v", p)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(w) {
				t.Errorf("quote proposals %v, want %v", got, w)
			}
		})
	}
}

func TestSeedBaldwinQuotationIsNotAReprint(t *testing.T) {
	r := runSeeds(t)
	if !strings.Contains(r.arts[blogMail].Text, "I would never point a gun at anyone and pull a trigger") ||
		!strings.Contains(r.arts[report].Text, "I would never point a gun at anyone and pull a trigger") {
		t.Fatal("fixtures changed: both 001 and 004 should carry the Baldwin quotation")
	}
	for _, pair := range [][2]int64{{blogMail, report}, {report, blogMail}} {
		for _, m := range r.matches[pair[0]] {
			if m.OtherArticleID == pair[1] {
				t.Errorf("short quotation linked as a reprint: %+v %q", m, sub(r.arts[pair[0]].Text, m.Start, m.End))
			}
		}
	}
	// Only the prosecutor's letter is shared across the seeds.
	for id, ms := range r.matches {
		for _, m := range ms {
			if !(id == blogOK && m.OtherArticleID == blogMail || id == blogMail && m.OtherArticleID == blogOK) {
				t.Errorf("unexpected match %+v", m)
			}
		}
	}
}

func TestSeedComments(t *testing.T) {
	r := runSeeds(t)
	for id := range r.arts {
		var cs []reprint.Proposal
		for _, p := range r.proposals[id] {
			if p.Kind == reprint.KindComments {
				cs = append(cs, p)
			}
		}
		if id != blogMail {
			if len(cs) != 0 {
				t.Errorf("article %d: comments proposed in an article without comments: %+v", id, cs)
			}
			continue
		}
		if len(cs) != 1 {
			t.Fatalf("want one comments section in 001, got %+v", cs)
		}
		txt := spaced(r.text(id, cs[0]))
		if !strings.HasPrefix(txt, "1. As Alec’s wife just popped out another kid.") || !strings.HasSuffix(txt, "you have no moral/legal right to watch the movie.") {
			t.Errorf("comments section is %.80q … %.80q", txt, txt[max(0, len(txt)-80):])
		}
	}
}

// goldenProposal is a proposal with its text, so that a change in the golden
// file reads as a change in what reviewers would see.
type goldenProposal struct {
	Article int64 `json:"article"`
	reprint.Proposal
	Text string `json:"text"`
}

func TestSeedProposalsGolden(t *testing.T) {
	r := runSeeds(t)
	var got []goldenProposal
	for id := int64(100); id <= 104; id++ {
		for _, p := range r.proposals[id] {
			txt := r.text(id, p)
			if len([]rune(txt)) > 200 {
				txt = string([]rune(txt)[:100]) + " … " + string([]rune(txt)[len([]rune(txt))-100:])
			}
			got = append(got, goldenProposal{Article: id, Proposal: p, Text: txt})
		}
	}
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	path := filepath.Join("testdata", "seed_proposals.golden.json")
	if *update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if string(want) != string(b) {
		t.Errorf("proposals differ from %s; run go test -run TestSeedProposalsGolden -update and review the diff.\ngot:\n%s", path, b)
	}
}
