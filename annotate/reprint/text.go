package reprint

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// span is a half-open code point range.
type span struct{ start, end int }

// fold maps a text rune for rune (so offsets are unchanged) to the form the
// cue and name matchers read: lower case, every apostrophe ', every double
// quote ", every dash -, every space character ' '.
func fold(text []rune) []rune {
	out := make([]rune, len(text))
	for i, r := range text {
		if r < utf8.RuneSelf { // ASCII fast path, the same results as below
			switch {
			case 'A' <= r && r <= 'Z':
				r += 'a' - 'A'
			case r == '`': // an apostrophe (isApostrophe)
				r = '\''
			case r == '\t' || r == '\v' || r == '\f' || r == '\r':
				r = ' '
			}
			out[i] = r
			continue
		}
		switch {
		case isApostrophe(r) || r == '‘':
			r = '\''
		case r == '“' || r == '”' || r == '„' || r == '«' || r == '»':
			r = '"'
		case r == '–' || r == '—' || r == '‒' || r == '‑' || r == '−':
			r = '-'
		case r != '\n' && unicode.IsSpace(r):
			r = ' '
		default:
			r = unicode.ToLower(r)
		}
		out[i] = r
	}
	return out
}

// paragraph is one non-blank line of a text, trimmed of surrounding spaces.
// Lines are the unit because the stored texts put each paragraph, caption
// and comment on its own line.
type paragraph struct {
	span
	indented bool // the line began with white space (nested comments, lists)
}

func paragraphs(text []rune) []paragraph {
	var out []paragraph
	for i := 0; i < len(text); {
		j := i
		for j < len(text) && text[j] != '\n' {
			j++
		}
		s, e := i, j
		for s < e && unicode.IsSpace(text[s]) {
			s++
		}
		for e > s && unicode.IsSpace(text[e-1]) {
			e--
		}
		if s < e {
			out = append(out, paragraph{span: span{s, e}, indented: s > i})
		}
		i = j + 1
	}
	return out
}

// abbreviations whose full stop does not end a sentence.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "st": true, "jr": true, "sr": true, "vs": true,
	"gov": true, "sen": true, "rep": true, "gen": true, "col": true, "lt": true, "sgt": true, "prof": true,
	"inc": true, "co": true, "corp": true, "ltd": true, "no": true, "jan": true, "feb": true, "mar": true,
	"apr": true, "jun": true, "jul": true, "aug": true, "sep": true, "sept": true, "oct": true, "nov": true,
	"dec": true, "etc": true, "e.g": true, "i.e": true, "u.s": true,
}

func isClosing(r rune) bool {
	switch r {
	case '"', '”', '’', '\'', ')', ']', '»':
		return true
	}
	return false
}

// sentences splits a paragraph into sentences. A sentence ends at . ! ? or
// an ellipsis (with any closing quotes after it) followed by a space and a
// capital, digit or opening quote; not inside a double-quoted quotation (a
// quoted speech keeps its attribution: “It was. I did.” she said), not after
// an abbreviation or an initial, and not inside a protected span (an outlet
// name such as "OK!").
func sentences(text []rune, p span, protected []span) []span {
	var out []span
	start := p.start
	inQuote := false
	isProtected := func(i int) bool {
		for _, s := range protected {
			if s.start <= i && i < s.end {
				return true
			}
		}
		return false
	}
	for i := p.start; i < p.end; i++ {
		r := text[i]
		switch r {
		case '“':
			inQuote = true
		case '”':
			inQuote = false
		case '"':
			inQuote = !inQuote
		}
		// A quotation that ends a sentence ("… pull the trigger.” Baldwin
		// also said") ends it at its closing mark.
		closesSentence := (r == '”' || r == '"' && !inQuote) && i > p.start && strings.ContainsRune(".!?…", text[i-1])
		if r != '.' && r != '!' && r != '?' && r != '…' && !closesSentence {
			continue
		}
		if inQuote || isProtected(i) {
			continue
		}
		j := i + 1
		for j < p.end && (text[j] == '.' || text[j] == '…' || text[j] == '!' || text[j] == '?') {
			j++
		}
		for j < p.end && isClosing(text[j]) {
			if text[j] == '"' || text[j] == '”' {
				inQuote = false
			}
			j++
		}
		if j >= p.end || !unicode.IsSpace(text[j]) {
			continue
		}
		k := j
		for k < p.end && unicode.IsSpace(text[k]) {
			k++
		}
		if k >= p.end {
			continue
		}
		next := text[k]
		if !(unicode.IsUpper(next) || unicode.IsDigit(next) || next == '“' || next == '"' || next == '‘' || next == '\'') {
			continue
		}
		if r == '.' && endsWithAbbreviation(text, p.start, i) {
			continue
		}
		out = append(out, span{start, j})
		start = k
		i = k - 1
	}
	if start < p.end {
		out = append(out, span{start, p.end})
	}
	return out
}

func endsWithAbbreviation(text []rune, from, dot int) bool {
	w := dot
	for w > from && (unicode.IsLetter(text[w-1]) || text[w-1] == '.') {
		w--
	}
	word := []rune{}
	for _, r := range text[w:dot] {
		word = append(word, unicode.ToLower(r))
	}
	if len(word) == 1 || (len(word) >= 2 && word[len(word)-2] == '.') {
		return true // an initial, or the inner stops of "D.A." / "N.M."
	}
	return abbreviations[string(word)]
}

// quoteStyle counts opening quotation marks in a span, by style. An opening
// mark follows the start, a space or an opening bracket and precedes a
// non-space, so apostrophes ("Alec’s", "Hutchins’ family") are not counted.
func quoteStyle(text []rune, s span) (double, single int) {
	for i := s.start; i < s.end; i++ {
		r := text[i]
		if r != '“' && r != '"' && r != '‘' && r != '\'' {
			continue
		}
		if i > s.start && !unicode.IsSpace(text[i-1]) && text[i-1] != '(' && text[i-1] != '[' && text[i-1] != '—' {
			continue
		}
		if i+1 >= s.end || unicode.IsSpace(text[i+1]) {
			continue
		}
		if r == '“' || r == '"' {
			double++
		} else {
			single++
		}
	}
	return double, single
}

// unquoted returns the folded text of a span with quotations blanked out, so
// that first-person words or questions inside quoted speech are not taken
// for the author's voice.
func unquoted(folded, text []rune, s span) []rune {
	out := make([]rune, 0, s.end-s.start)
	depth := 0
	for i := s.start; i < s.end; i++ {
		r := text[i]
		open := (r == '“') ||
			((r == '"' || r == '‘' || r == '\'') && (i == s.start || unicode.IsSpace(text[i-1]) || text[i-1] == '(') && i+1 < s.end && !unicode.IsSpace(text[i+1]))
		shut := (r == '”') ||
			((r == '"' || r == '’' || r == '\'') && depth > 0 && (i+1 == s.end || !unicode.IsLetter(text[i+1])))
		switch {
		case open && depth == 0:
			depth = 1
			out = append(out, ' ')
			continue
		case shut && depth > 0:
			depth = 0
			out = append(out, ' ')
			continue
		}
		if depth > 0 {
			out = append(out, ' ')
		} else {
			out = append(out, folded[i])
		}
	}
	return out
}
