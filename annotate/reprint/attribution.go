package reprint

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// Cue patterns, matched against folded text (lower case, straight quotes).
// leftInline: the text just before the outlet name; rightInline: just after.
var (
	leftInline = regexp.MustCompile(`(?:\baccording to|\bper|\bvia|\btold|\btells|\btelling|\btell|\bsaid to|\bconfirmed to|` +
		`\b(?:speaking|spoke|talking|talked|speak|talk) (?:to|with)|\binterview(?:ed)? (?:with|by)|\bstatement to|\bcourtesy of|` +
		`\b(?:reported|revealed|published|confirmed|obtained|cited|broken|broke|written|released|aired|broadcast) by|` +
		`\bciting|\bwrote in|\bwriting in|\bwrites in|\bsource:|` +
		`\b(?:shared|sat down|spoke|speaking|talked|comments?|perspective|statement|conversation)\b[^.!?"]{0,60}\bwith)\s*$`)
	// nominal introducers name a piece of the outlet's content; at the end
	// of a paragraph they introduce what follows ("it’s an exclusive from OK!").
	leftNominal = regexp.MustCompile(`\b(?:exclusive|report|story|article|piece|excerpt|scoop|dispatch|coverage|update|more|this)\s+(?:from|by|in|at|on|via)\s*$`)
	leftAs      = regexp.MustCompile(`\bas\s*$`)
	rightAs     = regexp.MustCompile(`^\s*(?:has |had |have )?(?:previously |first |exclusively |originally |also |recently )?(?:reported|reports|revealed|noted|wrote|learned)\b`)
	rightBlock  = regexp.MustCompile(`^(?:\s*magazine)?\s*(?:(?:is|are|was|were|has been|have been) reporting\b|(?:has|had|have) (?:the latest|more|the story|the details|the full story|the scoop|an update|the exclusive|obtained)\b)`)
	rightInline = regexp.MustCompile(`^\s*(?:first |exclusively |previously |originally |also |now |later )?(?:reported|reports|revealed|reveals|confirmed|confirms|wrote|writes|noted|notes|learned|has learned|can reveal|can confirm|obtained|broke the news|said in a report|says in a report|stated|states|understands)\b|` +
		`^'s?\s+(?:\S+\s+){0,2}?(?:report|reporting|story|article|investigation|coverage|exclusive|sources?)\b`)
	leadInEnd = regexp.MustCompile(`(?::|\.\s*\.\s*\.|…|\.\.\.)\s*$`)
)

// cue is a classified outlet mention.
type cue struct {
	m        mention
	sentence span
	para     int  // index of the paragraph
	block    bool // introduces whole paragraphs
	leadIn   bool // the passage starts at the next paragraph
	phrase   string
}

// FindAttributions finds the passages of text that the text itself credits
// to an outlet other than selfOutletID. Rules:
//
// Outlets are recognised by name, alias or domain (see findMentions: case
// and typography tolerant, "the" optional for names of three words or more,
// possessive 's accepted, "NBC" for "NBC News"). A mention is a cue only in
// an attributing context: "according to X", "per X", "via X", "told X",
// "reported by X", "interview with X", "as X reported", "X reported / writes
// / has learned", "X's report", "an exclusive from X", "X is reporting that",
// "X has the latest ...". A bare mention ("an ABC News special") credits
// nothing. Mentions inside the readers' comments section are ignored.
//
// Extent. An inline cue credits its sentence (quoted speech is never split,
// so a quotation and its "she told TMZ" stay together), plus any following
// sentences of the same paragraph that are wholly quotation (the same
// speaker continuing). A cue introduces a block when it is "X is reporting",
// "X has the latest/more/the story", or a lead-in: the last sentence of its
// paragraph ending in a colon or an ellipsis, or a nominal introducer ("an
// exclusive from X") ending its paragraph. A lead-in's block starts at the
// next paragraph, other blocks at the cue's sentence. A block runs paragraph
// by paragraph until the article's own voice resumes: a paragraph opening
// with a commentary phrase ("It sounds like", "Ultimately,", "If there's
// justice"), using the first person singular or asking a question outside
// quotation marks, naming the publisher itself, the comments section, or a
// cue for another outlet. Cues for the same outlet inside a block extend it.
//
// Resumption. When a block stops at the author's commentary and the source
// quotes speech in a different style from the author (British outlets'
// ‘single’ quotes against the author's “double” ones), a later paragraph that
// quotes only in the source's style, before the next commentary, resumes the
// source, together with the unquoted paragraphs that follow it.
//
// The result is sorted by Start. Offsets are code points into text.
func FindAttributions(text string, outlets []Outlet, selfOutletID int64) []Attribution {
	return Analyse(text, outlets, selfOutletID).Attributions
}

