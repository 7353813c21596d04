package reprint

import (
	"unicode"
	"unicode/utf8"
)

// token is one normalised word of a text together with where it sits in the
// original text. Matching works on hash; everything shown to people is mapped
// back through start/end, so normalisation never has to be reversible.
type token struct {
	hash       uint64 // FNV-1a of the folded word
	start, end int32  // code point offsets into the original text, end exclusive
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
	fnvPrime4 = fnvPrime * fnvPrime * fnvPrime * fnvPrime & (1<<64 - 1)
)

// isApostrophe reports runes that join the two halves of a contraction or a
// possessive ("didn’t", "state's"). They are dropped inside words so that
// curly and straight apostrophes, and their absence, give the same token.
func isApostrophe(r rune) bool {
	switch r {
	case '\'', '’', 'ʼ', '`', '´', '′':
		return true
	}
	return false
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf { // ASCII fast path: no ASCII rune is a mark
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// tokenize splits text into normalised words. Rules, chosen so that two
// copies of a passage give the same tokens whatever their typography:
//   - a word is a maximal run of letters, digits and combining marks;
//   - case is folded (unicode.ToLower, rune by rune);
//   - an apostrophe between two letters is skipped, so "state’s" and
//     "state's" are both "states";
//   - a comma or full stop between two digits is skipped, so "635,000" is one
//     token "635000";
//   - everything else (quotes of any style, dashes, ellipses, whitespace,
//     hyphens) separates words and is otherwise ignored.
//
// Offsets are code points, the unit the rest of the service uses.
func tokenize(text string) []token {
	return appendTokens(make([]token, 0, len(text)/6+1), text)
}

func appendTokens(dst []token, text string) []token {
	var (
		inWord bool
		h      uint64
		start  int32
		cp     int32 // code point index of the rune being read
		last   rune  // last rune added to the current word
	)
	flush := func(end int32) {
		if inWord {
			dst = append(dst, token{hash: h, start: start, end: end})
			inWord = false
		}
	}
	for i := 0; i < len(text); {
		r, size := rune(text[i]), 1
		var word bool
		if r < utf8.RuneSelf { // ASCII fast path, same results as below
			word = 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
		} else {
			r, size = utf8.DecodeRuneInString(text[i:])
			word = isWordRune(r)
		}
		if word {
			if !inWord {
				inWord, h, start = true, fnvOffset, cp
			}
			// Four bytes per rune keeps the hash a function of the folded runes
			// alone, independent of their UTF-8 encoding length.
			if r < utf8.RuneSelf {
				if 'A' <= r && r <= 'Z' {
					r += 'a' - 'A'
				}
				// The three high bytes are zero: XOR-ing them is a no-op.
				h = (h ^ uint64(r)) * fnvPrime4
			} else {
				lr := unicode.ToLower(r)
				for s := 0; s < 32; s += 8 {
					h ^= uint64(byte(uint32(lr) >> s))
					h *= fnvPrime
				}
			}
			last = r
			i += size
			cp++
			continue
		}
		if inWord {
			next, nsize := utf8.DecodeRuneInString(text[i+size:])
			joins := nsize > 0 &&
				((isApostrophe(r) && unicode.IsLetter(last) && unicode.IsLetter(next)) ||
					((r == ',' || r == '.') && unicode.IsDigit(last) && unicode.IsDigit(next)))
			if joins {
				i += size
				cp++
				continue
			}
		}
		flush(cp)
		i += size
		cp++
	}
	flush(cp)
	return dst
}
