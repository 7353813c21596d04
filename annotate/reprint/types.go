package reprint

import "time"

// Outlet is what the detector knows about a publisher. Names, aliases and
// domains are matched case-insensitively (see FindAttributions for the exact
// rules).
type Outlet struct {
	ID      int64
	Name    string
	Aliases []string
	Domains []string
}

// Article is one stored text. Text is expected in Unicode NFC with \n line
// endings, as the importer stores it; every offset in this package is a
// Unicode code point offset into Text, end exclusive.
type Article struct {
	ID          int64
	OutletID    int64
	PublishedAt time.Time
	Text        string
}

// Attribution is a passage of an article that the article's own words credit
// to another outlet ("according to NBC News", "The Daily Mail has the latest
// in the case . . .").
type Attribution struct {
	Start, End int // the attributed passage
	OutletID   int64
	// Cue is the text of the cue, Text[CueStart:CueEnd] in code points; the
	// cue may lie inside the passage (inline cues) or before it (lead-ins).
	Cue              string
	CueStart, CueEnd int
	// Block is true when the cue introduces whole paragraphs rather than
	// crediting its own sentence.
	Block  bool
	Reason string
}

// Match is a passage shared by two articles, found by the near-duplicate
// index. Start/End are offsets in the article that was looked up
// (ArticleID), OtherStart/OtherEnd in the indexed article (OtherArticleID).
// Spans run from the first to the last shared word.
type Match struct {
	ArticleID, OtherArticleID int64
	Start, End                int
	OtherStart, OtherEnd      int
	// Words is the number of aligned words on the shorter side, Similarity
	// the share of those words that are identical after normalisation
	// (matched words / words of the longer side), in (0, 1].
	Words      int
	Similarity float64
}

// Kinds of region a Proposal can describe.
const (
	// KindQuote is text written by another outlet (DESIGN.md rule 1): the
	// annotations inside count for OriginOutletID.
	KindQuote = "quote"
	// KindComments is a readers' comments section: credited to no outlet and
	// excluded from outlet scores.
	KindComments = "comments"
)

// Relations say what evidence a quote proposal rests on.
const (
	// RelationAttributed: the article's own words credit the outlet.
	RelationAttributed = "attributed"
	// RelationReprint: the passage appeared earlier in OtherArticleID and is
	// credited to that article's outlet (or to the outlet that article
	// credits it to).
	RelationReprint = "reprint"
	// RelationSibling: the passage also appears in OtherArticleID and both
	// copies come from a common source outlet rather than from each other.
	RelationSibling = "sibling"
)

// Proposal is a region the service proposes to reviewers, who confirm or
// reject it. Quote proposals may overlap (DESIGN.md rule 4): an attributed
// block and the sibling link found inside it are two proposals.
type Proposal struct {
	Kind           string // KindQuote or KindComments
	Start, End     int
	OriginOutletID int64  // 0 if none (comments, or a reprint of an article of unknown outlet)
	Relation       string // one of the Relation constants; empty for comments
	OtherArticleID int64  // the article sharing the passage; 0 for attributed-only and comments
	Reason         string // human readable: the cue or the match
}
