package reprint

import (
	"testing"
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