// Analysis is what Propose needs of an article's own text: its attribution cues
// (FindAttributions) and its readers' comments section (FindComments).
type Analysis struct {
	Attributions []Attribution
	// CommentsStart and CommentsEnd are the comments section, if HasComments.
	CommentsStart, CommentsEnd int
	HasComments                bool
}

// Analyse is FindAttributions and FindComments of one text at once: the text is split
// into runes and paragraphs and its comments section found once for both.
func Analyse(text string, outlets []Outlet, selfOutletID int64) Analysis {
	rs := []rune(text)
	paras := paragraphs(rs)
	var an Analysis
	an.CommentsStart, an.CommentsEnd, an.HasComments = findComments(rs, paras)
	an.Attributions = findAttributions(rs, paras, an, outlets, selfOutletID)
	return an
}

func findAttributions(rs []rune, paras []paragraph, an Analysis, outlets []Outlet, selfOutletID int64) []Attribution {
	folded := fold(rs)
	limit := len(rs)
	if an.HasComments {
		limit = an.CommentsStart
	}
	mentions := findMentions(rs, folded, outlets)
	names := make(map[int64]string, len(outlets))
	for _, o := range outlets {
		names[o.ID] = o.Name
	}
	for i := range mentions {
		mentions[i].name = names[mentions[i].outlet]
	}
	var protected []span
	for _, m := range mentions {
		protected = append(protected, m.span)
	}
	cues, selfParas := classify(rs, folded, paras, mentions, protected, selfOutletID, limit)

	var out []Attribution
	var blocks []Attribution
	inBlock := func(c cue) bool {
		for _, b := range blocks {
			if b.OutletID == c.m.outlet && b.Start <= c.sentence.start && c.sentence.end <= b.End {
				return true
			}
		}
		return false
	}
	for ci, c := range cues {
		if inBlock(c) {
			continue // already credited by the block it sits in
		}
		a := Attribution{
			OutletID: c.m.outlet,
			Cue:      string(rs[c.m.start:c.m.end]),
			CueStart: c.m.start, CueEnd: c.m.end,
			Block: c.block,
		}
		phrase := strings.TrimSpace(string(rs[c.sentence.start:c.sentence.end]))
		if !c.block {
			a.Start, a.End = c.sentence.start, inlineEnd(rs, paras[c.para], c.sentence)
			a.Reason = fmt.Sprintf("the sentence credits %s: %q", c.m.name, c.phrase)
			out = append(out, a)
			continue
		}
		first := c.para
		a.Start = c.sentence.start
		if c.leadIn {
			first = c.para + 1
			if first >= len(paras) || paras[first].start >= limit {
				continue
			}
			a.Start = paras[first].start
		}
		last, why := first, "runs to the end of the text"
		for p := first + 1; p < len(paras); p++ {
			if stop := stopReason(rs, folded, paras, p, c.m.outlet, cues[ci+1:], selfParas, limit); stop != "" {
				why = stop
				break
			}
			last = p
		}
		a.End = paras[last].end
		intro := "introduces the paragraphs that follow"
		if !c.leadIn {
			intro = "introduces its paragraph and those that follow"
		}
		a.Reason = fmt.Sprintf("%q %s, credited to %s; the passage %s", clip(phrase, 90), intro, c.m.name, why)
		out = append(out, a)
		blocks = append(blocks, a)
		if strings.HasPrefix(why, "ends before the author's") {
			if r, ok := resume(rs, folded, paras, a, last, c, cues, selfParas, limit); ok {
				out = append(out, r)
				blocks = append(blocks, r)
			}
		}
	}
	slices.SortStableFunc(out, func(x, y Attribution) int { return cmp.Or(cmp.Compare(x.Start, y.Start), cmp.Compare(x.End, y.End)) })
	return out
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// classify finds which mentions are cues. It also returns the paragraphs
// that name the publisher itself, which mark the author's own voice.
func classify(rs, folded []rune, paras []paragraph, mentions []mention, protected []span, self int64, limit int) ([]cue, map[int]bool) {
	var cues []cue
	selfParas := map[int]bool{}
	pi := 0
	var sents []span
	sentsOf := -1
	for _, m := range mentions {
		if m.start >= limit {
			break
		}
		for pi < len(paras) && paras[pi].end <= m.start {
			pi++
		}
		if pi >= len(paras) {
			break
		}
		if m.outlet == self {
			selfParas[pi] = true
			continue
		}
		if sentsOf != pi {
			sents, sentsOf = sentences(rs, paras[pi].span, protected), pi
		}
		var sent span
		for _, s := range sents {
			if s.start <= m.start && m.start < s.end {
				sent = s
			}
		}
		// Mentions are protected from sentence splitting, so a mention runs past its sentence
		// only when a line break inside the name ("Daily\nMail") ends the paragraph there: its
		// sentence reads on in the next paragraph, which is not at hand, so it is no cue (found
		// by FuzzFindAttributions; a mention of the publisher itself still marked its paragraph
		// above).
		if m.end > sent.end {
			continue
		}
		left := strings.TrimRight(string(folded[sent.start:m.core]), " ")
		right := string(folded[m.end:sent.end])
		if strings.HasSuffix(string(folded[m.start:m.end]), "'s") {
			right = "'s" + right // the possessive was taken into the mention
		}
		if strings.HasSuffix(left, "'") { // ’s of the mention's possessive already consumed
			left = strings.TrimSuffix(left, "'")
		}
		lastInPara := len(sents) > 0 && sents[len(sents)-1] == sent
		leadIn := lastInPara && leadInEnd.MatchString(string(folded[sent.start:sent.end]))
		c := cue{m: m, sentence: sent, para: pi, phrase: cueContext(rs, sent, m)}
		switch {
		case rightBlock.MatchString(right):
			c.block, c.leadIn = true, leadIn
		case leftNominal.MatchString(left):
			c.block, c.leadIn = lastInPara, lastInPara
		case leftInline.MatchString(left), leftAs.MatchString(left) && rightAs.MatchString(right), rightInline.MatchString(right):
			c.block, c.leadIn = leadIn, leadIn
		default:
			continue
		}
		cues = append(cues, c)
	}
	return cues, selfParas
}

// cueContext is the cue as shown in reasons: up to three words before the
// outlet's name and two after, within the sentence, in the original text.
func cueContext(rs []rune, sent span, m mention) string {
	start := m.core
	for words := 0; start > sent.start && words < 3; {
		start--
		if unicode.IsSpace(rs[start]) && start > sent.start && !unicode.IsSpace(rs[start-1]) {
			words++
		}
	}
	for start < m.core && unicode.IsSpace(rs[start]) {
		start++
	}
	end := m.end
	for words := 0; end < sent.end && words < 3; end++ {
		if unicode.IsSpace(rs[end]) && end > m.end {
			words++
		}
	}
	return strings.TrimSpace(string(rs[start:end]))
}

// inlineEnd extends an inline cue's sentence over following sentences of the
// paragraph that are wholly quotation.
func inlineEnd(rs []rune, p paragraph, sent span) int {
	end := sent.end
	rest := span{sent.end, p.end}
	for rest.start < rest.end && unicode.IsSpace(rs[rest.start]) {
		rest.start++
	}
	if rest.start >= rest.end {
		return end
	}
	for _, s := range sentences(rs, rest, nil) {
		first, last := rs[s.start], rs[s.end-1]
		if (first == '“' || first == '"') && (last == '”' || last == '"') {
			end = s.end
			continue
		}
		break
	}
	return end
}

// Commentary openers: phrases with which bloggers turn from the reprinted
// copy to their own view. News copy rarely opens a paragraph with them.
var commentaryOpener = regexp.MustCompile(`^(?:if there(?:'s| is) (?:any )?justice|it sounds like|it seems|it looks like|it appears (?:that )?(?:he|she|they)'s|so,|well,|now,|ultimately,|in addition,|clearly|obviously|frankly|honestly|personally|in my (?:opinion|view)|i think|i believe|i guess|let's|let us|stay tuned|bottom line|the bottom line|needless to say|of course|sadly|thankfully|hopefully|make no mistake|mark my words|here's the thing|just saying|update:|editor's note)`)

var firstPerson = regexp.MustCompile(`(?:^|[^\p{L}'])(?:i|i'm|i'd|i've|i'll|me|my|mine|myself)(?:[^\p{L}']|$)`)

// ownVoice names the signal showing that paragraph p is the author's own
// voice, or returns "".
func ownVoice(rs, folded []rune, paras []paragraph, p int, selfParas map[int]bool) string {
	para := paras[p]
	u := strings.TrimSpace(string(unquoted(folded, rs, para.span)))
	head := strings.TrimLeft(string(folded[para.start:min(para.end, para.start+40)]), " \"'-")
	switch {
	case commentaryOpener.MatchString(head):
		return fmt.Sprintf("opens with the author's commentary (%q)", clip(string(rs[para.start:min(para.end, para.start+24)]), 24))
	case firstPerson.MatchString(u):
		return "speaks in the first person outside quotation marks"
	case strings.HasSuffix(u, "?"):
		return "asks the reader a question"
	case selfParas[p]:
		return "names the publisher itself"
	}
	return ""
}

// stopReason tells why paragraph p ends a block of outlet, or "".
func stopReason(rs, folded []rune, paras []paragraph, p int, outlet int64, later []cue, selfParas map[int]bool, limit int) string {
	if paras[p].start >= limit {
		return "ends before the comments section"
	}
	for _, c := range later {
		if c.para == p && c.m.outlet != outlet {
			return fmt.Sprintf("ends before a cue for %s", c.m.name)
		}
	}
	if v := ownVoice(rs, folded, paras, p, selfParas); v != "" {
		return "ends before the author's paragraph that " + v
	}
	return ""
}

// resume applies the quotation-style rule after a block that stopped at the
// author's commentary (see FindAttributions).
func resume(rs, folded []rune, paras []paragraph, block Attribution, last int, c cue, cues []cue, selfParas map[int]bool, limit int) (Attribution, bool) {
	var srcD, srcS, authD, authS int
	for p := range paras {
		d, s := quoteStyle(rs, paras[p].span)
		switch {
		case paras[p].start >= block.Start && paras[p].end <= block.End:
			srcD, srcS = srcD+d, srcS+s
		case paras[p].end <= c.m.start:
			authD, authS = authD+d, authS+s
		}
	}
	if srcS <= srcD || authD <= authS {
		return Attribution{}, false // the source does not quote in a style of its own
	}
	start := -1
	end := -1
	for p := last + 1; p < len(paras); p++ {
		if stopReason(rs, folded, paras, p, c.m.outlet, cues, selfParas, limit) != "" {
			if start >= 0 {
				break
			}
			continue
		}
		d, s := quoteStyle(rs, paras[p].span)
		if start < 0 {
			if s > 0 && d == 0 {
				start, end = p, p
			}
			continue
		}
		if d > 0 {
			break
		}
		end = p
	}
	if start < 0 {
		return Attribution{}, false
	}
	return Attribution{
		Start: paras[start].start, End: paras[end].end,
		OutletID: block.OutletID, Cue: block.Cue, CueStart: block.CueStart, CueEnd: block.CueEnd, Block: true,
		Reason: fmt.Sprintf("resumes the %s passage after the author's commentary: it quotes in the source's ‘single’ quotation marks, unlike the author's “double” ones; it ends before the author's next paragraph", c.m.name),
	}, true
}
