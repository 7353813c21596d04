package reprint

import (
	"regexp"
	"strings"
	"unicode"
)

// Comment section markers.
var (
	commentHeading = regexp.MustCompile(`^(?:\d+\s+)?(?:comments?|responses?|replies|reader comments|leave a (?:reply|comment)|join the (?:discussion|conversation)|discussion)\s*:?$`)
	numberedItem   = regexp.MustCompile(`^(\d+)[.)]\s+\S`)
)

// FindComments finds the readers' comments section of a text: from a
// "Comments" / "12 Responses" / "Leave a reply" heading, or from an indented
// item numbered 1 that is followed by item 2 and after which every line is
// indented (the numbered replies the stored pages carry), to the end of the
// text. ok is false when there is none.
func FindComments(text string) (start, end int, ok bool) {
	rs := []rune(text)
	return findComments(rs, paragraphs(rs))
}

func findComments(rs []rune, paras []paragraph) (int, int, bool) {
	if len(paras) == 0 {
		return 0, 0, false
	}
	end := paras[len(paras)-1].end
	for i, p := range paras {
		// Both markers start with a digit or, lowered, with one of the
		// headings' first letters: other paragraphs are not lowered and
		// matched at all (most of an article's).
		if r := unicode.ToLower(rs[p.start]); (r < '0' || r > '9') && !strings.ContainsRune("crljd", r) {
			continue
		}
		line := strings.ToLower(string(rs[p.start:p.end]))
		if commentHeading.MatchString(line) {
			return p.start, end, true
		}
		m := numberedItem.FindStringSubmatch(line)
		if !p.indented || m == nil || m[1] != "1" {
			continue
		}
		allIndented, second := true, false
		for _, q := range paras[i+1:] {
			if !q.indented {
				allIndented = false
				break
			}
			if n := numberedItem.FindStringSubmatch(string(rs[q.start:q.end])); n != nil && n[1] == "2" {
				second = true
			}
		}
		if allIndented && second {
			return p.start, end, true
		}
	}
	return 0, 0, false
}
