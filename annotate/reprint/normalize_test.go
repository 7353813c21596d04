package reprint

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"unicode"
	"unicode/utf8"
)

func words(text string, toks []token) []string {
	rs := []rune(text)
	var out []string
	for _, t := range toks {
		out = append(out, string(rs[t.start:t.end]))
	}
	return out
}

func TestTokenizeOffsetsAreCodePoints(t *testing.T) {
	text := "🙄 “Alec’s” gun — fired…"
	got := words(text, tokenize(text))
	want := []string{"Alec’s", "gun", "fired"}
	if len(got) != len(want) {
		t.Fatalf("words %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("word %d is %q, want %q", i, got[i], want[i])
		}
	}
}

func TestTokenizeNormalisesTypography(t *testing.T) {
	tests := []struct{ name, a, b string }{
		{"CurlyVersusStraightApostrophe", "the state’s board", "The State's board"},
		{"QuotesAndDashes", "she was “ready” — to file", "she was 'ready' - to file"},
		{"WhitespaceAndNoBreakSpace", "Mary\u00a0Carmack  Altwies\n", "Mary Carmack Altwies"},
		{"NumbersWithSeparators", "$635,000", "635000"},
		{"HyphenSplitsLikeSpace", "Carmack-Altwies", "Carmack Altwies"},
		{"Ellipsis", "wait… what . . . now", "wait what now"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ta, tb := tokenize(tc.a), tokenize(tc.b)
			if len(ta) != len(tb) {
				t.Fatalf("%q gives %d tokens, %q gives %d", tc.a, len(ta), tc.b, len(tb))
			}
			for i := range ta {
				if ta[i].hash != tb[i].hash {
					t.Errorf("token %d differs: %q vs %q", i, words(tc.a, ta)[i], words(tc.b, tb)[i])
				}
			}
		})
	}
}

// FuzzTokenize checks the offset table: tokens are in order, inside the text,
// non-empty, and each starts with a letter, digit or mark.
func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"", "a", "🙄 “Alec’s” gun", "1,2.3", "'’x'", "\xff\xfeab", "d.a. N.M. — …"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		n := utf8.RuneCountInString(text)
		rs := []rune(text)
		prev := int32(0)
		for i, tk := range tokenize(text) {
			if tk.start < prev || tk.end <= tk.start || int(tk.end) > n {
				t.Fatalf("token %d span [%d,%d) bad (prev end %d, %d runes)", i, tk.start, tk.end, prev, n)
			}
			if !isWordRune(rs[tk.start]) || !isWordRune(rs[tk.end-1]) {
				t.Fatalf("token %d %q does not start and end on a word rune", i, string(rs[tk.start:tk.end]))
			}
			prev = tk.end
		}
	})
}

// tokenizeGeneric is appendTokens without its ASCII fast path: every rune
// decoded and classified through package unicode, and hashed byte by byte.
func tokenizeGeneric(text string) []token {
	var (
		dst    []token
		inWord bool
		h      uint64
		start  int32
		cp     int32
		last   rune
	)
	flush := func(end int32) {
		if inWord {
			dst = append(dst, token{hash: h, start: start, end: end})
			inWord = false
		}
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if isWordRune(r) {
			if !inWord {
				inWord, h, start = true, fnvOffset, cp
			}
			lr := unicode.ToLower(r)
			for s := 0; s < 32; s += 8 {
				h ^= uint64(byte(uint32(lr) >> s))
				h *= fnvPrime
			}
			last = r
			i += size
			cp++
			continue
		}
		if inWord {
			next, nsize := utf8.DecodeRuneInString(text[i+size:])
			if nsize > 0 && ((isApostrophe(r) && unicode.IsLetter(last) && unicode.IsLetter(next)) ||
				((r == ',' || r == '.') && unicode.IsDigit(last) && unicode.IsDigit(next))) {
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

// TestTokenizeFastPathAgrees checks the ASCII fast path of appendTokens
// against the generic rune-by-rune rules on the seed articles and on random
// mixtures of ASCII, accented and other scripts, digits and punctuation.
func TestTokenizeFastPathAgrees(t *testing.T) {
	texts := []string{"", "A", "Zz9", "ÉCOLE école Ecole", "STATE’S state's 635,000 3.14 a.b", "İstanbul ΣΟΦΙΑ straße"}
	files, _ := filepath.Glob("testdata/seeds/*.txt")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(b))
	}
	alphabet := []rune("aZm09 ,.'’-—“”\"\nÉéßΣσ日本\u0301İ@[`{/:")
	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		rs := make([]rune, rng.IntN(40))
		for i := range rs {
			rs[i] = alphabet[rng.IntN(len(alphabet))]
		}
		texts = append(texts, string(rs))
	}
	for _, s := range texts {
		got, want := tokenize(s), tokenizeGeneric(s)
		if len(got) != len(want) {
			t.Fatalf("%.60q: %d tokens, generic rules give %d", s, len(got), len(want))
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%.60q: token %d is %+v, generic rules give %+v", s, i, got[i], want[i])
			}
		}
	}
}

// TestASCIIFastPaths: fold and isWordRune answer every ASCII rune as their general rules
// (unicode's classes, isApostrophe) do.
func TestASCIIFastPaths(t *testing.T) {
	for r := rune(0); r < 0x80; r++ {
		want := unicode.ToLower(r)
		switch {
		case isApostrophe(r):
			want = '\''
		case r != '\n' && unicode.IsSpace(r):
			want = ' '
		}
		if got := fold([]rune{r}); got[0] != want {
			t.Errorf("fold(%q) = %q, want %q", r, got[0], want)
		}
		if got, want := isWordRune(r), unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r); got != want {
			t.Errorf("isWordRune(%q) = %v, want %v", r, got, want)
		}
	}
}
