package annotate

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Names that people read and compare (outlet names and aliases, account names and emails)
// are stored in NFC, so "Café" typed with a combining accent and with a precomposed one are
// the same name, and may not hold characters that change how the rest is displayed without
// being seen: bidirectional overrides and isolates (which can show "moc.live" as
// "evil.com"), zero-width and other invisible format characters, and control characters.

// NormaliseName trims a name and puts it in NFC.
func NormaliseName(s string) string { return norm.NFC.String(strings.TrimSpace(s)) }

// NormaliseEmail is the one form of an email address that is stored and compared:
// trimmed, NFC, lower case.
func NormaliseEmail(s string) string { return strings.ToLower(NormaliseName(s)) }

// CheckName refuses a name holding invisible or display-changing characters.
func CheckName(field, s string) error {
	for _, r := range s {
		switch {
		case r == '\uFFFD':
			return Errorf(CodeInvalid, field, "%s is not valid UTF-8", field)
		case unicode.Is(unicode.Bidi_Control, r):
			return Errorf(CodeInvalid, field, "%s holds a bidirectional control character (U+%04X), which changes how the text around it is displayed", field, r)
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r):
			return Errorf(CodeInvalid, field, "%s holds an invisible character (U+%04X)", field, r)
		}
	}
	return nil
}

// scripts that a name's letters are checked against; a letter of none of them counts as its
// own script ("other").
var scripts = []struct {
	name  string
	table *unicode.RangeTable
}{
	{"Latin", unicode.Latin}, {"Cyrillic", unicode.Cyrillic}, {"Greek", unicode.Greek},
	{"Arabic", unicode.Arabic}, {"Hebrew", unicode.Hebrew}, {"Han", unicode.Han},
	{"Hiragana", unicode.Hiragana}, {"Katakana", unicode.Katakana}, {"Hangul", unicode.Hangul},
	{"Armenian", unicode.Armenian}, {"Georgian", unicode.Georgian}, {"Devanagari", unicode.Devanagari},
	{"Thai", unicode.Thai},
}

// Scripts lists the writing systems of a name's letters, in order of first appearance.
// Digits, punctuation and marks belong to none. Han, Hiragana and Katakana together are
// one Japanese name, and are reported as such.
func Scripts(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range s {
		if !unicode.IsLetter(r) {
			continue
		}
		name := "other"
		for _, sc := range scripts {
			if unicode.Is(sc.table, r) {
				name = sc.name
				break
			}
		}
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	japanese := 0
	for _, n := range []string{"Han", "Hiragana", "Katakana"} {
		if seen[n] {
			japanese++
		}
	}
	if japanese > 1 && len(out) == japanese {
		return []string{"Japanese"}
	}
	return out
}
